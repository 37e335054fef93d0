"""docs/plugins.md's tutorial plugin, taken from the page itself, built, installed and run.

Every fenced block preceded by ``<!-- file: PATH -->`` is a file of the example plugin. The
test writes them under a temporary directory, builds the wheel with the build backend the
pyproject names (hatchling), installs it by unpacking it into a site directory of its own, and
in a fresh interpreter with that directory on its path: runs the plugin's own tests, lists it
with ``featherkit plugins`` and runs its command. So the page cannot drift from a plugin that
works.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[3] / "docs" / "plugins.md"
FILE_BLOCK = re.compile(r"<!-- file: (?P<path>\S+) -->\n```[a-z]*\n(?P<body>.*?)```", re.S)


def doc_files() -> dict[str, str]:
    return {m["path"]: m["body"] for m in FILE_BLOCK.finditer(DOC.read_text())}


def test_the_tutorial_has_every_file():
    files = doc_files()
    assert {
        "featherkit-hello/pyproject.toml",
        "featherkit-hello/src/featherkit_hello/__init__.py",
        "featherkit-hello/src/featherkit_hello/plugin.py",
        "featherkit-hello/tests/test_hello.py",
    } <= set(files)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("tutorial")
    for relative, body in doc_files().items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
    project = root / "featherkit-hello"
    dist = root / "dist"
    built = subprocess.run(
        [sys.executable, "-c",
         "import sys; from hatchling.build import build_wheel; print(build_wheel(sys.argv[1]))",
         str(dist)],
        cwd=project, capture_output=True, text=True,
    )
    assert built.returncode == 0, built.stderr
    wheel = dist / built.stdout.strip().splitlines()[-1]
    site = root / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return {"project": project, "site": site, "root": root}


def _run(installed: dict[str, Path], *args: str) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join([str(installed["site"]), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path, "FEATHERKIT_STRICT_PLUGINS": "1"}
    return subprocess.run(
        [sys.executable, *args], cwd=installed["project"], env=env, capture_output=True,
        text=True,
    )


def test_the_wheel_declares_the_entry_point(installed):
    entry_points = next(installed["site"].glob("featherkit_hello-0.1.0.dist-info")) / (
        "entry_points.txt"
    )
    assert "[featherkit]\nhello = featherkit_hello.plugin" in entry_points.read_text()


def test_the_plugins_own_tests_pass(installed):
    result = _run(
        installed, "-m", "pytest", "-q", "-p", "no:cacheprovider",
        "--basetemp", str(installed["root"] / "basetemp"), "tests",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout


def test_featherkit_plugins_lists_it_and_its_command_runs(installed):
    listing = _run(installed, "-m", "featherkit.cli", "plugins")
    assert listing.returncode == 0, listing.stderr
    assert "hello  (featherkit-hello 0.1.0, entry point featherkit_hello.plugin)" in (
        listing.stdout
    )
    hooks = listing.stdout.split("hello  (featherkit-hello", 1)[1].splitlines()[1]
    assert hooks.split("hooks: ")[1].split(", ") == [
        "get_config", "register_commands", "register_task_arguments",
        "register_type_transformers",
    ]
    greeting = _run(installed, "-m", "featherkit.cli", "hello", "--name", "docs")
    assert greeting.returncode == 0, greeting.stderr
    assert greeting.stdout == "Hello, docs, from featherkit-hello\n"
