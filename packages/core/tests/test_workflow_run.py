"""Local run of a compiled workflow: order, concurrency, failures, async, cache, launch plans."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest

from featherkit import LaunchPlan, WorkflowExecutionError, task, workflow
from featherkit.errors import TaskInputError
from featherkit.workflow import WorkflowFailurePolicy

EVENTS: list[str] = []
LOCK = threading.Lock()


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("FEATHERKIT_CACHE", raising=False)
    monkeypatch.setenv("FEATHERKIT_CACHE_DIR", str(tmp_path / "cache"))
    EVENTS.clear()


def log(event: str) -> None:
    with LOCK:
        EVENTS.append(event)


BARRIER = threading.Barrier(3, timeout=10)


@task
def meet(i: int) -> int:
    BARRIER.wait()  # only returns once three nodes run at the same time
    return i


@task
def gather(xs: list[int]) -> int:
    return sum(xs)


@workflow
def fan_out() -> int:
    return gather(xs=[meet(i=1), meet(i=2), meet(i=3)])


def test_ready_nodes_run_concurrently_in_threads() -> None:
    BARRIER.reset()
    assert fan_out() == 6


@task
def stamp(label: str, pause: float) -> float:
    start = time.monotonic()
    time.sleep(pause)
    log(label)
    return start


@task
def total_of(xs: list[float]) -> int:
    return len(xs)


@workflow
def four(pause: float = 0.05) -> int:
    return total_of(xs=[stamp(label=f"s{i}", pause=pause) for i in range(4)])


def test_max_parallelism_one_runs_one_node_at_a_time_with_equal_results() -> None:
    parallel = four.run({"pause": 0.0})
    sequential = four.run({"pause": 0.05}, max_parallelism=1)
    assert parallel == sequential == 4
    assert EVENTS[-4:] == ["s0", "s1", "s2", "s3"]  # one at a time, in node order


@task
def starts(label: str) -> float:
    log(label)
    return time.monotonic()


@workflow
def ordered() -> None:
    first = starts(label="first")
    second = starts(label="second")
    third = starts(label="third")
    third >> second
    second >> first


def test_rshift_orders_nodes_without_a_data_edge() -> None:
    ordered()
    assert EVENTS == ["third", "second", "first"]


@task
def boom(x: int) -> int:
    raise ValueError(f"bad {x}")


@task
def slow(x: int) -> int:
    time.sleep(0.1)
    log(f"slow {x}")
    return x


@task
def after(x: int) -> int:
    log(f"after {x}")
    return x


@workflow
def failing(x: int) -> int:
    running = slow(x=x)
    broken = boom(x=x)
    after(x=broken)
    return after(x=running)


def test_failure_stops_dependents_lets_running_finish_and_names_node_and_task() -> None:
    with pytest.raises(WorkflowExecutionError) as info:
        failing(x=1)
    error = info.value
    assert str(error) == (
        f"workflow '{__name__}.failing' failed at node n1 (task '{__name__}.boom'): "
        "ValueError: bad 1"
    )
    assert (error.workflow, error.node_id, error.entity) == (
        f"{__name__}.failing", "n1", f"{__name__}.boom"
    )
    assert isinstance(error.original, ValueError) and error.__cause__ is error.original
    assert "slow 1" in EVENTS  # the running node finished
    assert not any(e.startswith("after") for e in EVENTS)  # nothing after the failure started


@workflow(failure_policy=WorkflowFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE)
def failing_late(x: int) -> int:
    running = slow(x=x)
    broken = boom(x=x)
    after(x=broken)
    return after(x=running)


def test_fail_after_executable_nodes_complete_runs_independent_nodes() -> None:
    with pytest.raises(WorkflowExecutionError, match="node n1"):
        failing_late(x=2)
    assert "after 2" in EVENTS  # independent of the failure: ran
    assert EVENTS.count("after 2") == 1  # the dependent of the failed node did not


@workflow
def inner_failing(x: int) -> int:
    return boom(x=x)


@workflow
def outer_failing(x: int) -> int:
    return after(x=inner_failing(x=x))


def test_failure_inside_a_subworkflow_names_both_levels() -> None:
    with pytest.raises(WorkflowExecutionError) as info:
        outer_failing(x=3)
    assert str(info.value) == (
        f"workflow '{__name__}.outer_failing' failed at node n0 (workflow "
        f"'{__name__}.inner_failing'): workflow '{__name__}.inner_failing' failed at node n0 "
        f"(task '{__name__}.boom'): ValueError: bad 3"
    )
    assert isinstance(info.value.original, ValueError)


LOOPS: set[int] = set()


@task
async def nap(i: int) -> int:
    LOOPS.add(id(asyncio.get_running_loop()))
    await asyncio.sleep(0.05)
    return i


@task
def plus(a: int, b: int) -> int:
    return a + b


@workflow
def async_fan() -> int:
    a, b, c, d = (nap(i=i) for i in range(4))
    return plus(a=plus(a=a, b=b), b=plus(a=c, b=d))


def test_async_tasks_share_one_event_loop_and_overlap() -> None:
    LOOPS.clear()
    start = time.monotonic()
    assert async_fan() == 6
    assert time.monotonic() - start < 0.18  # four 50 ms naps overlapped
    assert len(LOOPS) == 1


def test_awaitable_from_async_code_without_blocking_the_loop() -> None:
    async def main() -> tuple[int, int]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            for _ in range(5):
                await asyncio.sleep(0.01)
                ticks += 1

        result, _ = await asyncio.gather(async_fan.run_async(), ticker())
        return result, ticks

    assert asyncio.run(main()) == (6, 5)


def test_sync_call_inside_a_running_loop_like_a_notebook() -> None:
    async def cell() -> int:
        result: int = async_fan()  # a notebook cell calls it synchronously
        return result

    assert asyncio.run(cell()) == 6


def test_inputs_are_checked_filled_and_named() -> None:
    assert four() == 4  # default filled
    with pytest.raises(TaskInputError, match=f"workflow '{__name__}.four' got unknown input"):
        four(nope=1)
    with pytest.raises(TaskInputError, match="is missing input 'x'"):
        failing()
    with pytest.raises(TaskInputError, match="input 'x': expected int, received str"):
        failing(x="one")
    with pytest.raises(TaskInputError, match="keyword arguments only"):
        failing(1)


RUNS: list[int] = []


@task(cache=True, cache_version="1")
def cached_square(n: int) -> int:
    RUNS.append(n)
    return n * n


@workflow
def squares(n: int) -> int:
    return plus(a=cached_square(n=n), b=cached_square(n=n))


def test_each_node_goes_through_the_task_cache() -> None:
    RUNS.clear()
    assert squares.run({"n": 3}, max_parallelism=1) == 18
    assert RUNS == [3]  # the second node hit the entry the first one stored
    assert squares(n=3) == 18
    assert RUNS == [3]  # and so did both nodes of the second run


@task
def f_task(n: int, prefix: str) -> str:
    return f"{prefix}{n}"


@workflow
def base(a: int, prefix: str = "n=") -> str:
    return f_task(n=plus(a=a, b=10), prefix=prefix)


def test_launch_plans_locally_and_as_nodes() -> None:
    default = LaunchPlan.get_or_create(base)
    assert default is LaunchPlan.get_default_launch_plan(base)
    assert default.name == base.name
    assert default(a=1) == "n=11"
    fixed = LaunchPlan.get_or_create(
        base, name="run.fixed", fixed_inputs={"a": 3}, default_inputs={"prefix": "v="}
    )
    assert fixed() == "v=13"
    assert fixed(prefix="w") == "w13"
    with pytest.raises(TaskInputError, match="'a' are fixed"):
        fixed(a=1)

    @workflow
    def uses_plans(a: int) -> list[str]:
        return [fixed(), fixed(prefix="q"), default(a=a)]

    assert uses_plans(a=0) == ["v=13", "q13", "n=10"]
    assert LaunchPlan.get_or_create(
        base, name="run.fixed", fixed_inputs={"a": 3}, default_inputs={"prefix": "v="}
    ) is fixed


def test_launch_plan_errors() -> None:
    from featherkit.workflow import LaunchPlanError

    LaunchPlan.get_or_create(base, name="run.once", fixed_inputs={"a": 1})
    with pytest.raises(LaunchPlanError, match=r"'run\.once' already exists with other settings"):
        LaunchPlan.get_or_create(base, name="run.once", fixed_inputs={"a": 2})
    with pytest.raises(LaunchPlanError, match=r"unknown input\(s\) 'b' of workflow"):
        LaunchPlan.get_or_create(base, name="run.bad", fixed_inputs={"b": 2})
    with pytest.raises(LaunchPlanError, match="input 'a': expected int, received str"):
        LaunchPlan.get_or_create(base, name="run.badtype", default_inputs={"a": "x"})
    with pytest.raises(LaunchPlanError, match="both fixed and defaulted"):
        LaunchPlan.get_or_create(
            base, name="run.both", default_inputs={"a": 1}, fixed_inputs={"a": 1}
        )


def test_a_reimported_module_makes_its_launch_plans_again() -> None:
    def define() -> tuple[object, LaunchPlan]:
        @workflow
        def again(a: int) -> int:
            return plus(a=a, b=1)

        plan = LaunchPlan.get_or_create(again, name="run.again", fixed_inputs={"a": 1})
        return again, plan

    first_wf, first = define()
    second_wf, second = define()  # as a second import of the module would
    assert first.workflow is first_wf and second.workflow is second_wf
    assert LaunchPlan.get_or_create(
        second_wf, name="run.again", fixed_inputs={"a": 1}  # type: ignore[arg-type]
    ) is second
    assert LaunchPlan.get_default_launch_plan(second_wf).workflow is second_wf  # type: ignore[arg-type]
    assert second() == 2


def test_cache_options_reach_nodes_in_worker_threads() -> None:
    from featherkit.cache import cache_options

    RUNS.clear()
    squares(n=4)
    assert len(RUNS) in (1, 2)  # the two nodes may run at once and both miss
    before = len(RUNS)
    with cache_options(enabled=False):
        assert squares(n=4) == 32
    assert len(RUNS) == before + 2  # both nodes ran their body


def test_run_and_run_async_take_inputs_as_keywords_or_a_mapping() -> None:
    assert squares.run(n=3) == squares.run({"n": 3}) == 18

    async def main() -> tuple[int, int]:
        return await squares.run_async(n=2), await squares.run_async({"n": 2})

    assert asyncio.run(main()) == (8, 8)
    with pytest.raises(TaskInputError, match="as a mapping or as keywords, not both"):
        squares.run({"n": 1}, n=2)
