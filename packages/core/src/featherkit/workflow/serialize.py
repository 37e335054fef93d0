"""The wire form of workflows and launch plans, as flytekit 1.16 writes them.

* ``workflow_spec`` -> ``admin.WorkflowSpec``: the ``WorkflowTemplate`` (nodes ``n0..`` in call
  order, inputs sorted by name, ``upstream_node_ids`` from bindings and ``>>``, node metadata,
  output bindings), every nested workflow's template in ``sub_workflows`` (sorted by name), and
  the description.
* ``launch_plan`` -> ``admin.LaunchPlan``: id and spec (workflow id, default inputs as
  parameters, fixed inputs, schedule).
* ``registration_order`` puts entities in an order a backend accepts: each after everything it
  references.

Differences from flytekit (``docs/compatibility.md``): ``upstream_node_ids`` are in node order
(flytekit's come from a set), and a node id is dnsified once, where it is made, so bindings and
node ids always agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from featherkit.workflow.overrides import dnsify
from featherkit.workflow.promise import (
    Binding,
    CollectionBinding,
    ConstantBinding,
    MapBinding,
    PromiseBinding,
)

if TYPE_CHECKING:
    from flyteidl.admin import launch_plan_pb2
    from flyteidl.admin import workflow_pb2 as admin_workflow_pb2
    from flyteidl.core import identifier_pb2, literals_pb2, workflow_pb2

    from featherkit.serialization import SerializationSettings
    from featherkit.workflow.launch_plan import LaunchPlan
    from featherkit.workflow.node import Node
    from featherkit.workflow.workflow import WorkflowBase


class SerializeContext:
    """What node kinds need to write a node: the settings and the identifier of an entity."""

    def __init__(self, settings: SerializationSettings) -> None:
        from flyteidl.core import identifier_pb2, literals_pb2, workflow_pb2

        self.settings = settings
        self._identifiers: dict[tuple[int, str], identifier_pb2.Identifier] = {}
        self._identifier = identifier_pb2.Identifier
        self._binding_data = literals_pb2.BindingData
        self._node = workflow_pb2.Node

    def identifier(self, resource_type: int, name: str) -> identifier_pb2.Identifier:
        """The identifier of an entity registered with these settings (a fresh message)."""
        found = self._identifiers.get((resource_type, name))
        if found is None:
            settings = self.settings
            found = self._identifiers[(resource_type, name)] = self._identifier(
                resource_type=resource_type,
                project=settings.project,
                domain=settings.domain,
                name=name,
                version=settings.version,
            )
        copy = self._identifier()
        copy.CopyFrom(found)
        return copy

    def set_identifier(
        self, target: identifier_pb2.Identifier, resource_type: int, name: str
    ) -> None:
        """Write the identifier of an entity into ``target`` (a field of a message)."""
        found = self._identifiers.get((resource_type, name))
        if found is None:
            found = self.identifier(resource_type, name)
        target.CopyFrom(found)

    def binding_data(self, binding: Binding) -> literals_pb2.BindingData:
        data = self._binding_data()
        self.fill_binding_data(data, binding)
        return data

    def fill_binding_data(self, data: literals_pb2.BindingData, binding: Binding) -> None:
        """Write ``binding`` into the ``BindingData`` message ``data``."""
        if isinstance(binding, PromiseBinding):
            promise = binding.promise
            data.promise.node_id = promise.node_id
            data.promise.var = promise.var
            for step in promise.attr_path:
                item = data.promise.attr_path.add()
                if isinstance(step, int):
                    item.int_value = step
                else:
                    item.string_value = step
        elif isinstance(binding, ConstantBinding):
            data.scalar.CopyFrom(binding.literal.scalar)
        elif isinstance(binding, CollectionBinding):
            data.collection.SetInParent()
            for item_binding in binding.items:
                self.fill_binding_data(data.collection.bindings.add(), item_binding)
        elif isinstance(binding, MapBinding):
            data.map.SetInParent()
            for key, item_binding in binding.items.items():
                self.fill_binding_data(data.map.bindings[key], item_binding)

    def bindings(self, bindings: dict[str, Binding]) -> list[literals_pb2.Binding]:
        from flyteidl.core import literals_pb2

        return [
            literals_pb2.Binding(var=var, binding=self.binding_data(bindings[var]))
            for var in bindings
        ]

    def fill_bindings(self, target: Any, bindings: dict[str, Binding], order: Any = None) -> None:
        """Append a ``Binding`` per entry of ``bindings`` to the repeated field ``target``."""
        for var in order if order is not None else bindings:
            item = target.add()
            item.var = var
            self.fill_binding_data(item.binding, bindings[var])

    def node(self, node: Node) -> workflow_pb2.Node:
        message = self._node()
        self.fill_node(message, node)
        return message

    def fill_node(self, message: workflow_pb2.Node, node: Node) -> None:
        """Write ``node`` into the ``Node`` message ``message``."""
        message.id = node.id
        node.metadata.fill(message.metadata)
        self.fill_bindings(message.inputs, node.bindings, sorted(node.bindings))
        message.upstream_node_ids.extend(n.id for n in node.upstream_nodes)
        node.kind.fill(node, message, self)


def workflow_template(
    workflow: WorkflowBase, settings: SerializationSettings
) -> workflow_pb2.WorkflowTemplate:
    """The ``WorkflowTemplate`` of one workflow (its own nodes only)."""
    from flyteidl.core import identifier_pb2, workflow_pb2

    ctx = SerializeContext(settings)
    template = workflow_pb2.WorkflowTemplate()
    template.id.CopyFrom(ctx.identifier(identifier_pb2.WORKFLOW, workflow.name))
    template.metadata.SetInParent()
    template.metadata.on_failure = workflow.failure_policy.value
    template.interface.CopyFrom(workflow.interface)
    for node in workflow.nodes:
        ctx.fill_node(template.nodes.add(), node)
    ctx.fill_bindings(template.outputs, workflow.output_bindings)
    if workflow.failure_node is not None:
        template.failure_node.CopyFrom(ctx.node(workflow.failure_node))
    template.metadata_defaults.SetInParent()
    if workflow.interruptible:
        template.metadata_defaults.interruptible = True
    return template


def all_nodes(workflow: WorkflowBase) -> list[Node]:
    """The workflow's nodes and its failure node, if any."""
    failure = workflow.failure_node
    return [*workflow.nodes, failure] if failure is not None else list(workflow.nodes)


