"""Core's builtin target: the container that runs a :class:`PythonTask` via the entrypoint."""

from __future__ import annotations

from typing import TYPE_CHECKING

from featherkit.hookspecs import hookimpl

if TYPE_CHECKING:
    from flyteidl.core import tasks_pb2

    from featherkit.serialization import SerializationSettings
    from featherkit.task import PythonTask, Task, TaskResolver

ENTRYPOINT = "featherkit-execute"

#: Templates Flyte propeller substitutes in container args at run time.
INPUT_TEMPLATE = "{{.input}}"
OUTPUT_PREFIX_TEMPLATE = "{{.outputPrefix}}"
RAW_OUTPUT_TEMPLATE = "{{.rawOutputDataPrefix}}"
CHECKPOINT_TEMPLATE = "{{.checkpointOutputPrefix}}"
PREV_CHECKPOINT_TEMPLATE = "{{.prevCheckpointPrefix}}"


def resolver_for(task: PythonTask) -> TaskResolver:
    from featherkit.resolvers import default_resolver

    return task.task_resolver or default_resolver()


def entrypoint_args(task: PythonTask, settings: SerializationSettings) -> list[str]:
    """The container args of DESIGN section 4: entrypoint options, resolver, loader args."""
    resolver = resolver_for(task)
    return [
        ENTRYPOINT,
        "--inputs", INPUT_TEMPLATE,
        "--output-prefix", OUTPUT_PREFIX_TEMPLATE,
        "--raw-output-data-prefix", RAW_OUTPUT_TEMPLATE,
        "--checkpoint-path", CHECKPOINT_TEMPLATE,
        "--prev-checkpoint", PREV_CHECKPOINT_TEMPLATE,
        "--resolver", resolver.location,
        "--",
        *resolver.loader_args(settings, task),
    ]


def python_container(task: PythonTask, settings: SerializationSettings) -> tasks_pb2.Container:
    """The container for a python task; plugins building pods start from this."""
    from flyteidl.core import literals_pb2, tasks_pb2

    env = {**settings.env, **task.environment}
    resources = tasks_pb2.Resources(
        requests=task.requests.entries() if task.requests else [],
        limits=task.limits.entries() if task.limits else [],
    )
    return tasks_pb2.Container(
        image=task.container_image or settings.image,
        args=entrypoint_args(task, settings),
        resources=resources,
        env=[literals_pb2.KeyValuePair(key=k, value=v) for k, v in env.items()],
    )


@hookimpl(trylast=True)
def get_container(task: Task, settings: SerializationSettings) -> tasks_pb2.Container | None:
    from featherkit.task import PythonTask

    if not isinstance(task, PythonTask):
        return None
    return python_container(task, settings)
