"""Task resolvers: core's module resolver, and how a resolver is found by its location."""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

from featherkit.errors import FeatherkitUserError
from featherkit.hookspecs import hookimpl

if TYPE_CHECKING:
    from collections.abc import Callable

    from featherkit.serialization import SerializationSettings
    from featherkit.task import Task, TaskResolver


class ResolverError(FeatherkitUserError):
    """A resolver cannot write or read loader args for a task."""


class ModuleResolver:
    """Finds a task as an attribute of an importable module.

    Loader args: ``task-module <module> task-name <attribute>``. The same instance serves
    every task; it keeps no state.
    """

    location = "featherkit.resolvers.module"
    name = "module"

    def loader_args(self, settings: SerializationSettings, task: Task) -> list[str]:
        module_name = getattr(task, "instantiated_in", None)
        attribute = getattr(task, "lhs", None)
        if module_name is None or attribute is None:
            raise ResolverError(
                f"task {task.name!r} ({type(task).__name__}) is not a module-level function "
                "task; give it a task_resolver that can find it (e.g. the template resolver)"
            )
        if getattr(task, "is_nested", False):
            raise ResolverError(
                f"task {task.name!r} is defined inside a function, so a container cannot "
                "import it again; move it to module level (or opt in to the pickle resolver)"
            )
        if module_name == "__main__":
            raise ResolverError(
                f"task {task.name!r} lives in __main__, which a container cannot import; "
                "serialize the file with `featherkit serialize FILE` (it imports the file "
                "under its module name) or opt in to the pickle resolver"
            )
        module = sys.modules.get(module_name)
        if module is None or getattr(module, attribute, None) is not task:
            raise ResolverError(
                f"task {task.name!r} cannot be found again as {module_name}.{attribute}; "
                "define each task at module level under the name it is decorated with"
            )
        return ["task-module", module_name, "task-name", attribute]

    def load_task(self, loader_args: list[str]) -> Task:
        from featherkit.task import Task

        if len(loader_args) != 4 or loader_args[0] != "task-module" or loader_args[2] != "task-name":
            raise ResolverError(
                "module resolver expects loader args 'task-module <module> task-name <name>', "
                f"got {loader_args!r}"
            )
        module_name, attribute = loader_args[1], loader_args[3]
        module = importlib.import_module(module_name)
        try:
            task = getattr(module, attribute)
        except AttributeError:
            raise ResolverError(f"module {module_name!r} has no task {attribute!r}") from None
        if not isinstance(task, Task):
            raise ResolverError(
                f"{module_name}.{attribute} is a {type(task).__name__}, not a featherkit task"
            )
        return task

    def get_all_tasks(self) -> list[Task]:
        from featherkit.task import Task

        found: dict[int, Task] = {}
        for module in list(sys.modules.values()):
            for value in list(vars(module).values()) if module else []:
                if isinstance(value, Task):
                    found[id(value)] = value
        return sorted(found.values(), key=lambda t: t.name)

    def task_name(self, task: Task) -> str | None:
        return getattr(task, "lhs", None)


_module_resolver = ModuleResolver()


def default_resolver() -> TaskResolver:
    return _module_resolver


def find_resolver(location: str) -> TaskResolver:
    """The registered resolver whose ``location`` is ``location``."""
    from featherkit.plugins import hooks

    resolvers = hooks().resolvers()
    if location not in resolvers:
        known = ", ".join(sorted(resolvers)) or "(none)"
        raise ResolverError(f"no resolver with location {location!r} is installed; known: {known}")
    resolver: TaskResolver = resolvers[location]
    return resolver


@hookimpl(trylast=True)
def register_resolvers(register: Callable[[Any], None]) -> None:
    register(_module_resolver)
