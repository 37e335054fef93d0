"""Running a task in this process: a call of the task object ends up here.

Native inputs become literals, the cache is consulted when the task asks for it, the task runs
through ``dispatch_execute``, and the output literals become native values for the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from featherkit import plugins
from featherkit.base_task import UserCodeError
from featherkit.context import ExecutionParameters
from featherkit.errors import IgnoreOutputs

if TYPE_CHECKING:
    from flyteidl.core import literals_pb2

    from featherkit.base_task import Task


def _in_event_loop() -> bool:
    import asyncio  # asked only for async tasks

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def run(task: Task, kwargs: Mapping[str, Any]) -> Any:
    """Run ``task`` on native ``kwargs``; for an async task inside a loop, return an awaitable."""
    inputs = task.inputs_to_literals(kwargs)
    if getattr(task, "is_async", False) and _in_event_loop():
        return _run_async(task, inputs)
    params = ExecutionParameters(task_name=task.name)
    outputs = _cached_or_direct(task, params, lambda: task.dispatch_execute(params, inputs), inputs)
    return None if outputs is None else task.literals_to_outputs(outputs)


async def _run_async(task: Task, inputs: literals_pb2.LiteralMap) -> Any:
    params = ExecutionParameters(task_name=task.name)
    outputs = None
    if task.metadata.cache:
        # the cache is synchronous (it may hold a lock while the body runs), so the cached
        # path runs in a worker thread, where dispatch_execute runs its own event loop
        def compute() -> literals_pb2.LiteralMap:
            return task.dispatch_execute(params, inputs)

        import asyncio

        outputs = await asyncio.to_thread(_cached_or_direct, task, params, compute, inputs)
    else:
        with _reporting(task, params):
            outputs = await task.dispatch_execute_async(params, inputs)
    return None if outputs is None else task.literals_to_outputs(outputs)


_run_cached: Any = None


def _cached_or_direct(
    task: Task,
    params: ExecutionParameters,
    compute: Callable[[], literals_pb2.LiteralMap],
    inputs: literals_pb2.LiteralMap,
) -> literals_pb2.LiteralMap | None:
    """Run (or look up) the task, then tell plugins it finished: :func:`_reporting`, inlined
    because this is every call's path."""
    global _run_cached
    try:
        if task.metadata.cache:
            if _run_cached is None:
                from featherkit.cache import run_cached

                _run_cached = run_cached
            outputs: literals_pb2.LiteralMap | None = _run_cached(task, inputs, compute)
        else:
            outputs = compute()
    except IgnoreOutputs:
        _report(task, params, None, None)
        return None
    except UserCodeError as exc:
        _report(task, params, None, exc.original)
        raise exc.original from None
    except BaseException as exc:
        _report(task, params, None, exc)
        raise
    _report(task, params, params.attributes.get("native_outputs"), None)
    return outputs


@contextmanager
def _reporting(task: Task, params: ExecutionParameters) -> Iterator[None]:
    """Tell plugins the execution ended; swallow IgnoreOutputs (no outputs), unwrap user errors.

    (:func:`_cached_or_direct` does the same inline.)
    """
    try:
        yield
    except IgnoreOutputs:
        _report(task, params, None, None)
    except UserCodeError as exc:
        _report(task, params, None, exc.original)
        raise exc.original from None
    except BaseException as exc:
        _report(task, params, None, exc)
        raise
    else:
        _report(task, params, params.attributes.get("native_outputs"), None)


def _report(
    task: Task, params: ExecutionParameters, outputs: Any, error: BaseException | None
) -> None:
    facade = plugins.hooks()
    if facade.has_execution_hooks():
        facade.execution_finished(task, params, outputs, error)
