"""The Redis backend.

Select it with ``FEATHERKIT_CACHE=redis://host:6379/0`` (or ``rediss://`` for TLS, or the
name ``redis`` for ``redis://127.0.0.1:6379/0``). Besides redis-py's own URL options, the
query string may carry:

``prefix``
    prefix of every key this backend writes (default ``featherkit:cache:``), so that several
    teams or projects can share one database;
``lock_ttl``
    seconds a ``cache_serialize`` lock lives without renewal (default 30).

Layout: each entry is a hash ``<prefix>entry:<key>`` with the stored value and its
description (task, version, created, size, components), written by one ``HSET``, so a reader
sees an entry whole or not at all. A lock is a string ``<prefix>lock:<key>`` set with
``SET NX PX`` to a random token; while the body runs a daemon thread extends it every third
of ``lock_ttl`` (only if it still holds the token), and release deletes it only if it still
holds the token (Lua scripts, so check and act are atomic). A holder that dies stops
renewing: the lock expires within ``lock_ttl`` and a waiter takes over. If a holder is stalled
longer than ``lock_ttl`` (or cut off from Redis), its lock expires and a second caller may run
the body too: the result is still correct, only computed twice.

Connections: redis-py's pool is thread-safe and opens fresh connections in a forked child.
Connect timeout 2 s and socket timeout 10 s unless the URL says otherwise, so an unreachable
server costs a warning, not a hang.
"""

from __future__ import annotations

import builtins
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import redis

from featherkit.extend import CacheEntry, redact_location
from featherkit_cache_redis.plugin import DEFAULT_URL

log = logging.getLogger("featherkit_cache_redis")

__all__ = ["DEFAULT_LOCK_TTL", "DEFAULT_PREFIX", "DEFAULT_URL", "RedisCache"]

DEFAULT_PREFIX = "featherkit:cache:"
DEFAULT_LOCK_TTL = 30.0
_FIELDS = ("task", "version", "created", "size", "components")

# extend the lock only while we still hold it
_EXTEND = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
# release the lock only if it is still ours (it may have expired and been taken since)
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


def _split_options(url: str) -> tuple[str, dict[str, str]]:
    """Take featherkit's own options (``prefix``, ``lock_ttl``) out of the URL's query."""
    parts = urlsplit(url)
    ours: dict[str, str] = {}
    theirs = []
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name == "decode_responses":
            raise ValueError("decode_responses cannot be used: the cache stores bytes")
        if name in ("prefix", "lock_ttl"):
            ours[name] = value
        else:
            theirs.append((name, value))
    return urlunsplit(parts._replace(query=urlencode(theirs))), ours


def _escape_glob(text: str) -> str:
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)


