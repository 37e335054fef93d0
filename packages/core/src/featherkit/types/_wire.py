"""Bulk encoding of ``list[int]`` and ``list[float]`` collections, straight to protobuf bytes.

Building a 10k-item ``LiteralCollection`` item by item costs four Python-level protobuf
accesses per item. For ints and floats the bytes of every item are fixed but for the number
itself, so they are built here with C-speed operations and parsed into the message in one
call:

* each item is ``Literal{scalar{primitive{integer|float_value: x}}}``, i.e. the bytes
  ``0a L+5 0a L+3 0a L+1 <tag> <x>`` where ``<x>`` is ``L`` bytes (a varint for ints, 8
  little-endian bytes for doubles) and ``<tag>`` is ``08`` or ``11``;
* the varints come from protobuf itself: a private message with a ``repeated int64`` field
  serialises the whole list packed, and a regular expression cuts it into one varint each.

The result is the same message, byte for byte, as the item-by-item loop builds (a test checks
it); anything unusual (a non-int, a value out of range) makes the caller use that loop.

Reading goes the other way: the collection is serialised, cut into items by a pattern that only
matches the exact bytes above, and the numbers are decoded by protobuf (ints) or ``struct``
(floats). Only when the matches tile the whole serialisation, so that every item is exactly
``Literal{scalar{primitive{x}}}`` and nothing else, is the result used; otherwise the caller
reads item by item.
"""

from __future__ import annotations

import operator
import re
import struct
from typing import Any

# Item prefix by varint length (1..10 bytes): literal, scalar, primitive headers, then tag 1.
_INT_PREFIX = [b""] + [bytes((0x0A, n + 5, 0x0A, n + 3, 0x0A, n + 1, 0x08)) for n in range(1, 11)]
_FLOAT_PREFIX = bytes((0x0A, 13, 0x0A, 11, 0x0A, 9, 0x11))
_PREFIX_LENGTH = 7

_compiled: tuple[re.Pattern[bytes], re.Pattern[bytes], re.Pattern[bytes]] | None = None


def _patterns() -> tuple[re.Pattern[bytes], re.Pattern[bytes], re.Pattern[bytes]]:
    """The varint, int item and float item patterns, compiled at first use (compiling them
    at import was half a millisecond of every pod's start, which may never see a list)."""
    global _compiled
    if _compiled is None:
        varint = re.compile(rb"[\x80-\xff]*[\x00-\x7f]")
        # one whole int item: the prefix for a varint of n bytes, then (captured) the varint
        int_item = re.compile(
            b"(?:"
            + b"|".join(
                re.escape(_INT_PREFIX[n]) + b"(?=" + rb"[\x80-\xff]" * (n - 1) + rb"[\x00-\x7f])"
                for n in range(1, 11)
            )
            + rb")([\x80-\xff]*[\x00-\x7f])"
        )
        float_item = re.compile(re.escape(_FLOAT_PREFIX) + b"(.{8})", re.DOTALL)
        _compiled = (varint, int_item, float_item)
    return _compiled

_packed_int64s: Any = None


def _int64s_class() -> Any:
    """A message class with one ``repeated int64 v = 1`` (packed), built once on demand."""
    global _packed_int64s
    if _packed_int64s is None:
        from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

        proto = descriptor_pb2.FileDescriptorProto(
            name="featherkit/types/_wire.proto", package="featherkit_wire", syntax="proto3"
        )
        message = proto.message_type.add(name="Int64s")
        message.field.add(
            name="v",
            number=1,
            type=descriptor_pb2.FieldDescriptorProto.TYPE_INT64,
            label=descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED,
        )
        pool = descriptor_pool.DescriptorPool()
        pool.Add(proto)
        _packed_int64s = message_factory.GetMessageClass(
            pool.FindMessageTypeByName("featherkit_wire.Int64s")
        )
    return _packed_int64s


def int_collection_bytes(values: list[int]) -> bytes:
    """The serialised ``LiteralCollection`` items for ``values`` (all exactly ``int``).

    Raises ``ValueError`` for a value outside the 64-bit range.
    """
    packed = _int64s_class()(v=values).SerializeToString()
    start = 1  # skip the field tag, then the length varint
    while packed[start] & 0x80:
        start += 1
    varints = _patterns()[0].findall(packed, start + 1)
    prefixes = map(_INT_PREFIX.__getitem__, map(len, varints))
    return b"".join(map(operator.add, prefixes, varints))


def float_collection_bytes(values: list[float]) -> bytes:
    """The serialised ``LiteralCollection`` items for ``values`` (all exactly ``float``)."""
    raw = struct.pack(f"<{len(values)}d", *values)
    chunks = map(raw.__getitem__, map(slice, range(0, len(raw), 8), range(8, len(raw) + 8, 8)))
    return b"".join(map(_FLOAT_PREFIX.__add__, chunks))


def _varint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def int_values(collection: Any) -> list[int] | None:
    """The ints of a ``LiteralCollection`` of plain integer literals, else ``None``."""
    body = collection.SerializeToString()
    varints = _patterns()[1].findall(body)
    if len(varints) != len(collection.literals):
        return None
    payload = b"".join(varints)
    if len(payload) + _PREFIX_LENGTH * len(varints) != len(body):
        return None  # something besides the items' numbers: not the exact shape
    packed = _int64s_class().FromString(b"\x0a" + _varint(len(payload)) + payload)
    return list(packed.v)


def float_values(collection: Any) -> list[float] | None:
    """The floats of a ``LiteralCollection`` of plain float literals, else ``None``."""
    body = collection.SerializeToString()
    count = len(collection.literals)
    if len(body) != (_PREFIX_LENGTH + 8) * count:
        return None
    chunks = _patterns()[2].findall(body)
    if len(chunks) != count:
        return None
    return list(struct.unpack(f"<{count}d", b"".join(chunks)))
