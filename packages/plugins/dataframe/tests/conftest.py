"""Every featherkit test run: temporary files under pytest's paths, nothing left in /tmp."""

from __future__ import annotations


def pytest_configure(config):
    """Temporary files under pytest's paths, and a run that leaves any in /tmp fails."""
    from featherkit.testing.leftovers import enable

    enable(config)
