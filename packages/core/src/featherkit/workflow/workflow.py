"""``@workflow`` and the imperative ``Workflow`` builder.

A workflow is compiled once, when it is decorated: its body runs with a promise per input, and
the calls it makes become nodes (:mod:`featherkit.workflow.compiler`). The compiled graph is the
truth: serialization writes it, and calling the workflow runs it locally
(:mod:`featherkit.workflow.runner`) rather than running the body again.
"""

from __future__ import annotations

import enum
import inspect
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, overload

from featherkit import context
from featherkit.docs import Documentation
from featherkit.errors import TaskInputError
from featherkit.interface import Interface, interface_from_function, output_names
from featherkit.workflow.node import Node
from featherkit.workflow.promise import (
    Binding,
    Promise,
    WorkflowCompileError,
    node_of,
    type_name,
)

if TYPE_CHECKING:
    from flyteidl.core import interface_pb2

F = TypeVar("F", bound=Callable[..., Any])


class WorkflowFailurePolicy(enum.Enum):
    """What a failing node does to the rest of the workflow (Flyte's ``OnFailurePolicy``)."""

    FAIL_IMMEDIATELY = 0
    FAIL_AFTER_EXECUTABLE_NODES_COMPLETE = 1


_MUTABLE = (list, dict, set, bytearray)


