"""Control flow, written once for the compat session: map tasks, conditionals, dynamic
workflows, failure handlers, node overrides and gate nodes.

The flytekit side is this same file with its imports rewritten (featherkit -> flytekit); both
must serialize equal and (where a run needs no person) run locally to equal results.
"""

from __future__ import annotations

import datetime
import functools
from typing import NamedTuple, Optional

from featherkit import (
    Resources,
    WorkflowFailurePolicy,
    approve,
    conditional,
    dynamic,
    map_task,
    sleep,
    task,
    wait_for_input,
    workflow,
)
from featherkit.types.error import FlyteError

try:  # flytekit keeps create_node out of its top-level names
    from featherkit import create_node
except ImportError:
    from flytekit.core.node_creation import create_node


class Pair(NamedTuple):
    low: int
    high: int


@task
def square(x: int, offset: int = 0) -> int:
    return x * x + offset


@task
def double(n: int) -> int:
    return 2 * n


@task
def negate(n: int) -> int:
    return -n


@task
def split(n: int) -> Pair:
    return Pair(low=n - 1, high=n + 1)


@task
def fragile(n: int) -> int:
    if n > 100:
        raise ValueError(f"too big: {n}")
    return n + 1


@task
def clean_up(n: int, err: Optional[FlyteError] = None) -> None:
    print(f"cleaning up after {n}: {err}")


@task
def note(n: int, label: str) -> str:
    return f"{label}{n}"


offset_square = functools.partial(square, offset=3)


@workflow
def mapped(xs: list[int]) -> list[Optional[int]]:
    return map_task(offset_square, concurrency=4, min_success_ratio=0.5)(x=xs).with_overrides(
        retries=2
    )


@workflow
def mapped_plain(xs: list[int], offsets: list[int]) -> list[int]:
    return map_task(square)(x=xs, offset=offsets)


@workflow
def branch(x: int) -> int:
    a = double(n=x)
    return (
        conditional("sign")
        .if_(x < 5)
        .then(double(n=a))
        .elif_((a > 10) & (x < 100))
        .then(negate(n=x))
        .elif_((x == 100) | (a >= 1000))
        .then(square(x=x))
        .else_()
        .fail("x is too big")
    )


@workflow
def flags(flag: bool, maybe: Optional[int]) -> int:
    return (
        conditional("flags")
        .if_(flag.is_true() & maybe.is_none())
        .then(double(n=1))
        .elif_(flag.is_false() | (maybe == 3))
        .then(negate(n=2))
        .else_()
        .then(square(x=3))
    )


@workflow
def nested(x: int, y: float) -> int:
    return (
        conditional("outer")
        .if_(x > 0)
        .then(
            conditional("inner")
            .if_(y < 0.5)
            .then(double(n=x))
            .else_()
            .then(negate(n=x))
        )
        .else_()
        .then(square(x=x))
    )


@workflow
def branch_tuple(n: int) -> int:
    p = split(n=n)
    low = conditional("pick").if_(p.low > 3).then(double(n=p.low)).else_().then(negate(n=p.high))
    return double(n=low)


@workflow(
    on_failure=clean_up,
    failure_policy=WorkflowFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE,
)
def guarded(n: int) -> int:
    return fragile(n=n)


@workflow
def overridden(x: int) -> int:
    a = double(n=x).with_overrides(
        node_name="first-double",
        retries=3,
        timeout=datetime.timedelta(minutes=5),
        interruptible=True,
        requests=Resources(cpu="2"),
        limits=Resources(mem="1Gi"),
        cache=True,
        cache_version="v2",
        container_image="ghcr.io/acme/other:v9",
    )
    b = create_node(negate, n=a)
    c = create_node(double, n=x)
    b >> c
    return b.o0


@workflow
def gated(x: int) -> int:
    pause = sleep(datetime.timedelta(seconds=10))
    label = wait_for_input("label", timeout=datetime.timedelta(hours=1), expected_type=str)
    a = double(n=x)
    pause >> a
    checked = approve(a, "check", timeout=datetime.timedelta(hours=2))
    note(n=checked, label=label)
    return negate(n=checked)


@dynamic
def fan_out(n: int) -> list[int]:
    return [double(n=i) for i in range(n)]


@dynamic
def pick(n: int) -> int:
    if n == 0:
        return 7
    return negate(n=square(x=n))


@workflow
def dynamic_flow(n: int) -> list[int]:
    return fan_out(n=n)


#: (entity, inputs) run locally by both SDKs; results must be equal
RUNS = [
    ("mapped", {"xs": [1, 2, 3]}),
    ("mapped_plain", {"xs": [1, 2], "offsets": [10, 20]}),
    ("branch", {"x": 2}),
    ("branch", {"x": 7}),
    ("branch", {"x": 100}),
    ("flags", {"flag": True, "maybe": None}),
    ("flags", {"flag": False, "maybe": 1}),
    ("flags", {"flag": True, "maybe": 3}),
    ("flags", {"flag": True, "maybe": 4}),
    ("nested", {"x": 3, "y": 0.25}),
    ("nested", {"x": 3, "y": 0.75}),
    ("nested", {"x": -2, "y": 0.25}),
    ("branch_tuple", {"n": 10}),
    ("branch_tuple", {"n": 1}),
    ("guarded", {"n": 5}),
    ("overridden", {"x": 4}),
    ("dynamic_flow", {"n": 3}),
    ("fan_out", {"n": 0}),
    ("pick", {"n": 0}),
    ("pick", {"n": 3}),
]
