"""BaseModel inputs and outputs through featherkit-pydantic (installed by its entry point)."""

from __future__ import annotations

import datetime
import enum
import json
import subprocess
import sys
import typing
import warnings

import msgpack
import pytest
from flyteidl.core import literals_pb2, types_pb2
from google.protobuf import json_format, struct_pb2
from pydantic import BaseModel

from featherkit import task
from featherkit.extend import PickleFallbackWarning, type_engine


class Level(enum.Enum):
    LOW = "low"
    HIGH = "high"


class Point(BaseModel):
    x: int
    y: float = 0.0


class Config(BaseModel):
    name: str
    points: list[Point] = []
    level: Level = Level.LOW
    started: typing.Optional[datetime.datetime] = None


@task
def shift(config: Config, by: int) -> Config:
    moved = [Point(x=p.x + by, y=p.y) for p in config.points]
    return config.model_copy(update={"points": moved, "level": Level.HIGH})


def test_task_round_trip_without_pickle():
    config = Config(name="c", points=[Point(x=1), Point(x=2, y=2.5)],
                    started=datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc))
    with warnings.catch_warnings():
        warnings.simplefilter("error", PickleFallbackWarning)
        result = shift(config=config, by=10)
    assert isinstance(result, Config)
    assert [p.x for p in result.points] == [11, 12]
    assert result.level is Level.HIGH
    assert result.started == config.started


def test_literal_is_msgpack_of_the_json_form():
    engine = type_engine()
    value = Config(name="c", points=[Point(x=1)], level=Level.HIGH)
    literal = engine.to_literal(value, Config)
    assert literal.scalar.binary.tag == "msgpack"
    assert msgpack.unpackb(literal.scalar.binary.value) == json.loads(value.model_dump_json())
    assert engine.to_python_value(literal, Config) == value


def test_literal_type_carries_schema_fields_and_msgpack_annotation():
    lt = type_engine().to_literal_type(Config)
    assert lt.simple == types_pb2.SimpleType.STRUCT
    assert json_format.MessageToDict(lt.metadata)["title"] == "Config"
    assert set(lt.structure.dataclass_type) == {"name", "points", "level", "started"}
    assert lt.structure.dataclass_type["name"].simple == types_pb2.SimpleType.STRING
    annotations = json_format.MessageToDict(lt.annotation.annotations)
    assert annotations == {"cache-key-metadata": {"serialization-format": "msgpack"}}


def test_reads_the_json_struct_form():
    value = Config(name="old", points=[Point(x=3)])
    literal = literals_pb2.Literal()
    literal.scalar.generic.CopyFrom(
        json_format.Parse(value.model_dump_json(), struct_pb2.Struct())
    )
    assert type_engine().to_python_value(literal, Config) == value


def test_union_tag_is_flytekits_name():
    literal = type_engine().to_literal(Point(x=1), typing.Optional[Point])
    assert literal.scalar.union.type.structure.tag == "Pydantic Transformer"
    assert type_engine().to_python_value(literal, typing.Optional[Point]) == Point(x=1)


def test_wrong_values_name_the_task_and_input():
    with pytest.raises(ValueError, match=r"input 'config'.*Config"):
        shift(config=Point(x=1), by=1)  # type: ignore[arg-type]
    bad = literals_pb2.Literal()
    bad.scalar.binary.value = msgpack.packb({"name": 3, "points": "no"})
    bad.scalar.binary.tag = "msgpack"
    with pytest.raises(ValueError, match="does not validate as Config"):
        type_engine().to_python_value(bad, Config)
    other = literals_pb2.Literal()
    other.scalar.primitive.integer = 1
    with pytest.raises(TypeError, match="msgpack bytes"):
        type_engine().to_python_value(other, Config)


def test_plain_classes_are_not_claimed():
    class NotAModel:
        pass

    assert type_engine().get_transformer(Point).name == "Pydantic Transformer"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert type_engine().get_transformer(BaseModel).name != "Pydantic Transformer"
        assert type_engine().get_transformer(NotAModel).name != "Pydantic Transformer"


def test_loading_the_plugin_does_not_import_pydantic():
    code = (
        "import sys\n"
        "from featherkit.plugins import get_plugin_manager\n"
        "from featherkit.type_registry import type_engine\n"
        "get_plugin_manager(); type_engine().to_literal(1, int)\n"
        "assert 'pydantic' not in sys.modules, 'pydantic imported'\n"
        "assert 'featherkit_pydantic.plugin' in sys.modules, 'plugin not loaded'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
