"""The cached call: look up, or run (under a per-key lock for ``cache_serialize``) and store.

Failure rules, the same for every backend:

* what the task raises (a user error, :class:`featherkit.IgnoreOutputs`, a conversion error)
  propagates untouched and nothing is stored;
* a backend that fails (down, corrupt database, full disk) costs one :class:`CacheWarning` for
  the call, which then runs uncached; its result is returned as usual, so nothing is lost;
* a stored value that does not decode is a miss (one warning); the fresh result replaces it.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from featherkit.cache.backend import (
    CacheBackend,
    CacheEntry,
    CacheWarning,
    decode_record,
    encode_record,
)
from featherkit.cache.config import backend_for, current_settings
from featherkit.cache.key import KeyComponents, _TaskPart, key_components, task_key
from featherkit.redact import redact_text

if TYPE_CHECKING:
    from flyteidl.core import literals_pb2

    from featherkit.base_task import Task

log = logging.getLogger("featherkit.cache")

T = TypeVar("T")


class _Call:
    """One call's dealings with the backend: after the first failure it stops using it."""

    __slots__ = ("backend", "broken", "key", "what")

    def __init__(self, backend: CacheBackend, key: str, what: str) -> None:
        self.backend = backend
        self.key = key
        self.what = what
        self.broken = False

    def warn(self, message: str) -> None:
        # a backend's repr or a driver's exception may show a URL with a password
        warnings.warn(f"featherkit cache: {redact_text(message)}", CacheWarning, stacklevel=4)

    def failed(self, operation: str, exc: BaseException) -> None:
        self.broken = True
        self.warn(
            f"{self.backend!r} failed to {operation} for {self.what}: "
            f"{type(exc).__name__}: {exc}; running it uncached"
        )


def cached_call(
    backend: CacheBackend,
    key: str,
    compute: Callable[[], T],
    *,
    encode: Callable[[T], bytes],
    decode: Callable[[bytes], T],
    entry: Callable[[bytes], CacheEntry],
    serialize: bool = False,
    overwrite: bool = False,
    what: str = "a call",
) -> T:
    """Return the value stored under ``key``, or compute, store and return it.

    ``encode``/``decode`` turn a value into the stored payload and back (``decode`` raising
    means the entry is unusable); ``entry(payload)`` describes what is stored. With
    ``serialize`` the miss path holds ``backend.lock(key)`` and looks again inside it, so
    concurrent identical calls compute once. With ``overwrite`` nothing is looked up: the
    value is computed and replaces what was stored. ``run_cached`` is this for tasks; backend
    test suites call it directly.
    """
    call = _Call(backend, key, what)
    if not overwrite:
        found = _lookup(call, decode)
        if found is not None:
            return found[0]
    return _after_miss(call, compute, encode, decode, entry, serialize, overwrite)


def _after_miss(
    call: _Call,
    compute: Callable[[], T],
    encode: Callable[[T], bytes],
    decode: Callable[[bytes], T],
    entry: Callable[[bytes], CacheEntry],
    serialize: bool,
    overwrite: bool,
) -> T:
    """The rest of :func:`cached_call` once the first lookup found nothing usable."""
    backend, key, what = call.backend, call.key, call.what
    if serialize and not call.broken:
        try:
            lock = backend.lock(key)
            lock.__enter__()
        except Exception as exc:
            call.failed("lock the entry", exc)
        else:
            try:
                if not overwrite:
                    found = _lookup(call, decode)
                    if found is not None:
                        return found[0]
                return _compute_and_store(call, compute, encode, entry)
            finally:
                try:
                    lock.__exit__(None, None, None)
                except Exception as exc:
                    call.warn(
                        f"{backend!r} failed to release the lock of {what}: "
                        f"{type(exc).__name__}: {exc}"
                    )
    return _compute_and_store(call, compute, encode, entry)


def _lookup(call: _Call, decode: Callable[[bytes], T]) -> tuple[T] | None:
    if call.broken:
        return None
    try:
        record = call.backend.get(call.key)
    except Exception as exc:
        call.failed("read the cache", exc)
        return None
    if record is None:
        log.debug("cache miss for %s (key %s)", call.what, call.key)
        return None
    try:
        value = decode(decode_record(record))
    except Exception as exc:
        call.warn(
            f"the entry for {call.what} in {call.backend!r} does not decode "
            f"({type(exc).__name__}: {exc}); running it again and replacing the entry"
        )
        return None
    log.debug("cache hit for %s (key %s)", call.what, call.key)
    return (value,)


