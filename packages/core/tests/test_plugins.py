"""The plugin loader with real (fake-distribution) entry points, and the facade semantics."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from featherkit import hookimpl
from featherkit.plugins import PluginError, get_plugin_manager, hooks

GOOD = """
from featherkit import hookimpl

@hookimpl
def register_task_arguments(register):
    register("good_flag", lambda v: bool(v))
"""

BROKEN = """
raise ImportError("boom: missing dependency")
"""

MISSPELT = """
from featherkit import hookimpl

@hookimpl
def pre_exeucte(task, params):
    pass
"""


def make_distribution(site: Path, dist: str, module: str, source: str) -> None:
    (site / f"{module}.py").write_text(textwrap.dedent(source))
    info = site / f"{dist.replace('-', '_')}-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.2.3\n")
    (info / "entry_points.txt").write_text(f"[featherkit]\n{module} = {module}\n")


@pytest.fixture
def site(tmp_path, monkeypatch, fresh_plugins):
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    return site


def test_good_plugin_is_loaded_and_listed(site):
    make_distribution(site, "fk-good", "fk_good", GOOD)
    manager = get_plugin_manager()
    info = manager.report.infos["fk_good"]
    assert info.distribution == "fk-good"
    assert info.version == "1.2.3"
    assert info.hooks == ("register_task_arguments",)
    assert "good_flag" in hooks().task_arguments()


def test_builtins_are_registered_as_plugins(fresh_plugins):
    infos = get_plugin_manager().report.infos
    builtin = {name for name, info in infos.items() if info.builtin}
    assert {"featherkit.builtin.types", "featherkit.builtin.container"} <= builtin


def test_failing_plugin_named_and_skipped(site, monkeypatch, caplog):
    monkeypatch.setenv("FEATHERKIT_STRICT_PLUGINS", "0")
    make_distribution(site, "fk-good", "fk_good", GOOD)
    make_distribution(site, "fk-broken", "fk_broken", BROKEN)
    with caplog.at_level(logging.WARNING, logger="featherkit.plugins"):
        manager = get_plugin_manager()
    assert "fk_good" in manager.report.infos
    assert "fk_broken" not in manager.report.infos
    message = caplog.text
    assert "'fk_broken'" in message and "'fk-broken'" in message and "boom" in message


def test_failing_plugin_raises_in_strict_mode(site, monkeypatch):
    monkeypatch.setenv("FEATHERKIT_STRICT_PLUGINS", "1")
    make_distribution(site, "fk-broken", "fk_broken", BROKEN)
    with pytest.raises(PluginError, match=r"fk_broken.*fk-broken.*boom"):
        get_plugin_manager()


def test_disabled_plugin_not_loaded(site, monkeypatch):
    make_distribution(site, "fk-good", "fk_good", GOOD)
    monkeypatch.setenv("FEATHERKIT_DISABLE_PLUGINS", "fk-good")
    assert "fk_good" not in get_plugin_manager().report.infos


def test_plugins_selection_empty_means_none(site, monkeypatch):
    make_distribution(site, "fk-good", "fk_good", GOOD)
    monkeypatch.setenv("FEATHERKIT_PLUGINS", "")
    infos = get_plugin_manager().report.infos
    assert "fk_good" not in infos
    assert any(info.builtin for info in infos.values())


def test_plugins_selection_by_distribution(site, monkeypatch):
    make_distribution(site, "fk-good", "fk_good", GOOD)
    make_distribution(site, "fk-other", "fk_other", GOOD.replace("good_flag", "other_flag"))
    monkeypatch.setenv("FEATHERKIT_PLUGINS", "fk-other")
    infos = get_plugin_manager().report.infos
    assert "fk_other" in infos and "fk_good" not in infos


def test_misspelt_hook_fails_loudly_in_strict_mode(site, monkeypatch):
    monkeypatch.setenv("FEATHERKIT_STRICT_PLUGINS", "1")
    make_distribution(site, "fk-typo", "fk_typo", MISSPELT)
    with pytest.raises(PluginError, match="pre_exeucte"):
        get_plugin_manager()


def test_misspelt_hook_skipped_with_warning(site, monkeypatch, caplog):
    monkeypatch.setenv("FEATHERKIT_STRICT_PLUGINS", "0")
    make_distribution(site, "fk-typo", "fk_typo", MISSPELT)
    with caplog.at_level(logging.WARNING, logger="featherkit.plugins"):
        manager = get_plugin_manager()
    assert "fk_typo" not in manager.report.infos
    assert "pre_exeucte" in caplog.text


def test_import_featherkit_loads_no_plugins_or_protobuf():
    code = (
        "import sys, featherkit\n"
        "bad = [m for m in sys.modules if m.startswith(('google.protobuf', 'flyteidl', "
        "'click', 'pluggy', 'featherkit.plugins'))]\n"
        "assert not bad, bad\n"
        "from featherkit import task\n"
        "assert 'featherkit.plugins' not in sys.modules\n"
        "assert 'click' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_plugin_manager_created_once(fresh_plugins):
    assert get_plugin_manager() is get_plugin_manager()


class _Custom:
    def __init__(self, payload):
        self.payload = payload

    @hookimpl
    def get_custom(self, task, settings):
        return self.payload


def test_get_custom_merges_and_names_both_on_conflict(fresh_plugins):
    from featherkit import task
    from featherkit.testing import registered

    @task
    def t() -> None:
        pass

    with registered(_Custom({"a": 1}), "one"), registered(_Custom({"b": 2}), "two"):
        assert hooks().get_custom(t, None) == {"a": 1, "b": 2}
    with (
        registered(_Custom({"a": 1}), "one"),
        registered(_Custom({"a": 2}), "two"),
        pytest.raises(PluginError, match=r"'a'.*'(one|two)'.*'(one|two)'"),
    ):
        hooks().get_custom(t, None)


def test_two_registrations_of_one_key_name_both(fresh_plugins):
    class Reg:
        def __init__(self, value):
            self.value = value

        @hookimpl
        def register_cache_backends(self, register):
            register("shared", self.value)

    from featherkit.testing import registered

    with (
        registered(Reg(1), "first"),
        registered(Reg(2), "second"),
        pytest.raises(PluginError, match=r"'shared'.*'first'.*'second'"),
    ):
        hooks().cache_backends()


def test_installed_target_skips_builtin_container_entirely(fresh_plugins):
    """A task only an installed plugin can serialize must not reach core's container at all."""
    from featherkit import SerializationSettings, task
    from featherkit.serialization import serialize
    from featherkit.testing import registered

    def make():
        @task
        def nested() -> None:  # not reachable by the module resolver
            pass

        return nested

    nested = make()

    class SqlTarget:
        @hookimpl
        def get_sql(self, task, settings):
            from flyteidl.core import tasks_pb2

            return tasks_pb2.Sql(statement="select 1", dialect=tasks_pb2.Sql.ANSI)

    settings = SerializationSettings(image="img:1", version="v1")
    with registered(SqlTarget()):
        template = serialize(nested, settings)
    assert template.sql.statement == "select 1"
    assert not template.HasField("container")


