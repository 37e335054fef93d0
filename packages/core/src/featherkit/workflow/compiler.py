"""Compiling a workflow: record the nodes its body's calls make, and bind its outputs.

While a body runs, :data:`featherkit.context.compiling` holds the :class:`CompileState`; a
call of a task, workflow or launch plan looks it up (one ``contextvars`` lookup) and, when it
is set, records a node here instead of running.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from featherkit import context
from featherkit.interface import Interface
from featherkit.workflow.node import Node, NodeKind, kind_of
from featherkit.workflow.promise import (
    Binder,
    Binding,
    NodeOutputs,
    Promise,
    VoidPromise,
    WorkflowCompileError,
    is_optional,
    outputs_tuple,
    type_name,
)

if TYPE_CHECKING:
    pass


class CompileState:
    """The nodes recorded so far for workflow ``name``.

    ``prefix`` starts every node id: ``""`` in a workflow (``n0, n1, ...``), ``"d"`` in a
    dynamic workflow's graph (``dn0, ...``), ``"f"`` for the failure node (``fn0``).
    ``open_sections`` holds the conditionals begun and not yet ended with ``else_()``.
    """

    def __init__(self, name: str, prefix: str = "") -> None:
        from featherkit.type_registry import type_engine

        self.name = name
        self.prefix = prefix
        self.nodes: list[Node] = []
        self.binder = Binder(type_engine())
        self.open_sections: list[Any] = []

    def next_id(self) -> str:
        return f"{self.prefix}n{len(self.nodes)}"

    def check_complete(self) -> None:
        """Raise for a conditional left without its ``else_()``."""
        if self.open_sections:
            raise WorkflowCompileError(
                f"workflow {self.name!r}: {self.open_sections[0].describe()} has no else_(); "
                "end it with .else_().then(...) or .else_().fail(message)"
            )

    def call(self, entity: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """A call of ``entity`` made while compiling: its node kind records it."""
        return kind_of(entity).compile_call(self, entity, args, kwargs)

    def label(self, node_id: str, kind: NodeKind, entity: Any) -> str:
        return f"workflow {self.name!r}, node {node_id} ({kind.describe(entity)})"

    def add_node(
        self,
        kind: NodeKind,
        entity: Any,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        *,
        interface: Interface | None = None,
        payload: Any = None,
    ) -> Node:
        """Bind a call's arguments to ``interface`` (default: the kind's) and record a node."""
        iface = interface if interface is not None else kind.interface(entity)
        index = len(self.nodes)
        node_id = self.next_id()
        label = self.label(node_id, kind, entity)
        given = dict(kwargs)
        if args:
            names = list(iface.inputs)
            if len(args) > len(names):
                raise WorkflowCompileError(
                    f"{label}: takes {len(names)} input(s) "
                    f"({', '.join(names) or 'none'}), received {len(args)} positional"
                )
            for name, value in zip(names, args):
                if name in given:
                    raise WorkflowCompileError(
                        f"{label}: input {name!r} is given both by position and by name"
                    )
                given[name] = value
        unknown = [k for k in given if k not in iface.inputs]
        if unknown:
            raise WorkflowCompileError(
                f"{label}: unknown input(s) {', '.join(map(repr, unknown))}; its inputs are: "
                f"{', '.join(iface.inputs) or '(none)'}"
            )
        bindings: dict[str, Binding] = {}
        for name in sorted(iface.inputs):
            tp = iface.inputs[name]
            if name in given:
                value = given[name]
            elif name in iface.defaults:
                value = iface.defaults[name]
            elif is_optional(tp):
                value = None  # flytekit binds an omitted Optional input to None
            else:
                raise WorkflowCompileError(
                    f"{label}: missing input {name!r} (expected {type_name(tp)})"
                )
            bindings[name] = self.binder.bind(value, tp, f"{label}, input {name!r}")
        node = Node(
            node_id, index, kind, entity, iface, bindings, kind.metadata(entity), payload
        )
        self.nodes.append(node)
        return node

    def outputs_of(self, node: Node) -> Any:
        """What the call returns while compiling: a promise, a tuple of them, or a void one."""
        outputs = node.interface.outputs
        if not outputs:
            return VoidPromise(self.name, node)
        promises = [Promise(self.name, node, name, tp) for name, tp in outputs.items()]
        node.outputs = dict(zip(outputs, promises))
        tuple_class = node.interface.output_tuple
        if tuple_class is None:
            return promises[0]
        return outputs_tuple(tuple_class)(*promises)

    def bind_outputs(self, returned: Any, outputs: dict[str, Any]) -> dict[str, Binding]:
        """The workflow's output bindings from what its body returned."""
        names = list(outputs)
        where = f"workflow {self.name!r}"
        if not names:
            if returned is None or isinstance(returned, VoidPromise):
                return {}
            raise WorkflowCompileError(
                f"{where} declares no outputs but its body returned {_what(returned)}; "
                "annotate the return type"
            )
        if isinstance(returned, VoidPromise):
            raise WorkflowCompileError(
                f"{where} returns node {returned.node.id} ({returned.node.describe()}), which "
                "has no outputs"
            )
        if len(names) == 1:
            values = [returned[0] if _is_one_tuple(returned) else returned]
        else:
            if not isinstance(returned, tuple) or len(returned) != len(names):
                raise WorkflowCompileError(
                    f"{where} must return {len(names)} values ({', '.join(names)}), "
                    f"its body returned {_what(returned)}"
                )
            values = list(returned)
        if len(names) == 1 and returned is None:
            raise WorkflowCompileError(
                f"{where} declares output {names[0]!r} but its body returned None"
            )
        return {
            name: self.binder.bind(value, outputs[name], f"{where}, output {name!r}")
            for name, value in zip(names, values)
        }


