"""list[T] (``collection``), dict[str, T] (``map``) and other dicts (msgpack ``STRUCT``).

* ``list[T]`` is a ``LiteralType.collection_type`` and a ``LiteralCollection``; a bare ``list``
  is refused, as flytekit does: the item type is needed to read the items back.
* ``dict[str, T]`` is a ``map_value_type`` and a ``LiteralMap``.
* ``dict``, ``dict[int, T]`` and other dicts whose keys are not ``str`` are a ``STRUCT``
  announcing msgpack in its annotation, holding ``scalar.binary{msgpack bytes, tag
  "msgpack"}``, exactly as flytekit 1.14+ writes them. Values of an untyped dict must be
  msgpack-encodable as they are (numbers, strings, lists, dicts, ...).
* tuples are refused with a clear error, as flytekit does.

Lists and maps of ``int``/``float``/``str``/``bool`` have loops of their own that write
straight into the protobuf message: a 10k-element ``list[int]`` is the budgeted case.
"""

from __future__ import annotations

import itertools
import operator
import struct
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, get_args, get_origin

from featherkit.types._common import (
    MSGPACK,
    BuiltinTransformer,
    LiteralType,
    SimpleType,
    generic_payload,
    msgpack_payload,
    msgpack_struct_type,
    read_other,
    strip_annotated,
)
from featherkit.types._wire import (
    float_collection_bytes,
    float_values,
    int_collection_bytes,
    int_values,
)
from featherkit.types.base import Reader, Writer
from featherkit.types.codec import Codec, pack, unpack
from featherkit.types.errors import (
    TypeTransformerError,
    literal_mismatch,
    mismatch,
    short_repr,
    type_name,
)
from featherkit.types.primitives import (
    BoolTransformer,
    FloatTransformer,
    IntTransformer,
    StrTransformer,
)

if TYPE_CHECKING:
    from flyteidl.core import literals_pb2, types_pb2

    from featherkit.types.engine import TypeEngine


# For each primitive: the oneof field name and the exact Python type the fast loops accept.
_FAST_PRIMITIVES: dict[type, tuple[str, type]] = {
    IntTransformer: ("integer", int),
    FloatTransformer: ("float_value", float),
    StrTransformer: ("string_value", str),
    BoolTransformer: ("boolean", bool),
}


# Lists at least this long are encoded in bulk (see _wire); shorter ones item by item.
_BULK_THRESHOLD = 16
_BULK_ENCODERS: dict[type, Callable[[list[Any]], bytes]] = {
    int: int_collection_bytes,
    float: float_collection_bytes,
}
_BULK_DECODERS: dict[type, Callable[[Any], list[Any] | None]] = {
    int: int_values,
    float: float_values,
}


def _fast_primitive(engine: TypeEngine, item_type: Any) -> tuple[str, type] | None:
    """The fast-loop parameters when ``item_type`` is handled by one of core's primitives."""
    transformer = engine.get_transformer(item_type)
    found = _FAST_PRIMITIVES.get(type(transformer))
    if found is not None and strip_annotated(item_type) is found[1]:
        return found
    return None


