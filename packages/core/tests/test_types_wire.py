"""featherkit's literals are flytekit 1.16's, byte for byte, and flytekit's read back.

The reference bytes in ``fixtures/literals/flytekit_reference.json`` were produced by flytekit
itself (see that folder's README); flytekit is not needed to run these tests.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import importlib.util
import json
import sys
import typing
from pathlib import Path
from typing import Any

import msgpack
import pytest
from flyteidl.core import literals_pb2, types_pb2

from featherkit.types import TypeEngine, TypeTransformerError, builtin_transformers

FIXTURES = Path(__file__).parent / "fixtures" / "literals"


def _load_cases() -> Any:
    name = "featherkit_literal_cases"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, FIXTURES / "cases.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclass type hints are resolved through sys.modules
        spec.loader.exec_module(module)
    return sys.modules[name]


cases = _load_cases()
REFERENCE = json.loads((FIXTURES / "flytekit_reference.json").read_text())


@pytest.fixture(scope="module")
def engine() -> TypeEngine:
    return TypeEngine(builtin_transformers())


def _hex(message: Any) -> str:
    return str(message.SerializeToString(deterministic=True).hex())


def _expected_read_back(value: Any) -> Any:
    """What reading a literal gives for ``value``: naive datetimes come back as UTC."""
    if isinstance(value, datetime.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=datetime.timezone.utc)
    if isinstance(value, list):
        return [_expected_read_back(v) for v in value]
    if isinstance(value, dict):
        return {k: _expected_read_back(v) for k, v in value.items()}
    return value


def test_reference_was_made_by_flytekit_1_16() -> None:
    assert REFERENCE["generator"].startswith("flytekit 1.16.")
    assert set(REFERENCE["cases"]) == {name for name, _, _ in cases.CASES}


@pytest.mark.parametrize(("name", "python_type", "value"), cases.CASES, ids=lambda x: str(x))
def test_literal_type_bytes_equal_flytekit(
    engine: TypeEngine, name: str, python_type: Any, value: Any
) -> None:
    assert _hex(engine.to_literal_type(python_type)) == REFERENCE["cases"][name]["literal_type"]


@pytest.mark.parametrize(("name", "python_type", "value"), cases.CASES, ids=lambda x: str(x))
def test_literal_bytes_equal_flytekit(
    engine: TypeEngine, name: str, python_type: Any, value: Any
) -> None:
    assert _hex(engine.to_literal(value, python_type)) == REFERENCE["cases"][name]["literal"]


@pytest.mark.parametrize(("name", "python_type", "value"), cases.CASES, ids=lambda x: str(x))
def test_reads_flytekit_literal(
    engine: TypeEngine, name: str, python_type: Any, value: Any
) -> None:
    literal = literals_pb2.Literal.FromString(bytes.fromhex(REFERENCE["cases"][name]["literal"]))
    expected = _expected_read_back(value)
    if name == "enum_as_string":
        expected = cases.Color.RED
    if literal.scalar.HasField("binary"):
        # inside msgpack a datetime is ISO text, so a naive one stays naive
        expected = value
    assert engine.to_python_value(literal, python_type) == expected


@pytest.mark.parametrize(("name", "python_type"), cases.PICKLE_TYPES)
def test_pickle_literal_type_bytes_equal_flytekit(
    engine: TypeEngine, name: str, python_type: Any
) -> None:
    with pytest.warns(UserWarning, match="pickled"):
        produced = engine.to_literal_type(python_type)
    assert _hex(produced) == REFERENCE["pickle_types"][name]["literal_type"]


@pytest.mark.parametrize(
    ("name", "python_type", "value"), cases.OLD_FORMAT_CASES, ids=lambda x: str(x)
)
def test_reads_flytekit_old_json_dataclass_form(
    engine: TypeEngine, name: str, python_type: Any, value: Any
) -> None:
    literal = literals_pb2.Literal.FromString(
        bytes.fromhex(REFERENCE["old_format"][name]["literal"])
    )
    assert literal.scalar.WhichOneof("value") == "generic"
    assert engine.to_python_value(literal, python_type) == value


def test_dataclass_json_schema_matches_mashumaro_shape(engine: TypeEngine) -> None:
    from google.protobuf import json_format

    schema = json_format.MessageToDict(engine.to_literal_type(cases.Inner).metadata)
    assert schema == {
        "type": "object",
        "title": "Inner",
        "properties": {"x": {"type": "integer"}, "y": {"type": "number", "default": 1.0}},
        "additionalProperties": False,
        "required": ["x"],
    }


def test_dataclass_msgpack_is_fields_in_declaration_order(engine: TypeEngine) -> None:
    literal = engine.to_literal(cases.Inner(1, 2.5), cases.Inner)
    assert literal.scalar.binary.tag == "msgpack"
    assert literal.scalar.binary.value == msgpack.packb({"x": 1, "y": 2.5})
    assert list(msgpack.unpackb(literal.scalar.binary.value)) == ["x", "y"]


def test_union_variant_of_dataclass_drops_dataclass_type(engine: TypeEngine) -> None:
    variants = engine.to_literal_type(typing.Optional[cases.Inner]).union_type.variants
    assert variants[0].structure.tag == "Object-Dataclass-Transformer"
    assert not variants[0].structure.dataclass_type
    assert variants[0].HasField("metadata")


# -- values Flyte's propeller hands over when a task reads a dataclass attribute ----------------


def _binary(plain: Any) -> literals_pb2.Literal:
    literal = literals_pb2.Literal()
    literal.scalar.binary.value = msgpack.packb(plain)
    literal.scalar.binary.tag = "msgpack"
    return literal


@pytest.mark.parametrize(
    ("python_type", "plain", "expected"),
    [
        (int, 5, 5),
        (float, 2, 2.0),
        (str, "s", "s"),
        (bool, True, True),
        (type(None), None, None),
        (datetime.datetime, "2024-01-02T03:04:05", datetime.datetime(2024, 1, 2, 3, 4, 5)),
        (datetime.date, "2024-01-02", datetime.date(2024, 1, 2)),
        (datetime.timedelta, 1.5, datetime.timedelta(seconds=1.5)),
        (list[int], [1, 2], [1, 2]),
        (dict[str, float], {"a": 1}, {"a": 1.0}),
        (dict[int, str], {1: "a"}, {1: "a"}),
    ],
)
def test_reads_msgpack_attribute_values(
    engine: TypeEngine, python_type: Any, plain: Any, expected: Any
) -> None:
    assert engine.to_python_value(_binary(plain), python_type) == expected


def test_reads_msgpack_attribute_enum_and_dataclass(engine: TypeEngine) -> None:
    assert engine.to_python_value(_binary("green"), cases.Color) is cases.Color.GREEN
    assert engine.to_python_value(_binary({"x": 1}), cases.Inner) == cases.Inner(1)


def test_binary_with_unknown_tag_is_refused(engine: TypeEngine) -> None:
    literal = _binary(5)
    literal.scalar.binary.tag = "cbor"
    with pytest.raises(TypeTransformerError, match="'cbor'"):
        engine.to_python_value(literal, int)


# -- reading across numeric kinds ------------------------------------------------------------------


def test_int_reads_integral_float_and_float_reads_int(engine: TypeEngine) -> None:
    assert engine.to_python_value(engine.to_literal(3.0, float), int) == 3
    assert type(engine.to_python_value(engine.to_literal(3.0, float), int)) is int
    assert engine.to_python_value(engine.to_literal(3, int), float) == 3.0
    assert type(engine.to_python_value(engine.to_literal(3, int), float)) is float


def test_int_refuses_non_integral_float(engine: TypeEngine) -> None:
    with pytest.raises(TypeTransformerError, match=r"non-integral float 2\.5"):
        engine.to_python_value(engine.to_literal(2.5, float), int)


def test_list_int_reads_floats_and_zeros(engine: TypeEngine) -> None:
    literal = engine.to_literal([0.0, 2.0, 0.0], list[float])
    assert engine.to_python_value(literal, list[int]) == [0, 2, 0]


def test_plain_reader_accepts_union_wrapped_value(engine: TypeEngine) -> None:
    literal = engine.to_literal(4, typing.Optional[int])
    assert engine.to_python_value(literal, int) == 4
    literal = engine.to_literal([1, 2], typing.Optional[list[int]])
    assert engine.to_python_value(literal, list[int]) == [1, 2]
    literal = engine.to_literal(cases.Inner(1), typing.Optional[cases.Inner])
    assert engine.to_python_value(literal, cases.Inner) == cases.Inner(1)


def test_reads_json_struct_values(engine: TypeEngine) -> None:
    """Flyte's console and old flytekit send JSON structs: every number is a double."""
    literal = literals_pb2.Literal()
    literal.scalar.generic.update({"value": [1, 2.0, 3]})
    assert engine.to_python_value(literal, dict) == {"value": [1.0, 2.0, 3.0]}
    assert engine.to_python_value(literal, dict[str, list[int]]) == {"value": [1, 2, 3]}
    literal.scalar.generic.Clear()
    literal.scalar.generic.update({"x": 1, "y": 2})
    assert engine.to_python_value(literal, cases.Inner) == cases.Inner(1, 2.0)
    assert type(engine.to_python_value(literal, cases.Inner).x) is int


