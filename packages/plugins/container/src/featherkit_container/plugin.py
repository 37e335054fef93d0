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
    from featherkit_container.task import ContainerTask


_CONTAINER_TASK: type[ContainerTask] | None = None


def _container_task() -> type[ContainerTask]:
    """:class:`ContainerTask`, imported on the first serialization (not with this module, which
    every process loads), then kept: the hook runs for every task a package serializes."""
    global _CONTAINER_TASK
    if _CONTAINER_TASK is None:
        from featherkit_container.task import ContainerTask

        _CONTAINER_TASK = ContainerTask
    return _CONTAINER_TASK


@hookimpl
def get_container(task: Task, settings: SerializationSettings) -> tasks_pb2.Container | None:
    if isinstance(task, _CONTAINER_TASK or _container_task()):
        return task.raw_container(settings)
    return None
