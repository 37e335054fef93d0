"""Helpers for testing featherkit plugins and tasks, and featherkit's pytest plugin.

Importable without pytest: every name loads on first use, and only the conformance suites
(``CacheBackendSuite``, ``TaskResolverSuite``) need pytest. Plugin packages import test
helpers from here only (``from featherkit.testing import registered``), never from the
submodules.

* ``registered(plugin)``: register a plugin object for one ``with`` block;
* ``MemoryStorage``: an in-memory object store to register that way;
* ``CacheBackendSuite``, ``suite_key``, ``suite_entry``: the cache backend conformance suite;
* ``TaskResolverSuite``, ``ResolverCase``, ``MissingCase``, ``run_container``,
  ``fake_plugin_distribution``: the task resolver conformance suite and its tools;
* ``run_in_pod``, ``PodRun``: run a task through ``featherkit-execute`` as a Flyte pod would;
* ``sandboxed_podman``, ``BASE_IMAGE``: a real podman confined to one directory, with a
  busybox image (for plugins that build images or run containers).

Installed with core, :mod:`featherkit.testing.plugin` is a pytest plugin (entry point group
``pytest11``): it turns on strict plugin loading (``FEATHERKIT_STRICT_PLUGINS=1``) for every
test session and provides the ``fresh_plugins`` and ``memory_storage`` fixtures.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    "registered": "featherkit.plugins",
    "MemoryStorage": "featherkit.testing.storage",
    "CacheBackendSuite": "featherkit.testing.cache",
    "suite_key": "featherkit.testing.cache",
    "suite_entry": "featherkit.testing.cache",
    "TaskResolverSuite": "featherkit.testing.resolvers",
    "ResolverCase": "featherkit.testing.resolvers",
    "MissingCase": "featherkit.testing.resolvers",
    "run_container": "featherkit.testing.resolvers",
    "fake_plugin_distribution": "featherkit.testing.resolvers",
    "run_in_pod": "featherkit.testing.pod",
    "PodRun": "featherkit.testing.pod",
    "sandboxed_podman": "featherkit.testing.podman",
    "BASE_IMAGE": "featherkit.testing.podman",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'featherkit.testing' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:
    from featherkit.plugins import registered as registered
    from featherkit.testing.cache import CacheBackendSuite as CacheBackendSuite
    from featherkit.testing.cache import suite_entry as suite_entry
    from featherkit.testing.cache import suite_key as suite_key
    from featherkit.testing.pod import PodRun as PodRun
    from featherkit.testing.pod import run_in_pod as run_in_pod
    from featherkit.testing.podman import BASE_IMAGE as BASE_IMAGE
    from featherkit.testing.podman import sandboxed_podman as sandboxed_podman
    from featherkit.testing.resolvers import MissingCase as MissingCase
    from featherkit.testing.resolvers import ResolverCase as ResolverCase
    from featherkit.testing.resolvers import TaskResolverSuite as TaskResolverSuite
    from featherkit.testing.resolvers import fake_plugin_distribution as fake_plugin_distribution
    from featherkit.testing.resolvers import run_container as run_container
    from featherkit.testing.storage import MemoryStorage as MemoryStorage
