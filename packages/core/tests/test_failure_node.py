"""on_failure: the failure node fn0, its inputs, the local run of the handler, every error."""

from __future__ import annotations

import time
from typing import Optional

import pytest

from featherkit import FlyteError, WorkflowExecutionError, task, workflow
from featherkit.serialization import SerializationSettings
from featherkit.workflow import WorkflowCompileError, WorkflowFailurePolicy
from featherkit.workflow.serialize import registration_order, workflow_spec

SETTINGS = SerializationSettings(image="img:1", version="v1", project="p", domain="d")
SEEN: list[tuple[str, object]] = []


@task
def fragile(n: int) -> int:
    if n > 5:
        raise ValueError(f"too big: {n}")
    return n


@task
def slow(n: int) -> int:
    time.sleep(0.05)
    SEEN.append(("slow", n))
    return n


@task
def handler(n: int, err: Optional[FlyteError] = None) -> None:
    SEEN.append(("handler", (n, err)))


@task
def handler_no_default(n: int, err: Optional[FlyteError]) -> None:
    SEEN.append(("handler_no_default", (n, err)))


@workflow
def cleanup_flow(n: int, err: Optional[FlyteError] = None) -> None:
    handler(n=n, err=err)


@workflow(on_failure=handler)
def guarded(n: int) -> int:
    return fragile(n=n)


def test_handler_runs_with_the_error_then_the_error_is_raised() -> None:
    SEEN.clear()
    assert guarded(n=1) == 1
    assert SEEN == []
    with pytest.raises(WorkflowExecutionError, match="too big: 9") as info:
        guarded(n=9)
    assert isinstance(info.value.original, ValueError)
    (name, (n, err)), = SEEN
    assert (name, n) == ("handler", 9)
    assert err == FlyteError(message="ValueError: too big: 9", failed_node_id="n0")


def test_handler_without_default_and_workflow_handlers() -> None:
    @workflow(on_failure=handler_no_default)
    def one(n: int) -> int:
        return fragile(n=n)

    @workflow(on_failure=cleanup_flow)
    def two(n: int) -> int:
        return fragile(n=n)

    SEEN.clear()
    for wf in (one, two):
        with pytest.raises(WorkflowExecutionError):
            wf(n=7)
    assert [name for name, _ in SEEN] == ["handler_no_default", "handler"]
    spec = workflow_spec(two, SETTINGS)
    assert spec.template.failure_node.workflow_node.sub_workflow_ref.name.endswith("cleanup_flow")
    assert [t.id.name for t in spec.sub_workflows] == [cleanup_flow.name]
    names = [getattr(e, "name", "") for e in registration_order([two])]
    assert names.index(cleanup_flow.name) < names.index(two.name)
    assert handler.name in names


def test_fail_after_executable_nodes_complete() -> None:
    @workflow(failure_policy=WorkflowFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE,
              on_failure=handler)
    def keep_going(n: int) -> int:
        slow(n=n)
        return fragile(n=n)

    SEEN.clear()
    with pytest.raises(WorkflowExecutionError):
        keep_going(n=8)
    assert [name for name, _ in SEEN] == ["slow", "handler"]


def test_wire_form() -> None:
    template = workflow_spec(guarded, SETTINGS).template
    node = template.failure_node
    assert node.id == "fn0"
    assert node.metadata.name == "handler"
    assert [b.var for b in node.inputs] == ["err", "n"]
    assert node.inputs[0].binding.scalar.union.value.scalar.HasField("none_type")
    assert node.inputs[1].binding.promise.var == "n"
    assert node.task_node.reference_id.name == handler.name


def test_handler_that_fails_raises_its_own_error() -> None:
    @task
    def broken(n: int) -> None:
        raise RuntimeError("handler broke")

    @workflow(on_failure=broken)
    def wf(n: int) -> int:
        return fragile(n=n)

    with pytest.raises(WorkflowExecutionError, match="handler broke") as info:
        wf(n=9)
    assert info.value.node_id == "fn0"
    assert isinstance(info.value.__cause__, WorkflowExecutionError)


def test_handler_errors() -> None:
    @task
    def wrong_type(n: str) -> None: ...

    @task
    def missing(m: int) -> None: ...

    @task
    def required_extra(n: int, other: int) -> None: ...

    cases = [
        (wrong_type, "input 'n' is str in the handler and int in the workflow"),
        (missing, "it lacks the workflow's input\\(s\\) n"),
        (required_extra, "extra input\\(s\\) other are not Optional"),
        ("not a task", "must be a task or a workflow"),
    ]
    for bad, message in cases:
        with pytest.raises(WorkflowCompileError, match=message):

            @workflow(on_failure=bad)
            def wf(n: int) -> int:
                return fragile(n=n)


def test_flyte_error_literal() -> None:
    from flyteidl.core import types_pb2

    from featherkit.type_registry import type_engine

    engine = type_engine()
    lt = engine.to_literal_type(FlyteError)
    assert types_pb2.LiteralType(simple=types_pb2.ERROR) == lt
    literal = engine.to_literal(FlyteError("m", "n3"), FlyteError, lt)
    assert literal.scalar.error.message == "m" and literal.scalar.error.failed_node_id == "n3"
    assert engine.to_python_value(literal, FlyteError) == FlyteError("m", "n3")
