"""Node overrides: ``.with_overrides(...)`` on what a call in a workflow body returned.

::

    total = add(a=x).with_overrides(node_name="sum", retries=3, requests=Resources(cpu="2"))

Core's overrides, with flytekit's names and wire fields:

* on the node's ``NodeMetadata``: ``node_name`` (the node id, made DNS-safe), ``name``,
  ``retries``, ``timeout`` (int seconds or ``timedelta``), ``interruptible``, ``cache``,
  ``cache_version``, ``cache_serialize``;
* on the task node's ``TaskNodeOverrides``: ``requests`` / ``limits`` (``Resources``) and
  ``container_image``.

For a map task the metadata overrides go to the mapped node inside the ``ArrayNode``, as
flytekit writes them. Plugins add overrides through the ``register_node_overrides`` hook
(featherkit-pod adds ``pod_template``). Overrides shape what the cluster runs; a local run uses
the task's own settings.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from featherkit.resources import Resources
from featherkit.workflow.promise import WorkflowCompileError

if TYPE_CHECKING:
    from flyteidl.core import workflow_pb2

    from featherkit.workflow.node import Node, NodeMetadata
    from featherkit.workflow.serialize import SerializeContext

#: override names plugins provide, and the distribution to install for each
PLUGIN_OVERRIDE_HINTS = {"pod_template": "featherkit-pod"}

CORE_OVERRIDES = (
    "node_name",
    "name",
    "retries",
    "timeout",
    "interruptible",
    "cache",
    "cache_version",
    "cache_serialize",
    "requests",
    "limits",
    "container_image",
)


@dataclass(frozen=True)
class PluginOverride:
    """An override a plugin registered: its name, check, and how it fills the wire message."""

    name: str
    apply: Callable[[Any, Any, Any, Any], None]
    validate: Callable[[Any], Any] | None


@dataclass
class NodeOverrides:
    """What ``with_overrides`` set on a task node beyond its metadata."""

    requests: Resources | None = None
    limits: Resources | None = None
    container_image: str | None = None
    plugin_values: dict[str, Any] = field(default_factory=dict)

    def fill(
        self, node: Node, message: workflow_pb2.TaskNodeOverrides, ctx: SerializeContext
    ) -> None:
        """Write the overrides into the task node's ``TaskNodeOverrides``."""
        if self.requests is not None or self.limits is not None:
            message.resources.SetInParent()
            if self.requests is not None:
                message.resources.requests.extend(self.requests.entries())
            if self.limits is not None:
                message.resources.limits.extend(self.limits.entries())
        if self.container_image is not None:
            message.container_image = self.container_image
        if self.plugin_values:
            registered = node_overrides()
            for name, value in self.plugin_values.items():
                registered[name].apply(_task_of(node), value, message, ctx.settings)


def _task_of(node: Node) -> Any:
    """The task a node runs (a map task's mapped task for an array node)."""
    return node.entity


def _override_name(name: str, *args: Any, **kwargs: Any) -> str:
    return name


def _plugin_override(
    name: str,
    apply: Callable[[Any, Any, Any, Any], None],
    validate: Callable[[Any], Any] | None = None,
) -> PluginOverride:
    return PluginOverride(name, apply, validate)


_registry: Any = None


def node_overrides() -> Mapping[str, PluginOverride]:
    """The overrides installed plugins registered, by name (computed once per plugin set, by
    core's one registry mechanism: a name registered twice is an error naming both plugins)."""
    global _registry
    from featherkit.plugins import PluginError, Registry, hooks

    if _registry is None:
        _registry = Registry(
            "register_node_overrides", "with_overrides argument",
            key=_override_name, value=_plugin_override,
        )
    entries = hooks().registry(_registry)
    for name in sorted(set(entries.values) & set(CORE_OVERRIDES)):
        raise PluginError(
            f"with_overrides argument {name!r} is core's own; {entries.owners[name]!r} "
            "cannot register it"
        )
    registered: Mapping[str, PluginOverride] = entries.values
    return registered


def _metadata_target(node: Node) -> NodeMetadata:
    """The metadata an override changes: the mapped node's for a map task."""
    sub = getattr(node.payload, "sub_metadata", None)
    return sub if sub is not None else node.metadata


def _check(value: Any, kind: type | tuple[type, ...], what: str, label: str) -> Any:
    from featherkit.workflow.promise import Promise

    if isinstance(value, Promise):
        raise WorkflowCompileError(
            f"{label}: with_overrides({what}=...) got {value.describe()}; overrides are fixed "
            "when the workflow is compiled and cannot come from a promise"
        )
    if isinstance(value, bool) and kind is int:
        raise WorkflowCompileError(f"{label}: with_overrides({what}=...) needs an int, got a bool")
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise WorkflowCompileError(
            f"{label}: with_overrides({what}=...) needs {names}, got {type(value).__name__} "
            f"{value!r}"
        )
    return value


