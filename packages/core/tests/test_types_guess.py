"""guess_python_type: rebuilding Python types from literal types (serialized interfaces)."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import typing
from typing import Any, Optional

import pytest
from flyteidl.core import types_pb2

from featherkit.types import TypeEngine, builtin_transformers
from featherkit.types.pickle import Pickled


@pytest.fixture
def engine() -> TypeEngine:
    return TypeEngine(builtin_transformers())


@dataclasses.dataclass
class Inner:
    n: int


@dataclasses.dataclass
class Record:
    name: str
    score: float
    when: datetime.datetime
    tags: list[str]
    inner: Inner
    maybe: Optional[int] = None
    extra: dict[str, int] = dataclasses.field(default_factory=dict)


@pytest.mark.parametrize(
    ("python_type", "guessed"),
    [
        (int, int),
        (float, float),
        (str, str),
        (bool, bool),
        (type(None), type(None)),
        (datetime.datetime, datetime.datetime),
        (datetime.date, datetime.datetime),  # a DATETIME literal type carries no "date only"
        (datetime.timedelta, datetime.timedelta),
        (list[int], list[int]),
        (list[list[str]], list[list[str]]),
        (dict[str, float], dict[str, float]),
        (dict, dict),
        (dict[int, str], dict),
        (Optional[int], typing.Union[int, None]),
        (typing.Union[int, str, None], typing.Union[int, str, None]),
        (Pickled, Pickled),
        (typing.Literal["a", "b"], typing.Literal["a", "b"]),
        (typing.Literal[1, 2], typing.Literal[1, 2]),
    ],
)
def test_guess_simple_and_container_types(
    engine: TypeEngine, python_type: Any, guessed: Any
) -> None:
    assert engine.guess_python_type(engine.to_literal_type(python_type)) == guessed


def test_guess_enum(engine: TypeEngine) -> None:
    class Color(enum.Enum):
        RED = "red"
        BLUE = "blue"

    guessed = engine.guess_python_type(engine.to_literal_type(Color))
    assert issubclass(guessed, enum.Enum)
    assert [m.value for m in guessed] == ["red", "blue"]


def test_guess_dataclass_reads_the_original_literal(engine: TypeEngine) -> None:
    lt = engine.to_literal_type(Record)
    guessed = engine.guess_python_type(lt)
    assert isinstance(guessed, type)
    assert dataclasses.is_dataclass(guessed)
    assert guessed.__name__ == "Record"
    hints = typing.get_type_hints(guessed)
    assert hints["name"] is str
    assert hints["score"] is float
    assert hints["when"] is datetime.datetime
    assert hints["tags"] == list[str]
    assert hints["maybe"] == typing.Optional[int]
    assert hints["extra"] == dict[str, int]
    assert dataclasses.is_dataclass(hints["inner"])
    # the same literal type gives the same class
    assert engine.guess_python_type(engine.to_literal_type(Record)) is guessed

    value = Record("a", 1.5, datetime.datetime(2024, 1, 1), ["t"], Inner(2), None, {"k": 1})
    back = engine.to_python_value(engine.to_literal(value, Record), guessed)
    assert (back.name, back.score, back.tags, back.inner.n, back.extra) == (
        "a",
        1.5,
        ["t"],
        2,
        {"k": 1},
    )


def test_unknown_literal_type_is_a_value_error(engine: TypeEngine) -> None:
    unknown = types_pb2.LiteralType()
    unknown.schema.SetInParent()  # flytekit's deprecated schema type: nothing reads it
    with pytest.raises(ValueError, match="no type transformer"):
        engine.guess_python_type(unknown)


def test_rebuilt_dataclass_field_order_follows_required_not_map_order():
    """``properties`` comes through a protobuf map (hash-seed order); ``required`` is ordered."""
    import dataclasses as dc

    from featherkit.types.schema import dataclass_from_schema

    schema = {
        "title": "Row",
        "type": "object",
        "properties": {
            "zeta": {"type": "integer"},
            "tail": {"type": "string"},
            "alpha": {"type": "string"},
            "mid": {"type": "number"},
        },
        "required": ["mid", "zeta", "alpha"],
    }
    rebuilt = dataclass_from_schema(schema)
    assert [f.name for f in dc.fields(rebuilt)] == ["mid", "zeta", "alpha", "tail"]


def test_a_multipart_blob_is_a_directory_of_its_format(engine: TypeEngine) -> None:
    from featherkit import Directory

    blob = types_pb2.LiteralType()
    blob.blob.format = "parquet"
    blob.blob.dimensionality = types_pb2.BlobType.MULTIPART
    assert engine.guess_python_type(blob) is Directory["parquet"]
