"""Workflows on the command line: run, --plan, --max-parallelism, serialize, package, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

from flyteidl.admin import launch_plan_pb2, workflow_pb2

FIXTURE = str(Path(__file__).parent / "fixtures" / "workflows" / "wf_cli.py")
SETTINGS = ["--image", "ghcr.io/acme/app:v1", "--version", "v1"]


def featherkit(*args: str, cache: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if cache is not None:
        env["FEATHERKIT_CACHE_DIR"] = str(cache)
    return subprocess.run(
        [sys.executable, "-m", "featherkit.cli", *args],
        capture_output=True, text=True, timeout=120, env=env,
    )


def test_run_a_workflow_a_launch_plan_and_json(tmp_path: Path) -> None:
    done = featherkit("run", FIXTURE, "pipeline", "--a", "5", cache=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Out(total=15, label='n=15')"
    done = featherkit("run", FIXTURE, "fixed", "--json", "--prefix", "v", cache=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"total": 13, "label": "v13"}
    done = featherkit(
        "run", FIXTURE, "outer", "--a", "1", "--max-parallelism", "1", cache=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "'outer:11'"


def test_plan_before_and_after_a_run(tmp_path: Path) -> None:
    before = featherkit("run", FIXTURE, "outer", "--a", "2", "--plan", cache=tmp_path)
    assert before.returncode == 0, before.stderr
    lines = before.stdout.splitlines()
    assert lines[0].split()[:3] == ["n0", "will", "run"]
    assert "n0/n0" in before.stdout and "no stored entry for this task yet" in before.stdout
    assert lines[-1] == "0 of 4 node(s) are cache hits, 4 will run"
    assert featherkit("run", FIXTURE, "outer", "--a", "2", cache=tmp_path).returncode == 0
    after = featherkit("run", FIXTURE, "outer", "--a", "2", "--plan", cache=tmp_path)
    rows = {line.split()[0]: line for line in after.stdout.splitlines()[:-1]}
    assert "cache hit" in rows["n0/n0"]
    assert "not cached (cache=False)" in rows["n0/n1"]
    assert "its inputs come from n0, which will run first" in rows["n1"]
    other = featherkit("run", FIXTURE, "outer", "--a", "7", "--plan", cache=tmp_path)
    assert "nearest entry differs in input a: cached 2, now 7" in other.stdout


def test_errors_are_one_line(tmp_path: Path) -> None:
    done = featherkit("run", FIXTURE, "pipeline", "--a", "-20", cache=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "Error: workflow 'wf_cli.pipeline' failed at node n1 (task 'wf_cli.fmt'): "
        "ValueError: negative: -10"
    )
    done = featherkit("run", FIXTURE, "pipeline", cache=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "Error: workflow 'wf_cli.pipeline' is missing input 'a' (expected int)"
    )
    done = featherkit("run", FIXTURE, "fixed", "--a", "1", cache=tmp_path)
    assert done.returncode == 2
    assert "has no input 'a'" in done.stderr
    done = featherkit("run", FIXTURE, "add", "--a", "1", "--plan", cache=tmp_path)
    assert done.returncode == 2
    assert "--plan is for workflows and launch plans; 'wf_cli.add' is a task" in done.stderr


def test_serialize_and_package_write_workflows_and_launch_plans(tmp_path: Path) -> None:
    out = tmp_path / "specs"
    done = featherkit("serialize", FIXTURE, *SETTINGS, "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "Serialized 2 task(s), 2 workflow(s), 3 launch plan(s)" in done.stdout
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "0_wf_cli.add_1.pb",
        "1_wf_cli.fmt_1.pb",
        "2_wf_cli.pipeline_2.pb",
        "3_wf_cli.pipeline_3.pb",
        "4_wf_cli.outer_2.pb",
        "5_wf_cli.outer_3.pb",
        "6_wf_cli_fixed_3.pb",
    ]
    spec = workflow_pb2.WorkflowSpec.FromString((out / "4_wf_cli.outer_2.pb").read_bytes())
    assert [s.id.name for s in spec.sub_workflows] == ["wf_cli.pipeline"]
    plan = launch_plan_pb2.LaunchPlan.FromString((out / "6_wf_cli_fixed_3.pb").read_bytes())
    assert plan.spec.fixed_inputs.literals["a"].scalar.primitive.integer == 3
    package = tmp_path / "p.tgz"
    done = featherkit("package", FIXTURE, *SETTINGS, "-o", str(package))
    assert done.returncode == 0, done.stderr
    with tarfile.open(package) as tar:
        assert sorted(tar.getnames()) == names
