"""featherkit-container's hook implementation (entry point ``container``).

* ``get_container``: the raw container of a :class:`featherkit_container.ContainerTask`
  (image, command, args, resources, env and the ``DataLoadingConfig``), which replaces core's
  python entrypoint container for such tasks.

Importing this module loads neither protobuf nor any engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from featherkit.extend import hookimpl

if TYPE_CHECKING:
    from flyteidl.core import tasks_pb2

    from featherkit.extend import SerializationSettings, Task


@hookimpl
def get_container(task: Task, settings: SerializationSettings) -> tasks_pb2.Container | None:
    from featherkit_container.task import ContainerTask

    if isinstance(task, ContainerTask):
        return task.raw_container(settings)
    return None