def _is_one_tuple(value: Any) -> bool:
    """A one-field NamedTuple: a call's outputs, or one the body built (``Out(x=p)``)."""
    return (
        isinstance(value, tuple)
        and len(value) == 1
        and (isinstance(value, NodeOutputs) or hasattr(value, "_fields"))
    )


def _what(value: Any) -> str:
    if isinstance(value, Promise):
        return value.describe()
    if isinstance(value, tuple):
        return f"a tuple of {len(value)}"
    return f"a {type(value).__name__}"


def _body_line(exc: BaseException, fn: Callable[..., Any]) -> str:
    code = getattr(fn, "__code__", None)
    if code is None:
        return ""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename == code.co_filename and frame.name == code.co_name:
            return f" (line {frame.lineno}: {(frame.line or '').strip()})"
    return ""


def compile_body(
    name: str, fn: Callable[..., Any], interface: Interface
) -> tuple[list[Node], dict[str, Binding]]:
    """Run ``fn`` once with input promises; return its nodes and output bindings."""
    state = CompileState(name)
    inputs = {n: Promise(name, None, n, tp) for n, tp in interface.inputs.items()}
    token = context.compiling.set(state)
    try:
        returned = fn(**inputs)
    except WorkflowCompileError:
        raise
    except NameError as exc:
        raise WorkflowCompileError(
            f"workflow {name!r}: its body raised NameError: {exc}{_body_line(exc, fn)}. A "
            "workflow is compiled when it is decorated, so every task, workflow and launch "
            "plan it calls must be defined above it"
        ) from exc
    except Exception as exc:
        if type(exc).__module__.startswith("featherkit"):
            # featherkit's own errors say what is wrong already: name the workflow and line
            raise WorkflowCompileError(
                f"workflow {name!r}: {exc}{_body_line(exc, fn)}"
            ) from exc
        raise WorkflowCompileError(
            f"workflow {name!r}: its body raised {type(exc).__name__}: {exc}"
            f"{_body_line(exc, fn)}. A workflow body runs once when it is decorated, with "
            "promises for its inputs: it may only call tasks, workflows and launch plans "
            "(plain Python on a promise fails); do the work in a task"
        ) from exc
    finally:
        context.compiling.reset(token)
    state.check_complete()
    return state.nodes, state.bind_outputs(returned, interface.outputs)


__all__ = ["CompileState", "compile_body"]
