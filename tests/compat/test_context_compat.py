"""What a running task asks its context: secrets' names and checkpoints, as flytekit has them.

Secrets: for the same environment, featherkit's ``Secrets`` names the same environment
variable and file as flytekit's ``SecretsManager``. Checkpoints: bytes written by flytekit's
``SyncCheckpoint`` are read by featherkit's ``Checkpoint`` on the next attempt, and back.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.mark.parametrize(
    ("group", "key", "group_version"),
    [("db", "password", None), ("DB", "Pass_Word", "v2"), (None, "token", None),
     ("group", None, None)],
)
@pytest.mark.parametrize("file_prefix", ["", "pre-"])
def test_secret_names_match_flytekit(group, key, group_version, file_prefix, tmp_path,
                                     monkeypatch):
    from flytekit.core.context_manager import SecretsManager

    from featherkit.context import Secrets

    monkeypatch.setenv("FLYTE_SECRETS_DEFAULT_DIR", str(tmp_path))
    monkeypatch.setenv("FLYTE_SECRETS_FILE_PREFIX", file_prefix)
    monkeypatch.setenv("FLYTE_SECRETS_ENV_PREFIX", "_FSEC_")
    theirs, ours = SecretsManager(), Secrets()
    assert ours.get_secrets_file(group, key, group_version) == theirs.get_secrets_file(
        group, key, group_version
    )
    assert ours.get_secrets_env_var(group, key, group_version) == theirs.get_secrets_env_var(
        group, key, group_version
    )


def test_checkpoints_cross_between_attempts_of_either_sdk(tmp_path: Path):
    from flytekit.core.checkpointer import SyncCheckpoint

    from featherkit.checkpoint import Checkpoint

    first, second, third = (str(tmp_path / n) for n in ("a1", "a2", "a3"))
    SyncCheckpoint(checkpoint_dest=first).write(b"from flytekit")
    ours = Checkpoint(second, first)
    assert ours.prev_exists()
    assert ours.read() == b"from flytekit"
    ours.write(b"from featherkit")
    assert SyncCheckpoint(checkpoint_dest=third, checkpoint_src=second).read() == (
        b"from featherkit"
    )


def test_saved_directories_cross_between_sdks(tmp_path: Path):
    from flytekit.core.checkpointer import SyncCheckpoint

    from featherkit.checkpoint import Checkpoint

    work = tmp_path / "work"
    (work / "sub").mkdir(parents=True)
    (work / "a.txt").write_text("A")
    (work / "sub" / "b.txt").write_text("B")
    SyncCheckpoint(checkpoint_dest=str(tmp_path / "f1")).save(work)
    ours = Checkpoint(str(tmp_path / "o1"), str(tmp_path / "f1"))
    restored = ours.restore(tmp_path / "ours")
    assert (restored / "a.txt").read_text() == "A"
    assert (restored / "sub" / "b.txt").read_text() == "B"

    ours.save(work)
    (tmp_path / "theirs").mkdir()
    theirs = SyncCheckpoint(checkpoint_dest=str(tmp_path / "f2"),
                            checkpoint_src=str(tmp_path / "o1"))
    back = theirs.restore(tmp_path / "theirs")
    assert (back / "a.txt").read_text() == "A"
    assert (back / "sub" / "b.txt").read_text() == "B"
    single = tmp_path / "one.bin"
    single.write_bytes(b"1")
    Checkpoint(str(tmp_path / "o2")).save(single)
    assert SyncCheckpoint(checkpoint_dest=str(tmp_path / "f3"),
                          checkpoint_src=str(tmp_path / "o2")).read() == b"1"
