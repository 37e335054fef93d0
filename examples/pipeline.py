"""A small text pipeline: the tasks the demo runs, caches, serializes and executes."""

from __future__ import annotations

import dataclasses
import time
from typing import NamedTuple

from featherkit import Resources, task


@dataclasses.dataclass
class WordCount:
    word: str
    count: int


class Summary(NamedTuple):
    total: int
    top: list[WordCount]


@task(requests=Resources(cpu="500m", mem="256Mi"), retries=1)
def tokenize(text: str, lowercase: bool = True) -> list[str]:
    """Split text into words.

    :param text: the raw text
    :param lowercase: fold case first
    :return: the words, punctuation stripped
    """
    words = [w.strip(".,;:!?\"'()") for w in text.split()]
    return [w.lower() if lowercase else w for w in words if w]


@task(cache=True, cache_version="1", enable_deck=True)
def count_words(words: list[str], top_n: int = 3) -> Summary:
    """Count words (slowly, to make the cache worth it).

    :param words: the words to count
    :param top_n: how many of the most frequent to keep
    """
    time.sleep(0.5)
    counts: dict[str, int] = {}
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top_n]
    return Summary(total=len(words), top=[WordCount(w, c) for w, c in ranked])