def sub_workflows(workflow: WorkflowBase) -> list[WorkflowBase]:
    """Every workflow nested in ``workflow`` (through any depth of nodes), sorted by name."""
    found: dict[str, WorkflowBase] = {}
    stack = [workflow]
    while stack:
        current = stack.pop()
        for node in all_nodes(current):
            for sub in node.kind.sub_workflows(node):
                if sub.name not in found:
                    found[sub.name] = sub
                    stack.append(sub)
    return [found[name] for name in sorted(found)]


def workflow_documentation(workflow: WorkflowBase) -> Any:
    """The workflow's docs; a function workflow is always documented (if only by an empty
    entity, as flytekit writes), an imperative one only when it was given docs."""
    from featherkit.docs import Documentation

    if workflow.docs is not None:
        return workflow.docs
    if getattr(workflow, "workflow_function", None) is not None:
        return Documentation(long_description="")
    return None


def workflow_spec(
    workflow: WorkflowBase, settings: SerializationSettings
) -> admin_workflow_pb2.WorkflowSpec:
    """The registration ``WorkflowSpec``: template, nested templates and description."""
    from flyteidl.admin import workflow_pb2 as admin_workflow_pb2

    spec = admin_workflow_pb2.WorkflowSpec(template=workflow_template(workflow, settings))
    spec.sub_workflows.extend(workflow_template(sub, settings) for sub in sub_workflows(workflow))
    docs = workflow_documentation(workflow)
    if docs is not None:
        spec.description.CopyFrom(docs.to_idl())
    return spec


