"""featherkit's task cache: keys, the backend protocol, backend selection, the cached call.

A local call of a task with ``cache=True`` goes through :func:`run_cached`: the key is
computed from the task and its input literals (:mod:`featherkit.cache.key`), the selected
backend (:mod:`featherkit.cache.config`) is asked for it, and on a miss the task runs and its
outputs ``LiteralMap`` is stored. Backends are plugins (``register_cache_backends``); core's
own is :mod:`featherkit.cache.sqlite`. See ``docs/cache.md``.

Names are imported on first use (PEP 562), so that loading core's builtin SQLite plugin at
plugin-manager start costs next to nothing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from featherkit.cache.backend import (
        CacheBackend,
        CacheEntry,
        CacheError,
        CacheWarning,
        CorruptEntryError,
        decode_record,
        encode_record,
    )
    from featherkit.cache.config import (
        CacheSettings,
        backend_for,
        cache_options,
        current_backend,
        current_settings,
    )
    from featherkit.cache.key import KeyComponents, cache_key, key_components
    from featherkit.cache.runner import CacheOutcome, cache_outcomes, cached_call, run_cached
    from featherkit.cache.sqlite import SQLiteCache

_EXPORTS = {
    "CacheBackend": "backend",
    "CacheEntry": "backend",
    "CacheError": "backend",
    "CacheWarning": "backend",
    "CorruptEntryError": "backend",
    "decode_record": "backend",
    "encode_record": "backend",
    "CacheSettings": "config",
    "backend_for": "config",
    "cache_options": "config",
    "current_backend": "config",
    "current_settings": "config",
    "KeyComponents": "key",
    "cache_key": "key",
    "key_components": "key",
    "CacheOutcome": "runner",
    "cache_outcomes": "runner",
    "cached_call": "runner",
    "run_cached": "runner",
    "SQLiteCache": "sqlite",
}

__all__ = [
    "CacheBackend",
    "CacheEntry",
    "CacheError",
    "CacheOutcome",
    "CacheSettings",
    "CacheWarning",
    "CorruptEntryError",
    "KeyComponents",
    "SQLiteCache",
    "backend_for",
    "cache_key",
    "cache_options",
    "cache_outcomes",
    "cached_call",
    "current_backend",
    "current_settings",
    "decode_record",
    "encode_record",
    "key_components",
    "run_cached",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'featherkit.cache' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"featherkit.cache.{module}"), name)
    globals()[name] = value
    return value
