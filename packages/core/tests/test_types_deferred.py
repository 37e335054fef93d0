"""Core's builtins as a deferred group: the same answers as the complete list, loaded later.

The plugin-built engine registers the primitives at once and imports the other builtins'
modules at the first lookup that needs them (a pod running a task on ints never does).
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import subprocess
import sys
import threading
import typing
from pathlib import Path
from typing import Annotated, Any, Literal, Optional

import pytest
from flyteidl.core import types_pb2

from featherkit.types import TypeEngine, TypeTransformer, builtin_transformers
from featherkit.types.defaults import deferred_builtins
from featherkit.types.engine import DeferredTransformers
from featherkit.types.primitives import IntTransformer


class Color(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    LOW = 1


class Count(int):
    pass


@dataclasses.dataclass
class Point:
    x: int
    y: float


class Opaque:
    pass


TYPES: list[Any] = [
    int, float, str, bool, None, type(None), Count, Level, Color, Point, Opaque,
    list[int], dict[str, int], tuple[int, str], Optional[str], int | str, Literal["a", "b"],
    Annotated[int, "note"], Annotated[list[int], "note"], datetime.datetime, datetime.date,
    datetime.timedelta, typing.Iterator[int], bytes,
]


def _names(transformers: list[Any]) -> list[str]:
    return [type(t).__name__ for t in transformers]


@pytest.mark.parametrize("python_type", TYPES, ids=repr)
@pytest.mark.filterwarnings("ignore::featherkit.types.PickleFallbackWarning")
def test_a_fresh_deferred_engine_answers_as_the_complete_one(python_type: Any):
    complete = TypeEngine(builtin_transformers())
    deferred = TypeEngine([deferred_builtins()])  # fresh: this lookup may be the first
    found = deferred.get_transformer(python_type)
    assert type(found) is type(complete.get_transformer(python_type))
    assert _literal_type_or_error(deferred, python_type) == _literal_type_or_error(
        complete, python_type
    )


def _literal_type_or_error(engine: TypeEngine, python_type: Any) -> object:
    try:
        return engine.to_literal_type(python_type)
    except Exception as exc:  # a type Flyte refuses: the same refusal either way
        return (type(exc), str(exc))


def test_the_complete_list_keeps_the_builtin_order():
    deferred = TypeEngine([deferred_builtins()])
    assert deferred.get_transformer(int) is not None  # a primitive: nothing loaded yet
    assert _names(deferred.transformers) == _names(builtin_transformers())
    assert type(deferred.fallback).__name__ == "PickleTransformer"


def test_guessing_sees_the_whole_list_in_order():
    complete = TypeEngine(builtin_transformers())
    literal = types_pb2.LiteralType(simple=types_pb2.STRING)
    literal.annotation.annotations.update({"a": 1})
    for literal_type in (
        types_pb2.LiteralType(simple=types_pb2.INTEGER),
        types_pb2.LiteralType(collection_type=types_pb2.LiteralType(simple=types_pb2.FLOAT)),
        types_pb2.LiteralType(simple=types_pb2.DATETIME),
    ):
        fresh = TypeEngine([deferred_builtins()])
        assert fresh.guess_python_type(literal_type) == complete.guess_python_type(literal_type)


def test_only_the_primitives_load_for_a_task_on_ints(tmp_path: Path):
    """A pod running a task on ints never imports the other builtins' modules."""
    script = (
        "import sys\n"
        "from featherkit.type_registry import type_engine\n"
        "engine = type_engine()\n"
        "literal = engine.to_literal(3, int)\n"
        "assert engine.to_python_value(literal, int) == 3\n"
        "engine.writer(str); engine.reader(float); engine.literal_type_of(bool)\n"
        "loaded = sorted(m for m in ('featherkit.types.containers', 'featherkit.types.blobs',"
        " 'featherkit.types.dataclass', 'featherkit.types.temporal', 'featherkit.types.error')"
        " if m in sys.modules)\n"
        "print(loaded)\n"
        "engine.get_transformer(list[int])\n"
        "print('featherkit.types.containers' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    assert result.stdout.split() == ["[]", "True"]


class _Unused(TypeTransformer[Any]):
    """A plugin's transformer; only which one is found matters here."""

    def get_literal_type(self, t: Any) -> types_pb2.LiteralType:
        return types_pb2.LiteralType(simple=types_pb2.STRING)

    def to_literal(self, ctx: Any, python_val: Any, python_type: Any, expected: Any) -> Any:
        raise AssertionError("not converted in these tests")

    def to_python_value(self, ctx: Any, lv: Any, expected_python_type: Any) -> Any:
        raise AssertionError("not converted in these tests")


class PluginInt(_Unused):
    name = "plugin-int"
    python_type = int


class PluginDatetime(_Unused):
    name = "plugin-datetime"
    python_type = datetime.datetime


def test_an_installed_plugins_transformer_replaces_a_deferred_builtin():
    plugin_int, plugin_datetime = PluginInt(), PluginDatetime()
    engine = TypeEngine([plugin_int, plugin_datetime, deferred_builtins()])
    assert engine.get_transformer(int) is plugin_int  # before the group is complete
    assert engine.get_transformer(datetime.datetime) is plugin_datetime
    assert engine.get_transformer(list[int]) is not None  # completes the group
    assert engine.get_transformer(int) is plugin_int
    assert engine.get_transformer(datetime.datetime) is plugin_datetime
    names = _names(engine.transformers)
    assert "IntTransformer" not in names and "DatetimeTransformer" not in names
    assert names[:2] == ["PluginInt", "PluginDatetime"]


def test_a_registration_after_construction_sees_the_whole_list():
    engine = TypeEngine([deferred_builtins()])
    with pytest.raises(ValueError, match="two type transformers claim"):
        engine.register(PluginDatetime())  # DatetimeTransformer was deferred, not absent
    replacement = PluginDatetime()
    engine.register(replacement, replace=True)
    assert engine.get_transformer(datetime.datetime) is replacement


def test_a_group_that_drops_an_eager_member_is_refused():
    kept = IntTransformer()
    group = DeferredTransformers([kept], lambda: [IntTransformer()])
    engine = TypeEngine([group])
    with pytest.raises(ValueError, match="lost"):
        engine.get_transformer(list[int])


@pytest.mark.filterwarnings("ignore::featherkit.types.PickleFallbackWarning")
def test_concurrent_first_lookups_all_get_the_complete_answer():
    complete = TypeEngine(builtin_transformers())
    expected = {repr(t): type(complete.get_transformer(t)) for t in TYPES}
    for _ in range(20):
        engine = TypeEngine([deferred_builtins()])
        got: dict[str, type] = {}
        barrier = threading.Barrier(len(TYPES))

        def look(
            tp: Any, engine: TypeEngine = engine, got: dict[str, type] = got,
            barrier: threading.Barrier = barrier,
        ) -> None:
            barrier.wait()
            got[repr(tp)] = type(engine.get_transformer(tp))

        threads = [threading.Thread(target=look, args=(t,)) for t in TYPES]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert got == expected
