"""The quickstart from the README: a typed task with a NamedTuple result."""

from typing import NamedTuple

from featherkit import task


class Stats(NamedTuple):
    mean: float
    n: int


@task(retries=2, timeout=60, environment={"MODE": "fast"})
def summarize(xs: list[float], label: str = "x") -> Stats:
    """Summarize numbers.

    :param xs: the numbers
    :param label: a name for them
    """
    return Stats(sum(xs) / len(xs), len(xs))


if __name__ == "__main__":
    print(summarize(xs=[1.0, 2.0, 3.0]))
