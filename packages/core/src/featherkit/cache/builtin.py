"""Core's ``cache-sqlite`` builtin plugin: the ``sqlite`` cache backend's registration.

Apart from :mod:`featherkit.cache.sqlite` so that loading the plugins, which every pod's
start does, does not import the backend (with :mod:`featherkit.cache.backend`): only a
cached call creates one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from featherkit.hookspecs import hookimpl

if TYPE_CHECKING:
    from featherkit.cache.sqlite import SQLiteCache


def _factory(location: str) -> SQLiteCache:
    """``""``: the default directory; a path, or a ``sqlite:///path`` URL: that directory."""
    from featherkit.cache.dirs import default_cache_dir
    from featherkit.cache.sqlite import SQLiteCache

    if location.startswith("sqlite://"):
        location = location[len("sqlite://") :]
    return SQLiteCache(location or default_cache_dir())


@hookimpl(trylast=True)
def register_cache_backends(register: Callable[[str, Callable[[str], Any]], None]) -> None:
    register("sqlite", _factory)
