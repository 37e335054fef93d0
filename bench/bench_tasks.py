"""The tasks every benchmark workload runs, written once for either SDK.

``BENCH_SDK`` (``featherkit`` or ``flytekit``) picks the SDK, so both run the same source.
"""

from __future__ import annotations

import dataclasses
import os

if os.environ.get("BENCH_SDK", "featherkit") == "flytekit":
    from flytekit import task
else:
    from featherkit import task


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
