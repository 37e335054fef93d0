"""featherkit-container: raw container tasks.

``ContainerTask(name, image, command, inputs=kwtypes(...), outputs=kwtypes(...), ...)`` is a
``raw-container`` task, serialized as flytekit serializes its ``ContainerTask`` and run locally
with docker or podman. See ``docs/container-tasks.md``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "ContainerTask": "featherkit_container.task",
    "ContainerTaskError": "featherkit_container.task",
    "MetadataFormat": "featherkit_container.task",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'featherkit_container' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:
    from featherkit_container.task import ContainerTask, ContainerTaskError, MetadataFormat
