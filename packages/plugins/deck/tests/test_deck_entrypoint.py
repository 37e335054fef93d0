"""End to end through the container entrypoint: ``deck.html`` lands under the output prefix.

Each test serializes a task, substitutes propeller's templates with local paths and runs
``featherkit-execute`` in a subprocess (``featherkit.testing.pod.run_in_pod``), as a pod would.
"""

from __future__ import annotations

import re
from pathlib import Path

from featherkit_deck import Deck, MarkdownRenderer

from featherkit import IgnoreOutputs, task
from featherkit.testing import run_in_pod

INJECTION = "<script>alert(1)</script>"


@task(enable_deck=True)
def shout(text: str, times: int = 2) -> list[str]:
    Deck("Notes", MarkdownRenderer().to_html(f"Shouting **{times}** times"))
    return [text.upper()] * times


@task(enable_deck=True, deck_fields=("Input", "Output"))
def refuse(reason: str) -> int:
    raise PermissionError(reason)


@task(enable_deck=True, deck_fields=("Output", "Timeline"))
def skip() -> int:
    raise IgnoreOutputs()


def tabs(page: str) -> list[str]:
    return re.findall(r'<a role="tab"[^>]*>(.*?)</a>', page)


def test_the_pod_writes_deck_html_beside_outputs_pb(tmp_path: Path) -> None:
    run = run_in_pod(shout, tmp_path, {"text": INJECTION})
    assert run.returncode == 0, run.stderr
    assert run.outputs() == [INJECTION.upper()] * 2
    assert sorted(p.name for p in Path(run.output_prefix).iterdir()) == [
        "deck.html", "outputs.pb"
    ]
    page = (Path(run.output_prefix) / "deck.html").read_text(encoding="utf-8")
    assert tabs(page) == ["Notes", "Input", "Output", "Source Code", "Timeline", "Dependencies"]
    assert "Shouting <strong>2</strong> times" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;SCRIPT&gt;ALERT(1)&lt;/SCRIPT&gt;" in page
    assert page.count("<script>") == 1
    assert "fk-status-ok" in page
    assert "convert outputs" in page  # post_execute and execution_finished both seen


def test_a_failing_pod_writes_error_pb_and_a_deck_showing_the_failure(tmp_path: Path) -> None:
    run = run_in_pod(refuse, tmp_path, {"reason": "no <entry>"})
    assert run.returncode == 0, run.stderr
    error = run.error()
    assert error is not None
    assert error.code == "USER:PermissionError"
    page = (Path(run.output_prefix) / "deck.html").read_text(encoding="utf-8")
    assert tabs(page) == ["Input", "Output"]
    assert "fk-status-failed" in page
    assert "PermissionError: no &lt;entry&gt;" in page


def test_ignore_outputs_in_a_pod_still_writes_the_deck(tmp_path: Path) -> None:
    run = run_in_pod(skip, tmp_path, {})
    assert run.returncode == 0, run.stderr
    assert not run.written("outputs.pb")
    assert not run.written("error.pb")
    page = (Path(run.output_prefix) / "deck.html").read_text(encoding="utf-8")
    assert "IgnoreOutputs" in page
