"""Storage: read and write bytes at a URI, chosen by scheme through ``register_storage``.

Core's builtin handles local paths and ``file://``; plugins add object stores. A plugin
registers a backend for a scheme (``register("s3", backend)``) or for every scheme nobody
else claims (``register("*", backend)``: featherkit-fsspec does this, so any protocol fsspec
knows works without importing fsspec until such a URI is used). An exact scheme always wins
over ``"*"``.

A backend may also define ``check(uri)``: raise if it cannot serve ``uri`` at all (an unknown
protocol, a driver that is not installed, a local directory that cannot be created or
written), cheaply and without writing anything there. :func:`check` calls it; the container
entrypoint checks its output prefix this way before it runs the task, so a task's side effects
never happen for outputs that could not be written.

Writes are atomic: a reader sees the whole file or none of it, even if the writer is killed
at any moment. Locally that is a temporary file beside the target, fsynced, then renamed over
it; object stores get it from their single-request PUT.

Files and directories (:mod:`featherkit.types.files`) need more than whole-object reads and
writes: streaming (:func:`open_uri`), listing a prefix (:func:`list_files`), deleting what a
failed upload left (:func:`delete`) and a digest of the content (:func:`content_digest`). A
backend offers them by having the methods of :class:`StreamingStorage`; a backend that has
only the five :class:`Storage` methods still works for streaming (through memory, whole
objects) and digests (through ``read_bytes``), and says clearly that it cannot list.
"""

from __future__ import annotations

import contextvars
import io
import os
from collections.abc import Callable
from typing import IO, Any, Protocol, runtime_checkable

from featherkit.errors import FeatherkitUserError
from featherkit.hookspecs import hookimpl
from featherkit.install_hints import install_hint
from featherkit.redact import redact_location

#: the scheme a backend registers to serve every scheme no other backend claims
ANY_SCHEME = "*"


@runtime_checkable
class Storage(Protocol):
    """What a storage backend offers; URIs are full (``s3://bucket/key``, ``/tmp/x``)."""

    def read_bytes(self, uri: str) -> bytes: ...

    def write_bytes(self, uri: str, data: bytes) -> None:
        """Write atomically: readers never see a partial object."""
        ...

    def exists(self, uri: str) -> bool: ...

    def download(self, uri: str, local_path: str) -> None: ...

    def upload(self, local_path: str, uri: str) -> None: ...


@runtime_checkable
class StreamingStorage(Storage, Protocol):
    """The optional methods files and directories use when a backend has them."""

    def open(self, uri: str, mode: str) -> IO[bytes]:
        """A binary stream (``"rb"`` or ``"wb"``); a written object appears whole on close."""
        ...

    def list_files(self, uri: str) -> list[str]:
        """Full URIs of every object under the prefix ``uri`` (recursively), sorted."""
        ...

    def delete(self, uri: str) -> None:
        """Remove the object or every object under the prefix ``uri`` (absent: no error)."""
        ...

    def content_digest(self, uri: str) -> str:
        """A string that changes when the object's bytes change (a hash, an ETag)."""
        ...


_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.")


def scheme_of(uri: str) -> str:
    """The scheme ``urllib.parse.urlparse`` finds (lower-cased), ``""`` for a bare path or a
    Windows drive letter.

    A plain ASCII URI is read here with ``urlsplit``'s own rule (letters, digits, ``+-.``
    before the first ``:``, starting with a letter): importing :mod:`urllib.parse` (and the
    :mod:`ipaddress` it imports) is 2 ms of every pod's start. Anything ``urlsplit`` treats
    specially (non-ASCII, brackets, control characters or spaces it strips) goes to it.
    """
    if uri.isascii() and uri[:1] > " " and not any(c in uri for c in "[]\t\r\n"):
        colon = uri.find(":")
        head = uri[:colon]
        if colon > 1 and head[0].isalpha() and all(c in _SCHEME_CHARS for c in head):
            return head.lower()
        return ""
    from urllib.parse import urlparse

    parsed = urlparse(uri)
    # a Windows drive letter or a bare path has no real scheme
    return parsed.scheme if len(parsed.scheme) > 1 else ""


def join(base: str, *parts: str) -> str:
    """Join URI or path segments with ``/`` (``os.path.join`` for local paths)."""
    if scheme_of(base) in ("", "file"):
        return os.path.join(base, *parts)
    return "/".join([base.rstrip("/"), *[p.strip("/") for p in parts]])


def local_path(uri: str) -> str:
    """The filesystem path of a local path or ``file://`` URI (percent-escapes decoded)."""
    if not uri.startswith("file://"):
        return uri
    from urllib.parse import unquote, urlparse

    return unquote(urlparse(uri).path)


_path_of = local_path  # for methods whose ``local_path`` parameter shadows the function


