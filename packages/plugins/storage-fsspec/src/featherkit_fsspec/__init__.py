"""featherkit-fsspec: featherkit storage for every fsspec protocol (s3, gs, abfs, memory, ...).

The plugin registers one backend for the scheme ``"*"``: every URI whose scheme no other
plugin claims (core keeps local paths and ``file://``). fsspec and its drivers are imported
only when such a URI is first used, so a pod that only touches local paths pays nothing.

Atomic writes: on object stores (S3, GCS, Azure Blob, ...) an object becomes visible only
once its upload completed, whole (a single PUT, or the completion of a multipart upload), so
a write goes straight to its key. On every other fsspec filesystem (sftp, hdfs, webdav, ...)
the data goes to a temporary name beside the target first and is then moved over it.

Credentials and endpoints come from the driver's usual sources (environment, instance roles,
``FSSPEC_<PROTOCOL>_<OPTION>`` variables, fsspec config files) and from the variables a Flyte
deployment sets for flytekit: ``FLYTE_AWS_ENDPOINT``, ``FLYTE_AWS_ACCESS_KEY_ID``,
``FLYTE_AWS_SECRET_ACCESS_KEY``, ``FLYTE_AWS_ADDRESSING_STYLE`` for S3, and
``FLYTE_AZURE_STORAGE_ACCOUNT_NAME``, ``..._ACCOUNT_KEY``, ``FLYTE_AZURE_TENANT_ID``,
``..._CLIENT_ID``, ``..._CLIENT_SECRET`` for Azure. fsspec's own configuration wins over them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import IO, Any

from featherkit.extend import FeatherkitUserError, hookimpl, redact_location, redact_text

__all__ = ["ATOMIC_PUT_PROTOCOLS", "FsspecStorage", "register_storage", "storage_options"]

#: protocols whose objects appear only once complete, so a plain upload is atomic
ATOMIC_PUT_PROTOCOLS = frozenset(
    {"s3", "s3a", "gs", "gcs", "abfs", "abfss", "az", "oci", "oss", "memory"}
)

#: driver packages to suggest when fsspec cannot import the implementation of a protocol
DRIVERS = {
    "s3": "s3fs", "s3a": "s3fs", "gs": "gcsfs", "gcs": "gcsfs", "abfs": "adlfs",
    "abfss": "adlfs", "az": "adlfs", "oci": "ocifs", "oss": "ossfs", "sftp": "paramiko",
    "hdfs": "pyarrow", "webdav": "webdav4",
}

_S3_ENV = {
    "FLYTE_AWS_ACCESS_KEY_ID": "key",
    "FLYTE_AWS_SECRET_ACCESS_KEY": "secret",
}
_AZURE_ENV = {
    "FLYTE_AZURE_STORAGE_ACCOUNT_NAME": "account_name",
    "FLYTE_AZURE_STORAGE_ACCOUNT_KEY": "account_key",
    "FLYTE_AZURE_TENANT_ID": "tenant_id",
    "FLYTE_AZURE_CLIENT_ID": "client_id",
    "FLYTE_AZURE_CLIENT_SECRET": "client_secret",
}


def protocol_of(uri: str) -> str:
    """The outermost protocol of ``uri`` (``simplecache::s3://b/k`` -> ``simplecache``)."""
    from urllib.parse import urlparse  # not at import: every pod's start loads this plugin

    return urlparse(uri).scheme


def storage_options(protocol: str, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Driver options from the ``FLYTE_*`` variables a Flyte deployment sets for flytekit.

    Options that fsspec's own configuration (``FSSPEC_*`` variables, config files) sets for
    the protocol are left out, so that configuration wins.
    """
    env = os.environ if environ is None else environ
    options: dict[str, Any] = {}
    if protocol in ("s3", "s3a"):
        options.update({opt: env[var] for var, opt in _S3_ENV.items() if env.get(var)})
        if env.get("FLYTE_AWS_ENDPOINT"):
            options["client_kwargs"] = {"endpoint_url": env["FLYTE_AWS_ENDPOINT"]}
        if env.get("FLYTE_AWS_ADDRESSING_STYLE"):
            options["config_kwargs"] = {
                "s3": {"addressing_style": env["FLYTE_AWS_ADDRESSING_STYLE"]}
            }
    elif protocol in ("abfs", "abfss", "az"):
        options.update({opt: env[var] for var, opt in _AZURE_ENV.items() if env.get(var)})
    if options:
        from fsspec.config import conf

        configured = conf.get(protocol, {})
        options = {k: v for k, v in options.items() if k not in configured}
    return options


class FsspecStorage:
    """A featherkit :class:`~featherkit.storage.Storage` over fsspec filesystems."""

    def _fs(self, uri: str) -> tuple[Any, str, str]:
        """The filesystem for ``uri``, the path inside it, and the protocol."""
        protocol = protocol_of(uri)
        try:
            from fsspec.core import url_to_fs
        except ImportError as exc:  # pragma: no cover - fsspec is a dependency
            raise FeatherkitUserError(
                f"cannot use {redact_location(uri)}: fsspec is not installed"
            ) from exc
        try:
            fs, path = url_to_fs(uri, **storage_options(protocol))
        except ImportError as exc:
            driver = DRIVERS.get(protocol)
            hint = f"pip install {driver}" if driver else "install its fsspec driver"
            raise FeatherkitUserError(
                f"cannot use {redact_location(uri)}: the fsspec driver for {protocol}:// is "
                f"not installed ({hint}): {redact_text(str(exc))}"
            ) from exc
        except ValueError as exc:
            if "Protocol not known" in str(exc):
                raise FeatherkitUserError(
                    f"cannot use {redact_location(uri)}: no storage is installed for "
                    f"{protocol}:// URIs (fsspec does not know the protocol either)"
                ) from exc
            raise
        return fs, path, protocol

    def check(self, uri: str) -> None:
        """Raise :class:`FeatherkitUserError` unless fsspec serves ``uri``'s protocol here.

        Resolving the filesystem imports the driver and reads its configuration; nothing is
        written and no request is made, so it is cheap enough for every pod's start.
        """
        self._fs(uri)

    def read_bytes(self, uri: str) -> bytes:
        fs, path, _ = self._fs(uri)
        data: bytes = fs.cat_file(path)
        return data

    def write_bytes(self, uri: str, data: bytes) -> None:
        """Write atomically: a direct PUT on object stores, temporary name + move elsewhere."""
        fs, path, protocol = self._fs(uri)
        if protocol in ATOMIC_PUT_PROTOCOLS:
            fs.pipe_file(path, data)
            return
        self._via_temporary(fs, path, lambda tmp: fs.pipe_file(tmp, data))

    def exists(self, uri: str) -> bool:
        fs, path, _ = self._fs(uri)
        return bool(fs.exists(path))

    def download(self, uri: str, local_path: str) -> None:
        """Copy ``uri`` to a local file, atomically on the local side."""
        fs, path, _ = self._fs(uri)
        target = os.path.abspath(local_path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        tmp = f"{os.path.dirname(target)}/.{os.path.basename(target)}.{os.urandom(6).hex()}.tmp"
        try:
            fs.get_file(path, tmp)
            os.replace(tmp, target)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def upload(self, local_path: str, uri: str) -> None:
        """Copy a local file to ``uri``, atomically as :meth:`write_bytes` is."""
        fs, path, protocol = self._fs(uri)
        if protocol in ATOMIC_PUT_PROTOCOLS:
            fs.put_file(local_path, path)
            return
        self._via_temporary(fs, path, lambda tmp: fs.put_file(local_path, tmp))

    def open(self, uri: str, mode: str) -> IO[bytes]:
        """A streaming binary handle; a written object appears whole on close.

        On object stores the upload completes on close (a multipart upload for large
        objects), and leaving a ``with`` block by an exception aborts it, so nothing partial
        is left. Elsewhere the data goes to a temporary name, moved over the target on close.
        """
        fs, path, protocol = self._fs(uri)
        if "w" not in mode:
            return fs.open(path, "rb")  # type: ignore[no-any-return]
        if protocol in ATOMIC_PUT_PROTOCOLS:
            return _DiscardOnError(fs.open(path, "wb"), fs, None, path)  # type: ignore[return-value]
        parent = fs._parent(path)
        if parent:
            fs.makedirs(parent, exist_ok=True)
        name = path.rstrip("/").rsplit("/", 1)[-1]
        tmp = f"{parent}/.{name}.{os.urandom(6).hex()}.tmp" if parent else f".{name}.tmp"
        return _DiscardOnError(fs.open(tmp, "wb"), fs, tmp, path)  # type: ignore[return-value]

    def list_files(self, uri: str) -> list[str]:
        """Every object under ``uri``, as full URIs with the same protocol."""
        fs, path, protocol = self._fs(uri)
        found = fs.find(path)
        prefix = f"{protocol}://" if protocol else ""
        return sorted(f"{prefix}{item}" if prefix and "://" not in item else item
                      for item in found)

    def delete(self, uri: str) -> None:
        fs, path, _ = self._fs(uri)
        try:
            fs.rm(path, recursive=True)
        except FileNotFoundError:
            pass

    def content_digest(self, uri: str) -> str:
        """The store's checksum (an S3 ETag, a GCS md5 ...) when it has one, else a hash of
        the bytes; either changes when the content does."""
        fs, path, protocol = self._fs(uri)
        info = fs.info(path)
        for key in ("ETag", "etag", "md5Hash", "content_md5", "md5"):
            value = info.get(key)
            if value:
                return f"{protocol}-{key.lower()}:{str(value).strip(chr(34))}"
        import hashlib

        digest = hashlib.sha256()
        with fs.open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        return "sha256:" + digest.hexdigest()

    @staticmethod
    def _via_temporary(fs: Any, path: str, write: Callable[[str], None]) -> None:
        parent = fs._parent(path)
        name = path.rstrip("/").rsplit("/", 1)[-1]
        tmp = f"{parent}/.{name}.{os.urandom(6).hex()}.tmp" if parent else f".{name}.tmp"
        if parent:
            fs.makedirs(parent, exist_ok=True)
        try:
            write(tmp)
            fs.mv(tmp, path)
        except BaseException:
            try:
                if fs.exists(tmp):
                    fs.rm(tmp)
            except Exception:  # the original error matters more than the cleanup's
                pass
            raise


class _DiscardOnError:
    """Wraps a writable fsspec file: commit on a clean close, abort on an exception."""

    def __init__(self, handle: Any, fs: Any, tmp: str | None, target: str) -> None:
        self._handle = handle
        self._fs = fs
        self._tmp = tmp
        self._target = target

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)

    def write(self, data: bytes) -> int:
        return int(self._handle.write(data))

    def close(self) -> None:
        if self._handle.closed:
            return
        self._handle.close()
        if self._tmp is not None:
            self._fs.mv(self._tmp, self._target)

    def discard(self) -> None:
        """Drop what was written: abort the upload, never commit it."""
        try:
            discard = getattr(self._handle, "discard", None)
            if discard is not None:
                discard()
            self._handle.closed = True  # so that garbage collection does not commit it
        except Exception:  # the original error matters more than the cleanup's
            pass
        if self._tmp is not None:
            try:
                if self._fs.exists(self._tmp):
                    self._fs.rm(self._tmp)
            except Exception:
                pass

    def __enter__(self) -> _DiscardOnError:
        return self

    def __exit__(self, *exc: Any) -> None:
        if exc[0] is not None:
            self.discard()
        else:
            self.close()


_storage = FsspecStorage()


@hookimpl
def register_storage(register: Callable[[str, Any], None]) -> None:
    from featherkit.extend import ANY_SCHEME

    register(ANY_SCHEME, _storage)
