"""Core's module resolver: the conformance suite, its loader args and errors, how a resolver
is chosen for a task, and a run through the container entrypoint."""

from __future__ import annotations

import importlib
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from featherkit.errors import FeatherkitUserError
from featherkit.function_task import task
from featherkit.plugins import hooks
from featherkit.resolvers import (
    MODULE_RESOLVER_LOCATION,
    TEMPLATE_RESOLVER_LOCATION,
    ModuleResolver,
    ResolverError,
    default_resolver,
    find_resolver,
    resolver_for,
)
from featherkit.serialization import SerializationSettings, serialize
from featherkit.testing import registered
from featherkit.testing.resolvers import (
    MissingCase,
    ResolverCase,
    TaskResolverSuite,
    run_container,
)

SETTINGS = SerializationSettings(image="ghcr.io/featherkit/test:1", version="v1")

TASKS_SOURCE = '''
from typing import NamedTuple

from featherkit import Interface, PythonInstanceTask
from featherkit.function_task import task


@task
def add_one(x: int) -> int:
    """Add one.

    :param x: the number
    """
    return x + 1


@task
def shout(s: str, times: int = 2) -> str:
    return (s.upper() + "!") * times


class Stats(NamedTuple):
    total: int
    count: int


@task
def stats(xs: list[int]) -> Stats:
    return Stats(sum(xs), len(xs))


def _triple(x: int) -> int:
    return 3 * x


renamed = task(_triple)


class Doubler(PythonInstanceTask):
    def execute(self, x: int) -> int:
        return 2 * x


doubler = Doubler(
    __name__ + ".doubler", interface=Interface(inputs={"x": int}, outputs={"o0": int})
)

not_a_task = 42
'''


def _write_module(directory: Path, source: str) -> str:
    name = f"fk_resolver_tasks_{uuid.uuid4().hex[:8]}"
    (directory / f"{name}.py").write_text(textwrap.dedent(source))
    return name


@pytest.fixture(scope="module")
def code_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A directory of user code on sys.path, as a container's working directory is."""
    directory = tmp_path_factory.mktemp("code")
    sys.path.insert(0, str(directory))
    yield directory
    sys.path.remove(str(directory))


@pytest.fixture(scope="module")
def tasks_module(code_dir: Path) -> Iterator[ModuleType]:
    name = _write_module(code_dir, TASKS_SOURCE)
    module = importlib.import_module(name)
    yield module
    sys.modules.pop(name, None)


class TestModuleResolver(TaskResolverSuite):
    @pytest.fixture
    def resolver(self) -> ModuleResolver:
        return ModuleResolver()

    @pytest.fixture
    def tasks(self, tasks_module: ModuleType) -> list[ResolverCase]:
        m = tasks_module
        return [
            ResolverCase(m.add_one, {"x": 41}),
            ResolverCase(m.shout, {"s": "hey"}),
            ResolverCase(m.stats, {"xs": [1, 2, 3]}),
            ResolverCase(m.renamed, {"x": 5}),
            ResolverCase(m.doubler, {"x": 20}),
        ]

    @pytest.fixture
    def missing(self, tasks_module: ModuleType) -> list[MissingCase]:
        return [
            MissingCase(
                ["task-module", "fk_no_such_module", "task-name", "t"],
                "no module named 'fk_no_such_module'",
                "missing module",
            ),
            MissingCase(
                ["task-module", tasks_module.__name__, "task-name", "nope"],
                f"module {tasks_module.__name__!r} has no task 'nope'",
                "missing task",
            ),
        ]


# -- loader args ----------------------------------------------------------------------------


def test_loader_args_are_flytekits(tasks_module: ModuleType) -> None:
    """The same strings flytekit's default resolver writes for a module-level task."""
    args = default_resolver().loader_args(SETTINGS, tasks_module.add_one)
    assert args == ["task-module", tasks_module.__name__, "task-name", "add_one"]


