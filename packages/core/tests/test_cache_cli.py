"""``featherkit cache list|clear|explain`` and the cache options of ``featherkit run``."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

TASKS = '''
from featherkit import task

RUNS = {runs!r}


def _ran(name: str) -> None:
    with open(RUNS, "a") as fh:
        fh.write(name + "\\n")


@task(cache=True, cache_version="{version}", cache_ignore_input_vars=("note",))
def scale(x: int, factor: int = 2, note: str = "") -> int:
    _ran("scale")
    return x * factor


@task
def plain(x: int) -> int:
    return x
'''


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name in ("FEATHERKIT_CACHE", "FEATHERKIT_CACHE_OVERWRITE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FEATHERKIT_CACHE_DIR", str(tmp_path / "cache"))
    runs = tmp_path / "runs.txt"
    (tmp_path / "cachetasks.py").write_text(TASKS.format(runs=str(runs), version="1"))
    monkeypatch.syspath_prepend(str(tmp_path))
    # the file is rewritten within one second by some tests: never read a stale .pyc
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    return {
        "file": str(tmp_path / "cachetasks.py"),
        "runs": str(runs),
        "cache": str(tmp_path / "cache"),
    }


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def featherkit(ws: dict[str, str], *args: str, **env: str) -> Result:
    """Run the command line in this process (a fresh import of the tasks file each time)."""
    from featherkit.cli import main

    sys.modules.pop("cachetasks", None)
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        with redirect_stdout(out), redirect_stderr(err):
            main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return Result(code, out.getvalue(), err.getvalue())


def featherkit_process(ws: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "featherkit.cli", *args],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "FEATHERKIT_CACHE_DIR": ws["cache"]},
    )


def ok(result: Result | subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def runs(ws: dict[str, str]) -> int:
    path = Path(ws["runs"])
    return len(path.read_text().splitlines()) if path.exists() else 0


def test_second_run_in_another_process_hits(workspace):
    ws = workspace
    for _ in range(2):
        assert ok(featherkit_process(ws, "run", ws["file"], "scale", "--x", "3")).strip() == "6"
    assert runs(ws) == 1
    hit = ok(featherkit_process(ws, "cache", "explain", ws["file"], "scale", "--x", "3"))
    assert "HIT" in hit


def test_run_hits_on_the_second_call_and_obeys_the_options(workspace):
    ws = workspace
    assert ok(featherkit(ws, "run", ws["file"], "scale", "--x", "3")).strip() == "6"
    assert ok(featherkit(ws, "run", ws["file"], "scale", "--x", "3")).strip() == "6"
    assert runs(ws) == 1
    ok(featherkit(ws, "run", ws["file"], "scale", "--x", "3", "--no-cache"))
    assert runs(ws) == 2
    ok(featherkit(ws, "run", ws["file"], "scale", "--x", "3", "--cache-backend", "off"))
    assert runs(ws) == 3
    ok(featherkit(ws, "run", ws["file"], "scale", "--x", "3", "--overwrite-cache"))
    assert runs(ws) == 4
    # the environment can switch it off, and --cache back on
    ok(featherkit(ws, "run", ws["file"], "scale", "--x", "3", FEATHERKIT_CACHE="off"))
    assert runs(ws) == 5
    ok(featherkit(ws, "run", ws["file"], "scale", "--x", "3", "--cache", FEATHERKIT_CACHE="off"))
    assert runs(ws) == 5


def test_run_with_an_unknown_backend_is_one_clear_line(workspace, monkeypatch, fresh_plugins):
    # as if featherkit-cache-redis were not installed (it may be, in the all-packages session)
    monkeypatch.setenv("FEATHERKIT_PLUGINS", "")
    result = featherkit(workspace, "run", workspace["file"], "scale", "--x", "1",
                        "--cache-backend", "redis://127.0.0.1:1/0")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "pip install featherkit-cache-redis" in result.stderr.splitlines()[0]


def test_list_and_clear(workspace):
    ws = workspace
    assert "no cached entries" in ok(featherkit(ws, "cache", "list"))
    for x in ("1", "2"):
        ok(featherkit(ws, "run", ws["file"], "scale", "--x", x))
    listing = ok(featherkit(ws, "cache", "list"))
    assert "cachetasks.scale" in listing
    assert "factor=2, x=1" in listing
    assert listing.strip().endswith(f"2 entries in sqlite cache at {ws['cache']}/cache.sqlite3")
    entries = json.loads(ok(featherkit(ws, "cache", "list", "--json")))
    assert sorted(e["components"]["previews"]["x"] for e in entries) == ["1", "2"]
    assert {e["task"] for e in entries} == {"cachetasks.scale"}

    cleared = ok(featherkit(ws, "cache", "clear", "scale"))
    assert "removed 0 entries" in cleared
    assert "did you mean cachetasks.scale" in cleared
    assert "removed 2 entries of cachetasks.scale" in ok(
        featherkit(ws, "cache", "clear", "cachetasks.scale")
    )
    ok(featherkit(ws, "run", ws["file"], "scale", "--x", "1"))
    assert "removed 1 entry from" in ok(featherkit(ws, "cache", "clear"))


def test_explain_hit_and_miss(workspace):
    ws = workspace
    miss = ok(featherkit(ws, "cache", "explain", ws["file"], "scale", "--x", "3"))
    assert "MISS" in miss
    assert "no cached entry for cachetasks.scale" in miss
    ok(featherkit(ws, "run", ws["file"], "scale", "--x", "3"))
    hit = ok(featherkit(ws, "cache", "explain", ws["file"], "scale", "--x", "3"))
    lines = dict(line.split(None, 1) for line in hit.splitlines() if line.strip())
    assert lines["task"] == "cachetasks.scale"
    assert lines["version"] == "'1'"
    assert lines["interface"].startswith("(factor: int, note: str, x: int) -> (o0: int)")
    assert lines["ignored"] == "note (cache_ignore_input_vars)"
    assert lines["result"].startswith("HIT")
    # an ignored input does not matter; an explicit default equals the omitted one
    assert "HIT" in ok(featherkit(ws, "cache", "explain", ws["file"], "scale", "--x", "3",
                                  "--factor", "2", "--note", "anything"))

    miss = ok(featherkit(ws, "cache", "explain", ws["file"], "scale", "--x", "4"))
    assert "MISS" in miss
    assert "differs in 1 component:" in miss
    assert "input x: cached 3, now 4" in miss


def test_explain_names_a_version_change(workspace, tmp_path: Path):
    ws = workspace
    ok(featherkit(ws, "run", ws["file"], "scale", "--x", "3"))
    Path(ws["file"]).write_text(TASKS.format(runs=ws["runs"], version="2"))
    miss = ok(featherkit(ws, "cache", "explain", ws["file"], "scale", "--x", "3"))
    assert "differs in 1 component:" in miss
    assert "version: cached '1', now '2'" in miss


def test_explain_names_an_interface_change(workspace):
    ws = workspace
    ok(featherkit(ws, "run", ws["file"], "scale", "--x", "3"))
    source = Path(ws["file"]).read_text().replace("-> int:\n    _ran", "-> float:\n    _ran")
    Path(ws["file"]).write_text(source)
    miss = ok(featherkit(ws, "cache", "explain", ws["file"], "scale", "--x", "3"))
    assert "interface: cached (factor: int, note: str, x: int) -> (o0: int), now " \
           "(factor: int, note: str, x: int) -> (o0: float)" in miss


def test_explain_refuses_an_uncached_task(workspace):
    result = featherkit(workspace, "cache", "explain", workspace["file"], "plain", "--x", "1")
    assert result.returncode == 2
    assert "task 'cachetasks.plain' is not cached" in result.stderr


def test_commands_act_on_the_chosen_backend(workspace, tmp_path: Path):
    ws = workspace
    ok(featherkit(ws, "run", ws["file"], "scale", "--x", "3"))
    other = tmp_path / "other"
    assert "no cached entries" in ok(
        featherkit(ws, "cache", "--backend", f"sqlite://{other}", "list")
    )
    # FEATHERKIT_CACHE=off switches calls off, not the commands
    assert "1 entry in" in ok(featherkit(ws, "cache", "list", FEATHERKIT_CACHE="off"))
