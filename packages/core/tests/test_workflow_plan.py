"""The cache plan of a workflow: per node, cache hit or run, and why, before running anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from featherkit import LaunchPlan, task, workflow
from featherkit.workflow.plan import HIT, RUN, plan, render

RUNS: list[str] = []


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("FEATHERKIT_CACHE", "FEATHERKIT_CACHE_OVERWRITE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FEATHERKIT_CACHE_DIR", str(tmp_path / "cache"))
    RUNS.clear()


@task(cache=True, cache_version="1")
def double(x: int) -> int:
    RUNS.append("double")
    return 2 * x


@task(cache=True, cache_version="1")
def square(x: int) -> int:
    RUNS.append("square")
    return x * x


@task
def show(x: int) -> str:
    RUNS.append("show")
    return str(x)


@workflow
def inner(x: int) -> int:
    return square(x=x)


@workflow
def outer(x: int) -> str:
    d = double(x=x)
    s = square(x=d)
    return show(x=inner(x=s))


def _table(entity: object, **inputs: int) -> dict[str, tuple[str, str]]:
    return {p.path: (p.status, p.reason) for p in plan(entity, inputs)}


def test_plan_runs_nothing_and_says_why() -> None:
    before = _table(outer, x=3)
    assert not RUNS
    assert list(before) == ["n0", "n1", "n2", "n2/n0", "n3"]
    assert before["n0"] == (RUN, "no stored entry for this task yet")
    assert before["n1"] == (RUN, "its inputs come from n0, which will run first")
    assert before["n2"] == (RUN, "its inputs come from n1, which will run first")
    assert before["n3"][1] == "its inputs come from n2, which will run first"


def test_plan_follows_cache_hits_through_the_graph() -> None:
    assert outer(x=3) == "1296"
    after = _table(outer, x=3)
    assert after["n0"][0] == HIT and after["n0"][1].startswith("stored entry ")
    assert after["n1"][0] == HIT  # its input comes from n0's stored output
    assert after["n2"] == (HIT, "every node is a cache hit")
    assert after["n2/n0"][0] == HIT
    assert after["n3"] == (RUN, "not cached (cache=False)")
    changed = _table(outer, x=4)
    status, reason = changed["n0"]
    assert status == RUN
    assert reason == "no entry for these inputs; nearest entry differs in input x: cached 3, now 4"
    text = render(plan(outer, {"x": 3}))
    assert text.splitlines()[-1] == "4 of 5 node(s) are cache hits, 1 will run"


def test_plan_of_a_launch_plan_and_switches(monkeypatch: pytest.MonkeyPatch) -> None:
    fixed = LaunchPlan.get_or_create(outer, name="plan.fixed", fixed_inputs={"x": 2})
    fixed()
    assert _table(fixed)["n0"][0] == HIT
    monkeypatch.setenv("FEATHERKIT_CACHE", "off")
    assert _table(fixed)["n0"][1].startswith("the cache is off")
    monkeypatch.setenv("FEATHERKIT_CACHE", "on")
    monkeypatch.setenv("FEATHERKIT_CACHE_OVERWRITE", "1")
    assert _table(fixed)["n0"][1].startswith("the cache is being overwritten")
