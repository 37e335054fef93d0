"""Task resolvers: how a container finds a task again, and how a resolver is chosen.

A resolver writes *loader args* when a task is serialized (they end the container args, after
``--resolver <location> --``) and reads them back in the container (``load_task``). Resolvers
are plugins: each registers itself through the ``register_resolvers`` hook and is chosen by
its ``location`` string, which is what the container args carry. A resolver keeps no
per-task state; one instance serves every task.

Core ships the module resolver (loader args ``task-module <module> task-name <attribute>``,
the same strings flytekit's default resolver writes) and the template resolver
(:mod:`featherkit.template_resolver`, loader args ``{{.taskTemplatePath}} <executor>``).
Which resolver serializes a task is decided by :func:`resolver_for`:

1. the task's own ``task_resolver`` (``@task(task_resolver=...)``), a resolver or a location;
2. the template resolver, for tasks that carry a ``template_executor`` name (plugin task
   types that run from their serialized template, with no user code);
3. the project default, ``SerializationSettings.extra["task_resolver"]`` (a resolver or a
   location);
4. the module resolver.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

from featherkit.errors import FeatherkitUserError
from featherkit.hookspecs import hookimpl
from featherkit.install_hints import install_hint

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

    from featherkit.base_task import Task, TaskResolver
    from featherkit.serialization import SerializationSettings

MODULE_RESOLVER_LOCATION = "featherkit.resolvers.module"
TEMPLATE_RESOLVER_LOCATION = "featherkit.resolvers.template"
#: the opt-in pickle resolver's location (featherkit-resolver-pickle), for hints
_PICKLE = "featherkit.resolvers.pickle"

#: ``SerializationSettings.extra`` key naming the project's default resolver.
SETTINGS_KEY = "task_resolver"



class ResolverError(FeatherkitUserError):
    """A resolver cannot write or read loader args for a task."""


def _module_attribute(module: ModuleType, task: object) -> list[str]:
    """The names under which ``module`` holds exactly this task object."""
    try:
        items = list(vars(module).items())
    except TypeError:  # something in sys.modules that is not a module
        return []
    return [name for name, value in items if value is task and not name.startswith("__")]


class ModuleResolver:
    """Finds a task as an attribute of an importable module.

    Loader args: ``task-module <module> task-name <attribute>``. The same instance serves
    every task; it keeps no state. Tasks defined in ``__main__``, in a notebook or inside a
    function cannot be imported again by a container: those need the pickle resolver.
    """

    location = MODULE_RESOLVER_LOCATION
    name = "module"

    def loader_args(self, settings: SerializationSettings, task: Task) -> list[str]:
        module_name, attribute = self._locate(task)
        return ["task-module", module_name, "task-name", attribute]

    def _locate(self, task: Task) -> tuple[str, str]:
        if getattr(task, "is_nested", False):
            raise ResolverError(
                f"task {task.name!r} is defined inside a function, so a container cannot "
                "import it again; move it to module level (or opt in to the pickle resolver: "
                f"pip install {install_hint('resolver', _PICKLE)})"
            )
        module_name = getattr(task, "instantiated_in", None)
        if module_name is None:
            return self._search(task)
        if module_name == "__main__":
            raise ResolverError(
                f"task {task.name!r} lives in __main__, which a container cannot import; "
                "serialize the file with `featherkit serialize FILE` (it imports the file "
                "under its module name) or opt in to the pickle resolver "
                f"(pip install {install_hint('resolver', _PICKLE)})"
            )
        module = sys.modules.get(module_name)
        lhs = getattr(task, "lhs", None)
        if module is not None and lhs is not None and getattr(module, lhs, None) is task:
            return module_name, lhs  # the usual case, without scanning the module
        names = _module_attribute(module, task) if module is not None else []
        if not names:
            raise ResolverError(
                f"task {task.name!r} cannot be found again in module {module_name!r}; define "
                "each task at module level and keep it bound to a module attribute"
            )
        return module_name, sorted(names)[0]

    def _search(self, task: Task) -> tuple[str, str]:
        """Find a task object that records no module (a class-based task instance).

        Modules named by a prefix of the task's name are tried first (``pkg.mod.my_task``
        looks in ``pkg.mod``), then every loaded module except ``__main__``; a task bound in
        several unrelated modules is ambiguous.
        """
        parts = task.name.split(".")
        for i in range(len(parts) - 1, 0, -1):
            module = sys.modules.get(".".join(parts[:i]))
            if module is not None:
                names = _module_attribute(module, task)
                if names:
                    return module.__name__, parts[i] if parts[i] in names else sorted(names)[0]
        found = {
            module_name: names
            for module_name, module in list(sys.modules.items())
            if module_name != "__main__" and module is not None
            and (names := _module_attribute(module, task))
        }
        if len(found) == 1:
            module_name, names = next(iter(found.items()))
            return module_name, sorted(names)[0]
        if not found:
            raise ResolverError(
                f"task {task.name!r} ({type(task).__name__}) is not bound to an attribute of "
                "any imported module, so a container cannot import it again; assign it at "
                "module level, or give it a task_resolver that can find it"
            )
        raise ResolverError(
            f"task {task.name!r} ({type(task).__name__}) is bound in several modules "
            f"({', '.join(sorted(found))}); name it '<module>.<attribute>' after the module "
            "that defines it so the module resolver knows which one to write"
        )

    def load_task(self, loader_args: list[str]) -> Task:
        from featherkit.base_task import Task

        if (
            len(loader_args) != 4
            or loader_args[0] != "task-module"
            or loader_args[2] != "task-name"
            or not loader_args[1]
            or not loader_args[3]
        ):
            raise ResolverError(
                "module resolver expects loader args 'task-module <module> task-name <name>', "
                f"got {loader_args!r}"
            )
        module_name, attribute = loader_args[1], loader_args[3]
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and (
                module_name == exc.name or module_name.startswith(exc.name + ".")
            ):
                raise ResolverError(
                    f"cannot load task {attribute!r}: no module named {module_name!r} "
                    "(is the code in the image and on PYTHONPATH?)"
                ) from exc
            raise ResolverError(
                f"cannot load task {attribute!r}: importing module {module_name!r} failed: "
                f"ModuleNotFoundError: {exc}"
            ) from exc
        except Exception as exc:
            raise ResolverError(
                f"cannot load task {attribute!r}: importing module {module_name!r} failed: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        task = getattr(module, attribute, None)
        if task is None:
            known = sorted(n for n, v in vars(module).items() if isinstance(v, Task))
            raise ResolverError(
                f"module {module_name!r} has no task {attribute!r}; tasks there: "
                f"{', '.join(known) or '(none)'}"
            )
        if not isinstance(task, Task):
            raise ResolverError(
                f"{module_name}.{attribute} is a {type(task).__name__}, not a featherkit task"
            )
        return task

    def get_all_tasks(self) -> list[Task]:
        """Every task bound at module level in the modules imported so far."""
        from featherkit.base_task import Task

        found: dict[int, Task] = {}
        for module in list(sys.modules.values()):
            try:
                values = list(vars(module).values())
            except TypeError:
                continue
            for value in values:
                if isinstance(value, Task):
                    found[id(value)] = value
        return sorted(found.values(), key=lambda t: t.name)

    def task_name(self, task: Task) -> str | None:
        return getattr(task, "lhs", None)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


_module_resolver = ModuleResolver()


def default_resolver() -> TaskResolver:
    """Core's module resolver, used when nothing else is chosen."""
    return _module_resolver


