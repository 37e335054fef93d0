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


# Every Google section heading spelling, one task each (issue 18 item 9): flytekit reads some
# as sections and the rest as text, and so must featherkit.


@task
def google_return_singular(a: int) -> int:
    """Singular heading.

    Args:
        a: the input

    Return:
        the result
    """
    return a


@task
def google_return_singular_two(a: int) -> typing.Tuple[int, str]:  # noqa: UP006
    """Singular heading, two outputs.

    Args:
        a: the input

    Return:
        the result
    """
    return a, ""


@task
def google_yields(a: int) -> int:
    """Yields heading.

    Arguments:
        a: the input

    Yields:
        the result
    """
    return a


@task
def google_yield_singular(a: int) -> int:
    """Singular yield heading.

    Parameters:
        a: the input

    Yield:
        the result
    """
    return a


@task
def google_params_heading(a: int, b: int) -> int:
    """Params heading.

    Params:
        a: the input
        b: another

    Raises:
        ValueError: never

    Returns:
        the result
    """
    return a


@task
def google_keyword_args(a: int, b: int = 1) -> int:
    """Keyword args heading.

    Args:
        a: the input

    Keyword Args:
        b: a keyword

    Other Parameters:
        b: again

    Returns:
        the result
    """
    return a


@task
def google_named_return(a: int) -> int:
    """Named return.

    Args:
        a: the input

    Returns:
        total: the result
    """
    return a


@task
def google_note_example(a: int) -> int:
    """Other sections.

    Note:
        something to note

    Example:
        google_note_example(a=1)

    Args:
        a: the input

    Returns:
        the result
    """
    return a


@task
def rest_returns_plural(a: int) -> int:
    """reST returns.

    :param int a: the input
    :returns: the result
    :rtype: int
    """
    return a


@task
def numpy_yields(a: int) -> int:
    """NumPy yields.

    Parameters
    ----------
    a : int
        the input

    Yields
    ------
    int
        the result
    """
    return a
