"""What core's builtin transformers share: protobuf classes, wire constants, a base class."""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, get_args, get_origin

from flyteidl.core import literals_pb2, types_pb2

from featherkit.types.base import Reader, ToLiteral, TypeTransformer, Writer, standalone_engine
from featherkit.types.errors import TypeTransformerError, literal_mismatch

if TYPE_CHECKING:
    from featherkit.types.engine import TypeEngine

T = TypeVar("T")

Literal = literals_pb2.Literal
LiteralType = types_pb2.LiteralType
SimpleType = types_pb2.SimpleType

#: ``Binary.tag`` of msgpack-encoded values, and the serialization format flytekit announces
#: in the literal type's annotation.
MSGPACK = "msgpack"
CACHE_KEY_METADATA = "cache-key-metadata"
SERIALIZATION_FORMAT = "serialization-format"


def simple_type(simple: int) -> types_pb2.LiteralType:
    return LiteralType(simple=simple)


def msgpack_struct_type() -> types_pb2.LiteralType:
    """``STRUCT`` announcing msgpack content, as flytekit 1.14+ declares untyped dicts."""
    lt = LiteralType(simple=SimpleType.STRUCT)
    annotate_msgpack(lt)
    return lt


def annotate_msgpack(lt: types_pb2.LiteralType) -> None:
    lt.annotation.annotations.update({CACHE_KEY_METADATA: {SERIALIZATION_FORMAT: MSGPACK}})


def strip_annotated(tp: Any) -> Any:
    """``T`` for ``Annotated[T, ...]`` (nested too), else ``tp``."""
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    return tp


def unwrap_union_literal(literal: literals_pb2.Literal) -> literals_pb2.Literal | None:
    """The value inside a ``scalar.union`` literal, or ``None`` when it is no union.

    A reader of a non-union type accepts a union literal holding a fitting value, so that a
    task whose output became ``Optional`` can still feed one that takes the plain type.
    """
    if literal.WhichOneof("value") == "scalar" and literal.scalar.WhichOneof("value") == "union":
        return literal.scalar.union.value
    return None


def msgpack_payload(literal: literals_pb2.Literal) -> bytes | None:
    """The bytes of a ``scalar.binary`` literal tagged msgpack, or ``None``.

    Flyte's propeller produces such literals when it resolves an attribute of a dataclass
    (``dc.field``) for a downstream task, whatever the field's type.
    """
    if literal.WhichOneof("value") == "scalar" and literal.scalar.WhichOneof("value") == "binary":
        binary = literal.scalar.binary
        if binary.tag != MSGPACK:
            raise TypeTransformerError(
                f"cannot read a binary literal tagged {binary.tag!r}; only {MSGPACK!r} is known"
            )
        return bytes(binary.value)
    return None


class BuiltinTransformer(TypeTransformer[T]):
    """Base of core's transformers: they implement the compiled protocol natively.

    Subclasses implement :meth:`literal_type_for`, :meth:`compile_writer` and
    :meth:`compile_reader`; the flytekit-shaped methods are derived from those, using the
    engine this transformer was last registered with (or a private default engine).
    """

    _engine: TypeEngine | None = None

    def bind(self, engine: TypeEngine) -> None:
        self._engine = engine

    def engine(self) -> TypeEngine:
        """The engine for calls that do not pass one (the flytekit-shaped methods)."""
        if self._engine is None:
            return standalone_engine()
        return self._engine

    def get_literal_type(self, python_type: Any) -> types_pb2.LiteralType:
        return self.literal_type_for(python_type, self.engine())

    def guess_python_type(self, literal_type: types_pb2.LiteralType) -> Any | None:
        return self.guess_with(literal_type, self.engine())

    def guess_with(self, literal_type: types_pb2.LiteralType, engine: TypeEngine) -> Any | None:
        return None

    def to_literal(
        self, value: Any, python_type: Any, expected: types_pb2.LiteralType | None = None
    ) -> literals_pb2.Literal:
        engine = self.engine()
        if expected is None:
            expected = self.literal_type_for(python_type, engine)
        return self.compile_to_literal(python_type, expected, engine)(value)

    def to_python_value(self, literal: literals_pb2.Literal, python_type: Any) -> Any:
        return self.compile_reader(python_type, self.engine())(literal)

    def compile_to_literal(
        self, python_type: Any, literal_type: types_pb2.LiteralType, engine: TypeEngine
    ) -> ToLiteral:
        write = self.compile_writer(python_type, literal_type, engine)
        new_literal = Literal

        def convert(value: Any) -> literals_pb2.Literal:
            out = new_literal()
            write(value, out)
            return out

        return convert

    @abc.abstractmethod
    def compile_writer(
        self, python_type: Any, literal_type: types_pb2.LiteralType, engine: TypeEngine
    ) -> Writer:
        """A function writing a value of ``python_type`` into a given Literal."""

    @abc.abstractmethod
    def compile_reader(self, python_type: Any, engine: TypeEngine) -> Reader:
        """A function reading a value of ``python_type`` from a Literal."""


def read_other(
    literal: literals_pb2.Literal,
    expected: str,
    read: Reader,
    from_msgpack: Any = None,
) -> Any:
    """The slow path shared by readers: a union-wrapped value or a msgpack attribute value.

    ``read`` is the reader being run (applied to the union's inner value);
    ``from_msgpack(bytes)`` decodes a msgpack payload, when the type supports one.
    """
    inner = unwrap_union_literal(literal)
    if inner is not None:
        return read(inner)
    if from_msgpack is not None:
        payload = msgpack_payload(literal)
        if payload is not None:
            return from_msgpack(payload)
    raise literal_mismatch(expected, literal)


def struct_to_python(struct: Any) -> Any:
    """A ``google.protobuf.Struct`` as plain Python (numbers are floats, as in JSON)."""
    from google.protobuf import json_format

    return json_format.MessageToDict(struct)


def generic_payload(literal: literals_pb2.Literal) -> Any:
    """The plain value of a ``scalar.generic`` literal (flytekit's older JSON form), or ``None``."""
    if literal.WhichOneof("value") == "scalar" and literal.scalar.WhichOneof("value") == "generic":
        return struct_to_python(literal.scalar.generic)
    return None
