"""Serialization: assemble the flyteidl ``TaskTemplate`` (and ``TaskSpec``) of a task.

The task is asked for its pieces (``get_container``, ``get_custom``, ...), whose defaults ask
the plugin hooks; this module only assembles them and enforces the one-target rule.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from featherkit.errors import FeatherkitUserError

if TYPE_CHECKING:
    from flyteidl.admin import task_pb2 as admin_task_pb2
    from flyteidl.core import tasks_pb2

    from featherkit.task import Task

DEFAULT_PYTHON_INTERPRETER = "/opt/venv/bin/python3"


@dataclass(frozen=True)
class SerializationSettings:
    """Where and how tasks will run: image, registration identity and environment."""

    image: str
    version: str
    project: str = ""
    domain: str = ""
    env: Mapping[str, str] = field(default_factory=dict)
    python_interpreter: str = DEFAULT_PYTHON_INTERPRETER
    source_root: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.image or not isinstance(self.image, str):
            raise FeatherkitUserError(
                "SerializationSettings needs an image, e.g. image='ghcr.io/acme/app:v1' "
                "(--image on the command line)"
            )
        if not self.version or not isinstance(self.version, str):
            raise FeatherkitUserError(
                "SerializationSettings needs a version, e.g. version='v1' "
                "(--version on the command line)"
            )


class SerializationError(FeatherkitUserError):
    """A task cannot be serialized as it is; the message says why and what to do."""


def _struct(data: Mapping[str, Any], task: Task, what: str) -> Any:
    from google.protobuf import json_format, struct_pb2

    try:
        text = json.dumps(data, sort_keys=True)
    except TypeError as exc:
        raise SerializationError(f"task {task.name!r}: {what} is not JSON-able: {exc}") from exc
    return json_format.Parse(text, struct_pb2.Struct())


def serialize(task: Task, settings: SerializationSettings) -> tasks_pb2.TaskTemplate:
    """The ``TaskTemplate`` a Flyte backend runs for ``task``."""
    from flyteidl.core import identifier_pb2, tasks_pb2

    from featherkit import __version__
    from featherkit.plugins import hooks

    container = task.get_container(settings)
    k8s_pod = task.get_k8s_pod(settings)
    sql = task.get_sql(settings)
    given = [kind for kind, value in (("container", container), ("k8s_pod", k8s_pod),
                                      ("sql", sql)) if value is not None]
    if len(given) > 1:
        answers = hooks().target_answers(task, settings)
        who = ", ".join(f"{kind[4:]} from plugin {a.plugin!r}" for kind, a in answers.items())
        raise SerializationError(
            f"task {task.name!r} has more than one target ({', '.join(given)}): {who}; "
            "a task runs as exactly one of container, k8s_pod or sql"
        )
    template = tasks_pb2.TaskTemplate(
        id=identifier_pb2.Identifier(
            resource_type=identifier_pb2.TASK,
            project=settings.project,
            domain=settings.domain,
            name=task.name,
            version=settings.version,
        ),
        type=task.task_type,
        metadata=task.metadata.to_idl(__version__),
        interface=task.interface,
        task_type_version=task.task_type_version,
    )
    custom = task.get_custom(settings)
    if custom:
        template.custom.CopyFrom(_struct(custom, task, "get_custom"))
    config = task.get_config(settings)
    if config:
        template.config.update({str(k): str(v) for k, v in config.items()})
    if container is not None:
        template.container.CopyFrom(container)
    elif k8s_pod is not None:
        template.k8s_pod.CopyFrom(k8s_pod)
    elif sql is not None:
        template.sql.CopyFrom(sql)
    if task.security_context is not None:
        template.security_context.CopyFrom(task.security_context)
    extended = task.get_extended_resources(settings)
    if extended is not None:
        template.extended_resources.CopyFrom(extended)
    return template


def task_spec(task: Task, settings: SerializationSettings) -> admin_task_pb2.TaskSpec:
    """The registration ``TaskSpec``: the template plus the task's documentation."""
    from flyteidl.admin import task_pb2 as admin_task_pb2

    spec = admin_task_pb2.TaskSpec(template=serialize(task, settings))
    if task.docs is not None:
        spec.description.CopyFrom(task.docs.to_idl())
    return spec
