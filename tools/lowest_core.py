"""The lowest core a plugin package declares, and where this repository's history has it.

A plugin says ``featherkit>=X`` in its dependencies. The nox ``plugin`` session tests it
against core from the checkout and, when X is another version, against core as it was at the
first commit of this repository whose ``packages/core/pyproject.toml`` says ``version = X``:
so a plugin that uses something newer than it declares fails. Standard library only (the
noxfile imports it before any session has a virtualenv).
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import tarfile
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - nox runs on 3.11
    import tomli as tomllib

CORE_PYPROJECT = "packages/core/pyproject.toml"
_BOUND = re.compile(r"^featherkit\s*(?:\[[^\]]*\])?\s*(?P<spec>[^;]*)", re.I)


def declared_lowest(pyproject: dict) -> str | None:
    """The X of a ``featherkit>=X`` dependency in a parsed pyproject, else ``None``."""
    for requirement in pyproject.get("project", {}).get("dependencies", []):
        match = _BOUND.match(requirement.strip())
        if not match or requirement.strip().lower().startswith("featherkit-"):
            continue
        for clause in match["spec"].split(","):
            clause = clause.strip()
            if clause.startswith(">="):
                return clause[2:].strip()
    return None


def core_version(pyproject_text: str) -> str:
    return str(tomllib.loads(pyproject_text)["project"]["version"])


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


def commit_for_core_version(repo: Path, version: str) -> str | None:
    """The first commit (oldest first, following the current branch) whose core pyproject
    says ``version``; ``None`` when no commit does."""
    commits = _git(repo, "log", "--reverse", "--format=%H", "--", CORE_PYPROJECT).split()
    for commit in commits:
        try:
            text = _git(repo, "show", f"{commit}:{CORE_PYPROJECT}")
        except subprocess.CalledProcessError:  # the file was deleted in that commit
            continue
        if _same_version(core_version(text), version):
            return commit
    return None


def _same_version(a: str, b: str) -> bool:
    def parts(v: str) -> list[int]:
        numbers = [int(p) for p in re.findall(r"\d+", v)]
        while numbers and numbers[-1] == 0:
            numbers.pop()
        return numbers

    return parts(a) == parts(b)


def export_core(repo: Path, commit: str, destination: Path) -> Path:
    """Write ``packages/core`` as it was at ``commit`` under ``destination``; its path."""
    data = subprocess.run(
        ["git", "archive", "--format=tar", commit, "packages/core"],
        cwd=repo, check=True, capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        if hasattr(tarfile, "data_filter"):
            archive.extractall(destination, filter="data")
        else:  # pragma: no cover - Python before 3.11.4
            archive.extractall(destination)
    return destination / "packages" / "core"
