"""Cross-package tests: strict plugin loading, as in every featherkit test run.

``tests/e2e`` runs tasks as Flyte pods would (serialized, container args substituted,
``featherkit-execute`` in a subprocess); ``tests/compat`` compares with flytekit (``nox -s
compat`` only). Each has its own conftest for its fixtures.
"""

from __future__ import annotations

import os

from featherkit.testing.leftovers import start

os.environ.setdefault("FEATHERKIT_STRICT_PLUGINS", "1")
# before tests/compat's conftest imports flytekit, which makes temporary directories at import
start()


def pytest_configure(config):
    """Temporary files under pytest's paths, and a run that leaves any in /tmp fails."""
    from featherkit.testing.leftovers import enable

    enable(config)
