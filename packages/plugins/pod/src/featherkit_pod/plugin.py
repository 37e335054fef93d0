"""featherkit hook implementations of the pod plugin (entry point ``pod``).

* ``register_task_arguments``: ``@task(pod_template=PodTemplate(...))``;
* ``register_task_types``: the legacy ``@task(task_config=Pod(...))`` (task type ``sidecar``);
* ``get_k8s_pod``: the merged pod for a task with a template; core then drops its builtin
  container target (installed plugins' targets win over core's);
* ``get_config``: ``primary_container_name``, which tells the backend which container's exit
  decides the task, as flytekit writes it;
* ``register_node_overrides``: ``.with_overrides(pod_template=PodTemplate(...))`` on a workflow
  node, written to the node's ``TaskNodeOverrides.pod_template`` (the task's container merged
  into the template, as for a task).

The template and merge modules are imported with this one: the serialization hooks run for
every task serialized. The legacy ``Pod`` task class is imported when the task types are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from featherkit.extend import hookimpl
from featherkit_pod.merge import k8s_pod_for, pod_template_of, pod_template_override
from featherkit_pod.template import validate_pod_template

if TYPE_CHECKING:
    from flyteidl.core import tasks_pb2

    from featherkit import SerializationSettings
    from featherkit.extend import Task

#: the TaskTemplate.config key Flyte reads to find the container that runs the task
PRIMARY_CONTAINER_NAME_FIELD = "primary_container_name"


@hookimpl
def register_task_arguments(register: Callable[..., None]) -> None:
    register("pod_template", validate_pod_template)


@hookimpl
def register_node_overrides(register: Callable[..., None]) -> None:
    register("pod_template", pod_template_override, validate_pod_template)


@hookimpl
def register_task_types(register: Callable[[type, type], None]) -> None:
    from featherkit_pod.legacy import Pod, PodFunctionTask

    register(Pod, PodFunctionTask)


@hookimpl
def get_k8s_pod(task: Task, settings: SerializationSettings) -> tasks_pb2.K8sPod | None:
    if pod_template_of(task) is None:  # most tasks: asked first, it needs no import
        return None
    from featherkit.extend import PythonTask

    if not isinstance(task, PythonTask):
        return None
    return k8s_pod_for(task, settings)


@hookimpl
def get_config(task: Task, settings: SerializationSettings) -> dict[str, str] | None:
    template = pod_template_of(task)
    if template is None:
        return None
    return {PRIMARY_CONTAINER_NAME_FIELD: template.primary_container_name}
