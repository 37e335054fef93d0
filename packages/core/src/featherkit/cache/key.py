"""The cache key: what makes two calls of a task "the same call".

Components:

* ``task``: the task's name (two tasks never share an entry);
* ``version``: the task's ``cache_version``;
* ``interface``: the literal types of every input and output of the IDL interface (names and
  ``LiteralType`` messages; descriptions are left out, so editing a docstring keeps the cache);
* one component per input not listed in ``cache_ignore_input_vars``: the SHA-256 of its
  literal. A literal (or a literal nested in a collection, map or union) that carries an
  explicit ``hash`` (``Annotated[T, HashMethod(fn)]``) is replaced by a literal holding only
  that hash, so a large offloaded value is identified by its hash, not its bytes (flytekit's
  rule too). An offloaded value without one (a file, directory or structured dataset: a
  ``blob`` or ``structured_dataset`` literal) is replaced by a literal whose hash is
  ``content:`` and the digest of its *content* (:func:`offloaded_digest`), not its URI: the
  same file uploaded twice to two random names is the same input. flytekit keys such inputs
  by URI, so a local run with a file input never hits there.

The key is the SHA-256 of the byte stream::

    frame("scheme", "featherkit-cache-key/1") frame("task", name) frame("version", version)
    frame("interface", sha256(frame("inputs", "") frame(name, type)... frame("outputs", "")
                              frame(name, type)...))
    then per input, in name order: frame("input", name) sha256(literal)

where ``frame(label, value)`` is the 4-byte big-endian length of ``label``, ``label``, the
4-byte length of ``value`` and ``value``, and messages are serialized with
``SerializeToString(deterministic=True)`` (map entries sorted). Every part is self-delimiting,
so no two different sets of components give the same stream. Nothing depends on Python's
``hash()``: a key is the same in every process, on every machine, under any hash seed.

Keeping one digest per input lets ``featherkit cache explain`` say which input differs from
the nearest stored entry, without storing the inputs themselves.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from featherkit.errors import FeatherkitUserError

if TYPE_CHECKING:
    from flyteidl.core import interface_pb2, literals_pb2, types_pb2

    from featherkit.base_task import Task

#: bumped if the framing or the choice of components ever changes (old entries then miss)
KEY_SCHEME = b"featherkit-cache-key/1"

_LEN32 = struct.Struct(">I").pack


def _frame(label: bytes, value: bytes) -> bytes:
    """A self-delimiting ``label, value`` pair: lengths first, so concatenation is unambiguous."""
    return _LEN32(len(label)) + label + _LEN32(len(value)) + value


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def cache_form(literal: literals_pb2.Literal) -> literals_pb2.Literal:
    """``literal`` as the key sees it: explicit hashes stand in for the values they name,
    content digests for offloaded values."""
    if literal.hash or _has_nested_hash(literal):
        return _substitute(literal)
    return literal


_CONTAINERS = frozenset({"collection", "map"})
_OFFLOADED = frozenset({"blob", "structured_dataset"})
_SUBSTITUTABLE = frozenset({"collection", "map", "scalar"})
#: the scalar kinds for which :func:`_offloaded` can be true
_SCALAR_MAY_HASH = _OFFLOADED | {"union"}


def _offloaded(literal: literals_pb2.Literal) -> bool:
    if literal.WhichOneof("value") != "scalar":
        return False
    kind = literal.scalar.WhichOneof("value")
    if kind == "union":
        return literal.scalar.union.value.hash != "" or _offloaded(literal.scalar.union.value)
    return kind in _OFFLOADED


def _has_nested_hash(literal: literals_pb2.Literal) -> bool:
    kind = literal.WhichOneof("value")
    if kind == "collection":
        return any(item.hash or _has_nested_hash(item) for item in literal.collection.literals)
    if kind == "map":
        return any(item.hash or _has_nested_hash(item) for item in literal.map.literals.values())
    return kind == "scalar" and _offloaded(literal)


#: digests of local files by (path, size, mtime): a file is read once per change
_local_digests: dict[tuple[str, int, int], str] = {}


def _file_digest(uri: str) -> str:
    import os

    from featherkit import storage

    if storage.is_remote(uri):
        return storage.content_digest(uri)
    path = storage.local_path(uri)
    stat = os.stat(path)
    memo = (os.path.abspath(path), stat.st_size, stat.st_mtime_ns)
    found = _local_digests.get(memo)
    if found is None:
        found = _local_digests[memo] = storage.file_digest(path)
    return found


def offloaded_digest(literal: literals_pb2.Literal) -> str | None:
    """The content digest of a ``blob`` or ``structured_dataset`` literal's bytes.

    A file: its digest (``sha256:`` of the bytes locally, the store's checksum remotely). A
    directory or data set: ``sha256:`` over each file's relative path and digest, in order.
    ``None`` when the content cannot be read (the key then uses the literal, URI included).
    """
    from featherkit import storage

    scalar = literal.scalar
    kind = scalar.WhichOneof("value")
    if kind == "blob":
        uri, multipart = scalar.blob.uri, scalar.blob.metadata.type.dimensionality == 1
    elif kind == "structured_dataset":
        uri, multipart = scalar.structured_dataset.uri, True
    else:
        return None
    try:
        if not multipart:
            return _file_digest(uri)
        root = uri.rstrip("/")
        digest = hashlib.sha256()
        for item in storage.list_files(root):
            relative = item[len(root) :].lstrip("/").replace("\\", "/")
            digest.update(_frame(relative.encode(), _file_digest(item).encode()))
        return "sha256:" + digest.hexdigest()
    except (OSError, FeatherkitUserError):
        return None


def _substitute(literal: literals_pb2.Literal) -> literals_pb2.Literal:
    from flyteidl.core import literals_pb2

    if literal.hash:
        return literals_pb2.Literal(hash=literal.hash)
    kind = literal.WhichOneof("value")
    if kind == "scalar":
        inner = literal.scalar
        if inner.WhichOneof("value") == "union":
            return _substitute(inner.union.value)
        digest = offloaded_digest(literal)
        return literal if digest is None else literals_pb2.Literal(hash="content:" + digest)
    if kind == "collection":
        return literals_pb2.Literal(
            collection=literals_pb2.LiteralCollection(
                literals=[_substitute(item) for item in literal.collection.literals]
            )
        )
    if kind == "map":
        return literals_pb2.Literal(
            map=literals_pb2.LiteralMap(
                literals={k: _substitute(v) for k, v in literal.map.literals.items()}
            )
        )
    return literal


def literal_digest(literal: literals_pb2.Literal) -> str:
    """The digest of one input literal, as it enters the key."""
    return _digest(cache_form(literal).SerializeToString(deterministic=True))


def _variables_frame(
    label: bytes, variables: interface_pb2.VariableMap
) -> bytes:
    parts = [_frame(label, b"")]
    for name in sorted(variables.variables):
        literal_type: types_pb2.LiteralType = variables.variables[name].type
        parts.append(_frame(name.encode(), literal_type.SerializeToString(deterministic=True)))
    return b"".join(parts)


def interface_digest(interface: interface_pb2.TypedInterface) -> str:
    """Digest of the input and output literal types (names and types, not descriptions)."""
    return _digest(
        _variables_frame(b"inputs", interface.inputs)
        + _variables_frame(b"outputs", interface.outputs)
    )


@dataclass(frozen=True)
class _TaskPart:
    """What the key takes from the task, computed once per task and reused by every call."""

    source: tuple[Any, ...]
    name: str
    version: str
    interface: str
    ignored: frozenset[str]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    prefix: bytes
    #: ``sha256(prefix)``, which every key of the task continues (a copy of it, per call)
    start: Any
    #: (input name, its frame label) for every input that enters the key, in name order
    labels: tuple[tuple[str, bytes], ...]
    #: how messages name the task ("task 'module.name'")
    what: str


#: the task instance attribute holding its part (an attribute read is the cheapest lookup)
_PART = "_featherkit_cache_part"


def task_part(task: Task) -> _TaskPart:
    """The task's share of its keys (kept on the task; recomputed if name, version or interface
    change)."""
    metadata = task.metadata
    interface = task.interface
    # the interface itself, not its id: an equal tuple then means an equal interface (compared
    # by identity first, so that costs nothing while the task keeps its interface)
    source = (task.name, metadata.cache_version, metadata.cache_ignore_input_vars, interface)
    part: _TaskPart | None = task.__dict__.get(_PART)
    if part is not None and part.source == source:
        return part
    all_inputs = tuple(sorted(interface.inputs.variables))
    ignored = frozenset(metadata.cache_ignore_input_vars)
    unknown = sorted(ignored - set(all_inputs))
    if unknown:
        raise FeatherkitUserError(
            f"task {task.name!r}: cache_ignore_input_vars names unknown input(s) "
            f"{', '.join(map(repr, unknown))}; its inputs are: "
            f"{', '.join(all_inputs) or '(none)'}"
        )
    iface = interface_digest(interface)
    inputs = tuple(n for n in all_inputs if n not in ignored)
    prefix = (
        _frame(b"scheme", KEY_SCHEME)
        + _frame(b"task", task.name.encode())
        + _frame(b"version", metadata.cache_version.encode())
        + _frame(b"interface", bytes.fromhex(iface))
    )
    part = _TaskPart(
        source=source,
        name=task.name,
        version=metadata.cache_version,
        interface=iface,
        ignored=ignored,
        inputs=inputs,
        outputs=tuple(sorted(interface.outputs.variables)),
        prefix=prefix,
        start=hashlib.sha256(prefix),
        # each input's digest has a fixed length (32 bytes), so the label's frame is enough
        labels=tuple((n, _frame(b"input", n.encode())) for n in inputs),
        what=f"task {task.name!r}",
    )
    task.__dict__[_PART] = part
    return part


@dataclass(frozen=True)
class KeyComponents:
    """The parts a key is made of, and the key itself (what ``explain`` prints and compares).

    ``inputs`` maps each input that enters the key to its literal's digest (hex).
    """

    key: str
    task: str
    version: str
    interface: str
    inputs: dict[str, str] = field(default_factory=dict)
    ignored: tuple[str, ...] = ()


def _missing(task: Task, name: str) -> FeatherkitUserError:
    return FeatherkitUserError(
        f"task {task.name!r}: input {name!r} is missing from the input literal map, "
        "so no cache key can be computed"
    )


def _lone_primitive(data: bytes) -> bool:
    """Whether ``data``, a serialized ``Literal``, is a scalar primitive and nothing else.

    Why: most inputs are one (an int, a string...), and telling so from the bytes the key
    needs anyway is cheaper than asking the message (three field reads). The wire form is
    then ``0a <n-2> 0a <n-4> <Primitive>``: field 1 (``scalar``) holding only field 1
    (``primitive``), each length one byte (``n <= 129``). Nothing else fits that: no ``hash``
    or ``metadata`` (their own fields), no other kind of scalar, no unknown field. Such a
    literal holds no map, so its plain serialization is the deterministic one, and nothing
    in it is substituted (:func:`cache_form`).
    """
    n = len(data)
    return (
        4 <= n <= 129
        and data[0] == 0x0A
        and data[2] == 0x0A
        and data[1] == n - 2
        and data[3] == n - 4
    )


def _key_bytes(literal: literals_pb2.Literal) -> bytes:
    """``cache_form(literal)``, serialized: what an input's digest is taken over."""
    kind = literal.WhichOneof("value")
    if literal.hash or (
        kind in _SUBSTITUTABLE
        # a plain scalar (a primitive, a binary...) holds no hash: skip the walk
        and (kind != "scalar" or literal.scalar.WhichOneof("value") in _SCALAR_MAY_HASH)
        and _has_nested_hash(literal)
    ):
        literal = _substitute(literal)
    data: bytes = literal.SerializeToString(deterministic=True)
    return data


