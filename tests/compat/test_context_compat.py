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