def test_datetime_reads_as_utc_and_date_at_midnight(engine: TypeEngine) -> None:
    aware = datetime.datetime(
        2024, 1, 2, 1, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    )
    back = engine.to_python_value(engine.to_literal(aware, datetime.datetime), datetime.datetime)
    assert back == aware
    assert back.tzinfo is datetime.timezone.utc
    assert back.hour == 23
    date_literal = engine.to_literal(datetime.date(2024, 3, 4), datetime.date)
    midnight = datetime.datetime(2024, 3, 4, tzinfo=datetime.timezone.utc)
    assert engine.to_python_value(date_literal, datetime.datetime) == midnight
    assert engine.to_python_value(date_literal, datetime.date) == datetime.date(2024, 3, 4)


def test_tagged_union_read_prefers_exact_literal_type(engine: TypeEngine) -> None:
    @dataclasses.dataclass
    class A:
        x: int

    @dataclasses.dataclass
    class B:
        x: int

    union = typing.Union[A, B]
    literal = engine.to_literal(B(1), union)
    assert literal.scalar.union.type.metadata.fields["title"].string_value == "B"
    assert engine.to_python_value(literal, union) == B(1)


def test_enum_castable_to_string_in_union(engine: TypeEngine) -> None:
    class Mood(enum.Enum):
        HAPPY = "happy"

    stored = engine.to_literal(Mood.HAPPY, typing.Union[Mood, int])
    stored.scalar.union.type.structure.tag = "str"
    assert engine.to_python_value(stored, typing.Union[str, int]) == "happy"


def test_literal_type_helpers_are_protobuf_messages(engine: TypeEngine) -> None:
    assert isinstance(engine.to_literal_type(int), types_pb2.LiteralType)
    assert isinstance(engine.to_literal(1, int), literals_pb2.Literal)
