"""Values no retry can encode are the task's input/output errors, naming task and variable.

A lone surrogate in a str or a dict key, a datetime outside the Timestamp range, a dataclass
nested past the recursion limit: each fails the same way every time, so it is a
TaskInputError/TaskOutputError (NON_RECOVERABLE in a pod, see test_entrypoint.py), never a
bare UnicodeEncodeError/OverflowError/RecursionError.
"""

from __future__ import annotations

import dataclasses
import datetime
import sys
from typing import Any

import pytest

from featherkit import task
from featherkit.errors import TaskInputError, TaskOutputError

_PLUS_FIVE = datetime.timezone(datetime.timedelta(hours=5))
_MINUS_FIVE = datetime.timezone(datetime.timedelta(hours=-5))


@dataclasses.dataclass
class Node:
    child: Node | None = None


def _deep() -> Node:
    node = Node()
    for _ in range(sys.getrecursionlimit() * 2):
        node = Node(node)
    return node


@task
def echo_text(text: str) -> str:
    return text


@task
def echo_table(table: dict[str, int]) -> dict[str, int]:
    return table


@task
def echo_when(when: datetime.datetime) -> datetime.datetime:
    return when


@task
def echo_node(node: Node) -> Node:
    return node


CASES: list[tuple[Any, str, Any]] = [
    (echo_text, "text", "lone \ud800 surrogate"),
    (echo_table, "table", {"\udc80": 1}),
    (echo_when, "when", datetime.datetime(1, 1, 1, tzinfo=_PLUS_FIVE)),
    (echo_when, "when", datetime.datetime(9999, 12, 31, 23, tzinfo=_MINUS_FIVE)),
    (echo_node, "node", None),
]


@pytest.mark.parametrize(("the_task", "name", "value"), CASES)
def test_an_unencodable_input_names_the_task_and_the_input(
    the_task: Any, name: str, value: Any
) -> None:
    value = _deep() if value is None else value
    with pytest.raises(TaskInputError) as info:
        the_task(**{name: value})
    assert f"task {the_task.name!r}, input {name!r}" in str(info.value)


_RETURNED: dict[str, Any] = {}


@task
def give_text() -> str:
    return _RETURNED["value"]  # type: ignore[no-any-return]


@task
def give_table() -> dict[str, int]:
    return _RETURNED["value"]  # type: ignore[no-any-return]


@task
def give_when() -> datetime.datetime:
    return _RETURNED["value"]  # type: ignore[no-any-return]


@task
def give_node() -> Node:
    return _RETURNED["value"]  # type: ignore[no-any-return]


_GIVERS = {"text": give_text, "table": give_table, "when": give_when, "node": give_node}


@pytest.mark.parametrize(("the_task", "name", "value"), CASES)
def test_an_unencodable_output_names_the_task_and_the_output(
    the_task: Any, name: str, value: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(_RETURNED, "value", _deep() if value is None else value)
    giver = _GIVERS[name]
    with pytest.raises(TaskOutputError) as info:
        giver()
    assert f"task {giver.name!r}, output 'o0'" in str(info.value)


def test_the_edges_of_the_timestamp_range_still_work() -> None:
    low = datetime.datetime(1, 1, 1, tzinfo=datetime.timezone.utc)
    high = datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc)
    assert echo_when(when=low) == low
    assert echo_when(when=high) == high