def _compute_and_store(
    call: _Call,
    compute: Callable[[], T],
    encode: Callable[[T], bytes],
    entry: Callable[[bytes], CacheEntry],
) -> T:
    value = compute()  # whatever it raises propagates, and nothing is stored
    if call.broken:
        return value
    try:
        payload = encode(value)
        call.backend.put(entry(payload), encode_record(payload))
    except Exception as exc:
        call.failed("store the result", exc)
    return value


# --- tasks -----------------------------------------------------------------------------------


_LITERAL_MAP: Any = None


def _literal_map() -> Any:
    """``literals_pb2.LiteralMap``, imported once (flyteidl loads only when first needed)."""
    global _LITERAL_MAP
    if _LITERAL_MAP is None:
        from flyteidl.core import literals_pb2

        _LITERAL_MAP = literals_pb2.LiteralMap
    return _LITERAL_MAP


def _decode_outputs(payload: bytes, names: tuple[str, ...]) -> literals_pb2.LiteralMap:
    """The stored ``LiteralMap``; an entry lacking one of ``names`` is unusable."""
    outputs = _literal_map().FromString(payload)
    literals = outputs.literals
    for name in names:
        if name not in literals:
            raise ValueError(f"stored outputs lack output {name!r}")
    return outputs


class _TaskCodec:
    """How a task's outputs are stored: the ``LiteralMap`` bytes, checked against the outputs."""

    __slots__ = ("inputs", "key", "part", "task")

    def __init__(
        self, task: Task, inputs: literals_pb2.LiteralMap, part: _TaskPart, key: str
    ) -> None:
        self.task = task
        self.inputs = inputs
        self.part = part
        self.key = key

    def decode(self, payload: bytes) -> literals_pb2.LiteralMap:
        return _decode_outputs(payload, self.part.outputs)

    @staticmethod
    def encode(outputs: literals_pb2.LiteralMap) -> bytes:
        return bytes(outputs.SerializeToString(deterministic=True))

    def entry(self, payload: bytes) -> CacheEntry:
        components = key_components(self.task, self.inputs)
        return CacheEntry(
            key=self.key,
            task=self.part.name,
            version=self.part.version,
            created=time.time(),
            size=len(payload),
            components=describe_components(components, self.inputs, self.task),
        )


def run_cached(
    task: Task,
    inputs: literals_pb2.LiteralMap,
    compute: Callable[[], literals_pb2.LiteralMap],
) -> literals_pb2.LiteralMap:
    """Outputs of ``task`` on ``inputs``: from the cache, or by ``compute()`` (then stored).

    Called by a local run when ``task.metadata.cache`` is set. ``compute`` runs
    ``dispatch_execute``; whatever it raises propagates and is never cached.
    """
    settings = current_settings()
    if not settings.enabled:
        return compute()
    backend = backend_for(settings)
    part, key = task_key(task, inputs)
    # cached_call, with the hit path first: a hit builds no codec
    call = _Call(backend, key, part.what)
    if not settings.overwrite:
        names = part.outputs
        found = _lookup(call, lambda payload: _decode_outputs(payload, names))
        if found is not None:
            return found[0]
    codec = _TaskCodec(task, inputs, part, key)
    return _after_miss(
        call,
        compute,
        codec.encode,
        codec.decode,
        codec.entry,
        task.metadata.cache_serialize,
        settings.overwrite,
    )


def describe_components(
    components: KeyComponents, inputs: literals_pb2.LiteralMap, task: Task
) -> dict[str, Any]:
    """The JSON-able description stored beside an entry (read back by ``explain``)."""
    from featherkit.cache.render import interface_text, literal_preview

    return {
        "version": components.version,
        "interface": components.interface,
        "interface_text": interface_text(task.interface),
        "inputs": dict(components.inputs),
        "ignored": list(components.ignored),
        "previews": {
            name: literal_preview(inputs.literals[name]) for name in components.inputs
        },
    }
