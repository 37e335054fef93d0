"""Intra-task checkpoints: ``current_context().checkpoint``, as flytekit users know it.

A long task saves its progress with ``write(bytes)``; when Flyte retries it, the next attempt
finds the previous attempt's bytes with ``read()`` (``prev_exists()`` says whether there was a
previous attempt). In a pod the locations come from the entrypoint's ``--checkpoint-path``
(this attempt's prefix) and ``--prev-checkpoint`` (the previous attempt's); locally the
checkpoint is written under the execution's working directory and there is no previous one.

The bytes are stored as one object named ``_dst_cp`` under the prefix, the name flytekit's
``SyncCheckpoint.write`` uses, so a checkpoint written by one SDK is read by the other.
``save(path)`` stores a file (by its name) or a directory (its layout) instead, and
``restore()`` downloads the previous attempt's whole checkpoint into a local directory, as
flytekit's do. The storage is whatever serves the prefix's scheme (local files in core,
object stores through featherkit-fsspec).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    import pathlib

#: the object a checkpoint's bytes are stored in, under the checkpoint prefix (flytekit's name)
CHECKPOINT_OBJECT = "_dst_cp"


#: where :meth:`Checkpoint.restore` puts ``prev_cp`` for a checkpoint built without a working
#: directory: :mod:`featherkit.context` sets it to the current execution's working directory
#: (the context sits above this module, so it hands the lookup down instead of being imported)
_default_working_dir: Callable[[], str] | None = None


def set_default_working_dir(source: Callable[[], str]) -> None:
    """Set the working-directory lookup for checkpoints built without one (the context's)."""
    global _default_working_dir
    _default_working_dir = source


class Checkpoint:
    """This attempt's checkpoint location and the previous attempt's, if any.

    ``working_dir`` gives the directory :meth:`restore` downloads into when called without a
    path (``<working_dir>/prev_cp``); the execution context passes its own, and a checkpoint
    built without one uses the current execution's.
    """

    def __init__(
        self,
        checkpoint_dest: str,
        checkpoint_src: str | None = None,
        *,
        working_dir: Callable[[], str] | None = None,
    ) -> None:
        if not isinstance(checkpoint_dest, str) or not checkpoint_dest:
            raise ValueError(f"a checkpoint needs a destination prefix, got {checkpoint_dest!r}")
        self._dest = checkpoint_dest
        self._src = checkpoint_src or None
        self._working_dir = working_dir
        self._restored: pathlib.Path | None = None

    @property
    def checkpoint_dest(self) -> str:
        """Where :meth:`write` stores this attempt's checkpoint."""
        return self._dest

    @property
    def checkpoint_src(self) -> str | None:
        """The previous attempt's checkpoint prefix, or ``None``."""
        return self._src

    def prev_exists(self) -> bool:
        """Whether a previous attempt left a checkpoint prefix to read from."""
        return self._src is not None

    def read(self) -> bytes | None:
        """The previous attempt's checkpoint bytes; ``None`` when there are none.

        As in flytekit, this reads the *previous* attempt's checkpoint, never what this
        attempt wrote, and only a checkpoint of one object: a previous checkpoint holding
        several (a directory given to :meth:`save`) is a :class:`ValueError`; use
        :meth:`restore` for those.
        """
        if self._src is None:
            return None
        from featherkit import storage

        found = _objects(self._src)
        if not found:
            return None
        if len(found) > 1:
            raise ValueError(
                f"expected exactly one checkpoint object under {self._src}, found "
                f"{len(found)}; use checkpoint.restore() for a checkpoint of several files"
            )
        return storage.read_bytes(found[0])

    def write(self, data: bytes) -> None:
        """Store ``data`` as this attempt's checkpoint, replacing an earlier write."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(
                f"Checkpoint.write takes bytes, got {type(data).__name__}; encode text first"
            )
        from featherkit import storage

        storage.write_bytes(storage.join(self._dest, CHECKPOINT_OBJECT), bytes(data))

    def save(self, cp: str | os.PathLike[str] | IO[bytes]) -> None:
        """Store a file, a directory (every file in it) or a binary stream's bytes.

        A file keeps its name under the checkpoint prefix, a directory its layout; a stream
        is stored as :meth:`write` stores bytes.
        """
        from featherkit import storage

        if isinstance(cp, (str, os.PathLike)):
            path = os.fspath(cp)
            if os.path.isdir(path):
                for directory, _, files in os.walk(path):
                    for name in sorted(files):
                        local = os.path.join(directory, name)
                        relative = os.path.relpath(local, path).replace(os.sep, "/")
                        storage.upload(local, storage.join(self._dest, relative))
                return
            if not os.path.isfile(path):
                raise ValueError(f"Checkpoint.save: no file or directory at {path!r}")
            storage.upload(path, storage.join(self._dest, os.path.basename(path)))
            return
        read = getattr(cp, "read", None)
        if not callable(read):
            raise TypeError(
                "Checkpoint.save takes a path (file or directory) or a binary stream, "
                f"got {type(cp).__name__}"
            )
        self.write(read())

    def restore(self, path: str | os.PathLike[str] | None = None) -> pathlib.Path | None:
        """Download the previous attempt's checkpoint into a directory; ``None`` without one.

        ``path`` is a directory, made when missing (default: ``prev_cp`` under the
        execution's working directory). As in flytekit, a second call returns the first
        call's directory without downloading again.
        """
        if self._src is None:
            return None
        if self._restored is not None:
            return self._restored
        import pathlib  # not at import: every pod's start imports this module

        from featherkit import storage

        if path is None:
            working_dir = self._working_dir or _default_working_dir
            if working_dir is None:
                raise ValueError(
                    "Checkpoint.restore() without a path needs the execution's working "
                    "directory (import featherkit, or pass a directory to restore into)"
                )
            target = pathlib.Path(working_dir()) / "prev_cp"
            target.mkdir(parents=True, exist_ok=True)
        else:
            target = pathlib.Path(path)
            if target.exists() and not target.is_dir():
                raise ValueError(
                    f"Checkpoint.restore needs a directory to restore into, not a file: {target}"
                )
            target.mkdir(parents=True, exist_ok=True)
        prefix = self._src.rstrip("/")
        for uri in _objects(self._src):
            relative = uri[len(prefix):].lstrip("/").lstrip(os.sep)
            if not relative or ".." in relative.split("/"):
                raise ValueError(f"checkpoint object {uri} is not under {self._src}")
            local = target / relative
            local.parent.mkdir(parents=True, exist_ok=True)
            storage.download(uri, str(local))
        self._restored = target
        return target

    def __repr__(self) -> str:
        return f"Checkpoint(checkpoint_dest={self._dest!r}, checkpoint_src={self._src!r})"


def _objects(prefix: str) -> list[str]:
    """Every object under ``prefix`` (none when it does not exist)."""
    from featherkit import storage

    try:
        return storage.list_files(prefix)
    except FileNotFoundError:
        return []
