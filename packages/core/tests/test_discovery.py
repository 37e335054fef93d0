"""discover(): every task in files, directories and modules, in a stable order, once."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from featherkit.discovery import DiscoveryError, discover, discover_tasks
from featherkit.errors import FeatherkitUserError

FIXTURES = Path(__file__).parent / "fixtures" / "serialize"
PROJ = FIXTURES / "proj"
FLOWS = PROJ / "serfix_flows"
ALL_FLOWS = [
    "serfix_flows.alpha.add",
    "serfix_flows.alpha.greet",
    "serfix_flows.beta.noop",
    "serfix_flows.beta.stats",
    "serfix_flows.sub.gamma.zeta",
]


@pytest.fixture(autouse=True)
def isolated_imports(monkeypatch):
    """Each test imports the fixtures afresh and leaves sys.path and sys.modules as found."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        if name.startswith("serfix"):
            del sys.modules[name]


def names(targets) -> list[str]:
    return [task.name for task in discover_tasks(targets)]


def test_a_package_directory():
    assert names([FLOWS]) == ALL_FLOWS


def test_a_plain_directory_holding_packages():
    assert names([PROJ]) == ALL_FLOWS


def test_single_files_by_their_package_module_name():
    found = discover([FLOWS / "sub" / "gamma.py", FLOWS / "alpha.py"])
    assert [(f.module, f.attribute) for f in found] == [
        ("serfix_flows.alpha", "add"),
        ("serfix_flows.alpha", "greet"),
        ("serfix_flows.sub.gamma", "zeta"),
    ]
    assert found[0].file == os.path.realpath(FLOWS / "alpha.py")
    assert found[0].place.startswith("serfix_flows.alpha.add (")
    assert found[0].place.endswith("alpha.py:4)")


def test_a_dotted_module_and_its_submodules(monkeypatch):
    monkeypatch.chdir(PROJ)  # like python -m, a module name is looked up here too
    assert names(["serfix_flows"]) == ALL_FLOWS
    assert names(["serfix_flows.beta"]) == ["serfix_flows.beta.noop", "serfix_flows.beta.stats"]


def test_order_does_not_depend_on_target_order_or_repeats():
    forward = names([FLOWS / "alpha.py", FLOWS / "beta.py"])
    backward = names([FLOWS / "beta.py", FLOWS / "alpha.py", FLOWS / "alpha.py", FLOWS])
    assert forward == sorted(forward)
    assert backward == ALL_FLOWS
    assert forward == ALL_FLOWS[:4]


def test_reexported_task_counted_once_where_defined():
    found = discover([FLOWS / "beta.py"])
    # beta imports alpha.add; only beta's own tasks are found in beta
    assert [f.task.name for f in found] == ["serfix_flows.beta.noop", "serfix_flows.beta.stats"]


def test_two_tasks_with_one_name_is_an_error_naming_both_places():
    with pytest.raises(DiscoveryError) as failure:
        discover([FIXTURES / "dupes"])
    message = str(failure.value)
    assert "two tasks are named 'serfix.shared_name'" in message
    assert "serfix_dupe_one.first (" in message and "serfix_dupe_one.py:4)" in message
    assert "serfix_dupe_two.second (" in message and "serfix_dupe_two.py:4)" in message


def test_two_files_with_one_module_name_is_an_error():
    with pytest.raises(DiscoveryError, match="would be imported as module 'serfix_clash'"):
        discover([FIXTURES / "clash" / "a" / "serfix_clash.py",
                  FIXTURES / "clash" / "b" / "serfix_clash.py"])


def test_a_module_that_fails_to_import_is_named():
    with pytest.raises(FeatherkitUserError, match=r"serfix_broken.*cannot be imported"):
        discover([FIXTURES / "broken"])


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        (["does/not/exist.py"], "no such file, directory or module: does/not/exist.py"),
        (["no_such_module_anywhere"], "'no_such_module_anywhere' is neither a file"),
        ([], "name at least one file"),
    ],
)
def test_bad_targets(targets, message):
    with pytest.raises(DiscoveryError, match=message):
        discover(targets)


def test_nested_task_is_found_but_serialization_refuses_it():
    from featherkit import SerializationSettings, serialize
    from featherkit.resolvers import ResolverError

    [found] = discover([FIXTURES / "nested"])
    with pytest.raises(ResolverError, match="defined inside a function"):
        serialize(found.task, SerializationSettings(image="img:1", version="v1"))


def test_no_tasks_is_an_empty_list(tmp_path):
    (tmp_path / "plain.py").write_text("X = 1\n")
    assert discover([tmp_path]) == []
