"""Values survive value -> literal -> bytes -> literal -> value, for every supported type."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import importlib.util
import itertools
import sys
import typing
from pathlib import Path
from typing import Any, Optional, Union

import pytest
from flyteidl.core import literals_pb2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from featherkit.types import TypeEngine, TypeTransformerError, builtin_transformers

FIXTURES = Path(__file__).parent / "fixtures" / "literals"
UTC = datetime.timezone.utc


def _load_cases() -> Any:
    name = "featherkit_literal_cases"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, FIXTURES / "cases.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


cases = _load_cases()
ENGINE = TypeEngine(builtin_transformers())


def round_trip(value: Any, python_type: Any, engine: TypeEngine = ENGINE) -> Any:
    literal = engine.to_literal(value, python_type)
    wire = literals_pb2.Literal.FromString(literal.SerializeToString())
    return engine.to_python_value(wire, python_type)


def _utc(value: Any) -> Any:
    if isinstance(value, datetime.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    if isinstance(value, list):
        return [_utc(v) for v in value]
    if isinstance(value, dict):
        return {k: _utc(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("name", "python_type", "value"), cases.CASES, ids=lambda x: str(x))
def test_every_reference_case_round_trips(name: str, python_type: Any, value: Any) -> None:
    literal = ENGINE.to_literal(value, python_type)
    expected = value if literal.scalar.HasField("binary") else _utc(value)
    if name == "enum_as_string":
        expected = cases.Color.RED
    assert round_trip(value, python_type) == expected


def test_round_trip_keeps_exact_python_types() -> None:
    assert type(round_trip(1, int)) is int
    assert type(round_trip(1, float)) is float
    assert type(round_trip(True, bool)) is bool
    assert round_trip(None, type(None)) is None
    assert round_trip(None, None) is None
    assert type(round_trip(datetime.date(2020, 2, 29), datetime.date)) is datetime.date


def test_str_enum_mixin_is_an_enum_not_a_str() -> None:
    class Mode(str, enum.Enum):
        FAST = "fast"

    assert ENGINE.to_literal_type(Mode).enum_type.values == ["fast"]
    assert round_trip(Mode.FAST, Mode) is Mode.FAST
    # a str-mixin member given for a plain str is written as its value
    assert round_trip(Mode.FAST, str) == "fast"


def test_int_subclass_is_written_as_int() -> None:
    class Level(enum.IntEnum):
        HIGH = 3

    assert round_trip(Level.HIGH, int) == 3
    assert type(round_trip(Level.HIGH, int)) is int


def test_int_for_float_is_written_as_float() -> None:
    literal = ENGINE.to_literal(2, float)
    assert literal.scalar.primitive.WhichOneof("value") == "float_value"
    assert round_trip(2, float) == 2.0


def test_annotated_is_its_type() -> None:
    tp = typing.Annotated[list[int], "doc"]
    assert ENGINE.to_literal_type(tp) == ENGINE.to_literal_type(list[int])
    assert round_trip([1, 2], tp) == [1, 2]


def test_pep604_union_equals_typing_union() -> None:
    assert ENGINE.to_literal_type(int | str) == ENGINE.to_literal_type(Union[int, str])
    assert round_trip("a", int | str) == "a"
    assert round_trip(None, int | None) is None


def test_dataclass_with_tuple_and_nested_containers() -> None:
    @dataclasses.dataclass
    class Cell:
        pos: tuple[int, int]
        tags: tuple[str, ...] = ()
        grid: list[list[Optional[float]]] = dataclasses.field(default_factory=list)
        index: dict[int, list[str]] = dataclasses.field(default_factory=dict)

    value = Cell((1, 2), ("a", "b"), [[1.5, None], []], {3: ["x"]})
    assert round_trip(value, Cell) == value
    lt = ENGINE.to_literal_type(Cell)
    # flytekit leaves fields out of dataclass_type when they have no literal type (tuples)
    assert set(lt.structure.dataclass_type) == {"grid", "index"}


def test_recursive_dataclass_round_trips() -> None:
    value = Node(1, [Node(2), Node(3, [Node(4)])])
    assert round_trip(value, Node) == value
    assert "kids" not in ENGINE.to_literal_type(Node).structure.dataclass_type


@dataclasses.dataclass
class Node:
    value: int
    kids: list[Node] = dataclasses.field(default_factory=list)


def test_frozen_dataclass_and_non_init_field() -> None:
    @dataclasses.dataclass(frozen=True)
    class Frozen:
        a: int
        b: int = dataclasses.field(init=False, default=0)

    value = Frozen(1)
    object.__setattr__(value, "b", 5)
    back = round_trip(value, Frozen)
    assert (back.a, back.b) == (1, 5)


def test_large_lists_take_the_checked_path_when_needed() -> None:
    mixed = list(range(1000))
    assert round_trip(mixed, list[int]) == mixed
    zeros = [0] * 10
    assert round_trip(zeros, list[int]) == zeros
    assert round_trip(["", "a", ""], list[str]) == ["", "a", ""]
    assert round_trip([False, False], list[bool]) == [False, False]
    assert round_trip([0.0, -0.0, 1.0], list[float]) == [0.0, 0.0, 1.0]
    assert round_trip({"a": 0, "b": 1}, dict[str, int]) == {"a": 0, "b": 1}
    # an IntEnum member in a list[int] is not exactly an int: the checked loop handles it
    level = enum.IntEnum("level", {"A": 7})
    assert round_trip([1, level.A], list[int]) == [1, 7]


def test_empty_containers_are_present_on_the_wire() -> None:
    assert ENGINE.to_literal([], list[int]).HasField("collection")
    assert ENGINE.to_literal({}, dict[str, int]).HasField("map")
    assert round_trip([], list[list[int]]) == []


# -- property tests -------------------------------------------------------------------------------


class Shade(enum.Enum):
    LIGHT = "light"
    DARK = "dark"


SAFE_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
FLOATS = st.floats(allow_nan=False)
DATETIMES = st.datetimes(timezones=st.just(UTC))
DATES = st.dates()
# msgpack carries a timedelta as float seconds (as flytekit does): keep them exact in a double
TIMEDELTAS = st.timedeltas(
    min_value=datetime.timedelta(days=-1000), max_value=datetime.timedelta(days=1000)
)

LEAVES: list[tuple[Any, st.SearchStrategy[Any]]] = [
    (int, INT64),
    (float, FLOATS),
    (str, SAFE_TEXT),
    (bool, st.booleans()),
    (datetime.datetime, DATETIMES),
    (datetime.date, DATES),
    (datetime.timedelta, TIMEDELTAS),
    (Shade, st.sampled_from(Shade)),
    (Union[int, str], st.one_of(INT64, SAFE_TEXT)),
]

_dataclass_names = (f"Generated{n}" for n in itertools.count())


def _make_dataclass(field_types: list[tuple[Any, st.SearchStrategy[Any]]]) -> tuple[Any, Any]:
    fields = [(f"f{i}", tp) for i, (tp, _) in enumerate(field_types)]
    cls = dataclasses.make_dataclass(next(_dataclass_names), fields)
    strategy = st.builds(cls, **{f"f{i}": s for i, (_, s) in enumerate(field_types)})
    return cls, strategy


def _extend(
    children: st.SearchStrategy[tuple[Any, st.SearchStrategy[Any]]],
) -> st.SearchStrategy[tuple[Any, st.SearchStrategy[Any]]]:
    def as_list(child: tuple[Any, Any]) -> tuple[Any, Any]:
        return list[child[0]], st.lists(child[1], max_size=4)  # type: ignore[valid-type]

    def as_str_map(child: tuple[Any, Any]) -> tuple[Any, Any]:
        return dict[str, child[0]], st.dictionaries(SAFE_TEXT, child[1], max_size=3)  # type: ignore[valid-type]

    def as_int_map(child: tuple[Any, Any]) -> tuple[Any, Any]:
        return dict[int, child[0]], st.dictionaries(INT64, child[1], max_size=3)  # type: ignore[valid-type]

    def as_optional(child: tuple[Any, Any]) -> tuple[Any, Any]:
        return Optional[child[0]], st.one_of(st.none(), child[1])

    return st.one_of(
        children.map(as_list),
        children.map(as_str_map),
        children.map(as_int_map),
        children.map(as_optional),
        st.lists(children, min_size=1, max_size=4).map(_make_dataclass),
    )


TYPES_AND_VALUES = st.recursive(st.sampled_from(LEAVES), _extend, max_leaves=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_property_nested_values_round_trip(data: st.DataObject) -> None:
    python_type, values = data.draw(TYPES_AND_VALUES)
    value = data.draw(values)
    assert round_trip(value, python_type) == value


@settings(max_examples=100, deadline=None)
@given(st.lists(INT64, max_size=50), st.dictionaries(SAFE_TEXT, FLOATS, max_size=20))
def test_property_primitive_fast_paths(ints: list[int], floats: dict[str, float]) -> None:
    assert round_trip(ints, list[int]) == ints
    assert round_trip(floats, dict[str, float]) == floats


@settings(max_examples=100, deadline=None)
@given(
    st.recursive(
        st.one_of(st.none(), st.booleans(), INT64, FLOATS, SAFE_TEXT),
        lambda children: st.one_of(
            st.lists(children, max_size=3), st.dictionaries(SAFE_TEXT, children, max_size=3)
        ),
        max_leaves=10,
    )
)
def test_property_untyped_dict_round_trips(value: Any) -> None:
    wrapped = {"value": value}
    assert round_trip(wrapped, dict) == wrapped


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.none(), INT64, SAFE_TEXT, st.sampled_from(Shade), FLOATS))
def test_property_union_variant_is_chosen_by_value(value: Any) -> None:
    tp = Optional[Union[int, str, Shade, float]]
    literal = ENGINE.to_literal(value, tp)
    expected_tag = {
        type(None): "none",
        int: "int",
        str: "str",
        Shade: "DefaultEnumTransformer",
        float: "float",
    }[type(value)]
    assert literal.scalar.union.type.structure.tag == expected_tag
    assert round_trip(value, tp) == value


@settings(max_examples=200, deadline=None)
@given(
    st.lists(INT64, min_size=16, max_size=80),
    st.lists(st.floats(allow_nan=False), min_size=16, max_size=80),
)
def test_property_bulk_encoding_equals_item_by_item(ints: list[int], floats: list[float]) -> None:
    """Long int/float lists are encoded in bulk (``_wire``): same bytes as the plain loop."""
    from featherkit.types import containers

    bulk_int = ENGINE.to_literal(ints, list[int]).SerializeToString()
    bulk_float = ENGINE.to_literal(floats, list[float]).SerializeToString()
    fresh = TypeEngine(builtin_transformers())
    threshold = containers._BULK_THRESHOLD
    containers._BULK_THRESHOLD = 10**9
    try:
        assert fresh.to_literal(ints, list[int]).SerializeToString() == bulk_int
        assert fresh.to_literal(floats, list[float]).SerializeToString() == bulk_float
    finally:
        containers._BULK_THRESHOLD = threshold


def test_bulk_encoding_edges() -> None:
    edges = [0, -1, 1, 127, 128, 2**63 - 1, -(2**63)] * 3
    assert round_trip(edges, list[int]) == edges
    floats = [0.0, -0.0, float("inf"), float("-inf"), 1e-310, 2.5] * 3
    assert round_trip(floats, list[float]) == floats
    too_big = [1] * 20 + [2**63]
    with pytest.raises(TypeTransformerError) as info:
        ENGINE.to_literal(too_big, list[int])
    assert info.value.path == "[20]"


def test_bulk_read_declines_collections_of_another_shape() -> None:
    floats = ENGINE.to_literal([float(i) for i in range(20)], list[float])
    assert ENGINE.to_python_value(floats, list[int]) == list(range(20))
    ints = ENGINE.to_literal(list(range(20)), list[int])
    assert ENGINE.to_python_value(ints, list[float]) == [float(i) for i in range(20)]
    ints.collection.literals[3].hash = "h"  # an extra field: not the bulk shape
    assert ENGINE.to_python_value(ints, list[int]) == list(range(20))
    # an extra field whose bytes look like an item must not be read as one
    ints.collection.literals[3].hash = "\n\x06\n\x04\n\x02\x08\x05"
    ints.collection.literals[3].ClearField("scalar")
    with pytest.raises(TypeTransformerError) as info:
        ENGINE.to_python_value(ints, list[int])
    assert info.value.path == "[3]"
    ints.collection.literals[3].scalar.primitive.integer = 3
    ints.collection.literals[4].scalar.primitive.float_value = 2.5
    with pytest.raises(TypeTransformerError) as info:
        ENGINE.to_python_value(ints, list[int])
    assert info.value.path == "[4]"
    wrapped = ENGINE.to_literal([1] * 20, list[Optional[int]])
    assert ENGINE.to_python_value(wrapped, list[int]) == [1] * 20