class ListTransformer(BuiltinTransformer[list[Any]]):
    name = "Typed List"
    python_type = list

    def __init__(self) -> None:
        super().__init__()
        self._codec = Codec(self.engine)

    @staticmethod
    def item_type(python_type: Any) -> Any:
        args = get_args(strip_annotated(python_type))
        if not args:
            raise TypeTransformerError(
                f"{type_name(python_type)} has no item type: declare list[T] so that the items "
                "can be read back"
            )
        return args[0]

    def literal_type_for(self, python_type: Any, engine: TypeEngine) -> types_pb2.LiteralType:
        lt = LiteralType()
        lt.collection_type.CopyFrom(engine.literal_type_of(self.item_type(python_type)))
        return lt

    def guess_with(self, literal_type: types_pb2.LiteralType, engine: TypeEngine) -> Any | None:
        if literal_type.WhichOneof("type") == "collection_type":
            return list[engine.guess_python_type(literal_type.collection_type)]  # type: ignore[misc]
        return None

    def compile_writer(
        self, python_type: Any, literal_type: types_pb2.LiteralType, engine: TypeEngine
    ) -> Writer:
        item = self.item_type(python_type)
        expected = type_name(strip_annotated(python_type))
        write_item = engine.writer(item)

        def write_checked(value: list[Any], out: literals_pb2.Literal) -> None:
            collection = out.collection
            collection.SetInParent()
            add = collection.literals.add
            for index, x in enumerate(value):
                try:
                    write_item(x, add())
                except TypeTransformerError as err:
                    raise err.add_parent(f"[{index}]") from None

        fast = _fast_primitive(engine, item)
        if fast is None:

            def write(value: Any, out: literals_pb2.Literal) -> None:
                if not isinstance(value, list):
                    raise mismatch(expected, value)
                write_checked(value, out)

            return write

        field, exact = fast
        bulk = _BULK_ENCODERS.get(exact)

        def write_fast(value: Any, out: literals_pb2.Literal) -> None:
            if not isinstance(value, list):
                raise mismatch(expected, value)
            # One C-speed pass over the item types, then a loop with no checks in it.
            kinds = set(map(type, value))
            if kinds and (len(kinds) != 1 or exact not in kinds):
                write_checked(value, out)
                return
            collection = out.collection
            collection.SetInParent()
            try:
                if bulk is not None and len(value) >= _BULK_THRESHOLD:
                    collection.MergeFromString(bulk(value))
                    return
                add = collection.literals.add
                for x in value:
                    setattr(add().scalar.primitive, field, x)
            except (ValueError, TypeError, OverflowError, struct.error):  # beyond 64 bits
                out.ClearField("collection")
                write_checked(value, out)

        return write_fast

    def compile_reader(self, python_type: Any, engine: TypeEngine) -> Reader:
        item = self.item_type(python_type)
        read_item = engine.reader(item)
        decode = self._codec.lazy_decoder(strip_annotated(python_type))
        json_decode = self._codec.lazy_decoder(strip_annotated(python_type), json_mode=True)

        def from_msgpack(payload: bytes) -> Any:
            return decode(unpack(payload))

        def read_checked(literals: Any) -> list[Any]:
            result = []
            for index, literal in enumerate(literals):
                try:
                    result.append(read_item(literal))
                except TypeTransformerError as err:
                    raise err.add_parent(f"[{index}]") from None
            return result

        def read_slow(literal: literals_pb2.Literal) -> Any:
            generic = generic_payload(literal)
            if generic is not None:
                return json_decode(generic)
            return read_other(literal, "a collection", read, from_msgpack)

        fast = _fast_primitive(engine, item)
        if fast is None:

            def read(literal: literals_pb2.Literal) -> Any:
                if literal.WhichOneof("value") == "collection":
                    return read_checked(literal.collection.literals)
                return read_slow(literal)

            return read

        field, exact = fast
        get_value = operator.attrgetter(f"scalar.primitive.{field}")
        bulk_read = _BULK_DECODERS.get(exact)

        def read_fast(literal: literals_pb2.Literal) -> Any:
            if literal.WhichOneof("value") != "collection":
                return read_slow(literal)
            collection = literal.collection
            literals = collection.literals
            if bulk_read is not None and len(literals) >= _BULK_THRESHOLD:
                values = bulk_read(collection)
                if values is not None:
                    return values
            # Reading an unset oneof member gives its default (0, 0.0, "", False), so a
            # truthy value proves the item holds the expected primitive; only a falsy one
            # needs the checked loop (which also reads e.g. 3.0 as 3, or reports the index).
            values = list(map(get_value, literals))
            if not all(values):
                for index in itertools.compress(itertools.count(), map(operator.not_, values)):
                    if literals[index].scalar.primitive.WhichOneof("value") != field:
                        return read_checked(literals)
            return values

        read = read_fast
        return read


