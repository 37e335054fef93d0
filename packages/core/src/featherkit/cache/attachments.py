"""Local files a cached output points at are kept inside the cache entry.

An output literal may hold only a path: a pickled value (``blob`` of format ``PythonPickle``),
a file or directory (``blob``), a dataframe (``structured_dataset``) written to the local
disk. The file belongs to whoever wrote it (a temp directory, the task), not to the cache: a
temp cleaner or a reboot deletes it, and an entry holding only the path would then fail on
every hit. So the bytes travel with the entry:

* **storing**: every blob and structured-dataset literal whose URI is local (a path or
  ``file://``) is read, file or directory tree, into an *attachment* stored in the entry's
  payload beside the outputs ``LiteralMap``;
* **reading** (a hit): each attachment is materialized in the cache's own blob directory,
  content-addressed (``<blobs>/<sha256>/<name>``), checked against its digest whenever it is
  already there (a file someone altered or truncated is written again), and the literal's
  URI is rewritten to it. The call then reads the value from a file the cache owns.

Remote URIs (``s3://``, ...) stay as they are: they live in durable storage, not on this disk.

Payload layout: an entry without attachments is the serialized ``LiteralMap``, as before (a
``LiteralMap`` never starts with ``F``, an invalid protobuf tag), so existing entries stay
readable. With attachments::

    b"FKA1" frame(outputs LiteralMap) uint32 count, then per attachment:
        frame(original URI) frame(b"file" | b"dir") uint32 files,
        per file: frame(relative path, "/"-separated) frame(bytes)

``frame(x)`` is the 4-byte big-endian length of ``x`` then ``x``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from featherkit.storage import atomic_write, local_path, scheme_of

if TYPE_CHECKING:
    from flyteidl.core import literals_pb2

MAGIC = b"FKA1"
_U32 = struct.Struct(">I")


@dataclass(frozen=True)
class Attachment:
    """The content of one local file or directory an output literal points at."""

    uri: str
    kind: str  # "file" or "dir"
    files: tuple[tuple[str, bytes], ...]  # (relative path, content); ("", data) for a file

    @property
    def digest(self) -> str:
        """SHA-256 over the kind, every relative path and every content, framed."""
        h = hashlib.sha256()
        for part in (self.kind.encode(), *[p for f in self.files for p in _pair(f)]):
            h.update(_U32.pack(len(part)))
            h.update(part)
        return h.hexdigest()


def _pair(file: tuple[str, bytes]) -> tuple[bytes, bytes]:
    return file[0].encode("utf-8"), file[1]


# --- finding the literals that point at local files --------------------------------------------


def _uri_holders(literal: literals_pb2.Literal) -> Iterator[Any]:
    """Every message with a ``uri`` field worth keeping (blob, structured dataset), nested."""
    kind = literal.WhichOneof("value")
    if kind == "scalar":
        scalar = literal.scalar
        which = scalar.WhichOneof("value")
        if which == "blob":
            yield scalar.blob
        elif which == "structured_dataset":
            yield scalar.structured_dataset
        elif which == "union":
            yield from _uri_holders(scalar.union.value)
    elif kind == "collection":
        for item in literal.collection.literals:
            yield from _uri_holders(item)
    elif kind == "map":
        for item in literal.map.literals.values():
            yield from _uri_holders(item)


def local_holders(outputs: literals_pb2.LiteralMap) -> list[Any]:
    """The blob/dataset messages in ``outputs`` whose URI is on this machine's disk."""
    found = []
    for name in sorted(outputs.literals):
        for holder in _uri_holders(outputs.literals[name]):
            if holder.uri and scheme_of(holder.uri) in ("", "file"):
                found.append(holder)
    return found


# --- storing -----------------------------------------------------------------------------------


def _read(uri: str) -> Attachment:
    path = Path(local_path(uri))
    if path.is_dir():
        files = []
        for root, dirs, names in os.walk(path):
            dirs.sort()
            for name in sorted(names):
                full = Path(root) / name
                files.append((full.relative_to(path).as_posix(), full.read_bytes()))
        return Attachment(uri, "dir", tuple(files))
    return Attachment(uri, "file", (("", path.read_bytes()),))


def _frame(data: bytes) -> bytes:
    return _U32.pack(len(data)) + data