# -- hooks are called through pluggy -----------------------------------------------------------


def _module_task():
    from featherkit import task

    @task
    def t() -> None:
        pass

    return t


def test_wrapper_on_get_container_wraps_the_target(fresh_plugins, monkeypatch):
    """A hook wrapper on a target hook takes part (pluggy calls the hook, not the facade)."""
    from featherkit import SerializationSettings
    from featherkit.serialization import serialize
    from featherkit.testing import registered

    seen = []

    class Wrapper:
        @hookimpl(wrapper=True)
        def get_container(self, task, settings):
            answers = yield
            seen.append(len(answers))
            return answers

    class Target:
        @hookimpl
        def get_container(self, task, settings):
            from flyteidl.core import tasks_pb2

            return tasks_pb2.Container(image="from-plugin", args=["run"])

    t = _module_task()
    settings = SerializationSettings(image="img:1", version="v1")
    with registered(Wrapper(), "wrapper"), registered(Target(), "target"):
        template = serialize(t, settings)
    assert template.container.image == "from-plugin"
    assert seen == [1]


def test_hookcall_monitoring_sees_the_calls(fresh_plugins):
    from featherkit import task
    from featherkit.testing import registered

    class Pre:
        @hookimpl
        def pre_execute(self, task, params):
            pass

    @task
    def add(a: int) -> int:
        return a + 1

    called = []
    manager = get_plugin_manager()
    undo = manager.pm.add_hookcall_monitoring(
        lambda name, impls, kwargs: called.append(name), lambda *args: None
    )
    try:
        with registered(Pre(), "pre"):
            assert add(a=1) == 2
    finally:
        undo()
    assert "pre_execute" in called


