"""Nodes of a compiled workflow, and the node kinds that give each its behaviour.

A :class:`Node` is the same shape for every kind: an id (``n0, n1, ...``), the entity it calls,
the bindings of its inputs, its metadata, the nodes it must wait for, and a kind-specific
``payload``. Everything that differs between kinds lives in a :class:`NodeKind` registered by
name (:func:`register_node_kind`): how a call is compiled into a node, how the node is written
on the wire (the ``task_node`` / ``workflow_node`` / ``branch_node`` ... target), which entities
it needs registered first, and how the local scheduler runs it. Core registers ``task``,
``workflow`` and ``launch_plan``; control flow (branches, map tasks, gates) adds its own.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from featherkit.workflow.promise import (
    Binding,
    NodeHandle,
    Promise,
    WorkflowCompileError,
    promises_in,
    resolve,
)

if TYPE_CHECKING:
    from flyteidl.core import workflow_pb2

    from featherkit.interface import Interface
    from featherkit.workflow.compiler import CompileState
    from featherkit.workflow.runner import Run
    from featherkit.workflow.serialize import SerializeContext


@dataclass
class NodeMetadata:
    """What a node's ``NodeMetadata`` holds: a name, retries, a timeout, interruptible, and
    the cache settings a node override may set."""

    name: str
    retries: int = 0
    timeout: datetime.timedelta | None = None
    interruptible: bool | None = None
    cacheable: bool | None = None
    cache_version: str | None = None
    cache_serializable: bool | None = None

    def to_idl(self) -> workflow_pb2.NodeMetadata:
        from flyteidl.core import workflow_pb2

        meta = workflow_pb2.NodeMetadata()
        self.fill(meta)
        return meta

    def fill(self, meta: workflow_pb2.NodeMetadata) -> None:
        """Write these fields into the ``NodeMetadata`` message ``meta``."""
        meta.name = self.name
        meta.retries.retries = self.retries
        if self.timeout:
            meta.timeout.FromTimedelta(self.timeout)
        if self.interruptible is not None:
            meta.interruptible = self.interruptible
        if self.cacheable is not None:
            meta.cacheable = self.cacheable
        if self.cache_version is not None:
            meta.cache_version = self.cache_version
        if self.cache_serializable is not None:
            meta.cache_serializable = self.cache_serializable


def short_name(name: str) -> str:
    """The last dotted part of an entity name: a node's ``metadata.name``."""
    return name.rsplit(".", 1)[-1]


class Node(NodeHandle):
    """One call recorded while a workflow was compiled."""

    def __init__(
        self,
        node_id: str,
        index: int,
        kind: NodeKind,
        entity: Any,
        interface: Interface,
        bindings: dict[str, Binding],
        metadata: NodeMetadata,
        payload: Any = None,
    ) -> None:
        self.id = node_id
        self.index = index
        self.kind = kind
        self.entity = entity
        self.interface = interface
        self.bindings = bindings
        self.metadata = metadata
        self.payload = payload
        self.outputs: dict[str, Promise] = {}
        self._explicit: list[Node] = []
        #: node-level overrides (``with_overrides``): a ``featherkit.workflow.overrides``
        #: ``NodeOverrides``, or None
        self.overrides: Any = None

    def describe(self) -> str:
        return self.kind.describe(self.entity)

    def __repr__(self) -> str:
        return f"Node({self.id}, {self.describe()})"

    def add_upstream(self, other: Node) -> None:
        """Wait for ``other`` (``other >> self``), without a data edge."""
        if other not in self._explicit:
            self._explicit.append(other)

    @property
    def data_upstream(self) -> list[Node]:
        found: dict[int, Node] = {}
        for binding in self.bindings.values():
            for promise in promises_in(binding):
                if promise.node is not None:
                    found[id(promise.node)] = promise.node
        return list(found.values())

    @property
    def upstream_nodes(self) -> list[Node]:
        """Every node this one waits for (data and ``>>``), in node order: the stable form of
        flytekit's ``upstream_node_ids``."""
        found = {id(n): n for n in (*self.data_upstream, *self._explicit)}
        return sorted(found.values(), key=lambda n: n.index)

    def runs_before(self, other: Any) -> Any:
        from featherkit.workflow.promise import _runs_before

        return _runs_before(self, other, "")

    def __rshift__(self, other: Any) -> Any:
        self.runs_before(other)
        return other

    def __getattr__(self, name: str) -> Promise:
        """An output by name (``node.o0``), as flytekit's ``create_node`` nodes offer."""
        if name.startswith("_"):
            raise AttributeError(name)
        outputs: dict[str, Promise] = self.__dict__.get("outputs") or {}
        if name in outputs:
            return outputs[name]
        raise AttributeError(
            f"node {self.__dict__.get('id')} has no output {name!r}; its outputs are: "
            f"{', '.join(outputs) or '(none)'}"
        )

    def with_overrides(self, *args: Any, **kwargs: Any) -> Node:
        """Override this node's settings (see :mod:`featherkit.workflow.overrides`)."""
        from featherkit.workflow.overrides import apply_overrides

        apply_overrides(self, args, kwargs)
        return self