def encode(outputs: literals_pb2.LiteralMap) -> bytes:
    """The payload for ``outputs``: plain ``LiteralMap`` bytes, or with its local files.

    Raises ``OSError`` when a local file an output points at cannot be read (the entry is
    then not stored: one warning, the result is returned as usual).
    """
    literal_bytes = bytes(outputs.SerializeToString(deterministic=True))
    holders = local_holders(outputs)
    if not holders:
        return literal_bytes
    seen: dict[str, Attachment] = {}
    for holder in holders:
        if holder.uri not in seen:
            seen[holder.uri] = _read(holder.uri)
    parts = [MAGIC, _frame(literal_bytes), _U32.pack(len(seen))]
    for attachment in seen.values():
        parts += [_frame(attachment.uri.encode()), _frame(attachment.kind.encode()),
                  _U32.pack(len(attachment.files))]
        for relative, data in attachment.files:
            parts += [_frame(relative.encode("utf-8")), _frame(data)]
    return b"".join(parts)


# --- reading -----------------------------------------------------------------------------------


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = memoryview(data)
        self.at = len(MAGIC)

    def u32(self) -> int:
        if self.at + 4 > len(self.data):
            raise ValueError("the cache entry's attachments are truncated")
        (value,) = _U32.unpack_from(self.data, self.at)
        self.at += 4
        return int(value)

    def frame(self) -> bytes:
        size = self.u32()
        if self.at + size > len(self.data):
            raise ValueError("the cache entry's attachments are truncated")
        value = bytes(self.data[self.at : self.at + size])
        self.at += size
        return value


def split(payload: bytes) -> tuple[bytes, list[Attachment]]:
    """The ``LiteralMap`` bytes of a payload and its attachments (none for a plain one)."""
    if not payload.startswith(MAGIC):
        return payload, []
    reader = _Reader(payload)
    literal_bytes = reader.frame()
    attachments = []
    for _ in range(reader.u32()):
        uri = reader.frame().decode()
        kind = reader.frame().decode()
        if kind not in ("file", "dir"):
            raise ValueError(f"unknown attachment kind {kind!r}")
        files = tuple(
            (reader.frame().decode("utf-8"), reader.frame()) for _ in range(reader.u32())
        )
        attachments.append(Attachment(uri, kind, files))
    if reader.at != len(reader.data):
        raise ValueError("the cache entry has trailing bytes after its attachments")
    return literal_bytes, attachments


def _safe_relative(relative: str) -> str:
    parts = relative.split("/")
    if relative.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"attachment path {relative!r} is not a plain relative path")
    return os.path.join(*parts)


def _intact(target: Path, attachment: Attachment) -> bool:
    """Whether ``target`` already holds exactly the attachment's content (checked on read)."""
    try:
        if attachment.kind == "file":
            return target.is_file() and target.read_bytes() == attachment.files[0][1]
        if not target.is_dir():
            return False
        return _read(str(target)).files == attachment.files
    except OSError:
        return False


def materialize(attachment: Attachment, root: Path) -> str:
    """The path of the attachment's content under ``root``: written unless already intact."""
    name = os.path.basename(local_path(attachment.uri).rstrip("/\\")) or "data"
    target = root / attachment.digest / name
    if _intact(target, attachment):
        return str(target)
    if attachment.kind == "file":
        if target.is_dir():
            shutil.rmtree(target)
        atomic_write(str(target), attachment.files[0][1])
        return str(target)
    staging = target.parent / f".{name}.{os.urandom(6).hex()}.tmp"
    try:
        for relative, data in attachment.files:
            path = staging / _safe_relative(relative)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        staging.mkdir(parents=True, exist_ok=True)  # an empty directory is content too
        if target.exists() or target.is_symlink():
            shutil.rmtree(target) if target.is_dir() else target.unlink()
        os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return str(target)


def restore(outputs: literals_pb2.LiteralMap, attachments: list[Attachment], root: Path) -> None:
    """Point every local URI of ``outputs`` at the cache's own copy of its content."""
    if not attachments:
        return
    paths = {a.uri: materialize(a, root) for a in attachments}
    for holder in local_holders(outputs):
        if holder.uri not in paths:
            raise ValueError(f"the cache entry lacks the content of {holder.uri}")
        holder.uri = paths[holder.uri]


def blob_root(backend: object) -> Path:
    """Where a backend's attachments are materialized: beside its files, if it has a
    directory (sqlite), else in featherkit's user cache directory."""
    from featherkit.cache.dirs import default_cache_dir

    directory = getattr(backend, "directory", None)
    base = Path(directory) if isinstance(directory, (str, os.PathLike)) else default_cache_dir()
    return base / "blobs"
