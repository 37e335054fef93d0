"""Workflows and launch plans, written once for the compat session.

The flytekit side is this same file with its imports rewritten (featherkit -> flytekit), as a
user moving a project would; both must serialize equal and run locally to equal results.
"""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass
from typing import NamedTuple, Optional

from featherkit import (
    Annotations,
    CronSchedule,
    Email,
    FixedRate,
    Labels,
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

hourly = LaunchPlan.create(
    "compat_flows_hourly",
    careful,
    default_inputs={"a": 7},
    schedule=FixedRate(duration=datetime.timedelta(hours=2)),
    labels=Labels({"team": "flows"}),
    annotations=Annotations({"owner": "compat"}),
)


@workflow
def nested(a: int) -> int:
    careful(a=a)
    from_plan = fixed(prefix="q=")
    return total(xs=[from_plan.total, pipeline(a=a).total], m={"n": add(a=a)})


@task
def describe(p: Point, note: Optional[str] = None) -> str:
    return f"{p.x}:{','.join(p.tags)}:{note}"


@workflow
def typed_inputs(p: Point, note: Optional[str] = None, scale: float = 1.5) -> dict[str, str]:
    """Dataclass and optional inputs, a float default, a dict output of promises and
    constants."""
    moved = make_point(n=p.x)
    return {"given": describe(p=p, note=note), "made": describe(p=moved), "fixed": "c"}


typed_plan = LaunchPlan.get_or_create(
    typed_inputs,
    name="compat_flows_typed",
    default_inputs={"note": "from the plan", "p": Point(x=1, tags=["a"], extra={})},
)


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


@task
def make_out(a: int) -> Out:
    return Out(total=a, label=f"#{a}")


@task
def stamp(when: datetime.datetime, color: Color, span: datetime.timedelta) -> str:
    return f"{when.isoformat()} {color.value} {span.total_seconds()}"


@workflow
def passthrough(a: int) -> Out:
    return make_out(a=a)


@workflow
def constants() -> str:
    return stamp(
        when=datetime.datetime(2024, 5, 1, 10, 0, tzinfo=datetime.timezone.utc),
        color=Color.BLUE,
        span=datetime.timedelta(minutes=5),
    )


@task(cache=True, cache_version="2", cache_serialize=True)
def cached_double(n: int) -> int:
    return 2 * n


@workflow
def side_effects() -> None:
    noop()
    noop()


@workflow
def cached(a: int) -> int:
    return cached_double(n=cached_double(n=a))


class Single(NamedTuple):
    only: int


@workflow
def google_doc(xs: list[int], m: dict[str, int]) -> Single:
    """Index into inputs, return a one-field NamedTuple.

    Args:
        xs: some numbers
        m: a mapping

    Returns:
        the sum of the first number and m's "k"
    """
    return Single(only=add(a=xs[0], b=m["k"]))


@workflow
def plans_as_nodes() -> list[str]:
    return [fixed().label, hourly()[0], fixed(prefix="z").label]


@task
def nested_sum(xs: Optional[list[int]], groups: dict[str, list[int]], y: Optional[int]) -> int:
    return sum(xs or []) + sum(sum(v) for v in groups.values()) + (y or 0)


@task
def optional_only(x: Optional[int]) -> int:
    return -1 if x is None else x


@workflow
def omitted_optional() -> int:
    return optional_only()


@workflow
def unions_and_nesting(a: int, b: Optional[int] = None) -> tuple[int, int, Optional[int]]:
    n = add(a=a)
    total = nested_sum(xs=[n, 1, a], groups={"g": [n, 2], "h": []}, y=n)
    return total, a, b


imperative = Workflow(name="compat_flows.flows.imperative")
imperative_a = imperative.add_workflow_input("a", int)
imperative_add = imperative.add_entity(add, a=imperative_a, b=5)
imperative_fmt = imperative.add_entity(fmt, n=imperative_add.outputs["o0"], prefix="i=")
imperative.add_workflow_output("label", imperative_fmt.outputs["o0"])
imperative.add_workflow_output("sum", imperative_add.outputs["o0"])

builder = Workflow(name="compat_flows.flows.builder")
builder.add_workflow_input("a", int)
builder_sub = builder.add_subwf(pipeline, a=builder.inputs["a"])
builder_plan = builder.add_launch_plan(fixed, prefix="b=")
builder_task = builder.add_task(fmt, n=builder.inputs["a"], prefix="t=")
builder.add_workflow_output(
    "labels",
    [builder_sub.outputs["label"], builder_plan.outputs["label"], builder_task.outputs["o0"]],
    python_type=list[str],
)

#: what the compat session runs with both SDKs: (entity attribute, inputs)
RUNS = [
    ("pipeline", {"a": 5}),
    ("pipeline", {"a": 1, "prefix": "x"}),
    ("bindings", {"a": 2}),
    ("ordering", {"a": 3}),
    ("careful", {}),
    ("nested", {"a": 1}),
    ("imperative", {"a": 4}),
    ("builder", {"a": 6}),
    ("fixed", {}),
    ("fixed", {"prefix": "w"}),
    ("hourly", {}),
    ("typed_inputs", {"p": Point(x=3, tags=["q", "r"], extra={"e": 1})}),
    ("typed_inputs", {"p": Point(x=4, tags=[], extra={}), "note": "n", "scale": 2.0}),
    ("typed_plan", {}),
    ("passthrough", {"a": 9}),
    ("constants", {}),
    ("side_effects", {}),
    ("google_doc", {"xs": [4, 5], "m": {"k": 6}}),
    ("plans_as_nodes", {}),
    ("unions_and_nesting", {"a": 2}),
    # not "omitted_optional": flytekit binds x=None on the wire but its local run omits it
    ("unions_and_nesting", {"a": 2, "b": 7}),
    # not "cached": flytekit's local cache would write under the home directory
]
