"""Every builtin type in a task interface (featherkit side)."""

import datetime
import enum
import typing
from dataclasses import dataclass, field

from featherkit import task


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
    points: typing.List[Point] = field(default_factory=list)  # noqa: UP006
    tags: typing.Dict[str, str] = field(default_factory=dict)  # noqa: UP006
    color: typing.Optional[str] = None


class Opaque:
    """A class no transformer knows: pickled."""

    def __init__(self, value: int) -> None:
        self.value = value


@task
def primitives(i: int, f: float, s: str, b: bool) -> str:
    return f"{i}{f}{s}{b}"


@task
def temporal(
    dt: datetime.datetime, d: datetime.date, td: datetime.timedelta
) -> datetime.datetime:
    return dt


# both spellings of the generic aliases on purpose: typing.List/Dict and list/dict
@task
def collections(
    li: typing.List[int],  # noqa: UP006
    ls: list[str],
    nested: typing.List[typing.List[float]],  # noqa: UP006
    m: typing.Dict[str, int],  # noqa: UP006
    md: dict[str, typing.List[str]],  # noqa: UP006
) -> typing.Dict[str, float]:  # noqa: UP006
    return {}


@task
def untyped_dicts(d: dict, keyed: dict[int, str]) -> dict:
    return d


@task
def dataclasses_io(p: Point, shapes: list[Shape]) -> Shape:
    return shapes[0]


@task
def optional_and_union(
    o: typing.Optional[int],
    u: typing.Union[int, str],
    ou: typing.Optional[typing.Union[float, str]] = None,
) -> typing.Optional[str]:
    return None


@task
def enum_io(c: Color) -> Color:
    return c


@task
def none_io(n: None) -> None:
    return None


@task
def pickled(o: Opaque) -> Opaque:
    return o


@task
def defaults(a: int = 1, s: str = "x", o: typing.Optional[int] = None) -> str:
    return s