def test_task_bound_under_another_name(tasks_module: ModuleType) -> None:
    args = ModuleResolver().loader_args(SETTINGS, tasks_module.renamed)
    assert args[3] == "renamed"
    assert tasks_module.renamed.name == f"{tasks_module.__name__}._triple"


def test_class_based_task_is_found_in_its_module(tasks_module: ModuleType) -> None:
    args = ModuleResolver().loader_args(SETTINGS, tasks_module.doubler)
    assert args == ["task-module", tasks_module.__name__, "task-name", "doubler"]


def test_nested_task_is_refused_with_a_hint() -> None:
    @task
    def inner(x: int) -> int:
        return x

    with pytest.raises(ResolverError, match=r"inside a function.*pickle"):
        ModuleResolver().loader_args(SETTINGS, inner)


def test_main_task_is_refused_with_a_hint() -> None:
    def body(x: int) -> int:
        return x

    body.__module__ = "__main__"
    body.__qualname__ = "body"
    with pytest.raises(ResolverError, match=r"__main__.*featherkit serialize FILE"):
        ModuleResolver().loader_args(SETTINGS, task(body))


def test_unbound_task_is_refused(tasks_module: ModuleType) -> None:
    made = tasks_module.Doubler(
        "nowhere.doubler", interface=tasks_module.doubler.python_interface
    )
    with pytest.raises(ResolverError, match="not bound to an attribute"):
        ModuleResolver().loader_args(SETTINGS, made)


# -- load errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["task-module", "m"],
        ["task-module", "m", "task-name", "t", "extra"],
        ["module", "m", "name", "t"],
        ["task-module", "", "task-name", "t"],
    ],
)
def test_malformed_args(args: list[str]) -> None:
    with pytest.raises(ResolverError, match="expects loader args"):
        ModuleResolver().load_task(args)


def test_module_that_fails_to_import(code_dir: Path) -> None:
    name = _write_module(code_dir, "raise RuntimeError('database unreachable')\n")
    with pytest.raises(ResolverError) as info:
        ModuleResolver().load_task(["task-module", name, "task-name", "t"])
    message = str(info.value)
    assert f"importing module {name!r} failed: RuntimeError: database unreachable" in message
    assert isinstance(info.value.__cause__, RuntimeError)


def test_module_with_a_missing_dependency(code_dir: Path) -> None:
    """The user's module exists but imports something absent: not 'no module named <it>'."""
    name = _write_module(code_dir, "import fk_absent_dependency\n")
    with pytest.raises(ResolverError) as info:
        ModuleResolver().load_task(["task-module", name, "task-name", "t"])
    assert f"importing module {name!r} failed" in str(info.value)
    assert "fk_absent_dependency" in str(info.value)


def test_attribute_that_is_not_a_task(tasks_module: ModuleType) -> None:
    with pytest.raises(ResolverError, match="is a int, not a featherkit task"):
        ModuleResolver().load_task(
            ["task-module", tasks_module.__name__, "task-name", "not_a_task"]
        )


def test_missing_task_lists_the_tasks_there(tasks_module: ModuleType) -> None:
    with pytest.raises(ResolverError, match="add_one, doubler, renamed, shout, stats"):
        ModuleResolver().load_task(["task-module", tasks_module.__name__, "task-name", "nope"])


def test_get_all_tasks_sees_module_level_tasks(tasks_module: ModuleType) -> None:
    found = ModuleResolver().get_all_tasks()
    assert tasks_module.add_one in found
    assert tasks_module.doubler in found


# -- choosing a resolver --------------------------------------------------------------------


