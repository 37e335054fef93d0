"""Tests of featherkit-pydantic run with strict plugin loading (a broken plugin fails)."""

from __future__ import annotations

import os

os.environ.setdefault("FEATHERKIT_STRICT_PLUGINS", "1")


def pytest_configure(config):
    """Temporary files under pytest's paths, and a run that leaves any in /tmp fails."""
    from featherkit.testing.leftovers import enable

    enable(config)
