"""Enum with string values: ``enum_type{values}`` and a ``primitive.string_value`` literal.

Flyte's enum type holds strings only, so an enum with other values is refused with a clear
error (flytekit checks only the first value; featherkit checks all). A member or its string
value may be passed; reading gives the member. Enums with ``str`` mixed in (``class C(str,
Enum)``) are enums here, not strings, as in flytekit.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

from featherkit.types._common import BuiltinTransformer, LiteralType, read_other, strip_annotated
from featherkit.types.base import Reader, Writer
from featherkit.types.codec import Codec, unpack
from featherkit.types.errors import TypeTransformerError, mismatch, type_name

if TYPE_CHECKING:
    from flyteidl.core import literals_pb2, types_pb2

    from featherkit.types.engine import TypeEngine


class EnumTransformer(BuiltinTransformer[enum.Enum]):
    name = "DefaultEnumTransformer"
    codec_native = True
    python_type = enum.Enum

    def __init__(self) -> None:
        super().__init__()
        self._codec = Codec(self.engine)

    def matches(self, python_type: Any) -> bool:
        return isinstance(python_type, type) and issubclass(python_type, enum.Enum)

    @staticmethod
    def _enum_class(python_type: Any) -> type[enum.Enum]:
        cls = strip_annotated(python_type)
        values = [member.value for member in cls]
        bad = [v for v in values if not isinstance(v, str)]
        if bad or not values:
            raise TypeTransformerError(
                f"{type_name(cls)} cannot be a Flyte enum: Flyte enums hold string values only "
                f"(found {bad[0]!r})"
                if bad
                else f"{type_name(cls)} has no members"
            )
        return cls  # type: ignore[no-any-return]

    def literal_type_for(self, python_type: Any, engine: TypeEngine) -> types_pb2.LiteralType:
        cls = self._enum_class(python_type)
        lt = LiteralType()
        lt.enum_type.values.extend(member.value for member in cls)
        return lt

    def guess_with(self, literal_type: types_pb2.LiteralType, engine: TypeEngine) -> Any | None:
        if literal_type.WhichOneof("type") != "enum_type":
            return None
        values = list(literal_type.enum_type.values)
        return enum.Enum("DynamicEnum", {v: v for v in values})

    def compile_writer(
        self, python_type: Any, literal_type: types_pb2.LiteralType, engine: TypeEngine
    ) -> Writer:
        cls = self._enum_class(python_type)
        values = frozenset(member.value for member in cls)
        expected = f"a member of {type_name(cls)} (or one of its values {sorted(values)})"

        def write(value: Any, out: literals_pb2.Literal) -> None:
            if isinstance(value, cls):
                out.scalar.primitive.string_value = value.value
            elif type(value) is str and value in values:
                out.scalar.primitive.string_value = value
            else:
                raise mismatch(expected, value)

        return write

    def compile_reader(self, python_type: Any, engine: TypeEngine) -> Reader:
        cls = self._enum_class(python_type)
        decode = self._codec.decoder(cls)

        def from_msgpack(payload: bytes) -> Any:
            return decode(unpack(payload))

        def read(literal: literals_pb2.Literal) -> Any:
            primitive = literal.scalar.primitive
            if primitive.WhichOneof("value") == "string_value":
                return decode(primitive.string_value)
            return read_other(literal, f"a string value of {type_name(cls)}", read, from_msgpack)

        return read
