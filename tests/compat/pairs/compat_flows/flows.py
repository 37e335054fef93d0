"""Workflows and launch plans, written once for the compat session.

The flytekit side is this same file with its imports rewritten (featherkit -> flytekit), as a
user moving a project would; both must serialize equal and run locally to equal results.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import NamedTuple, Optional

from featherkit import (
    CronSchedule,
    Email,
    FixedRate,
    LaunchPlan,
    PagerDuty,
    Slack,
    Workflow,
    WorkflowExecutionPhase,
    WorkflowFailurePolicy,
    task,
    workflow,
)


@dataclass
class Point:
    x: int
    tags: list[str]
    extra: dict[str, int]


class Out(NamedTuple):
    total: int
    label: str


@task
def add(a: int, b: int = 10) -> int:
    """Add two numbers.

    :param a: the first
    :param b: the second
    """
    return a + b


@task(retries=2, timeout=datetime.timedelta(minutes=3), interruptible=True)
def fmt(n: int, prefix: str) -> str:
    return f"{prefix}{n}"


@task
def make_point(n: int) -> Point:
    return Point(x=n, tags=[f"t{n}", f"u{n}"], extra={"k": n * 2})


@task
def total(xs: list[int], m: dict[str, int]) -> int:
    return sum(xs) + sum(m.values())


@task
def pair(n: int) -> tuple[int, str]:
    return n, str(n)


@task
def noop() -> None:
    return None


@task
def maybe(x: Optional[int] = None) -> int:
    return -1 if x is None else x


@workflow
def pipeline(a: int, prefix: str = "n=") -> Out:
    """Add then format.

    :param a: the start value
    :param prefix: what goes before the number
    """
    n = add(a=a)
    return Out(total=n, label=fmt(n=n, prefix=prefix))


@workflow
def bindings(a: int) -> int:
    p = make_point(n=a)
    first, _ = pair(n=p.x)
    t = total(xs=[p.x, 3, first, p.extra["k"]], m={"k": p.x, "c": 2, "f": first})
    return add(a=t, b=maybe(x=maybe()))


@workflow
def ordering(a: int) -> str:
    first = noop()
    second = noop()
    third = add(a=a, b=1)
    third >> second
    second >> first
    return fmt(n=third, prefix=make_point(n=a).tags[1])


@workflow(
    interruptible=True,
    failure_policy=WorkflowFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE,
)
def careful(a: int = 4) -> list[str]:
    return [pipeline(a=a).label, pipeline(a=a, prefix="p=").label]


fixed = LaunchPlan.get_or_create(
    pipeline,
    name="compat_flows_fixed",
    fixed_inputs={"a": 3},
    default_inputs={"prefix": "v="},
    schedule=CronSchedule(schedule="0 * * * *"),
    notifications=[
        Email(
            phases=[WorkflowExecutionPhase.FAILED, WorkflowExecutionPhase.TIMED_OUT],
            recipients_email=["oncall@example.com", "team@example.com"],
        ),
        Slack(phases=[WorkflowExecutionPhase.SUCCEEDED], recipients_email=["chan@example.com"]),
        PagerDuty(phases=[WorkflowExecutionPhase.ABORTED], recipients_email=["pd@example.com"]),
    ],
)

hourly = LaunchPlan.get_or_create(
    careful,
    name="compat_flows_hourly",
    default_inputs={"a": 7},
    schedule=FixedRate(duration=datetime.timedelta(hours=2)),
)


@workflow
def nested(a: int) -> int:
    careful(a=a)
    from_plan = fixed(prefix="q=")
    return total(xs=[from_plan.total, pipeline(a=a).total], m={"n": add(a=a)})


imperative = Workflow(name="compat_flows.flows.imperative")
imperative_a = imperative.add_workflow_input("a", int)
imperative_add = imperative.add_entity(add, a=imperative_a, b=5)
imperative_fmt = imperative.add_entity(fmt, n=imperative_add.outputs["o0"], prefix="i=")
imperative.add_workflow_output("label", imperative_fmt.outputs["o0"])
imperative.add_workflow_output("sum", imperative_add.outputs["o0"])

#: what the compat session runs with both SDKs: (entity attribute, inputs)
RUNS = [
    ("pipeline", {"a": 5}),
    ("pipeline", {"a": 1, "prefix": "x"}),
    ("bindings", {"a": 2}),
    ("ordering", {"a": 3}),
    ("careful", {}),
    ("nested", {"a": 1}),
    ("imperative", {"a": 4}),
    ("fixed", {}),
    ("fixed", {"prefix": "w"}),
    ("hourly", {}),
]
