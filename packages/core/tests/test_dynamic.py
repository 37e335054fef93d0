"""@dynamic: the graph built from the actual inputs, run locally and written as a pod does."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "control"
if str(FIXTURES) not in sys.path:
    sys.path.insert(0, str(FIXTURES))

import ctl_tasks  # noqa: E402
from flyteidl.core import execution_pb2  # noqa: E402

from featherkit import DynamicTask, conditional, dynamic, serialize, task, workflow  # noqa: E402
from featherkit.serialization import SerializationSettings  # noqa: E402
from featherkit.testing.pod import run_in_pod  # noqa: E402
from featherkit.workflow import WorkflowCompileError  # noqa: E402
from featherkit.workflow.dynamic import (  # noqa: E402
    SETTINGS_ENV,
    dynamic_job_spec,
    settings_from_env,
    settings_to_json,
)

SETTINGS = SerializationSettings(
    image="img:1", version="v7", project="p", domain="d", env={"A": "1"},
    extra={"task_resolver": "featherkit.resolvers.module", "not_json": object()},
)


@task
def inc(x: int) -> int:
    return x + 1


@dynamic
def chain(n: int) -> int:
    value = inc(x=0)
    for _ in range(n - 1):
        value = inc(x=value)
    return value


@dynamic(retries=2)
def branchy(n: int, limit: int) -> int:
    doubled = ctl_tasks.double(n=n)
    return conditional("big").if_(doubled > limit).then(inc(x=doubled)).else_().then(
        ctl_tasks.double(n=doubled)
    )


def test_local_run_compiles_with_the_actual_inputs() -> None:
    assert isinstance(chain, DynamicTask) and chain.metadata.retries == 0
    assert chain(n=5) == 5
    assert ctl_tasks.fan_out(n=3) == [0, 2, 4]
    assert branchy(n=3, limit=5) == 7
    assert branchy(n=2, limit=5) == 8
    assert branchy.metadata.retries == 2


def test_graph_for_zero_and_several_nodes() -> None:
    graph = ctl_tasks.fan_out.compile_graph({"n": 3})
    assert [node.id for node in graph.nodes] == ["dn0", "dn1", "dn2"]
    spec = dynamic_job_spec(graph, SETTINGS)
    assert spec.min_successes == 3
    assert [t.id.name for t in spec.tasks] == ["ctl_tasks.double"]
    assert spec.tasks[0].id.version == "v7"
    assert [b.promise.node_id for b in spec.outputs[0].binding.collection.bindings] == [
        "dn0", "dn1", "dn2"
    ]
    empty = dynamic_job_spec(ctl_tasks.fan_out.compile_graph({"n": 0}), SETTINGS)
    assert type(empty).__name__ == "LiteralMap"
    assert len(empty.literals["o0"].collection.literals) == 0
    constant = dynamic_job_spec(ctl_tasks.maybe_nodes.compile_graph({"n": 0}), SETTINGS)
    assert constant.literals["o0"].scalar.primitive.integer == 7


def test_settings_travel_as_json_in_the_container() -> None:
    template = serialize(chain, SETTINGS)
    env = {kv.key: kv.value for kv in template.container.env}
    assert env["A"] == "1"
    back = settings_from_env(env, "t")
    assert (back.image, back.version, back.project, back.domain) == ("img:1", "v7", "p", "d")
    assert back.env == {"A": "1"}
    assert back.extra == {"task_resolver": "featherkit.resolvers.module"}
    assert settings_to_json(back) == env[SETTINGS_ENV]
    plain = {kv.key for kv in serialize(inc, SETTINGS).container.env}
    assert SETTINGS_ENV not in plain
    with pytest.raises(WorkflowCompileError, match=f"{SETTINGS_ENV} is not set"):
        settings_from_env({}, "t")
    with pytest.raises(WorkflowCompileError, match="does not hold serialization settings"):
        settings_from_env({SETTINGS_ENV: "{"}, "t")


def test_dynamic_inside_a_workflow() -> None:
    @workflow
    def outer(n: int) -> list[int]:
        return ctl_tasks.fan_out(n=n)

    assert outer(n=2) == [0, 2]


def test_errors_in_the_body() -> None:
    @dynamic
    def uses_bool(n: int) -> int:
        value = inc(x=n)
        if value:
            return value
        return n

    with pytest.raises(WorkflowCompileError, match="used as a bool"):
        uses_bool(n=1)
    with pytest.raises(ValueError, match="must not be negative"):
        ctl_tasks.maybe_nodes(n=-1)
    with pytest.raises(TypeError, match="task_config is not supported"):
        dynamic(task_config=object())(lambda n: n)


def test_pod_writes_futures_for_nodes(tmp_path: Path) -> None:
    run = run_in_pod(ctl_tasks.fan_out, tmp_path, {"n": 2})
    assert run.returncode == 0, run.stderr
    assert not run.written("outputs.pb")
    spec = run.dynamic_job()
    assert spec is not None
    assert [n.id for n in spec.nodes] == ["dn0", "dn1"]
    assert spec.min_successes == 2
    assert [t.id.name for t in spec.tasks] == ["ctl_tasks.double"]
    assert spec.tasks[0].id.version == "test"  # the version it was serialized with


def test_pod_writes_outputs_without_nodes(tmp_path: Path) -> None:
    run = run_in_pod(ctl_tasks.maybe_nodes, tmp_path, {"n": 0})
    assert run.returncode == 0, run.stderr
    assert not run.written("futures.pb")
    assert run.outputs() == 7


def test_pod_reports_the_body_error_as_a_user_error(tmp_path: Path) -> None:
    run = run_in_pod(ctl_tasks.maybe_nodes, tmp_path, {"n": -1})
    error = run.error()
    assert error is not None
    assert error.origin == execution_pb2.ExecutionError.USER
    assert error.code == "USER:ValueError"
    assert "must not be negative" in error.message


def test_pod_without_the_settings_variable(tmp_path: Path) -> None:
    run = run_in_pod(ctl_tasks.fan_out, tmp_path, {"n": 2}, env={SETTINGS_ENV: ""})
    error = run.error()
    assert error is not None
    assert SETTINGS_ENV in error.message
