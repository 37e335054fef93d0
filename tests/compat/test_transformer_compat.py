"""One custom type transformer body, written for flytekit, runs in both SDKs.

The methods below are written as a flytekit user writes them (flytekit's models, the
``(ctx, python_val, python_type, expected)`` signature); the same body is mixed into
flytekit's ``TypeTransformer`` and into featherkit's ``FlytekitTypeTransformer``. Both declare
the same literal type, and a value written by one is read by the other.
"""

from __future__ import annotations

import pytest
from flyteidl.core import literals_pb2
from flytekit.core.context_manager import FlyteContextManager
from flytekit.core.type_engine import TypeEngine as FlyteTypeEngine
from flytekit.core.type_engine import TypeTransformer as FlyteTypeTransformer
from flytekit.models import literals as flyte_literals
from flytekit.models import types as flyte_types

from featherkit import hookimpl
from featherkit.extend import FlytekitTypeTransformer, type_engine
from featherkit.testing import registered


class Coordinate:
    def __init__(self, lat: float, lon: float) -> None:
        self.lat, self.lon = lat, lon

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Coordinate) and (other.lat, other.lon) == (self.lat, self.lon)


class CoordinateBody:
    """The user's code: flytekit models in, flytekit models out."""

    def get_literal_type(self, t):
        return flyte_types.LiteralType(simple=flyte_types.SimpleType.STRING)

    def to_literal(self, ctx, python_val, python_type, expected):
        text = f"{python_val.lat},{python_val.lon}"
        return flyte_literals.Literal(
            scalar=flyte_literals.Scalar(primitive=flyte_literals.Primitive(string_value=text))
        )

    def to_python_value(self, ctx, lv, expected_python_type):
        lat, lon = lv.scalar.primitive.string_value.split(",")
        return Coordinate(float(lat), float(lon))


class FlytekitCoordinate(CoordinateBody, FlyteTypeTransformer[Coordinate]):
    def __init__(self):
        super().__init__("coordinate", Coordinate)


class FeatherkitCoordinate(CoordinateBody, FlytekitTypeTransformer[Coordinate]):
    def __init__(self):
        super().__init__("coordinate", Coordinate)


class Plugin:
    @hookimpl
    def register_type_transformers(self, register):
        register(FeatherkitCoordinate())


@pytest.fixture(scope="module", autouse=True)
def _flytekit_knows_coordinates():
    FlyteTypeEngine.register(FlytekitCoordinate())


def _flytekit_bytes(value):
    ctx = FlyteContextManager.current_context()
    lt = FlyteTypeEngine.to_literal_type(Coordinate)
    return FlyteTypeEngine.to_literal(ctx, value, Coordinate, lt).to_flyte_idl().SerializeToString()


def _flytekit_read(data):
    ctx = FlyteContextManager.current_context()
    literal = flyte_literals.Literal.from_flyte_idl(literals_pb2.Literal.FromString(data))
    return FlyteTypeEngine.to_python_value(ctx, literal, Coordinate)


def test_same_literal_type_and_values_cross_both_ways():
    value = Coordinate(52.5, 13.4)
    with registered(Plugin()):
        engine = type_engine()
        assert engine.to_literal_type(Coordinate) == (
            FlyteTypeEngine.to_literal_type(Coordinate).to_flyte_idl()
        )
        ours = engine.to_literal(value, Coordinate).SerializeToString()
        assert _flytekit_read(ours) == value
        assert engine.to_python_value(
            literals_pb2.Literal.FromString(_flytekit_bytes(value)), Coordinate
        ) == value