def find_resolver(location: str) -> TaskResolver:
    """The registered resolver whose ``location`` is ``location``."""
    from featherkit.plugins import hooks

    resolvers = hooks().resolvers()
    if location not in resolvers:
        known = ", ".join(sorted(resolvers)) or "(none)"
        hint = install_hint("resolver", location)
        raise ResolverError(
            f"no resolver with location {location!r} is installed (installed: {known})"
            + (f"; pip install {hint}" if hint else "")
        )
    resolver: TaskResolver = resolvers[location]
    return resolver


def _as_resolver(value: Any, where: str) -> TaskResolver:
    """A resolver object, or the registered one a location string names."""
    if isinstance(value, str):
        return find_resolver(value)
    missing = [
        attr for attr in ("location", "loader_args", "load_task") if not hasattr(value, attr)
    ]
    if missing or not isinstance(value.location, str):
        raise ResolverError(
            f"{where} is a {type(value).__name__}, not a task resolver (a resolver needs a "
            "string 'location' and the methods 'loader_args' and 'load_task')"
        )
    resolver: TaskResolver = value
    return resolver


def resolver_for(task: Task, settings: SerializationSettings | None = None) -> TaskResolver:
    """The resolver that serializes ``task`` (the order is in this module's docstring)."""
    own = getattr(task, "task_resolver", None)
    if own is not None:
        return _as_resolver(own, f"task_resolver of task {task.name!r}")
    if getattr(task, "template_executor", None):
        return find_resolver(TEMPLATE_RESOLVER_LOCATION)
    if settings is not None:
        default = settings.extra.get(SETTINGS_KEY)
        if default is not None:
            return _as_resolver(default, f"SerializationSettings.extra[{SETTINGS_KEY!r}]")
    return default_resolver()


def resolver_owners() -> dict[str, str]:
    """Installed resolver locations and the plugin that registered each (for the CLI)."""
    from featherkit.plugins import hooks

    return dict(hooks().registry("register_resolvers").owners)


@hookimpl(trylast=True)
def register_resolvers(register: Callable[[Any], None]) -> None:
    register(_module_resolver)
