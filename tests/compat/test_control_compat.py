"""Control flow: map tasks, conditionals, dynamic workflows, failure nodes, node overrides and
gate nodes serialize equal with flytekit and featherkit, and run locally to equal results.

Each definition is written once (``single/compat_control/control.py``, featherkit imports);
the flytekit side is the same source with its imports rewritten (``single_source.py``). A
dynamic workflow is also run as a pod runs it, by each SDK's entrypoint, and the two
``futures.pb`` compared.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pytest
from single_source import load_module, materialize

MODULE = "compat_control.control"
WORKFLOWS = [
    "mapped",
    "mapped_plain",
    "branch",
    "flags",
    "nested",
    "branch_tuple",
    "guarded",
    "overridden",
    "gated",
    "dynamic_flow",
]


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _flytekit_specs(module: Any, settings: Any) -> dict[str, Any]:
    """Every workflow's spec and every task it registers (map tasks included), by name."""
    from flytekit.core.base_task import Task
    from flytekit.tools.translator import get_serializable

    specs: dict[str, Any] = {}
    for name in WORKFLOWS:
        mapping: OrderedDict[Any, Any] = OrderedDict()
        spec = get_serializable(mapping, settings, getattr(module, name))
        specs[f"workflow {name}"] = spec.to_flyte_idl()
        for entity, model in mapping.items():
            if isinstance(entity, Task):
                specs[f"task {entity.name}"] = model.to_flyte_idl()
    return specs


def _featherkit_specs(module: Any, settings: Any) -> dict[str, Any]:
    from featherkit.base_task import Task
    from featherkit.workflow.serialize import entity_spec, registration_order

    specs: dict[str, Any] = {}
    for name in WORKFLOWS:
        workflow = getattr(module, name)
        specs[f"workflow {name}"] = entity_spec(workflow, settings)
        for entity in registration_order([workflow]):
            if isinstance(entity, Task):
                specs[f"task {entity.name}"] = entity_spec(entity, settings)
    return specs


