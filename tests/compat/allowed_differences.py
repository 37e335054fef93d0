"""The one list of differences allowed between flytekit's and featherkit's serialized tasks.

Every comparison in ``tests/compat`` goes through :func:`spec_diff.differences`, which looks a
difference up here: a difference at a field path is accepted only when a rule below names
that path *and* its check says the two values differ in exactly the documented way. Anything
else fails the test. ``docs/compatibility.md`` explains each rule for users; keep the two in
step (``test_allowed_differences_are_documented`` checks that every rule is named there).

Paths are dotted field names of the ``TaskSpec`` as ``json_format.MessageToDict`` spells them
(proto field names), with ``[i]`` for list items; ``*`` matches any run of characters.

To add a rule, add an :class:`AllowedDifference` to :data:`ALLOWED` with a ``why`` a Flyte user
would accept, and a check as narrow as you can make it; then document it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import flytekit

import featherkit

#: The flytekit version this list was written against (the compat session pins it).
FLYTEKIT_VERSION = "1.16.31"

#: The program each SDK's container runs (a map task's too: featherkit has one entrypoint).
ENTRYPOINTS = {
    "pyflyte-execute": "featherkit-execute",
    "pyflyte-map-execute": "featherkit-execute",
}

#: Resolvers that write the same loader args, flytekit's location -> featherkit's location.
RESOLVERS = {
    "flytekit.core.python_auto_container.default_task_resolver": "featherkit.resolvers.module",
    "flytekit.core.array_node_map_task.ArrayNodeMapTaskResolver": "featherkit.resolvers.map",
}

#: The container variable carrying serialization settings to a dynamic workflow's pod.
SETTINGS_VARIABLES = ("_F_SS_C", "FEATHERKIT_SERIALIZATION_SETTINGS")


class _Missing:
    def __repr__(self) -> str:
        return "<unset>"


#: What a rule's check receives for a field one side left unset.
MISSING: Any = _Missing()


@dataclass(frozen=True)
class AllowedDifference:
    """One documented difference: where it may occur, why, and how narrow it is."""

    name: str
    path: str
    why: str
    allows: Callable[[Any, Any], bool]

    def matches(self, path: str) -> bool:
        return re.fullmatch(_glob(self.path), path) is not None


def _glob(pattern: str) -> str:
    return ".*".join(re.escape(part) for part in pattern.split("*"))


def _runtime_version(theirs: Any, ours: Any) -> bool:
    return theirs == flytekit.__version__ and ours == featherkit.__version__


def _container_args(theirs: Any, ours: Any) -> bool:
    """Same args but for the program (args[0]) and the resolver location after --resolver."""
    if not isinstance(theirs, list) or not isinstance(ours, list) or len(theirs) != len(ours):
        return False
    if not theirs or ENTRYPOINTS.get(theirs[0]) != ours[0]:
        return False
    if "--resolver" not in theirs:
        return False
    at = theirs.index("--resolver") + 1
    if at >= len(theirs) or RESOLVERS.get(theirs[at]) != ours[at]:
        return False
    # a map task's loader args name the mapped task's resolver too ("resolver <location>")
    return all(
        t == o or (i > 0 and theirs[i - 1] == "resolver" and RESOLVERS.get(t) == o)
        for i, (t, o) in enumerate(zip(theirs, ours))
        if i not in (0, at)
    )


def _settings_variable(theirs: Any, ours: Any) -> bool:
    """One environment entry: flytekit's settings variable where featherkit has its own."""
    flyte_var, our_var = SETTINGS_VARIABLES
    return (
        isinstance(theirs, dict)
        and isinstance(ours, dict)
        and theirs.get("key") == flyte_var
        and ours.get("key") == our_var
        and bool(theirs.get("value"))
        and bool(ours.get("value"))
    )


#: Rules for values flytekit writes in an arbitrary order (from a Python set): a run may or may
#: not need them, so "every rule occurs" cannot hold for them; their narrowness is unit-tested.
ARBITRARY_ORDER_RULES = frozenset({"upstream-node-order"})

#: Rules only control-flow entities need (dynamic tasks); test_control_compat.py checks that
#: each of them occurs there.
CONTROL_FLOW_RULES = frozenset({"dynamic-settings-variable", "node-pod-override-args"})


def _package_version(theirs: Any, ours: Any) -> bool:
    return theirs is MISSING and isinstance(ours, str) and bool(ours)


def _node_index(node_id: Any) -> tuple[int, str]:
    text = str(node_id)
    return (int(text[1:]), text) if text[:1] == "n" and text[1:].isdigit() else (-1, text)


def _upstream_order(theirs: Any, ours: Any) -> bool:
    """The same node ids; ours in node order (flytekit's come out of a set, in any order)."""
    if not isinstance(theirs, list) or not isinstance(ours, list):
        return False
    return sorted(theirs) == sorted(ours) and ours == sorted(ours, key=_node_index)


ALLOWED: tuple[AllowedDifference, ...] = (
    AllowedDifference(
        name="runtime-version",
        path="template.metadata.runtime.version",
        why="RuntimeMetadata names the SDK that wrote the task: flytekit's version there, "
        "featherkit's here (type FLYTE_SDK and flavor 'python' are the same).",
        allows=_runtime_version,
    ),
    AllowedDifference(
        name="entrypoint-and-resolver",
        path="template.container.args",
        why="The container runs featherkit's entrypoint (featherkit-execute, for map tasks too "
        "where flytekit has pyflyte-map-execute) and names featherkit's resolvers (module, "
        "map); the Flyte templates ({{.input}}, ...) and the loader args (task-module M "
        "task-name N; a map task's vars B resolver R ...) are the same.",
        allows=_container_args,
    ),
    AllowedDifference(
        name="dynamic-settings-variable",
        path="template.container.env[*]",
        why="A dynamic workflow's pod needs the serialization settings to compile its graph: "
        "flytekit passes them compressed in its private _F_SS_C variable, featherkit as "
        "readable JSON in FEATHERKIT_SERIALIZATION_SETTINGS; the other variables are the same.",
        allows=_settings_variable,
    ),
    AllowedDifference(
        name="node-pod-override-args",
        path="*task_node.overrides.pod_template.pod_spec.containers[*].args",
        why="A node's pod template override holds the task's container merged into the "
        "template: its args run each SDK's entrypoint and resolvers, as in the task's own "
        "container (entrypoint-and-resolver); every other argument is the same.",
        allows=_container_args,
    ),
    AllowedDifference(
        name="upstream-node-order",
        path="*upstream_node_ids",
        why="A node's upstream node ids are the same; featherkit writes them in node order "
        "(n0, n1, ...), flytekit in the order of a Python set, which changes between runs. "
        "The order means nothing to a Flyte backend.",
        allows=_upstream_order,
    ),
    AllowedDifference(
        name="package-version",
        path="*.version",
        why="In a package, featherkit writes the --version it was given into each entity id "
        "(and each id a workflow or launch plan refers to); "
        "pyflyte package leaves it empty. flytectl register files fills an empty version from "
        "its own flag and keeps a set one (unless --force).",
        allows=_package_version,
    ),
)
