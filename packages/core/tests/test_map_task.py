"""map_task: its interface and name, the local parallel run, partial failures, and the pod run."""

from __future__ import annotations

import functools
import sys
import threading
import time
from pathlib import Path
from typing import NamedTuple, Optional

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "control"
if str(FIXTURES) not in sys.path:
    sys.path.insert(0, str(FIXTURES))

import ctl_tasks  # noqa: E402

from featherkit import task  # noqa: E402
from featherkit.errors import TaskInputError  # noqa: E402
from featherkit.map_resolver import ArrayElement, MapTaskResolver, array_index  # noqa: E402
from featherkit.testing.pod import run_in_pod  # noqa: E402
from featherkit.workflow.map_task import MapTask, map_task  # noqa: E402


@task
def inc(x: int) -> int:
    return x + 1


@task
def maybe_fail(x: int) -> int:
    if x % 2:
        raise ValueError(f"odd {x}")
    return x


@task
def no_output(x: int) -> None:
    pass


def test_interface_name_and_partial() -> None:
    m = ctl_tasks.scaled
    assert isinstance(m, MapTask)
    assert m.python_interface.inputs == {"x": list[int], "factor": int}
    assert m.python_interface.outputs == {"o0": list[int]}
    # the digest is flytekit's: sorted bound inputs, concurrency, min_successes, ratio
    assert m.name.startswith("ctl_tasks.map_scale_") and m.name.endswith("-arraynode")
    assert m.task_type_version == 1
    assert m.bound_inputs == {"factor": 3}
    assert m(x=[1, 2, 3]) == [3, 6, 9]
    assert ctl_tasks.labelled(n=[1, 2], prefix=["a", "b"]) == ["a1", "b2"]


def test_name_digest_matches_flytekit_formula() -> None:
    import hashlib

    expected = hashlib.md5(b"factorNoneNone0.5").hexdigest()
    assert ctl_tasks.tolerant.name == f"ctl_tasks.map_scale_{expected}-arraynode"


def test_partial_failures_become_none_below_ratio_one() -> None:
    m = map_task(maybe_fail, min_success_ratio=0.5)
    assert m.python_interface.outputs == {"o0": list[Optional[int]]}
    assert m(x=[0, 1, 2, 3]) == [0, None, 2, None]


def test_too_many_failures_raise_the_first_error_with_a_note() -> None:
    m = map_task(maybe_fail, min_success_ratio=0.75)
    with pytest.raises(ValueError, match="odd 1") as info:
        m(x=[0, 1, 2, 3])
    notes = getattr(info.value, "__notes__", None)
    if notes is not None:  # Python >= 3.11
        assert "element 1 failed" in notes[0]
        assert "needs 3 of 4 to succeed" in notes[0]
    with pytest.raises(ValueError, match="odd 1"):
        map_task(maybe_fail)(x=[0, 1])


def test_min_successes() -> None:
    m = map_task(maybe_fail, min_successes=2)
    assert m(x=[0, 1, 2]) == [0, None, 2]
    with pytest.raises(ValueError, match="odd"):
        m(x=[1, 3, 2])


def test_elements_run_in_parallel_bounded_by_concurrency() -> None:
    lock = threading.Lock()
    running = [0]
    peak = [0]

    @task
    def slow(x: int) -> int:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.02)
        with lock:
            running[0] -= 1
        return x

    assert map_task(slow, concurrency=3)(x=list(range(9))) == list(range(9))
    assert peak[0] == 3
    peak[0] = 0
    assert map_task(slow, concurrency=1)(x=list(range(4))) == list(range(4))
    assert peak[0] == 1


def test_async_task_elements_share_one_loop() -> None:
    import asyncio

    @task
    async def adouble(x: int) -> int:
        await asyncio.sleep(0.01)
        return 2 * x

    assert map_task(adouble, concurrency=2)(x=[1, 2, 3]) == [2, 4, 6]

    async def inside_a_loop() -> list[int]:
        result: list[int] = await map_task(adouble)(x=[4, 5])
        return result

    assert asyncio.run(inside_a_loop()) == [8, 10]


def test_no_output_and_empty_list() -> None:
    assert map_task(no_output)(x=[1, 2]) is None
    assert map_task(inc)(x=[]) == []


class Two(NamedTuple):
    a: int
    b: int


def test_errors_at_definition() -> None:
    @task
    def two(x: int) -> Two:
        return Two(x, x)

    with pytest.raises(ValueError, match=r"2 outputs \(a, b\); a mapped task may have at most one"):
        map_task(two)
    with pytest.raises(TypeError, match="needs a featherkit task"):
        map_task(lambda x: x)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="binds 1 positional argument"):
        map_task(functools.partial(inc, 1))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"binds unknown input.*y.*inputs are: x"):
        map_task(functools.partial(inc, y=1))
    with pytest.raises(ValueError, match="every input is bound"):
        map_task(functools.partial(inc, x=1))
    with pytest.raises(ValueError, match="min_success_ratio must be between 0 and 1"):
        map_task(inc, min_success_ratio=1.5)
    with pytest.raises(ValueError, match="concurrency must not be negative"):
        map_task(inc, concurrency=-1)
    with pytest.raises(TypeError, match="only a plain task can be mapped"):
        map_task(map_task(inc))  # type: ignore[arg-type]


