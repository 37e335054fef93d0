"""Find every task in the files, directories and modules a user names.

``discover(["examples/", "pkg.tasks", "flows/etl.py"])`` imports each target under its proper
module name (:mod:`featherkit.loader`, so a container can import it again the same way) and
returns the tasks defined there, sorted by task name. The order does not depend on the order
of the targets, the working directory or which modules happened to be imported first, so the
files written from it are the same on every run.

Targets:

* a ``.py`` file: that module;
* a directory: every ``.py`` file below it (hidden directories and ``__pycache__`` skipped);
* a dotted module name that is not a path: that module, and every submodule of a package.

A task counts where it is defined (re-exports are not counted twice). Two different tasks with
one name is an error naming both places: a Flyte backend would register only one of them.

``discover_entities`` adds the workflows defined there and the launch plans bound there, and
everything they reference, in registration order (each entity after what it references).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from featherkit.errors import FeatherkitUserError
from featherkit.loader import workflows_in_module

if TYPE_CHECKING:
    from featherkit.base_task import Task

_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


class DiscoveryError(FeatherkitUserError):
    """Targets that cannot be imported, or tasks that clash."""


@dataclass(frozen=True)
class FoundTask:
    """A task and where it was found."""

    task: Task
    module: str
    attribute: str
    file: str | None

    @property
    def place(self) -> str:
        """``module.attribute (file:line)``, for messages."""
        where = f"{self.module}.{self.attribute}"
        if self.file is None:
            return where
        line = _first_line(self.task)
        return f"{where} ({self.file}{f':{line}' if line else ''})"


def _first_line(task: Task) -> int | None:
    function = getattr(task, "task_function", None)
    code = getattr(function, "__code__", None)
    return getattr(code, "co_firstlineno", None)


def _module_file(module: ModuleType) -> str | None:
    file = getattr(module, "__file__", None)
    return os.path.realpath(file) if file else None


def _load_path(path: Path) -> ModuleType:
    from featherkit.loader import load_file, module_name_for

    module = load_file(path)
    expected = os.path.realpath(path)
    actual = _module_file(module)
    if actual is not None and actual != expected:
        _, name = module_name_for(path)
        raise DiscoveryError(
            f"{path} would be imported as module {name!r}, but that name is already the "
            f"module {actual}; rename one of the files (two modules cannot share a name)"
        )
    return module


def _load_dotted(name: str) -> list[ModuleType]:
    # like ``python -m``: a module name is looked up in the working directory too
    here = os.getcwd()
    if here not in sys.path and "" not in sys.path:
        sys.path.insert(0, here)
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and (name == exc.name or name.startswith(exc.name + ".")):
            raise DiscoveryError(
                f"{name!r} is neither a file, a directory nor an importable module"
            ) from None
        raise DiscoveryError(f"cannot import module {name!r}: {exc}") from exc
    except Exception as exc:
        raise DiscoveryError(
            f"cannot import module {name!r}: {type(exc).__name__}: {exc}"
        ) from exc
    modules = [module]
    search = getattr(module, "__path__", None)
    if search is not None:
        names = sorted(info.name for info in pkgutil.walk_packages(search, prefix=name + "."))
        for sub in names:
            try:
                modules.append(importlib.import_module(sub))
            except Exception as exc:
                raise DiscoveryError(
                    f"cannot import module {sub!r}: {type(exc).__name__}: {exc}"
                ) from exc
    return modules


def load_targets(targets: Iterable[str | os.PathLike[str]]) -> list[ModuleType]:
    """Import every target; each module once, in a stable order."""
    from featherkit.loader import python_files

    modules: dict[str, ModuleType] = {}
    for target in targets:
        text = os.fspath(target)
        path = Path(text)
        if path.exists():
            for file in python_files(path):
                module = _load_path(file)
                modules.setdefault(module.__name__, module)
        elif _DOTTED.match(text) and not text.endswith(".py"):
            for module in _load_dotted(text):
                modules.setdefault(module.__name__, module)
        else:
            raise DiscoveryError(f"no such file, directory or module: {text}")
    return [modules[name] for name in sorted(modules)]


def tasks_in_module(module: ModuleType) -> list[FoundTask]:
    """Tasks bound at module level in ``module`` and defined there, by attribute name."""
    from featherkit.base_task import Task

    found: list[FoundTask] = []
    seen: set[int] = set()
    file = _module_file(module)
    for attribute, value in sorted(vars(module).items()):
        if not isinstance(value, Task) or id(value) in seen:
            continue
        home = getattr(value, "instantiated_in", None)
        if home is None:
            # a task object that records no module: count it where its name says it lives
            home = value.name.rsplit(".", 1)[0] if "." in value.name else module.__name__
        if home != module.__name__:
            continue
        seen.add(id(value))
        found.append(FoundTask(value, module.__name__, attribute, file))
    return found


def discover(targets: Sequence[str | os.PathLike[str]]) -> list[FoundTask]:
    """Every task in ``targets``, sorted by task name; a name used twice is an error."""
    if not targets:
        raise DiscoveryError("name at least one file, directory or module to look for tasks in")
    by_name: dict[str, FoundTask] = {}
    by_identity: set[int] = set()
    for module in load_targets(targets):
        for found in tasks_in_module(module):
            if id(found.task) in by_identity:
                continue
            by_identity.add(id(found.task))
            other = by_name.get(found.task.name)
            if other is not None:
                first, second = sorted((other.place, found.place))
                raise DiscoveryError(
                    f"two tasks are named {found.task.name!r}: {first} and {second}; "
                    "task names must be unique, rename one of them"
                )
            by_name[found.task.name] = found
    return [by_name[name] for name in sorted(by_name)]


def discover_entities(targets: Sequence[str | os.PathLike[str]]) -> list[Any]:
    """Every task, workflow and launch plan in ``targets``, and everything they reference
    (each workflow's default launch plan included), in registration order: each entity after
    what it references. Two workflows (or two launch plans) sharing a name are an error.
    """
    tasks = [found.task for found in discover(targets)]
    if sys.modules.get("featherkit.workflow") is None:
        return list(tasks)
    from featherkit.workflow import LaunchPlan

    others: list[Any] = []
    names: dict[tuple[str, str], Any] = {}
    for module in load_targets(targets):
        for entity in workflows_in_module(module):
            kind = "launch plan" if isinstance(entity, LaunchPlan) else "workflow"
            other = names.setdefault((kind, entity.name), entity)
            if other is not entity:
                raise DiscoveryError(
                    f"two {kind}s are named {entity.name!r} (one in {module.__name__}); "
                    f"{kind} names must be unique, rename one of them"
                )
            others.append(entity)
    if not others:
        return list(tasks)
    from featherkit.workflow.serialize import registration_order

    others.sort(key=lambda e: (isinstance(e, LaunchPlan), e.name))
    return registration_order([*tasks, *others])


def discover_tasks(targets: Sequence[str | os.PathLike[str]]) -> list[Task]:
    """The tasks of :func:`discover`, without where they were found."""
    return [found.task for found in discover(targets)]


__all__ = [
    "DiscoveryError",
    "FoundTask",
    "discover",
    "discover_entities",
    "discover_tasks",
    "load_targets",
    "tasks_in_module",
    "workflows_in_module",
]
