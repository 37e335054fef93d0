"""TaskMetadata: the knobs a Flyte backend reads for every task, validated when set."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flyteidl.core import tasks_pb2


_tasks_pb2: Any = None  # flyteidl's tasks_pb2, imported on first to_idl()
_BASE: tuple[str, Any] | None = None  # (runtime version, what every task's metadata starts as)


def _base(runtime_version: str) -> Any:
    """The ``TaskMetadata`` every task's starts as, for ``runtime_version``: the runtime and
    the fields flytekit always writes (``retries``, ``generates_deck`` and the pod
    ``metadata``, present even when empty). Copied in one go: setting them one by one on
    every task cost more than all the rest of ``to_idl``."""
    global _BASE, _tasks_pb2
    if _BASE is None or _BASE[0] != runtime_version:
        if _tasks_pb2 is None:  # imported once: a function-level import costs per task
            from flyteidl.core import tasks_pb2

            _tasks_pb2 = tasks_pb2
        base = _tasks_pb2.TaskMetadata()
        runtime = base.runtime
        runtime.type = _tasks_pb2.RuntimeMetadata.FLYTE_SDK
        runtime.version = runtime_version
        runtime.flavor = "python"
        base.retries.SetInParent()
        base.generates_deck.SetInParent()
        base.metadata.SetInParent()
        _BASE = (runtime_version, base)
    return _BASE[1]


def _timeout(value: Any) -> datetime.timedelta | None:
    if value is None or isinstance(value, datetime.timedelta):
        delta = value
    elif isinstance(value, int) and not isinstance(value, bool):
        delta = datetime.timedelta(seconds=value)
    else:
        raise ValueError(
            f"timeout must be an int (seconds) or a datetime.timedelta, got {type(value).__name__}"
        )
    if delta is not None and delta < datetime.timedelta(0):
        raise ValueError(f"timeout must not be negative, got {delta}")
    return delta


def _string_map(value: Mapping[str, str] | None, what: str) -> dict[str, str]:
    if value is None or (type(value) is dict and not value):
        return {}  # the usual case (nothing given), on every decorated task
    if not isinstance(value, Mapping):
        raise ValueError(f"{what} must be a dict of strings, got {type(value).__name__}")
    bad = sorted(
        repr(k) for k, v in value.items() if not isinstance(k, str) or not isinstance(v, str)
    )
    if bad:
        raise ValueError(f"{what} must map strings to strings; bad entries: {', '.join(bad)}")
    return dict(value)


@dataclass
class TaskMetadata:
    """Metadata of a task, with flytekit's fields and validation rules.

    * ``cache=True`` needs ``cache_version``;
    * ``cache_serialize`` and ``cache_ignore_input_vars`` need ``cache``;
    * an int ``timeout`` is seconds; any other non-timedelta type is an error; a zero timeout
      means "no timeout" (as in flytekit, whose ``@task`` default is ``timeout=0``);
    * ``labels`` and ``annotations`` go to the pod the task runs in (``K8sObjectMetadata``).
    """

    cache: bool = False
    cache_serialize: bool = False
    cache_version: str = ""
    cache_ignore_input_vars: tuple[str, ...] = ()
    interruptible: bool | None = None
    deprecated: str = ""
    retries: int = 0
    timeout: datetime.timedelta | int | None = None
    pod_template_name: str | None = None
    generates_deck: bool = False
    is_eager: bool = False
    tags: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.timeout is not None:
            self.timeout = _timeout(self.timeout)
        if type(self.cache_ignore_input_vars) is not tuple:
            if isinstance(self.cache_ignore_input_vars, str):
                raise ValueError(
                    "cache_ignore_input_vars must be a tuple or list of input names, "
                    f"got the string {self.cache_ignore_input_vars!r}"
                )
            self.cache_ignore_input_vars = tuple(self.cache_ignore_input_vars)
        if self.cache and not self.cache_version:
            raise ValueError("cache=True needs a cache_version (any string you bump to invalidate)")
        if self.cache_serialize and not self.cache:
            raise ValueError("cache_serialize=True needs cache=True")
        if self.cache_ignore_input_vars and not self.cache:
            raise ValueError(
                "cache_ignore_input_vars="
                f"{list(self.cache_ignore_input_vars)} needs cache=True"
            )
        if not isinstance(self.retries, int) or isinstance(self.retries, bool) or self.retries < 0:
            raise ValueError(f"retries must be a non-negative int, got {self.retries!r}")
        if self.interruptible is not None and not isinstance(self.interruptible, bool):
            raise ValueError(
                f"interruptible must be True, False or None, got {self.interruptible!r}"
            )
        # each a dict of its own (never the caller's); the usual empty ones without a call
        tags, labels, annotations = self.tags, self.labels, self.annotations
        self.tags = {} if type(tags) is dict and not tags else _string_map(tags, "tags")
        self.labels = {} if type(labels) is dict and not labels else _string_map(labels, "labels")
        self.annotations = (
            {} if type(annotations) is dict and not annotations
            else _string_map(annotations, "annotations")
        )

    @property
    def timeout_delta(self) -> datetime.timedelta | None:
        assert not isinstance(self.timeout, int)
        return self.timeout

    def to_idl(
        self, runtime_version: str, out: tasks_pb2.TaskMetadata | None = None
    ) -> tasks_pb2.TaskMetadata:
        """The wire form (``flyteidl.core.TaskMetadata``), field for field as flytekit writes it.

        Presence matters as much as values: flytekit always sets ``generates_deck`` (a
        ``BoolValue``, even when false), ``retries`` and the pod ``metadata``
        (``K8sObjectMetadata``, empty without labels or annotations); ``interruptible`` only
        when it was given; ``timeout`` only when it is not zero.

        ``out``: an empty message to fill in place (a template's own ``metadata`` field, which
        then needs no copy) instead of a new one; what it held is replaced.
        """
        base = _BASE[1] if _BASE is not None and _BASE[0] == runtime_version else _base(
            runtime_version
        )
        # the fixed part copied in one go; then proto3 scalars without presence set only when
        # not their default (setting a default writes nothing; any other value, even a wrong
        # type, is set as before)
        metadata = _tasks_pb2.TaskMetadata() if out is None else out
        metadata.CopyFrom(base)
        if self.cache is not False:
            metadata.discoverable = self.cache
        if self.retries != 0:
            metadata.retries.retries = self.retries
        if self.cache_version != "":
            metadata.discovery_version = self.cache_version
        if self.deprecated != "":
            metadata.deprecated_error_message = self.deprecated
        if self.cache_serialize is not False:
            metadata.cache_serializable = self.cache_serialize
        if self.pod_template_name:
            metadata.pod_template_name = self.pod_template_name
        if self.cache_ignore_input_vars != ():
            metadata.cache_ignore_input_vars.extend(self.cache_ignore_input_vars)
        if self.generates_deck is not False:
            metadata.generates_deck.value = self.generates_deck
        if self.is_eager is not False:
            metadata.is_eager = self.is_eager
        if self.tags:
            metadata.tags.update(self.tags)
        if self.labels:
            metadata.metadata.labels.update(self.labels)
        if self.annotations:
            metadata.metadata.annotations.update(self.annotations)
        if self.interruptible is not None:
            metadata.interruptible = self.interruptible
        if self.timeout_delta:
            metadata.timeout.FromTimedelta(self.timeout_delta)
        return metadata
