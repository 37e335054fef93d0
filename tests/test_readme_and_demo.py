"""The README's first example and the demo do what they say (issue 18, item 15).

* the README's first Python block, saved verbatim to a file, runs with ``featherkit run`` and
  prints only the task's result (nothing at import time);
* ``examples/demo.py`` writes everything, the decks of its local runs included, under its
  output directory, and labels each call from the cache's own answer.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _first_python_block(text: str) -> str:
    match = re.search(r"```python\n(.*?)```", text, re.S)
    assert match, "the README has no python block"
    return match.group(1)


def test_the_readmes_first_example_runs_verbatim_with_featherkit_run(tmp_path: Path):
    source = _first_python_block((ROOT / "README.md").read_text())
    (tmp_path / "readme_example.py").write_text(source)
    result = subprocess.run(
        [sys.executable, "-m", "featherkit.cli", "run", "readme_example.py", "summarize",
         "--xs", "[1, 2, 3]"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False,
        env={**os.environ, "FEATHERKIT_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["Stats(mean=2.0, n=3)"], result.stdout
    # and as a script it still prints the example's result
    script = subprocess.run(
        [sys.executable, "readme_example.py"], capture_output=True, text=True, cwd=tmp_path,
        timeout=120, check=False,
    )
    assert script.stdout.splitlines() == ["Stats(mean=2.0, n=3)"], script.stderr


def _demo(out: Path, outside: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "examples" / "demo.py")],
        capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "FEATHERKIT_DEMO_DIR": str(out), "TMPDIR": str(outside), **env},
    )


def _labels(stdout: str) -> list[str]:
    return re.findall(r"count_words, \w+ call: [\d.]+ ms \(([^)]*)\)", stdout)


def test_the_demo_writes_under_its_directory_and_labels_hits_from_the_cache(tmp_path: Path):
    out, outside = tmp_path / "demo", tmp_path / "system-tmp"
    outside.mkdir()
    first = _demo(out, outside)
    assert first.returncode == 0, first.stderr
    assert _labels(first.stdout) == ["ran the body, stored it", "cache hit"], first.stdout
    decks = sorted(p.relative_to(out).as_posix() for p in out.rglob("deck.html"))
    assert decks and all(d.startswith(("runs/", "pod/")) for d in decks), decks
    assert any(d.startswith("runs/") for d in decks), decks  # the local run's deck
    assert list(outside.iterdir()) == [], "the demo wrote outside its directory"
    # the labels are the cache's answer, not a guess from timing: overwrite runs the body
    again = _demo(out, outside, FEATHERKIT_CACHE_OVERWRITE="1")
    assert again.returncode == 0, again.stderr
    assert _labels(again.stdout) == ["ran the body, replaced the entry"] * 2, again.stdout
    assert list(outside.iterdir()) == []
