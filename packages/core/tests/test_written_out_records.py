"""Records whose frozen-dataclass methods are written out behave as @dataclass(frozen=True)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from featherkit.context import ExecutionIdentifier, TaskIdentifier
from featherkit.plugins.manager import PluginInfo
from featherkit.plugins.registry import Entries, Registry
from featherkit.types.error import FlyteError


def _first(*args: Any) -> Any:
    return args[0]


CASES: list[tuple[type, tuple[Any, ...], tuple[Any, ...]]] = [
    (PluginInfo, ("p", "dist", "1.0", "m:obj", ("register_storage",), False),
     ("p", "dist", "1.0", "m:obj", ("register_storage",), True)),
    (Entries, ({"k": 1}, {"k": "p"}), ({"k": 2}, {"k": "p"})),
    (Registry, ("register_x", "thing", _first, _first), ("register_y", "thing", _first, _first)),
    (FlyteError, ("boom", "n0"), ("boom", "n1")),
    (ExecutionIdentifier, ("p", "d", "n"), ("p", "d", "m")),
    (TaskIdentifier, ("p", "d", "n", "v1"), ("p", "d", "n", "v2")),
]


def _reference(cls: type) -> type:
    """What ``@dataclass(frozen=True)`` generates for the same fields (and the same name)."""
    fields = [
        (f.name, f.type) if f.default is dataclasses.MISSING else (f.name, f.type, f.default)
        for f in dataclasses.fields(cls)
    ]
    return dataclasses.make_dataclass(cls.__name__, fields, frozen=True)


@pytest.mark.parametrize(
    ("cls", "args", "other_args"), CASES, ids=lambda c: getattr(c, "__name__", "")
)
def test_written_out_methods_match_a_frozen_dataclass(
    cls: type, args: tuple[Any, ...], other_args: tuple[Any, ...]
) -> None:
    ref = _reference(cls)
    ours, theirs = cls(*args), ref(*args)
    assert dataclasses.is_dataclass(ours)
    names = [f.name for f in dataclasses.fields(theirs)]
    assert [f.name for f in dataclasses.fields(ours)] == names
    assert repr(ours) == repr(theirs)
    assert dataclasses.asdict(ours) == dataclasses.asdict(theirs)
    assert ours == cls(*args) and ours != cls(*other_args)
    assert (ours == theirs) is False  # another class, as for two dataclasses
    try:
        expected_hash: Any = hash(theirs)
    except TypeError:
        expected_hash = TypeError
    try:
        got_hash: Any = hash(ours)
    except TypeError:
        got_hash = TypeError
    assert got_hash == expected_hash
    first = dataclasses.fields(ours)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError, match=f"cannot assign to field '{first}'"):
        setattr(ours, first, None)
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'other'"):
        ours.other = 1  # type: ignore[attr-defined]
    with pytest.raises(dataclasses.FrozenInstanceError, match=f"cannot delete field '{first}'"):
        delattr(ours, first)
    replaced = dataclasses.replace(ours, **{first: getattr(cls(*other_args), first)})
    assert getattr(replaced, first) == getattr(cls(*other_args), first)


@pytest.mark.parametrize("cls", [ExecutionIdentifier, TaskIdentifier])
def test_written_out_defaults_match(cls: type) -> None:
    assert repr(cls()) == repr(_reference(cls)())
    assert cls() == cls(*[f.default for f in dataclasses.fields(cls)])


def test_execution_parameters_methods_match_a_dataclass() -> None:
    import inspect

    from featherkit.context import ExecutionParameters

    fields = []
    for f in dataclasses.fields(ExecutionParameters):
        if f.default_factory is not dataclasses.MISSING:
            fields.append((f.name, f.type, dataclasses.field(default_factory=f.default_factory)))
        else:
            fields.append((f.name, f.type, f.default))
    ref = dataclasses.make_dataclass("ExecutionParameters", fields)
    ours, theirs = ExecutionParameters(task_name="t"), ref(task_name="t")
    assert repr(ours) == repr(theirs)
    assert ours == ExecutionParameters(task_name="t") and ours != ExecutionParameters()
    assert ours.decks == [] and ours.decks is not ExecutionParameters().decks
    assert ExecutionParameters(decks=None).decks is None  # type: ignore[arg-type]
    assert [(p.name, repr(p.default)) for p in inspect.signature(ExecutionParameters).parameters
            .values()] == [(p.name, repr(p.default)) for p in inspect.signature(ref).parameters
                           .values()]
    ours.attributes["self"] = ours
    theirs.attributes["self"] = theirs
    assert repr(ours) == repr(theirs)  # a recursive value shows as "..."
    assert dataclasses.replace(ours, task_name="u").task_name == "u"
    try:
        hash(ours)
    except TypeError:
        pass
    else:
        raise AssertionError("ExecutionParameters must stay unhashable, as a dataclass")
