"""featherkit-cache-redis: a featherkit task cache shared through Redis.

``FEATHERKIT_CACHE=redis://host:6379/0`` selects it (see :mod:`featherkit_cache_redis.backend`
for the URL options, the key layout and the lock). The entry point is
:mod:`featherkit_cache_redis.plugin`; :class:`RedisCache` is imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from featherkit_cache_redis.backend import RedisCache

__all__ = ["RedisCache"]


def __getattr__(name: str) -> Any:
    if name == "RedisCache":
        from featherkit_cache_redis.backend import RedisCache

        return RedisCache
    raise AttributeError(f"module 'featherkit_cache_redis' has no attribute {name!r}")
