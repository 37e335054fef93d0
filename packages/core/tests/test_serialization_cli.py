"""``featherkit serialize`` and ``featherkit package`` from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from flyteidl.admin import task_pb2

FIXTURES = Path(__file__).parent / "fixtures" / "serialize"
FLOWS = FIXTURES / "proj" / "serfix_flows"
IMAGE = ["--image", "ghcr.io/acme/app:v1"]
VERSION = ["--version", "v1"]


def featherkit(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "featherkit.cli", *args],
        capture_output=True, text=True, timeout=120, cwd=cwd,
    )


def test_serialize_writes_one_task_spec_per_task(tmp_path):
    out = tmp_path / "out"
    done = featherkit(
        "serialize", str(FLOWS), *IMAGE, *VERSION, "--project", "p", "--domain", "d",
        "--env", "A=1", "--env", "B=x=y", "-o", str(out),
    )
    assert done.returncode == 0, done.stderr
    assert "Serialized 5 task(s)" in done.stdout
    files = sorted(p.name for p in out.iterdir())
    assert files == [
        "0_serfix_flows.alpha.add_1.pb",
        "1_serfix_flows.alpha.greet_1.pb",
        "2_serfix_flows.beta.noop_1.pb",
        "3_serfix_flows.beta.stats_1.pb",
        "4_serfix_flows.sub.gamma.zeta_1.pb",
    ]
    spec = task_pb2.TaskSpec.FromString((out / files[1]).read_bytes())
    assert (spec.template.id.project, spec.template.id.domain) == ("p", "d")
    assert (spec.template.id.name, spec.template.id.version) == ("serfix_flows.alpha.greet", "v1")
    assert [(e.key, e.value) for e in spec.template.container.env] == [
        ("A", "1"), ("B", "x=y"), ("GREETING", "hello"), ("SHARED", "task"),
    ]


def test_serialize_json_for_reading(tmp_path):
    done = featherkit("serialize", str(FLOWS / "alpha.py"), *IMAGE, *VERSION,
                      "--format", "json", "-o", str(tmp_path))
    assert done.returncode == 0, done.stderr
    data = json.loads((tmp_path / "0_serfix_flows.alpha.add_1.json").read_text())
    assert data["template"]["id"]["name"] == "serfix_flows.alpha.add"
    assert data["description"]["short_description"] == "Add two numbers."


def test_package_for_flytectl(tmp_path):
    out = tmp_path / "flyte-package.tgz"
    done = featherkit("package", str(FLOWS), *IMAGE, *VERSION, "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "Packaged 5 task(s)" in done.stdout
    with tarfile.open(out) as tar:
        names = tar.getnames()
        spec = task_pb2.TaskSpec.FromString(tar.extractfile(names[0]).read())
    assert len(names) == 5
    # project and domain empty: flytectl register files fills them in
    assert (spec.template.id.project, spec.template.id.domain, spec.template.id.version) == (
        "", "", "v1",
    )


def test_package_default_output_name(tmp_path):
    done = featherkit("package", str(FLOWS / "alpha.py"), *IMAGE, *VERSION, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "flyte-package.tgz").exists()


@pytest.mark.parametrize("command", ["serialize", "package"])
@pytest.mark.parametrize(
    ("missing", "message"),
    [(IMAGE, "Error: --image is required"), (VERSION, "Error: --version is required")],
)
def test_missing_image_or_version_is_one_line_exit_2(tmp_path, command, missing, message):
    args = [a for a in [*IMAGE, *VERSION] if a not in missing]
    done = featherkit(command, str(FLOWS), *args, "-o", str(tmp_path / "out"))
    assert done.returncode == 2
    assert done.stderr.startswith(message)
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["serialize", str(FLOWS), *IMAGE, *VERSION], "--output/-o is required"),
        (["serialize", str(FLOWS), *IMAGE, *VERSION, "--env", "NOVALUE", "-o", "x"],
         "--env 'NOVALUE' is not KEY=VALUE"),
        (["serialize", *IMAGE, *VERSION, "-o", "x"], "name at least one file"),
        (["serialize", "nope.py", *IMAGE, *VERSION, "-o", "x"], "no such file, directory"),
        (["package", str(FIXTURES / "dupes"), *IMAGE, *VERSION],
         "two tasks are named 'serfix.shared_name'"),
        (["package", str(FIXTURES / "nested"), *IMAGE, *VERSION],
         "is defined inside a function"),
        (["package", str(FIXTURES / "broken"), *IMAGE, *VERSION], "cannot import"),
        (["package", str(FLOWS), "--image", "bad image", *VERSION], "contains whitespace"),
    ],
    ids=["no-output", "bad-env", "no-targets", "no-such-file", "duplicate-names",
         "nested-task", "import-error", "bad-image"],
)
def test_errors_are_clear_lines_exit_2(tmp_path, args, message):
    done = featherkit(*args, cwd=tmp_path)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    first = done.stderr.splitlines()[0]
    assert first.startswith("Error: ") and message in first
    assert not (tmp_path / "x").exists() and not (tmp_path / "flyte-package.tgz").exists()


def test_no_tasks_found(tmp_path):
    (tmp_path / "empty.py").write_text("X = 1\n")
    done = featherkit("package", str(tmp_path / "empty.py"), *IMAGE, *VERSION, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == f"Error: no tasks or workflows found in {tmp_path / 'empty.py'}"


def test_commands_are_listed():
    done = featherkit("--help")
    assert "serialize" in done.stdout and "package" in done.stdout
