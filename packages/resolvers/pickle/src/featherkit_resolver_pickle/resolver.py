"""The pickle resolver: loader args ``<pickle file URI> <sha256 hex digest>``.

File format: one header line ``featherkit-pickle 1 <json>`` (the JSON says which Python,
featherkit and cloudpickle wrote it, and the task's name), then the cloudpickle bytes. The
digest covers the whole file. The Python version is checked before unpickling, since
cloudpickle's output only loads on the Python minor version that wrote it.
"""

from __future__ import annotations

import copyreg
import io
import os
import re
import sys
from typing import TYPE_CHECKING, Any

from featherkit.extend import ResolverError

if TYPE_CHECKING:
    from featherkit import SerializationSettings
    from featherkit.extend import Task

#: what serialized container args carry after ``--resolver``
LOCATION = "featherkit.resolvers.pickle"

#: ``SerializationSettings.extra`` key for the prefix pickles go under, when the resolver
#: was not given one.
PREFIX_SETTING = "pickle_prefix"

MAGIC = b"featherkit-pickle 1 "

#: ``cls.__new__(cls)``, as pickle's own protocol-2 reduction uses (so the file does not name
#: this package)
_NEWOBJ = getattr(copyreg, "__newobj__")  # noqa: B009  (not in the type stubs)
# a pattern string: ``re`` compiles (and caches) it at first use, not at every pod's start
_DIGEST = r"^[0-9a-f]{64}$"

#: per-task caches that are rebuilt on first use and must not travel (the type engine in
#: particular belongs to the process that built it); dropped from every task pickled, the
#: shipped one and any other task its function refers to
_CACHES = ("_literal_types", "_featherkit_cache_part")


def _python() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def _absolute(prefix: str) -> str:
    from featherkit.extend import scheme_of

    return os.path.abspath(prefix) if scheme_of(prefix) == "" else prefix


def _plain_state(cls: type) -> bool:
    """Whether instances of ``cls`` pickle as their ``__dict__`` (no custom pickling)."""
    for klass in cls.__mro__[:-1]:  # everything but object
        if {"__reduce__", "__reduce_ex__", "__getstate__", "__getnewargs_ex__"} & set(vars(klass)):
            return False
    return True


def _task_pickler(buffer: io.BytesIO) -> Any:
    """A cloudpickle pickler that leaves every task's per-process caches behind."""
    import cloudpickle

    from featherkit.extend import Task

    class TaskPickler(cloudpickle.Pickler):  # type: ignore[misc]
        def reducer_override(self, obj: Any) -> Any:
            if isinstance(obj, Task) and _plain_state(type(obj)):
                state = {k: (None if k in _CACHES else v) for k, v in vars(obj).items()}
                if "_idl_interface" in state:
                    # computed the same either way; pickled filled in, so that the file
                    # (and its name) does not depend on whether it was computed yet
                    state["_idl_interface"] = obj.interface
                return _NEWOBJ, (type(obj),), state
            return super().reducer_override(obj)

    return TaskPickler(buffer, protocol=4)


def dumps(task: Task) -> bytes:
    """The pickle file's bytes for ``task`` (header line, then cloudpickle)."""
    import cloudpickle

    from featherkit import __version__

    buffer = io.BytesIO()
    try:
        _task_pickler(buffer).dump(task)
    except Exception as exc:
        raise ResolverError(
            f"task {task.name!r} cannot be pickled: {type(exc).__name__}: {exc} (everything "
            "the task's function refers to, closures and globals included, must be picklable)"
        ) from exc
    import json  # here: registering the resolver at a pod's start needs none

    header = json.dumps(
        {
            "python": _python(),
            "featherkit": __version__,
            "cloudpickle": cloudpickle.__version__,
            "task": task.name,
        },
        sort_keys=True,
    ).encode()
    return MAGIC + header + b"\n" + buffer.getvalue()


