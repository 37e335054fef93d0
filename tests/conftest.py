"""Cross-package tests. Strict plugin loading and the no-files-left-in-/tmp check, as in every
featherkit test run, come from featherkit's pytest plugin (``featherkit.testing.plugin``,
installed with core).

``tests/e2e`` runs tasks as Flyte pods would (serialized, container args substituted,
``featherkit-execute`` in a subprocess); ``tests/compat`` compares with flytekit (``nox -s
compat`` only). Each has its own conftest for its fixtures.
"""

from __future__ import annotations

