"""What a local run of a workflow would do, before it runs: per node, cache hit or run, and why.

Nodes are visited in dependency order. A cached task node whose inputs are all known (workflow
inputs, constants, outputs of nodes that will be cache hits, read from the cache) is explained
with the task cache's own explanation (:func:`featherkit.cache.explain.explain`): a hit, or a
miss and what differs from the nearest stored entry. A node fed by a node that will run cannot
be looked up before that runs: it will run too unless its inputs come out as before, and the
plan says which node it waits for. Sub-workflows and launch plans are planned node by node.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from featherkit.workflow.node import Node, call_outputs, node_inputs

if TYPE_CHECKING:
    from featherkit.workflow.workflow import WorkflowBase

HIT = "cache hit"
RUN = "will run"


@dataclass(frozen=True)
class NodePlan:
    """One node's fate: ``path`` (``n1``, or ``n2/n0`` inside a sub-workflow), the entity, the
    status (:data:`HIT` or :data:`RUN`) and the reason."""

    path: str
    entity: str
    status: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path:<8} {self.status:<9} {self.entity}: {self.reason}"


def _order(workflow: WorkflowBase) -> list[int]:
    _, waiting_on, dependents = workflow.graph()
    remaining = list(waiting_on)
    ready = [i for i, c in enumerate(remaining) if c == 0]
    order: list[int] = []
    while ready:
        index = ready.pop(0)
        order.append(index)
        for after in dependents[index]:
            remaining[after] -= 1
            if remaining[after] == 0:
                ready.append(after)
    return order


def _task_plan(node: Node, inputs: dict[str, Any]) -> tuple[str, str, Any]:
    """(status, reason, outputs or None) of a task node whose inputs are known."""
    from featherkit.cache.backend import decode_record
    from featherkit.cache.config import backend_for, current_settings
    from featherkit.cache.explain import explain

    task = node.entity
    if not task.metadata.cache:
        return RUN, "not cached (cache=False)", None
    settings = current_settings()
    if not settings.enabled:
        return RUN, "the cache is off (FEATHERKIT_CACHE=off or --no-cache)", None
    if settings.overwrite:
        return RUN, "the cache is being overwritten (--overwrite-cache)", None
    literals = task.inputs_to_literals(inputs)
    backend = backend_for(settings)
    found = explain(task, literals, backend)
    if found.status == "hit":
        from flyteidl.core import literals_pb2

        record = backend.get(found.components.key)
        stored = literals_pb2.LiteralMap.FromString(decode_record(record)) if record else None
        outputs = task.literals_to_outputs(stored) if stored is not None else None
        return HIT, f"stored entry {found.components.key[:12]}", outputs
    if found.status == "corrupt":
        return RUN, "the stored entry does not decode", None
    if found.nearest is None:
        return RUN, "no stored entry for this task yet", None
    differences = "; ".join(str(d) for d in found.differences)
    return RUN, f"no entry for these inputs; nearest entry differs in {differences}", None


def _sub_workflow(node: Node) -> WorkflowBase | None:
    kind = node.kind.name
    if kind == "workflow":
        return node.entity  # type: ignore[no-any-return]
    if kind == "launch_plan":
        return node.entity.workflow  # type: ignore[no-any-return]
    return None


def _all_run(workflow: WorkflowBase, prefix: str, reason: str) -> list[NodePlan]:
    """Every node of a workflow whose inputs are not known: all will run (or be looked up
    once they are)."""
    nodes = workflow.graph()[0]
    plans: list[NodePlan] = []
    for index in _order(workflow):
        node = nodes[index]
        path = f"{prefix}{node.id}"
        plans.append(NodePlan(path, node.describe(), RUN, reason))
        sub = _sub_workflow(node)
        if sub is not None:
            plans.extend(_all_run(sub, f"{path}/", reason))
    return plans


def plan_workflow(
    workflow: WorkflowBase, inputs: Mapping[str, Any], prefix: str = ""
) -> tuple[list[NodePlan], Any]:
    """The plan of every node, and the workflow's outputs when all are known (else None)."""
    nodes = workflow.graph()[0]
    complete = workflow.complete_inputs(inputs)
    results: dict[str, dict[str, Any]] = {"": complete}
    runs: dict[str, str] = {}  # node id -> why its outputs are unknown
    plans: list[NodePlan] = []
    for index in _order(workflow):
        node = nodes[index]
        path = f"{prefix}{node.id}"
        entity = node.describe()
        unknown = sorted({u.id for u in node.data_upstream if u.id in runs})
        if unknown:
            runs[node.id] = "after"
            reason = "its inputs come from " + ", ".join(unknown) + ", which will run first"
            plans.append(NodePlan(path, entity, RUN, reason))
            sub = _sub_workflow(node)
            if sub is not None:
                plans.extend(_all_run(sub, f"{path}/", f"{node.id}'s inputs are not known yet"))
            continue
        kwargs = node_inputs(node, results)
        kind = node.kind.name
        outputs: Any = None
        if kind == "task":
            status, reason, outputs = _task_plan(node, kwargs)
            plans.append(NodePlan(path, entity, status, reason))
        elif kind in ("workflow", "launch_plan"):
            sub = node.entity if kind == "workflow" else node.entity.workflow
            if kind == "launch_plan":
                kwargs = {**node.entity.fixed_inputs_native, **kwargs}
            inner, outputs = plan_workflow(sub, kwargs, prefix=f"{path}/")
            hit = outputs is not None
            plans.append(
                NodePlan(
                    path,
                    entity,
                    HIT if hit else RUN,
                    "every node is a cache hit" if hit else "some of its nodes will run",
                )
            )
            plans.extend(inner)
        else:
            plans.append(
                NodePlan(path, entity, RUN, f"a {kind} node's outputs are known only by running it")
            )
        if outputs is None and (kind != "task" or plans[-1].status != HIT):
            runs[node.id] = "runs"
        else:
            results[node.id] = call_outputs(node, outputs)
    if runs:
        return plans, None
    from featherkit.workflow.promise import resolve

    values = {name: resolve(b, results) for name, b in workflow.output_bindings.items()}
    return plans, workflow.result_of(values)


def plan(entity: Any, inputs: Mapping[str, Any]) -> list[NodePlan]:
    """The plan of a workflow or launch plan run on ``inputs``."""
    from featherkit.workflow.launch_plan import LaunchPlan

    if isinstance(entity, LaunchPlan):
        return plan_workflow(entity.workflow, entity._inputs(inputs))[0]
    return plan_workflow(entity, inputs)[0]


def render(plans: list[NodePlan]) -> str:
    hits = sum(p.status == HIT for p in plans)
    lines = [str(p) for p in plans]
    lines.append(f"{hits} of {len(plans)} node(s) are cache hits, {len(plans) - hits} will run")
    return "\n".join(lines)


__all__ = ["HIT", "RUN", "NodePlan", "plan", "plan_workflow", "render"]