class NodeKind:
    """How one kind of node compiles, serializes and runs. Subclass and register an instance."""

    #: the registry key; entities name their kind in a ``_node_kind`` class attribute
    name: ClassVar[str] = ""
    #: how messages call the entity ("task", "workflow", ...)
    label: ClassVar[str] = ""

    def describe(self, entity: Any) -> str:
        return f"{self.label} {getattr(entity, 'name', entity)!r}"

    # -- authoring ---------------------------------------------------------------------------

    def interface(self, entity: Any) -> Interface:
        """The inputs a call may bind (defaults included) and the outputs it returns."""
        iface: Interface = entity.python_interface
        return iface

    def metadata(self, entity: Any) -> NodeMetadata:
        return NodeMetadata(name=short_name(entity.name))

    def compile_call(
        self, state: CompileState, entity: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        """Record a node for a call of ``entity`` and return its promises."""
        node = state.add_node(self, entity, args, kwargs)
        return state.outputs_of(node)

    # -- serialization -----------------------------------------------------------------------

    def fill(self, node: Node, message: workflow_pb2.Node, ctx: SerializeContext) -> None:
        """Set the node's target (``task_node``, ``workflow_node``, ...) on ``message``."""
        raise WorkflowCompileError(f"node kind {self.name!r} cannot be serialized")

    def references(self, node: Node) -> Iterable[Any]:
        """Entities (tasks, workflows, launch plans) to register before the workflow."""
        return ()

    def sub_workflows(self, node: Node) -> Iterable[Any]:
        """Workflows whose templates go in the spec's ``sub_workflows``."""
        return ()

    # -- local run ---------------------------------------------------------------------------

    def is_async(self, node: Node) -> bool:
        """True when :meth:`run_async` should run the node on the event loop."""
        return False

    def run_sync(self, node: Node, inputs: dict[str, Any], run: Run) -> Any:
        """Run the node in a worker thread (or inline); return what a call returns."""
        raise WorkflowCompileError(f"node kind {self.name!r} cannot run locally")

    async def run_async(self, node: Node, inputs: dict[str, Any], run: Run) -> Any:
        """Run the node on the event loop; return what a call returns."""
        return self.run_sync(node, inputs, run)


_KINDS: dict[str, NodeKind] = {}


def register_node_kind(kind: NodeKind) -> NodeKind:
    """Make ``kind`` known under ``kind.name``; a name registered twice is an error."""
    if not kind.name:
        raise ValueError(f"{type(kind).__name__} has no name")
    if kind.name in _KINDS and type(_KINDS[kind.name]) is not type(kind):
        raise ValueError(
            f"node kind {kind.name!r} is registered twice: {type(_KINDS[kind.name]).__name__} "
            f"and {type(kind).__name__}"
        )
    _KINDS[kind.name] = kind
    return kind


def node_kind(name: str) -> NodeKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise WorkflowCompileError(f"unknown node kind {name!r}") from None


def call_outputs(node: Node, returned: Any) -> dict[str, Any]:
    """What a call returned (a value, a NamedTuple, None) as ``{output name: value}``."""
    names = list(node.interface.outputs)
    if not names:
        return {}
    if returned is None:
        return dict.fromkeys(names)
    if len(names) == 1 and node.interface.output_tuple is None:
        return {names[0]: returned}
    return dict(zip(names, returned))


# -- the core kinds ---------------------------------------------------------------------------

#: flyteidl ``ResourceType`` values (identifier_pb2.TASK, WORKFLOW, LAUNCH_PLAN), here so that
#: writing a node needs no import
_TASK, _WORKFLOW, _LAUNCH_PLAN = 1, 2, 3


class TaskNodeKind(NodeKind):
    name = "task"
    label = "task"

    def metadata(self, entity: Any) -> NodeMetadata:
        meta = entity.metadata
        return NodeMetadata(
            name=short_name(entity.name),
            retries=meta.retries,
            timeout=getattr(meta, "timeout_delta", None),
            interruptible=meta.interruptible,
        )

    def fill(self, node: Node, message: workflow_pb2.Node, ctx: SerializeContext) -> None:
        ctx.set_identifier(message.task_node.reference_id, _TASK, node.entity.name)
        message.task_node.overrides.SetInParent()
        if node.overrides is not None:
            node.overrides.fill(node, message.task_node.overrides, ctx)

    def references(self, node: Node) -> Iterable[Any]:
        return (node.entity,)

    def is_async(self, node: Node) -> bool:
        return bool(getattr(node.entity, "is_async", False))

    def run_sync(self, node: Node, inputs: dict[str, Any], run: Run) -> Any:
        return node.entity(**inputs)

    async def run_async(self, node: Node, inputs: dict[str, Any], run: Run) -> Any:
        result = node.entity(**inputs)
        if hasattr(result, "__await__"):
            result = await result
        return result


class WorkflowNodeKind(NodeKind):
    name = "workflow"
    label = "workflow"

    def metadata(self, entity: Any) -> NodeMetadata:
        return NodeMetadata(
            name=short_name(entity.name), interruptible=bool(entity.interruptible)
        )

    def fill(self, node: Node, message: workflow_pb2.Node, ctx: SerializeContext) -> None:
        ctx.set_identifier(message.workflow_node.sub_workflow_ref, _WORKFLOW, node.entity.name)

    def references(self, node: Node) -> Iterable[Any]:
        return (node.entity,)

    def sub_workflows(self, node: Node) -> Iterable[Any]:
        return (node.entity,)

    def is_async(self, node: Node) -> bool:
        return True

    async def run_async(self, node: Node, inputs: dict[str, Any], run: Run) -> Any:
        return await run.subworkflow(node.entity, inputs)


class LaunchPlanNodeKind(NodeKind):
    name = "launch_plan"
    label = "launch plan"

    def metadata(self, entity: Any) -> NodeMetadata:
        workflow = entity.workflow
        return NodeMetadata(
            name=short_name(workflow.name), interruptible=bool(workflow.interruptible)
        )

    def compile_call(
        self, state: CompileState, entity: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        fixed = set(entity.fixed_inputs) & set(kwargs)
        if fixed:
            raise WorkflowCompileError(
                f"workflow {state.name!r}, node n{len(state.nodes)} ({self.describe(entity)}): "
                f"input(s) {', '.join(map(repr, sorted(fixed)))} are fixed by the launch plan "
                "and cannot be given"
            )
        return super().compile_call(state, entity, args, kwargs)

    def fill(self, node: Node, message: workflow_pb2.Node, ctx: SerializeContext) -> None:
        ctx.set_identifier(message.workflow_node.launchplan_ref, _LAUNCH_PLAN, node.entity.name)

    def references(self, node: Node) -> Iterable[Any]:
        return (node.entity,)

    def is_async(self, node: Node) -> bool:
        return True

    async def run_async(self, node: Node, inputs: dict[str, Any], run: Run) -> Any:
        lp = node.entity
        merged: dict[str, Any] = {**lp.fixed_inputs_native, **inputs}
        return await run.subworkflow(lp.workflow, merged, max_parallelism=lp.max_parallelism)


register_node_kind(TaskNodeKind())
register_node_kind(WorkflowNodeKind())
register_node_kind(LaunchPlanNodeKind())


def kind_of(entity: Any) -> NodeKind:
    return node_kind(getattr(type(entity), "_node_kind", "task"))


def node_inputs(node: Node, results: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    return {name: resolve(binding, results) for name, binding in node.bindings.items()}


__all__ = [
    "LaunchPlanNodeKind",
    "Node",
    "NodeKind",
    "NodeMetadata",
    "TaskNodeKind",
    "WorkflowNodeKind",
    "call_outputs",
    "kind_of",
    "node_inputs",
    "node_kind",
    "register_node_kind",
    "short_name",
]