def _fsync_directory(directory: str) -> None:
    """Make a rename in ``directory`` durable; a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: str, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, fsync it, then rename it over.

    A process killed at any moment leaves ``path`` as it was (absent or the previous
    content) or complete, never partial; at worst a ``.<name>.<random>.tmp`` file stays
    behind. The file gets the usual permissions (``0o666`` less the umask).
    """
    target = os.path.abspath(path)
    directory = os.path.dirname(target)
    os.makedirs(directory, exist_ok=True)
    tmp = os.path.join(directory, f".{os.path.basename(target)}.{os.urandom(6).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_directory(directory)


class _AtomicLocalWriter(io.BufferedWriter):
    """A file written at a temporary name and renamed over the target on a clean close.

    Leaving a ``with`` block through an exception discards the temporary file, so a reader
    never sees a partial object.
    """

    def __init__(self, target: str) -> None:
        self._target = os.path.abspath(target)
        directory = os.path.dirname(self._target)
        os.makedirs(directory, exist_ok=True)
        self._tmp = os.path.join(
            directory, f".{os.path.basename(self._target)}.{os.urandom(6).hex()}.tmp"
        )
        super().__init__(io.FileIO(self._tmp, "wb"), buffer_size=1 << 20)
        self._discarded = False

    def discard(self) -> None:
        self._discarded = True
        super().close()
        try:
            os.unlink(self._tmp)
        except FileNotFoundError:
            pass

    def close(self) -> None:
        if self.closed:
            return
        if self._discarded:
            return
        self.flush()
        os.fsync(self.fileno())
        super().close()
        os.replace(self._tmp, self._target)

    def __exit__(self, *exc: Any) -> None:
        if exc[0] is not None:
            self.discard()
        else:
            self.close()


def file_digest(path: str) -> str:
    """``sha256:<hex>`` of a local file's bytes, read in 1 MiB blocks."""
    import hashlib  # here: loading OpenSSL costs every pod's cold start

    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return "sha256:" + digest.hexdigest()


class LocalStorage:
    """Local paths and ``file://`` URIs."""

    def open(self, uri: str, mode: str) -> IO[bytes]:
        path = local_path(uri)
        if "w" in mode:
            return _AtomicLocalWriter(path)
        return open(path, "rb")

    def list_files(self, uri: str) -> list[str]:
        root = local_path(uri)
        if os.path.isfile(root):
            return [root]
        found: list[str] = []
        for directory, _, files in os.walk(root):
            found.extend(os.path.join(directory, name) for name in files)
        return sorted(found)

    def delete(self, uri: str) -> None:
        import shutil

        path = local_path(uri)
        if os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
        elif os.path.lexists(path):
            os.unlink(path)

    def content_digest(self, uri: str) -> str:
        return file_digest(local_path(uri))

    def read_bytes(self, uri: str) -> bytes:
        with open(local_path(uri), "rb") as fh:
            return fh.read()

    def write_bytes(self, uri: str, data: bytes) -> None:
        atomic_write(local_path(uri), data)

    def exists(self, uri: str) -> bool:
        return os.path.exists(local_path(uri))

    def check(self, uri: str) -> None:
        """Create the directory ``uri`` names and make sure this process may write in it."""
        path = local_path(uri)
        os.makedirs(path, exist_ok=True)
        if not os.access(path, os.W_OK | os.X_OK):
            raise PermissionError(f"{path} is not writable by this process")

    def download(self, uri: str, local_path: str) -> None:
        _copy_file(_path_of(uri), local_path)

    def upload(self, local_path: str, uri: str) -> None:
        _copy_file(local_path, _path_of(uri))


def _copy_file(source: str, target: str) -> None:
    """Copy a local file atomically: to a temporary file beside ``target`` (the kernel copies,
    ``copy_file_range``/``sendfile`` where available), fsynced, then renamed over it."""
    import shutil

    final = os.path.abspath(target)
    directory = os.path.dirname(final)
    os.makedirs(directory, exist_ok=True)
    tmp = os.path.join(directory, f".{os.path.basename(final)}.{os.urandom(6).hex()}.tmp")
    try:
        shutil.copyfile(source, tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, final)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def storage_for(uri: str) -> Storage:
    """The storage registered for ``uri``'s scheme; a clear error names the plugin to install."""
    from featherkit.plugins import hooks

    scheme = scheme_of(uri)
    backends = hooks().storage()
    backend: Storage | None = backends.get(scheme)
    if backend is None and scheme not in ("", "file"):
        backend = backends.get(ANY_SCHEME)
    if backend is not None:
        return backend
    raise FeatherkitUserError(
        f"no storage is installed for {scheme}:// URIs ({redact_location(uri)}); "
        f"pip install {install_hint('storage scheme', scheme)} for object stores"
    )


def check(uri: str) -> None:
    """Fail now if nothing can be written under ``uri``.

    :class:`~featherkit.errors.FeatherkitUserError` when no installed storage serves its
    scheme (or the serving plugin says it cannot, say fsspec knows no such protocol); an
    ``OSError`` when a local directory cannot be created or written. Backends without a
    ``check`` method are trusted.
    """
    backend = storage_for(uri)
    probe = getattr(backend, "check", None)
    if callable(probe):
        probe(uri)


def read_bytes(uri: str) -> bytes:
    return storage_for(uri).read_bytes(uri)


def write_bytes(uri: str, data: bytes) -> None:
    """Write ``data`` at ``uri`` atomically (whole or not at all)."""
    storage_for(uri).write_bytes(uri, data)


def exists(uri: str) -> bool:
    return storage_for(uri).exists(uri)


def is_remote(uri: str) -> bool:
    """Whether ``uri`` names an object outside the local filesystem (``s3://``, ...)."""
    return scheme_of(uri) not in ("", "file")


class _MemoryWriter(io.BytesIO):
    """The streaming fallback for a backend without ``open``: written whole on close."""

    def __init__(self, backend: Storage, uri: str) -> None:
        super().__init__()
        self._backend = backend
        self._uri = uri
        self._discarded = False

    def close(self) -> None:
        if not self.closed and not self._discarded:
            self._backend.write_bytes(self._uri, self.getvalue())
        super().close()

    def __exit__(self, *exc: Any) -> None:
        if exc[0] is not None:
            self._discarded = True
        self.close()


def open_uri(uri: str, mode: str = "rb") -> IO[bytes]:
    """A binary stream on ``uri`` (``"rb"``/``"wb"``; a text mode is refused: wrap the
    stream in :class:`io.TextIOWrapper`). Written objects appear whole on close; leaving a
    ``with`` block by an exception writes nothing."""
    if mode not in ("rb", "wb", "r", "w"):
        raise ValueError(f"open mode {mode!r}: use 'rb' or 'wb'")
    backend = storage_for(uri)
    opener = getattr(backend, "open", None)
    if opener is not None:
        handle: IO[bytes] = opener(uri, "wb" if "w" in mode else "rb")
        return handle
    if "w" in mode:
        return _MemoryWriter(backend, uri)
    return io.BytesIO(backend.read_bytes(uri))


def list_files(uri: str) -> list[str]:
    """Full URIs of every object under ``uri`` (recursively), sorted."""
    backend = storage_for(uri)
    lister = getattr(backend, "list_files", None)
    if lister is None:
        raise FeatherkitUserError(
            f"the storage for {scheme_of(uri) or 'local'} URIs ({type(backend).__name__}) "
            f"cannot list {redact_location(uri)}: it has no list_files method, which "
            "directories need"
        )
    return sorted(lister(uri))


def delete(uri: str) -> None:
    """Remove the object or prefix ``uri`` when the backend can (best effort otherwise)."""
    backend = storage_for(uri)
    remover = getattr(backend, "delete", None)
    if remover is not None:
        remover(uri)


def content_digest(uri: str) -> str:
    """A digest of the object's content: the backend's, else ``sha256:`` of its bytes."""
    backend = storage_for(uri)
    digester = getattr(backend, "content_digest", None)
    if digester is not None:
        return str(digester(uri))
    import hashlib

    return "sha256:" + hashlib.sha256(backend.read_bytes(uri)).hexdigest()


#: what was written inside the innermost :func:`all_or_nothing` block (None: no block)
_journal: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "featherkit_storage_journal", default=None
)


