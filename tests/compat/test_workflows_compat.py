"""Workflows and launch plans: the same definitions serialize equal with flytekit and
featherkit, and run locally to equal results.

Each definition is written once (``pairs/compat_flows``, featherkit imports); the flytekit
side is the same source with its imports rewritten (``compat_support.rewrite_imports``).
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from typing import Any

import pytest
from compat_support import load_module, pairs_root, rewrite_imports

MODULE = "compat_flows.flows"


def test_rewrite_imports_changes_only_imports() -> None:
    source = (
        "from featherkit import task, workflow\nimport featherkit.workflow as w\n"
        "    from featherkit.types import X\nname = 'featherkit'\n"
    )
    assert rewrite_imports(source) == (
        "from flytekit import task, workflow\nimport flytekit.workflow as w\n"
        "    from flytekit.types import X\nname = 'featherkit'\n"
    )


def _entities(module: Any, sdk: str) -> dict[str, Any]:
    """Workflows, launch plans and tasks of the module, by attribute name."""
    if sdk == "flytekit":
        from flytekit.core.base_task import PythonTask as TaskBase
        from flytekit.core.launch_plan import LaunchPlan
        from flytekit.core.workflow import WorkflowBase
    else:
        from featherkit import LaunchPlan
        from featherkit.base_task import Task as TaskBase
        from featherkit.workflow import WorkflowBase
    return {
        name: value
        for name, value in vars(module).items()
        if isinstance(value, (TaskBase, WorkflowBase, LaunchPlan))
    }


def _flytekit_specs(module: Any, settings: Any) -> dict[str, Any]:
    from flytekit.core.launch_plan import LaunchPlan
    from flytekit.core.workflow import WorkflowBase
    from flytekit.tools.translator import get_serializable

    specs = {}
    for name, entity in _entities(module, "flytekit").items():
        specs[name] = get_serializable(OrderedDict(), settings, entity).to_flyte_idl()
        if isinstance(entity, WorkflowBase):
            default = LaunchPlan.get_or_create(entity)
            specs[f"{name} (default launch plan)"] = get_serializable(
                OrderedDict(), settings, default
            ).to_flyte_idl()
    return specs


def _featherkit_specs(module: Any, settings: Any) -> dict[str, Any]:
    from featherkit import LaunchPlan
    from featherkit.workflow import WorkflowBase
    from featherkit.workflow.serialize import entity_spec

    specs = {}
    for name, entity in _entities(module, "featherkit").items():
        specs[name] = entity_spec(entity, settings)
        if isinstance(entity, WorkflowBase):
            specs[f"{name} (default launch plan)"] = entity_spec(
                LaunchPlan.get_default_launch_plan(entity), settings
            )
    return specs


def _plain(value: Any) -> Any:
    """Results of either SDK as plain data (their dataclasses are different classes)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


@pytest.fixture(scope="module")
def both_sides(compat_settings: Any, monkeypatch_module: Any) -> dict[str, Any]:
    """Specs and local-run results of every definition, for each SDK."""
    sides: dict[str, Any] = {}
    for sdk in ("flytekit", "featherkit"):
        with load_module(sdk, MODULE) as module:
            if sdk == "flytekit":
                specs = _flytekit_specs(module, compat_settings.flytekit())
            else:
                specs = _featherkit_specs(module, compat_settings.featherkit())
            runs = [_plain(getattr(module, name)(**inputs)) for name, inputs in module.RUNS]
        sides[sdk] = {"specs": specs, "runs": runs}
    return sides


