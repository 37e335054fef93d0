"""Short human renderings of literals and literal types, for ``cache list`` and ``explain``.

Only for display: the key never uses them. Previews are bounded in length so that an entry's
description stays small whatever the inputs were.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flyteidl.core import interface_pb2, literals_pb2, types_pb2

PREVIEW_LIMIT = 60

_SIMPLE = {
    0: "none", 1: "int", 2: "float", 3: "str", 4: "bool", 5: "datetime", 6: "duration",
    7: "binary", 8: "error", 9: "struct",
}


def _clip(text: str, limit: int = PREVIEW_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def type_text(literal_type: types_pb2.LiteralType) -> str:
    """``int``, ``list[str]``, ``dict[str, float]``, ``int | none``, ``blob``..."""
    kind = literal_type.WhichOneof("type")
    if kind == "simple":
        return _SIMPLE.get(literal_type.simple, "simple")
    if kind == "collection_type":
        return f"list[{type_text(literal_type.collection_type)}]"
    if kind == "map_value_type":
        return f"dict[str, {type_text(literal_type.map_value_type)}]"
    if kind == "union_type":
        return " | ".join(type_text(v) for v in literal_type.union_type.variants)
    if kind == "enum_type":
        return "enum(" + ", ".join(literal_type.enum_type.values) + ")"
    if kind == "blob":
        return f"blob({literal_type.blob.format or 'any'})"
    return kind or "unknown"


def interface_text(interface: interface_pb2.TypedInterface) -> str:
    """``(a: int, b: list[str]) -> (o0: float)`` from the IDL interface."""

    def variables(variable_map: interface_pb2.VariableMap) -> str:
        return ", ".join(
            f"{name}: {type_text(variable_map.variables[name].type)}"
            for name in sorted(variable_map.variables)
        )

    return f"({variables(interface.inputs)}) -> ({variables(interface.outputs)})"


def literal_preview(literal: literals_pb2.Literal, limit: int = PREVIEW_LIMIT) -> str:
    """A short rendering of a literal's value (``3``, ``'abc'``, ``[1, 2, 3, ...] (10 items)``).

    A file, directory or data set shows its whole path and its content digest (unclipped:
    the path is what tells a user which file changed)."""
    if literal.WhichOneof("value") == "scalar" and literal.scalar.WhichOneof("value") in (
        "blob",
        "structured_dataset",
    ):
        return _offloaded_preview(literal.scalar)
    return _clip(_preview(literal, depth=0), limit)


def _preview(literal: literals_pb2.Literal, depth: int) -> str:
    if literal.hash and not literal.WhichOneof("value"):
        return f"<hash {literal.hash[:16]}>"
    kind = literal.WhichOneof("value")
    if kind == "collection":
        items = literal.collection.literals
        if depth >= 2:
            return f"[{len(items)} items]"
        shown = ", ".join(_preview(item, depth + 1) for item in items[:4])
        if len(items) > 4:
            return f"[{shown}, ...] ({len(items)} items)"
        return f"[{shown}]"
    if kind == "map":
        entries = literal.map.literals
        keys = sorted(entries)
        if depth >= 2:
            return f"{{{len(keys)} keys}}"
        shown = ", ".join(f"{k!r}: {_preview(entries[k], depth + 1)}" for k in keys[:4])
        return "{" + shown + (", ..." if len(keys) > 4 else "") + "}"
    if kind == "scalar":
        return _scalar_preview(literal.scalar, depth)
    if kind == "offloaded_metadata":
        return f"<offloaded {literal.offloaded_metadata.uri}>"
    return f"<{kind or 'empty'}>"


def _offloaded_preview(scalar: literals_pb2.Scalar) -> str:
    """``<file PATH sha256:1a2b3c4d5e6f>``: the path and the content digest the key uses."""
    from flyteidl.core import literals_pb2

    from featherkit.cache.key import offloaded_digest

    if scalar.WhichOneof("value") == "blob":
        uri = scalar.blob.uri
        label = "directory" if scalar.blob.metadata.type.dimensionality == 1 else "file"
    else:
        uri, label = scalar.structured_dataset.uri, "dataset"
    digest = offloaded_digest(literals_pb2.Literal(scalar=scalar))
    shown = "(content unreadable)" if digest is None else digest[: digest.index(":") + 13]
    return f"<{label} {uri} {shown}>"


def _scalar_preview(scalar: literals_pb2.Scalar, depth: int) -> str:
    kind = scalar.WhichOneof("value")
    if kind == "primitive":
        primitive = scalar.primitive
        which = primitive.WhichOneof("value")
        if which == "datetime":
            moment: datetime.datetime = primitive.datetime.ToDatetime(tzinfo=datetime.timezone.utc)
            return moment.isoformat()
        if which == "duration":
            return str(primitive.duration.ToTimedelta())
        if which == "string_value":
            return repr(_clip(primitive.string_value, 40))
        return repr(getattr(primitive, which)) if which else "<empty primitive>"
    if kind == "none_type":
        return "None"
    if kind == "union":
        return _preview(scalar.union.value, depth)
    if kind == "binary":
        tag = f" {scalar.binary.tag}" if scalar.binary.tag else ""
        return f"<binary{tag} {len(scalar.binary.value)} bytes>"
    if kind in ("blob", "structured_dataset"):
        return _offloaded_preview(scalar)
    if kind == "generic":
        return f"<struct {len(scalar.generic.fields)} fields>"
    return f"<{kind or 'empty'}>"