def loads(data: bytes, where: str) -> Task:
    """Unpickle a file written by :func:`dumps` (its digest already checked)."""
    import json
    import pickle

    from featherkit.extend import Task

    if not data.startswith(MAGIC) or b"\n" not in data:
        raise ResolverError(f"{where} is not a featherkit task pickle (bad header)")
    header_line, body = data[len(MAGIC):].split(b"\n", 1)
    try:
        header = json.loads(header_line)
    except ValueError as exc:
        raise ResolverError(f"{where} has a corrupt header: {exc}") from exc
    name = header.get("task", "?")
    if header.get("python") != _python():
        raise ResolverError(
            f"task {name!r} was pickled by Python {header.get('python')} and this container "
            f"runs Python {_python()}; cloudpickle needs the same Python version on both "
            "sides: use an image with that Python, or serialize again with this one"
        )
    import cloudpickle  # noqa: F401  (the functions a cloudpickle refers to live here)

    try:
        task = pickle.loads(body)
    except Exception as exc:
        raise ResolverError(
            f"cannot unpickle task {name!r} from {where}: {type(exc).__name__}: {exc} "
            "(a module the task refers to by name must be installed in the image)"
        ) from exc
    if not isinstance(task, Task):
        raise ResolverError(f"{where} holds a {type(task).__name__}, not a featherkit task")
    return task


class PickleResolver:
    """Pickles tasks at serialization; loads them back by URI after checking the digest.

    Opt in per task with ``@task(task_resolver=PickleResolver("s3://bucket/pickles"))``, or
    for every task of a serialization with ``SerializationSettings(extra={"task_resolver":
    "featherkit.resolvers.pickle", "pickle_prefix": "s3://bucket/pickles"})``. The
    resolver's own ``prefix`` wins over the setting. Files are named by the SHA-256 of their
    contents, so serializing the same task twice writes the same file.

    A function from an importable module is pickled by reference (cloudpickle's rule), so
    that module must be importable in the container; functions from ``__main__``, a notebook
    or another function travel by value, closures included.
    """

    location = LOCATION
    name = "pickle"

    def __init__(self, prefix: str | None = None) -> None:
        if prefix is not None and (not isinstance(prefix, str) or not prefix):
            raise ValueError(f"PickleResolver prefix must be a non-empty string, got {prefix!r}")
        self.prefix = prefix

    def _prefix(self, settings: SerializationSettings, task: Task) -> str:
        prefix = self.prefix or settings.extra.get(PREFIX_SETTING)
        if not prefix or not isinstance(prefix, str):
            raise ResolverError(
                f"task {task.name!r}: the pickle resolver needs a prefix to write the pickled "
                "task under, reachable from the container: PickleResolver(prefix="
                f"'s3://bucket/pickles') or SerializationSettings(extra={{{PREFIX_SETTING!r}: "
                "...})"
            )
        return _absolute(prefix)

    def loader_args(self, settings: SerializationSettings, task: Task) -> list[str]:
        from featherkit import extend

        prefix = self._prefix(settings, task)
        import hashlib  # here: loading OpenSSL costs every pod's cold start

        data = dumps(task)
        digest = hashlib.sha256(data).hexdigest()
        uri = extend.join(prefix, f"{digest}.pkl")
        extend.write_bytes(uri, data)
        return [uri, digest]

    def load_task(self, loader_args: list[str]) -> Task:
        from featherkit import extend

        if len(loader_args) != 2 or not loader_args[0]:
            raise ResolverError(
                "pickle resolver expects loader args '<pickle file URI> <sha256 digest>', "
                f"got {loader_args!r}"
            )
        uri, expected = loader_args
        if not re.match(_DIGEST, expected):
            raise ResolverError(
                f"pickle resolver: {expected!r} is not a SHA-256 hex digest (loader args "
                f"{loader_args!r})"
            )
        try:
            data = extend.read_bytes(uri)
        except FileNotFoundError:
            raise ResolverError(
                f"pickled task file {uri} does not exist (was it written under a prefix the "
                "container can reach?)"
            ) from None
        except OSError as exc:
            raise ResolverError(
                f"cannot read pickled task file {uri}: {type(exc).__name__}: {exc}"
            ) from exc
        import hashlib
        import hmac

        actual = hashlib.sha256(data).hexdigest()
        if not hmac.compare_digest(actual, expected):
            raise ResolverError(
                f"pickled task file {uri} has SHA-256 {actual}, but the task was serialized "
                f"with {expected}: the file changed after serialization; refusing to load it "
                "(serialize and register the task again)"
            )
        return loads(data, uri)

    def get_all_tasks(self) -> list[Task]:
        """Pickled tasks are found by URI only; there is no list to give."""
        return []

    def task_name(self, task: Task) -> str | None:
        return None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(prefix={self.prefix!r})"

    def __eq__(self, other: Any) -> bool:
        return type(other) is type(self) and other.prefix == self.prefix

    def __hash__(self) -> int:
        return hash((type(self), self.prefix))


pickle_resolver = PickleResolver()
