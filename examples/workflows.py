"""A workflow: two texts counted side by side (concurrently), merged, reported.

Run it:        featherkit run examples/workflows.py compare --left fox --right dog
Cache plan:    featherkit run examples/workflows.py compare --plan
Launch plan:   featherkit run examples/workflows.py nightly
Serialize:     featherkit serialize examples/workflows.py --image ghcr.io/acme/app:v1 \\
                   --version v1 -o build/specs
"""

from __future__ import annotations

import dataclasses
import time

from featherkit import CronSchedule, LaunchPlan, task, workflow

TEXTS = {
    "fox": "The quick brown fox jumps over the lazy dog. The fox runs.",
    "dog": "The lazy dog sleeps; the dog dreams of the quick fox.",
}


@dataclasses.dataclass
class Report:
    total: int
    top: list[str]


@task(cache=True, cache_version="1")
def fetch(source: str) -> str:
    """Look a text up by name.

    :param source: one of the known texts
    """
    if source not in TEXTS:
        raise ValueError(f"unknown text {source!r}; known: {', '.join(sorted(TEXTS))}")
    return TEXTS[source]


@task(cache=True, cache_version="1")
def tokenize(text: str) -> list[str]:
    """Split a text into lower-case words."""
    return [w.strip(".,;:!?").lower() for w in text.split() if w.strip(".,;:!?")]


@task(cache=True, cache_version="1")
def count(words: list[str]) -> dict[str, int]:
    """Count words (slowly: the cache and the parallel run are worth seeing)."""
    time.sleep(0.3)
    counts: dict[str, int] = {}
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    return counts


@task
def merge(counts: list[dict[str, int]]) -> dict[str, int]:
    merged: dict[str, int] = {}
    for part in counts:
        for word, n in part.items():
            merged[word] = merged.get(word, 0) + n
    return merged


@task
def report(counts: dict[str, int], top_n: int) -> Report:
    ranked = sorted(counts, key=lambda w: (-counts[w], w))
    return Report(total=sum(counts.values()), top=ranked[:top_n])


@workflow
def compare(left: str = "fox", right: str = "dog", top_n: int = 3) -> Report:
    """Count the words of two texts side by side, then merge them into one report.

    :param left: the first text's name
    :param right: the second text's name
    :param top_n: how many of the most frequent words to report
    """
    left_counts = count(words=tokenize(text=fetch(source=left)))
    right_counts = count(words=tokenize(text=fetch(source=right)))
    return report(counts=merge(counts=[left_counts, right_counts]), top_n=top_n)


nightly = LaunchPlan.get_or_create(
    compare,
    name="compare_nightly",
    fixed_inputs={"top_n": 5},
    schedule=CronSchedule(schedule="0 3 * * *"),
)
