"""featherkit's pytest plugin (entry point group ``pytest11``, installed with core).

Every test session in an environment with featherkit installed loads plugins strictly
(``FEATHERKIT_STRICT_PLUGINS=1`` unless already set): a broken plugin fails the tests instead of
being skipped with a warning. Fixtures:

``fresh_plugins``
    the plugin manager is reloaded from scratch for the test, and again afterwards (use it
    with ``monkeypatch.setenv`` of ``FEATHERKIT_PLUGINS`` and friends);
``memory_storage``
    a :class:`featherkit.testing.MemoryStorage` registered for the test's duration.

The no-files-left check (:mod:`featherkit.testing.leftovers`: temporary files under pytest's
paths, a run that leaves anything in the system's temporary directory fails) is loaded from
here too, before any conftest is imported: no conftest needs to enable it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

STRICT_VARIABLE = "FEATHERKIT_STRICT_PLUGINS"

# before any test module is imported: collection may already load plugins
os.environ.setdefault(STRICT_VARIABLE, "1")

pytest_plugins = ["featherkit.testing.leftovers"]


@pytest.fixture
def fresh_plugins() -> Iterator[Any]:
    """Reload plugins from scratch for one test (and again afterwards)."""
    from featherkit import plugins

    plugins.reset_plugin_manager()
    yield plugins
    plugins.reset_plugin_manager()


@pytest.fixture
def memory_storage() -> Iterator[Any]:
    """A :class:`~featherkit.testing.MemoryStorage` registered for ``mem://`` URIs."""
    from featherkit.plugins import registered
    from featherkit.testing.storage import MemoryStorage

    storage = MemoryStorage()
    with registered(storage, "featherkit-testing-memory-storage"):
        yield storage
