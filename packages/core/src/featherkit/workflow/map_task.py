"""``map_task``: run one task over the elements of lists, as Flyte's ``ArrayNode`` does.

::

    from functools import partial
    from featherkit import map_task, task

    @task
    def scale(x: int, factor: int) -> int: ...

    scaled = map_task(partial(scale, factor=3), concurrency=4)(x=[1, 2, 3])   # [3, 6, 9]

The map task's interface is the task's with every input that is not bound by
``functools.partial`` turned into a list, and its one output (if any) into a list
(``list[Optional[T]]`` when ``min_success_ratio`` is below 1 or ``min_successes`` is set:
failed elements are ``None``).

**Locally** the elements run in this process in parallel, at most ``concurrency`` at a time
(unbounded, that is one worker per core plus a few, when it is ``None`` or 0): async tasks on
one event loop, others in threads. The map is one execution: the plugin hooks and the cache
(when the mapped task is cached) see the map task, not each element.

**In a pod** Flyte's ``ArrayNode`` runs the mapped task's template once per element, with the
whole lists as inputs; the entrypoint loads the task through the map resolver
(:mod:`featherkit.map_resolver`), which picks the element at the array index Flyte sets (the
variable named by ``BATCH_JOB_ARRAY_INDEX_VAR_NAME``, usually ``FLYTE_K8S_ARRAY_INDEX``, plus
``BATCH_JOB_ARRAY_INDEX_OFFSET``) and writes that element's outputs.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Optional

from featherkit import map_resolver
from featherkit.base_task import PythonTask
from featherkit.errors import TaskInputError
from featherkit.interface import Interface
from featherkit.workflow.node import Node, NodeMetadata, TaskNodeKind, register_node_kind

if TYPE_CHECKING:
    from flyteidl.core import workflow_pb2

    from featherkit.serialization import SerializationSettings
    from featherkit.workflow.compiler import CompileState
    from featherkit.workflow.serialize import SerializeContext

def default_concurrency() -> int:
    """Workers of a local map without a ``concurrency``: cores plus a few (I/O waits)."""
    return min(32, (os.cpu_count() or 1) + 4)


def _check_ratio(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{where}: min_success_ratio must be a number, got {type(value).__name__}")
    if not 0 <= value <= 1:
        raise ValueError(f"{where}: min_success_ratio must be between 0 and 1, got {value}")
    return value


def _check_count(value: Any, name: str, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{where}: {name} must be an int or None, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{where}: {name} must not be negative, got {value}")
    return value


_shared_pool: Any = None
_shared_lock = threading.Lock()


#: an element slower than this makes a local map start its helper threads
_SLOW_ELEMENT_SECONDS = 0.002


def _threads(helpers: int) -> Any:
    """Threads for ``helpers`` helpers: the shared pool, or a pool of its own when the map
    asks for more than the shared pool has (shut down after the map)."""
    if helpers > default_concurrency():
        from concurrent.futures import ThreadPoolExecutor

        return ThreadPoolExecutor(helpers, thread_name_prefix="featherkit-map")
    return _shared_threads()


def _shared_threads() -> Any:
    """The thread pool local maps share (its threads are reused from one map to the next)."""
    global _shared_pool
    with _shared_lock:
        if _shared_pool is None:
            from concurrent.futures import ThreadPoolExecutor

            _shared_pool = ThreadPoolExecutor(
                default_concurrency(), thread_name_prefix="featherkit-map"
            )
    return _shared_pool


class MapTask(PythonTask):
    """A task mapped over lists (flytekit's ``ArrayNodeMapTask``); build it with :func:`map_task`.

    Its name is ``<module>.map_<function>_<hash>-arraynode``, where the hash covers the bound
    inputs, ``concurrency``, ``min_successes`` and ``min_success_ratio`` exactly as flytekit
    computes it, so both SDKs register the same entity for the same mapping.
    """

    _node_kind = "array"

    def __init__(
        self,
        target: PythonTask | functools.partial[Any],
        concurrency: int | None = None,
        min_success_ratio: float | None = None,
        min_successes: int | None = None,
    ) -> None:
        bound_values: dict[str, Any] = {}
        inner: Any = target
        if isinstance(target, functools.partial):
            inner = target.func
            if target.args:
                raise TypeError(
                    f"map_task: functools.partial of {getattr(inner, 'name', inner)!r} binds "
                    f"{len(target.args)} positional argument(s); bind inputs by keyword, "
                    "e.g. partial(task, factor=3)"
                )
            bound_values = dict(target.keywords)
        if not isinstance(inner, PythonTask):
            raise TypeError(
                f"map_task needs a featherkit task (or a functools.partial of one), got "
                f"{type(inner).__name__} {inner!r}"
            )
        if isinstance(inner, MapTask) or getattr(inner, "is_dynamic", False):
            raise TypeError(
                f"map_task: task {inner.name!r} is a {type(inner).__name__}; only a plain task "
                "can be mapped (not a map task or a dynamic workflow)"
            )
        where = f"map_task({inner.name})"
        iface = inner.python_interface
        if len(iface.outputs) > 1:
            raise ValueError(
                f"{where}: the task has {len(iface.outputs)} outputs "
                f"({', '.join(iface.outputs)}); a mapped task may have at most one"
            )
        unknown = sorted(set(bound_values) - set(iface.inputs))
        if unknown:
            raise TypeError(
                f"{where}: functools.partial binds unknown input(s) {', '.join(unknown)}; the "
                f"task's inputs are: {', '.join(iface.inputs) or '(none)'}"
            )
        mapped = [name for name in iface.inputs if name not in bound_values]
        if not mapped:
            raise ValueError(
                f"{where}: every input is bound by functools.partial, so there is nothing to "
                "map over; leave at least one input unbound"
            )
        concurrency = _check_count(concurrency, "concurrency", where)
        min_successes = _check_count(min_successes, "min_successes", where)
        if min_success_ratio is not None:
            min_success_ratio = _check_ratio(min_success_ratio, where)
        optional = bool(iface.outputs) and (
            (min_success_ratio is not None and min_success_ratio != 1) or min_successes is not None
        )
        inputs = {n: (t if n in bound_values else list[t]) for n, t in iface.inputs.items()}  # type: ignore[valid-type]
        outputs = {
            n: (list[Optional[t]] if optional else list[t])  # type: ignore[valid-type]
            for n, t in iface.outputs.items()
        }
        module = getattr(inner, "instantiated_in", None) or inner.name.rpartition(".")[0]
        function = getattr(inner, "lhs", None) or inner.name.rpartition(".")[2]
        # the same digest as flytekit: the entity name must match for both SDKs
        digest = hashlib.md5(
            f"{','.join(sorted(bound_values))}{concurrency}{min_successes}{min_success_ratio}"
            .encode(),
            usedforsecurity=False,
        ).hexdigest()
        super().__init__(
            inner.task_type,
            f"{module}.map_{function}_{digest}-arraynode",
            Interface(inputs=inputs, outputs=outputs),
            metadata=inner.metadata,
            environment=inner.environment,
            container_image=inner.container_image,
            requests=inner.requests,
            limits=inner.limits,
            secret_requests=inner.secret_requests,
            task_resolver=map_resolver.resolver,
            enable_deck=inner.enable_deck,
            plugin_options=inner.plugin_options,
            task_type_version=1,
        )
        self._security_ctx = inner.security_context
        self.mapped_task: PythonTask = inner
        self.bound_inputs: dict[str, Any] = bound_values
        self.mapped_inputs: tuple[str, ...] = tuple(mapped)
        self.concurrency = concurrency
        self.min_success_ratio = min_success_ratio
        self.min_successes = min_successes
        self.is_async = bool(getattr(inner, "is_async", False))
        self.__doc__ = inner.__doc__

    # -- what a node and the serializer need ------------------------------------------------

    @property
    def lhs(self) -> str:
        return self.name.rpartition(".")[2]

    @property
    def instantiated_in(self) -> str:
        return self.name.rpartition(".")[0]

    def get_custom(self, settings: SerializationSettings) -> dict[str, Any] | None:
        return self.mapped_task.get_custom(settings)

    def get_config(self, settings: SerializationSettings) -> dict[str, str] | None:
        return self.mapped_task.get_config(settings)

    def get_extended_resources(self, settings: SerializationSettings) -> Any:
        return self.mapped_task.get_extended_resources(settings)

    # -- running -----------------------------------------------------------------------------

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # values bound by functools.partial are inputs of every call (and of a node)
        if self.bound_inputs:
            kwargs = {**self.bound_inputs, **kwargs}
        return super().__call__(*args, **kwargs)

    def _allowed_failures(self, count: int) -> int:
        if self.min_successes is not None:
            return max(0, count - self.min_successes)
        if self.min_success_ratio is not None:
            return count - math.ceil(count * self.min_success_ratio)
        return 0

    def _elements(self, kwargs: Mapping[str, Any]) -> list[dict[str, Any]]:
        lengths = {name: len(kwargs[name]) for name in self.mapped_inputs}
        if len(set(lengths.values())) > 1:
            described = ", ".join(f"{n} has {k}" for n, k in lengths.items())
            raise TaskInputError(
                f"map task {self.name!r}: the mapped inputs must be lists of one length; "
                f"{described}"
            )
        count = next(iter(lengths.values()))
        bound = {n: kwargs[n] for n in self.bound_inputs if n in kwargs}
        return [
            {**bound, **{n: kwargs[n][i] for n in self.mapped_inputs}} for i in range(count)
        ]

    def execute(self, **kwargs: Any) -> Any:
        """Run every element (in parallel, bounded by ``concurrency``); the list of outputs.

        This thread runs elements until one takes long enough for threads to help (waiting
        on I/O, sleeping, calling native code that releases the GIL); then helper threads join
        it, up to ``concurrency`` in all. Quick elements never pay for threads, which could
        not run Python in parallel anyway.
        """
        elements = self._elements(kwargs)
        if self.is_async:
            return self._execute_async(elements)
        count = len(elements)
        results: list[Any] = [None] * count
        failures: list[tuple[int, BaseException]] = []
        allowed = self._allowed_failures(count)
        run = self.mapped_task.execute
        pending = iter(range(count))  # shared by the workers; next() on it is atomic

        def one(i: int) -> None:
            try:
                results[i] = run(**elements[i])
            except Exception as exc:
                failures.append((i, exc))

        def work() -> None:
            for i in pending:
                if len(failures) > allowed:
                    return
                one(i)

        workers = min(self.concurrency or default_concurrency(), count)
        helpers: list[Any] = []
        pool: Any = None
        clock = time.perf_counter
        try:
            for i in pending:
                if len(failures) > allowed:
                    break
                started = clock()
                one(i)
                if not helpers and workers > 1 and clock() - started > _SLOW_ELEMENT_SECONDS:
                    import contextvars

                    pool = _threads(workers - 1)
                    helpers = [
                        pool.submit(contextvars.copy_context().run, work)
                        for _ in range(workers - 1)
                    ]
            for helper in helpers:
                helper.result()
        finally:
            if pool is not None and pool is not _shared_pool:
                pool.shutdown(wait=True)
        return self._outputs(results, failures, allowed, count)

    async def _execute_async(self, elements: list[dict[str, Any]]) -> Any:
        import asyncio

        results: list[Any] = [None] * len(elements)
        failures: list[tuple[int, BaseException]] = []
        allowed = self._allowed_failures(len(elements))
        limit = asyncio.Semaphore(self.concurrency or len(elements) or 1)
        run = self.mapped_task.execute

        async def one(i: int) -> None:
            async with limit:
                if len(failures) > allowed:
                    return
                try:
                    results[i] = await run(**elements[i])
                except Exception as exc:
                    failures.append((i, exc))

        await asyncio.gather(*(one(i) for i in range(len(elements))))
        return self._outputs(results, failures, allowed, len(elements))

    def _outputs(
        self,
        results: list[Any],
        failures: list[tuple[int, BaseException]],
        allowed: int,
        count: int,
    ) -> Any:
        if len(failures) > allowed:
            index, error = min(failures, key=lambda f: f[0])
            if allowed:
                need = f"it needs {count - allowed} of {count} to succeed"
            else:
                need = "every element must succeed"
            note = (
                f"map task {self.name!r} (task {self.mapped_task.name!r}): element {index} "
                f"failed; {len(failures)} failed and {need}"
            )
            if hasattr(error, "add_note"):
                error.add_note(note)
            raise error
        if not self.python_interface.outputs:
            return None
        return results

    def __repr__(self) -> str:
        return f"MapTask(name={self.name!r}, task={self.mapped_task.name!r})"


def map_task(
    target: PythonTask | functools.partial[Any],
    concurrency: int | None = None,
    min_success_ratio: float = 1.0,
    min_successes: int | None = None,
) -> MapTask:
    """Map ``target`` (a task, or a ``functools.partial`` of one binding some inputs) over lists.

    ``concurrency``: at most this many elements at once (``None`` or 0: no bound of its own;
    on a cluster ``None`` inherits the workflow's parallelism). ``min_success_ratio`` /
    ``min_successes``: how many elements must succeed; the others come out as ``None``.
    """
    return MapTask(
        target,
        concurrency=concurrency,
        min_success_ratio=min_success_ratio,
        min_successes=min_successes,
    )


# --- in a workflow: an ArrayNode ---------------------------------------------------------------


class ArrayPayload:
    """An array node's own data: the metadata of the node it maps (overrides change it)."""

    def __init__(self, sub_metadata: NodeMetadata) -> None:
        self.sub_metadata = sub_metadata


class ArrayNodeKind(TaskNodeKind):
    """A map task in a workflow: an ``ArrayNode`` around a task node running the map task's
    template, with flytekit's fields (the inner node is named after the map task)."""

    name = "array"
    label = "map task"

    def metadata(self, entity: Any) -> NodeMetadata:
        return NodeMetadata(name=entity.name)

    def compile_call(
        self, state: CompileState, entity: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        sub = TaskNodeKind.metadata(self, entity)
        sub.name = entity.name
        node = state.add_node(self, entity, args, kwargs, payload=ArrayPayload(sub))
        return state.outputs_of(node)

    def fill(self, node: Node, message: workflow_pb2.Node, ctx: SerializeContext) -> None:
        from flyteidl.core import identifier_pb2, workflow_pb2

        task: MapTask = node.entity
        array = message.array_node
        inner = array.node
        inner.id = task.name
        inner.metadata.CopyFrom(node.payload.sub_metadata.to_idl())
        inner.inputs.extend(message.inputs)
        inner.task_node.reference_id.CopyFrom(ctx.identifier(identifier_pb2.TASK, task.name))
        inner.task_node.overrides.SetInParent()
        if node.overrides is not None:
            node.overrides.fill(node, inner.task_node.overrides, ctx)
        if task.concurrency is not None:
            array.parallelism = task.concurrency
        if task.min_successes is not None:
            array.min_successes = task.min_successes
        elif task.min_success_ratio is not None:
            array.min_success_ratio = task.min_success_ratio
        array.execution_mode = (
            workflow_pb2.ArrayNode.MINIMAL_STATE
            if type(task.mapped_task).__name__ == "PythonFunctionTask"
            else workflow_pb2.ArrayNode.FULL_STATE
        )
        array.is_original_sub_node_interface.value = False
        array.bound_inputs.extend(sorted(task.bound_inputs))


register_node_kind(ArrayNodeKind())


__all__ = ["ArrayNodeKind", "MapTask", "default_concurrency", "map_task"]
