"""The contract between featherkit's cache and the places that store it.

A backend stores opaque byte strings under hex keys, with a small :class:`CacheEntry`
description beside each (task, version, key components) so that ``featherkit cache list``,
``clear TASK`` and ``explain`` work on any backend. Core frames every stored value itself
(:func:`encode_record`, with a checksum), so a truncated or foreign value is recognised as such
whatever the backend, and a backend never has to understand what it stores.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


class CacheWarning(UserWarning):
    """The cache could not be used for a call; the call ran uncached (nothing was lost)."""


class CacheError(Exception):
    """A backend failed in a way worth telling the user about (raised by backends)."""


class CorruptEntryError(CacheError):
    """A stored value does not decode; the call treats it as a miss and replaces it."""


@dataclass(frozen=True)
class CacheEntry:
    """What a backend keeps beside a stored value.

    ``components`` is JSON-able: the key's components (``version``, ``interface``, per-input
    digests, ignored inputs) and short input previews, written by core and read back by
    ``featherkit cache explain``. A backend stores it as given and returns it from ``list``.
    """

    key: str
    task: str
    version: str
    created: float
    size: int = 0
    components: Mapping[str, Any] = field(default_factory=dict)


@runtime_checkable
class CacheBackend(Protocol):
    """A place to keep task outputs. Registered through ``register_cache_backends``.

    Every method may be called from several threads at once and from several processes
    (including children forked after the backend was created); a backend opens its
    connections lazily and per process. Errors are raised, never swallowed: core turns them
    into one :class:`CacheWarning` and runs the call uncached. ``repr(backend)`` names it and
    its location in those warnings and in the CLI.
    """

    def get(self, key: str) -> bytes | None:
        """The value stored under ``key``, or ``None``."""
        ...

    def put(self, entry: CacheEntry, value: bytes) -> None:
        """Store ``value`` under ``entry.key``, atomically, replacing any previous value."""
        ...

    def delete(self, key: str) -> bool:
        """Remove one entry; ``True`` if it existed."""
        ...

    def list(self, task: str | None = None) -> builtins.list[CacheEntry]:
        """Every entry (of ``task`` when given), without values."""
        ...

    def clear(self, task: str | None = None) -> int:
        """Remove every entry (of ``task`` when given); returns how many were removed."""
        ...

    def lock(self, key: str) -> AbstractContextManager[None]:
        """Hold an exclusive lock on ``key`` for the ``with`` block (``cache_serialize``).

        Exclusive between threads and between processes that share the backend. Waiting
        blocks until the holder releases it. A holder that dies must not leave the key locked
        forever: the lock is released with the process (file locks) or expires (network
        locks, renewed while the holder lives).
        """
        ...


#: stored values start with this, then the SHA-256 of the payload, then the payload
RECORD_MAGIC = b"FKC1"
_MAGIC_LENGTH = len(RECORD_MAGIC)
_HEADER = _MAGIC_LENGTH + 32
#: hashlib.sha256, imported on the first decode_record (plugin loading imports this module)
_sha256: Any = None


def encode_record(payload: bytes) -> bytes:
    """Frame ``payload`` for storage: magic, checksum, payload."""
    import hashlib  # here, not at the top: plugin loading imports this module

    return RECORD_MAGIC + hashlib.sha256(payload).digest() + payload


def decode_record(record: bytes) -> bytes:
    """The payload of a stored record; :class:`CorruptEntryError` if it is not intact."""
    global _sha256
    if type(record) is not bytes:
        record = bytes(record)
    if len(record) < _HEADER or not record.startswith(RECORD_MAGIC):
        raise CorruptEntryError(
            f"stored value is not a featherkit cache record ({len(record)} bytes)"
        )
    sha256 = _sha256
    if sha256 is None:  # imported once, on the first read (every cache hit reads one)
        import hashlib

        sha256 = _sha256 = hashlib.sha256
    payload = record[_HEADER:]
    if sha256(payload).digest() != record[_MAGIC_LENGTH:_HEADER]:
        raise CorruptEntryError(
            f"stored value fails its checksum (truncated or altered, {len(record)} bytes)"
        )
    return payload
