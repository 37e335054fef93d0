"""The merge rules: a task's container folded into its pod template, as flytekit does it.

For the container named ``primary_container_name`` (appended as ``{"name": ...}`` when the
spec has none):

* ``image``: the template's own when it sets one, else the task's image;
* ``command``: the task's (an empty list: the entrypoint is in ``args``);
* ``args``: the task's entrypoint args;
* ``resources``: the task's requests and limits replace the template's, when the task sets
  any; otherwise the template's stay;
* ``env``: the task's variables (serialization env overlaid by the task's) first, then the
  template's; Kubernetes lets the last one of a name win, so the template's win.

Every other container keeps what it has; one without an image gets the serialization
settings' default image. Init containers and all other pod spec fields are left as they are.

The legacy ``task_config=Pod(...)`` task (``legacy=True``) differs as flytekit's pod plugin
does: the primary container always gets the task's image, and other containers are not
given one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from featherkit_pod.template import PodTemplate

if TYPE_CHECKING:
    from flyteidl.core import tasks_pb2, workflow_pb2
    from google.protobuf import struct_pb2

    from featherkit import SerializationSettings
    from featherkit.extend import PythonTask


def _resource_name(name: int) -> str:
    """The Kubernetes resource name of an IDL resource: CPU -> cpu, MEMORY -> memory,
    EPHEMERAL_STORAGE -> ephemeral-storage (flytekit's spelling, GPU -> gpu included)."""
    from flyteidl.core import tasks_pb2

    label: str = tasks_pb2.Resources.ResourceName.Name(name)
    return label.lower().replace("_", "-")


def merge_pod_spec(
    template: PodTemplate,
    container: tasks_pb2.Container,
    default_image: str,
    *,
    legacy: bool = False,
) -> dict[str, Any]:
    """The pod spec of ``template`` with ``container`` (the task's) merged in; a new dict."""
    spec = template.pod_spec  # already a deep copy: the template is never touched
    primary_name = template.primary_container_name
    containers: list[dict[str, Any]] = spec.get("containers") or []
    if not any(c["name"] == primary_name for c in containers):
        containers.append({"name": primary_name})
    for c in containers:
        if c["name"] != primary_name:
            if not legacy and not c.get("image"):
                c["image"] = default_image
            continue
        if legacy or not c.get("image"):
            c["image"] = container.image
        c["command"] = list(container.command)
        c["args"] = list(container.args)
        limits = {_resource_name(e.name): e.value for e in container.resources.limits}
        requests = {_resource_name(e.name): e.value for e in container.resources.requests}
        if limits or requests:
            c["resources"] = {"limits": limits, "requests": requests}
        task_env = [{"name": kv.key, "value": kv.value} for kv in container.env]
        c["env"] = task_env + (c.get("env") or [])
    spec["containers"] = containers
    return spec


def pod_template_of(task: object) -> PodTemplate | None:
    """The ``pod_template=`` a task was given, or ``None``."""
    options = getattr(task, "plugin_options", None)
    if not options:
        return None
    template = options.get("pod_template")
    return template if isinstance(template, PodTemplate) else None


def pod_spec_for(task: PythonTask, settings: SerializationSettings) -> dict[str, Any]:
    """The merged pod spec of a task with a pod template, built from core's python container."""
    from featherkit.extend import python_container

    template = pod_template_of(task)
    if template is None:
        raise ValueError(f"task {task.name!r} has no pod_template")
    return merge_pod_spec(
        template,
        python_container(task, settings),
        settings.image,
        legacy=getattr(task, "legacy_pod", False),
    )


def to_struct(spec: dict[str, Any]) -> struct_pb2.Struct:
    from google.protobuf import json_format, struct_pb2

    struct = struct_pb2.Struct()
    json_format.ParseDict(spec, struct)
    return struct


def k8s_pod_for(task: PythonTask, settings: SerializationSettings) -> tasks_pb2.K8sPod:
    """The ``K8sPod`` target of a task with a pod template.

    Like flytekit, the primary container's name goes to ``TaskTemplate.config``
    (``primary_container_name``), not to ``K8sPod.primary_container_name``; the metadata is
    always present, empty when the template has no labels or annotations.
    """
    from flyteidl.core import tasks_pb2

    template = pod_template_of(task)
    if template is None:
        raise ValueError(f"task {task.name!r} has no pod_template")
    return tasks_pb2.K8sPod(
        metadata=tasks_pb2.K8sObjectMetadata(
            labels=template.labels, annotations=template.annotations
        ),
        pod_spec=to_struct(pod_spec_for(task, settings)),
    )


def pod_template_override(
    task: PythonTask,
    template: PodTemplate,
    overrides: workflow_pb2.TaskNodeOverrides,
    settings: SerializationSettings,
) -> None:
    """``with_overrides(pod_template=...)``: the node's ``TaskNodeOverrides.pod_template``.

    The task's own container (for a map task, the one running the mapped element) merged into
    ``template`` by the rules above; labels, annotations and the primary container's name
    travel with it, as flytekit writes a node's pod template override.
    """
    from flyteidl.core import tasks_pb2

    from featherkit.extend import python_container

    pod = tasks_pb2.K8sPod(
        metadata=tasks_pb2.K8sObjectMetadata(
            labels=template.labels, annotations=template.annotations
        ),
        pod_spec=to_struct(
            merge_pod_spec(template, python_container(task, settings), settings.image)
        ),
        primary_container_name=template.primary_container_name,
    )
    overrides.pod_template.CopyFrom(pod)
