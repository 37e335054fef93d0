"""The one error the type engine raises for a value or literal that does not fit its type."""

from __future__ import annotations

import typing
from typing import Any

_REPR_LIMIT = 80


class TypeTransformerError(TypeError, AssertionError, ValueError):
    """A value (or literal) does not fit the declared type.

    ``expected`` and ``received`` describe the mismatch in words (``"int"``, ``"str 'x'"``);
    ``path`` locates it inside a nested value, e.g. ``"[3].field"`` or ``"['key'][0]"``
    (empty at the top level). Containers add their segment while the error travels up, so the
    message always names the innermost culprit and the route to it.

    It subclasses :class:`TypeError`, :class:`AssertionError` and :class:`ValueError` because
    flytekit's equivalent (``TypeTransformerFailedError``) does, so that a flytekit user's
    ``except ValueError`` keeps working, and because a value of the wrong type is what it
    reports.
    """

    def __init__(
        self,
        message: str,
        *,
        expected: str | None = None,
        received: str | None = None,
        path: str = "",
    ) -> None:
        self.message = message
        self.expected = expected
        self.received = received
        self._path = path
        super().__init__(self._render())

    @property
    def path(self) -> str:
        """Where inside the value the mismatch is; ``""`` for the value itself."""
        return self._path[1:] if self._path.startswith(".") else self._path

    def add_parent(self, segment: str) -> TypeTransformerError:
        """Prefix ``segment`` (``"[3]"``, ``".name"``, ``"['k']"``) to the path, in place.

        Mutating and re-raising the same exception (rather than chaining a new one) keeps the
        original traceback and costs nothing on the success path.
        """
        self._path = segment + self._path
        self.args = (self._render(),)
        return self

    def _render(self) -> str:
        path = self.path
        return f"{path}: {self.message}" if path else self.message

    def __str__(self) -> str:
        return self._render()


def short_repr(value: Any) -> str:
    """``repr`` cut to a readable length for error messages."""
    try:
        text = repr(value)
    except Exception:  # a broken __repr__ must not hide the real error
        text = f"<{type(value).__name__} object>"
    if len(text) > _REPR_LIMIT:
        text = text[: _REPR_LIMIT - 3] + "..."
    return text


def type_name(tp: Any) -> str:
    """A short, readable name for a Python type or typing construct (``list[int]``)."""
    if tp is type(None) or tp is None:
        return "None"
    if isinstance(tp, type) and not typing.get_args(tp):
        if tp.__module__ == "builtins":
            return tp.__qualname__
        return f"{tp.__module__}.{tp.__qualname__}"
    text = repr(tp)
    return text.replace("typing.", "").replace("NoneType", "None")


def mismatch(expected: str, value: Any) -> TypeTransformerError:
    """The error for ``value`` where a value of the ``expected`` description was needed."""
    received = "None" if value is None else f"{type_name(type(value))} {short_repr(value)}"
    return TypeTransformerError(
        f"expected {expected}, received {received}", expected=expected, received=received
    )


def literal_mismatch(expected: str, literal: Any) -> TypeTransformerError:
    """The error for a literal of another kind than the one ``expected``."""
    received = describe_literal(literal)
    return TypeTransformerError(
        f"expected a literal holding {expected}, received {received}",
        expected=expected,
        received=received,
    )


def describe_literal(literal: Any) -> str:
    """Name what a ``flyteidl.core.Literal`` holds, e.g. ``scalar.primitive.integer``."""
    try:
        kind = literal.WhichOneof("value")
        if kind != "scalar":
            return str(kind or "an empty literal")
        scalar = literal.scalar
        skind = scalar.WhichOneof("value")
        if skind == "primitive":
            return f"scalar.primitive.{scalar.primitive.WhichOneof('value')}"
        if skind == "binary":
            return f"scalar.binary (tag {scalar.binary.tag!r})"
        if skind == "blob":
            return f"scalar.blob (format {scalar.blob.metadata.type.format!r})"
        if skind == "union":
            tag = scalar.union.type.structure.tag
            return f"scalar.union (tag {tag!r}) of {describe_literal(scalar.union.value)}"
        return f"scalar.{skind}"
    except Exception:
        return type(literal).__name__
