"""featherkit.testing.leftovers: a run that leaves files in the system temp dir fails."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

INNER = '''
import os, tempfile
from pathlib import Path

def test_uses_tempfile():
    Path(tempfile.mkdtemp(prefix="featherkit-"), "deck.html").write_text("a deck")

def test_maybe_leaks():
    if os.environ.get("LEAK_TO"):
        Path(os.environ["LEAK_TO"], "leaked.txt").write_text("left behind")
'''


def _inner_run(
    tmp_path: Path, leak: bool, mode: str = "fail"
) -> tuple[subprocess.CompletedProcess[str], Path]:
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir(exist_ok=True)
    (tmp_path / "test_inner.py").write_text(INNER)
    env = {k: v for k, v in os.environ.items() if k != "FEATHERKIT_LEFTOVERS"}
    env.update(TMPDIR=str(system_tmp), LEAK_TO=str(system_tmp) if leak else "")
    if mode:
        env["FEATHERKIT_LEFTOVERS"] = mode
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "-p", "featherkit.testing.leftovers", "--basetemp", str(tmp_path / "basetemp"),
         "test_inner.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    return result, system_tmp


def test_temporary_files_go_under_pytests_paths_and_a_clean_run_passes(tmp_path: Path):
    result, system_tmp = _inner_run(tmp_path, leak=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert list(system_tmp.iterdir()) == []
    decks = list((tmp_path / "basetemp").rglob("deck.html"))
    assert len(decks) == 1


def test_a_file_left_in_the_system_temp_dir_fails_the_run(tmp_path: Path):
    result, system_tmp = _inner_run(tmp_path, leak=True)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "2 passed" in result.stdout
    assert f"files left in {system_tmp.resolve()}" in result.stdout
    assert "leaked.txt" in result.stdout


def test_without_asking_a_leftover_does_not_fail_a_users_run(tmp_path: Path):
    result, _ = _inner_run(tmp_path, leak=True, mode="")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "files left in" not in result.stdout


def test_warn_mode_reports_without_failing(tmp_path: Path):
    result, _ = _inner_run(tmp_path, leak=True, mode="warn")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "leaked.txt" in result.stdout


def test_this_run_is_redirected_too():
    assert os.environ["TMPDIR"] == tempfile.gettempdir()
    assert "pytest-of-" in tempfile.gettempdir() or "basetemp" in tempfile.gettempdir()
