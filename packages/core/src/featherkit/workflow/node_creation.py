"""``create_node(entity, **inputs)``: a call in a workflow body that gives back its node.

::

    first = create_node(fetch, url=url)
    second = create_node(parse, text=first.o0)     # outputs by name: first.outputs["o0"] too
    first >> second                                  # ordering, as with promises
    second.with_overrides(retries=2)

The node is the same one a plain call records; ``create_node`` only hands it over instead of
its promises (flytekit's ``create_node``).
"""

from __future__ import annotations

from typing import Any

from featherkit import context
from featherkit.workflow.node import Node
from featherkit.workflow.promise import WorkflowCompileError, node_of


def create_node(entity: Any, *args: Any, **kwargs: Any) -> Node:
    """Record a call of ``entity`` (a task, workflow, launch plan, map task) and return its node."""
    state = context.compiling.get()
    name = getattr(entity, "name", repr(entity))
    if state is None:
        raise WorkflowCompileError(
            f"create_node({name}) is for workflow bodies: it records a node while a @workflow "
            "is compiled; outside one, call the entity directly"
        )
    if args:
        raise WorkflowCompileError(
            f"workflow {state.name!r}: create_node({name}) takes the inputs by keyword "
            f"(got {len(args)} positional)"
        )
    count = len(state.nodes)
    result = state.call(entity, (), kwargs)
    node = node_of(result)
    if node is None:
        if len(state.nodes) <= count:
            raise WorkflowCompileError(
                f"workflow {state.name!r}: create_node({name}) recorded no node"
            )
        node = state.nodes[-1]
    return node


__all__ = ["create_node"]
