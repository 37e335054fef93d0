"""Local run of a compiled workflow: a small scheduler over its nodes, in this process.

Nodes whose inputs are ready run concurrently: async ones as tasks on one event loop, sync
ones in a bounded thread pool (``max_parallelism`` nodes at a time; ``1`` runs them one after
the other). A lone ready node with nothing else running is run inline, without a thread hop,
so a chain costs little more than the calls themselves. Each node runs through the same path
as a direct call of its entity (type checks, cache, hooks).

A failing node stops everything that has not started (Flyte's ``FAIL_IMMEDIATELY``; with
``FAIL_AFTER_EXECUTABLE_NODES_COMPLETE`` nodes not depending on it still run), lets running
nodes finish, and the run raises one :class:`WorkflowExecutionError` naming the workflow, the
node id and the entity, chained to the original exception.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import os
import threading
from collections import deque
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from featherkit.workflow.node import Node, call_outputs, node_inputs
from featherkit.workflow.promise import resolve

if TYPE_CHECKING:
    from featherkit.workflow.workflow import WorkflowBase


def default_parallelism() -> int:
    """Python's own default for I/O-bound pools: ``min(32, cpu count + 4)``."""
    return min(32, (os.cpu_count() or 1) + 4)


class WorkflowExecutionError(Exception):
    """A node of a locally run workflow failed; ``original`` is what the node raised."""

    def __init__(self, workflow: str, node: Node, error: BaseException) -> None:
        self.workflow = workflow
        self.node_id = node.id
        self.entity = getattr(node.entity, "name", repr(node.entity))
        self.error = error
        root = error.original if isinstance(error, WorkflowExecutionError) else error
        self.original: BaseException = root
        detail = (
            str(error)
            if isinstance(error, WorkflowExecutionError)
            else f"{type(error).__name__}: {error}"
        )
        super().__init__(
            f"workflow {workflow!r} failed at node {node.id} ({node.describe()}): {detail}"
        )


class Run:
    """One local execution: its parallelism and the thread pool its sync nodes share."""

    def __init__(self, parallelism: int, shared: Run | None = None) -> None:
        if not isinstance(parallelism, int) or isinstance(parallelism, bool) or parallelism < 1:
            raise ValueError(f"max_parallelism must be a positive int, got {parallelism!r}")
        self.parallelism = parallelism
        self._root: Run = shared._root if shared is not None else self
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def pool(self) -> ThreadPoolExecutor:
        root = self._root
        with root._lock:
            if root._pool is None:
                root._pool = ThreadPoolExecutor(
                    max_workers=max(root.parallelism, 1), thread_name_prefix="featherkit-wf"
                )
            return root._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    async def subworkflow(
        self, workflow: WorkflowBase, inputs: Mapping[str, Any], max_parallelism: int | None = None
    ) -> Any:
        """Run a sub-workflow (or a launch plan's workflow) as one node of this run."""
        child = Run(max_parallelism or workflow.max_parallelism or self.parallelism, self)
        return await execute(workflow, workflow.complete_inputs(inputs), child)


async def execute(workflow: WorkflowBase, inputs: dict[str, Any], run: Run) -> Any:
    """Run ``workflow``'s nodes on complete, checked native ``inputs``; return its result."""
    nodes, waiting_on, dependents = workflow.graph()
    results: dict[str, dict[str, Any]] = {"": inputs}
    remaining = list(waiting_on)
    ready = deque(i for i, count in enumerate(remaining) if count == 0)
    running: dict[asyncio.Future[Any], int] = {}
    failures: list[WorkflowExecutionError] = []
    blocked: set[int] = set()
    keep_going = workflow.continues_after_failure
    loop = asyncio.get_running_loop()

    def finished(index: int, returned: Any) -> None:
        node = nodes[index]
        results[node.id] = call_outputs(node, returned)
        for after in dependents[index]:
            remaining[after] -= 1
            if remaining[after] == 0 and after not in blocked:
                ready.append(after)

    def failed(index: int, error: BaseException) -> None:
        # an error may ask for a wrapper of its own kind (a conditional's fail: a ValueError)
        wrap = getattr(error, "workflow_error_class", WorkflowExecutionError)
        failures.append(wrap(workflow.name, nodes[index], error))
        stack = list(dependents[index])
        while stack:
            after = stack.pop()
            if after not in blocked:
                blocked.add(after)
                stack.extend(dependents[after])

    while ready or running:
        while ready and len(running) < run.parallelism and (keep_going or not failures):
            index = ready.popleft()
            node = nodes[index]
            kind = node.kind
            try:
                kwargs = node_inputs(node, results)
            except Exception as exc:  # an attribute path that does not fit the value
                failed(index, exc)
                continue
            if kind.is_async(node):
                future: asyncio.Future[Any] = asyncio.ensure_future(
                    kind.run_async(node, kwargs, run)
                )
            elif not running and not ready:
                # alone: run inline, no thread hop
                try:
                    returned = kind.run_sync(node, kwargs, run)
                except Exception as exc:
                    failed(index, exc)
                else:
                    finished(index, returned)
                continue
            else:
                call = functools.partial(kind.run_sync, node, kwargs, run)
                future = loop.run_in_executor(run.pool(), contextvars.copy_context().run, call)
            running[future] = index
        if not running:
            break
        done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
        for future in sorted(done, key=lambda f: running[f]):
            index = running.pop(future)
            error = future.exception()
            if error is not None:
                failed(index, error)
            else:
                finished(index, future.result())
    if failures:
        first = failures[0]
        if workflow.failure_node is not None:  # on_failure: the handler runs, then we raise
            from featherkit.workflow.failure import run_failure_node

            await run_failure_node(workflow, results, first, run, WorkflowExecutionError)
        raise first from first.original
    outputs = {name: resolve(b, results) for name, b in workflow.output_bindings.items()}
    return workflow.result_of(outputs)


def _in_running_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def run_workflow(
    workflow: WorkflowBase, inputs: dict[str, Any], max_parallelism: int | None
) -> Any:
    """Run ``workflow`` to completion from synchronous code (a notebook's running loop too)."""
    run = Run(max_parallelism or workflow.max_parallelism or default_parallelism())

    def go() -> Any:
        loop = asyncio.new_event_loop()
        try:
            return loop.run_until_complete(execute(workflow, inputs, run))
        finally:
            loop.close()
            run.close()

    if not _in_running_loop():
        return go()
    # a loop already runs in this thread (a notebook, async code calling synchronously): run
    # ours in a helper thread and wait for it
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="featherkit-wf-loop") as helper:
        return helper.submit(contextvars.copy_context().run, go).result()


async def run_workflow_async(
    workflow: WorkflowBase, inputs: dict[str, Any], max_parallelism: int | None
) -> Any:
    """Run ``workflow`` on the running event loop without blocking it."""
    run = Run(max_parallelism or workflow.max_parallelism or default_parallelism())
    try:
        return await execute(workflow, inputs, run)
    finally:
        pool, run._pool = run._pool, None
        if pool is not None:
            await asyncio.get_running_loop().run_in_executor(None, pool.shutdown)


__all__ = [
    "Run",
    "WorkflowExecutionError",
    "default_parallelism",
    "execute",
    "run_workflow",
    "run_workflow_async",
]