def test_wrapper_refused_on_a_hook_without_wrappers_naming_the_plugin(fresh_plugins):
    from featherkit.testing import registered

    class Wraps:
        @hookimpl(wrapper=True)
        def get_custom(self, task, settings):
            return (yield)

    with (
        pytest.raises(PluginError, match=r"plugin 'wraps-custom'.*get_custom.*hook wrapper"),
        registered(Wraps(), "wraps-custom"),
    ):
        pass
    assert not get_plugin_manager().pm.has_plugin("wraps-custom")


def test_two_installed_plugins_answering_one_target_are_named(fresh_plugins):
    from flyteidl.core import tasks_pb2

    from featherkit import SerializationSettings
    from featherkit.serialization import serialize
    from featherkit.testing import registered

    class Pod:
        def __init__(self, image):
            self.image = image

        @hookimpl
        def get_k8s_pod(self, task, settings):
            return tasks_pb2.K8sPod()

    t = _module_task()
    settings = SerializationSettings(image="img:1", version="v1")
    with (
        registered(Pod("a"), "pod-one"),
        registered(Pod("b"), "pod-two"),
        pytest.raises(PluginError, match=r"'pod-one' and 'pod-two' all answer get_k8s_pod"),
    ):
        serialize(t, settings)


def test_raising_register_hook_names_the_plugin(fresh_plugins, monkeypatch, caplog):
    from featherkit.testing import registered

    class Raises:
        @hookimpl
        def register_storage(self, register):
            raise RuntimeError("kaputt")

    with registered(Raises(), "bad-storage"):
        with pytest.raises(PluginError, match=r"plugin 'bad-storage'.*register_storage.*kaputt"):
            hooks().storage()
        monkeypatch.setenv("FEATHERKIT_STRICT_PLUGINS", "0")
        with caplog.at_level(logging.WARNING, logger="featherkit.plugins"):
            storage = hooks().storage()
        assert "" in storage  # core's local storage still there
        assert "'bad-storage'" in caplog.text and "kaputt" in caplog.text
        assert not get_plugin_manager().pm.has_plugin("bad-storage")


# -- featherkit.testing ------------------------------------------------------------------------