def launch_plan(plan: LaunchPlan, settings: SerializationSettings) -> launch_plan_pb2.LaunchPlan:
    """The ``admin.LaunchPlan`` flytekit's package holds for a launch plan."""
    from flyteidl.admin import launch_plan_pb2
    from flyteidl.core import identifier_pb2, interface_pb2

    ctx = SerializeContext(settings)
    message = launch_plan_pb2.LaunchPlan()
    message.id.CopyFrom(ctx.identifier(identifier_pb2.LAUNCH_PLAN, plan.name))
    spec = message.spec
    workflow = plan.workflow
    spec.workflow_id.CopyFrom(ctx.identifier(identifier_pb2.WORKFLOW, workflow.name))
    spec.entity_metadata.SetInParent()
    if plan.schedule is not None:
        spec.entity_metadata.schedule.CopyFrom(plan.schedule.to_idl())
    spec.entity_metadata.notifications.extend(n.to_idl() for n in plan.notifications)
    variables = workflow.interface.inputs.variables
    defaults = {**workflow.default_literals(), **plan.default_literals}
    spec.default_inputs.SetInParent()
    for name in workflow.python_interface.inputs:
        if name in plan.fixed_inputs:
            continue
        parameter = interface_pb2.Parameter(var=variables[name])
        if name in plan.default_literals:
            # flytekit describes an input the launch plan defaults by its name alone
            parameter.var.description = name
        if name in defaults:
            parameter.default.CopyFrom(defaults[name])
        elif _is_optional(workflow.python_interface.inputs[name]):
            # flytekit: an Optional input without a default defaults to None (a bare none)
            parameter.default.scalar.none_type.SetInParent()
        else:
            parameter.required = True
        spec.default_inputs.parameters[name].CopyFrom(parameter)
    spec.fixed_inputs.SetInParent()
    for name, literal in plan.fixed_inputs.items():
        spec.fixed_inputs.literals[name].CopyFrom(literal)
    spec.labels.SetInParent()
    spec.labels.values.update(plan.labels)
    spec.annotations.SetInParent()
    spec.annotations.values.update(plan.annotations)
    spec.raw_output_data_config.SetInParent()
    if plan.max_parallelism:
        spec.max_parallelism = plan.max_parallelism
    message.closure.expected_inputs.SetInParent()
    message.closure.expected_outputs.SetInParent()
    return message


def _is_optional(tp: Any) -> bool:
    import types
    import typing

    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is getattr(types, "UnionType", None):
        return type(None) in typing.get_args(tp)
    return False


def references(entity: Any) -> list[Any]:
    """What ``entity`` needs registered before it (tasks, workflows, launch plans)."""
    from featherkit.workflow.launch_plan import LaunchPlan
    from featherkit.workflow.workflow import WorkflowBase

    if isinstance(entity, LaunchPlan):
        return [entity.workflow]
    if isinstance(entity, WorkflowBase):
        found: dict[int, Any] = {}
        for node in all_nodes(entity):
            for ref in node.kind.references(node):
                found.setdefault(id(ref), ref)
        return list(found.values())
    return []


def registration_order(roots: Iterable[Any]) -> list[Any]:
    """``roots`` and everything they reference, each after what it references.

    Tasks first (by name), then workflows and launch plans depth-first from the roots in the
    order given, a workflow's default launch plan right after the workflow.
    """
    from featherkit.base_task import Task
    from featherkit.workflow.launch_plan import LaunchPlan
    from featherkit.workflow.workflow import WorkflowBase

    seen: set[int] = set()
    tasks: dict[str, Any] = {}
    others: list[Any] = []

    def visit(entity: Any) -> None:
        if id(entity) in seen:
            return
        seen.add(id(entity))
        if isinstance(entity, Task):
            tasks.setdefault(entity.name, entity)
            return
        for ref in references(entity):
            visit(ref)
        others.append(entity)
        if isinstance(entity, WorkflowBase):
            visit(LaunchPlan.get_default_launch_plan(entity))

    for root in roots:
        visit(root)
    return [tasks[name] for name in sorted(tasks)] + others


def entity_spec(entity: Any, settings: SerializationSettings) -> Any:
    """The registration message of a task, workflow or launch plan."""
    from featherkit.base_task import Task
    from featherkit.serialization import task_spec
    from featherkit.workflow.launch_plan import LaunchPlan

    if isinstance(entity, Task):
        return task_spec(entity, settings)
    if isinstance(entity, LaunchPlan):
        return launch_plan(entity, settings)
    return workflow_spec(entity, settings)


__all__ = [
    "SerializeContext",
    "dnsify",
    "entity_spec",
    "launch_plan",
    "references",
    "registration_order",
    "sub_workflows",
    "workflow_spec",
    "workflow_template",
]
