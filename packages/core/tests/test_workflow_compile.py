"""@workflow authoring: nodes, promises, every binding and output kind, and every misuse."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple, Optional

import pytest

from featherkit import LaunchPlan, Workflow, task, workflow
from featherkit.workflow import Promise, VoidPromise, WorkflowCompileError
from featherkit.workflow.promise import (
    CollectionBinding,
    ConstantBinding,
    MapBinding,
    PromiseBinding,
)


@dataclass
class Point:
    x: int
    tags: list[str]
    extra: dict[str, int]


class Pair(NamedTuple):
    total: int
    label: str


@task
def add(a: int, b: int = 10) -> int:
    return a + b


@task
def fmt(n: int, prefix: str) -> str:
    return f"{prefix}{n}"


@task
def make_point(n: int) -> Point:
    return Point(x=n, tags=[str(n)], extra={"k": n})


@task
def pair(n: int) -> Pair:
    return Pair(n, str(n))


@task
def two(n: int) -> tuple[int, str]:
    return n, str(n)


@task
def total(xs: list[int], m: dict[str, int]) -> int:
    return sum(xs) + sum(m.values())


@task
def noop() -> None:
    return None


@task
def maybe(x: Optional[int] = None) -> int:
    return x or 0


def test_nodes_are_numbered_in_call_order_and_inputs_are_start_node_promises() -> None:
    @workflow
    def wf(a: int, prefix: str = "n=") -> str:
        n = add(a=a)
        return fmt(n=n, prefix=prefix)

    assert [n.id for n in wf.nodes] == ["n0", "n1"]
    first, second = wf.nodes
    assert first.entity is add and second.entity is fmt
    assert list(first.bindings) == ["a", "b"]
    a_binding = first.bindings["a"]
    assert isinstance(a_binding, PromiseBinding)
    assert a_binding.promise.node_id == "" and a_binding.promise.var == "a"
    b_binding = first.bindings["b"]
    assert isinstance(b_binding, ConstantBinding) and b_binding.value == 10  # task default
    assert [u.id for u in second.upstream_nodes] == ["n0"]
    assert wf.python_interface.defaults == {"prefix": "n="}
    out = wf.output_bindings["o0"]
    assert isinstance(out, PromiseBinding) and out.promise.node_id == "n1"


def test_calls_return_one_promise_a_named_tuple_or_a_void_promise() -> None:
    seen: dict[str, object] = {}

    @workflow
    def wf(a: int) -> int:
        seen["one"] = add(a=a)
        seen["pair"] = pair(n=a)
        seen["two"] = two(n=a)
        seen["void"] = noop()
        return add(a=seen["pair"].total)  # type: ignore[attr-defined]

    assert isinstance(seen["one"], Promise)
    p = seen["pair"]
    assert isinstance(p, Pair) and [x.var for x in p] == ["total", "label"]  # type: ignore[attr-defined]
    n, s = seen["two"]  # type: ignore[misc]
    assert (n.var, s.var) == ("o0", "o1")
    assert isinstance(seen["void"], VoidPromise)
    assert wf(a=1) == 11


def test_attribute_access_and_indexing_on_dataclass_list_and_dict_outputs() -> None:
    @workflow
    def wf(n: int) -> str:
        p = make_point(n=n)
        return fmt(n=p.extra["k"], prefix=p.tags[0])

    fmt_node = wf.nodes[1]
    promise_n = fmt_node.bindings["n"].promise  # type: ignore[union-attr]
    assert promise_n.attr_path == ("extra", "k")
    assert fmt_node.bindings["prefix"].promise.attr_path == ("tags", 0)  # type: ignore[union-attr]
    assert wf(n=4) == "44"


def test_constants_lists_and_dicts_mixing_promises() -> None:
    @workflow
    def wf(a: int) -> int:
        p = make_point(n=a)
        return total(xs=[p.x, 3, a], m={"k": p.x, "c": 2})

    node = wf.nodes[1]
    xs = node.bindings["xs"]
    assert isinstance(xs, CollectionBinding)
    assert [type(b).__name__ for b in xs.items] == [
        "PromiseBinding", "ConstantBinding", "PromiseBinding"
    ]
    m = node.bindings["m"]
    assert isinstance(m, MapBinding) and set(m.items) == {"k", "c"}
    assert wf(a=2) == (2 + 3 + 2) + (2 + 2)


def test_optional_input_takes_a_constant_none_and_a_promise() -> None:
    @workflow
    def wf(a: int) -> int:
        return add(a=maybe(x=a), b=maybe())

    assert wf(a=5) == 5


@task
def optional_only(x: Optional[int]) -> int:
    return -1 if x is None else x


def test_an_omitted_optional_input_is_bound_to_none() -> None:
    @workflow
    def wf() -> int:
        return optional_only()

    binding = wf.nodes[0].bindings["x"]
    assert isinstance(binding, ConstantBinding) and binding.value is None
    assert wf() == -1


def test_runs_before_and_rshift_add_upstream_without_data() -> None:
    @workflow
    def wf() -> None:
        first = noop()
        second = noop()
        third = noop()
        first >> second
        third.runs_before(first)

    n0, n1, _ = wf.nodes
    assert [u.id for u in n1.upstream_nodes] == ["n0"]
    assert [u.id for u in n0.upstream_nodes] == ["n2"]
    assert not n0.bindings


def test_workflow_outputs_named_tuple_and_positional_tuple() -> None:
    @workflow
    def named(a: int) -> Pair:
        n = add(a=a)
        return Pair(total=n, label=fmt(n=n, prefix="x"))

    assert list(named.python_interface.outputs) == ["total", "label"]
    assert named(a=1) == Pair(11, "x11")

    @workflow
    def plain(a: int) -> tuple[int, str]:
        return two(n=a)

    assert list(plain.output_bindings) == ["o0", "o1"]
    assert plain(a=3) == (3, "3")

    @workflow
    def constant() -> int:
        return 7

    assert isinstance(constant.output_bindings["o0"], ConstantBinding)
    assert constant() == 7


class Only(NamedTuple):
    value: int


def test_one_field_named_tuple_output_built_in_the_body() -> None:
    @workflow
    def wf(a: int) -> Only:
        return Only(value=add(a=a))

    assert list(wf.output_bindings) == ["value"]
    assert wf(a=1) == Only(11)


def test_docstring_descriptions_and_defaults() -> None:
    @workflow
    def wf(a: int, prefix: str = "v") -> str:
        """Format a number.

        :param a: the number
        """
        return fmt(n=a, prefix=prefix)

    assert wf.python_interface.input_descriptions == {"a": "the number"}
    assert wf.docs is not None and wf.docs.short_description == "Format a number."
    assert wf(a=1) == "v1"


def test_subworkflow_and_launch_plan_calls_record_nodes() -> None:
    @workflow
    def inner(a: int, prefix: str = "n=") -> str:
        return fmt(n=add(a=a), prefix=prefix)

    plan = LaunchPlan.get_or_create(
        inner, name="test_compile.fixed", fixed_inputs={"a": 1}, default_inputs={"prefix": "p"}
    )

    @workflow
    def outer(a: int) -> list[str]:
        return [inner(a=a), plan()]

    sub, lp_node = outer.nodes
    assert sub.kind.name == "workflow" and lp_node.kind.name == "launch_plan"
    assert set(sub.bindings) == {"a", "prefix"}  # the default is bound, as flytekit does
    assert set(lp_node.bindings) == {"prefix"}  # fixed inputs are not
    assert lp_node.bindings["prefix"].value == "p"  # type: ignore[union-attr]
    assert outer(a=5) == ["n=15", "p11"]


def test_imperative_workflow_builder() -> None:
    wb = Workflow(name="test_compile.imperative")
    a = wb.add_workflow_input("a", int)
    node = wb.add_entity(add, a=a)
    second = wb.add_entity(fmt, n=node.outputs["o0"], prefix="x")
    wb.add_workflow_output("out", second.outputs["o0"])
    wb.add_workflow_output("n", node.outputs["o0"])
    assert [n.id for n in wb.nodes] == ["n0", "n1"]
    assert list(wb.python_interface.outputs) == ["out", "n"]
    assert wb(a=1) == ("x11", 11)


def test_imperative_output_needs_a_type_for_a_constant() -> None:
    wb = Workflow(name="test_compile.imperative_bad")
    with pytest.raises(WorkflowCompileError, match="output 'o': give python_type="):
        wb.add_workflow_output("o", [1, 2])
    wb.add_workflow_input("a", int)
    with pytest.raises(WorkflowCompileError, match="input 'a' is declared twice"):
        wb.add_workflow_input("a", int)


# -- misuse: an error at decoration naming workflow, node and input ----------------------------

NAME = "test_workflow_compile"


def _compile_error(body: object) -> str:
    with pytest.raises(WorkflowCompileError) as info:
        workflow(body)  # type: ignore[call-overload]
    return str(info.value)


def test_promise_used_as_bool() -> None:
    def wf(a: int) -> int:
        n = add(a=a)
        if n:
            return n
        return add(a=1)

    message = _compile_error(wf)
    assert f"workflow '{NAME}.wf'" in message
    assert "output 'o0' of node n0 (task '" in message and "add'" in message
    assert "used as a bool" in message


def test_unknown_kwarg() -> None:
    def wf(a: int) -> int:
        return add(a=a, c=3)

    message = _compile_error(wf)
    assert message.startswith(f"workflow '{NAME}.wf', node n0 (task '{NAME}.add')")
    assert "unknown input(s) 'c'; its inputs are: a, b" in message


def test_missing_input() -> None:
    def wf(a: int) -> str:
        return fmt(n=a)

    message = _compile_error(wf)
    assert f"workflow '{NAME}.wf', node n0 (task '{NAME}.fmt'): missing input 'prefix'" in (
        message
    )
    assert "expected str" in message


def test_default_of_the_wrong_type() -> None:
    def wf(a: int = None) -> int:  # type: ignore[assignment]  # noqa: RUF013
        return add(a=1)

    message = _compile_error(wf)
    assert message.startswith(f"workflow '{NAME}.wf', input 'a': the default None is not a int")


def test_mutable_default() -> None:
    def wf(xs: list[int] = []) -> int:  # noqa: B006
        return total(xs=xs, m={})

    message = _compile_error(wf)
    assert f"workflow '{NAME}.wf', input 'xs': a mutable default (list)" in message


def test_plain_function_on_a_promise() -> None:
    def wf(a: float) -> int:
        return add(a=math.floor(a))

    message = _compile_error(wf)
    assert f"workflow '{NAME}.wf'" in message
    assert "input 'a' is a promise, not a value" in message


def test_str_and_format_of_a_promise() -> None:
    def as_str(a: int) -> str:
        return fmt(n=a, prefix=str(a))

    assert "input 'a' is a promise, not a value" in _compile_error(as_str)
    assert "str()" in _compile_error(as_str)

    def formatted(a: int) -> str:
        return fmt(n=a, prefix=f"{a}:")

    assert "formatted into a string" in _compile_error(formatted)


def test_wrong_constant_type() -> None:
    def wf() -> int:
        return add(a="three")

    message = _compile_error(wf)
    assert f"workflow '{NAME}.wf', node n0 (task '{NAME}.add'), input 'a': expected int" in (
        message
    )


def test_promise_of_the_wrong_type() -> None:
    def wf(s: str) -> int:
        return add(a=s)

    message = _compile_error(wf)
    assert "input 'a': expected int, received input 's' of type str" in message


def test_void_promise_as_input_and_tuple_as_input() -> None:
    def void(a: int) -> int:
        return add(a=noop())

    assert "which has no outputs" in _compile_error(void)

    def tupled(a: int) -> int:
        return add(a=two(n=a))

    assert "a tuple of 2 promises" in _compile_error(tupled)


def test_bad_attribute_and_index() -> None:
    def attr(a: int) -> int:
        return add(a=make_point(n=a).nope)

    assert "has no attribute 'nope': Point has fields x, tags, extra" in _compile_error(attr)

    def index(a: int) -> int:
        return add(a=add(a=a)[0])

    assert "cannot be indexed by 0" in _compile_error(index)


def test_output_count_mismatch_and_missing_return() -> None:
    def short(a: int) -> tuple[int, str]:
        return add(a=a)

    assert "must return 2 values (o0, o1)" in _compile_error(short)

    def nothing(a: int) -> int:
        add(a=a)
        return None  # type: ignore[return-value]

    assert "declares output 'o0' but its body returned None" in _compile_error(nothing)

    def undeclared(a: int):  # type: ignore[no-untyped-def]
        return add(a=a)

    assert "declares no outputs" in _compile_error(undeclared)


def test_fixed_launch_plan_input_cannot_be_given() -> None:
    @workflow
    def inner(a: int) -> int:
        return add(a=a)

    plan = LaunchPlan.get_or_create(inner, name="test_compile.fixed_a", fixed_inputs={"a": 1})

    def wf() -> int:
        return plan(a=2)

    message = _compile_error(wf)
    assert "node n0 (launch plan 'test_compile.fixed_a')" in message
    assert "'a' are fixed by the launch plan" in message


def test_rshift_on_workflow_input_is_an_error() -> None:
    def wf(a: int) -> None:
        a >> noop()  # type: ignore[operator]

    assert "a workflow input cannot be ordered" in _compile_error(wf)


def test_async_body_is_rejected() -> None:
    async def wf(a: int) -> int:
        return 1

    assert "write it as a plain def" in _compile_error(wf)


def test_positional_arguments_bind_in_order() -> None:
    @workflow
    def wf(a: int) -> int:
        return add(a, 2)

    assert wf(a=1) == 3

    def too_many(a: int) -> int:
        return add(a, 2, 3)

    assert "takes 2 input(s) (a, b), received 3 positional" in _compile_error(too_many)


def test_featherkit_errors_in_a_body_keep_their_message() -> None:
    from featherkit.errors import FeatherkitUserError

    def raises_own_error(a: int) -> int:
        raise FeatherkitUserError("a clear message of its own")

    message = _compile_error(raises_own_error)
    assert message.startswith(
        f"workflow '{NAME}.raises_own_error': a clear message of its own (line "
    )
    assert "plain Python" not in message