def test_testing_imports_without_pytest():
    """The non-pytest helpers of featherkit.testing work where pytest is not installed."""
    code = (
        "import sys\n"
        "sys.modules['pytest'] = None  # an import of pytest now fails\n"
        "from featherkit.testing import MemoryStorage, registered, run_in_pod\n"
        "with registered(MemoryStorage(), 'mem'):\n"
        "    pass\n"
        "try:\n"
        "    from featherkit.testing import CacheBackendSuite\n"
        "except ImportError:\n"
        "    pass\n"
        "else:\n"
        "    raise SystemExit('the suite needs pytest')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_pytest_plugin_is_installed_and_strict(pytestconfig):
    """featherkit's pytest plugin comes with core (entry point pytest11) and turns on strict
    plugin loading: no conftest of ours sets it any more."""
    import os

    assert pytestconfig.pluginmanager.has_plugin("featherkit")
    assert os.environ["FEATHERKIT_STRICT_PLUGINS"] == "1"
    root = Path(__file__).resolve().parents[3]
    copies = [
        str(path) for path in root.glob("**/conftest.py")
        if ".nox" not in path.parts and ".venv" not in path.parts
        and "FEATHERKIT_STRICT_PLUGINS" in path.read_text()
    ]
    assert copies == []


def test_memory_storage_fixture(memory_storage):
    from featherkit import storage

    storage.write_bytes("mem://bucket/x", b"1")
    assert memory_storage.objects == {"mem://bucket/x": b"1"}


# -- isolation: a broken plugin is named, skipped (or raised in strict mode) ------------------

EXITS = """
import sys
sys.exit(3)
"""

RAISES_BASE = """
class Interrupt(BaseException):
    pass

raise Interrupt("not an Exception at all")
"""


@pytest.mark.parametrize(("source", "text"), [(EXITS, "SystemExit"), (RAISES_BASE, "Interrupt")])
def test_plugin_ending_the_process_at_import_is_a_broken_plugin(
    site, monkeypatch, caplog, source, text
):
    monkeypatch.setenv("FEATHERKIT_STRICT_PLUGINS", "0")
    make_distribution(site, "fk-good", "fk_good", GOOD)
    make_distribution(site, "fk-exits", "fk_exits", source)
    with caplog.at_level(logging.WARNING, logger="featherkit.plugins"):
        manager = get_plugin_manager()  # the process goes on
    assert "fk_good" in manager.report.infos and "fk_exits" not in manager.report.infos
    assert "'fk-exits'" in caplog.text and text in caplog.text
    assert any("fk-exits" in failure for failure in manager.report.failures)


def test_plugin_ending_the_process_at_import_raises_in_strict_mode(site, monkeypatch):
    monkeypatch.setenv("FEATHERKIT_STRICT_PLUGINS", "1")
    make_distribution(site, "fk-exits", "fk_exits", EXITS)
    with pytest.raises(PluginError, match=r"'fk_exits'.*'fk-exits'.*SystemExit"):
        get_plugin_manager()


@pytest.mark.parametrize("variable", ["FEATHERKIT_PLUGINS", "FEATHERKIT_DISABLE_PLUGINS"])
def test_unknown_name_in_plugin_selection_lists_the_installed(site, monkeypatch, variable):
    """A typo must not silently unload (or keep) a plugin."""
    make_distribution(site, "fk-good", "fk_good", GOOD)
    monkeypatch.setenv(variable, "fk-goood")
    with pytest.raises(PluginError, match=rf"{variable} names 'fk-goood'.*installed plugins:"
                                          r".*fk-good \(entry point fk_good\)"):
        get_plugin_manager()


def test_selection_by_entry_point_name(site, monkeypatch):
    make_distribution(site, "fk-good", "fk_good", GOOD)
    monkeypatch.setenv("FEATHERKIT_DISABLE_PLUGINS", "fk_good")
    assert "fk_good" not in get_plugin_manager().report.infos


def test_misspelt_hook_is_reported_by_featherkit_plugins(site, monkeypatch):
    make_distribution(site, "fk-typo", "fk_typo", MISSPELT)
    result = _featherkit_plugins(site, monkeypatch)
    assert result.returncode == 1
    assert "FAILED" in result.stderr and "pre_exeucte" in result.stderr
    assert "'fk-typo'" in result.stderr


def _featherkit_plugins(site, monkeypatch, *args):
    import os

    path = os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path}
    return subprocess.run(
        [sys.executable, "-m", "featherkit.cli", "plugins", *args],
        capture_output=True, text=True, env=env,
    )


RAISING_REGISTER = """
from featherkit import hookimpl

@hookimpl
def register_cache_backends(register):
    raise RuntimeError("no backend today")
"""


def test_featherkit_plugins_exit_status(site, monkeypatch):
    """0 when everything loaded; 1, with each failure named, when a plugin is broken (even in
    strict mode, which would stop at the first)."""
    make_distribution(site, "fk-good", "fk_good", GOOD)
    ok = _featherkit_plugins(site, monkeypatch)
    assert ok.returncode == 0, ok.stderr
    assert "fk_good" in ok.stdout
    make_distribution(site, "fk-broken", "fk_broken", BROKEN)
    make_distribution(site, "fk-raising", "fk_raising", RAISING_REGISTER)
    bad = _featherkit_plugins(site, monkeypatch, "--json")
    assert bad.returncode == 1
    import json

    failures = json.loads(bad.stdout)["failures"]
    assert any("fk-broken" in f and "boom" in f for f in failures)
    assert any("'fk_raising'" in f and "register_cache_backends" in f and "no backend today" in f
               for f in failures)
    monkeypatch.setenv("FEATHERKIT_PLUGINS", "fk-nosuch")
    typo = _featherkit_plugins(site, monkeypatch)
    assert typo.returncode == 1 and "fk-nosuch" in typo.stderr


# -- featherkit.extend ---------------------------------------------------------------------------


