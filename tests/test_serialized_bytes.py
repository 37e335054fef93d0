"""Serialized bytes are pinned: every task of ``golden/golden_tasks.py`` (each kind of target,
each option that reaches the template, attributes set after decoration), with plain and with
rich settings, serializes to exactly the bytes in ``golden/golden.json``.

The bytes were written by the code before its serialization fast paths; a change here is a
change of the wire form, not a refactoring. Only the SDK version in ``metadata.runtime`` is
blanked (it moves with every release). Regenerate deliberately with
``python tests/test_serialized_bytes.py`` (and say why in the commit).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent / "golden"
GOLDEN = HERE / "golden.json"


def _settings() -> dict[str, Any]:
    from featherkit import SerializationSettings

    return {
        "plain": SerializationSettings(
            image="ghcr.io/acme/app:v1", project="p", domain="d", version="v1"
        ),
        "rich": SerializationSettings(
            image="ghcr.io/acme/app:v2", project="proj", domain="dev", version="abc",
            env={"FROM_SETTINGS": "1", "A": "settings"}, python_interpreter="/usr/bin/python3",
            extra={"anything": 1},
        ),
    }


def _tasks() -> dict[str, Any]:
    sys.path.insert(0, str(HERE))
    try:
        import golden_tasks
    finally:
        sys.path.remove(str(HERE))
    from featherkit.base_task import Task

    return {name: value for name, value in vars(golden_tasks).items() if isinstance(value, Task)}


def _blank_version(message: Any) -> Any:
    message.metadata.runtime.version = ""
    return message


def current() -> dict[str, str]:
    """What the code serializes today: ``settings/task/form`` -> hex bytes."""
    from featherkit.serialization import serialize, task_spec, to_bytes

    found = {}
    for label, settings in _settings().items():
        for name, made in _tasks().items():
            template = _blank_version(serialize(made, settings))
            found[f"{label}/{name}/template"] = to_bytes(template).hex()
            spec = task_spec(made, settings)
            _blank_version(spec.template)
            found[f"{label}/{name}/spec"] = to_bytes(spec).hex()
    return found


def test_there_is_a_task_of_every_kind():
    kinds = {type(t).__name__ for t in _tasks().values()}
    assert {
        "PythonFunctionTask", "PodFunctionTask", "ContainerTask", "SQLite3Task", "DuckDBTask",
        "MapTask", "DynamicTask",
    } <= kinds


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_serialized_bytes_are_unchanged():
    expected = json.loads(GOLDEN.read_text())
    got = current()
    assert sorted(got) == sorted(expected)
    changed = [key for key in expected if got[key] != expected[key]]
    assert not changed, f"serialized bytes changed for {changed}"


def test_serializing_twice_gives_the_same_bytes():
    assert current() == current()


if __name__ == "__main__":
    GOLDEN.write_text(json.dumps(current(), indent=1, sort_keys=True) + "\n")
