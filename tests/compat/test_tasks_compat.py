"""The same tasks, written for flytekit and for featherkit, serialize to the same TaskSpec.

Each module under ``pairs/compat_pairs/`` is written once, with featherkit's imports; the
flytekit side is the same source with its imports rewritten (``compat_support``). Both
are imported under the same module name and serialized with the same settings (flytekit's
``get_serializable``, featherkit's ``task_spec``); the two ``TaskSpec`` protobufs are then
compared field by field, presence included. The only accepted differences are the ones in
``allowed_differences.py``, each documented in ``docs/compatibility.md``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from allowed_differences import ALLOWED, ARBITRARY_ORDER_RULES, CONTROL_FLOW_RULES
from compat_support import PAIRS_PACKAGE, PAIRS_ROOT, pair_topics
from spec_diff import differences

DOCS = Path(__file__).parents[2] / "docs" / "compatibility.md"

# the pickled type in type_tasks makes both SDKs warn, on purpose
pytestmark = pytest.mark.filterwarnings("ignore::featherkit.types.PickleFallbackWarning")


def _declared_tasks(topic: str) -> list[str]:
    """Task names of a topic, read from its source (for test ids)."""
    path = PAIRS_ROOT / PAIRS_PACKAGE / f"{topic}.py"
    tree = ast.parse(path.read_text())
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            decorators = [d.func if isinstance(d, ast.Call) else d for d in node.decorator_list]
            if any(isinstance(d, ast.Name) and d.id == "task" for d in decorators):
                names.append(f"{PAIRS_PACKAGE}.{topic}.{node.name}")
        elif (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and node.value.func.id == "PythonFunctionTask"
        ):  # a task made from a function by hand, named like it
            names.extend(
                f"{PAIRS_PACKAGE}.{topic}.{t.id}" for t in node.targets if isinstance(t, ast.Name)
            )
    return names


CASES = [(topic, name) for topic in pair_topics() for name in _declared_tasks(topic)]


def test_pairs_are_written_once():
    """The twin layout (pairs/featherkit/..., pairs/flytekit/...) is gone: a module there would
    silently not be compared."""
    for twin in ("featherkit", "flytekit"):
        left = sorted(p.name for p in (PAIRS_ROOT / twin).rglob("*.py"))
        assert not left, (
            f"tests/compat/pairs/{twin}/ holds {left}: write each definition once, with "
            f"featherkit's imports, under tests/compat/pairs/{PAIRS_PACKAGE}/ (the flytekit side "
            "is derived by rewriting its imports) and delete the twin"
        )


def test_there_are_enough_paired_tasks():
    assert len(pair_topics()) >= 6
    assert len(CASES) >= 20


@pytest.mark.parametrize("topic", pair_topics())
def test_both_sides_define_the_same_tasks(topic, pair_specs):
    theirs, ours = pair_specs(topic)
    declared = {name for t, name in CASES if t == topic}
    assert set(theirs) == declared
    assert set(ours) == declared


@pytest.mark.parametrize(("topic", "name"), CASES, ids=[name for _, name in CASES])
def test_task_spec_matches_flytekit(topic, name, pair_specs, assert_same_spec):
    theirs, ours = pair_specs(topic)
    assert_same_spec(theirs[name], ours[name], what=f"TaskSpec of {name}")


def test_every_allowed_difference_occurs(pair_specs, package_pair):
    """No dead rules: each allowed difference is needed by a paired task or the package."""
    compared = [pair_specs(topic) for topic in pair_topics()]
    by_task = [{spec.template.id.name: spec for spec in m.values()} for m in package_pair]
    compared.append((by_task[0], by_task[1]))
    used = set()
    for theirs, ours in compared:
        for name in theirs:
            used |= {d.rule.name for d in differences(theirs[name], ours[name]) if d.rule}
    assert used | ARBITRARY_ORDER_RULES | CONTROL_FLOW_RULES == {rule.name for rule in ALLOWED}


def test_allowed_differences_are_documented():
    text = DOCS.read_text()
    for rule in ALLOWED:
        assert f"`{rule.name}`" in text, f"docs/compatibility.md does not explain {rule.name!r}"


#: How to tell that a paired task set each TaskMetadata field to something other than its
#: default. A field flyteidl adds later fails the test until it is listed here.
METADATA_FIELD_SET = {
    "discoverable": lambda m: m.discoverable,
    "runtime": lambda m: m.HasField("runtime"),
    "timeout": lambda m: m.HasField("timeout"),
    "retries": lambda m: m.retries.retries > 0,
    "discovery_version": lambda m: bool(m.discovery_version),
    "deprecated_error_message": lambda m: bool(m.deprecated_error_message),
    "interruptible": lambda m: m.HasField("interruptible_value"),
    "cache_serializable": lambda m: m.cache_serializable,
    "pod_template_name": lambda m: bool(m.pod_template_name),
    "cache_ignore_input_vars": lambda m: bool(m.cache_ignore_input_vars),
    "generates_deck": lambda m: m.generates_deck.value,
    "metadata": lambda m: bool(m.metadata.labels) and bool(m.metadata.annotations),
    "is_eager": None,  # set by flytekit's @eager only; featherkit has no eager tasks
    "tags": None,  # flytekit's @task never writes it
}


def test_every_task_metadata_field_is_exercised(pair_specs):
    from flyteidl.core import tasks_pb2

    assert set(METADATA_FIELD_SET) == {f.name for f in tasks_pb2.TaskMetadata.DESCRIPTOR.fields}
    metadata = [
        spec.template.metadata
        for topic in pair_topics()
        for spec in pair_specs(topic)[0].values()
    ]
    unexercised = [
        name for name, is_set in METADATA_FIELD_SET.items()
        if is_set is not None and not any(is_set(m) for m in metadata)
    ]
    assert unexercised == []
    interruptible = {m.interruptible for m in metadata if m.HasField("interruptible_value")}
    assert interruptible == {True, False}


def test_every_builtin_type_is_in_an_interface(pair_specs):
    _, ours = pair_specs("type_tasks")
    kinds: set[str] = set()

    def visit(literal_type) -> None:
        kind = literal_type.WhichOneof("type")
        kinds.add(
            f"simple:{literal_type.simple}" if kind == "simple" else kind or "unset"
        )
        if kind == "collection_type":
            visit(literal_type.collection_type)
        elif kind == "map_value_type":
            visit(literal_type.map_value_type)
        elif kind == "union_type":
            for variant in literal_type.union_type.variants:
                visit(variant)

    for spec in ours.values():
        interface = spec.template.interface
        for variables in (interface.inputs.variables, interface.outputs.variables):
            for variable in variables.values():
                visit(variable.type)
    from flyteidl.core import types_pb2

    simple = {
        f"simple:{types_pb2.SimpleType.Value(n)}"
        for n in ("NONE", "INTEGER", "FLOAT", "STRING", "BOOLEAN", "DATETIME", "DURATION", "STRUCT")
    }
    nested = {"collection_type", "map_value_type", "union_type", "enum_type", "blob"}
    assert simple | nested <= kinds