@pytest.mark.parametrize("module", ["featherkit.extend", "featherkit.testing", "featherkit"])
def test_every_lazy_export_resolves_and_is_declared_for_type_checkers(module):
    """Each name of the lazy map imports, and the TYPE_CHECKING block re-exports exactly the
    same names (what mypy sees is what plugins get)."""
    import ast
    import importlib

    mod = importlib.import_module(module)
    exports = dict(mod._EXPORTS)
    for name in exports:
        assert getattr(mod, name) is not None, name
    tree = ast.parse(Path(mod.__file__).read_text())
    block = [n for n in tree.body if isinstance(n, ast.If) and getattr(n.test, "id", "") ==
             "TYPE_CHECKING"][-1]
    declared = {
        alias.asname or alias.name
        for node in block.body if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert set(exports) - declared <= {"workflow"}  # featherkit.workflow: module and decorator


# -- one Registry for every register hook; plugin-declared hooks through featherkit.extend -----


def test_an_installed_plugin_replaces_a_builtin(fresh_plugins):
    from featherkit.testing import MemoryStorage, registered

    mine = MemoryStorage("")  # serves local paths: replaces core's local storage
    with registered(mine, "my-local"):
        entries = hooks().registry("register_storage")
        assert entries.values[""] is mine and entries.owners[""] == "my-local"
    assert hooks().registry("register_storage").owners[""] == "featherkit.builtin.storage-local"


class _Specs:
    """Hooks a plugin declares for other plugins."""

    from featherkit.extend import hookspec, no_wrappers

    @staticmethod
    @hookspec(firstresult=True)
    def fk_test_greeting(name):
        """A greeting for ``name``; first answer."""

    @staticmethod
    @hookspec
    @no_wrappers
    def fk_test_register_colors(register):
        """``register(name, rgb)``."""


class _Declares:
    featherkit_hookspecs = _Specs


class _Answers:
    def __init__(self, color):
        self.color = color

    @hookimpl(optionalhook=True)
    def fk_test_greeting(self, name):
        return f"hello {name}"

    @hookimpl(optionalhook=True)
    def fk_test_register_colors(self, register):
        register(self.color, (1, 2, 3))


def test_plugin_declared_hooks_through_extend(fresh_plugins):
    from featherkit.extend import Registry, call_hook, collect
    from featherkit.testing import registered

    colors = Registry("fk_test_register_colors", "color", key=lambda name, rgb: name,
                      value=lambda name, rgb: rgb)
    assert call_hook("fk_test_greeting", name="x") is None  # nobody declared it yet
    with registered(_Declares(), "declares"), registered(_Answers("red"), "answers"):
        assert call_hook("fk_test_greeting", name="x") == "hello x"
        entries = collect(colors)
        assert entries.values == {"red": (1, 2, 3)} and entries.owners == {"red": "answers"}
        with (
            registered(_Answers("red"), "answers-too"),
            pytest.raises(PluginError, match=r"color 'red' .*'answers' and plugin 'answers-too'"),
        ):
            collect(colors)

    class Wraps:
        @hookimpl(wrapper=True, optionalhook=True)
        def fk_test_register_colors(self, register):
            return (yield)

    with (
        registered(_Declares(), "declares"),
        pytest.raises(PluginError, match=r"'wrapping'.*fk_test_register_colors"),
        registered(Wraps(), "wrapping"),
    ):
        pass


def test_execution_hooks_keep_pluggy_order_and_wrappers(fresh_plugins):
    """The per-call hooks: implementations run in pluggy's order (tryfirst first, last
    registered before earlier ones), and a wrapper wraps them (pluggy then does the call)."""
    from featherkit import task
    from featherkit.testing import registered

    calls = []

    class Pre:
        def __init__(self, label):
            self.label = label

        @hookimpl
        def pre_execute(self, task, params):
            calls.append(self.label)

    class First:
        @hookimpl(tryfirst=True)
        def pre_execute(self, task, params):
            calls.append("first")

    class Wrapper:
        @hookimpl(wrapper=True)
        def pre_execute(self, task, params):
            calls.append("wrapper-in")
            result = yield
            calls.append("wrapper-out")
            return result

    @task
    def t() -> None:
        pass

    with registered(First(), "first"), registered(Pre("a"), "a"), registered(Pre("b"), "b"):
        t()
        assert calls == ["first", "b", "a"]
        calls.clear()
        with registered(Wrapper(), "wrapper"):
            t()
        assert calls == ["wrapper-in", "first", "b", "a", "wrapper-out"]
