"""``ContainerTask``: a task that is a container image and a command, no Python of ours.

On a Flyte cluster the task is a ``raw-container``: the container runs ``command`` and
``arguments`` with ``{{.inputs.x}}`` replaced by input values (Flyte propeller does it), and
Flyte's copilot sidecar writes the inputs into ``input_data_dir`` and reads the outputs back
from ``output_data_dir`` (the ``DataLoadingConfig``). Locally, :meth:`ContainerTask.execute`
does the same with a container engine CLI (:mod:`featherkit_container.engine`).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from featherkit.extend import FeatherkitUserError, Interface, PythonTask

if TYPE_CHECKING:
    from flyteidl.core import tasks_pb2

    from featherkit.extend import SerializationSettings

#: the task type Flyte runs without any SDK in the container
RAW_CONTAINER = "raw-container"

#: ``{{.inputs.x}}`` with any spacing inside the braces, as propeller accepts it
INPUT_PLACEHOLDER = re.compile(r"\{\{\s*\.inputs\.([^\s}]+)\s*\}\}", re.IGNORECASE)


class ContainerTaskError(FeatherkitUserError):
    """A container task that cannot be defined, serialized or run as given."""


class MetadataFormat(enum.Enum):
    """The format of the inputs file copilot writes (``inputs.json``/``.yaml``/``.pb``)."""

    JSON = "JSON"
    YAML = "YAML"
    PROTO = "PROTO"

    @property
    def extension(self) -> str:
        return {"JSON": "json", "YAML": "yaml", "PROTO": "pb"}[self.value]


_Format = MetadataFormat


class ContainerTask(PythonTask):
    """Run ``command`` + ``arguments`` in ``image``, inputs and outputs through files.

    ``image`` is an image name or anything a plugin names (an ``ImageSpec``). ``command`` is
    the container's entrypoint (Kubernetes ``command``), ``arguments`` its ``args``; both may
    use ``{{.inputs.name}}``. ``inputs`` and ``outputs`` are ``kwtypes(...)``; each output
    is read from the file ``<output_data_dir>/<name>``. ``requests``, ``limits``,
    ``environment``, ``metadata``, ``secret_requests`` and ``docs`` are as for ``@task``.
    """

    #: flytekit spells it ``ContainerTask.MetadataFormat.JSON``; so can you
    MetadataFormat: ClassVar[type[_Format]] = _Format

    def __init__(
        self,
        name: str,
        image: Any,
        command: list[str],
        inputs: Mapping[str, Any] | None = None,
        outputs: Mapping[str, Any] | None = None,
        arguments: list[str] | None = None,
        input_data_dir: str | None = None,
        output_data_dir: str | None = None,
        metadata_format: _Format | str = _Format.JSON,
        local_logs: bool = False,
        **kwargs: Any,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise ContainerTaskError(f"a container task needs a name, got {name!r}")
        for unsupported in ("task_resolver", "container_image", "task_config"):
            if unsupported in kwargs:
                raise ContainerTaskError(
                    f"task {name!r}: {unsupported} is not an option of a container task"
                    + (" (give the image as image=...)" if unsupported == "container_image" else "")
                )
        if image is None or (isinstance(image, str) and not image.strip()):
            raise ContainerTaskError(f"task {name!r}: image is required (an image name)")
        self.command = _strings(name, "command", command)
        self.arguments = _strings(name, "arguments", arguments or [])
        self.input_data_dir = _directory(name, "input_data_dir", input_data_dir)
        self.output_data_dir = _directory(name, "output_data_dir", output_data_dir)
        self.metadata_format = _format(name, metadata_format)
        self.local_logs = bool(local_logs)
        input_types = dict(inputs or {})
        output_types = dict(outputs or {})
        if output_types and not self.output_data_dir:
            raise ContainerTaskError(
                f"task {name!r}: outputs {', '.join(output_types)} are read from files in "
                "output_data_dir, which is not set (e.g. output_data_dir='/var/outputs')"
            )
        for text in (*self.command, *self.arguments):
            for used in INPUT_PLACEHOLDER.findall(text):
                if used not in input_types:
                    raise ContainerTaskError(
                        f"task {name!r}: {{{{.inputs.{used}}}}} in the command names no input; "
                        f"inputs: {', '.join(input_types) or 'none'}"
                    )
        super().__init__(
            RAW_CONTAINER,
            name,
            Interface(inputs=input_types, outputs=output_types),
            container_image=image,
            **kwargs,
        )

    @property
    def image(self) -> Any:
        """The image as given (a name, or e.g. an ``ImageSpec``)."""
        return self.container_image

    # -- serialization (through featherkit_container.plugin's get_container) ----------------

    def raw_container(self, settings: SerializationSettings) -> tasks_pb2.Container:
        """The container Flyte runs: image, command, args, resources, env, data config."""
        from flyteidl.core import tasks_pb2

        from featherkit.extend import image_name

        container = tasks_pb2.Container()
        container.image = image_name(self.image, settings, what=f"task {self.name!r}: image")
        container.command.extend(self.command)
        container.args.extend(self.arguments)
        container.resources.SetInParent()
        if self.requests:
            container.resources.requests.extend(self.requests.entries())
        if self.limits:
            container.resources.limits.extend(self.limits.entries())
        for key, value in {**settings.env, **self.environment}.items():
            entry = container.env.add()
            entry.key = key
            entry.value = value
        config = container.data_config
        config.enabled = True
        config.input_path = self.input_data_dir
        config.output_path = self.output_data_dir
        config.format = tasks_pb2.DataLoadingConfig.LiteralMapFormat.Value(
            self.metadata_format.value
        )
        return container

    # -- local run ----------------------------------------------------------------------------

    def execute(self, **kwargs: Any) -> Any:
        from featherkit_container.engine import run_locally

        return run_locally(self, kwargs)


def _strings(name: str, what: str, value: Any) -> list[str]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ContainerTaskError(f"task {name!r}: {what} must be a list of strings, got {value!r}")
    return list(value)


def _directory(name: str, what: str, value: str | None) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or not value.startswith("/"):
        raise ContainerTaskError(
            f"task {name!r}: {what} must be an absolute path in the container, got {value!r}"
        )
    return value


def _format(name: str, value: Any) -> MetadataFormat:
    if isinstance(value, MetadataFormat):
        return value
    text = getattr(value, "name", value)
    try:
        return MetadataFormat(str(text).upper())
    except ValueError:
        raise ContainerTaskError(
            f"task {name!r}: metadata_format {value!r} is not one of JSON, YAML, PROTO"
        ) from None