def task_key(task: Task, inputs: literals_pb2.LiteralMap) -> tuple[_TaskPart, str]:
    """The task's key part and the cache key of calling ``task`` on ``inputs`` (hex SHA-256).

    The hot path of every cached call: one digest per input, one for the key.
    """
    part = task_part(task)
    literals = inputs.literals
    sha256 = hashlib.sha256
    key = part.start.copy()
    for name, label in part.labels:
        if name not in literals:
            raise _missing(task, name)
        literal = literals[name]
        data = literal.SerializeToString()
        if not _lone_primitive(data):
            data = _key_bytes(literal)
        key.update(label)
        key.update(sha256(data).digest())
    return part, key.hexdigest()


def cache_key(task: Task, inputs: literals_pb2.LiteralMap) -> str:
    """The cache key of calling ``task`` on ``inputs`` (a hex SHA-256)."""
    return task_key(task, inputs)[1]


def key_components(task: Task, inputs: literals_pb2.LiteralMap) -> KeyComponents:
    """The key with its components, for storing beside an entry and for ``explain``."""
    part = task_part(task)
    digests = {}
    key = hashlib.sha256(part.prefix)
    for name, label in part.labels:
        if name not in inputs.literals:
            raise _missing(task, name)
        digest = hashlib.sha256(
            cache_form(inputs.literals[name]).SerializeToString(deterministic=True)
        ).digest()
        digests[name] = digest.hex()
        key.update(label)
        key.update(digest)
    return KeyComponents(
        key=key.hexdigest(),
        task=part.name,
        version=part.version,
        interface=part.interface,
        inputs=digests,
        ignored=tuple(sorted(part.ignored)),
    )
