"""Secret requests: what a task asks the backend to mount or expose."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from flyteidl.core import security_pb2

# a pattern string: ``re`` compiles (and caches) it at first use, not at every pod's start
_ENV_VAR_NAME = r"^[A-Z_][A-Z0-9_]*$"


class MountType(enum.Enum):
    """How the backend should hand the secret over (``flyteidl.core.Secret.MountType``)."""

    ANY = 0
    ENV_VAR = 1
    FILE = 2


_Mount = MountType  # the enum, under a name the Secret class body does not shadow


@dataclass(frozen=True)
class Secret:
    """A secret the task needs: ``Secret(group="db", key="password")``.

    ``env_var`` names the environment variable the backend sets (to the secret itself with
    ``MountType.ENV_VAR``, to the path of its file with ``MountType.FILE``).
    """

    #: ``Secret.MountType.ENV_VAR``, as flytekit users write it.
    MountType: ClassVar[type[_Mount]] = _Mount

    group: str | None = None
    key: str | None = None
    group_version: str | None = None
    mount_requirement: _Mount = _Mount.ANY
    env_var: str | None = None

    def __post_init__(self) -> None:
        if not self.group and not self.key:
            raise ValueError("a Secret needs a group or a key")
        for name in ("group", "key", "group_version", "env_var"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise TypeError(f"Secret.{name} must be a string, got {type(value).__name__}")
        if not isinstance(self.mount_requirement, _Mount):
            raise TypeError(
                "Secret.mount_requirement must be a Secret.MountType (ANY, ENV_VAR or FILE), "
                f"got {self.mount_requirement!r}"
            )
        if self.env_var is not None and not re.match(_ENV_VAR_NAME, self.env_var):
            raise ValueError(
                f"Secret.env_var={self.env_var!r} is not a valid environment variable name "
                "(upper-case letters, digits and '_', not starting with a digit)"
            )

    def to_idl(self) -> security_pb2.Secret:
        from flyteidl.core import security_pb2

        return security_pb2.Secret(
            group=self.group or "",
            key=self.key or "",
            group_version=self.group_version or "",
            mount_requirement=self.mount_requirement.value,
            env_var=self.env_var or "",
        )


def security_context(secrets: list[Secret]) -> security_pb2.SecurityContext | None:
    """The ``SecurityContext`` requesting ``secrets`` (in the order given); ``None`` if none."""
    from flyteidl.core import security_pb2

    if not secrets:
        return None
    return security_pb2.SecurityContext(secrets=[s.to_idl() for s in secrets])
