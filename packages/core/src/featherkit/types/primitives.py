"""int, float, str, bool and None: ``scalar.primitive`` / ``scalar.none_type`` literals.

Validation follows flytekit where it protects data and is friendlier where it cannot hurt:

* ``bool`` is not accepted for ``int`` or ``float`` (flytekit refuses it too): ``True`` for a
  count is almost always a bug.
* an ``int`` is accepted for ``float`` and written as a float. flytekit refuses it; Python's
  typing accepts it, and the literal is exactly what flytekit writes for the float.
* subclasses (an ``IntEnum`` member for ``int``, a ``str``-mixin enum for ``str``) are
  written as their plain base value; flytekit requires the exact type.

Reading: an integer literal reads as ``float``; a float literal reads as ``int`` when it is
integral (Flyte's console sends ``3.0`` for ``3``). flytekit truncates a non-integral float;
featherkit refuses it rather than lose data silently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from featherkit.types._common import (
    BuiltinTransformer,
    LiteralType,
    SimpleType,
    read_other,
)
from featherkit.types.base import Reader, Writer
from featherkit.types.codec import Codec, unpack
from featherkit.types.errors import TypeTransformerError, mismatch

if TYPE_CHECKING:
    from flyteidl.core import literals_pb2, types_pb2

    from featherkit.types.engine import TypeEngine

_NoneType = type(None)


class SimpleTransformer(BuiltinTransformer[Any]):
    """A transformer whose literal type is one ``SimpleType``; each subclass names the plain
    function that writes its values as ``write`` (one function, whatever the python type)."""

    simple: int = SimpleType.NONE
    write: ClassVar[staticmethod[[Any, literals_pb2.Literal], None]]

    def compile_writer(
        self, python_type: Any, literal_type: types_pb2.LiteralType, engine: TypeEngine
    ) -> Writer:
        return self.write

    def __init__(self) -> None:
        super().__init__()
        self._codec = Codec(self.engine)

    def literal_type_for(self, python_type: Any, engine: TypeEngine) -> types_pb2.LiteralType:
        return LiteralType(simple=self.simple)

    def guess_with(self, literal_type: types_pb2.LiteralType, engine: TypeEngine) -> Any | None:
        if literal_type.WhichOneof("type") == "simple" and literal_type.simple == self.simple:
            return self.python_type
        return None

    def _from_msgpack(self, payload: bytes) -> Any:
        return self._codec.decoder(self.python_type)(unpack(payload))


def write_int(value: Any, out: literals_pb2.Literal) -> None:
    if type(value) is not int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise mismatch("int", value)
        value = int(value)
    try:
        out.scalar.primitive.integer = value
    except ValueError:  # protobuf checks the range of an int64 field (no check here first)
        raise mismatch("int within the 64-bit range of a Flyte integer", value) from None


class IntTransformer(SimpleTransformer):
    name = "int"
    python_type = int
    simple = SimpleType.INTEGER
    write = staticmethod(write_int)

    def compile_reader(self, python_type: Any, engine: TypeEngine) -> Reader:
        from_msgpack = self._from_msgpack

        def read(literal: literals_pb2.Literal) -> Any:
            primitive = literal.scalar.primitive
            kind = primitive.WhichOneof("value")
            if kind == "integer":
                return primitive.integer
            if kind == "float_value":
                number = primitive.float_value
                if number.is_integer():
                    return int(number)
                raise TypeTransformerError(
                    f"expected an integer, received the non-integral float {number!r}",
                    expected="int",
                    received=f"float {number!r}",
                )
            return read_other(literal, "an integer", read, from_msgpack)

        return read


def write_float(value: Any, out: literals_pb2.Literal) -> None:
    if type(value) is not float:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise mismatch("float", value)
        value = float(value)
    out.scalar.primitive.float_value = value


class FloatTransformer(SimpleTransformer):
    name = "float"
    python_type = float
    simple = SimpleType.FLOAT
    write = staticmethod(write_float)

    def compile_reader(self, python_type: Any, engine: TypeEngine) -> Reader:
        from_msgpack = self._from_msgpack

        def read(literal: literals_pb2.Literal) -> Any:
            primitive = literal.scalar.primitive
            kind = primitive.WhichOneof("value")
            if kind == "float_value":
                return primitive.float_value
            if kind == "integer":
                return float(primitive.integer)
            return read_other(literal, "a float", read, from_msgpack)

        return read


def write_str(value: Any, out: literals_pb2.Literal) -> None:
    if type(value) is not str:
        if not isinstance(value, str):
            raise mismatch("str", value)
        value = str.__str__(value)
    out.scalar.primitive.string_value = value


class StrTransformer(SimpleTransformer):
    name = "str"
    python_type = str
    simple = SimpleType.STRING
    write = staticmethod(write_str)

    def compile_reader(self, python_type: Any, engine: TypeEngine) -> Reader:
        from_msgpack = self._from_msgpack

        def read(literal: literals_pb2.Literal) -> Any:
            primitive = literal.scalar.primitive
            if primitive.WhichOneof("value") == "string_value":
                return primitive.string_value
            return read_other(literal, "a string", read, from_msgpack)

        return read


def write_bool(value: Any, out: literals_pb2.Literal) -> None:
    if value is not True and value is not False:
        raise mismatch("bool", value)
    out.scalar.primitive.boolean = value


class BoolTransformer(SimpleTransformer):
    name = "bool"
    python_type = bool
    simple = SimpleType.BOOLEAN
    write = staticmethod(write_bool)

    def compile_reader(self, python_type: Any, engine: TypeEngine) -> Reader:
        from_msgpack = self._from_msgpack

        def read(literal: literals_pb2.Literal) -> Any:
            primitive = literal.scalar.primitive
            if primitive.WhichOneof("value") == "boolean":
                return primitive.boolean
            return read_other(literal, "a boolean", read, from_msgpack)

        return read


def write_none(value: Any, out: literals_pb2.Literal) -> None:
    if value is not None:
        raise mismatch("None", value)
    out.scalar.none_type.SetInParent()


class NoneTransformer(SimpleTransformer):
    """``None`` (``NoneType``): flytekit's ``Void`` literal, tag ``none`` in unions."""

    name = "none"
    python_type = _NoneType
    simple = SimpleType.NONE
    write = staticmethod(write_none)

    def compile_reader(self, python_type: Any, engine: TypeEngine) -> Reader:
        from_msgpack = self._from_msgpack

        def read(literal: literals_pb2.Literal) -> Any:
            if literal.scalar.WhichOneof("value") == "none_type":
                return None
            return read_other(literal, "none (scalar.none_type)", read, from_msgpack)

        return read


