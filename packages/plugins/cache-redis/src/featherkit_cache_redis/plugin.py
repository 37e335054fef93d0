"""The entry point: registers the backend as ``redis`` and ``rediss`` (TLS).

Kept free of ``import redis`` (a few hundred milliseconds): redis-py is imported only when a
call actually selects this backend, so installing the plugin does not slow other commands.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from featherkit.extend import hookimpl

if TYPE_CHECKING:
    from featherkit_cache_redis.backend import RedisCache

DEFAULT_URL = "redis://127.0.0.1:6379/0"


def factory(location: str) -> RedisCache:
    """``location`` is the URL from ``FEATHERKIT_CACHE``; empty means the local default."""
    from featherkit_cache_redis.backend import RedisCache

    return RedisCache(location or DEFAULT_URL)


@hookimpl
def register_cache_backends(register: Callable[[str, Callable[[str], Any]], None]) -> None:
    register("redis", factory)
    register("rediss", factory)