def track(uri: str) -> None:
    """Note that ``uri`` (an object or a directory) was just written, so that an enclosing
    :func:`all_or_nothing` block removes it if the block fails. :func:`upload` does this
    itself; call it for what you write another way (a data frame written in place)."""
    written = _journal.get()
    if written is not None:
        written.append(uri)


class all_or_nothing:  # (lower case: used as ``with all_or_nothing():``)
    """Everything uploaded (or :func:`track`-ed) inside the block is deleted again if the
    block raises: a task whose second output fails leaves no file of its first behind.

    A class rather than a generator context manager: every task call's outputs are
    converted inside one, and this costs a third as much.
    """

    __slots__ = ("_token", "_written")

    def __enter__(self) -> None:
        self._written: list[str] = []
        self._token = _journal.set(self._written)

    def __exit__(self, kind: Any, error: Any, traceback: Any) -> None:
        try:
            if kind is not None:
                for uri in reversed(self._written):
                    try:
                        delete(uri)
                    except Exception:  # the block's own error is the one to report
                        pass
        finally:
            _journal.reset(self._token)


def upload(local: str, uri: str) -> None:
    storage_for(uri).upload(local, uri)
    track(uri)


def download(uri: str, local: str) -> None:
    storage_for(uri).download(uri, local)


_local = LocalStorage()


@hookimpl(trylast=True)
def register_storage(register: Callable[[str, Any], None]) -> None:
    register("", _local)
    register("file", _local)
