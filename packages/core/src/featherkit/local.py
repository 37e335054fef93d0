"""Running a task in this process: a call of the task object ends up here.

Native inputs become literals, the cache is consulted when the task asks for it, the task runs
through ``dispatch_execute``, and the output literals become native values for the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from featherkit import plugins
from featherkit.context import ExecutionParameters, local_parameters
from featherkit.errors import IgnoreOutputs, UserCodeError

if TYPE_CHECKING:
    from flyteidl.core import literals_pb2

    from featherkit.base_task import Task


#: attribute set on an exception a task's own code raised in a local run: the task's name
RAISED_BY = "_featherkit_raised_by"


def raised_by(exc: BaseException) -> str | None:
    """The name of the task whose own code raised ``exc`` in a local run, if one did."""
    name = getattr(exc, RAISED_BY, None)
    return name if isinstance(name, str) else None


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
    params = local_parameters(task.name)
    return _cached_or_direct(task, params, lambda: task.dispatch_execute(params, inputs), inputs)


async def _run_async(task: Task, inputs: literals_pb2.LiteralMap) -> Any:
    params = local_parameters(task.name)
    outputs = None
    if task.metadata.cache:
        # the cache is synchronous (it may hold a lock while the body runs), so the cached
        # path runs in a worker thread, where dispatch_execute runs its own event loop
        def compute() -> literals_pb2.LiteralMap:
            return task.dispatch_execute(params, inputs)

        import asyncio

        return await asyncio.to_thread(_cached_or_direct, task, params, compute, inputs)
    with _reporting(task, params):
        outputs = await task.dispatch_execute_async(params, inputs)
    return None if outputs is None else task.literals_to_outputs(outputs)


_call_cached: Any = None


def _cached_or_direct(
    task: Task,
    params: ExecutionParameters,
    compute: Callable[[], literals_pb2.LiteralMap],
    inputs: literals_pb2.LiteralMap,
) -> Any:
    """The native outputs of the call (``None`` for none, or after ``IgnoreOutputs``).

    :func:`_reporting`, inlined: this is every call's path, and a generator-based context
    manager cost more than the rest of the glue together.
    """
    global _call_cached
    cached = task.metadata.cache
    try:
        if cached:
            if _call_cached is None:
                from featherkit.cache.runner import call_cached

                _call_cached = call_cached
            # the cache converts a stored entry itself: one that no longer converts is a miss
            native = _call_cached(task, inputs, compute)
        else:
            outputs = compute()
    except IgnoreOutputs:
        _report(task, params, None, None)
        return None
    except UserCodeError as exc:
        _report(task, params, None, exc.original)
        try:  # so that `featherkit run` can name the task that raised it
            exc.original.__dict__.setdefault(RAISED_BY, task.name)
        except (AttributeError, TypeError):  # an exception object without a __dict__
            pass
        raise exc.original from None
    except BaseException as exc:
        _report(task, params, None, exc)
        raise
    _report(task, params, params.attributes.get("native_outputs"), None)
    if cached:
        return native
    return None if outputs is None else task.literals_to_outputs(outputs)


@contextmanager
def _reporting(task: Task, params: ExecutionParameters) -> Iterator[None]:
    """Tell plugins the execution ended; swallow IgnoreOutputs (no outputs), unwrap user errors.

    (:func:`_cached_or_direct` does the same inline.)
    """
    try:
        yield
    except BaseException as exc:
        failed(task, params, exc)
    else:
        _report(task, params, params.attributes.get("native_outputs"), None)


def failed(task: Task, params: ExecutionParameters, exc: BaseException) -> None:
    """An execution that raised ``exc`` ended: tell plugins, and return ``None`` (no outputs)
    for ``IgnoreOutputs``, else raise what the caller sees (the user's own exception for a
    :class:`UserCodeError`). Called while ``exc`` is being handled."""
    if isinstance(exc, IgnoreOutputs):
        _report(task, params, None, None)
        return
    if isinstance(exc, UserCodeError):
        _report(task, params, None, exc.original)
        try:  # so that `featherkit run` can name the task that raised it
            exc.original.__dict__.setdefault(RAISED_BY, task.name)
        except (AttributeError, TypeError):  # an exception object without a __dict__
            pass
        raise exc.original from None
    _report(task, params, None, exc)
    raise exc


def _report(
    task: Task, params: ExecutionParameters, outputs: Any, error: BaseException | None
) -> None:
    # (a no-op without execution_finished implementations: the facade's list is empty)
    plugins.hooks().execution_finished(task, params, outputs, error)
