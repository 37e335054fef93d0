"""Import user code from a file or directory under its proper module name.

A file inside packages (directories with ``__init__.py``) is imported by its dotted name with
the first non-package directory put on ``sys.path``, so ``examples/quickstart.py`` becomes the
module ``quickstart`` and a container can import it again the same way.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from featherkit.errors import FeatherkitUserError

if TYPE_CHECKING:
    from featherkit.base_task import Task


def module_name_for(path: Path) -> tuple[Path, str]:
    """The sys.path root and dotted module name of a ``.py`` file."""
    path = path.resolve()
    parts = [path.stem] if path.name != "__init__.py" else []
    directory = path.parent
    while (directory / "__init__.py").exists():
        parts.insert(0, directory.name)
        directory = directory.parent
    return directory, ".".join(parts)


def load_file(path: str | os.PathLike[str]) -> ModuleType:
    file = Path(path)
    if not file.exists():
        raise FeatherkitUserError(f"no such file: {file}")
    if file.is_dir() or file.suffix != ".py":
        raise FeatherkitUserError(f"{file} is not a Python file")
    root, name = module_name_for(file)
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    try:
        return importlib.import_module(name)
    except Exception as exc:
        raise FeatherkitUserError(
            f"cannot import {file} (as module {name!r}): {type(exc).__name__}: {exc}"
        ) from exc


def python_files(target: str | os.PathLike[str]) -> list[Path]:
    """``target`` itself if a file, else every ``.py`` file below it, sorted."""
    path = Path(target)
    if not path.exists():
        raise FeatherkitUserError(f"no such file or directory: {path}")
    if path.is_file():
        return [path]
    return sorted(
        p for p in path.rglob("*.py")
        if not any(part.startswith(".") or part == "__pycache__" for part in p.parts)
    )


def tasks_in(module: ModuleType) -> dict[str, Task]:
    """Tasks defined in ``module``, by attribute name (imported ones are left out)."""
    from featherkit.base_task import Task

    found: dict[str, Task] = {}
    for attribute, value in vars(module).items():
        if not isinstance(value, Task):
            continue
        home = getattr(value, "instantiated_in", module.__name__)
        if home == module.__name__:
            found[attribute] = value
    return found


def workflows_in_module(module: ModuleType) -> list[Any]:
    """Workflows defined in ``module`` and launch plans bound there, by attribute name.

    Looked for only when the workflow package is loaded (a module that defines a workflow has
    imported it), so task-only projects never import it.
    """
    loaded = sys.modules.get("featherkit.workflow")
    if loaded is None:
        return []
    from featherkit.workflow import LaunchPlan, WorkflowBase

    found: list[Any] = []
    seen: set[int] = set()
    for _attribute, value in sorted(vars(module).items()):
        if id(value) in seen:
            continue
        mine = isinstance(value, WorkflowBase) and value.instantiated_in == module.__name__
        if mine or isinstance(value, LaunchPlan):
            seen.add(id(value))
            found.append(value)
    return found


def find_task(file: str | os.PathLike[str], name: str) -> Task:
    module = load_file(file)
    tasks = tasks_in(module)
    if name in tasks:
        return tasks[name]
    by_full_name = {t.name: t for t in tasks.values()}
    if name in by_full_name:
        return by_full_name[name]
    known = ", ".join(sorted(tasks)) or "(none)"
    _refuse_non_task(module, file, name, f"tasks found: {known}")
    raise FeatherkitUserError(f"{file} has no task {name!r}; tasks found: {known}")


def _refuse_non_task(
    module: ModuleType, file: str | os.PathLike[str], name: str, found: str
) -> None:
    """Raise the error for a ``name`` the module has that is not a task (a plain function)."""
    value = vars(module).get(name)
    if value is None:
        return
    what = (
        f"a {type(value).__name__}, not a task: it lacks @task"
        if callable(value) and not isinstance(value, type)
        else f"a {type(value).__name__}, not a task"
    )
    raise FeatherkitUserError(f"{name!r} in {file} is {what}; {found}")


def find_entity(file: str | os.PathLike[str], name: str) -> Any:
    """The task, workflow or launch plan called ``name`` (attribute or full name) in ``file``."""
    module = load_file(file)
    found: dict[str, Any] = dict(tasks_in(module))
    for entity in workflows_in_module(module):
        for attribute, value in vars(module).items():
            if value is entity:
                found.setdefault(attribute, entity)
    if name in found:
        return found[name]
    by_full_name = {e.name: e for e in found.values()}
    if name in by_full_name:
        return by_full_name[name]
    known = ", ".join(sorted(found)) or "(none)"
    _refuse_non_task(module, file, name, f"found: {known}")
    raise FeatherkitUserError(
        f"{file} has no task, workflow or launch plan {name!r}; found: {known}"
    )
