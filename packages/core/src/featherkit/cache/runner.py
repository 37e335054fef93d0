"""The cached call: look up, or run (under a per-key lock for ``cache_serialize``) and store.

Failure rules, the same for every backend:

* what the task raises (a user error, :class:`featherkit.IgnoreOutputs`, a conversion error)
  propagates untouched and nothing is stored;
* a backend that fails (down, corrupt database, full disk) costs one :class:`CacheWarning` for
  the call, which then runs uncached; its result is returned as usual, so nothing is lost;
* a stored value that does not decode is a miss (one warning); the fresh result replaces it.
"""

from __future__ import annotations

import contextvars
import logging
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from featherkit.cache import attachments
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
    """One call's dealings with the backend: after the first failure it stops using it.

    At most one :class:`CacheWarning` per call: a backend that goes down in the middle of a
    call (say between taking the lock and storing the result) fails every later operation
    too, and those are logged at debug level only.
    """

    __slots__ = ("backend", "broken", "key", "warned", "what")

    def __init__(self, backend: CacheBackend, key: str, what: str) -> None:
        self.backend = backend
        self.key = key
        self.what = what
        self.broken = False
        self.warned = False

    def warn(self, message: str) -> None:
        # a backend's repr or a driver's exception may show a URL with a password
        message = redact_text(message)
        if self.warned:
            log.debug("featherkit cache (already warned for this call): %s", message)
            return
        self.warned = True
        warnings.warn(f"featherkit cache: {message}", CacheWarning, stacklevel=4)

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
    """The value stored under ``call.key``, decoded, or ``None``.

    ``None`` for a miss, a backend failure (``call`` is then broken) or an entry that does not
    decode (one warning). (:func:`_served_call` does the same inline for a task's first look.)
    """
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
        call.warn(_unservable(call, exc))
        return None
    log.debug("cache hit for %s (key %s)", call.what, call.key)
    return (value,)


def _unservable(call: _Call, exc: Exception) -> str:
    return (
        f"the entry for {call.what} in {call.backend!r} does not decode or cannot be "
        f"served ({type(exc).__name__}: {exc}); running it again and replacing the entry"
    )


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


#: a task's outputs as a call gets them: the literals and their native value(s) (a plain tuple:
#: one is built on every hit)
_Served: TypeAlias = "tuple[literals_pb2.LiteralMap, Any]"


def _decode_served(
    payload: bytes,
    names: tuple[str, ...],
    backend: CacheBackend,
    convert: Callable[[literals_pb2.LiteralMap], Any] | None,
) -> _Served:
    """A stored payload as a call gets it (raising if it cannot be served: then a miss)."""
    if payload.startswith(attachments.MAGIC):
        literal_bytes, attached = attachments.split(payload)
    else:  # (no attachments: the payload is the LiteralMap itself)
        literal_bytes, attached = payload, None
    outputs = (_LITERAL_MAP or _literal_map()).FromString(literal_bytes)
    literals = outputs.literals
    for name in names:
        if name not in literals:
            raise ValueError(f"stored outputs lack output {name!r}")
    if attached:  # (the blob directory is worked out only for an entry that has files)
        attachments.restore(outputs, attached, attachments.blob_root(backend))
    # an intact entry is servable only if it still converts (the output type's
    # reading may have changed, a pickled class may be gone): else it is a miss
    return (outputs, convert(outputs) if convert is not None else None)


class _TaskCodec:
    """How a task's outputs are stored, and what makes a stored entry servable.

    The payload is the outputs ``LiteralMap``, with the content of every local file it points
    at (:mod:`featherkit.cache.attachments`), so an entry never depends on a file the cache
    does not own. A hit is served only once it decodes, its files are restored, and its
    literals convert to the task's output types (``convert``); anything short of that is a
    miss: one warning, the task runs, the entry is replaced.
    """

    __slots__ = ("backend", "convert", "inputs", "key", "part", "task")

    def __init__(
        self,
        task: Task,
        inputs: literals_pb2.LiteralMap,
        part: _TaskPart,
        key: str,
        backend: CacheBackend,
        convert: Callable[[literals_pb2.LiteralMap], Any] | None = None,
    ) -> None:
        self.task = task
        self.inputs = inputs
        self.part = part
        self.key = key
        self.backend = backend
        self.convert = convert

    def decode(self, payload: bytes) -> _Served:
        return _decode_served(payload, self.part.outputs, self.backend, self.convert)

    @staticmethod
    def encode(served: _Served) -> bytes:
        return attachments.encode(served[0])

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