def dnsify(value: str) -> str:
    """A DNS-1123 label of ``value`` (lower case, digits, '-', at most 63 characters).

    Long values keep their tail behind a 10-character hash of the whole, so distinct long
    names stay distinct. Used once, when a node id is made (flytekit applies it a second time
    to an already dnsified id, which can change it).
    """
    limit, hash_length = 63, 10
    if len(value) >= limit:
        digest = hashlib.sha224(value.encode("utf-8")).hexdigest()[:hash_length]
        value = f"{digest}-{value[-(limit - hash_length - 1):]}"
    out: list[str] = []
    for ch in value:
        if ch in "_-.":
            if out and len(out) < limit - 1:
                out.append("-")
        elif not ch.isalnum() or not ch.isascii():
            continue
        elif ch.islower() or ch.isdigit():
            out.append(ch)
        else:
            if out and out[-1] != "-" and len(out) < limit - 1:
                out.append("-")
            out.append(ch.lower())
    text = "".join(out)
    return text[:-1] if text.endswith("-") else text


def _rename(node: Node, new_name: str, label: str) -> None:
    from featherkit import context

    node_id = dnsify(new_name)
    if not node_id:
        raise WorkflowCompileError(
            f"{label}: with_overrides(node_name={new_name!r}) leaves no valid node id"
        )
    state = context.compiling.get()
    if state is not None:
        for other in state.nodes:
            if other is not node and other.id == node_id:
                raise WorkflowCompileError(
                    f"{label}: with_overrides(node_name={new_name!r}) gives node id "
                    f"{node_id!r}, which node {other.index} ({other.describe()}) already has"
                )
    node.id = node_id


def apply_overrides(node: Node, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Apply ``with_overrides(**kwargs)`` to ``node`` (called at decoration; errors name the
    node and the argument)."""
    label = f"node {node.id} ({node.describe()})"
    if args:
        raise WorkflowCompileError(
            f"{label}: with_overrides takes keyword arguments only (got {len(args)} positional)"
        )
    metadata = _metadata_target(node)
    overrides = node.overrides if node.overrides is not None else NodeOverrides()
    unknown = [k for k in kwargs if k not in CORE_OVERRIDES]
    plugins = node_overrides() if unknown else {}
    for key in unknown:
        if key in plugins:
            continue
        hint = PLUGIN_OVERRIDE_HINTS.get(key)
        if hint:
            raise WorkflowCompileError(
                f"{label}: with_overrides argument {key!r} comes from the {hint} plugin, which "
                f"is not installed: pip install {hint}"
            )
        known = ", ".join([*CORE_OVERRIDES, *sorted(plugins)])
        raise WorkflowCompileError(
            f"{label}: with_overrides got an unexpected argument {key!r}; known: {known}"
        )
    if "cache" in kwargs and kwargs["cache"] is True:
        version = kwargs.get("cache_version")
        if version is None and not metadata.cache_version:
            raise WorkflowCompileError(
                f"{label}: with_overrides(cache=True) needs cache_version (a node's cache is "
                "keyed by it)"
            )
    for key, value in kwargs.items():
        if value is None and key != "timeout":
            continue
        if key == "node_name":
            _rename(node, _check(value, str, key, label), label)
        elif key == "name":
            metadata.name = _check(value, str, key, label)
        elif key == "retries":
            retries = _check(value, int, key, label)
            if retries < 0:
                raise WorkflowCompileError(
                    f"{label}: with_overrides(retries=...) must not be negative, got {retries}"
                )
            metadata.retries = retries
        elif key == "timeout":
            if value is None:
                metadata.timeout = None
            elif isinstance(value, int) and not isinstance(value, bool):
                metadata.timeout = datetime.timedelta(seconds=value)
            else:
                metadata.timeout = _check(value, datetime.timedelta, key, label)
        elif key == "interruptible":
            metadata.interruptible = _check(value, bool, key, label)
        elif key == "cache":
            metadata.cacheable = _check(value, bool, key, label)
        elif key == "cache_version":
            metadata.cache_version = _check(value, str, key, label)
        elif key == "cache_serialize":
            metadata.cache_serializable = _check(value, bool, key, label)
        elif key == "requests":
            overrides.requests = _check(value, Resources, key, label)
        elif key == "limits":
            overrides.limits = _check(value, Resources, key, label)
        elif key == "container_image":
            overrides.container_image = _check(value, str, key, label)
        else:
            registered = plugins[key]
            if registered.validate is not None:
                try:
                    value = registered.validate(value)
                except (TypeError, ValueError) as exc:
                    raise WorkflowCompileError(
                        f"{label}: with_overrides argument {key!r}: {exc}"
                    ) from exc
            overrides.plugin_values[key] = value
    has_task_overrides = (
        overrides.requests is not None
        or overrides.limits is not None
        or overrides.container_image is not None
        or overrides.plugin_values
    )
    if has_task_overrides:
        if node.kind.name not in ("task", "array"):
            raise WorkflowCompileError(
                f"{label}: requests, limits, container_image and plugin overrides apply to "
                f"task nodes; this is a {node.kind.label} node"
            )
        node.overrides = overrides


__all__ = [
    "CORE_OVERRIDES",
    "NodeOverrides",
    "PluginOverride",
    "apply_overrides",
    "node_overrides",
]
