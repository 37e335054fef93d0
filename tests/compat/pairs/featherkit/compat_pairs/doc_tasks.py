"""Docstrings in the three styles, and none (featherkit side)."""

import typing

from featherkit import task


class Stats(typing.NamedTuple):
    mean: float
    count: int


@task
def rest_doc(xs: typing.List[float], label: str = "x") -> float:  # noqa: UP006
    """Average some numbers.

    Longer text that explains
    over two lines.

    :param xs: the numbers
    :param label: a name for the result
    :return: their mean
    """
    return sum(xs) / len(xs)


@task
def google_doc(a: int, b: int) -> int:
    """Add two numbers.

    Args:
        a (int): the first one
        b: the second one

    Returns:
        int: the total
    """
    return a + b


@task
def numpy_doc(xs: list[float]) -> Stats:
    """Describe numbers.

    Parameters
    ----------
    xs : list of float
        the numbers

    Returns
    -------
    mean : float
        their mean
    count : int
        how many
    """
    return Stats(sum(xs) / len(xs), len(xs))


@task
def shared_return_doc(xs: list[float]) -> Stats:
    """Describe numbers.

    :param xs: the numbers
    :return: mean and count
    """
    return Stats(sum(xs) / len(xs), len(xs))


@task
def summary_only(a: int) -> int:
    """Just a summary."""
    return a


@task
def no_doc(a: int) -> int:
    return a


@task
def empty_param_doc(a: int, b: int) -> int:
    """Summary.

    :param a:
    :param b: documented
    """
    return a


@task
def multiline_doc(a: int) -> int:
    """Summary over
    two lines.

    Body paragraph.

    :param a: a description that
        continues on the next line
    :return: the result,
        described over two lines
    """
    return a
