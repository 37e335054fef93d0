"""Wire form of workflows and launch plans (compared with flytekit itself in tests/compat)."""

from __future__ import annotations

import datetime
from typing import NamedTuple

import pytest
from flyteidl.admin import schedule_pb2
from flyteidl.core import identifier_pb2, workflow_pb2

from featherkit import CronSchedule, FixedRate, LaunchPlan, task, workflow
from featherkit.serialization import SerializationSettings
from featherkit.workflow import WorkflowFailurePolicy
from featherkit.workflow.serialize import (
    dnsify,
    launch_plan,
    registration_order,
    workflow_spec,
)

SETTINGS = SerializationSettings(image="img:v1", version="v1", project="p", domain="d")
MOD = __name__


class Out(NamedTuple):
    total: int
    label: str


@task(retries=3, timeout=datetime.timedelta(minutes=5), interruptible=True)
def add(b: int, a: int = 1) -> int:
    return a + b


@task
def fmt(n: int, prefix: str) -> str:
    return f"{prefix}{n}"


@task
def noop() -> None:
    return None


@workflow
def inner(a: int, prefix: str = "n=") -> Out:
    """Add then format.

    :param a: the start value
    """
    n = add(b=a)
    return Out(total=n, label=fmt(n=n, prefix=prefix))


@workflow(
    interruptible=True,
    failure_policy=WorkflowFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE,
)
def middle(a: int) -> str:
    return inner(a=a).label


PLAN = LaunchPlan.get_or_create(
    inner,
    name="serialize_fixed",
    fixed_inputs={"a": 3},
    default_inputs={"prefix": "v="},
    schedule=CronSchedule(schedule="0 * * * *"),
    labels={"team": "x"},
)


@workflow
def outer(a: int) -> list[str]:
    first = noop()
    second = noop()
    second >> first
    return [middle(a=a), PLAN().label, fmt(n=add(b=a, a=2), prefix="x")]


def test_template_identity_interface_metadata() -> None:
    spec = workflow_spec(inner, SETTINGS)
    template = spec.template
    assert template.id == identifier_pb2.Identifier(
        resource_type=identifier_pb2.WORKFLOW, project="p", domain="d",
        name=f"{MOD}.inner", version="v1",
    )
    assert template.HasField("metadata") and template.HasField("metadata_defaults")
    assert template.metadata.on_failure == 0 and not template.metadata_defaults.interruptible
    variables = template.interface.inputs.variables
    assert variables["a"].description == "the start value"
    assert variables["prefix"].description == "prefix"
    assert [o.var for o in template.outputs] == ["total", "label"]
    assert spec.description.short_description == "Add then format."
    assert not spec.sub_workflows


def test_task_node_fields() -> None:
    node = workflow_spec(inner, SETTINGS).template.nodes[0]
    assert node.id == "n0"
    assert node.metadata.name == "add"
    assert node.metadata.retries.retries == 3
    assert node.metadata.timeout.seconds == 300
    assert node.metadata.HasField("interruptible") and node.metadata.interruptible
    assert [b.var for b in node.inputs] == ["a", "b"]  # sorted by name
    assert node.inputs[0].binding.scalar.primitive.integer == 1  # the task's default
    assert node.inputs[1].binding.promise.node_id == ""  # the start node
    assert node.inputs[1].binding.promise.var == "a"
    assert node.task_node.reference_id.name == f"{MOD}.add"
    assert node.task_node.HasField("overrides")
    second = workflow_spec(inner, SETTINGS).template.nodes[1]
    assert not second.metadata.HasField("interruptible")  # fmt does not say
    assert second.metadata.HasField("retries")
    assert list(second.upstream_node_ids) == ["n0"]


def test_workflow_and_launch_plan_nodes_upstream_and_sub_workflows() -> None:
    spec = workflow_spec(outer, SETTINGS)
    nodes = spec.template.nodes
    assert [n.id for n in nodes] == ["n0", "n1", "n2", "n3", "n4", "n5"]
    assert list(nodes[0].upstream_node_ids) == ["n1"]  # second >> first
    sub = nodes[2]
    assert sub.workflow_node.sub_workflow_ref.name == f"{MOD}.middle"
    assert sub.metadata.name == "middle"
    assert sub.metadata.HasField("interruptible") and sub.metadata.interruptible
    lp = nodes[3]
    assert lp.workflow_node.launchplan_ref.resource_type == identifier_pb2.LAUNCH_PLAN
    assert lp.workflow_node.launchplan_ref.name == "serialize_fixed"
    assert lp.metadata.name == "inner" and lp.metadata.HasField("interruptible")
    assert [b.var for b in lp.inputs] == ["prefix"]
    assert [s.id.name for s in spec.sub_workflows] == [f"{MOD}.inner", f"{MOD}.middle"]
    out = spec.template.outputs[0].binding
    assert [b.promise.node_id for b in out.collection.bindings] == ["n2", "n3", "n5"]
    assert out.collection.bindings[0].promise.var == "o0"
    assert out.collection.bindings[1].promise.var == "label"
    middle_template = workflow_spec(middle, SETTINGS).template
    assert middle_template.metadata.on_failure == (
        workflow_pb2.WorkflowMetadata.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE
    )
    assert middle_template.metadata_defaults.interruptible
    binding = middle_template.outputs[0].binding.promise
    assert (binding.node_id, binding.var) == ("n0", "label")


