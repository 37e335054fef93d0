"""Values of every builtin type, for the literal round trips between flytekit and featherkit.

The types are defined once here and used by both SDKs, so a value read back can be compared
with ``==`` to the one written.
"""

from __future__ import annotations

import datetime
import enum
import typing
from dataclasses import dataclass, field
from typing import Any

UTC = datetime.timezone.utc
PLUS_TWO = datetime.timezone(datetime.timedelta(hours=2))


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


@dataclass
class Point:
    x: int
    y: float
    label: str = ""


@dataclass
class Shape:
    name: str
    points: list[Point] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    color: typing.Optional[str] = None


class Opaque:
    """No transformer knows this class: both SDKs pickle it."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Opaque) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return f"Opaque({self.value})"


@dataclass(frozen=True)
class Case:
    """Values of one Python type; ``read_as(value)`` is what a reader must return."""

    id: str
    python_type: Any
    values: tuple[Any, ...]
    read_as: Any = None

    def expected(self, value: Any) -> Any:
        return self.read_as(value) if self.read_as is not None else value


def _as_utc(value: datetime.datetime) -> datetime.datetime:
    """Naive datetimes are UTC on the wire; both SDKs read them back as aware UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


CASES: tuple[Case, ...] = (
    Case("int", int, (0, -7, 2**62)),
    Case("float", float, (0.0, 1.5, -2.25, 1e300)),
    Case("str", str, ("", "héllo ✓", "line\nbreak")),
    Case("bool", bool, (True, False)),
    Case(
        "datetime",
        datetime.datetime,
        (
            datetime.datetime(2024, 2, 29, 13, 14, 15, 123456, tzinfo=UTC),
            datetime.datetime(1999, 12, 31, 23, 59, 59),
            datetime.datetime(2020, 1, 1, 12, tzinfo=PLUS_TWO),
        ),
        read_as=_as_utc,
    ),
    Case("date", datetime.date, (datetime.date(2024, 2, 29), datetime.date(1970, 1, 1))),
    Case(
        "timedelta",
        datetime.timedelta,
        (
            datetime.timedelta(0),
            datetime.timedelta(days=1, seconds=3, microseconds=7),
            datetime.timedelta(seconds=-90),
        ),
    ),
    Case("none", type(None), (None,)),
    Case("list-int", list[int], ([], [1, 2, 3])),
    Case("List-str", typing.List[str], (["a", "b"],)),  # noqa: UP006
    Case("list-list-float", list[list[float]], ([[1.0], [], [2.5, 3.0]],)),
    Case("dict-str-int", dict[str, int], ({}, {"a": 1, "b": -2})),
    Case(
        "Dict-str-list-str",
        typing.Dict[str, typing.List[str]],  # noqa: UP006
        ({"k": ["v", "w"], "e": []},),
    ),
    Case("dict-untyped", dict, ({"a": 1, "b": [1, 2.5, "x"], "c": {"d": None, "e": True}},)),
    Case("dict-int-keys", dict[int, str], ({1: "a", 2: "b"},)),
    Case("dataclass", Point, (Point(1, 2.5, "p"), Point(-1, 0.0))),
    Case(
        "nested-dataclass",
        Shape,
        (
            Shape("tri", [Point(0, 0.0), Point(1, 1.5, "b")], {"k": "v"}, None),
            Shape("sq", color="red"),
        ),
    ),
    Case("list-dataclass", list[Point], ([Point(1, 1.0), Point(2, 2.0, "two")],)),
    Case("optional-int", typing.Optional[int], (None, 5)),
    Case("union-int-str", typing.Union[int, str], (3, "x")),
    Case("optional-union", typing.Optional[typing.Union[float, str]], (None, 1.5, "s")),
    Case("enum", Color, (Color.RED, Color.GREEN)),
    Case("pickle", Opaque, (Opaque(3),)),
)
