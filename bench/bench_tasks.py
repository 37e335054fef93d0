"""The tasks every benchmark workload runs, written once for the three SDKs.

``BENCH_SDK`` (``featherkit``, ``flytekit`` or ``flyte``) picks the SDK, so all run the same
source. Flyte 2 (``flyte``) has no bare ``@task``: its tasks belong to a ``TaskEnvironment``
(``@env.task``), and a task runs locally through ``flyte.run`` (its documented local mode);
a task called inside a running task is a sub-action of that run. So for Flyte 2 the per-call
workloads run a driver task (``repeat_*``) once that calls the measured task ``n`` times.
"""

from __future__ import annotations

import dataclasses
import os
import time

SDK = os.environ.get("BENCH_SDK", "featherkit")

if SDK == "flyte":
    import flyte

    env = flyte.TaskEnvironment(name="bench")
    task = env.task
    cached_task = env.task(cache="auto")
elif SDK == "flytekit":
    from flytekit import dynamic, map_task, task, workflow
    from flytekit.types.file import FlyteFile as File

    cached_task = task(cache=True, cache_version="1")
else:
    from featherkit import File, dynamic, map_task, task, workflow

    cached_task = task(cache=True, cache_version="1")


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


@cached_task
def cached_square(n: int) -> int:
    return n * n


@task
async def async_add(a: int, b: int) -> int:
    return a + b


async def gather_async_add(n: int) -> int:
    """``n`` async task calls awaited together (how each SDK's docs fan out async tasks)."""
    import asyncio  # here: the entrypoint row imports this module, and asyncio costs ~15 ms

    results = await asyncio.gather(*[async_add(a=i, b=1) for i in range(n)])
    return sum(results)


if SDK != "flyte":
    # offloaded data (Flyte 2's File and DataFrame types have another API: not measured)

    @task
    def copy_file(f: File) -> File:
        """Copy ``f`` into a new file beside it, as the floor row copies (the task's work)."""
        import shutil

        source = os.fspath(f)
        target = f"{source}.{os.getpid()}.copy"
        shutil.copyfile(source, target)
        return File(target)

    if os.environ.get("BENCH_FRAMES") == "1":  # pandas loads only for the frame rows
        import pandas as pd

        @task
        def frame_pass(df: pd.DataFrame) -> pd.DataFrame:
            return df


if SDK == "flyte":
    # Flyte 2 drivers: one local run calls the measured task n times as sub-actions.

    @task
    def repeat_add(n: int) -> int:
        total = 0
        for _ in range(n):
            total = add(a=total, b=1)
        return total

    @task
    def repeat_record(n: int) -> int:
        record = Record(1, "alpha", 0.5, ["a", "b", "c"])
        for _ in range(n):
            record = echo_record(r=record)
        return record.id

    @task
    def repeat_cached(n: int, first: int) -> int:
        """n calls of cached_square; ``first`` > 0 makes every call a new key (a miss)."""
        last = 0
        for i in range(n):
            last = cached_square(n=first + i if first else 7)
        return last

    @task
    async def gather_driver(n: int) -> int:
        return await gather_async_add(n)


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


if SDK != "flyte":  # Flyte 2 has no workflows (a task calling tasks is its form of one)

    @workflow
    def chain50(x: int) -> int:
        for _ in range(50):
            x = inc(a=x)
        return x

    @workflow
    def fanout16() -> int:
        return count(xs=[nap(i=i) for i in range(16)])


if SDK != "flyte":  # control flow: a map task and a dynamic workflow (Flyte 2 has neither form)
    map_inc = map_task(inc)

    @dynamic
    def dynamic100(x: int) -> int:
        for _ in range(100):
            x = inc(a=x)
        return x


if SDK == "flyte":

    @task
    def chain(n: int) -> int:
        """n trivial tasks one after the other (Flyte 2's form of a chain workflow)."""
        x = 0
        for _ in range(n):
            x = inc(a=x)
        return x

    @task
    async def fan_out(n: int) -> int:
        """n sleeping tasks at once (a sync task runs concurrently through ``.aio``), then
        one gathering them: Flyte 2's form of the fan-out workflow."""
        import asyncio

        naps = await asyncio.gather(*[nap.aio(i=i) for i in range(n)])
        return await count.aio(xs=list(naps))

    from flyte.io import File as FlyteFile

    @task
    def copy_file(f: FlyteFile) -> FlyteFile:
        """Copy ``f`` (a local file here) into a new file beside it, as the floor row copies;
        the result goes back through Flyte 2's ``File.from_local_sync``."""
        import shutil

        target = f"{f.path}.{os.getpid()}.copy"
        shutil.copyfile(f.path, target)
        return FlyteFile.from_local_sync(target)

    @task
    def flyte_map(n: int) -> list[int]:
        """``flyte.map`` of a trivial task over n elements (its documented fan-out)."""
        return list(flyte.map(inc, range(n)))
