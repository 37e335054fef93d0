"""Outputs: NamedTuples, tuples, none (featherkit side)."""

import typing

from featherkit import task


class Pair(typing.NamedTuple):
    left: int
    right: str


class Single(typing.NamedTuple):
    only: float


@task
def named_tuple_class(a: int) -> Pair:
    return Pair(a, str(a))


@task
def named_tuple_functional(a: int) -> typing.NamedTuple("Out", [("y", str), ("z", int)]):
    return str(a), a


@task
def single_field_named_tuple(a: float) -> Single:
    return Single(a)


@task
def tuple_outputs(a: int) -> typing.Tuple[int, str, float]:  # noqa: UP006
    return a, str(a), float(a)


@task
def no_output_none(a: int) -> None:
    pass


@task
def no_output_unannotated(a: int):
    pass


@task
def no_inputs() -> str:
    return "x"


@task
async def async_task(a: int) -> int:
    return a


@task
def tuple_literal_annotation(a: int) -> (int, str):  # type: ignore[syntax]
    return a, str(a)
