"""Intra-task checkpoints: ``current_context().checkpoint``, as flytekit users know it.

A long task saves its progress with ``write(bytes)``; when Flyte retries it, the next attempt
finds the previous attempt's bytes with ``read()`` (``prev_exists()`` says whether there was a
previous attempt). In a pod the locations come from the entrypoint's ``--checkpoint-path``
(this attempt's prefix) and ``--prev-checkpoint`` (the previous attempt's); locally the
checkpoint is written under the execution's working directory and there is no previous one.

The bytes are stored as one object named ``_dst_cp`` under the prefix, the name flytekit's
``SyncCheckpoint.write`` uses, so a checkpoint written by one SDK is read by the other. The
storage is whatever serves the prefix's scheme (local files in core, object stores through
featherkit-fsspec).
"""

from __future__ import annotations

#: the object a checkpoint's bytes are stored in, under the checkpoint prefix (flytekit's name)
CHECKPOINT_OBJECT = "_dst_cp"


class Checkpoint:
    """This attempt's checkpoint location and the previous attempt's, if any."""

    def __init__(self, checkpoint_dest: str, checkpoint_src: str | None = None) -> None:
        if not isinstance(checkpoint_dest, str) or not checkpoint_dest:
            raise ValueError(f"a checkpoint needs a destination prefix, got {checkpoint_dest!r}")
        self._dest = checkpoint_dest
        self._src = checkpoint_src or None

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
        attempt wrote.
        """
        if self._src is None:
            return None
        from featherkit.storage import join, storage_for

        uri = join(self._src, CHECKPOINT_OBJECT)
        storage = storage_for(uri)
        if not storage.exists(uri):
            return None
        return storage.read_bytes(uri)

    def write(self, data: bytes) -> None:
        """Store ``data`` as this attempt's checkpoint, replacing an earlier write."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(
                f"Checkpoint.write takes bytes, got {type(data).__name__}; encode text first"
            )
        from featherkit.storage import join, storage_for

        uri = join(self._dest, CHECKPOINT_OBJECT)
        storage_for(uri).write_bytes(uri, bytes(data))

    def __repr__(self) -> str:
        return f"Checkpoint(checkpoint_dest={self._dest!r}, checkpoint_src={self._src!r})"
