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
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable
from urllib.parse import unquote, urlparse

from featherkit.errors import FeatherkitUserError
from featherkit.hookspecs import hookimpl
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


def scheme_of(uri: str) -> str:
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
    return unquote(urlparse(uri).path) if uri.startswith("file://") else uri


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


class LocalStorage:
    """Local paths and ``file://`` URIs."""

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
        atomic_write(local_path, self.read_bytes(uri))

    def upload(self, local_path: str, uri: str) -> None:
        with open(local_path, "rb") as fh:
            self.write_bytes(uri, fh.read())


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
        "pip install featherkit-fsspec (plus the fsspec driver, e.g. s3fs) for object stores"
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


_local = LocalStorage()


@hookimpl(trylast=True)
def register_storage(register: Callable[[str, Any], None]) -> None:
    register("", _local)
    register("file", _local)