class RedisCache:
    """Cache entries and ``cache_serialize`` locks in one Redis database."""

    def __init__(
        self,
        url: str = DEFAULT_URL,
        *,
        prefix: str | None = None,
        lock_ttl: float | None = None,
    ) -> None:
        self.url = url
        server_url, options = _split_options(url)
        self.prefix = prefix if prefix is not None else options.get("prefix", DEFAULT_PREFIX)
        try:
            ttl = lock_ttl if lock_ttl is not None else float(
                options.get("lock_ttl", DEFAULT_LOCK_TTL)
            )
        except ValueError:
            raise ValueError(
                f"lock_ttl must be a number of seconds in {redact_location(url)!r}"
            ) from None
        if ttl <= 0:
            raise ValueError(f"lock_ttl must be positive, got {ttl}")
        self.lock_ttl = ttl
        self.client: redis.Redis = redis.Redis.from_url(
            server_url, socket_connect_timeout=2.0, socket_timeout=10.0
        )
        self._extend = self.client.register_script(_EXTEND)
        self._release = self.client.register_script(_RELEASE)

    def __repr__(self) -> str:
        return f"redis cache at {redact_location(self.url)}"

    def __reduce__(self) -> tuple[Callable[..., RedisCache], tuple[Any, ...]]:
        return (_rebuild, (self.url, self.prefix, self.lock_ttl))

    def _entry_name(self, key: str) -> str:
        return f"{self.prefix}entry:{key}"

    # -- the protocol ----------------------------------------------------------------------

    def get(self, key: str) -> bytes | None:
        value = self.client.hget(self._entry_name(key), "value")
        if value is None:
            return None
        assert isinstance(value, bytes)  # decode_responses is refused in __init__
        return value

    def put(self, entry: CacheEntry, value: bytes) -> None:
        self.client.hset(
            self._entry_name(entry.key),
            mapping={
                "value": value,
                "task": entry.task,
                "version": entry.version,
                "created": repr(entry.created),
                "size": str(entry.size),
                "components": json.dumps(
                    dict(entry.components), sort_keys=True, separators=(",", ":")
                ),
            },
        )

    def delete(self, key: str) -> bool:
        return bool(self.client.delete(self._entry_name(key)))

    def _names(self) -> Iterator[bytes]:
        pattern = _escape_glob(self.prefix) + "entry:*"
        yield from self.client.scan_iter(match=pattern, count=500)

    def list(self, task: str | None = None) -> builtins.list[CacheEntry]:
        names = builtins.list(self._names())
        if not names:
            return []
        pipe = self.client.pipeline(transaction=False)
        for name in names:
            pipe.hmget(name, _FIELDS)
        entries = []
        start = len(self._entry_name(""))
        for name, fields in zip(names, pipe.execute()):
            if fields[0] is None:  # removed between the scan and the read
                continue
            task_name, version, created, size, components = (
                f.decode() if isinstance(f, bytes) else f for f in fields
            )
            if task is not None and task_name != task:
                continue
            try:
                described = json.loads(components or "{}")
            except ValueError:
                described = {}
            entries.append(CacheEntry(
                key=name.decode()[start:],
                task=task_name,
                version=version or "",
                created=float(created or 0),
                size=int(size or 0),
                components=described,
            ))
        entries.sort(key=lambda e: (e.task, e.created))
        return entries

    def clear(self, task: str | None = None) -> int:
        if task is not None:
            names = [self._entry_name(e.key) for e in self.list(task)]
        else:
            names = [n.decode() for n in self._names()]
        removed = 0
        for start in range(0, len(names), 500):
            removed += int(self.client.delete(*names[start : start + 500]))
        return removed

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        name = f"{self.prefix}lock:{key}"
        token = uuid.uuid4().hex
        ttl_ms = max(1, int(self.lock_ttl * 1000))
        delay = 0.002
        while not self.client.set(name, token, nx=True, px=ttl_ms):
            time.sleep(delay)
            delay = min(delay * 2, 0.05)
        stop = threading.Event()
        renewer = threading.Thread(
            target=self._renew, args=(name, token, ttl_ms, stop),
            name=f"featherkit-redis-lock-{key[:12]}", daemon=True,
        )
        renewer.start()
        try:
            yield
        finally:
            stop.set()
            renewer.join()
            self._release(keys=[name], args=[token])

    def _renew(self, name: str, token: str, ttl_ms: int, stop: threading.Event) -> None:
        """Extend the lock every third of its lifetime until told to stop."""
        while not stop.wait(ttl_ms / 3000):
            try:
                if not self._extend(keys=[name], args=[token, ttl_ms]):
                    log.warning(
                        "featherkit cache: the lock %s expired before the task finished "
                        "(raise lock_ttl); another caller may run it too", name,
                    )
                    return
            except redis.RedisError as exc:
                # the server is gone: storing the result and releasing the lock fail too, and
                # core gives the call its one warning for that; no second one from here
                log.debug("featherkit cache: could not renew the lock %s: %s", name, exc)
                return


def _rebuild(url: str, prefix: str, lock_ttl: float) -> RedisCache:
    return RedisCache(url, prefix=prefix, lock_ttl=lock_ttl)
