"""``Annotated[T, HashMethod(fn)]``: the hash a value's literal carries, as in flytekit.

A literal with a ``hash`` is identified by it in cache keys (featherkit's and Flyte's), so a
large value (a data frame, a file) hits the cache when ``fn`` says it is the same, whatever
URI its bytes were uploaded to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class HashMethod(Generic[T]):
    """Computes the hash of a value for its literal: ``HashMethod(lambda df: ...)``."""

    def __init__(self, function: Callable[[T], str]) -> None:
        self._function = function

    def calculate(self, obj: T) -> str:
        """The hash of ``obj`` (a ``str``; anything else is turned into one)."""
        return str(self._function(obj))

    def __repr__(self) -> str:
        name = getattr(self._function, "__qualname__", repr(self._function))
        return f"HashMethod({name})"


def hash_method_of(python_type: Any) -> HashMethod[Any] | None:
    """The ``HashMethod`` in ``Annotated[T, ...]``'s extras, if any."""
    extras = getattr(python_type, "__metadata__", None)
    if not extras:
        return None
    for extra in extras:
        if isinstance(extra, HashMethod):
            return extra
    return None
