"""The base class every type transformer derives from.

A transformer converts between values of one kind of Python type and Flyte literals. Plugins
subclass :class:`TypeTransformer` and implement the four methods flytekit users know
(``get_literal_type``, ``to_literal``, ``to_python_value``, optionally ``guess_python_type``).

The engine talks to a transformer through a second, *compiled* protocol (``compile_*`` and the
``*_for``/``*_with`` methods below). Its defaults simply call the four public methods, so a
plugin never has to know about it; core's builtins override it to turn a Python type into a
ready-made converter function once, instead of inspecting the type on every call. That is
where the speed of a ``list[int]`` round trip comes from.

This module must stay free of protobuf imports: ``import featherkit.types`` is cheap.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from flyteidl.core import literals_pb2, types_pb2

    from featherkit.types.engine import TypeEngine

T = TypeVar("T")

#: Writes a value into an existing (empty) ``Literal`` message in place.
Writer = Callable[[Any, "literals_pb2.Literal"], None]
#: Converts a value to a new ``Literal``.
ToLiteral = Callable[[Any], "literals_pb2.Literal"]
#: Converts a ``Literal`` to a value.
Reader = Callable[["literals_pb2.Literal"], Any]


class TypeTransformer(abc.ABC, Generic[T]):
    """Converts values of ``python_type`` to Flyte literals and back.

    ``name`` is what flytekit calls the transformer's name: it is written on the wire as the
    ``structure.tag`` of a union variant, so a transformer that handles a type flytekit also
    handles must use flytekit's name for it (``"int"``, ``"str"``, ``"none"``,
    ``"Typed List"``, ``"Object-Dataclass-Transformer"``, ...), or union values will not
    cross between the two.

    A transformer is found for a type by exact ``python_type`` (or the type's generic origin,
    ``list`` for ``list[int]``) unless it overrides :meth:`matches`, in which case the engine
    asks it about every type that no exact registration claims (this is how dataclasses and
    enums are handled).
    """

    name: str = ""
    python_type: Any = None
    #: The engine uses a transformer with this flag as its fallback for unknown types.
    is_fallback: bool = False
    #: Set by core's enum and dataclass transformers, whose plain form the codec writes
    #: itself; any other transformer is asked for its plain form (``plain_encoder``).
    codec_native: bool = False

    def __init__(self, name: str | None = None, python_type: Any = None) -> None:
        if name is not None:
            self.name = name
        if python_type is not None:
            self.python_type = python_type
        if not self.name:
            self.name = type(self).__name__

    # -- the public, flytekit-shaped protocol -------------------------------------------------

    def matches(self, python_type: Any) -> bool:
        """Whether this transformer handles ``python_type`` (default: it is ``python_type``)."""
        return python_type is self.python_type

    @abc.abstractmethod
    def get_literal_type(self, python_type: Any) -> types_pb2.LiteralType:
        """The Flyte ``LiteralType`` for ``python_type``."""

    @abc.abstractmethod
    def to_literal(
        self, value: Any, python_type: Any, expected: types_pb2.LiteralType
    ) -> literals_pb2.Literal:
        """Convert ``value`` (declared as ``python_type``) to a ``Literal``.

        ``expected`` is the literal type of ``python_type``, shared with the engine's cache:
        read it, never modify it. Raise :class:`~featherkit.types.TypeTransformerError` when
        the value does not fit.
        """

    @abc.abstractmethod
    def to_python_value(self, literal: literals_pb2.Literal, python_type: Any) -> Any:
        """Convert ``literal`` to a value of ``python_type``."""

    def to_html(self, value: Any, python_type: Any) -> str:
        """An HTML fragment showing ``value`` (used by decks)."""
        import html  # only decks need it: keep it out of import time

        return html.escape(repr(value))

    def guess_python_type(self, literal_type: types_pb2.LiteralType) -> Any | None:
        """Best-effort reverse mapping from a ``LiteralType``; ``None`` when not this one's."""
        return None

    # -- the engine's compiled protocol (optional to override) --------------------------------

    def literal_type_for(self, python_type: Any, engine: TypeEngine) -> types_pb2.LiteralType:
        """``get_literal_type`` with the engine at hand (containers need it for their items)."""
        return self.get_literal_type(python_type)

    def guess_with(self, literal_type: types_pb2.LiteralType, engine: TypeEngine) -> Any | None:
        """``guess_python_type`` with the engine at hand."""
        return self.guess_python_type(literal_type)

    def compile_to_literal(
        self, python_type: Any, literal_type: types_pb2.LiteralType, engine: TypeEngine
    ) -> ToLiteral:
        """A function converting values of ``python_type`` to literals; built once per type."""
        to_literal = self.to_literal

        def convert(value: Any) -> literals_pb2.Literal:
            return to_literal(value, python_type, literal_type)

        return convert

    def compile_writer(
        self, python_type: Any, literal_type: types_pb2.LiteralType, engine: TypeEngine
    ) -> Writer:
        """Like :meth:`compile_to_literal`, writing into a given message (for containers)."""
        to_literal = self.to_literal

        def write(value: Any, out: literals_pb2.Literal) -> None:
            out.CopyFrom(to_literal(value, python_type, literal_type))

        return write

    def compile_reader(self, python_type: Any, engine: TypeEngine) -> Reader:
        """A function converting literals to values of ``python_type``; built once per type."""
        to_python_value = self.to_python_value

        def read(literal: literals_pb2.Literal) -> Any:
            return to_python_value(literal, python_type)

        return read

    # -- the plain form (inside dataclasses and non-str dict keys) ---------------------------

    def plain_encoder(self, python_type: Any, engine: TypeEngine) -> Callable[[Any], Any]:
        """A function giving a value's *plain* form (what msgpack/JSON hold) inside a
        dataclass; the default goes through the literal (see :mod:`featherkit.types.plain`)."""
        from featherkit.types.plain import default_plain_encoder

        return default_plain_encoder(self, python_type, engine)

    def plain_decoder(self, python_type: Any, engine: TypeEngine) -> Callable[[Any], Any]:
        """The way back from :meth:`plain_encoder`'s form (also given JSON's form)."""
        from featherkit.types.plain import default_plain_decoder

        return default_plain_decoder(self, python_type, engine)

    def plain_schema(self, python_type: Any, engine: TypeEngine) -> dict[str, Any]:
        """The JSON schema of a dataclass field of this type (as flytekit's mashumaro
        writes it); the default is derived from the literal type."""
        from featherkit.types.plain import default_plain_schema

        return default_plain_schema(self, python_type, engine)

    def bind(self, engine: TypeEngine) -> None:
        """Called by :meth:`TypeEngine.register`; the default does nothing."""

    def __repr__(self) -> str:
        return f"<{type(self).__qualname__} {self.name!r}>"


#: the engine of transformer methods called outside any engine (flytekit-shaped calls such as
#: ``IntTransformer().to_literal(...)``): :mod:`featherkit.types.defaults`, which the package
#: imports, provides it, as the builtin transformers it holds sit above this module
_standalone_engine: Callable[[], TypeEngine] | None = None


def set_standalone_engine(source: Callable[[], TypeEngine]) -> None:
    """Set where :func:`standalone_engine` gets its engine (done by ``types.defaults``)."""
    global _standalone_engine
    _standalone_engine = source


def standalone_engine() -> TypeEngine:
    """The engine with only the builtins, for transformers not registered in one."""
    if _standalone_engine is None:
        raise RuntimeError(
            "no standalone type engine: featherkit.types.defaults was not imported"
        )
    return _standalone_engine()


def qualified_name(obj: object) -> str:
    """``module.Qualname`` of an object's class, used to name transformers in errors."""
    cls = type(obj)
    return f"{cls.__module__}.{cls.__qualname__}"
