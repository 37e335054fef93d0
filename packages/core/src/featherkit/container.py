"""Core's builtin target: the container that runs a :class:`PythonTask` via the entrypoint."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from featherkit.hookspecs import hookimpl
from featherkit.images import image_name

if TYPE_CHECKING:
    from flyteidl.core import tasks_pb2

    from featherkit.base_task import PythonTask, Task, TaskResolver
    from featherkit.serialization import SerializationSettings

ENTRYPOINT = "featherkit-execute"

#: Templates Flyte propeller substitutes in container args at run time.
INPUT_TEMPLATE = "{{.input}}"
OUTPUT_PREFIX_TEMPLATE = "{{.outputPrefix}}"
RAW_OUTPUT_TEMPLATE = "{{.rawOutputDataPrefix}}"
CHECKPOINT_TEMPLATE = "{{.checkpointOutputPrefix}}"
PREV_CHECKPOINT_TEMPLATE = "{{.prevCheckpointPrefix}}"


_NEEDS: tuple[Any, ...] | None = None


def _needs() -> tuple[Any, ...]:
    """What serializing a task's container imports, once: a ``from x import y`` statement in
    a function costs about half a microsecond per task, and a package serializes hundreds.
    Not at import: this module is a builtin plugin every pod loads, serialization not."""
    global _NEEDS
    if _NEEDS is None:
        from flyteidl.core import tasks_pb2

        from featherkit.base_task import PythonTask
        from featherkit.function_task import PythonFunctionTask, PythonInstanceTask
        from featherkit.resolvers import resolver_for as choose
        from featherkit.serialization import SerializationError, non_string_entries

        _NEEDS = (
            tasks_pb2, PythonTask, (PythonFunctionTask, PythonInstanceTask), choose,
            SerializationError, non_string_entries,
        )
    return _NEEDS


def resolver_for(task: PythonTask, settings: SerializationSettings | None = None) -> TaskResolver:
    """The task's resolver: see :func:`featherkit.resolvers.resolver_for` for the order."""
    choose: Any = (_NEEDS or _needs())[3]
    return choose(task, settings)  # type: ignore[no-any-return]


def entrypoint_args(task: PythonTask, settings: SerializationSettings) -> list[str]:
    """The container args of DESIGN section 4: entrypoint options, resolver, loader args.

    The same shape as flytekit's ``pyflyte-execute`` args, so Flyte propeller fills the same
    ``{{.x}}`` templates; only the program and the resolver location differ.
    """
    _, _, _, choose, SerializationError, _ = _NEEDS or _needs()
    resolver = choose(task, settings)
    loader_args = resolver.loader_args(settings, task)
    if not isinstance(loader_args, list) or not all(isinstance(a, str) for a in loader_args):
        raise SerializationError(
            f"task {task.name!r}: resolver {resolver.location!r} returned loader args "
            f"{loader_args!r}; expected a list of strings"
        )
    return [
        ENTRYPOINT,
        "--inputs", INPUT_TEMPLATE,
        "--output-prefix", OUTPUT_PREFIX_TEMPLATE,
        "--raw-output-data-prefix", RAW_OUTPUT_TEMPLATE,
        "--checkpoint-path", CHECKPOINT_TEMPLATE,
        "--prev-checkpoint", PREV_CHECKPOINT_TEMPLATE,
        "--resolver", resolver.location,
        "--",
        *loader_args,
    ]


def python_container(task: PythonTask, settings: SerializationSettings) -> tasks_pb2.Container:
    """The container for a python task; plugins building pods start from this."""
    tasks_pb2, _, _, _, SerializationError, non_string_entries = _NEEDS or _needs()
    environment = task.environment
    empty = type(environment) is dict and not environment  # the usual case: nothing to check
    if not empty:
        bad = non_string_entries(environment)
        if bad:
            raise SerializationError(
                f"task {task.name!r}: environment must map strings to strings; "
                f"bad entries: {bad}"
            )
    # settings first, the task's own values win; insertion order as flytekit writes it
    env = dict(settings.env)
    settings_env = getattr(task, "settings_env", None)
    if settings_env is not None:  # a dynamic workflow carries the settings to its pod
        env.update(settings_env(settings))
    if not empty:
        env.update(environment)
    container = tasks_pb2.Container()
    container.image = (
        settings.image
        if task.container_image is None
        else image_name(task.container_image, settings, what=f"task {task.name!r}: container_image")
    )
    container.args.extend(entrypoint_args(task, settings))
    resources = container.resources
    resources.SetInParent()
    if task.requests:
        resources.requests.extend(task.requests.entries())
    if task.limits:
        resources.limits.extend(task.limits.entries())
    for key, value in env.items():
        entry = container.env.add()
        entry.key = key
        entry.value = value
    return container


def runs_in_python_container(task: Task) -> bool:
    """Whether core's default target serves ``task``: the entrypoint container.

    Function tasks (``@task``) and instance tasks (:class:`PythonInstanceTask`) run there, and
    so does any :class:`PythonTask` given an explicit ``task_resolver`` or carrying a
    ``template_executor`` (either says how the entrypoint finds it again). Any other
    ``PythonTask`` subclass gets no container from core, as in flytekit, where only
    auto-container tasks have one: its target comes from a plugin (``get_container``,
    ``get_k8s_pod`` or ``get_sql``).
    """
    needs = _NEEDS or _needs()
    PythonTask, function_tasks = needs[1], needs[2]
    if isinstance(task, function_tasks):
        return True
    return isinstance(task, PythonTask) and (
        task.task_resolver is not None or getattr(task, "template_executor", None) is not None
    )


@hookimpl(trylast=True)
def get_container(task: Task, settings: SerializationSettings) -> tasks_pb2.Container | None:
    PythonTask = (_NEEDS or _needs())[1]
    if not isinstance(task, PythonTask) or not runs_in_python_container(task):
        return None
    return python_container(task, settings)
