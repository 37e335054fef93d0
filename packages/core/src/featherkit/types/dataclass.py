"""Dataclasses: a msgpack ``STRUCT``, as flytekit 1.14+ writes them.

The literal type is ``simple: STRUCT`` with

* ``metadata``: the class's JSON schema in mashumaro's shape (:mod:`.schema`), which Flyte's
  console and ``pyflyte run`` use for forms;
* ``structure.dataclass_type``: each field's literal type, which propeller uses to resolve
  attribute access (``dc.field``) between tasks; a field whose type has no literal type (a
  tuple, a recursive reference) is left out, as flytekit leaves it out;
* ``annotation``: ``cache-key-metadata.serialization-format = msgpack``.

The literal is ``scalar.binary{value: msgpack bytes, tag: "msgpack"}``; the bytes are those
flytekit writes for the same value (see :mod:`.codec` for the plain form). Reading also takes
the older form, ``scalar.generic`` (a JSON ``Struct``), written by flytekit before 1.14 or with
``FLYTE_USE_OLD_DC_FORMAT=true``.

The union tag of every dataclass is the transformer's name, ``Object-Dataclass-Transformer``,
as in flytekit (not the class name).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from featherkit.types._common import (
    MSGPACK,
    BuiltinTransformer,
    LiteralType,
    SimpleType,
    annotate_msgpack,
    generic_payload,
    msgpack_payload,
    read_other,
    strip_annotated,
    unwrap_union_literal,
)
from featherkit.types.base import Reader, Writer
from featherkit.types.codec import Codec, dataclass_fields, pack, unpack
from featherkit.types.errors import TypeTransformerError, literal_mismatch
from featherkit.types.schema import dataclass_from_schema, dataclass_schema

if TYPE_CHECKING:
    from flyteidl.core import literals_pb2, types_pb2

    from featherkit.types.engine import TypeEngine


class DataclassTransformer(BuiltinTransformer[Any]):
    name = "Object-Dataclass-Transformer"
    codec_native = True
    python_type = object

    def __init__(self) -> None:
        super().__init__()
        self._codec = Codec(self.engine)
        self._guessed: dict[bytes, type] = {}

    def matches(self, python_type: Any) -> bool:
        return isinstance(python_type, type) and dataclasses.is_dataclass(python_type)

    def literal_type_for(self, python_type: Any, engine: TypeEngine) -> types_pb2.LiteralType:
        cls = strip_annotated(python_type)
        lt = LiteralType(simple=SimpleType.STRUCT)
        lt.metadata.update(dataclass_schema(cls, self._codec))
        structure = lt.structure
        structure.SetInParent()
        field_types = structure.dataclass_type
        for field, tp in dataclass_fields(cls):
            try:
                field_type = engine.literal_type_of(tp, warn=False)
            except TypeTransformerError:
                continue  # flytekit leaves such fields out too
            field_types[field.name].CopyFrom(field_type)
        annotate_msgpack(lt)
        return lt

    def guess_with(self, literal_type: types_pb2.LiteralType, engine: TypeEngine) -> Any | None:
        if literal_type.WhichOneof("type") != "simple" or literal_type.simple != SimpleType.STRUCT:
            return None
        if not literal_type.HasField("metadata"):
            return None
        schema = generic_schema(literal_type)
        if not isinstance(schema, dict) or "title" not in schema:
            return None
        # The same literal type must give the same class, or values made from one guess
        # would not be instances of the next.
        key = literal_type.SerializeToString(deterministic=True)
        found = self._guessed.get(key)
        if found is None:
            found = self._guessed[key] = dataclass_from_schema(schema)
        return found

    def compile_writer(
        self, python_type: Any, literal_type: types_pb2.LiteralType, engine: TypeEngine
    ) -> Writer:
        encode = self._codec.encoder(strip_annotated(python_type))

        def write(value: Any, out: literals_pb2.Literal) -> None:
            binary = out.scalar.binary
            binary.value = pack(encode(value))
            binary.tag = MSGPACK

        return write

    def compile_reader(self, python_type: Any, engine: TypeEngine) -> Reader:
        cls = strip_annotated(python_type)
        decode = self._codec.decoder(cls)
        decode_json = self._codec.decoder(cls, json_mode=True)

        def from_msgpack(payload: bytes) -> Any:
            return decode(unpack(payload))

        def read(literal: literals_pb2.Literal) -> Any:
            payload = msgpack_payload(literal)
            if payload is not None:
                return decode(unpack(payload))
            generic = generic_payload(literal)
            if generic is not None:
                return decode_json(generic)
            if unwrap_union_literal(literal) is None:
                raise literal_mismatch(
                    "msgpack bytes (scalar.binary) or a JSON struct (scalar.generic)", literal
                )
            return read_other(literal, "a dataclass", read, from_msgpack)

        return read


def generic_schema(literal_type: types_pb2.LiteralType) -> Any:
    from featherkit.types._common import struct_to_python

    return struct_to_python(literal_type.metadata)