@pytest.fixture(scope="module")
def roots(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {
        sdk: materialize(sdk, tmp_path_factory.mktemp(f"control-{sdk}"))
        for sdk in ("flytekit", "featherkit")
    }


@pytest.fixture(scope="module")
def both_sides(
    roots: dict[str, Path], compat_settings: Any, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    sides: dict[str, Any] = {}
    mp = pytest.MonkeyPatch()
    mp.setenv("FEATHERKIT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    try:
        for sdk in ("flytekit", "featherkit"):
            with load_module(roots[sdk], MODULE) as module:
                if sdk == "flytekit":
                    specs = _flytekit_specs(module, compat_settings.flytekit())
                else:
                    specs = _featherkit_specs(module, compat_settings.featherkit())
                runs = [_plain(getattr(module, name)(**inputs)) for name, inputs in module.RUNS]
                try:
                    module.branch(x=200)
                except Exception as exc:
                    failed: Any = (isinstance(exc, ValueError), "x is too big" in str(exc))
                else:
                    failed = None
            sides[sdk] = {"specs": specs, "runs": runs, "failed": failed}
    finally:
        mp.undo()
    return sides


def test_same_entities(both_sides: dict[str, Any]) -> None:
    theirs, ours = both_sides["flytekit"]["specs"], both_sides["featherkit"]["specs"]
    assert set(theirs) == set(ours)
    assert any("-arraynode" in name for name in ours)


def test_workflow_specs_equal(both_sides: dict[str, Any], assert_same_spec: Any) -> None:
    theirs, ours = both_sides["flytekit"]["specs"], both_sides["featherkit"]["specs"]
    for name in WORKFLOWS:
        key = f"workflow {name}"
        assert_same_spec(theirs[key], ours[key], what=key)


def test_task_specs_equal(both_sides: dict[str, Any], assert_same_spec: Any) -> None:
    """Map tasks (flytekit's name digest, list interface, task_type_version 1, the map
    entrypoint) and dynamic tasks (the settings carried to the pod) included."""
    theirs, ours = both_sides["flytekit"]["specs"], both_sides["featherkit"]["specs"]
    tasks = [k for k in ours if k.startswith("task ")]
    assert len(tasks) >= 8
    for key in tasks:
        assert_same_spec(theirs[key], ours[key], what=key)


def test_control_flow_rules_occur(both_sides: dict[str, Any]) -> None:
    """The allowed differences only control flow needs are needed here (no dead rules; the
    pod override one is checked by the package comparison below)."""
    from allowed_differences import CONTROL_FLOW_RULES
    from spec_diff import differences

    theirs, ours = both_sides["flytekit"]["specs"], both_sides["featherkit"]["specs"]
    used = {
        d.rule.name for key in ours for d in differences(theirs[key], ours[key]) if d.rule
    }
    assert used >= CONTROL_FLOW_RULES - {"node-pod-override-args"}


def test_local_runs_equal(both_sides: dict[str, Any]) -> None:
    assert both_sides["featherkit"]["runs"] == both_sides["flytekit"]["runs"]


def test_fail_branch_is_a_value_error_on_both_sides(both_sides: dict[str, Any]) -> None:
    assert both_sides["featherkit"]["failed"] == (True, True)
    assert both_sides["flytekit"]["failed"] is not None
    assert both_sides["flytekit"]["failed"][1] is True


# --- dynamic workflows in a pod ----------------------------------------------------------------


def _pod_args(template: Any, work: Path) -> list[str]:
    values = {
        "{{.input}}": str(work / "inputs.pb"),
        "{{.outputPrefix}}": str(work / "out"),
        "{{.rawOutputDataPrefix}}": str(work / "raw"),
        "{{.checkpointOutputPrefix}}": str(work / "checkpoint"),
        "{{.prevCheckpointPrefix}}": "",
    }
    args = [values.get(arg, arg) for arg in template.container.args]
    args[0] = str(Path(sys.executable).parent / args[0])
    return args


def _run_pod(sdk: str, root: Path, template: Any, inputs: bytes, work: Path) -> dict[str, bytes]:
    work.mkdir(parents=True)
    (work / "inputs.pb").write_bytes(inputs)
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.update({kv.key: kv.value for kv in template.container.env})
    done = subprocess.run(
        _pod_args(template, work), cwd=work, env=env, capture_output=True, text=True,
        check=False, timeout=120,
    )
    assert done.returncode == 0, f"{sdk}:\n{done.stderr}"
    out = work / "out"
    return {p.name: p.read_bytes() for p in out.iterdir()} if out.exists() else {}


@pytest.mark.parametrize(("entity", "n", "written"), [
    ("fan_out", 3, "futures.pb"),
    ("fan_out", 0, "outputs.pb"),
    ("pick", 2, "futures.pb"),
    ("pick", 0, "outputs.pb"),
])
def test_dynamic_pod_writes_what_flytekit_writes(
    roots: dict[str, Path],
    compat_settings: Any,
    assert_same_spec: Any,
    tmp_path: Path,
    entity: str,
    n: int,
    written: str,
) -> None:
    from flyteidl.core import dynamic_job_pb2, literals_pb2
    from google.protobuf import json_format

    inputs = literals_pb2.LiteralMap()
    inputs.literals["n"].scalar.primitive.integer = n
    data = inputs.SerializeToString()
    files = {}
    for sdk in ("flytekit", "featherkit"):
        with load_module(roots[sdk], MODULE) as module:
            if sdk == "flytekit":
                from flytekit.tools.translator import get_serializable

                spec = get_serializable(
                    OrderedDict(), compat_settings.flytekit(), getattr(module, entity)
                ).to_flyte_idl()
            else:
                from featherkit.serialization import task_spec

                spec = task_spec(getattr(module, entity), compat_settings.featherkit())
        files[sdk] = _run_pod(sdk, roots[sdk], spec.template, data, tmp_path / sdk)
    assert sorted(files["flytekit"]) == sorted(files["featherkit"]) == [written]
    if written == "outputs.pb":
        assert files["flytekit"][written] == files["featherkit"][written]
        return
    theirs, ours = dynamic_job_pb2.DynamicJobSpec(), dynamic_job_pb2.DynamicJobSpec()
    theirs.ParseFromString(files["flytekit"][written])
    ours.ParseFromString(files["featherkit"][written])
    assert ours.min_successes == theirs.min_successes == len(ours.nodes)
    assert [node.id for node in ours.nodes] == [f"dn{i}" for i in range(len(ours.nodes))]
    for part in ("nodes", "outputs", "subworkflows"):
        assert_same_spec(
            {part: json_format.MessageToDict(theirs, preserving_proto_field_name=True).get(part)},
            {part: json_format.MessageToDict(ours, preserving_proto_field_name=True).get(part)},
            what=f"futures.pb {part} of {entity}",
        )
    assert len(theirs.tasks) == len(ours.tasks)
    for mine, flytekits in zip(ours.tasks, theirs.tasks):
        assert_same_spec(
            {"template": json_format.MessageToDict(flytekits, preserving_proto_field_name=True)},
            {"template": json_format.MessageToDict(mine, preserving_proto_field_name=True)},
            what=f"futures.pb task {mine.id.name}",
        )


def test_packages_hold_the_same_entities(
    tmp_path: Path, compat_settings: Any, assert_same_spec: Any
) -> None:
    """``pyflyte package`` and ``featherkit package`` of the control-flow package: the same
    tasks (map tasks included), workflows and launch plans, with equal specs."""
    import re
    import tarfile

    from flyteidl.admin import launch_plan_pb2, task_pb2, workflow_pb2

    messages = {1: task_pb2.TaskSpec, 2: workflow_pb2.WorkflowSpec, 3: launch_plan_pb2.LaunchPlan}

    def members(path: Path) -> dict[tuple[str, int], Any]:
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

    bin_dir = Path(sys.executable).parent
    theirs, ours = tmp_path / "pyflyte.tgz", tmp_path / "featherkit.tgz"
    commands = [
        ([str(bin_dir / "pyflyte"), "--pkgs", "compat_control", "package", "--image",
          compat_settings.image, "--output", str(theirs), "--force"],
         materialize("flytekit", tmp_path / "flytekit-side")),
        ([str(bin_dir / "featherkit"), "package", "compat_control", "--image",
          compat_settings.image, "--version", compat_settings.version, "--output", str(ours)],
         materialize("featherkit", tmp_path)),
    ]
    for command, cwd in commands:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"{command[0]}:\n{done.stdout}\n{done.stderr}"
    flytekit_members, featherkit_members = members(theirs), members(ours)
    assert set(flytekit_members) == set(featherkit_members)
    assert any(name.endswith("-arraynode") for name, _ in featherkit_members)
    used: set[str] = set()
    for key, spec in featherkit_members.items():
        found = assert_same_spec(flytekit_members[key], spec, what=f"package member {key}")
        used |= {d.rule.name for d in found if d.rule}
    assert "node-pod-override-args" in used
