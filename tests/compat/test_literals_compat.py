"""Literals cross between flytekit and featherkit: a value written by one is read by the other.

For every builtin type (``literal_cases.CASES``) each value is written as serialized
``Literal`` bytes by one SDK and read back by the other, in both directions, and must come
back equal. Both SDKs also declare the same ``LiteralType`` for the type.
"""

from __future__ import annotations

import typing
import warnings

import pytest
from literal_cases import CASES, Case
from spec_diff import differences

VALUES = [
    pytest.param(case, value, id=f"{case.id}-{index}")
    for case in CASES
    for index, value in enumerate(case.values)
]


@pytest.fixture(autouse=True)
def _quiet_pickle_warnings():
    # both SDKs warn when they fall back to pickle; the pickle case does that on purpose
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_same_literal_type(case: Case, flytekit_literals, featherkit_literals):
    theirs = flytekit_literals.literal_type(case.python_type)
    ours = featherkit_literals.literal_type(case.python_type)
    listing = "\n".join(str(d) for d in differences(theirs, ours))
    assert theirs == ours, f"LiteralType of {case.id} differs from flytekit's:\n{listing}"


@pytest.mark.parametrize(("case", "value"), VALUES)
def test_flytekit_writes_featherkit_reads(
    case: Case, value, flytekit_literals, featherkit_literals
):
    data = flytekit_literals.to_bytes(value, case.python_type)
    assert featherkit_literals.from_bytes(data, case.python_type) == case.expected(value)


@pytest.mark.parametrize(("case", "value"), VALUES)
def test_featherkit_writes_flytekit_reads(
    case: Case, value, flytekit_literals, featherkit_literals
):
    data = featherkit_literals.to_bytes(value, case.python_type)
    assert flytekit_literals.from_bytes(data, case.python_type) == case.expected(value)


@pytest.mark.parametrize(
    ("written_as", "value", "read_as"),
    [(int, 3, float), (float, 2.0, int)],
    ids=["int-read-as-float", "float-read-as-int"],
)
def test_numbers_read_across_int_and_float(
    written_as, value, read_as, flytekit_literals, featherkit_literals
):
    """A Flyte workflow may wire an int output into a float input; both SDKs accept it."""
    ours = featherkit_literals.from_bytes(flytekit_literals.to_bytes(value, written_as), read_as)
    theirs = flytekit_literals.from_bytes(featherkit_literals.to_bytes(value, written_as), read_as)
    assert ours == theirs == read_as(value)
    assert type(ours) is type(theirs) is read_as


@pytest.mark.parametrize("values", [[], [1, 2, 3]], ids=["empty", "three"])
def test_iterator_output_crosses_both_ways(values, flytekit_literals, featherkit_literals):
    """``Iterator[int]``: both declare a collection of int, and each reads the other's values.

    Reading gives an iterator (flytekit's ``FlyteIterator``, a plain one in featherkit), so
    the values are compared after draining it.
    """
    tp = typing.Iterator[int]
    assert flytekit_literals.literal_type(tp) == featherkit_literals.literal_type(tp)
    ours = featherkit_literals.from_bytes(flytekit_literals.to_bytes(iter(values), tp), tp)
    theirs = flytekit_literals.from_bytes(featherkit_literals.to_bytes(iter(values), tp), tp)
    assert list(ours) == list(theirs) == values


def test_several_unnamed_outputs_are_named_as_in_flytekit():
    import flytekit

    import featherkit

    def body(a: int) -> typing.Tuple[int, str]:  # noqa: UP006
        return a, str(a)

    theirs = flytekit.task(body)(a=1)
    ours = featherkit.task(body)(a=1)
    assert type(ours).__name__ == type(theirs).__name__ == "DefaultNamedTupleOutput"
    assert ours._fields == theirs._fields
    assert tuple(ours) == tuple(theirs)


def test_conversion_errors_are_caught_by_the_same_except_clauses():
    import flytekit

    import featherkit

    def body(a: int) -> int:
        return "no"  # type: ignore[return-value]

    for sdk in (flytekit, featherkit):
        with pytest.raises(Exception) as info:
            sdk.task(body)(a=1)
        for base in (TypeError, ValueError, AssertionError):
            assert isinstance(info.value, base), (sdk.__name__, base)
