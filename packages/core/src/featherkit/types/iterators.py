"""``Iterator[T]``: a stream of values travels as a ``collection`` of ``T``, as in flytekit.

A task declaring ``-> Iterator[int]`` (a generator, usually) has the literal type of
``list[int]``: the values are drawn from the iterator when the outputs are converted and
written as one ``LiteralCollection``. Reading the literal gives back an iterator over the
values (flytekit gives its ``FlyteIterator``, which iterates the same values). The union tag
is flytekit's name for it, ``Typed Iterator``.
"""

from __future__ import annotations

import collections.abc
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, get_args

from featherkit.types._common import BuiltinTransformer, LiteralType, strip_annotated
from featherkit.types.errors import TypeTransformerError, mismatch, type_name

if TYPE_CHECKING:
    from flyteidl.core import literals_pb2, types_pb2

    from featherkit.types.base import Reader, Writer
    from featherkit.types.engine import TypeEngine


class IteratorTransformer(BuiltinTransformer[Iterator[Any]]):
    name = "Typed Iterator"
    python_type = collections.abc.Iterator

    @staticmethod
    def item_type(python_type: Any) -> Any:
        args = get_args(strip_annotated(python_type))
        if not args:
            raise TypeTransformerError(
                f"{type_name(python_type)} has no item type: declare Iterator[T] so that the "
                "items can be read back"
            )
        return args[0]

    def literal_type_for(self, python_type: Any, engine: TypeEngine) -> types_pb2.LiteralType:
        lt = LiteralType()
        lt.collection_type.CopyFrom(engine.literal_type_of(self.item_type(python_type)))
        return lt

    def compile_writer(
        self, python_type: Any, literal_type: types_pb2.LiteralType, engine: TypeEngine
    ) -> Writer:
        write_list = engine.writer(list[self.item_type(python_type)])  # type: ignore[misc]
        expected = f"an iterator ({type_name(strip_annotated(python_type))})"

        def write(value: Any, out: literals_pb2.Literal) -> None:
            if isinstance(value, (str, bytes, dict)) or not isinstance(
                value, collections.abc.Iterable
            ):
                raise mismatch(expected, value)
            write_list(list(value), out)

        return write

    def compile_reader(self, python_type: Any, engine: TypeEngine) -> Reader:
        read_list = engine.reader(list[self.item_type(python_type)])  # type: ignore[misc]

        def read(literal: literals_pb2.Literal) -> Any:
            return iter(read_list(literal))

        return read
