"""The nox plugin session's lowest-core lookup (``tools/lowest_core.py``), on a git repository
made for the test: which bound a plugin declares, and the commit where core became that
version."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import lowest_core  # noqa: E402 - from tools/, not an installed package

PYPROJECT = """[project]
name = "featherkit"
version = "{version}"
"""


def git(repo: Path, *args: str) -> str:
    env = {
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
        "HOME": str(repo), "PATH": "/usr/bin:/bin",
    }
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True, env=env
    ).stdout.strip()


def commit_core(repo: Path, version: str, marker: str) -> str:
    core = repo / "packages" / "core"
    core.mkdir(parents=True, exist_ok=True)
    (core / "pyproject.toml").write_text(PYPROJECT.format(version=version))
    (core / "marker.txt").write_text(marker)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"core {version} ({marker})")
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    return repo


def test_the_first_commit_with_the_version_is_found(repo: Path) -> None:
    commit_core(repo, "0.1.0", "a")
    first_02 = commit_core(repo, "0.2.0", "b")
    commit_core(repo, "0.2.0", "c")  # a later change at the same version
    commit_core(repo, "0.3.0", "d")
    assert lowest_core.commit_for_core_version(repo, "0.2") == first_02
    assert lowest_core.commit_for_core_version(repo, "0.2.0") == first_02
    assert lowest_core.commit_for_core_version(repo, "0.4") is None


def test_core_is_exported_as_it_was_at_that_commit(repo: Path, tmp_path: Path) -> None:
    first_02 = commit_core(repo, "0.2.0", "old")
    commit_core(repo, "0.3.0", "new")
    core = lowest_core.export_core(repo, first_02, tmp_path / "out")
    assert (core / "marker.txt").read_text() == "old"
    assert lowest_core.core_version((core / "pyproject.toml").read_text()) == "0.2.0"


@pytest.mark.parametrize(
    ("dependencies", "lowest"),
    [
        (["featherkit>=0.2,<1"], "0.2"),
        (["redis>=5", "featherkit >= 0.3.1, <1"], "0.3.1"),
        (["featherkit-sql>=0.5", "featherkit[test]>=0.2"], "0.2"),
        (["featherkit<1"], None),
    ],
)
def test_declared_lowest(dependencies: list[str], lowest: str | None) -> None:
    assert lowest_core.declared_lowest({"project": {"dependencies": dependencies}}) == lowest


def test_every_plugin_package_declares_a_bound_core_has() -> None:
    """Each package's featherkit>=X names a version core has had in this repository."""
    current = lowest_core.core_version((ROOT / "packages/core/pyproject.toml").read_text())
    for pyproject in sorted(ROOT.glob("packages/*/*/pyproject.toml")):
        if pyproject.parent.name == "core":
            continue
        import tomllib

        lowest = lowest_core.declared_lowest(tomllib.loads(pyproject.read_text()))
        assert lowest is not None, pyproject
        assert lowest_core._same_version(lowest, current) or (
            lowest_core.commit_for_core_version(ROOT, lowest) is not None
        ), pyproject
