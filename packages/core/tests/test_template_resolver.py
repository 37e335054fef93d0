"""Core's template resolver: the conformance suite, serialization side, and load errors."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import fk_template_testplugin as plugin
import pytest

from featherkit import Interface, PythonTask, SerializationSettings, hookimpl, serialize, task
from featherkit.extend import ResolverError, TemplateTask, find_resolver, resolver_for
from featherkit.template_resolver import LOCATION, TEMPLATE_PATH, template_resolver
from featherkit.testing import (
    MemoryStorage,
    MissingCase,
    ResolverCase,
    TaskResolverSuite,
    registered,
)

SETTINGS = SerializationSettings(image="ghcr.io/featherkit/sql:1", version="v1")


@pytest.fixture(autouse=True)
def arithmetic_plugin() -> Iterator[None]:
    """The test task type's executor, registered for each test."""
    with registered(plugin, name="tests-arith-plugin"):
        yield


def template_file(directory: Path, t: Any) -> str:
    path = directory / f"{t.name}.pb"
    path.write_bytes(serialize(t, SETTINGS).SerializeToString())
    return str(path)


class TestTemplateResolver(TaskResolverSuite):
    @pytest.fixture
    def resolver(self) -> Any:
        return template_resolver

    @pytest.fixture
    def tasks(self) -> list[ResolverCase]:
        return [
            ResolverCase(plugin.add_three, {"x": 4}),
            ResolverCase(plugin.echo_twice, {"s": "ab"}),
        ]

    @pytest.fixture
    def missing(self, tmp_path: Path) -> list[MissingCase]:
        existing = template_file(tmp_path, plugin.add_three)
        return [
            MissingCase(
                [str(tmp_path / "absent.pb"), plugin.EXECUTOR],
                f"task template file {tmp_path / 'absent.pb'} does not exist",
                "missing file",
            ),
            MissingCase(
                [existing, "no-such-executor"],
                "template executor 'no-such-executor', which no installed plugin registers",
                "missing executor",
            ),
        ]


# -- serialization --------------------------------------------------------------------------


def test_location_and_loader_args() -> None:
    assert LOCATION == "featherkit.resolvers.template"
    assert find_resolver(LOCATION) is template_resolver
    assert template_resolver.loader_args(SETTINGS, plugin.add_three) == [
        "{{.taskTemplatePath}}", "tests-arith",
    ]


def test_tasks_with_an_executor_choose_this_resolver() -> None:
    assert resolver_for(plugin.add_three, SETTINGS) is template_resolver
    args = list(serialize(plugin.add_three, SETTINGS).container.args)
    assert args[-5:] == ["--resolver", LOCATION, "--", TEMPLATE_PATH, "tests-arith"]


def test_a_task_without_executor_is_refused() -> None:
    @task
    def plain(x: int) -> int:
        return x

    with pytest.raises(ResolverError, match="has no template_executor"):
        template_resolver.loader_args(SETTINGS, plain)


def test_an_unregistered_executor_is_refused_at_serialization() -> None:
    stray = plugin.ArithmeticTask("tests.stray", "add", 1, {"x": int}, {"o0": int})
    stray.template_executor = "nobody-registers-this"  # type: ignore[misc]
    with pytest.raises(ResolverError, match=r"'tests\.stray' names template executor"):
        template_resolver.loader_args(SETTINGS, stray)


# -- loading --------------------------------------------------------------------------------


def test_unsubstituted_path_is_explained() -> None:
    with pytest.raises(ResolverError, match="was not substituted"):
        template_resolver.load_task(["{{ .TaskTemplatePath }}", plugin.EXECUTOR])


