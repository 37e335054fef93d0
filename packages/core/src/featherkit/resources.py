"""Resources: CPU, memory, GPU and ephemeral storage requests or limits of a task."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from flyteidl.core import tasks_pb2

ResourceValue = Union[str, int, float, None]

#: A Kubernetes quantity: a non-negative decimal number with an optional binary (Ki, Mi, ...),
#: decimal (m, k, M, ...) or exponent (e3) suffix.
# a pattern string: ``re`` compiles (and caches) it at first use, not at every pod's start
_QUANTITY = r"^\+?(\d+(\.\d*)?|\.\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$"

#: The order flytekit writes a task container's resource entries in; the backend does not care,
#: but keeping it makes our TaskTemplates equal to flytekit's, field for field.
_WIRE_ORDER = ("ephemeral_storage", "cpu", "gpu", "mem")


@dataclass(frozen=True)
class Resources:
    """Kubernetes-style quantities: ``Resources(cpu="2", mem="4Gi", gpu=1)``.

    Strings must be Kubernetes quantities (``"500m"``, ``"4Gi"``, ``"1.5"``); numbers are
    written as their decimal text. Unset values are left out of the serialized task.
    """

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
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError(f"Resources.{f.name} must be a finite number, got {value!r}")
            if not re.match(_QUANTITY, _quantity(value)):
                raise ValueError(
                    f"Resources.{f.name}={value!r} is not a Kubernetes quantity; write e.g. "
                    "'500m' or '2' for CPUs, '512Mi' or '4Gi' for memory and storage"
                )

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
            tasks_pb2.Resources.ResourceEntry(name=names[name], value=_quantity(value))
            for name in _WIRE_ORDER
            if (value := getattr(self, name)) is not None
        ]


def _quantity(value: str | int | float) -> str:
    return value.strip() if isinstance(value, str) else str(value)