@dataclass(frozen=True)
class CacheOutcome:
    """What the cache did for one call of a cached task (see :func:`cache_outcomes`).

    ``status``: ``"hit"`` (served from the cache, the body did not run), ``"miss"`` (the body
    ran; its result was stored unless the backend failed, which warned), ``"overwrite"`` (the
    body ran because overwrite is on) or ``"off"`` (the cache is switched off).
    """

    task: str
    status: str
    key: str = ""


_outcomes: contextvars.ContextVar[list[CacheOutcome] | None] = contextvars.ContextVar(
    "featherkit_cache_outcomes", default=None
)


@contextmanager
def cache_outcomes() -> Iterator[list[CacheOutcome]]:
    """Collect the cache's own answer for every cached call made inside the block.

    ::

        with cache_outcomes() as seen:
            count_words(words=ws)
        print(seen[-1].status)      # "hit" or "miss"

    A context variable, so calls in other threads or tasks are not mixed in (``asyncio``
    tasks and ``to_thread`` calls started inside the block are included).
    """
    collected: list[CacheOutcome] = []
    token = _outcomes.set(collected)
    try:
        yield collected
    finally:
        _outcomes.reset(token)


def _record(task: Task, status: str, key: str = "") -> None:
    collected = _outcomes.get()
    if collected is not None:
        collected.append(CacheOutcome(task.name, status, key))


def _served_call(
    task: Task,
    inputs: literals_pb2.LiteralMap,
    compute: Callable[[], literals_pb2.LiteralMap],
    convert: Callable[[literals_pb2.LiteralMap], Any] | None,
) -> _Served | None:
    """:func:`cached_call` for a task, its first lookup inlined.

    Why inlined: a hit is every cached call but the first, and most of its time went to the
    glue (a ``_Call``, a closure, two frames) around the one read and the one decode it needs.
    The failure handling is :func:`_lookup`'s, through the same ``_Call`` methods, built only
    when something goes wrong.
    """
    settings = current_settings()
    if not settings.enabled:
        _record(task, "off")
        return None
    backend = backend_for(settings)
    part, key = task_key(task, inputs)
    call: _Call | None = None
    if not settings.overwrite:
        try:
            record = backend.get(key)
        except Exception as exc:
            call = _Call(backend, key, part.what)
            call.failed("read the cache", exc)
        else:
            if record is None:
                log.debug("cache miss for %s (key %s)", part.what, key)
            else:
                try:
                    served = _decode_served(
                        decode_record(record), part.outputs, backend, convert
                    )
                except Exception as exc:
                    call = _Call(backend, key, part.what)
                    call.warn(_unservable(call, exc))
                else:
                    log.debug("cache hit for %s (key %s)", part.what, key)
                    collected = _outcomes.get()  # (_record, inlined)
                    if collected is not None:
                        collected.append(CacheOutcome(task.name, "hit", key))
                    return served
    if call is None:
        call = _Call(backend, key, part.what)
    codec = _TaskCodec(task, inputs, part, key, backend, convert)
    ran: list[bool] = []

    def fresh() -> _Served:
        ran.append(True)
        outputs = compute()
        return (outputs, convert(outputs) if convert is not None else None)

    served = _after_miss(
        call,
        fresh,
        codec.encode,
        codec.decode,
        codec.entry,
        task.metadata.cache_serialize,
        settings.overwrite,
    )
    _record(task, ("overwrite" if settings.overwrite else "miss") if ran else "hit", key)
    return served


def run_cached(
    task: Task,
    inputs: literals_pb2.LiteralMap,
    compute: Callable[[], literals_pb2.LiteralMap],
) -> literals_pb2.LiteralMap:
    """Outputs of ``task`` on ``inputs``: from the cache, or by ``compute()`` (then stored).

    ``compute`` runs ``dispatch_execute``; whatever it raises propagates and is never cached.
    A hit's local files are restored from the entry (the returned literals point at the
    cache's own copies).
    """
    served = _served_call(task, inputs, compute, None)
    return compute() if served is None else served[0]


def call_cached(
    task: Task,
    inputs: literals_pb2.LiteralMap,
    compute: Callable[[], literals_pb2.LiteralMap],
) -> Any:
    """What a local call of a cached ``task`` returns: the native outputs.

    Called by a local run when ``task.metadata.cache`` is set. A stored entry is served only
    if its literals still convert to the task's output types (``Task.literals_to_outputs``);
    otherwise it is a miss (one warning), the task runs and its result replaces the entry.
    A fresh result that does not convert raises as an uncached call would, and is not stored.
    """
    served = _served_call(task, inputs, compute, task.literals_to_outputs)
    if served is None:
        return task.literals_to_outputs(compute())
    return served[1]


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
