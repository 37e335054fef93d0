"""Core's template resolver: run a task from its serialized ``TaskTemplate``.

For task types whose work is fully described by the template (SQL queries, prebuilt
containers): the container image holds the plugin, not the user's code. Loader args are
``["{{.taskTemplatePath}}", "<executor name>"]``; Flyte propeller substitutes the path of the
task's template, and the executor is looked up by name among those registered through the
``register_template_executors`` hook (never imported from a path the template names).

A builtin plugin of core (it depends on nothing else): a plugin task type that sets
``template_executor`` gets it from :func:`featherkit.resolvers.resolver_for`, and a container
finds it under :data:`LOCATION` with no extra package installed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from featherkit.hookspecs import hookimpl
from featherkit.resolvers import TEMPLATE_RESOLVER_LOCATION, ResolverError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from flyteidl.core import tasks_pb2

    from featherkit.base_task import Task
    from featherkit.serialization import SerializationSettings

LOCATION = TEMPLATE_RESOLVER_LOCATION

#: What Flyte propeller replaces with the path (or URI) of the task's serialized template.
TEMPLATE_PATH = "{{.taskTemplatePath}}"

# a pattern string: ``re`` compiles (and caches) it at first use, not at every pod's start
_UNSUBSTITUTED = r"(?i)\{\{\s*[.$]taskTemplatePath\s*\}\}"


def _executors() -> dict[str, Callable[[tasks_pb2.TaskTemplate], object]]:
    from featherkit.plugins import hooks

    return dict(hooks().template_executors())


def _unknown_executor(name: str, known: Iterable[str], task: str | None = None) -> str:
    subject = f"task {task!r} names" if task else "loader args name"
    registered = ", ".join(sorted(known)) or "none"
    return (
        f"{subject} template executor {name!r}, which no installed plugin registers "
        f"(registered: {registered}); install the plugin that provides the task type "
        "(see `featherkit plugins`)"
    )


class TemplateResolver:
    """Loads a task from its ``TaskTemplate`` file through a registered executor.

    Serialization: a task carrying ``template_executor = "<name>"`` gets the loader args
    ``["{{.taskTemplatePath}}", "<name>"]``. Loading: the template is read through
    :mod:`featherkit.storage` (so ``s3://`` and the like work with featherkit-fsspec) and
    handed to the executor factory, which returns the runnable task. The resolver keeps no
    state; one instance serves every task.
    """

    location = LOCATION
    name = "template"

    def loader_args(self, settings: SerializationSettings, task: Task) -> list[str]:
        executor = getattr(task, "template_executor", None)
        if not isinstance(executor, str) or not executor:
            raise ResolverError(
                f"task {task.name!r} ({type(task).__name__}) has no template_executor, so the "
                "template resolver cannot run it; it suits plugin task types that set "
                "template_executor and register that executor"
            )
        known = _executors()
        if executor not in known:
            raise ResolverError(_unknown_executor(executor, known, task.name))
        return [TEMPLATE_PATH, executor]

    def load_task(self, loader_args: list[str]) -> Task:
        from featherkit.base_task import Task

        if len(loader_args) != 2 or not all(loader_args):
            raise ResolverError(
                "template resolver expects loader args '<task template path> <executor>', "
                f"got {loader_args!r}"
            )
        path, executor = loader_args
        if re.search(_UNSUBSTITUTED, path):
            raise ResolverError(
                f"loader arg {path!r} was not substituted: Flyte replaces it with the task "
                "template's path when it runs the task; run elsewhere, pass the path of a "
                "serialized TaskTemplate instead"
            )
        factories = _executors()
        factory = factories.get(executor)
        if factory is None:
            raise ResolverError(_unknown_executor(executor, factories))
        template = read_template(path)
        try:
            task = factory(template)
        except ResolverError:
            raise
        except Exception as exc:
            raise ResolverError(
                f"template executor {executor!r} could not build task {template.id.name!r} "
                f"from {path}: {type(exc).__name__}: {exc}"
            ) from exc
        if not isinstance(task, Task):
            raise ResolverError(
                f"template executor {executor!r} returned a {type(task).__name__} for task "
                f"{template.id.name!r}, not a featherkit task"
            )
        return task

    def get_all_tasks(self) -> list[Task]:
        """Tasks exist only as templates here; there is nothing to list."""
        return []

    def task_name(self, task: Task) -> str | None:
        return None

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def read_template(path: str) -> tasks_pb2.TaskTemplate:
    """Read and parse a serialized ``TaskTemplate`` (a local path or any storage URI)."""
    from flyteidl.core import tasks_pb2
    from google.protobuf.message import DecodeError

    from featherkit import storage

    try:
        data = storage.read_bytes(path)
    except FileNotFoundError:
        raise ResolverError(f"task template file {path} does not exist") from None
    except OSError as exc:
        raise ResolverError(
            f"cannot read task template file {path}: {type(exc).__name__}: {exc}"
        ) from exc
    template = tasks_pb2.TaskTemplate()
    try:
        template.ParseFromString(data)
    except DecodeError as exc:
        raise ResolverError(f"{path} is not a serialized TaskTemplate: {exc}") from exc
    if not template.id.name or not template.type:
        raise ResolverError(
            f"{path} is not a serialized TaskTemplate (it has no task name or type)"
        )
    return template


template_resolver = TemplateResolver()


@hookimpl(trylast=True)
def register_resolvers(register: Callable[[Any], None]) -> None:
    register(template_resolver)
