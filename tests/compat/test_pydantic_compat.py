"""featherkit-pydantic against flytekit: BaseModel literal types are equal, values cross.

flytekit encodes a ``pydantic.BaseModel`` as a msgpack binary with the model's JSON schema in
its literal type; featherkit-pydantic must write the same literal type and literals that
flytekit reads back, and read flytekit's (including the older JSON struct form).
"""

from __future__ import annotations

import datetime
import enum
import typing

import pytest
from pydantic import BaseModel
from spec_diff import differences


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Inner(BaseModel):
    a: int
    when: datetime.datetime
    ratio: float = 0.5


class Outer(BaseModel):
    name: str
    inner: Inner
    tags: list[str] = []
    scores: dict[str, float] = {}
    color: Color = Color.RED
    maybe: typing.Optional[int] = None


VALUES = [
    Inner(a=1, when=datetime.datetime(2024, 2, 29, 12, 30, tzinfo=datetime.timezone.utc)),
    Outer(name="n", inner=Inner(a=-3, when=datetime.datetime(2020, 1, 1,
                                                             tzinfo=datetime.timezone.utc))),
    Outer(
        name="full",
        inner=Inner(a=2, when=datetime.datetime(1999, 12, 31, 23, 59,
                                                tzinfo=datetime.timezone.utc), ratio=2.0),
        tags=["x", "y"], scores={"k": 1.5}, color=Color.BLUE, maybe=7,
    ),
]


def test_plugin_is_installed():
    # the compat session installs every plugin package; without this one the tests below
    # would compare pickles
    from featherkit.type_registry import type_engine

    assert type_engine().get_transformer(Outer).name == "Pydantic Transformer"


@pytest.mark.parametrize("model", [Inner, Outer, typing.Optional[Outer], list[Inner]],
                         ids=["Inner", "Outer", "Optional-Outer", "list-Inner"])
def test_same_literal_type(model, flytekit_literals, featherkit_literals):
    theirs = flytekit_literals.literal_type(model)
    ours = featherkit_literals.literal_type(model)
    listing = "\n".join(str(d) for d in differences(theirs, ours))
    assert theirs == ours, f"LiteralType of {model} differs from flytekit's:\n{listing}"


@pytest.mark.parametrize("value", VALUES, ids=["inner", "outer-defaults", "outer-full"])
def test_values_cross_both_ways(value, flytekit_literals, featherkit_literals):
    tp = type(value)
    assert featherkit_literals.from_bytes(flytekit_literals.to_bytes(value, tp), tp) == value
    assert flytekit_literals.from_bytes(featherkit_literals.to_bytes(value, tp), tp) == value
    assert flytekit_literals.to_bytes(value, tp) == featherkit_literals.to_bytes(value, tp)


def test_optional_model_crosses_through_a_union(flytekit_literals, featherkit_literals):
    tp = typing.Optional[Outer]
    value = VALUES[2]
    assert featherkit_literals.from_bytes(flytekit_literals.to_bytes(value, tp), tp) == value
    assert flytekit_literals.from_bytes(featherkit_literals.to_bytes(value, tp), tp) == value


def test_old_json_struct_form_is_read(monkeypatch, flytekit_literals, featherkit_literals):
    monkeypatch.setenv("FLYTE_USE_OLD_DC_FORMAT", "true")
    value = VALUES[2]
    data = flytekit_literals.to_bytes(value, Outer)
    assert featherkit_literals.from_bytes(data, Outer) == value
