"""Conditionals: ``conditional(name).if_(...).then(...).elif_(...).then(...).else_()...``.

::

    result = (
        conditional("size")
        .if_((n > 0) & (n < 10)).then(small(n=n))
        .elif_(n >= 10).then(large(n=n))
        .else_().fail("n must be positive")
    )

A conditional in a workflow body becomes one ``BranchNode``. Conditions compare promises (a
workflow input, a node's output) with constants or other promises (``== != < <= > >=``) and
combine comparisons with ``&`` and ``|``; Python's ``and``/``or``/``not``/``is``, or a promise
used as a bool, cannot be recorded and are an error at decoration that says so. Each branch
runs exactly one call (a task, a workflow, a launch plan, a map task or another
conditional); ``else_().fail(message)`` fails the workflow instead.

On the wire (as flytekit 1.16 writes it): the branch node's inputs are the promises the
conditions read, named ``"<node id>.<output>"`` (``".x"`` for workflow input ``x``,
``"n0.o0"``), its ``upstream_node_ids`` the nodes those come from, and the nodes inside the
branches are numbered ``n0, n1, ...`` across the conditional's branches, apart from the
workflow's own numbering. Its outputs are the outputs every branch shares (by name).

Locally only the chosen branch runs; a ``fail`` raises :class:`ConditionalFailure`, which is
also a ``ValueError`` (as flytekit's is), carrying the message.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from featherkit import context
from featherkit.interface import Interface
from featherkit.workflow.node import Node, NodeKind, NodeMetadata, call_outputs, register_node_kind
from featherkit.workflow.promise import (
    _LOGIC_HINT,
    Binding,
    ComparisonExpression,
    ConjunctionExpression,
    Promise,
    PromiseBinding,
    WorkflowCompileError,
    _describe,
    _Expression,
    node_of,
    operand_var,
    promises_in,
    resolve,
)
from featherkit.workflow.runner import WorkflowExecutionError

if TYPE_CHECKING:
    from flyteidl.core import workflow_pb2

    from featherkit.workflow.compiler import CompileState
    from featherkit.workflow.runner import Run
    from featherkit.workflow.serialize import SerializeContext

class ConditionalFailure(ValueError):
    """``else_().fail(message)`` was reached in a local run (a ``ValueError``, as flytekit's)."""

    def __init__(self, message: str, conditional: str, node_id: str) -> None:
        super().__init__(message)
        self.message = message
        self.conditional = conditional
        self.node_id = node_id


class ConditionalFailureInWorkflow(WorkflowExecutionError, ValueError):
    """A workflow stopped by a conditional's ``fail``: a workflow error that is also a
    ``ValueError``, so ``except ValueError`` catches it as it catches flytekit's."""


ConditionalFailure.workflow_error_class = ConditionalFailureInWorkflow  # type: ignore[attr-defined]
ConditionalFailureInWorkflow.workflow_error_class = ConditionalFailureInWorkflow  # type: ignore[attr-defined]


# --- the section: what conditional(...) returns ------------------------------------------------


class Case:
    """One ``if_`` / ``elif_`` / ``else_`` of a conditional."""

    def __init__(self, section: ConditionalSection, expr: _Expression | None, stmt: str) -> None:
        self.section = section
        self.expr = expr
        self.stmt = stmt
        self.output: Any = None
        self.node: Node | None = None
        self.error: str | None = None
        self._start = len(section.inner.nodes)
        self._done = False

    def describe(self) -> str:
        if self.expr is None:
            return f"{self.section.describe()}, else_()"
        return f"{self.section.describe()}, {self.stmt}({self.expr!r})"

    def then(self, result: Any) -> Any:
        """The call this branch runs (made inside the parentheses); ends the branch."""
        self.section.leave_branch(self)
        if self._done:
            raise WorkflowCompileError(f"{self.describe()}: then() or fail() was already called")
        self._done = True
        if self.section.inner.open_sections:
            nested = self.section.inner.open_sections[0]
            raise WorkflowCompileError(
                f"{self.describe()}: {nested.describe()} inside it has no else_()"
            )
        made = self.section.inner.nodes[self._start:]
        node = node_of(result)
        if node is None or all(node is not n for n in made):
            raise WorkflowCompileError(
                f"{self.describe()}: then() needs the result of a call made inside it (a task, "
                f"workflow, launch plan, map task or conditional), got {_describe(result)}"
            )
        if len(made) > 1:
            calls = ", ".join(n.describe() for n in made)
            raise WorkflowCompileError(
                f"{self.describe()}: a branch runs exactly one call, this one makes "
                f"{len(made)} ({calls}); put them in a @workflow and call that"
            )
        self.output = result
        self.node = node
        return self.section.end_case(self)

    def fail(self, message: str) -> Any:
        """End the conditional by failing the workflow with ``message`` (``else_()`` only)."""
        self.section.leave_branch(self)
        if self.expr is not None:
            raise WorkflowCompileError(
                f"{self.describe()}: fail() ends a conditional: use it after else_()"
            )
        if not isinstance(message, str):
            raise WorkflowCompileError(
                f"{self.describe()}: fail() needs a message string, got {_describe(message)}"
            )
        made = self.section.inner.nodes[self._start:]
        if made:
            raise WorkflowCompileError(
                f"{self.describe()}: fail() runs no call, yet {made[0].describe()} was called "
                "inside it"
            )
        self._done = True
        self.error = message
        return self.section.end_case(self)


class Condition:
    """What a branch's ``then`` returns before the ``else_``: ``elif_`` or ``else_`` next."""

    def __init__(self, section: ConditionalSection) -> None:
        self.section = section

    def elif_(self, expr: Any) -> Case:
        return self.section.start_case(expr, "elif_")

    def else_(self) -> Case:
        return self.section.start_case(None, "else_")

    def if_(self, expr: Any) -> Case:
        raise WorkflowCompileError(
            f"{self.section.describe()}: if_() was already given; continue with elif_() or "
            "else_()"
        )

    def __bool__(self) -> bool:
        raise WorkflowCompileError(
            f"{self.section.describe()} is not finished: end it with .else_().then(...) or "
            ".else_().fail(message)"
        )

    def __repr__(self) -> str:
        return f"Condition({self.section.describe()})"


class ConditionalSection:
    """A conditional being compiled: its cases and the nodes its branches call."""

    _node_kind = "branch"

    def __init__(self, name: str, outer: CompileState) -> None:
        from featherkit.workflow.compiler import CompileState

        if not isinstance(name, str) or not name:
            raise WorkflowCompileError(
                f"workflow {outer.name!r}: conditional() needs a name string, got {name!r}"
            )
        self.name = name
        self.outer = outer
        self.inner = CompileState(outer.name)
        self.cases: list[Case] = []
        self._token: Any = None
        self.node: Node | None = None
        outer.open_sections.append(self)

    def describe(self) -> str:
        return f"conditional {self.name!r}"

    # -- building ----------------------------------------------------------------------------

    def if_(self, expr: Any) -> Case:
        if self.cases:
            raise WorkflowCompileError(
                f"{self.describe()}: if_() was already given; continue with elif_() or else_()"
            )
        return self.start_case(expr, "if_")

    def start_case(self, expr: Any, stmt: str) -> Case:
        if self.node is not None:
            raise WorkflowCompileError(f"{self.describe()} is already complete")
        if self.cases and not self.cases[-1]._done:
            raise WorkflowCompileError(
                f"{self.describe()}: {stmt}() after {self.cases[-1].stmt}() without then()"
            )
        if stmt != "else_":
            self._check_condition(expr, stmt)
        case = Case(self, expr, stmt)
        self.cases.append(case)
        # calls made until then() are this branch's: record them in the conditional
        self._token = context.compiling.set(self.inner)
        return case

    def _check_condition(self, expr: Any, stmt: str) -> None:
        where = f"workflow {self.outer.name!r}, {self.describe()}, {stmt}()"
        if isinstance(expr, bool):
            raise WorkflowCompileError(
                f"{where}: the condition is the bool {expr}, already evaluated by Python "
                f"(and/or/not/is cannot be recorded): {_LOGIC_HINT}"
            )
        if isinstance(expr, Promise):
            raise WorkflowCompileError(
                f"{where}: the condition is {expr.describe()} itself; a promise cannot be "
                f"used as a bool: compare it, e.g. ({expr.var} == True): {_LOGIC_HINT}"
            )
        if not isinstance(expr, _Expression):
            raise WorkflowCompileError(
                f"{where}: expected a comparison of promises (== != < <= > >=) or a "
                f"combination of them with & and |, got {_describe(expr)}"
            )
        inner = {id(n) for n in self.inner.nodes}
        for promise in expr.promises():
            if promise.node is not None and id(promise.node) in inner:
                raise WorkflowCompileError(
                    f"{where}: the condition reads {promise.describe()}, a call made inside "
                    "this conditional's branches; conditions read workflow inputs and nodes "
                    "called before the conditional"
                )

    def leave_branch(self, case: Case) -> None:
        if self._token is not None:
            context.compiling.reset(self._token)
            self._token = None

    def end_case(self, case: Case) -> Any:
        if case.stmt != "else_":
            return Condition(self)
        if len(self.cases) < 2:
            raise WorkflowCompileError(f"{self.describe()}: else_() needs an if_() before it")
        self.outer.open_sections.remove(self)
        return self._finish()

    # -- the branch node ---------------------------------------------------------------------

    def _output_names(self) -> list[str] | None:
        """Outputs every branch has (names of the first branch's, in order); None: void."""
        names: list[str] | None = None
        for case in self.cases:
            if case.error is not None:
                continue
            node = case.node
            assert node is not None
            these = list(node.interface.outputs)
            if not these:
                return None
            names = these if names is None else [n for n in names if n in these]
        return names or None

    def _finish(self) -> Any:
        outer = self.outer
        promises: dict[str, Promise] = {}
        for case in self.cases:
            if case.expr is not None:
                for promise in case.expr.promises():
                    promises.setdefault(operand_var(promise), promise)
        names = self._output_names()
        first = next(c.node for c in self.cases if c.node is not None) if names else None
        outputs = {n: first.interface.outputs[n] for n in names} if first and names else {}
        condition_vars = sorted(promises)
        bindings: dict[str, Binding] = {
            var: PromiseBinding(promises[var]) for var in condition_vars
        }
        # what the branches' calls read, carried so that a local run can resolve their inputs
        for case in self.cases:
            if case.node is not None:
                for promise in _needs(case.node):
                    key = operand_var(promise)
                    if key not in bindings:
                        bindings[key] = PromiseBinding(_whole(promise))
        interface = Interface(
            inputs={k: _type_of(b) for k, b in bindings.items()},
            outputs=outputs,
        )
        node = Node(
            outer.next_id(),
            len(outer.nodes),
            _KIND,
            self,
            interface,
            bindings,
            NodeMetadata(name=self.name),
            BranchPayload(self, condition_vars),
        )
        outer.nodes.append(node)
        self.node = node
        return outer.outputs_of(node)


def _type_of(binding: Binding) -> Any:
    return binding.promise.python_type if isinstance(binding, PromiseBinding) else Any


def _needs(node: Node) -> list[Promise]:
    """Promises of outer nodes a branch's node reads (through nested conditionals too)."""
    found: list[Promise] = []
    for binding in node.bindings.values():
        found.extend(promises_in(binding))
    return found


def _whole(promise: Promise) -> Promise:
    """The promise of a whole output (no attribute path), to carry between nodes."""
    if not promise.attr_path:
        return promise
    node = promise.node
    tp = node.interface.outputs.get(promise.var, Any) if node is not None else Any
    return Promise(promise._owner, node, promise.var, tp)


class BranchPayload:
    """A branch node's kind-specific data: its section and the condition operand names."""

    def __init__(self, section: ConditionalSection, condition_vars: list[str]) -> None:
        self.section = section
        self.condition_vars = condition_vars


def conditional(name: str) -> ConditionalSection:
    """Begin a conditional named ``name`` inside a workflow (or dynamic) body."""
    state = context.compiling.get()
    if state is None:
        raise WorkflowCompileError(
            f"conditional({name!r}) is for workflow bodies: it records a branch node while a "
            "@workflow (or @dynamic) body is compiled; outside one, use Python's if"
        )
    return ConditionalSection(name, state)


# --- the node kind ----------------------------------------------------------------------------


class BranchNodeKind(NodeKind):
    name = "branch"
    label = "conditional"

    def describe(self, entity: Any) -> str:
        return f"conditional {entity.name!r}"

    def fill(self, node: Node, message: workflow_pb2.Node, ctx: SerializeContext) -> None:
        from flyteidl.core import literals_pb2

        payload: BranchPayload = node.payload
        section = payload.section
        # flytekit's form: the inputs are the promises the conditions read, the upstream
        # nodes theirs (and any >>); what the branches read travels in their own nodes
        del message.inputs[:]
        for var in payload.condition_vars:
            message.inputs.append(
                literals_pb2.Binding(var=var, binding=ctx.binding_data(node.bindings[var]))
            )
        upstream: dict[int, Node] = {}
        for var in payload.condition_vars:
            for promise in promises_in(node.bindings[var]):
                if promise.node is not None:
                    upstream[id(promise.node)] = promise.node
        for other in node._explicit:
            upstream[id(other)] = other
        del message.upstream_node_ids[:]
        message.upstream_node_ids.extend(
            n.id for n in sorted(upstream.values(), key=lambda n: n.index)
        )
        block = message.branch_node.if_else
        cases = section.cases
        block.case.condition.CopyFrom(cases[0].expr.to_idl())  # type: ignore[union-attr]
        block.case.then_node.CopyFrom(ctx.node(cases[0].node))  # type: ignore[arg-type]
        for case in cases[1:-1]:
            other = block.other.add()
            other.condition.CopyFrom(case.expr.to_idl())  # type: ignore[union-attr]
            other.then_node.CopyFrom(ctx.node(case.node))  # type: ignore[arg-type]
        last = cases[-1]
        if last.error is not None:
            block.error.failed_node_id = section.name
            block.error.message = last.error
        else:
            block.else_node.CopyFrom(ctx.node(last.node))  # type: ignore[arg-type]

    def _inner(self, node: Node) -> list[Node]:
        return [c.node for c in node.payload.section.cases if c.node is not None]

    def references(self, node: Node) -> Iterable[Any]:
        for inner in self._inner(node):
            yield from inner.kind.references(inner)

    def sub_workflows(self, node: Node) -> Iterable[Any]:
        for inner in self._inner(node):
            yield from inner.kind.sub_workflows(inner)

    def is_async(self, node: Node) -> bool:
        return True

    async def run_async(self, node: Node, inputs: dict[str, Any], run: Run) -> Any:
        section: ConditionalSection = node.payload.section
        results: dict[str, dict[str, Any]] = {}
        for key, value in inputs.items():
            node_id, _, var = key.partition(".")
            results.setdefault(node_id, {})[var] = value

        def value_of(promise: Promise) -> Any:
            return resolve(PromiseBinding(promise), results)

        for case in section.cases:
            if case.expr is not None and not case.expr.evaluate(value_of):
                continue
            if case.error is not None:
                raise ConditionalFailure(case.error, section.name, node.id)
            chosen = case.node
            assert chosen is not None
            kind = chosen.kind
            chosen_inputs = {n: resolve(b, results) for n, b in chosen.bindings.items()}
            if kind.is_async(chosen):
                returned = await kind.run_async(chosen, chosen_inputs, run)
            else:
                import asyncio
                import contextvars
                import functools

                loop = asyncio.get_running_loop()
                call = functools.partial(kind.run_sync, chosen, chosen_inputs, run)
                returned = await loop.run_in_executor(
                    run.pool(), contextvars.copy_context().run, call
                )
            values = call_outputs(chosen, returned)
            names = list(node.interface.outputs)
            if not names:
                return None
            if len(names) == 1:
                return values[names[0]]
            tuple_class = node.interface.output_tuple
            assert tuple_class is not None
            return tuple_class(*(values[n] for n in names))
        raise ConditionalFailure(  # unreachable: a conditional always ends with else_
            "no branch matched", section.name, node.id
        )


_KIND = register_node_kind(BranchNodeKind())


__all__ = [
    "BranchNodeKind",
    "ComparisonExpression",
    "ConditionalFailure",
    "ConditionalFailureInWorkflow",
    "ConditionalSection",
    "ConjunctionExpression",
    "conditional",
    "operand_var",
]
