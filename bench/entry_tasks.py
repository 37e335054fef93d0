"""The task module of the entrypoint row: one trivial task, as a container running it loads.

Kept apart from ``bench_tasks`` (which also holds workflows, files and frames) so that the
row measures a pod's cold start for one task module of one task, in every SDK.
"""

from __future__ import annotations

import os

if os.environ.get("BENCH_SDK", "featherkit") == "flytekit":
    from flytekit import task
else:
    from featherkit import task


@task
def add(a: int, b: int) -> int:
    return a + b