@pytest.fixture(scope="module")
def monkeypatch_module(tmp_path_factory: pytest.TempPathFactory) -> Any:
    mp = pytest.MonkeyPatch()
    mp.setenv("FEATHERKIT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    yield mp
    mp.undo()


def test_same_entities(both_sides: dict[str, Any]) -> None:
    theirs, ours = both_sides["flytekit"]["specs"], both_sides["featherkit"]["specs"]
    assert set(theirs) == set(ours)
    kinds = {type(spec).__name__ for spec in ours.values()}
    assert kinds == {"TaskSpec", "WorkflowSpec", "LaunchPlan"}


@pytest.mark.parametrize("kind", ["WorkflowSpec", "LaunchPlan", "TaskSpec"])
def test_specs_equal(both_sides: dict[str, Any], assert_same_spec: Any, kind: str) -> None:
    theirs, ours = both_sides["flytekit"]["specs"], both_sides["featherkit"]["specs"]
    compared = 0
    for name, spec in sorted(ours.items()):
        if type(spec).__name__ != kind:
            continue
        assert_same_spec(theirs[name], spec, what=f"{kind} of {name}")
        compared += 1
    assert compared >= 3


def test_local_runs_equal(both_sides: dict[str, Any]) -> None:
    assert both_sides["featherkit"]["runs"] == both_sides["flytekit"]["runs"]
    assert len(both_sides["featherkit"]["runs"]) >= 10


def test_upstream_node_order_rule_is_narrow() -> None:
    """flytekit's upstream ids come out of a set; the rule accepts only a reordering into
    node order, never a different set of ids."""
    from spec_diff import differences

    def spec(ids: list[str]) -> dict[str, Any]:
        return {"template": {"nodes": [{"id": "n9", "upstream_node_ids": ids}]}}

    found = differences(spec(["n10", "n2", "n1"]), spec(["n1", "n2", "n10"]))
    assert [d.rule.name for d in found if d.rule] == ["upstream-node-order"]
    for ours in (["n1", "n2"], ["n2", "n1", "n10"], ["n1", "n2", "n3"]):
        found = differences(spec(["n10", "n2", "n1"]), spec(ours))
        assert found and all(d.rule is None for d in found), ours


def _members(path: Any) -> dict[tuple[str, int], Any]:
    """(entity name, kind) -> spec of every member of a package (kind: 1 task, 2 workflow,
    3 launch plan)."""
    import re
    import tarfile

    from flyteidl.admin import launch_plan_pb2, task_pb2, workflow_pb2

    messages = {1: task_pb2.TaskSpec, 2: workflow_pb2.WorkflowSpec, 3: launch_plan_pb2.LaunchPlan}
    found: dict[tuple[str, int], Any] = {}
    with tarfile.open(path, "r:gz") as tar:
        for member in tar.getmembers():
            match = re.fullmatch(r"\d+_(?P<name>.+)_(?P<kind>[123])\.pb", member.name)
            assert match and member.isfile(), member.name
            data = tar.extractfile(member)
            assert data is not None
            kind = int(match["kind"])
            found[(match["name"], kind)] = messages[kind].FromString(data.read())
    return found


def test_packages_hold_the_same_entities(
    tmp_path: Any, compat_settings: Any, assert_same_spec: Any
) -> None:
    """``pyflyte package`` and ``featherkit package`` of the same module: the same workflows,
    launch plans (default ones included) and tasks, with equal specs."""
    import subprocess
    import sys
    from pathlib import Path

    bin_dir = Path(sys.executable).parent
    theirs, ours = tmp_path / "pyflyte.tgz", tmp_path / "featherkit.tgz"
    commands = [
        ([str(bin_dir / "pyflyte"), "--pkgs", "compat_flows", "package", "--image",
          compat_settings.image, "--output", str(theirs), "--force"], pairs_root("flytekit")),
        ([str(bin_dir / "featherkit"), "package", "compat_flows", "--image",
          compat_settings.image, "--version", compat_settings.version, "--output", str(ours)],
         pairs_root("featherkit")),
    ]
    for command, cwd in commands:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"{command[0]}:\n{done.stdout}\n{done.stderr}"
    flytekit_members, featherkit_members = _members(theirs), _members(ours)
    assert set(flytekit_members) == set(featherkit_members)
    assert {kind for _, kind in featherkit_members} == {1, 2, 3}
    for key, spec in sorted(featherkit_members.items()):
        assert_same_spec(flytekit_members[key], spec, what=f"packaged {key}")
