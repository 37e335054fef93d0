"""Getting a database file to open: a local path as it is, anything else through storage.

``uri`` is a local path or ``file://`` URI (opened in place), or any URI a storage plugin
reads (``s3://...`` with featherkit-fsspec), downloaded to a temporary directory that is
removed afterwards. With ``compressed=True`` the file is an archive holding exactly one file,
the database: a tar archive (plain, gzip, bzip2 or xz; flytekit's ``tar``/``gztar``/
``bztar``/``xztar``), a zip archive, or a single gzip/bzip2/xz-compressed file. The format is
recognised from the content, not the file name. Members are read, never extracted by path, so
an archive cannot write outside the temporary directory.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import shutil
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from featherkit.extend import redact_location, redact_text
from featherkit_sql.errors import SQLExecutionError

_CHUNK = 1 << 20


def _is_local(uri: str) -> bool:
    from featherkit.extend import scheme_of

    return scheme_of(uri) in ("", "file")


@contextmanager
def database_file(uri: str, *, compressed: bool, task_name: str) -> Iterator[str]:
    """A local path to the database ``uri`` names, valid inside the ``with`` block."""
    from featherkit.extend import local_path, storage_for

    if _is_local(uri) and not compressed:
        path = local_path(uri)
        if not os.path.isfile(path):
            raise SQLExecutionError(
                f"task {task_name!r}: database file {redact_location(uri)!r} does not exist "
                f"(relative paths are taken from {os.getcwd()!r})"
            )
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="featherkit-sql-") as tmp:
        name = os.path.basename(uri.rstrip("/")) or "database"
        downloaded = os.path.join(tmp, name)
        try:
            if _is_local(uri):
                shutil.copyfile(local_path(uri), downloaded)
            else:
                storage_for(uri).download(uri, downloaded)
        except (OSError, ValueError) as exc:
            raise SQLExecutionError(
                f"task {task_name!r}: cannot read database {redact_location(uri)!r}: "
                f"{type(exc).__name__}: {redact_text(str(exc))}"
            ) from exc
        if not compressed:
            yield downloaded
            return
        target = os.path.join(tmp, "unpacked", "database")
        os.makedirs(os.path.dirname(target))
        unpack_single_file(downloaded, target, uri=uri, task_name=task_name)
        yield target


def _copy(source: IO[bytes] | io.BufferedIOBase, target: str) -> None:
    with open(target, "wb") as out:
        shutil.copyfileobj(source, out, _CHUNK)


def unpack_single_file(archive: str, target: str, *, uri: str, task_name: str) -> None:
    """Write the one file held by ``archive`` to ``target``; anything else is an error."""
    with open(archive, "rb") as fh:
        head = fh.read(6)

    def error(what: str) -> SQLExecutionError:
        return SQLExecutionError(
            f"task {task_name!r}: database {redact_location(uri)!r} is marked compressed "
            f"but {what}; "
            "expected a tar (optionally gzip/bzip2/xz), zip, or gzip/bzip2/xz file holding "
            "exactly one file"
        )

    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            files = [info for info in zf.infolist() if not info.is_dir()]
            if len(files) != 1:
                raise error(f"the zip archive holds {len(files)} files "
                            f"({', '.join(i.filename for i in files) or 'none'})")
            with zf.open(files[0]) as member:
                _copy(member, target)
        return
    if _is_tar(archive):
        with tarfile.open(archive, "r:*") as tf:
            members = [m for m in tf.getmembers() if not m.isdir()]
            regular = [m for m in members if m.isfile()]
            if len(members) != 1 or len(regular) != 1:
                raise error(f"the tar archive holds {len(members)} entries "
                            f"({', '.join(m.name for m in members) or 'none'})")
            extracted = tf.extractfile(regular[0])
            if extracted is None:  # pragma: no cover - isfile() members always have data
                raise error(f"tar member {regular[0].name!r} cannot be read")
            with extracted:
                _copy(extracted, target)
        return
    stream = _compressed_stream(head, archive)
    if stream is not None:
        try:
            with stream:
                _copy(stream, target)
        except (OSError, EOFError, lzma.LZMAError) as exc:
            raise error(f"it cannot be decompressed ({exc})") from exc
        return
    raise error("it is not an archive of a known kind")


def _compressed_stream(head: bytes, path: str) -> io.BufferedIOBase | None:
    """A decompressing reader for a gzip, bzip2 or xz file, recognised by its magic bytes."""
    if head.startswith(b"\x1f\x8b"):
        return gzip.GzipFile(path, "rb")
    if head.startswith(b"BZh"):
        return bz2.BZ2File(path, "rb")
    if head.startswith(b"\xfd7zXZ\x00"):
        return lzma.LZMAFile(path, "rb")
    return None


def _is_tar(path: str) -> bool:
    try:
        return tarfile.is_tarfile(path)
    except (OSError, EOFError, tarfile.TarError):
        return False
