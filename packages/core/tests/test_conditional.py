"""conditional(...): which branch runs locally, outputs downstream, the wire form, every error."""

from __future__ import annotations

from typing import NamedTuple, Optional

import pytest

from featherkit import ConditionalFailure, WorkflowExecutionError, conditional, task, workflow
from featherkit.serialization import SerializationSettings
from featherkit.workflow import WorkflowCompileError
from featherkit.workflow.serialize import workflow_template

SETTINGS = SerializationSettings(image="img:1", version="v1", project="p", domain="d")
RAN: list[str] = []


@task
def double(n: int) -> int:
    RAN.append(f"double({n})")
    return 2 * n


@task
def negate(n: int) -> int:
    RAN.append(f"negate({n})")
    return -n


@task
def shout(s: str) -> str:
    return s.upper()


class Pair(NamedTuple):
    low: int
    high: int


@task
def split(n: int) -> Pair:
    return Pair(n - 1, n + 1)


@task
def log(n: int) -> None:
    RAN.append(f"log({n})")


@workflow
def sign(x: int) -> int:
    a = double(n=x)
    result = (
        conditional("sign")
        .if_(x < 5)
        .then(double(n=a))
        .elif_((a > 10) & (x < 100))
        .then(negate(n=x))
        .elif_((x == 100) | (a >= 1000))
        .then(double(n=x))
        .else_()
        .fail("x is out of range")
    )
    return negate(n=result)


def test_only_the_chosen_branch_runs() -> None:
    RAN.clear()
    assert sign(x=2) == -8
    assert RAN == ["double(2)", "double(4)", "negate(8)"]
    RAN.clear()
    assert sign(x=7) == 7
    assert RAN == ["double(7)", "negate(7)", "negate(-7)"]
    RAN.clear()
    assert sign(x=100) == -200
    assert "negate(100)" not in RAN


def test_fail_is_a_value_error_carrying_the_message() -> None:
    with pytest.raises(ValueError, match="x is out of range") as info:
        sign(x=200)
    assert isinstance(info.value, WorkflowExecutionError)
    assert info.value.node_id == "n1"
    assert isinstance(info.value.original, ConditionalFailure)
    assert info.value.original.message == "x is out of range"
    assert "conditional 'sign'" in str(info.value)


def test_conditions_on_strings_floats_and_outputs_of_several() -> None:
    @workflow
    def pick(word: str, ratio: float, n: int) -> int:
        p = split(n=n)
        return (
            conditional("pick")
            .if_((word == "hi") & (ratio <= 0.5))
            .then(double(n=p.low))
            .elif_(p.high != 3)
            .then(negate(n=p.high))
            .else_()
            .then(double(n=n))
        )

    assert pick(word="hi", ratio=0.25, n=4) == 6
    assert pick(word="ho", ratio=0.25, n=4) == -5
    assert pick(word="ho", ratio=0.25, n=2) == 4


def test_void_branches_and_ordering() -> None:
    @workflow
    def maybe_log(x: int) -> int:
        done = conditional("log").if_(x > 0).then(log(n=x)).else_().then(log(n=x))
        after = double(n=x)
        done >> after
        return after

    RAN.clear()
    assert maybe_log(x=3) == 6
    assert RAN == ["log(3)", "double(3)"]
    template = workflow_template(maybe_log, SETTINGS)
    assert list(template.nodes[1].upstream_node_ids) == ["n0"]
    assert not template.nodes[0].branch_node.if_else.case.then_node.task_node.overrides.ListFields()


def test_nested_conditionals_run_and_number_their_nodes() -> None:
    @workflow
    def nested(x: int, y: int) -> int:
        return (
            conditional("outer")
            .if_(x > 0)
            .then(
                conditional("inner").if_(y > 0).then(double(n=y)).else_().then(negate(n=y))
            )
            .else_()
            .then(double(n=x))
        )

    assert nested(x=1, y=3) == 6
    assert nested(x=1, y=-3) == 3
    assert nested(x=-1, y=3) == -2
    node = workflow_template(nested, SETTINGS).nodes[0]
    block = node.branch_node.if_else
    assert [block.case.then_node.id, block.else_node.id] == ["n0", "n1"]
    inner = block.case.then_node.branch_node.if_else
    assert [inner.case.then_node.id, inner.else_node.id] == ["n0", "n1"]


