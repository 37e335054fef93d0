"""The plain form of a type the codec does not know by itself: asked of its transformer.

Inside a dataclass (and as a key of a ``dict`` with non-``str`` keys) every value travels in
its *plain* form, what msgpack and JSON hold (see :mod:`featherkit.types.codec`). Core's codec
knows the builtin kinds; for any other type it asks the type engine for the transformer and
uses the transformer's :meth:`~featherkit.types.TypeTransformer.plain_encoder`,
:meth:`~featherkit.types.TypeTransformer.plain_decoder` and
:meth:`~featherkit.types.TypeTransformer.plain_schema`. This module holds their default
implementation, which goes through the transformer's literal, so a plugin's type works
inside a dataclass with no extra code:

=========================  ============================================================
the type's literal         its plain form
=========================  ============================================================
primitive                  the value (int, float, str, bool)
none                       None
binary (msgpack)           the unpacked value
blob (file, directory)     ``{"path": uri}``, as flytekit writes a ``FlyteFile`` field
structured dataset         ``{"uri": uri, "file_format": format}``, as flytekit writes a
                           ``StructuredDataset`` field
collection, map            list, dict of the above
=========================  ============================================================

Decoding builds the literal back from the plain value and the type's literal type, and lets
the transformer read it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from featherkit.types.errors import TypeTransformerError, mismatch, type_name

if TYPE_CHECKING:
    from flyteidl.core import literals_pb2, types_pb2

    from featherkit.types.base import TypeTransformer
    from featherkit.types.engine import TypeEngine

Encoder = Callable[[Any], Any]
Decoder = Callable[[Any], Any]

#: mashumaro's schema of a ``str | PathLike`` ``path`` field, as flytekit's file types have it
_PATH_SCHEMA: dict[str, Any] = {
    "default": None,
    "anyOf": [{"type": "string"}, {"type": "string", "format": "path"}],
}
_METADATA_SCHEMA: dict[str, Any] = {
    "default": None,
    "anyOf": [
        {
            "propertyNames": {"type": "string"},
            "type": "object",
            "additionalProperties": {"type": "string"},
        },
        {"type": "null"},
    ],
}


def file_schema(title: str, with_metadata: bool) -> dict[str, Any]:
    """The JSON schema flytekit gives a ``FlyteFile`` / ``FlyteDirectory`` dataclass field."""
    properties: dict[str, Any] = {"path": dict(_PATH_SCHEMA)}
    if with_metadata:
        properties["metadata"] = dict(_METADATA_SCHEMA)
    return {
        "type": "object",
        "title": title,
        "properties": properties,
        "additionalProperties": False,
    }


def literal_to_plain(literal: literals_pb2.Literal) -> Any:
    """The plain form of a literal (see the module docstring)."""
    from featherkit.types.codec import unpack

    kind = literal.WhichOneof("value")
    if kind == "collection":
        return [literal_to_plain(item) for item in literal.collection.literals]
    if kind == "map":
        return {k: literal_to_plain(v) for k, v in literal.map.literals.items()}
    if kind != "scalar":
        raise TypeTransformerError(f"a {kind} literal has no plain form")
    scalar = literal.scalar
    which = scalar.WhichOneof("value")
    if which == "primitive":
        primitive = scalar.primitive
        field = primitive.WhichOneof("value")
        if field in ("integer", "float_value", "string_value", "boolean"):
            return getattr(primitive, field)
    elif which == "none_type":
        return None
    elif which == "binary":
        return unpack(bytes(scalar.binary.value))
    elif which == "blob":
        out: dict[str, Any] = {"path": scalar.blob.uri}
        if literal.metadata:
            out["metadata"] = dict(literal.metadata)
        return out
    elif which == "structured_dataset":
        dataset = scalar.structured_dataset
        return {
            "uri": dataset.uri,
            "file_format": dataset.metadata.structured_dataset_type.format,
        }
    elif which == "union":
        return literal_to_plain(scalar.union.value)
    raise TypeTransformerError(f"a scalar {which} literal has no plain form")


_SIMPLE_FIELDS = {1: "integer", 2: "float_value", 3: "string_value", 4: "boolean"}


def plain_to_literal(plain: Any, literal_type: types_pb2.LiteralType) -> literals_pb2.Literal:
    """A literal of ``literal_type`` holding the plain value ``plain``."""
    from flyteidl.core import literals_pb2

    from featherkit.types.codec import pack

    out = literals_pb2.Literal()
    kind = literal_type.WhichOneof("type")
    if kind == "simple":
        simple = literal_type.simple
        if simple == 0:  # NONE
            out.scalar.none_type.SetInParent()
        elif simple in _SIMPLE_FIELDS:
            setattr(out.scalar.primitive, _SIMPLE_FIELDS[simple], plain)
        elif simple == 9:  # STRUCT: msgpack, as flytekit 1.14+ writes it
            out.scalar.binary.value = pack(plain)
            out.scalar.binary.tag = "msgpack"
        else:
            raise TypeTransformerError(f"no plain form for the simple type {simple}")
    elif kind == "blob":
        if not isinstance(plain, dict) or not isinstance(plain.get("path"), str):
            raise mismatch('a mapping {"path": uri}', plain)
        blob = out.scalar.blob
        blob.metadata.type.CopyFrom(literal_type.blob)
        blob.uri = plain["path"]
        metadata = plain.get("metadata")
        if isinstance(metadata, dict):
            out.metadata.update({str(k): str(v) for k, v in metadata.items()})
    elif kind == "structured_dataset_type":
        if not isinstance(plain, dict) or not isinstance(plain.get("uri"), str):
            raise mismatch('a mapping {"uri": uri, "file_format": format}', plain)
        dataset = out.scalar.structured_dataset
        dataset.uri = plain["uri"]
        sd_type = dataset.metadata.structured_dataset_type
        sd_type.CopyFrom(literal_type.structured_dataset_type)
        sd_type.format = str(plain.get("file_format") or sd_type.format)
    elif kind == "collection_type":
        if not isinstance(plain, list):
            raise mismatch("a list", plain)
        for item in plain:
            out.collection.literals.append(plain_to_literal(item, literal_type.collection_type))
    elif kind == "map_value_type":
        if not isinstance(plain, dict):
            raise mismatch("a mapping", plain)
        for key, item in plain.items():
            out.map.literals[str(key)].CopyFrom(
                plain_to_literal(item, literal_type.map_value_type)
            )
    else:
        raise TypeTransformerError(f"no plain form for a {kind} literal type")
    return out


def default_plain_encoder(
    transformer: TypeTransformer[Any], python_type: Any, engine: TypeEngine
) -> Encoder:
    to_literal = engine.to_literal_function(python_type)

    def encode(value: Any) -> Any:
        return literal_to_plain(to_literal(value))

    return encode


def default_plain_decoder(
    transformer: TypeTransformer[Any], python_type: Any, engine: TypeEngine
) -> Decoder:
    literal_type = engine.literal_type_of(python_type)
    read = engine.reader(python_type)

    def decode(value: Any) -> Any:
        return read(plain_to_literal(value, literal_type))

    return decode


_SIMPLE_SCHEMAS: dict[int, dict[str, Any]] = {
    0: {"type": "null"},
    1: {"type": "integer"},
    2: {"type": "number"},
    3: {"type": "string"},
    4: {"type": "boolean"},
}


def default_plain_schema(
    transformer: TypeTransformer[Any], python_type: Any, engine: TypeEngine
) -> dict[str, Any]:
    """A JSON schema from the literal type (files and data sets as flytekit describes them)."""
    literal_type = engine.literal_type_of(python_type)
    kind = literal_type.WhichOneof("type")
    if kind == "simple" and literal_type.simple in _SIMPLE_SCHEMAS:
        return dict(_SIMPLE_SCHEMAS[literal_type.simple])
    if kind == "blob":
        multipart = literal_type.blob.dimensionality == 1
        return file_schema("FlyteDirectory" if multipart else "FlyteFile", not multipart)
    if kind == "structured_dataset_type":
        return {
            "type": "object",
            "title": "StructuredDataset",
            "properties": {
                "uri": {"default": None, "anyOf": [{"type": "string"}, {"type": "null"}]},
                "file_format": {
                    "default": "",
                    "anyOf": [{"type": "string"}, {"type": "null"}],
                },
            },
            "additionalProperties": False,
        }
    if kind == "collection_type":
        return {"type": "array"}
    if kind == "map_value_type":
        return {"type": "object"}
    raise TypeTransformerError(
        f"{type_name(python_type)} has no JSON schema (it cannot be encoded)"
    )
