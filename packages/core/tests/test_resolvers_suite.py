"""The conformance suite itself: it fails for resolvers that break its rules, and its
propeller substitution behaves as propeller's does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from featherkit.errors import FeatherkitUserError
from featherkit.function_task import task
from featherkit.resolvers import ModuleResolver, ResolverError
from featherkit.serialization import SerializationSettings
from featherkit.testing.resolvers import (
    MissingCase,
    ResolverCase,
    TaskResolverSuite,
    substitute_templates,
)

SETTINGS = SerializationSettings(image="ghcr.io/featherkit/test:1", version="v1")


@task
def first(x: int) -> int:
    return x + 1


@task
def second(x: int) -> int:
    return x * 10


CASES = [ResolverCase(first, {"x": 1}), ResolverCase(second, {"x": 1})]


def no_values(t: Any) -> dict[str, str]:
    return {}


class Forgetful(ModuleResolver):
    """Loads whichever task it loaded last: the interference the suite must catch."""

    def __init__(self) -> None:
        self.last: Any = None

    def load_task(self, loader_args: list[str]) -> Any:
        if self.last is None:
            self.last = super().load_task(loader_args)
        return self.last


class Stateful(ModuleResolver):
    def __init__(self) -> None:
        self.seen: list[str] = []

    def loader_args(self, settings: SerializationSettings, t: Any) -> list[str]:
        self.seen.append(t.name)
        return super().loader_args(settings, t)


class Crashing(ModuleResolver):
    def load_task(self, loader_args: list[str]) -> Any:
        return {}[loader_args[1]]


class Templated(ModuleResolver):
    def loader_args(self, settings: SerializationSettings, t: Any) -> list[str]:
        return [*super().loader_args(settings, t), "{{.inputs.x}}"]


def test_suite_catches_interference() -> None:
    with pytest.raises(AssertionError, match="other name"):
        TaskResolverSuite().test_tasks_do_not_interfere(Forgetful(), SETTINGS, CASES, no_values)


def test_suite_catches_state() -> None:
    with pytest.raises(AssertionError, match="changed its own state"):
        TaskResolverSuite().test_tasks_do_not_interfere(Stateful(), SETTINGS, CASES, no_values)


def test_suite_catches_unclear_errors() -> None:
    missing = [MissingCase(["task-module", "m", "task-name", "t"], "m")]
    with pytest.raises(KeyError):
        TaskResolverSuite().test_missing_things_give_a_clear_error(Crashing(), missing)


def test_suite_catches_input_templates() -> None:
    with pytest.raises(ValueError, match="replaced by an input's value"):
        TaskResolverSuite().test_loader_args_are_plain_strings(
            Templated(), SETTINGS, CASES, no_values
        )


def test_suite_catches_tasks_it_cannot_tell_apart() -> None:
    with pytest.raises(AssertionError, match="outputs must differ"):
        TaskResolverSuite().test_cases_can_tell_tasks_apart(
            [ResolverCase(first, {"x": 9}), ResolverCase(second, {"x": 1})]
        )


def test_suite_catches_a_wrong_task(tmp_path: Path) -> None:
    class Swapping(ModuleResolver):
        def load_task(self, loader_args: list[str]) -> Any:
            other = "second" if loader_args[3] == "first" else "first"
            return super().load_task([*loader_args[:3], other])

    with pytest.raises(AssertionError):
        TaskResolverSuite().test_round_trip_gives_an_equivalent_task(
            Swapping(), SETTINGS, CASES, no_values
        )


def test_missing_case_message_must_match() -> None:
    missing = [MissingCase(["task-module", "fk_nowhere", "task-name", "t"], "something else")]
    with pytest.raises(AssertionError, match="should mention 'something else'"):
        TaskResolverSuite().test_missing_things_give_a_clear_error(ModuleResolver(), missing)


# -- propeller's substitution ------------------------------------------------------------------


def test_substitution_is_case_and_space_insensitive() -> None:
    args = ["{{.taskTemplatePath}}", "{{ $TASKTEMPLATEPATH }}", "x{{.Input}}y", "plain"]
    assert substitute_templates(args, {"taskTemplatePath": "/t.pb", "input": "/i.pb"}) == [
        "/t.pb", "/t.pb", "x/i.pby", "plain",
    ]


def test_unknown_templates_are_left_alone() -> None:
    assert substitute_templates(["{{.somethingElse}}"], {}) == ["{{.somethingElse}}"]


def test_known_template_without_value_is_an_error() -> None:
    with pytest.raises(ValueError, match="no value given"):
        substitute_templates(["{{.outputPrefix}}"], {})


def test_resolver_errors_are_the_clear_kind() -> None:
    assert issubclass(ResolverError, FeatherkitUserError)
