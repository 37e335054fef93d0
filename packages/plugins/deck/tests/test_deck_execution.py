"""Decks of local executions: what is written where, which tabs, failures kept in place."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path
from typing import Any, NamedTuple

import featherkit_deck.plugin
import pytest
from featherkit_deck import Deck, timeit

from featherkit import IgnoreOutputs, hookimpl, task
from featherkit.extend import ExecutionParameters
from featherkit.testing import registered


class Recorder:
    """Keeps the params of finished executions (trylast: after the deck plugin wrote)."""

    def __init__(self) -> None:
        self.params: list[ExecutionParameters] = []

    @hookimpl(trylast=True)
    def execution_finished(self, task: Any, params: Any, outputs: Any, error: Any) -> None:
        self.params.append(params)


@pytest.fixture
def recorder() -> Any:
    found = Recorder()
    with registered(found):
        yield found


def deck_of(recorder: Recorder, index: int = -1) -> str:
    path = recorder.params[index].attributes[featherkit_deck.plugin.PATH_KEY]
    return Path(path).read_text(encoding="utf-8")


def tab_names(page: str) -> list[str]:
    return re.findall(r'<a role="tab"[^>]*>(.*?)</a>', page)


def panel(page: str, name: str) -> str:
    index = tab_names(page).index(name)
    match = re.search(
        rf'<section role="tabpanel" id="fk-panel-{index}".*?</section>', page, re.S
    )
    assert match, name
    return match.group(0)


@task(enable_deck=True)
def add(a: int, b: int = 2) -> int:
    """Add two numbers."""
    Deck("Sum", f"<p>{a} + {b}</p>")
    return a + b


def test_local_run_writes_a_deck_in_the_working_dir(
    recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="featherkit.deck"):
        assert add(a=1) == 3
    params = recorder.params[-1]
    path = Path(params.attributes["deck_path"])
    assert path == Path(params.working_dir) / "deck.html"
    assert f"deck written to {path}" in caplog.text
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert tab_names(page) == ["Sum", "Input", "Output", "Source Code", "Timeline",
                               "Dependencies"]
    assert "<p>1 + 2</p>" in panel(page, "Sum")
    inputs = panel(page, "Input")
    assert re.search(r">a</th><td><code>int</code></td><td><code[^>]*>1</code>", inputs)
    assert re.search(r">b</th><td><code>int</code></td><td><code[^>]*>2</code>", inputs)
    assert re.search(r">o0</th><td><code>int</code></td><td><code[^>]*>3</code>",
                     panel(page, "Output"))
    assert "add" in panel(page, "Source Code")
    assert "fk-highlight" in panel(page, "Source Code")
    assert ".fk-highlight .k " in page  # pygments' styles, inline
    timeline = panel(page, "Timeline")
    for phase in ("load inputs", "execute", "convert outputs"):
        assert phase in timeline
    assert "featherkit-deck" in panel(page, "Dependencies")
    # self-contained: nothing refers to another document
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", page)
    assert "<link" not in page


@task(enable_deck=True, deck_fields=("Timeline", "Output"))
def only_some(text: str) -> str:
    return text.upper()


def test_deck_fields_choose_and_order_the_tabs(recorder: Recorder) -> None:
    only_some(text="x")
    assert tab_names(deck_of(recorder)) == ["Timeline", "Output"]


@task(enable_deck=True, deck_fields=())
def no_fields() -> None:
    Deck("Mine", "<em>mine</em>")


def test_no_fields_leaves_the_tasks_own_decks(recorder: Recorder) -> None:
    no_fields()
    page = deck_of(recorder)
    assert tab_names(page) == ["Mine"]
    assert "<em>mine</em>" in page
    assert ".fk-highlight .k " not in page  # pygments' styles come with highlighted code


INJECTION = "<script>alert(1)</script>"


@task(enable_deck=True)
def echo(text: str) -> str:
    Deck(INJECTION, "")
    return text


def test_names_and_values_are_escaped(recorder: Recorder) -> None:
    assert echo(text=INJECTION) == INJECTION
    page = deck_of(recorder)
    assert page.count("<script>") == 1  # the tab switcher, nothing else
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in panel(page, "Input")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in panel(page, "Output")
    assert tab_names(page)[0] == "&lt;script&gt;alert(1)&lt;/script&gt;"


@task(enable_deck=True)
def explode(n: int) -> int:
    Deck("Before", "<p>before the failure</p>")
    raise ValueError(f"bad n <{n}>")


def test_a_failed_task_still_gets_a_deck_and_its_error_is_unchanged(
    recorder: Recorder,
) -> None:
    with pytest.raises(ValueError, match="bad n <3>"):
        explode(n=3)
    page = deck_of(recorder)
    assert "fk-status-failed" in page
    assert "before the failure" in panel(page, "Before")
    output = panel(page, "Output")
    assert "The task failed" in output
    assert "ValueError: bad n &lt;3&gt;" in output
    assert "Traceback" in output
    assert ">3</code>" in panel(page, "Input")


@task(enable_deck=True)
def bad_deck() -> int:
    Deck("Broken").append(42)  # type: ignore[arg-type]
    Deck("Fine", "<p>fine</p>")
    return 7


def test_a_deck_that_cannot_render_shows_its_error_in_place(
    recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="featherkit.deck"):
        assert bad_deck() == 7
    page = deck_of(recorder)
    broken = panel(page, "Broken")
    assert "fk-error" in broken
    assert "holds a int where an HTML string" in broken
    assert "<p>fine</p>" in panel(page, "Fine")
    assert "deck 'Broken' could not be rendered" in caplog.text


def test_a_task_without_source_shows_the_error_in_the_source_tab(
    recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    namespace: dict[str, Any] = {"__name__": "generated_tasks"}
    exec("def made(x: int) -> int:\n    return x * 2\n", namespace)
    made = task(enable_deck=True)(namespace["made"])
    with caplog.at_level(logging.WARNING, logger="featherkit.deck"):
        assert made(x=4) == 8
    page = deck_of(recorder)
    assert "fk-error" in panel(page, "Source Code")
    assert "OSError" in panel(page, "Source Code")
    assert ">8</code>" in panel(page, "Output")  # the other tabs are whole
    assert "'Source Code' tab could not be rendered" in caplog.text


class Stats(NamedTuple):
    mean: float
    n: int


@task(enable_deck=True)
def stats(xs: list[float]) -> Stats:
    with timeit("sum <all>"):
        total = sum(xs)
    return Stats(total / len(xs), len(xs))


def test_several_outputs_are_shown_by_name_and_marks_on_the_timeline(
    recorder: Recorder,
) -> None:
    assert stats(xs=[1.0, 3.0]) == Stats(2.0, 2)
    page = deck_of(recorder)
    output = panel(page, "Output")
    assert re.search(r">mean</th><td><code>float</code></td><td><code[^>]*>2.0<", output)
    assert re.search(r">n</th><td><code>int</code></td><td><code[^>]*>2<", output)
    timeline = panel(page, "Timeline")
    assert "<svg" in timeline
    assert "sum &lt;all&gt;" in timeline
    assert "convert outputs" in timeline


@task(enable_deck=True)
def maybe_nothing(flag: bool) -> int:
    if flag:
        raise IgnoreOutputs()
    return 1


def test_ignore_outputs_is_noted(recorder: Recorder) -> None:
    assert maybe_nothing(flag=True) is None
    assert "IgnoreOutputs" in panel(deck_of(recorder), "Output")


@task(enable_deck=True)
async def slow_double(x: int) -> int:
    await asyncio.sleep(0)
    Deck("Async", "<p>from a coroutine</p>")
    return 2 * x


def test_async_tasks_get_decks(recorder: Recorder) -> None:
    assert slow_double(x=5) == 10
    page = deck_of(recorder)
    assert "from a coroutine" in panel(page, "Async")
    assert ">10</code>" in panel(page, "Output")


def test_async_task_awaited_inside_a_loop(recorder: Recorder) -> None:
    async def main() -> int:
        result: int = await slow_double(x=6)
        return result

    assert asyncio.run(main()) == 12
    assert ">12</code>" in panel(deck_of(recorder), "Output")


@task(enable_deck=True)
def inner(x: int) -> int:
    Deck("Inner", "<p>inner deck</p>")
    return x + 1


@task(enable_deck=True)
def outer(x: int) -> int:
    Deck("Outer", "<p>outer deck</p>")
    return inner(x=x) * 10


def test_nested_executions_keep_their_own_decks(recorder: Recorder) -> None:
    assert outer(x=1) == 20
    inner_page, outer_page = deck_of(recorder, 0), deck_of(recorder, 1)
    assert tab_names(inner_page)[0] == "Inner"
    assert "Outer" not in tab_names(inner_page)
    assert tab_names(outer_page)[0] == "Outer"
    assert "Inner" not in tab_names(outer_page)


@task
def plain(x: int) -> int:
    Deck("Lost", "<p>never written</p>")
    return x


def test_decks_without_enable_deck_warn_and_write_nothing(recorder: Recorder) -> None:
    with pytest.warns(UserWarning, match="added 1 deck.*enable_deck=True"):
        assert plain(x=1) == 1
    assert "deck_path" not in recorder.params[-1].attributes


@task(deck_fields=("Input",))
def fields_only(x: int) -> int:
    return x


def test_deck_fields_without_enable_deck_warn(recorder: Recorder) -> None:
    with pytest.warns(UserWarning, match="sets deck_fields but not enable_deck"):
        fields_only(x=1)
    assert "deck_path" not in recorder.params[-1].attributes


@task
def quiet(x: int) -> int:
    with timeit("outside any deck"):
        return x


def test_timeit_outside_a_deck_only_runs_the_block() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert quiet(x=3) == 3

    @timeit("decorated")
    def f() -> int:
        return 1

    assert f() == 1


def test_a_deck_that_cannot_be_written_is_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    params = ExecutionParameters(task_name=add.name, output_prefix="nowhere-scheme://bucket/x")
    featherkit_deck.plugin.pre_execute(add, params)
    with caplog.at_level(logging.WARNING, logger="featherkit.deck"):
        featherkit_deck.plugin.execution_finished(add, params, 3, None)
    assert "could not be written" in caplog.text
    assert "nowhere-scheme" in caplog.text
    assert "deck_path" not in params.attributes


def test_in_a_container_the_deck_goes_under_the_output_prefix(tmp_path: Path) -> None:
    prefix = tmp_path / "outputs"
    params = ExecutionParameters(task_name=add.name, output_prefix=str(prefix))
    featherkit_deck.plugin.pre_execute(add, params)
    featherkit_deck.plugin.execution_finished(add, params, 3, None)
    assert params.attributes["deck_path"] == str(prefix / "deck.html")
    assert "Input" in (prefix / "deck.html").read_text(encoding="utf-8")
    assert [p.name for p in prefix.iterdir()] == ["deck.html"]  # no temporary file left


def test_featherkit_run_prints_the_deck_path(tmp_path: Path) -> None:
    source = tmp_path / "flow.py"
    source.write_text(textwrap.dedent("""
        from featherkit import task

        @task(enable_deck=True)
        def hello(name: str) -> str:
            return "hello " + name
    """))
    result = subprocess.run(
        [sys.executable, "-m", "featherkit.cli", "run", str(source), "hello", "--name", "<b>"],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "FEATHERKIT_STRICT_PLUGINS": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert "hello <b>" in result.stdout
    match = re.search(r"deck written to (\S+deck\.html)", result.stderr)
    assert match, result.stderr
    assert "hello &lt;b&gt;" in Path(match.group(1)).read_text(encoding="utf-8")
