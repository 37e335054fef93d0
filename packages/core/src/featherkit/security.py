"""Secret requests: what a task asks the backend to mount or expose."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flyteidl.core import security_pb2


class MountType(enum.Enum):
    ANY = 0
    ENV_VAR = 1
    FILE = 2


@dataclass(frozen=True)
class Secret:
    """A secret the task needs: ``Secret(group="db", key="password")``."""

    group: str | None = None
    key: str | None = None
    group_version: str | None = None
    mount_requirement: MountType = MountType.ANY

    def __post_init__(self) -> None:
        if not self.group and not self.key:
            raise ValueError("a Secret needs a group or a key")

    def to_idl(self) -> security_pb2.Secret:
        from flyteidl.core import security_pb2

        return security_pb2.Secret(
            group=self.group or "",
            key=self.key or "",
            group_version=self.group_version or "",
            mount_requirement=self.mount_requirement.value,
        )


def security_context(secrets: list[Secret]) -> security_pb2.SecurityContext | None:
    from flyteidl.core import security_pb2

    if not secrets:
        return None
    return security_pb2.SecurityContext(secrets=[s.to_idl() for s in secrets])
