"""Errors say what was expected, what was received and where; the engine's lookup rules."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import os
import subprocess
import sys
import typing
import warnings
from pathlib import Path
from typing import Any, Optional, Union

import pytest
from flyteidl.core import literals_pb2, types_pb2

from featherkit.types import (
    PickleFallbackWarning,
    TypeEngine,
    TypeTransformer,
    TypeTransformerError,
    builtin_transformers,
)


@pytest.fixture
def engine() -> TypeEngine:
    return TypeEngine(builtin_transformers())


@dataclasses.dataclass
class Point:
    x: int
    y: float = 0.0


@dataclasses.dataclass
class Shape:
    name: str
    points: list[Point]
    labels: dict[str, Optional[Point]] = dataclasses.field(default_factory=dict)


# -- mismatched values ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("python_type", "value", "expected", "received"),
    [
        (int, "x", "int", "str 'x'"),
        (int, True, "int", "bool True"),
        (int, 1.5, "int", "float 1.5"),
        (int, None, "int", "None"),
        (float, False, "float", "bool False"),
        (float, "1", "float", "str '1'"),
        (str, 3, "str", "int 3"),
        (bool, 1, "bool", "int 1"),
        (type(None), 0, "None", "int 0"),
        (datetime.date, datetime.datetime(2024, 1, 1), "date", "datetime.datetime"),
        (datetime.datetime, datetime.date(2024, 1, 1), "datetime", "datetime.date"),
        (datetime.timedelta, 5, "timedelta", "int 5"),
        (list[int], (1, 2), "list[int]", "tuple (1, 2)"),
        (dict[str, int], [("a", 1)], "dict[str, int]", "list"),
    ],
)
def test_mismatch_says_expected_and_received(
    engine: TypeEngine, python_type: Any, value: Any, expected: str, received: str
) -> None:
    with pytest.raises(TypeTransformerError) as info:
        engine.to_literal(value, python_type)
    error = info.value
    assert error.expected is not None
    assert error.expected.startswith(expected)
    assert error.received is not None
    assert error.received.startswith(received)
    assert f"expected {expected}" in str(error)
    assert f"received {received}" in str(error)
    assert error.path == ""
    assert isinstance(error, TypeError)


@pytest.mark.parametrize(
    ("python_type", "value", "path", "fragment"),
    [
        (list[int], [1, 2, "three"], "[2]", "expected int, received str 'three'"),
        (list[list[int]], [[1], [2, None]], "[1][1]", "expected int, received None"),
        (dict[str, list[int]], {"k": [1, None]}, "['k'][1]", "expected int"),
        (dict[str, int], {1: 2}, "[1]", "str keys"),
        (Point, Point("0", 1.0), "x", "expected int, received str '0'"),  # type: ignore[arg-type]
        (
            Shape,
            Shape("s", [Point(1), Point(2, "y")]),  # type: ignore[arg-type]
            "points[1].y",
            "expected float, received str 'y'",
        ),
        (
            Shape,
            Shape("s", [], {"a": None, "b": Point(True)}),
            "labels['b'].x",
            "expected int, received bool True",
        ),
        (list[Point], [Point(1), Point(2.5)], "[1].x", "float 2.5"),  # type: ignore[arg-type]
        (dict[int, list[int]], {1: [1], 2: ["x"]}, "[2][0]", "expected int"),
        (dict[int, str], {"a": "b"}, "['a']", "invalid key: expected int"),
        (dict, {"a": [1, datetime.datetime(2024, 1, 1)]}, "['a'][1]", "msgpack"),
        (Optional[Point], Point("bad"), "x", "expected int"),  # type: ignore[arg-type]
        (list[Optional[int]], [1, None, "x"], "[2]", "Optional[int]"),
    ],
)
def test_nested_mismatch_has_a_path(
    engine: TypeEngine, python_type: Any, value: Any, path: str, fragment: str
) -> None:
    with pytest.raises(TypeTransformerError) as info:
        engine.to_literal(value, python_type)
    assert info.value.path == path
    assert str(info.value).startswith(f"{path}: ")
    assert fragment in str(info.value)


def test_union_without_a_fitting_variant_lists_the_reasons(engine: TypeEngine) -> None:
    with pytest.raises(TypeTransformerError) as info:
        engine.to_literal(1.5, Union[int, str])
    message = str(info.value)
    assert "expected Union[int, str], received float 1.5" in message
    assert "int: expected int" in message
    assert "str: expected str" in message


def test_optional_without_a_fitting_value(engine: TypeEngine) -> None:
    with pytest.raises(TypeTransformerError, match=r"expected Optional\[int\], received str 'x'"):
        engine.to_literal("x", Optional[int])


def test_int_beyond_64_bits(engine: TypeEngine) -> None:
    with pytest.raises(TypeTransformerError, match="64-bit"):
        engine.to_literal(2**63, int)
    with pytest.raises(TypeTransformerError) as info:
        engine.to_literal([1, 2**64], list[int])
    assert info.value.path == "[1]"


def test_untyped_dict_value_that_msgpack_cannot_hold(engine: TypeEngine) -> None:
    with pytest.raises(TypeTransformerError) as info:
        engine.to_literal({"when": {1: datetime.date(2024, 1, 1)}}, dict)
    assert info.value.path == "['when'][1]"
    assert "datetime.date" in str(info.value)


# -- ambiguity -------------------------------------------------------------------------------------


def test_ambiguous_union_value_is_an_error(engine: TypeEngine) -> None:
    with pytest.raises(TypeTransformerError, match="ambiguous") as info:
        engine.to_literal([1, 2], Union[list[int], list[float]])
    assert "list[int]" in str(info.value)
    assert "list[float]" in str(info.value)


def test_union_tie_goes_to_the_exact_class(engine: TypeEngine) -> None:
    assert engine.to_literal(1, Union[float, int]).scalar.union.type.structure.tag == "int"
    assert engine.to_literal(1.0, Union[float, int]).scalar.union.type.structure.tag == "float"

    class Color(enum.Enum):
        RED = "red"

    tp = Union[Color, str]
    assert engine.to_literal("red", tp).scalar.union.type.structure.tag == "str"
    tag = engine.to_literal(Color.RED, tp).scalar.union.type.structure.tag
    assert tag == "DefaultEnumTransformer"


def test_ambiguous_untagged_literal_is_an_error(engine: TypeEngine) -> None:
    plain_int = engine.to_literal(3, int)
    with pytest.raises(TypeTransformerError, match="ambiguous literal"):
        engine.to_python_value(plain_int, Union[int, float])
    assert engine.to_python_value(plain_int, Optional[int]) == 3


def test_subclass_instances_make_dataclass_unions_ambiguous(engine: TypeEngine) -> None:
    @dataclasses.dataclass
    class Base:
        x: int

    @dataclasses.dataclass
    class Child(Base):
        pass

    @dataclasses.dataclass
    class Grandchild(Child):
        pass

    assert engine.to_python_value(engine.to_literal(Child(1), Union[Base, Child]), Child) == Child(
        1
    )
    with pytest.raises(TypeTransformerError, match="ambiguous"):
        engine.to_literal(Grandchild(1), Union[Base, Child])


# -- reading the wrong kind of literal -----------------------------------------------------------


def test_reading_the_wrong_literal_kind(engine: TypeEngine) -> None:
    text = engine.to_literal("x", str)
    with pytest.raises(TypeTransformerError) as info:
        engine.to_python_value(text, int)
    assert "expected a literal holding an integer" in str(info.value)
    assert "received scalar.primitive.string_value" in str(info.value)


def test_reading_a_collection_item_of_the_wrong_kind_names_the_index(engine: TypeEngine) -> None:
    literal = engine.to_literal(["a", "b"], list[str])
    with pytest.raises(TypeTransformerError) as info:
        engine.to_python_value(literal, list[int])
    assert info.value.path == "[0]"


def test_reading_a_dataclass_with_a_missing_field(engine: TypeEngine) -> None:
    literal = engine.to_literal({"y": 1.0}, dict)
    with pytest.raises(TypeTransformerError, match="missing field 'x'"):
        engine.to_python_value(literal, Point)


def test_reading_a_map_into_an_untyped_dict_is_refused(engine: TypeEngine) -> None:
    literal = engine.to_literal({"a": 1}, dict[str, int])
    with pytest.raises(TypeTransformerError, match="dict\\[str, T\\]"):
        engine.to_python_value(literal, dict)


def test_reading_an_enum_value_that_is_not_a_member(engine: TypeEngine) -> None:
    class Color(enum.Enum):
        RED = "red"

    with pytest.raises(TypeTransformerError, match="'red'"):
        engine.to_python_value(engine.to_literal("blue", str), Color)


# -- unsupported types ----------------------------------------------------------------------------


def test_enum_with_non_string_values_is_refused(engine: TypeEngine) -> None:
    class Number(enum.Enum):
        ONE = 1

    with pytest.raises(TypeTransformerError, match="string values only"):
        engine.to_literal_type(Number)


def test_bare_list_and_tuples_are_refused(engine: TypeEngine) -> None:
    with pytest.raises(TypeTransformerError, match=r"declare list\[T\]"):
        engine.to_literal_type(list)
    with pytest.raises(TypeTransformerError, match="not a Flyte type"):
        engine.to_literal_type(tuple[int, str])

    class Pair(typing.NamedTuple):
        a: int

    with pytest.raises(TypeTransformerError, match="not a Flyte type"):
        engine.to_literal(Pair(1), Pair)


# -- registration and lookup ----------------------------------------------------------------------


class Money:
    def __init__(self, cents: int) -> None:
        self.cents = cents

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Money) and other.cents == self.cents

    def __hash__(self) -> int:
        return self.cents


class Euro(Money):
    pass


class MoneyTransformer(TypeTransformer[Money]):
    """A plugin-style transformer using only the public, flytekit-shaped methods."""

    def __init__(self) -> None:
        super().__init__("money", Money)

    def get_literal_type(self, python_type: Any) -> types_pb2.LiteralType:
        return types_pb2.LiteralType(simple=types_pb2.SimpleType.INTEGER)

    def to_literal(
        self, value: Any, python_type: Any, expected: types_pb2.LiteralType
    ) -> literals_pb2.Literal:
        if not isinstance(value, Money):
            raise TypeTransformerError(f"expected Money, received {value!r}")
        literal = literals_pb2.Literal()
        literal.scalar.primitive.integer = value.cents
        return literal

    def to_python_value(self, literal: literals_pb2.Literal, python_type: Any) -> Any:
        return python_type(literal.scalar.primitive.integer)


class OtherMoneyTransformer(MoneyTransformer):
    pass


def test_duplicate_registration_names_both_transformers(engine: TypeEngine) -> None:
    engine.register(MoneyTransformer())
    with pytest.raises(ValueError, match="claim") as info:
        engine.register(OtherMoneyTransformer())
    message = str(info.value)
    assert "test_types_errors.MoneyTransformer" in message
    assert "test_types_errors.OtherMoneyTransformer" in message


def test_duplicate_builtin_registration_names_both(engine: TypeEngine) -> None:
    from featherkit.types.primitives import IntTransformer

    class MyInt(IntTransformer):
        pass

    with pytest.raises(ValueError, match=r"IntTransformer.*MyInt|MyInt.*IntTransformer"):
        engine.register(MyInt())


def test_replace_takes_over_a_registration(engine: TypeEngine) -> None:
    first, second = MoneyTransformer(), OtherMoneyTransformer()
    engine.register(first)
    assert engine.get_transformer(Money) is first
    engine.register(second, replace=True)
    assert engine.get_transformer(Money) is second
    assert first not in engine.transformers


def test_plugin_transformer_works_alone_and_nested(engine: TypeEngine) -> None:
    engine.register(MoneyTransformer())
    assert engine.to_python_value(engine.to_literal(Money(5), Money), Money) == Money(5)
    values = [Money(1), Money(2)]
    assert engine.to_python_value(engine.to_literal(values, list[Money]), list[Money]) == values
    literal = engine.to_literal(Money(3), Optional[Money])
    assert literal.scalar.union.type.structure.tag == "money"
    assert engine.to_python_value(literal, Optional[Money]) == Money(3)
    # subclasses are found through the MRO
    assert engine.get_transformer(Euro).name == "money"
    assert engine.to_python_value(engine.to_literal(Euro(7), Euro), Euro) == Euro(7)


def test_transformer_in_annotated_metadata_wins(engine: TypeEngine) -> None:
    money = MoneyTransformer()
    tp = typing.Annotated[Money, money]
    assert engine.get_transformer(tp) is money
    assert engine.to_python_value(engine.to_literal(Money(9), tp), tp) == Money(9)


def test_lookup_is_cached(engine: TypeEngine) -> None:
    assert engine.get_transformer(list[int]) is engine.get_transformer(list[int])
    assert engine.get_transformer(Optional[int]).name == "Typed Union"
    assert engine.get_transformer(int | None).name == "Typed Union"
    assert engine.get_transformer(Point).name == "Object-Dataclass-Transformer"


def test_to_literal_type_returns_a_copy(engine: TypeEngine) -> None:
    first = engine.to_literal_type(Point)
    first.Clear()
    assert engine.to_literal_type(Point).HasField("metadata")


def test_unknown_type_falls_back_to_pickle_with_one_warning(
    engine: TypeEngine, tmp_path: Any
) -> None:
    class Opaque:
        pass

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        engine.to_literal_type(Opaque)
        engine.to_literal_type(Opaque)
        engine.get_transformer(Opaque)
    relevant = [w for w in caught if issubclass(w.category, PickleFallbackWarning)]
    assert len(relevant) == 1
    assert "Opaque" in str(relevant[0].message)
    assert relevant[0].filename == __file__  # points at the caller, not the engine
    assert engine.get_transformer(Opaque).name == "FlytePickle"


def test_pickle_fallback_in_a_dataclass_field_does_not_warn(engine: TypeEngine) -> None:
    @dataclasses.dataclass
    class WithAny:
        anything: Any = None

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lt = engine.to_literal_type(WithAny)
    assert lt.structure.dataclass_type["anything"].blob.format == "PythonPickle"


def test_to_html_escapes(engine: TypeEngine) -> None:
    assert engine.to_html("<b>", str) == "&#x27;&lt;b&gt;&#x27;"


def test_importing_types_does_not_load_protobuf() -> None:
    code = (
        "import sys, featherkit.types as t; "
        "print(any(m.startswith(('flyteidl', 'google.protobuf', 'msgpack')) for m in sys.modules))"
    )
    import featherkit

    source_root = str(Path(featherkit.__file__).resolve().parents[1])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([source_root, os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert result.stdout.strip() == "False", "importing featherkit.types loaded protobuf/msgpack"


def test_builtin_methods_work_outside_an_engine() -> None:
    from featherkit.types.containers import ListTransformer
    from featherkit.types.primitives import IntTransformer

    literal = IntTransformer().to_literal(3, int)
    assert literal.scalar.primitive.integer == 3
    listing = ListTransformer()
    assert (
        listing.get_literal_type(list[int]).collection_type.simple == types_pb2.SimpleType.INTEGER
    )
    assert listing.to_python_value(listing.to_literal([1], list[int]), list[int]) == [1]


def test_literal_choices_refuse_other_values(engine: TypeEngine) -> None:
    mode = typing.Literal["fast", "slow"]
    with pytest.raises(TypeTransformerError, match=r"expected one of \['fast', 'slow'\]"):
        engine.to_literal("medium", mode)
    with pytest.raises(TypeTransformerError, match="one of"):
        engine.to_python_value(engine.to_literal("medium", str), mode)
    with pytest.raises(TypeTransformerError, match="values must all be"):
        engine.to_literal_type(typing.Literal[1, "a"])

    @dataclasses.dataclass
    class Config:
        mode: typing.Literal["fast", "slow"]

    with pytest.raises(TypeTransformerError) as info:
        engine.to_literal(Config("medium"), Config)  # type: ignore[arg-type]
    assert info.value.path == "mode"


def test_a_transformer_missing_a_conversion_fails_when_created():
    import pytest

    from featherkit.types import TypeTransformer

    class Incomplete(TypeTransformer[int]):
        def get_literal_type(self, python_type):
            raise AssertionError("never called")

    with pytest.raises(TypeError, match="abstract method"):
        Incomplete("incomplete", int)


def test_conversion_errors_are_value_and_assertion_errors_as_in_flytekit():
    # flytekit's TypeTransformerFailedError is a TypeError, AssertionError and ValueError:
    # code written against it with ``except ValueError`` must keep catching ours
    from featherkit import task
    from featherkit.errors import TaskInputError, TaskOutputError
    from featherkit.types import TypeTransformerError

    for cls in (TypeTransformerError, TaskInputError, TaskOutputError):
        assert issubclass(cls, TypeError)
        assert issubclass(cls, ValueError)
        assert issubclass(cls, AssertionError)

    @task
    def wrong(a: int) -> int:
        return "not an int"  # type: ignore[return-value]

    with pytest.raises(ValueError, match="output 'o0'"):
        wrong(a=1)
    with pytest.raises(ValueError, match="input 'a'"):
        wrong(a="x")
