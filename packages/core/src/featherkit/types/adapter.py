"""Type transformers written against flytekit's ``TypeTransformer`` API, unchanged.

A flytekit user's custom type is a ``TypeTransformer`` subclass built as
``super().__init__(name, t)`` whose methods take a context first::

    get_literal_type(self, t) -> LiteralType
    to_literal(self, ctx, python_val, python_type, expected) -> Literal
    to_python_value(self, ctx, lv, expected_python_type) -> value
    guess_python_type(self, literal_type) -> type          (optional)
    to_html(self, ctx, python_val, expected_python_type)  (optional)

Subclassing :class:`FlytekitTypeTransformer` instead keeps that code as it is: this class
translates between those signatures and the engine's. What differs from flytekit:

* ``ctx`` is featherkit's :func:`~featherkit.current_context` (the running task's
  :class:`~featherkit.context.ExecutionParameters`), not a ``FlyteContext``.
* Literals and literal types are the flyteidl protobuf messages
  (``flyteidl.core.literals_pb2.Literal``, ``types_pb2.LiteralType``), which have the fields
  and keyword constructors flytekit's models have. A returned object with a
  ``to_flyte_idl()`` method (a flytekit model, when flytekit is installed) is converted.
* It is registered through a plugin's ``register_type_transformers`` hook, not with
  ``TypeEngine.register(...)`` at import time.
"""

from __future__ import annotations

import abc
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from featherkit.types.base import TypeTransformer
from featherkit.types.errors import TypeTransformerError, mismatch, type_name

if TYPE_CHECKING:
    from flyteidl.core import literals_pb2, types_pb2

    from featherkit.context import ExecutionParameters
    from featherkit.types.base import Reader, ToLiteral, Writer
    from featherkit.types.engine import TypeEngine

T = TypeVar("T")


def _idl(value: Any, expected: type, what: str, transformer: TypeTransformer[Any]) -> Any:
    """``value`` as the protobuf message ``expected``, converting a flytekit model."""
    if isinstance(value, expected):
        return value
    to_idl = getattr(value, "to_flyte_idl", None)
    if callable(to_idl):
        converted = to_idl()
        if isinstance(converted, expected):
            return converted
    raise TypeTransformerError(
        f"type transformer {transformer.name!r} returned {type(value).__qualname__} from "
        f"{what}; expected a {expected.__module__}.{expected.__qualname__}"
    )


def _context() -> ExecutionParameters:
    from featherkit.context import current_context

    return current_context()


class FlytekitTypeTransformer(TypeTransformer[T], abc.ABC):
    """Base of a type transformer written with flytekit's constructor and method signatures.

    ``FlytekitTypeTransformer(name, t, enable_type_assertions=True)``: with assertions on,
    a value that is not an instance of ``t`` is refused before ``to_literal`` sees it (as
    flytekit's ``assert_type`` does); turn them off for types ``isinstance`` cannot check.
    """

    def __init__(self, name: str, t: type[T], enable_type_assertions: bool = True) -> None:
        super().__init__(name=name, python_type=t)
        self._type_assertions_enabled = enable_type_assertions

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own_html = cls.__dict__.get("to_html")
        if own_html is not None and not getattr(own_html, "_featherkit_adapted", False):
            # flytekit's to_html takes ctx first; the engine calls to_html(value, type)
            @functools.wraps(own_html)
            def to_html(self: Any, value: Any, python_type: Any) -> str:
                return str(own_html(self, _context(), value, python_type))

            to_html._featherkit_adapted = True  # type: ignore[attr-defined]
            cls.to_html = to_html  # type: ignore[method-assign]

    @property
    def type_assertions_enabled(self) -> bool:
        return self._type_assertions_enabled

    def assert_type(self, t: Any, v: Any) -> None:
        """Refuse ``v`` unless it is a ``t`` (flytekit's check, made before ``to_literal``)."""
        if isinstance(t, type) and not isinstance(v, t):
            raise mismatch(type_name(t), v)

    # -- flytekit's protocol: what a subclass implements -----------------------------------

    @abc.abstractmethod
    def get_literal_type(self, t: Any) -> types_pb2.LiteralType:
        """The literal type of ``t`` (a protobuf ``LiteralType`` or a flytekit model)."""

    @abc.abstractmethod
    def to_literal(  # type: ignore[override]
        self, ctx: Any, python_val: Any, python_type: Any, expected: types_pb2.LiteralType
    ) -> literals_pb2.Literal:
        """Convert ``python_val`` to a ``Literal`` (flytekit's signature)."""

    @abc.abstractmethod
    def to_python_value(  # type: ignore[override]
        self, ctx: Any, lv: literals_pb2.Literal, expected_python_type: Any
    ) -> Any:
        """Convert ``lv`` to a value of ``expected_python_type`` (flytekit's signature)."""

    # -- the engine's protocol, translated ----------------------------------------------------

    def literal_type_for(self, python_type: Any, engine: TypeEngine) -> types_pb2.LiteralType:
        from flyteidl.core import types_pb2

        return _idl(
            self.get_literal_type(python_type), types_pb2.LiteralType, "get_literal_type", self
        )

    def guess_with(self, literal_type: types_pb2.LiteralType, engine: TypeEngine) -> Any | None:
        try:
            return self.guess_python_type(literal_type)
        except (ValueError, TypeError, NotImplementedError):
            # flytekit's default guess_python_type raises for "not mine"
            return None

    def compile_to_literal(
        self, python_type: Any, literal_type: types_pb2.LiteralType, engine: TypeEngine
    ) -> ToLiteral:
        from flyteidl.core import literals_pb2

        convert_value: Callable[..., Any] = self.to_literal
        check = self._type_assertions_enabled

        def convert(value: Any) -> literals_pb2.Literal:
            if check:
                self.assert_type(python_type, value)
            try:
                literal = convert_value(_context(), value, python_type, literal_type)
            except TypeTransformerError:
                raise
            except (TypeError, ValueError, AssertionError) as exc:
                # flytekit's transformers raise these for a value that does not fit
                raise TypeTransformerError(
                    f"type transformer {self.name!r} refused {type_name(type(value))}: {exc}"
                ) from exc
            converted: literals_pb2.Literal = _idl(
                literal, literals_pb2.Literal, "to_literal", self
            )
            return converted

        return convert

    def compile_writer(
        self, python_type: Any, literal_type: types_pb2.LiteralType, engine: TypeEngine
    ) -> Writer:
        convert = self.compile_to_literal(python_type, literal_type, engine)

        def write(value: Any, out: literals_pb2.Literal) -> None:
            out.CopyFrom(convert(value))

        return write

    def compile_reader(self, python_type: Any, engine: TypeEngine) -> Reader:
        read_value: Callable[..., Any] = self.to_python_value

        def read(literal: literals_pb2.Literal) -> Any:
            try:
                return read_value(_context(), literal, python_type)
            except TypeTransformerError:
                raise
            except (TypeError, ValueError, AssertionError) as exc:
                raise TypeTransformerError(
                    f"type transformer {self.name!r} cannot read the literal as "
                    f"{type_name(python_type)}: {exc}"
                ) from exc

        return read
