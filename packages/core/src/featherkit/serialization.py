"""Serialization: assemble the flyteidl ``TaskTemplate`` (and ``TaskSpec``) of a task.

The task is asked for its pieces (``get_container``, ``get_custom``, ...), whose defaults ask
the plugin hooks; this module only assembles them and enforces the one-target rule. The
result is field for field what flytekit 1.16 writes for the same task, apart from the
differences listed in ``docs/compatibility.md`` (runtime version, entrypoint and resolver).

Bytes are deterministic: :func:`to_bytes` sorts map entries, and nothing here reads the
working directory, the environment or the clock.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from featherkit.errors import FeatherkitUserError
from featherkit.errors import SerializationError as SerializationError  # its public home

if TYPE_CHECKING:
    from flyteidl.admin import task_pb2 as admin_task_pb2
    from flyteidl.core import tasks_pb2
    from google.protobuf.message import Message

    from featherkit.base_task import Task
    from featherkit.docs import Documentation

DEFAULT_PYTHON_INTERPRETER = "/opt/venv/bin/python3"

_WHITESPACE = re.compile(r"\s")


def non_string_entries(mapping: Mapping[Any, Any]) -> str:
    """The keys of ``mapping`` whose key or value is not a string, for error messages."""
    bad = (k for k, v in mapping.items() if not isinstance(k, str) or not isinstance(v, str))
    return ", ".join(sorted(repr(k) for k in bad))


def _check_string_map(value: Any, what: str) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise FeatherkitUserError(
            f"{what} must be a mapping of strings, got {type(value).__name__}"
        )
    bad = non_string_entries(value)
    if bad:
        raise FeatherkitUserError(f"{what} must map strings to strings; bad entries: {bad}")
    return dict(value)


@dataclass(frozen=True)
class SerializationSettings:
    """Where and how tasks will run: image, registration identity and environment.

    ``image`` is the default container image (a task's own ``container_image`` wins);
    ``project``, ``domain`` and ``version`` form each task's identifier (``flytectl register
    files`` fills an empty project or domain, and an empty version, from its own flags);
    ``env`` is set in every task's container, under the task's own ``environment``.
    ``python_interpreter`` and ``source_root`` describe the image for plugins that need them
    (the python entrypoint does not); ``extra`` carries plugin-specific settings.
    """

    image: str
    version: str
    project: str = ""
    domain: str = ""
    env: Mapping[str, str] = field(default_factory=dict)
    python_interpreter: str = DEFAULT_PYTHON_INTERPRETER
    source_root: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.image, str) or not self.image.strip():
            raise FeatherkitUserError(
                "SerializationSettings needs an image, e.g. image='ghcr.io/acme/app:v1' "
                "(--image on the command line)"
            )
        if _WHITESPACE.search(self.image):
            raise FeatherkitUserError(f"image {self.image!r} contains whitespace")
        if not isinstance(self.version, str) or not self.version.strip():
            raise FeatherkitUserError(
                "SerializationSettings needs a version, e.g. version='v1' "
                "(--version on the command line)"
            )
        for name in ("version", "project", "domain"):
            value = getattr(self, name)
            if not isinstance(value, str):
                raise FeatherkitUserError(
                    f"SerializationSettings.{name} must be a string, got {type(value).__name__}"
                )
            if _WHITESPACE.search(value):
                raise FeatherkitUserError(
                    f"SerializationSettings.{name}={value!r} contains whitespace"
                )
        object.__setattr__(self, "env", _check_string_map(self.env, "SerializationSettings.env"))




def _json_able(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True


def _custom_struct(data: Mapping[str, Any], task: Task, settings: SerializationSettings) -> Any:
    """``TaskTemplate.custom`` from ``get_custom``'s dict; a value that is not JSON-able is an
    error naming the plugin (or the task class) that gave it."""
    from google.protobuf import json_format, struct_pb2

    try:
        text = json.dumps(data, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        bad = sorted(str(k) for k, v in data.items() if not _json_able(v))
        source = _source(task, settings, "get_custom", bad)
        raise SerializationError(
            f"task {task.name!r}: {source} returned a value that is not JSON-able "
            f"(key(s) {', '.join(map(repr, bad)) or '?'}): {exc}"
        ) from exc
    return json_format.Parse(text, struct_pb2.Struct())


def _source(task: Task, settings: SerializationSettings, hook: str, keys: list[str]) -> str:
    """Who gave ``task``'s ``hook`` keys ``keys``: its class's own method, or the plugins
    (asked again one at a time: this runs on the error path only)."""
    from featherkit.base_task import Task

    if getattr(type(task), hook) is not getattr(Task, hook):
        return f"{type(task).__name__}.{hook}()"
    from featherkit.plugins import hooks

    names = hooks().who(
        hook, lambda v: bool(v) and any(k in v for k in keys), task=task, settings=settings
    )
    return f"{hook} of plugin " + " and plugin ".join(map(repr, names))


def _interface(task: Task) -> Any:
    try:
        return task.interface
    except FeatherkitUserError:
        raise
    except Exception as exc:
        raise SerializationError(
            f"task {task.name!r}: cannot turn its interface into Flyte types: "
            f"{type(exc).__name__}: {exc}"
        ) from exc


def _config(
    config: Mapping[str, Any], task: Task, settings: SerializationSettings
) -> dict[str, str]:
    bad = non_string_entries(config)
    if bad:
        keys = [k for k, v in config.items() if not isinstance(k, str) or not isinstance(v, str)]
        raise SerializationError(
            f"task {task.name!r}: {_source(task, settings, 'get_config', keys)} must return "
            f"strings only; bad entries: {bad}"
        )
    return dict(config)


_SERIALIZE_NEEDS: tuple[Any, ...] | None = None


def _serialize_needs() -> tuple[Any, ...]:
    """What :func:`serialize` imports, once: a ``from package import name`` statement in the
    function cost a microsecond per task (packages of hundreds of tasks serialize at once)."""
    global _SERIALIZE_NEEDS
    if _SERIALIZE_NEEDS is None:
        from flyteidl.core import identifier_pb2, tasks_pb2

        from featherkit import __version__
        from featherkit.base_task import Task
        from featherkit.plugins import hooks
        from featherkit.targets import the_target  # plugins load only when serializing

        _SERIALIZE_NEEDS = (identifier_pb2, tasks_pb2, __version__, Task, hooks, the_target)
    return _SERIALIZE_NEEDS


def serialize(task: Task, settings: SerializationSettings) -> tasks_pb2.TaskTemplate:
    """The ``TaskTemplate`` a Flyte backend runs for ``task``."""
    identifier_pb2, tasks_pb2, __version__, Task, hooks, the_target = (
        _SERIALIZE_NEEDS or _serialize_needs()
    )

    if not isinstance(task, Task):
        raise SerializationError(f"cannot serialize {task!r}: it is not a featherkit task")
    if not isinstance(settings, SerializationSettings):
        raise SerializationError(
            f"task {task.name!r}: serialize() needs featherkit.SerializationSettings, "
            f"got {type(settings).__name__}"
        )
    kind, target = the_target(task, settings) or (None, None)
    template = tasks_pb2.TaskTemplate()
    identifier = template.id
    identifier.resource_type = identifier_pb2.TASK
    identifier.project = settings.project
    identifier.domain = settings.domain
    identifier.name = task.name
    identifier.version = settings.version
    template.type = task.task_type
    task.metadata.to_idl(__version__, template.metadata)  # filled in place: no copy
    template.interface.CopyFrom(_interface(task))
    version = task.task_type_version
    if version != 0:  # proto3: setting 0 writes nothing
        template.task_type_version = version
    # where the task's class neither overrides nor its instance replaces a piece, the plugins
    # are asked directly, as Task's own method would ask them (without its lookups)
    facade, cls, own = hooks(), type(task), task.__dict__
    if cls.get_custom is Task.get_custom and "get_custom" not in own:
        custom = facade.get_custom(task, settings)
    else:
        custom = task.get_custom(settings)
    if custom:
        template.custom.CopyFrom(_custom_struct(custom, task, settings))
    if cls.get_config is Task.get_config and "get_config" not in own:
        config = facade.get_config(task, settings)
    else:
        config = task.get_config(settings)
    if config:
        template.config.update(_config(config, task, settings))
    if kind == "get_container":
        template.container.CopyFrom(target)
    elif kind == "get_k8s_pod":
        template.k8s_pod.CopyFrom(target)
    elif kind == "get_sql":
        template.sql.CopyFrom(target)
    if task.security_context is not None:
        template.security_context.CopyFrom(task.security_context)
    if cls.get_extended_resources is Task.get_extended_resources and (
        "get_extended_resources" not in own
    ):
        extended = facade.get_extended_resources(task, settings)
    else:
        extended = task.get_extended_resources(settings)
    if extended is not None:
        template.extended_resources.CopyFrom(extended)
    return template


def documentation(task: Task) -> Documentation | None:
    """The documentation registered with ``task``.

    A task made from a Python function is always documented, if only by an empty entity
    (which is what flytekit writes for a function without a docstring); other tasks only
    when they were given docs.
    """
    from featherkit.docs import Documentation

    if task.docs is not None:
        return task.docs
    if getattr(task, "task_function", None) is not None:
        return Documentation(long_description="")
    return None


def task_spec(task: Task, settings: SerializationSettings) -> admin_task_pb2.TaskSpec:
    """The registration ``TaskSpec``: the template plus the task's documentation."""
    from flyteidl.admin import task_pb2 as admin_task_pb2

    spec = admin_task_pb2.TaskSpec(template=serialize(task, settings))
    docs = documentation(task)
    if docs is not None:
        spec.description.CopyFrom(docs.to_idl())
    return spec


def to_bytes(message: Message) -> bytes:
    """Deterministic protobuf bytes (map entries sorted), the same on every run."""
    data: bytes = message.SerializeToString(deterministic=True)
    return data


def to_json(message: Message) -> str:
    """Stable, readable JSON of a message (keys sorted, proto field names), newline-ended."""
    from google.protobuf import json_format

    text: str = json_format.MessageToJson(
        message, preserving_proto_field_name=True, sort_keys=True, indent=2
    )
    return text + "\n"
