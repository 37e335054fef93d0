"""``typing.Literal["a", "b"]``: the values' simple type, annotated with the allowed values.

As flytekit 1.16: the literal type is the base type's ``simple`` type (all values must share
one of str, int, float, bool, datetime, timedelta) with the annotation
``{"literal_values": [...]}``; the literal is the base type's. Unlike flytekit, a value
outside the allowed ones is refused, when written and when read.
"""

from __future__ import annotations

import typing
from typing import TYPE_CHECKING, Any, get_args

from featherkit.types._common import BuiltinTransformer, LiteralType, SimpleType, strip_annotated
from featherkit.types.base import Reader, Writer
from featherkit.types.errors import TypeTransformerError, mismatch, type_name

if TYPE_CHECKING:
    from flyteidl.core import literals_pb2, types_pb2

    from featherkit.types.engine import TypeEngine


def _simple_types() -> dict[type, int]:
    import datetime

    return {
        str: SimpleType.STRING,
        int: SimpleType.INTEGER,
        float: SimpleType.FLOAT,
        bool: SimpleType.BOOLEAN,
        datetime.datetime: SimpleType.DATETIME,
        datetime.timedelta: SimpleType.DURATION,
    }


class ChoicesTransformer(BuiltinTransformer[Any]):
    name = "LiteralTypeTransformer"
    python_type = typing.Literal

    @staticmethod
    def values_and_base(python_type: Any) -> tuple[tuple[Any, ...], type]:
        values = get_args(strip_annotated(python_type))
        if not values:
            raise TypeTransformerError(f"{type_name(python_type)} has no values")
        base = type(values[0])
        if any(type(v) is not base for v in values) or base not in _simple_types():
            raise TypeTransformerError(
                f"{type_name(python_type)}: the values must all be of one of the types str, "
                "int, float, bool, datetime, timedelta"
            )
        return values, base

    def literal_type_for(self, python_type: Any, engine: TypeEngine) -> types_pb2.LiteralType:
        values, base = self.values_and_base(python_type)
        lt = LiteralType(simple=_simple_types()[base])
        lt.annotation.annotations.update({"literal_values": list(values)})
        return lt

    def guess_with(self, literal_type: types_pb2.LiteralType, engine: TypeEngine) -> Any | None:
        if "literal_values" not in literal_type.annotation.annotations.fields:
            return None
        values = list(literal_type.annotation.annotations["literal_values"])
        if literal_type.simple == SimpleType.INTEGER:
            values = [int(v) for v in values]
        return typing.Literal[tuple(values)]

    def compile_writer(
        self, python_type: Any, literal_type: types_pb2.LiteralType, engine: TypeEngine
    ) -> Writer:
        values, base = self.values_and_base(python_type)
        write_base = engine.writer(base)
        expected = f"one of {list(values)}"

        def write(value: Any, out: literals_pb2.Literal) -> None:
            if type(value) is not base or value not in values:
                raise mismatch(expected, value)
            write_base(value, out)

        return write

    def compile_reader(self, python_type: Any, engine: TypeEngine) -> Reader:
        values, base = self.values_and_base(python_type)
        read_base = engine.reader(base)
        expected = f"one of {list(values)}"

        def read(literal: literals_pb2.Literal) -> Any:
            value = read_base(literal)
            if value not in values:
                raise mismatch(expected, value)
            return value

        return read