@pytest.mark.parametrize(
    "args", [[], ["only-one"], ["a", "b", "c"], ["", plugin.EXECUTOR], ["/x.pb", ""]]
)
def test_malformed_args(args: list[str]) -> None:
    with pytest.raises(ResolverError, match="expects loader args"):
        template_resolver.load_task(args)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a serialized TaskTemplate (it has no task name or type)"),
        (b"\xff\xff\xff\xff", "is not a serialized TaskTemplate"),
        (json.dumps({"id": "x"}).encode(), "is not a serialized TaskTemplate"),
    ],
)
def test_a_file_that_is_not_a_template(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "task.pb"
    path.write_bytes(content)
    with pytest.raises(ResolverError, match=message.replace("(", r"\(").replace(")", r"\)")):
        template_resolver.load_task([str(path), plugin.EXECUTOR])


def test_a_directory_instead_of_a_file(tmp_path: Path) -> None:
    with pytest.raises(ResolverError, match="cannot read task template file"):
        template_resolver.load_task([str(tmp_path), plugin.EXECUTOR])


class _Factories:
    def __init__(self, factories: dict[str, Callable[[Any], Any]]) -> None:
        self.factories = factories

    @hookimpl
    def register_template_executors(self, register: Callable[[str, Any], None]) -> None:
        for name, factory in self.factories.items():
            register(name, factory)


def test_an_executor_that_fails_is_named(tmp_path: Path) -> None:
    def broken(template: Any) -> Any:
        raise KeyError("custom.op")

    path = template_file(tmp_path, plugin.add_three)
    expected = r"executor 'broken' could not build task 'tests\.add_three'.*KeyError"
    with registered(_Factories({"broken": broken})), pytest.raises(ResolverError, match=expected):
        template_resolver.load_task([path, "broken"])


def test_an_executor_that_returns_no_task(tmp_path: Path) -> None:
    path = template_file(tmp_path, plugin.add_three)
    factories = _Factories({"dicty": lambda template: {"not": "a task"}})
    expected = r"returned a dict .* not a featherkit task"
    with registered(factories), pytest.raises(ResolverError, match=expected):
        template_resolver.load_task([path, "dicty"])


def test_two_plugins_claiming_one_executor_are_named() -> None:
    from featherkit.extend import PluginError, hooks

    rival = _Factories({plugin.EXECUTOR: plugin.ArithmeticExecutor})
    with registered(rival, name="rival"), pytest.raises(PluginError, match="rival"):
        hooks().template_executors()


def test_template_read_through_storage() -> None:
    """Object stores work: the template is read with featherkit.storage, not open()."""
    store = MemoryStorage()
    uri = "mem://bucket/metadata/task.pb"
    store.objects[uri] = serialize(plugin.echo_twice, SETTINGS).SerializeToString()
    with registered(store, name="mem-storage"):
        loaded = template_resolver.load_task([uri, plugin.EXECUTOR])
        assert loaded(s="xy") == "xyxy"
        with pytest.raises(ResolverError, match=r"mem://bucket/nothing\.pb does not exist"):
            template_resolver.load_task(["mem://bucket/nothing.pb", plugin.EXECUTOR])


def test_loaded_task_is_a_template_task_with_the_template(tmp_path: Path) -> None:
    loaded = template_resolver.load_task([template_file(tmp_path, plugin.add_three),
                                          plugin.EXECUTOR])
    assert isinstance(loaded, TemplateTask)
    assert loaded.task_type == "arith"
    assert loaded.custom == {"op": "add", "amount": 3}
    assert loaded(x=10) == 13


def test_readme_example_runs(tmp_path: Path) -> None:
    """The README's "writing a task type" example, as written there."""

    class EchoTask(PythonTask):
        template_executor = "echo"

        def get_custom(self, settings: Any) -> dict[str, Any]:
            return {"prefix": self.task_config}

        def execute(self, **kwargs: Any) -> Any:
            return self.task_config + kwargs["text"]

    class EchoExecutor(TemplateTask):
        def execute(self, **kwargs: Any) -> Any:
            return self.custom["prefix"] + kwargs["text"]

    hi = EchoTask(
        "echo", "tests.hi", Interface(inputs={"text": str}, outputs={"o0": str}),
        task_config="hi ",
    )
    with registered(_Factories({"echo": EchoExecutor})):
        args = template_resolver.loader_args(SETTINGS, hi)
        assert args == [TEMPLATE_PATH, "echo"]
        loaded = template_resolver.load_task([template_file(tmp_path, hi), "echo"])
    assert hi(text="there") == loaded(text="there") == "hi there"


def test_featherkit_plugins_lists_the_resolver() -> None:
    listing = subprocess.run(
        [sys.executable, "-m", "featherkit.cli", "plugins", "--json"],
        capture_output=True, text=True, check=True,
    )
    report = json.loads(listing.stdout)
    plugins = {p["name"]: p for p in report["plugins"]}
    mine = plugins["featherkit.builtin.template-resolver"]
    assert mine["distribution"] == "featherkit" and mine["builtin"]
    assert "register_resolvers" in mine["hooks"]
    assert report["resolvers"][LOCATION] == "featherkit.builtin.template-resolver"