def test_wire_form_names_operands_like_flytekit() -> None:
    template = workflow_template(sign, SETTINGS)
    node = template.nodes[1]
    assert node.id == "n1" and node.metadata.name == "sign"
    assert [b.var for b in node.inputs] == [".x", "n0.o0"]
    assert list(node.upstream_node_ids) == ["n0"]
    block = node.branch_node.if_else
    assert block.case.condition.comparison.left_value.var == ".x"
    assert block.case.condition.comparison.right_value.primitive.integer == 5
    assert block.case.then_node.id == "n0"
    assert list(block.case.then_node.upstream_node_ids) == ["n0"]
    conj = block.other[0].condition.conjunction
    assert conj.left_expression.comparison.left_value.var == "n0.o0"
    assert [o.then_node.id for o in block.other] == ["n1", "n2"]
    assert block.error.failed_node_id == "sign" and block.error.message == "x is out of range"
    assert template.nodes[2].inputs[0].binding.promise.node_id == "n1"


def _compile(body):  # type: ignore[no-untyped-def]
    return workflow(body)


def _compile_and_write(body):  # type: ignore[no-untyped-def]
    return workflow_template(workflow(body), SETTINGS)  # constants are checked when written


def test_and_or_not_is_and_bool_are_errors_naming_amp_and_pipe() -> None:
    def with_and(x: int) -> int:
        return conditional("c").if_((x > 1) and (x < 5)).then(double(n=x)).else_().then(
            negate(n=x)
        )

    def with_not(x: int) -> int:
        return conditional("c").if_(not x).then(double(n=x)).else_().then(negate(n=x))

    def with_is(x: int) -> int:
        return conditional("c").if_(x is None).then(double(n=x)).else_().then(negate(n=x))

    def with_bare_promise(x: int) -> int:
        return conditional("c").if_(x).then(double(n=x)).else_().then(negate(n=x))

    def with_python_if(x: int) -> int:
        if x > 3:
            return double(n=x)
        return negate(n=x)

    for body in (with_and, with_not, with_is, with_bare_promise, with_python_if):
        with pytest.raises(WorkflowCompileError, match=r"& and \|") as info:
            _compile(body)
        assert f"test_conditional.{body.__name__}" in str(info.value)


def test_structural_errors() -> None:
    def no_else(x: int) -> int:
        conditional("c").if_(x > 1).then(double(n=x))
        return double(n=x)

    def two_calls(x: int) -> int:
        return conditional("c").if_(x > 1).then(double(n=negate(n=x))).else_().then(
            negate(n=x)
        )

    def not_a_call(x: int) -> int:
        return conditional("c").if_(x > 1).then(x).else_().then(negate(n=x))

    def fail_in_if(x: int) -> int:
        return conditional("c").if_(x > 1).fail("no")

    def condition_on_a_branch_output(x: int) -> int:
        c = conditional("c")
        case = c.if_(x > 1)
        inner = double(n=x)
        return case.then(inner).elif_(inner > 3).then(negate(n=x)).else_().then(double(n=x))

    def constant_not_primitive(x: int) -> int:
        return conditional("c").if_(x == [1]).then(double(n=x)).else_().then(negate(n=x))

    cases = [
        (no_else, "conditional 'c' has no else_()"),
        (two_calls, "a branch runs exactly one call, this one makes 2"),
        (not_a_call, "then\\(\\) needs the result of a call made inside it"),
        (fail_in_if, "fail\\(\\) ends a conditional: use it after else_\\(\\)"),
        (condition_on_a_branch_output, "a call made inside this conditional's branches"),
        (constant_not_primitive, "is not a Flyte primitive"),
    ]
    for body, message in cases:
        with pytest.raises(WorkflowCompileError, match=message):
            _compile_and_write(body)


def test_conditional_outside_a_workflow() -> None:
    with pytest.raises(WorkflowCompileError, match="is for workflow bodies"):
        conditional("c")


def test_outputs_common_to_every_branch() -> None:
    @workflow
    def strings(x: int, s: str) -> str:
        return conditional("s").if_(x > 0).then(shout(s=s)).else_().then(shout(s="no"))

    assert strings(x=1, s="a") == "A"
    assert strings(x=0, s="a") == "NO"


def test_bool_and_none_conditions() -> None:
    @workflow
    def flags(flag: bool, maybe: Optional[int]) -> int:
        return (
            conditional("flags")
            .if_(flag.is_true() & maybe.is_none())
            .then(double(n=1))
            .elif_(flag.is_false() | (maybe == 3))
            .then(negate(n=2))
            .else_()
            .then(double(n=5))
        )

    assert flags(flag=True, maybe=None) == 2
    assert flags(flag=False, maybe=1) == -2
    assert flags(flag=True, maybe=4) == 10
    case = workflow_template(flags, SETTINGS).nodes[0].branch_node.if_else.case
    right = case.condition.conjunction.right_expression.comparison.right_value
    assert right.scalar.HasField("none_type")

    def flag_and(flag: bool) -> int:
        return conditional("c").if_(flag & flag).then(double(n=1)).else_().then(double(n=2))

    with pytest.raises(WorkflowCompileError, match=r"flag\.is_true\(\) & \(n > 3\)"):
        workflow(flag_and)
