"""Cross-package tests: strict plugin loading, as in every featherkit test run.

``tests/e2e`` runs tasks as Flyte pods would (serialized, container args substituted,
``featherkit-execute`` in a subprocess); ``tests/compat`` compares with flytekit (``nox -s
compat`` only). Each has its own conftest for its fixtures.
"""

from __future__ import annotations

import os

os.environ.setdefault("FEATHERKIT_STRICT_PLUGINS", "1")


def pytest_configure(config):
    """Temporary files under pytest's paths, and a run that leaves any in /tmp fails."""
    from featherkit.testing.leftovers import enable

    enable(config)
