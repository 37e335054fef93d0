"""The tasks every benchmark workload runs, written once for either SDK.

``BENCH_SDK`` (``featherkit`` or ``flytekit``) picks the SDK, so both run the same source.
"""

from __future__ import annotations

import dataclasses
import os
import time

if os.environ.get("BENCH_SDK", "featherkit") == "flytekit":
    from flytekit import task, workflow
else:
    from featherkit import task, workflow


@dataclasses.dataclass
class Record:
    id: int
    name: str
    score: float
    tags: list[str]


@task
def add(a: int, b: int) -> int:
    return a + b


@task
def echo_list(xs: list[int]) -> list[int]:
    return xs


@task
def echo_record(r: Record) -> Record:
    return r


@task(cache=True, cache_version="1")
def cached_square(n: int) -> int:
    return n * n


@task
def inc(a: int) -> int:
    return a + 1


@task
def nap(i: int) -> int:
    time.sleep(0.05)
    return i


@task
def count(xs: list[int]) -> int:
    return len(xs)


@workflow
def chain50(x: int) -> int:
    for _ in range(50):
        x = inc(a=x)
    return x


@workflow
def fanout16() -> int:
    return count(xs=[nap(i=i) for i in range(16)])
