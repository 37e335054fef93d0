"""Resources: CPU, memory, GPU and ephemeral storage requests or limits of a task."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from flyteidl.core import tasks_pb2

ResourceValue = Union[str, int, float, None]


@dataclass(frozen=True)
class Resources:
    """Kubernetes-style quantities: ``Resources(cpu="2", mem="4Gi", gpu=1)``."""

    cpu: ResourceValue = None
    mem: ResourceValue = None
    gpu: ResourceValue = None
    ephemeral_storage: ResourceValue = None

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                raise TypeError(
                    f"Resources.{f.name} must be a string like '500m'/'4Gi' or a number, "
                    f"got {type(value).__name__}"
                )
            if isinstance(value, str) and not value.strip():
                raise ValueError(f"Resources.{f.name} is an empty string")

    def entries(self) -> list[tasks_pb2.Resources.ResourceEntry]:
        """The IDL entries for the values that are set, in flytekit's order."""
        from flyteidl.core import tasks_pb2

        names = {
            "cpu": tasks_pb2.Resources.CPU,
            "mem": tasks_pb2.Resources.MEMORY,
            "gpu": tasks_pb2.Resources.GPU,
            "ephemeral_storage": tasks_pb2.Resources.EPHEMERAL_STORAGE,
        }
        return [
            tasks_pb2.Resources.ResourceEntry(name=names[f.name], value=str(value))
            for f in fields(self)
            if (value := getattr(self, f.name)) is not None
        ]