class DictTransformer(BuiltinTransformer[dict[Any, Any]]):
    """``dict[str, T]`` as a literal map, any other dict as msgpack bytes."""

    name = "Typed Dict"
    python_type = dict

    def __init__(self) -> None:
        super().__init__()
        self._codec = Codec(self.engine)

    @staticmethod
    def key_value_types(python_type: Any) -> tuple[Any, Any] | None:
        """``(K, V)`` of ``dict[K, V]``, ``None`` for an untyped dict."""
        tp = strip_annotated(python_type)
        args = get_args(tp)
        if get_origin(tp) is not dict or len(args) != 2:
            return None
        return args[0], args[1]

    def _is_map(self, python_type: Any) -> bool:
        types = self.key_value_types(python_type)
        return types is not None and strip_annotated(types[0]) is str

    def literal_type_for(self, python_type: Any, engine: TypeEngine) -> types_pb2.LiteralType:
        types = self.key_value_types(python_type)
        if types is not None and strip_annotated(types[0]) is str:
            lt = LiteralType()
            lt.map_value_type.CopyFrom(engine.literal_type_of(types[1]))
            return lt
        return msgpack_struct_type()

    def guess_with(self, literal_type: types_pb2.LiteralType, engine: TypeEngine) -> Any | None:
        kind = literal_type.WhichOneof("type")
        if kind == "map_value_type":
            return dict[str, engine.guess_python_type(literal_type.map_value_type)]  # type: ignore[misc]
        if (
            kind == "simple"
            and literal_type.simple == SimpleType.STRUCT
            and not literal_type.HasField("metadata")  # a schema means a dataclass
        ):
            return dict
        return None

    def compile_writer(
        self, python_type: Any, literal_type: types_pb2.LiteralType, engine: TypeEngine
    ) -> Writer:
        expected = type_name(strip_annotated(python_type))
        if not self._is_map(python_type):
            encode = self._codec.encoder(strip_annotated(python_type))

            def write_binary(value: Any, out: literals_pb2.Literal) -> None:
                if not isinstance(value, dict):
                    raise mismatch(expected, value)
                binary = out.scalar.binary
                binary.value = pack(encode(value))
                binary.tag = MSGPACK

            return write_binary

        types = self.key_value_types(python_type)
        assert types is not None
        value_type = types[1]
        write_value = engine.writer(value_type)

        def write_checked(value: dict[Any, Any], out: literals_pb2.Literal) -> None:
            literal_map = out.map
            literal_map.SetInParent()
            literals = literal_map.literals
            for key, x in value.items():
                if not isinstance(key, str):
                    err = mismatch("str keys (Flyte maps are keyed by strings)", key)
                    raise err.add_parent(f"[{short_repr(key)}]")
                try:
                    write_value(x, literals[key])
                except TypeTransformerError as err:
                    raise err.add_parent(f"[{short_repr(key)}]") from None

        fast = _fast_primitive(engine, value_type)
        if fast is None:

            def write(value: Any, out: literals_pb2.Literal) -> None:
                if not isinstance(value, dict):
                    raise mismatch(expected, value)
                write_checked(value, out)

            return write

        field, exact = fast

        def write_fast(value: Any, out: literals_pb2.Literal) -> None:
            if not isinstance(value, dict):
                raise mismatch(expected, value)
            literal_map = out.map
            literal_map.SetInParent()
            literals = literal_map.literals
            kinds = set(map(type, value.values()))
            if kinds and (len(kinds) != 1 or exact not in kinds):
                out.ClearField("map")
                write_checked(value, out)
                return
            try:
                for key, x in value.items():
                    setattr(literals[key].scalar.primitive, field, x)
            except (ValueError, TypeError):  # a non-str key, an int beyond 64 bits
                out.ClearField("map")
                write_checked(value, out)

        return write_fast

    def compile_reader(self, python_type: Any, engine: TypeEngine) -> Reader:
        tp = strip_annotated(python_type)
        decode = self._codec.lazy_decoder(tp)
        json_decode = self._codec.lazy_decoder(tp, json_mode=True)

        def read_slow(literal: literals_pb2.Literal, expected: str, read: Reader) -> Any:
            generic = generic_payload(literal)
            if generic is not None:
                return json_decode(generic)
            return read_other(literal, expected, read, lambda payload: decode(unpack(payload)))

        if not self._is_map(python_type):

            def read_binary(literal: literals_pb2.Literal) -> Any:
                payload = msgpack_payload(literal)
                if payload is not None:
                    return decode(unpack(payload))
                if literal.WhichOneof("value") == "map":
                    raise literal_mismatch(
                        f"msgpack bytes for {type_name(tp)} (a literal map needs dict[str, T])",
                        literal,
                    )
                return read_slow(literal, "msgpack bytes (scalar.binary)", read_binary)

            return read_binary

        types = self.key_value_types(python_type)
        assert types is not None
        read_value = engine.reader(types[1])

        def read_checked(literals: Any) -> dict[str, Any]:
            result = {}
            for key, x in literals.items():
                try:
                    result[key] = read_value(x)
                except TypeTransformerError as err:
                    raise err.add_parent(f"[{short_repr(key)}]") from None
            return result

        def read_map(literal: literals_pb2.Literal) -> Any:
            if literal.WhichOneof("value") != "map":
                return read_slow(literal, "a map", read_map)
            return read_checked(literal.map.literals)

        fast = _fast_primitive(engine, types[1])
        if fast is None:
            return read_map
        field = fast[0]
        get_value = operator.attrgetter(f"scalar.primitive.{field}")

        def read_map_fast(literal: literals_pb2.Literal) -> Any:
            if literal.WhichOneof("value") != "map":
                return read_slow(literal, "a map", read_map_fast)
            literals = literal.map.literals
            keys = list(literals)
            values = list(map(get_value, map(literals.__getitem__, keys)))
            if not all(values):  # see ListTransformer: only falsy values need a check
                for index in itertools.compress(itertools.count(), map(operator.not_, values)):
                    if literals[keys[index]].scalar.primitive.WhichOneof("value") != field:
                        return read_checked(literals)
            return dict(zip(keys, values))

        return read_map_fast


class TupleTransformer(BuiltinTransformer[tuple[Any, ...]]):
    """Refuses tuples with a clear error, as flytekit does (Flyte has no tuple type).

    Tuples are fine inside dataclasses, which encode them as lists.
    """

    name = "non typed tuple"
    python_type = tuple

    def _refuse(self, python_type: Any) -> TypeTransformerError:
        return TypeTransformerError(
            f"{type_name(python_type)} is not a Flyte type: use a list, a dataclass, or several "
            "named outputs (a NamedTuple return annotation) instead"
        )

    def literal_type_for(self, python_type: Any, engine: TypeEngine) -> types_pb2.LiteralType:
        raise self._refuse(python_type)

    def compile_writer(
        self, python_type: Any, literal_type: types_pb2.LiteralType, engine: TypeEngine
    ) -> Writer:
        raise self._refuse(python_type)

    def compile_reader(self, python_type: Any, engine: TypeEngine) -> Reader:
        raise self._refuse(python_type)