class EchoResolver:
    """A resolver in a few lines: loader args are the task's key in a registry."""

    location = "tests.echo"
    name = "echo"

    def __init__(self, registry: dict[str, Any]) -> None:
        self.registry = registry

    def loader_args(self, settings: SerializationSettings, t: Any) -> list[str]:
        return ["key", t.name]

    def load_task(self, loader_args: list[str]) -> Any:
        try:
            return self.registry[loader_args[1]]
        except (IndexError, KeyError):
            raise ResolverError(f"no task {loader_args!r}") from None

    def get_all_tasks(self) -> list[Any]:
        return list(self.registry.values())

    def task_name(self, t: Any) -> str | None:
        return None


class EchoPlugin:
    def __init__(self, resolver: EchoResolver) -> None:
        self.resolver = resolver

    from featherkit import hookimpl

    @hookimpl
    def register_resolvers(self, register: Any) -> None:
        register(self.resolver)


def test_default_is_the_module_resolver(tasks_module: ModuleType) -> None:
    assert resolver_for(tasks_module.add_one) is default_resolver()
    assert resolver_for(tasks_module.add_one, SETTINGS).location == MODULE_RESOLVER_LOCATION
    assert find_resolver(MODULE_RESOLVER_LOCATION) is default_resolver()


def test_task_resolver_wins_over_settings(tasks_module: ModuleType) -> None:
    echo = EchoResolver({})

    @task(task_resolver=echo)
    def mine(x: int) -> int:
        return x

    settings = SerializationSettings(
        image="i:1", version="v1", extra={"task_resolver": MODULE_RESOLVER_LOCATION}
    )
    assert resolver_for(mine, settings) is echo
    args = list(serialize(mine, settings).container.args)
    assert args[args.index("--resolver") + 1:] == ["tests.echo", "--", "key", mine.name]


def test_project_default_from_settings(tasks_module: ModuleType) -> None:
    echo = EchoResolver({})
    with registered(EchoPlugin(echo)):
        by_location = SerializationSettings(
            image="i:1", version="v1", extra={"task_resolver": "tests.echo"}
        )
        assert resolver_for(tasks_module.add_one, by_location) is echo
        by_object = SerializationSettings(image="i:1", version="v1", extra={"task_resolver": echo})
        assert resolver_for(tasks_module.add_one, by_object) is echo


def test_template_executor_tasks_get_the_template_resolver(
    fresh_plugins: Any, monkeypatch: pytest.MonkeyPatch, tasks_module: ModuleType
) -> None:
    """The template resolver is core's: a template-run task gets it with no plugin installed."""
    monkeypatch.setenv("FEATHERKIT_PLUGINS", "")  # core's builtins only

    class SqlLike(tasks_module.Doubler):
        template_executor = "sqlite3"

    made = SqlLike("sqlite", "tests.sql_like", tasks_module.doubler.python_interface)
    assert resolver_for(made).location == TEMPLATE_RESOLVER_LOCATION
    assert TEMPLATE_RESOLVER_LOCATION in hooks().resolvers()


