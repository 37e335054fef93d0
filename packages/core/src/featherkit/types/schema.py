"""JSON schema of a dataclass, shaped as flytekit 1.16 (mashumaro's ``build_json_schema``) makes it,
and the way back: a dataclass rebuilt from such a schema.

The schema travels in ``LiteralType.metadata`` of a dataclass. Flyte's console and
``pyflyte run`` use it to build input forms and to rebuild the type; featherkit reproduces it so
that a task's interface is byte-for-byte the one flytekit would send. Only the type forms the
codec supports are covered (see :mod:`featherkit.types.codec`).
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import typing
from typing import Any, get_args, get_origin

from featherkit.types.codec import (
    Codec,
    dataclass_fields,
    is_union,
    strip,
    to_json_compatible,
)
from featherkit.types.errors import TypeTransformerError, type_name

_NoneType = type(None)

_SIMPLE: dict[Any, dict[str, Any]] = {
    int: {"type": "integer"},
    float: {"type": "number"},
    str: {"type": "string"},
    bool: {"type": "boolean"},
    _NoneType: {"type": "null"},
    bytes: {"type": "string", "format": "base64"},
    datetime.datetime: {"type": "string", "format": "date-time"},
    datetime.date: {"type": "string", "format": "date"},
    datetime.timedelta: {"type": "number", "format": "time-delta"},
    Any: {},
    object: {},
}


def dataclass_schema(cls: type, codec: Codec) -> dict[str, Any]:
    """The JSON schema flytekit puts in the literal type of dataclass ``cls``."""
    return _dataclass_schema(cls, codec, set())


def _dataclass_schema(cls: type, codec: Codec, seen: set[type]) -> dict[str, Any]:
    if cls in seen:
        # mashumaro switches to $ref/$defs here; flytekit cannot declare recursive dataclasses
        # at all, so a bare object reference is enough for forms that only show the outline.
        return {"type": "object", "title": cls.__name__}
    seen = seen | {cls}
    properties: dict[str, Any] = {}
    required: list[str] = []
    for field, tp in dataclass_fields(cls):
        schema = dict(type_schema(tp, codec, seen))
        description = field.metadata.get("description") if field.metadata else None
        if description is not None:
            schema["description"] = description
        if field.default is not dataclasses.MISSING:
            try:
                schema["default"] = to_json_compatible(codec.encoder(tp)(field.default))
            except TypeTransformerError:
                pass  # a default that does not fit its own type: leave it out
        elif field.default_factory is dataclasses.MISSING:
            required.append(field.name)
        properties[field.name] = schema
    result: dict[str, Any] = {"type": "object", "title": cls.__name__}
    if properties:
        result["properties"] = properties
    result["additionalProperties"] = False
    if required:
        result["required"] = required
    return result


def type_schema(tp: Any, codec: Codec, seen: set[type] | None = None) -> dict[str, Any]:
    """The JSON schema of a field type."""
    seen = seen or set()
    tp = strip(tp)
    simple = _SIMPLE.get(tp)
    if simple is not None:
        return simple
    origin = get_origin(tp)
    args = get_args(tp)
    if is_union(tp):
        return {"anyOf": [type_schema(a, codec, seen) for a in args]}
    if origin is typing.Literal:
        return {"enum": list(args)}
    if tp is list or origin is list:
        if not args or args[0] is Any:
            return {"type": "array"}
        return {"type": "array", "items": type_schema(args[0], codec, seen)}
    if tp is dict or origin is dict:
        if not args:
            return {"type": "object"}
        schema: dict[str, Any] = {"type": "object"}
        if args[1] is not Any:
            schema["additionalProperties"] = type_schema(args[1], codec, seen)
        if args[0] is not Any:
            schema["propertyNames"] = type_schema(args[0], codec, seen)
        return schema
    if tp is tuple or origin is tuple:
        if not args:
            return {"type": "array"}
        if len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": type_schema(args[0], codec, seen)}
        items = [type_schema(a, codec, seen) for a in args]
        return {
            "type": "array",
            "prefixItems": items,
            "maxItems": len(items),
            "minItems": len(items),
        }
    found = codec.transformer_for(tp)
    if found is not None and not found[0].codec_native:
        transformer, engine = found
        return transformer.plain_schema(tp, engine)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"enum": [member.value for member in tp]}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass_schema(tp, codec, seen)
    raise TypeTransformerError(f"{type_name(tp)} has no JSON schema (it cannot be encoded)")


# -- the way back ---------------------------------------------------------------------------------


def dataclass_from_schema(schema: dict[str, Any]) -> type:
    """A dataclass with the fields and types ``schema`` describes (best effort).

    Used to rebuild a task's interface from its serialized template when the original class
    is not importable. Fields have no defaults (flytekit's guess does the same).
    """
    title = schema.get("title") or "GuessedDataclass"
    properties = schema.get("properties", {})
    fields = [(name, _type_from_schema(properties[name], schema)) for name in _field_order(schema)]
    return dataclasses.make_dataclass(str(title), fields)


def _field_order(schema: dict[str, Any]) -> list[str]:
    """Declaration order, as far as the schema keeps it.

    ``properties`` arrives through a protobuf ``Struct``, a map whose iteration order is not
    the original one (it varies with the hash seed); ``required`` is a list, in declaration
    order. Required fields come first in that order, the others (those with defaults) after,
    by name, so the rebuilt class is the same in every process.
    """
    properties = schema.get("properties", {})
    required = [name for name in schema.get("required", []) if name in properties]
    return required + sorted(name for name in properties if name not in required)


_SIMPLE_BACK: dict[tuple[str, str | None], Any] = {
    ("integer", None): int,
    ("number", None): float,
    ("number", "time-delta"): datetime.timedelta,
    ("string", None): str,
    ("string", "date-time"): datetime.datetime,
    ("string", "date"): datetime.date,
    ("string", "base64"): bytes,
    ("boolean", None): bool,
    ("null", None): _NoneType,
}


def _type_from_schema(prop: dict[str, Any], root: dict[str, Any]) -> Any:
    if "anyOf" in prop:
        variants = tuple(_type_from_schema(p, root) for p in prop["anyOf"])
        return typing.Union[variants]
    if "$ref" in prop:
        name = str(prop["$ref"]).rsplit("/", 1)[-1]
        target = root.get("$defs", {}).get(name)
        return dataclass_from_schema(target) if isinstance(target, dict) else dict
    if "enum" in prop:
        return str
    kind = prop.get("type")
    if kind == "array":
        items = prop.get("items")
        return list[_type_from_schema(items, root)] if isinstance(items, dict) else list  # type: ignore[misc]
    if kind == "object":
        if "properties" in prop or ("title" in prop and "additionalProperties" in prop):
            return dataclass_from_schema(prop)
        values = prop.get("additionalProperties")
        keys = prop.get("propertyNames")
        if isinstance(values, dict) or isinstance(keys, dict):
            key_type = _type_from_schema(keys, root) if isinstance(keys, dict) else Any
            value_type = _type_from_schema(values, root) if isinstance(values, dict) else Any
            return dict[key_type, value_type]  # type: ignore[valid-type]
        return dict
    simple = _SIMPLE_BACK.get((str(kind), prop.get("format")))
    if simple is None:
        simple = _SIMPLE_BACK.get((str(kind), None), Any)
    return simple