def test_mapped_lists_of_different_lengths() -> None:
    with pytest.raises(TaskInputError, match="lists of one length; n has 2, prefix has 1"):
        ctl_tasks.labelled(n=[1, 2], prefix=["a"])


def test_array_index_from_the_environment() -> None:
    env = {"BATCH_JOB_ARRAY_INDEX_VAR_NAME": "FLYTE_K8S_ARRAY_INDEX", "FLYTE_K8S_ARRAY_INDEX": "2"}
    assert array_index(env) == 2
    assert array_index({**env, "BATCH_JOB_ARRAY_INDEX_OFFSET": "10"}) == 12
    with pytest.raises(TaskInputError, match="BATCH_JOB_ARRAY_INDEX_VAR_NAME is not set"):
        array_index({})
    with pytest.raises(TaskInputError, match="names 'FLYTE_K8S_ARRAY_INDEX', which is not set"):
        array_index({"BATCH_JOB_ARRAY_INDEX_VAR_NAME": "FLYTE_K8S_ARRAY_INDEX"})
    with pytest.raises(TaskInputError, match="is not an integer"):
        array_index({**env, "FLYTE_K8S_ARRAY_INDEX": "x"})


def test_loader_args_and_loading() -> None:
    from featherkit.testing.pod import default_settings

    resolver = MapTaskResolver()
    args = resolver.loader_args(default_settings(), ctl_tasks.scaled)
    assert args == [
        "vars", "factor", "resolver", "featherkit.resolvers.module",
        "task-module", "ctl_tasks", "task-name", "scale",
    ]
    element = resolver.load_task(args)
    assert isinstance(element, ArrayElement)
    assert element.mapped_task is ctl_tasks.scale
    assert element.python_interface.inputs == {"x": list[int], "factor": int}
    with pytest.raises(Exception, match="expects loader args 'vars <bound inputs> resolver"):
        resolver.load_task(["task-module", "ctl_tasks"])
    with pytest.raises(Exception, match=r"bound input.*nope.*are not inputs"):
        resolver.load_task(["vars", "nope", *args[2:]])


POD_ENV = {"BATCH_JOB_ARRAY_INDEX_VAR_NAME": "FLYTE_K8S_ARRAY_INDEX"}


def test_pod_runs_the_element_at_the_array_index(tmp_path: Path) -> None:
    inputs = {"x": [5, 6, 7], "factor": 3}
    run = run_in_pod(
        ctl_tasks.scaled, tmp_path / "one", inputs, env={**POD_ENV, "FLYTE_K8S_ARRAY_INDEX": "1"}
    )
    assert run.returncode == 0, run.stderr
    assert run.args[run.args.index("--resolver") + 1] == "featherkit.resolvers.map"
    literals = run.output_literals()
    assert literals is not None
    assert ctl_tasks.scale.literals_to_outputs(literals) == 18
    run = run_in_pod(
        ctl_tasks.scaled,
        tmp_path / "offset",
        inputs,
        env={**POD_ENV, "FLYTE_K8S_ARRAY_INDEX": "0", "BATCH_JOB_ARRAY_INDEX_OFFSET": "2"},
    )
    literals = run.output_literals()
    assert literals is not None
    assert ctl_tasks.scale.literals_to_outputs(literals) == 21


def test_pod_element_errors(tmp_path: Path) -> None:
    from flyteidl.core import execution_pb2

    run = run_in_pod(
        ctl_tasks.scaled, tmp_path / "user", {"x": [1, -1], "factor": 3},
        env={**POD_ENV, "FLYTE_K8S_ARRAY_INDEX": "1"},
    )
    error = run.error()
    assert error is not None and error.code == "USER:ValueError"
    assert error.origin == execution_pb2.ExecutionError.USER
    assert "negative input -1" in error.message
    run = run_in_pod(
        ctl_tasks.scaled, tmp_path / "range", {"x": [1], "factor": 3},
        env={**POD_ENV, "FLYTE_K8S_ARRAY_INDEX": "4"},
    )
    error = run.error()
    assert error is not None and error.origin == execution_pb2.ExecutionError.SYSTEM
    assert "array index 4 is outside input 'x', which has 1 element(s)" in error.message


def test_map_task_node_in_a_workflow() -> None:
    from featherkit import workflow
    from featherkit.serialization import SerializationSettings
    from featherkit.workflow.serialize import registration_order, workflow_template

    @workflow
    def wf(xs: list[int]) -> list[Optional[int]]:
        return map_task(maybe_fail, concurrency=2, min_successes=1)(x=xs)

    assert wf(xs=[0, 1, 2]) == [0, None, 2]
    with pytest.raises(Exception, match="odd 1"):
        wf(xs=[1, 3])
    settings = SerializationSettings(image="img:1", version="v1", project="p", domain="d")
    node = workflow_template(wf, settings).nodes[0]
    array = node.array_node
    assert array.parallelism == 2 and array.min_successes == 1
    assert not array.HasField("min_success_ratio")
    assert array.execution_mode == 0  # MINIMAL_STATE for a plain function task
    assert array.is_original_sub_node_interface.value is False
    assert list(array.bound_inputs) == []
    assert array.node.id.endswith("-arraynode") and array.node.id == node.metadata.name
    assert array.node.task_node.reference_id.name == array.node.id
    assert [b.var for b in array.node.inputs] == ["x"]
    names = [e.name for e in registration_order([wf])]
    assert array.node.id in names and maybe_fail.name not in names
