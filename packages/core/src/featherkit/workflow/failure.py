"""Failure handling: ``@workflow(on_failure=handler)`` and the failure node ``fn0``.

::

    @task
    def clean_up(run_id: str, err: Optional[FlyteError] = None) -> None: ...

    @workflow(on_failure=clean_up)
    def pipeline(run_id: str) -> int: ...

The handler is a task or a workflow whose inputs are the workflow's (same names and types)
plus, optionally, more inputs of ``Optional`` types: ``err: Optional[FlyteError]`` receives
the failed node's id and the error message. It is compiled once, with the workflow, into the
failure node ``fn0`` (``WorkflowTemplate.failure_node``, as flytekit writes it).

Locally, when a node fails, the handler runs with the workflow's inputs and the error, then the
workflow's error is raised (a failing handler raises its own error, chained to the
workflow's). ``failure_policy=WorkflowFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE``
lets the nodes that do not depend on the failed one finish first, locally and on a cluster.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from featherkit import context
from featherkit.workflow.promise import Promise, WorkflowCompileError, node_of, type_name

if TYPE_CHECKING:
    from featherkit.workflow.node import Node
    from featherkit.workflow.runner import Run, WorkflowExecutionError
    from featherkit.workflow.workflow import WorkflowBase

FAILURE_PREFIX = "f"
ERROR_INPUT = "err"


def _is_optional(tp: Any) -> bool:
    import types

    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is getattr(types, "UnionType", None):
        return type(None) in typing.get_args(tp)
    return tp is None or tp is type(None)


def check_handler(workflow: WorkflowBase, handler: Any) -> None:
    """The handler's inputs must be the workflow's plus optional ones (flytekit's rule)."""
    from featherkit.base_task import Task

    where = f"workflow {workflow.name!r}, on_failure"
    # a workflow is the entity whose node kind is "workflow" (WorkflowBase and subclasses):
    # the workflow module sits above this one, so it is known by its node-kind key
    is_workflow = getattr(type(handler), "_node_kind", None) == "workflow"
    if not (isinstance(handler, Task) or is_workflow):
        raise WorkflowCompileError(
            f"{where}: the failure handler must be a task or a workflow, got "
            f"{type(handler).__name__} {handler!r}"
        )
    theirs = handler.python_interface.inputs
    ours = workflow.python_interface.inputs
    missing = [n for n in ours if n not in theirs]
    wrong = [n for n in ours if n in theirs and theirs[n] != ours[n]]
    extra = [n for n in theirs if n not in ours and not _is_optional(theirs[n])]
    if missing or wrong or extra:
        problems = []
        if missing:
            problems.append(f"it lacks the workflow's input(s) {', '.join(missing)}")
        if wrong:
            problems.append(
                "; ".join(
                    f"input {n!r} is {type_name(theirs[n])} in the handler and "
                    f"{type_name(ours[n])} in the workflow"
                    for n in wrong
                )
            )
        if extra:
            problems.append(
                f"its extra input(s) {', '.join(extra)} are not Optional (only Optional extra "
                f"inputs are allowed, e.g. {ERROR_INPUT}: Optional[FlyteError] = None)"
            )
        raise WorkflowCompileError(
            f"{where}: handler {handler.name!r} does not fit: {'; '.join(problems)}. Its "
            "inputs must be the workflow's (same names and types) plus Optional ones"
        )


def compile_failure_node(workflow: WorkflowBase, handler: Any) -> Node:
    """Compile the call of ``handler`` into the failure node ``fn0``."""
    from featherkit.workflow.compiler import CompileState

    check_handler(workflow, handler)
    state = CompileState(workflow.name, prefix=FAILURE_PREFIX)
    inputs: dict[str, Any] = {
        name: Promise(workflow.name, None, name, tp)
        for name, tp in workflow.python_interface.inputs.items()
    }
    iface = handler.python_interface
    for name in iface.inputs:
        if name not in inputs and name not in iface.defaults:
            inputs[name] = None  # an Optional input without a default: bound to None
    token = context.compiling.set(state)
    try:
        result = handler(**inputs)
    finally:
        context.compiling.reset(token)
    node = node_of(result) or (state.nodes[-1] if state.nodes else None)
    if node is None or len(state.nodes) != 1:
        raise WorkflowCompileError(
            f"workflow {workflow.name!r}, on_failure: the failure handler must be one task or "
            "workflow call"
        )
    return node


async def run_failure_node(
    workflow: WorkflowBase,
    results: Mapping[str, Mapping[str, Any]],
    failure: WorkflowExecutionError,
    run: Run,
    error_class: type[WorkflowExecutionError],
) -> None:
    """Run the failure handler locally with the workflow's inputs and the error.

    A failing handler raises ``error_class`` (the runner's :class:`WorkflowExecutionError`,
    passed in as the runner sits above this module), chained to the workflow's error.
    """
    import asyncio
    import contextvars
    import functools

    from featherkit.flyte_error import FlyteError
    from featherkit.workflow.node import node_inputs

    node = workflow.failure_node
    assert node is not None
    kwargs = node_inputs(node, results)
    if ERROR_INPUT in node.interface.inputs:
        kwargs[ERROR_INPUT] = FlyteError(
            message=f"{type(failure.original).__name__}: {failure.original}",
            failed_node_id=failure.node_id,
        )
    kind = node.kind
    try:
        if kind.is_async(node):
            await kind.run_async(node, kwargs, run)
        else:
            loop = asyncio.get_running_loop()
            call = functools.partial(kind.run_sync, node, kwargs, run)
            await loop.run_in_executor(run.pool(), contextvars.copy_context().run, call)
    except Exception as exc:
        raise error_class(workflow.name, node, exc) from failure


__all__ = ["check_handler", "compile_failure_node", "run_failure_node"]