def test_unknown_location_names_the_package(
    fresh_plugins: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FEATHERKIT_PLUGINS", "")
    with pytest.raises(ResolverError, match="pip install featherkit-resolver-pickle"):
        find_resolver("featherkit.resolvers.pickle")
    with pytest.raises(ResolverError, match=r"'tests\.nowhere'.*installed: featherkit\.resolvers"):
        find_resolver("tests.nowhere")


def test_a_task_resolver_that_is_not_one() -> None:
    @task(task_resolver=object())  # type: ignore[arg-type]
    def bad(x: int) -> int:
        return x

    with pytest.raises(ResolverError, match="not a task resolver"):
        resolver_for(bad)


def test_custom_resolver_is_registered_and_loads(tasks_module: ModuleType) -> None:
    echo = EchoResolver({tasks_module.add_one.name: tasks_module.add_one})
    with registered(EchoPlugin(echo), name="echo-plugin"):
        assert find_resolver("tests.echo") is echo
        loaded = find_resolver("tests.echo").load_task(["key", tasks_module.add_one.name])
        assert loaded is tasks_module.add_one
    with pytest.raises(ResolverError):
        find_resolver("tests.echo")


def test_featherkit_plugins_shows_resolvers() -> None:
    import json

    from click.testing import CliRunner

    from featherkit.cli import cli

    with registered(EchoPlugin(EchoResolver({})), name="echo-plugin"):
        table = CliRunner().invoke(cli, ["plugins"])
        as_json = CliRunner().invoke(cli, ["plugins", "--json"])
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    at = lines.index(next(line for line in lines if line.startswith("echo-plugin ")))
    assert lines[at + 2] == "    resolvers: tests.echo"
    assert "    resolvers: featherkit.resolvers.module" in lines
    resolvers = json.loads(as_json.output)["resolvers"]
    assert resolvers["tests.echo"] == "echo-plugin"
    assert resolvers[MODULE_RESOLVER_LOCATION] == "featherkit.builtin.module-resolver"


def test_errors_are_user_errors() -> None:
    assert issubclass(ResolverError, FeatherkitUserError)


# -- through the container entrypoint -------------------------------------------------------


def test_entrypoint_runs_a_module_task(
    tasks_module: ModuleType, code_dir: Path, tmp_path: Path
) -> None:
    t = tasks_module.stats
    template = serialize(t, SETTINGS)
    run = run_container(
        list(template.container.args),
        t.inputs_to_literals({"xs": [4, 5, 6]}),
        tmp_path,
        cwd=code_dir,
    )
    assert run.error is None, run.stderr
    assert run.returncode == 0, run.stderr
    assert run.outputs is not None
    assert t.literals_to_outputs(run.outputs) == (15, 3)


def test_entrypoint_reports_a_missing_module_as_a_user_error(
    tasks_module: ModuleType, code_dir: Path, tmp_path: Path
) -> None:
    args = list(serialize(tasks_module.add_one, SETTINGS).container.args)
    args[args.index("--") + 2] = "fk_gone_module"
    run = run_container(args, tasks_module.add_one.inputs_to_literals({"x": 1}), tmp_path,
                        cwd=code_dir)
    assert run.outputs is None
    assert run.error is not None, run.stderr
    from flyteidl.core import execution_pb2

    assert run.error.error.origin == execution_pb2.ExecutionError.USER
    assert "no module named 'fk_gone_module'" in run.error.error.message


# -- the docs' example ----------------------------------------------------------------------


def _docs_block(heading: str) -> str:
    docs = Path(__file__).resolve().parents[3] / "docs" / "resolvers.md"
    section = docs.read_text().split(f"## {heading}\n", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_docs_write_a_resolver_example_passes_the_suite(
    tasks_module: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    acme = ModuleType("acme")
    registry = ModuleType("acme.registry")
    m = tasks_module
    registry.TASKS = {t.name: t for t in (m.add_one, m.shout)}  # type: ignore[attr-defined]
    acme.registry = registry  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "acme", acme)
    monkeypatch.setitem(sys.modules, "acme.registry", registry)
    plugin = ModuleType("my_resolvers.plugin")
    exec(compile(_docs_block("Write a resolver"), "docs/resolvers.md", "exec"), vars(plugin))

    suite = TaskResolverSuite()
    cases = [ResolverCase(m.add_one, {"x": 1}), ResolverCase(m.shout, {"s": "hi"})]
    with registered(plugin, name="registry-resolver"):
        resolver = find_resolver("acme.resolvers.registry")
        assert type(resolver).__name__ == "RegistryResolver"

        def no_values(t: Any) -> dict[str, str]:
            return {}

        suite.test_registered_under_its_location(resolver)
        suite.test_round_trip_gives_an_equivalent_task(resolver, SETTINGS, cases, no_values)
        suite.test_tasks_do_not_interfere(resolver, SETTINGS, cases, no_values)
        suite.test_missing_things_give_a_clear_error(
            resolver, [MissingCase(["key", "nope"], "no task")]
        )
        suite.test_malformed_loader_args_give_a_clear_error(resolver)
