"""Why a call hits or misses: the key's components, and on a miss the nearest stored entry.

Each stored entry carries its key's components (version, interface digest, one digest per
input, short previews), so a miss can be compared with every entry of the same task without
storing any input. The nearest entry is the one differing in the fewest components (the
newest among equals); the differences name the component: ``version``, ``interface`` or
``input <name>``, with the cached and the current rendering side by side.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from featherkit.cache.backend import CacheBackend, CacheEntry, decode_record
from featherkit.cache.key import KeyComponents, key_components
from featherkit.cache.render import interface_text, literal_preview
from featherkit.redact import redact_text

if TYPE_CHECKING:
    from flyteidl.core import literals_pb2

    from featherkit.base_task import Task


@dataclass(frozen=True)
class Difference:
    """One component in which a stored entry differs from the call."""

    component: str  # "version", "interface" or "input"
    name: str = ""  # the input's name, for inputs
    cached: str = ""
    now: str = ""

    def __str__(self) -> str:
        label = f"input {self.name}" if self.component == "input" else self.component
        return f"{label}: cached {self.cached}, now {self.now}"


@dataclass(frozen=True)
class Explanation:
    """Everything ``featherkit cache explain`` prints."""

    task: str
    components: KeyComponents
    interface_text: str
    previews: dict[str, str]
    backend: str
    status: str  # "hit", "miss", or "corrupt" (an entry is there but does not decode)
    entry: CacheEntry | None = None
    nearest: CacheEntry | None = None
    differences: list[Difference] = field(default_factory=list)
    task_entries: int = 0


def _differences(
    entry: CacheEntry, components: KeyComponents, previews: Mapping[str, str], iface_text: str
) -> list[Difference]:
    described: Mapping[str, Any] = entry.components or {}
    found: list[Difference] = []
    if entry.version != components.version:
        found.append(
            Difference("version", cached=repr(entry.version), now=repr(components.version))
        )
    if described.get("interface") != components.interface:
        found.append(
            Difference(
                "interface",
                cached=str(described.get("interface_text", "(unknown)")),
                now=iface_text,
            )
        )
    cached_inputs: Mapping[str, str] = described.get("inputs", {})
    cached_previews: Mapping[str, str] = described.get("previews", {})
    cached_ignored = set(described.get("ignored", []))
    for name in sorted(set(cached_inputs) | set(components.inputs)):
        if name not in cached_inputs:
            why = "ignored" if name in cached_ignored else "not an input"
            found.append(Difference("input", name, cached=f"({why})", now=previews[name]))
        elif name not in components.inputs:
            why = "ignored" if name in components.ignored else "not an input"
            found.append(
                Difference("input", name, cached=cached_previews.get(name, "?"), now=f"({why})")
            )
        elif cached_inputs[name] != components.inputs[name]:
            found.append(
                Difference("input", name, cached=cached_previews.get(name, "?"), now=previews[name])
            )
    return found


def explain(
    task: Task, inputs: literals_pb2.LiteralMap, backend: CacheBackend
) -> Explanation:
    """Compute the call's key and compare it with what ``backend`` holds for ``task``."""
    components = key_components(task, inputs)
    previews = {name: literal_preview(inputs.literals[name]) for name in components.inputs}
    iface_text = interface_text(task.interface)
    common: dict[str, Any] = {
        "task": task.name,
        "components": components,
        "interface_text": iface_text,
        "previews": previews,
        "backend": redact_text(repr(backend)),
    }
    entries = backend.list(task.name)
    record = backend.get(components.key)
    if record is not None:
        entry = next((e for e in entries if e.key == components.key), None)
        try:
            decode_record(record)
        except Exception:
            return Explanation(status="corrupt", entry=entry, task_entries=len(entries), **common)
        return Explanation(status="hit", entry=entry, task_entries=len(entries), **common)
    scored = [
        (_differences(entry, components, previews, iface_text), entry) for entry in entries
    ]
    if not scored:
        return Explanation(status="miss", **common)
    differences, nearest = min(scored, key=lambda pair: (len(pair[0]), -pair[1].created))
    return Explanation(
        status="miss",
        nearest=nearest,
        differences=differences,
        task_entries=len(entries),
        **common,
    )