class WorkflowBase:
    """A compiled workflow: a name, an interface, nodes and output bindings."""

    _node_kind = "workflow"

    def __init__(
        self,
        name: str,
        interface: Interface,
        *,
        docs: Documentation | None = None,
        interruptible: bool = False,
        failure_policy: WorkflowFailurePolicy | None = None,
        max_parallelism: int | None = None,
        module: str | None = None,
        on_failure: Any = None,
    ) -> None:
        if failure_policy is not None and not isinstance(failure_policy, WorkflowFailurePolicy):
            raise TypeError(
                f"workflow {name!r}: failure_policy must be a WorkflowFailurePolicy, got "
                f"{failure_policy!r}"
            )
        if max_parallelism is not None and (
            not isinstance(max_parallelism, int) or max_parallelism < 1
        ):
            raise ValueError(
                f"workflow {name!r}: max_parallelism must be a positive int, got "
                f"{max_parallelism!r}"
            )
        self._name = name
        self._python_interface = interface
        self._docs = docs
        self.interruptible = bool(interruptible)
        self.failure_policy = failure_policy or WorkflowFailurePolicy.FAIL_IMMEDIATELY
        self.max_parallelism = max_parallelism
        #: the failure handler (a task or workflow) and its compiled node ``fn0``
        #: (:mod:`featherkit.workflow.failure`)
        self.on_failure = on_failure
        self.failure_node: Node | None = None
        self.nodes: list[Node] = []
        self.output_bindings: dict[str, Binding] = {}
        self._module = module
        self._graph: tuple[list[Node], list[int], list[list[int]]] | None = None
        self._idl_interface: interface_pb2.TypedInterface | None = None
        self._default_literals: dict[str, Any] | None = None

    # -- identity ----------------------------------------------------------------------------

    @property
    def name(self) -> str:
        return self._name

    @property
    def python_interface(self) -> Interface:
        return self._python_interface

    @property
    def interface(self) -> interface_pb2.TypedInterface:
        if self._idl_interface is None:
            self._idl_interface = self._python_interface.to_idl()
        return self._idl_interface

    @property
    def docs(self) -> Documentation | None:
        return self._docs

    @property
    def instantiated_in(self) -> str | None:
        return self._module

    @property
    def continues_after_failure(self) -> bool:
        return self.failure_policy is WorkflowFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, nodes={len(self.nodes)})"

    # -- the compiled graph -----------------------------------------------------------------

    def graph(self) -> tuple[list[Node], list[int], list[list[int]]]:
        """Nodes, how many nodes each waits for, and the nodes waiting on each (by index)."""
        if self._graph is None:
            nodes = list(self.nodes)
            position = {id(n): i for i, n in enumerate(nodes)}
            waiting_on = [0] * len(nodes)
            dependents: list[list[int]] = [[] for _ in nodes]
            for i, node in enumerate(nodes):
                ups = [position[id(u)] for u in node.upstream_nodes if id(u) in position]
                waiting_on[i] = len(ups)
                for up in ups:
                    dependents[up].append(i)
            self._graph = (nodes, waiting_on, dependents)
        return self._graph

    def _changed(self) -> None:
        self._graph = None
        self._idl_interface = None
        self._default_literals = None

    def default_literals(self) -> dict[str, Any]:
        """The literal of each input's default (launch plans write them as parameters)."""
        if self._default_literals is None:
            from featherkit.type_registry import type_engine

            engine = type_engine()
            iface = self._python_interface
            literals = {}
            for name, value in iface.defaults.items():
                tp = iface.inputs[name]
                try:
                    engine.to_literal(value, tp, engine.to_literal_type(tp))
                except (TypeError, ValueError) as exc:
                    raise WorkflowCompileError(
                        f"workflow {self.name!r}, input {name!r}: the default {value!r} is not "
                        f"a {type_name(tp)} ({exc})"
                    ) from None
                literals[name] = parameter_default(value, tp)
            self._default_literals = literals
        return self._default_literals

    # -- calling -----------------------------------------------------------------------------

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        compiling = context.compiling.get()
        if compiling is not None:  # inside another workflow's body: a sub-workflow node
            return compiling.call(self, args, kwargs)
        if args:
            raise TaskInputError(
                f"workflow {self.name!r} takes keyword arguments only (got {len(args)} "
                "positional)"
            )
        return self.run(kwargs)

    def complete_inputs(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """Check inputs against the interface, fill defaults, and check each value's type."""
        from featherkit.type_registry import type_engine

        iface = self._python_interface
        unknown = [k for k in given if k not in iface.inputs]
        if unknown:
            raise TaskInputError(
                f"workflow {self.name!r} got unknown input(s) {', '.join(map(repr, unknown))}; "
                f"its inputs are: {', '.join(iface.inputs) or '(none)'}"
            )
        engine = None
        values: dict[str, Any] = {}
        for name, tp in iface.inputs.items():
            if name in given:
                value = given[name]
                if engine is None:
                    engine = type_engine()
                try:
                    engine.to_literal(value, tp, engine.to_literal_type(tp))
                except (TypeError, ValueError) as exc:
                    raise TaskInputError(
                        f"workflow {self.name!r}, input {name!r}: expected {type_name(tp)}, "
                        f"received {type(value).__name__} ({exc})"
                    ) from None
            elif name in iface.defaults:
                value = iface.defaults[name]
            else:
                raise TaskInputError(
                    f"workflow {self.name!r} is missing input {name!r} (expected "
                    f"{type_name(tp)})"
                )
            values[name] = value
        return values

    def run(
        self,
        inputs: Mapping[str, Any] | None = None,
        /,
        *,
        max_parallelism: int | None = None,
        **kwargs: Any,
    ) -> Any:
        """Run the compiled graph locally; ``max_parallelism=1`` runs one node at a time.

        Inputs come as a mapping (``wf.run({"x": 1})``) or as keywords (``wf.run(x=1)``).
        """
        from featherkit.workflow.runner import run_workflow

        given = self._given(inputs, kwargs)
        return run_workflow(self, self.complete_inputs(given), max_parallelism)

    async def run_async(
        self,
        inputs: Mapping[str, Any] | None = None,
        /,
        *,
        max_parallelism: int | None = None,
        **kwargs: Any,
    ) -> Any:
        """:meth:`run` for async code: awaits the run on the running loop without blocking it
        (``await wf.run_async(x=1)`` or ``await wf.run_async({"x": 1})``)."""
        from featherkit.workflow.runner import run_workflow_async

        given = self._given(inputs, kwargs)
        return await run_workflow_async(self, self.complete_inputs(given), max_parallelism)

    def _given(self, inputs: Mapping[str, Any] | None, kwargs: dict[str, Any]) -> Mapping[str, Any]:
        if inputs is not None and kwargs:
            raise TaskInputError(
                f"workflow {self.name!r}: give the inputs as a mapping or as keywords, not both"
            )
        return kwargs if inputs is None else inputs

    def result_of(self, outputs: dict[str, Any]) -> Any:
        """What a call returns for the output values: one value, a NamedTuple, or None."""
        if not outputs:
            return None
        tuple_class = self._python_interface.output_tuple
        if tuple_class is not None:
            return tuple_class(*(outputs[n] for n in self._python_interface.outputs))
        return next(iter(outputs.values()))


def parameter_default(value: Any, python_type: Any) -> Any:
    """The literal a launch plan parameter holds for a default: a ``None`` default is the bare
    none literal (as flytekit writes it), anything else the value's literal."""
    from featherkit.type_registry import type_engine

    if value is None:
        from flyteidl.core import literals_pb2

        literal = literals_pb2.Literal()
        literal.scalar.none_type.SetInParent()
        return literal
    engine = type_engine()
    return engine.to_literal(value, python_type, engine.to_literal_type(python_type))


def _check_defaults(name: str, interface: Interface) -> None:
    for key, value in interface.defaults.items():
        if isinstance(value, _MUTABLE) or (
            hasattr(value, "__dataclass_fields__") and not isinstance(value, type)
            and not value.__dataclass_params__.frozen
        ):
            raise WorkflowCompileError(
                f"workflow {name!r}, input {key!r}: a mutable default ({type(value).__name__}) "
                "would be shared by every run; default to None (Optional[...]) instead"
            )


class PythonFunctionWorkflow(WorkflowBase):
    """A workflow written as a decorated Python function."""

    def __init__(
        self,
        workflow_function: Callable[..., Any],
        *,
        docs: Documentation | None = None,
        interruptible: bool = False,
        failure_policy: WorkflowFailurePolicy | None = None,
        max_parallelism: int | None = None,
        on_failure: Any = None,
    ) -> None:
        if not callable(workflow_function):
            raise TypeError(f"@workflow needs a function, got {type(workflow_function).__name__}")
        if inspect.iscoroutinefunction(workflow_function):
            raise WorkflowCompileError(
                f"workflow {workflow_function.__qualname__!r}: a workflow body is not run "
                "asynchronously; write it as a plain def (tasks may be async)"
            )
        name = f"{workflow_function.__module__}.{workflow_function.__name__}"
        interface = interface_from_function(workflow_function, f"workflow {name!r}")
        _check_defaults(name, interface)
        super().__init__(
            name,
            interface,
            docs=docs,
            interruptible=interruptible,
            failure_policy=failure_policy,
            max_parallelism=max_parallelism,
            module=workflow_function.__module__,
            on_failure=on_failure,
        )
        self._workflow_function = workflow_function
        self.__doc__ = workflow_function.__doc__
        self.__wrapped__ = workflow_function
        self.compile()

    def compile(self) -> None:
        from featherkit.workflow.compiler import compile_body

        self.nodes, self.output_bindings = compile_body(
            self.name, self._workflow_function, self._python_interface
        )
        if self.on_failure is not None:
            from featherkit.workflow.failure import compile_failure_node

            self.failure_node = compile_failure_node(self, self.on_failure)
        self._changed()
        self.default_literals()  # a default that does not fit its type fails here

    @property
    def workflow_function(self) -> Callable[..., Any]:
        return self._workflow_function

    @property
    def lhs(self) -> str:
        return self._workflow_function.__name__

    @property
    def docs(self) -> Documentation | None:
        if self._docs is None and self._workflow_function.__doc__:
            parsed = self.python_interface.docstring
            if parsed.short_description or parsed.long_description:
                self._docs = Documentation(
                    short_description=parsed.short_description,
                    long_description=parsed.long_description,
                )
        return self._docs


@overload
def workflow(_fn: Callable[..., Any]) -> PythonFunctionWorkflow: ...


@overload
def workflow(
    _fn: None = None,
    *,
    docs: Documentation | None = None,
    interruptible: bool = False,
    failure_policy: WorkflowFailurePolicy | None = None,
    max_parallelism: int | None = None,
    on_failure: Any = None,
) -> Callable[[Callable[..., Any]], PythonFunctionWorkflow]: ...


def workflow(
    _fn: Callable[..., Any] | None = None,
    *,
    docs: Documentation | None = None,
    interruptible: bool = False,
    failure_policy: WorkflowFailurePolicy | None = None,
    max_parallelism: int | None = None,
    on_failure: Any = None,
) -> PythonFunctionWorkflow | Callable[[Callable[..., Any]], PythonFunctionWorkflow]:
    """Make a Flyte workflow of a function whose body calls tasks; bare or with arguments.

    The body runs once, now, with promises for its inputs. ``max_parallelism`` bounds how many
    nodes a local run runs at once (default: ``min(32, cpu count + 4)``). ``on_failure``: a
    task or workflow run when a node fails (:mod:`featherkit.workflow.failure`).
    """

    def decorate(fn: Callable[..., Any]) -> PythonFunctionWorkflow:
        return PythonFunctionWorkflow(
            fn,
            docs=docs,
            interruptible=interruptible,
            failure_policy=failure_policy,
            max_parallelism=max_parallelism,
            on_failure=on_failure,
        )

    if _fn is not None:
        return decorate(_fn)
    return decorate


class ImperativeWorkflow(WorkflowBase):
    """A workflow built call by call: ``add_workflow_input``, ``add_entity``,
    ``add_workflow_output`` (flytekit's imperative workflow, exported as ``Workflow``)."""

    def __init__(
        self,
        name: str,
        failure_policy: WorkflowFailurePolicy | None = None,
        interruptible: bool = False,
        *,
        docs: Documentation | None = None,
        max_parallelism: int | None = None,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise TypeError(f"Workflow needs a name, got {name!r}")
        module = sys._getframe(1).f_globals.get("__name__")
        super().__init__(
            name,
            Interface(),
            docs=docs,
            interruptible=interruptible,
            failure_policy=failure_policy,
            max_parallelism=max_parallelism,
            module=module,
        )
        from featherkit.workflow.compiler import CompileState

        self._state = CompileState(name)
        self._inputs: dict[str, Promise] = {}

    @property
    def inputs(self) -> dict[str, Promise]:
        return dict(self._inputs)

    def add_workflow_input(self, input_name: str, python_type: Any) -> Promise:
        """Declare an input; returns its promise, to pass to :meth:`add_entity`."""
        if input_name in self._inputs:
            raise WorkflowCompileError(
                f"workflow {self.name!r}: input {input_name!r} is declared twice"
            )
        self._python_interface.inputs[input_name] = python_type
        promise = Promise(self.name, None, input_name, python_type)
        self._inputs[input_name] = promise
        self._changed()
        return promise

    def add_entity(self, entity: Any, **kwargs: Any) -> Node:
        """Add a node calling a task, workflow or launch plan; returns the node (its
        ``outputs`` map output names to promises)."""
        count = len(self._state.nodes)
        result = self._state.call(entity, (), kwargs)
        node = node_of(result)
        if node is None:
            node = self._state.nodes[count]
        self.nodes = list(self._state.nodes)
        self._changed()
        return node

    add_task = add_entity
    add_subwf = add_entity
    add_launch_plan = add_entity

    def add_workflow_output(
        self, output_name: str, p: Any, python_type: Any | None = None
    ) -> None:
        """Bind output ``output_name`` to a promise (or a list / dict of them, or a constant
        with its ``python_type``)."""
        if output_name in self.output_bindings:
            raise WorkflowCompileError(
                f"workflow {self.name!r}: output {output_name!r} is declared twice"
            )
        if python_type is None:
            if not isinstance(p, Promise):
                raise WorkflowCompileError(
                    f"workflow {self.name!r}, output {output_name!r}: give python_type= for "
                    f"a value that is not a promise ({type(p).__name__})"
                )
            python_type = p.python_type
        binding = self._state.binder.bind(
            p, python_type, f"workflow {self.name!r}, output {output_name!r}"
        )
        outputs = {**self._python_interface.outputs, output_name: python_type}
        self._python_interface.outputs[output_name] = python_type
        self._python_interface.output_tuple = (
            output_names_tuple(outputs) if len(outputs) > 1 else None
        )
        self.output_bindings[output_name] = binding
        self._changed()


def output_names_tuple(outputs: dict[str, Any]) -> type:
    import typing

    return typing.cast(type, typing.NamedTuple("Outputs", list(outputs.items())))


#: flytekit exports the imperative workflow as ``Workflow``
Workflow = ImperativeWorkflow

__all__ = [
    "ImperativeWorkflow",
    "PythonFunctionWorkflow",
    "Workflow",
    "WorkflowBase",
    "WorkflowFailurePolicy",
    "output_names",
    "workflow",
]