def test_launch_plan_fields() -> None:
    message = launch_plan(PLAN, SETTINGS)
    assert message.id.resource_type == identifier_pb2.LAUNCH_PLAN
    assert message.id.name == "serialize_fixed"
    spec = message.spec
    assert spec.workflow_id.name == f"{MOD}.inner"
    assert spec.entity_metadata.schedule.cron_schedule.schedule == "0 * * * *"
    assert set(spec.default_inputs.parameters) == {"prefix"}
    prefix = spec.default_inputs.parameters["prefix"]
    assert prefix.default.scalar.primitive.string_value == "v="
    assert prefix.var.description == "prefix"
    assert spec.fixed_inputs.literals["a"].scalar.primitive.integer == 3
    assert dict(spec.labels.values) == {"team": "x"}
    assert spec.HasField("annotations") and spec.HasField("raw_output_data_config")
    assert message.closure.HasField("expected_inputs")


def test_default_launch_plan_has_required_and_defaulted_parameters() -> None:
    message = launch_plan(LaunchPlan.get_default_launch_plan(inner), SETTINGS)
    assert message.id.name == f"{MOD}.inner"
    parameters = message.spec.default_inputs.parameters
    assert parameters["a"].required and not parameters["a"].HasField("default")
    assert parameters["prefix"].default.scalar.primitive.string_value == "n="
    assert message.spec.HasField("entity_metadata")
    assert not message.spec.entity_metadata.HasField("schedule")


@pytest.mark.parametrize(
    ("duration", "value", "unit"),
    [
        (datetime.timedelta(minutes=90), 90, schedule_pb2.MINUTE),
        (datetime.timedelta(hours=2), 2, schedule_pb2.HOUR),
        (datetime.timedelta(days=3), 3, schedule_pb2.DAY),
    ],
)
def test_fixed_rate_units(duration: datetime.timedelta, value: int, unit: int) -> None:
    rate = FixedRate(duration=duration).to_idl().rate
    assert (rate.value, rate.unit) == (value, unit)


def test_fixed_rate_and_kickoff_errors() -> None:
    with pytest.raises(ValueError, match="whole number of minutes"):
        FixedRate(duration=datetime.timedelta(seconds=30))
    from featherkit.workflow import LaunchPlanError

    with pytest.raises(LaunchPlanError, match="kickoff_time_input_arg 'a' must name a datetime"):
        LaunchPlan.get_or_create(
            inner, name="serialize_kick", schedule=CronSchedule("@hourly", "a")
        )


def test_dnsify() -> None:
    assert dnsify("n0") == "n0"
    assert dnsify("My_Node.name") == "my-node-name"
    assert dnsify("_lead") == "lead"
    long = "a" * 80
    made = dnsify(long)
    assert len(made) <= 63 and made == dnsify(long)
    assert dnsify("x" * 70) != dnsify("y" + "x" * 69)


def test_registration_order_puts_each_entity_after_what_it_references() -> None:
    order = registration_order([outer])
    names = [getattr(e, "name", "") for e in order]
    kinds = [type(e).__name__ for e in order]
    tasks = [n for n, k in zip(names, kinds) if k == "PythonFunctionTask"]
    assert tasks == sorted(tasks) and kinds[: len(tasks)] == ["PythonFunctionTask"] * len(tasks)
    position = {(k, n): i for i, (k, n) in enumerate(zip(kinds, names))}
    assert position[("PythonFunctionWorkflow", f"{MOD}.inner")] < position[
        ("LaunchPlan", "serialize_fixed")
    ] < position[("PythonFunctionWorkflow", f"{MOD}.outer")]
    assert position[("PythonFunctionWorkflow", f"{MOD}.middle")] < position[
        ("PythonFunctionWorkflow", f"{MOD}.outer")
    ]
    # each workflow's default launch plan follows it
    for wf in ("inner", "middle", "outer"):
        at = position[("PythonFunctionWorkflow", f"{MOD}.{wf}")]
        assert (kinds[at + 1], names[at + 1]) == ("LaunchPlan", f"{MOD}.{wf}")


def test_serialization_is_deterministic() -> None:
    from featherkit.serialization import to_bytes

    assert to_bytes(workflow_spec(outer, SETTINGS)) == to_bytes(workflow_spec(outer, SETTINGS))


def test_notifications() -> None:
    from featherkit import Email, PagerDuty, Slack, WorkflowExecutionPhase

    plan = LaunchPlan.get_or_create(
        inner,
        name="serialize_notified",
        notifications=[
            Email(phases=[WorkflowExecutionPhase.FAILED], recipients_email=["a@example.com"]),
            Slack(phases=[WorkflowExecutionPhase.SUCCEEDED], recipients_email=["s@example.com"]),
            PagerDuty(phases=[WorkflowExecutionPhase.TIMED_OUT], recipients_email=["p@x.com"]),
        ],
    )
    notes = launch_plan(plan, SETTINGS).spec.entity_metadata.notifications
    assert [n.WhichOneof("type") for n in notes] == ["email", "slack", "pager_duty"]
    assert list(notes[0].phases) == [6]  # FAILED
    assert list(notes[0].email.recipients_email) == ["a@example.com"]
    assert list(notes[2].pager_duty.recipients_email) == ["p@x.com"]
    with pytest.raises(ValueError, match="phases must be terminal phases"):
        Email(phases=[WorkflowExecutionPhase.RUNNING], recipients_email=["a@example.com"])
    with pytest.raises(ValueError, match="needs recipients_email"):
        Slack(phases=[WorkflowExecutionPhase.FAILED], recipients_email=[])
