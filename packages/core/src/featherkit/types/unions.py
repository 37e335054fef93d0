"""Optional[T], Union[...] and ``X | Y``: ``union_type`` and ``scalar.union`` literals.

Wire facts (flytekit 1.16): each variant's literal type is the variant type's own literal type
with its ``structure`` replaced by ``TypeStructure(tag=<transformer name>)`` (so a dataclass
variant loses its ``dataclass_type``); the literal is ``scalar.union{value, type}`` where
``type`` is the chosen variant's tagged literal type.

Writing tries every variant. When several accept the value, the one whose declared type is
exactly the value's class wins (``Union[str, Color]`` with ``"red"`` is ``str``, as flytekit
decides; ``Union[int, float]`` with ``1`` is ``int``); otherwise the choice is ambiguous and
an error, as in flytekit.

Reading a union literal picks the variants whose transformer name is the stored tag and whose
literal type the stored one can be cast to (flytekit's rules), preferring an exactly equal
literal type. Reading a plain (untagged) literal tries every variant; more than one success is
ambiguous, as in flytekit.
"""

from __future__ import annotations

import types
import typing
from typing import TYPE_CHECKING, Any, get_args

from featherkit.types._common import BuiltinTransformer, LiteralType, SimpleType, strip_annotated
from featherkit.types.base import Reader, ToLiteral, Writer
from featherkit.types.errors import (
    TypeTransformerError,
    describe_literal,
    short_repr,
    type_name,
)

if TYPE_CHECKING:
    from flyteidl.core import literals_pb2, types_pb2

    from featherkit.types.engine import TypeEngine

_NoneType = type(None)


class _Variant:
    """One member of a union (a plain class: a ``NamedTuple`` ``exec``'s generated code when
    this module is imported, which every pod's start does)."""

    __slots__ = ("exact", "is_none", "literal_type", "python_type", "tag")

    def __init__(
        self,
        *,
        python_type: Any,
        tag: str,
        literal_type: types_pb2.LiteralType,
        exact: type | None,
        is_none: bool,
    ) -> None:
        self.python_type = python_type
        self.tag = tag
        self.literal_type = literal_type  # tagged, as written in scalar.union.type
        self.exact = exact  # the class a value must have to win a tie
        self.is_none = is_none


def tagged(literal_type: types_pb2.LiteralType, tag: str) -> types_pb2.LiteralType:
    """A copy of ``literal_type`` whose structure is only ``tag`` (flytekit's variant form)."""
    result = LiteralType()
    result.CopyFrom(literal_type)
    result.ClearField("structure")
    result.structure.tag = tag
    return result


def essence(literal_type: types_pb2.LiteralType) -> types_pb2.LiteralType:
    """``literal_type`` without metadata, structure and annotation (what casting compares)."""
    result = LiteralType()
    result.CopyFrom(literal_type)
    result.ClearField("metadata")
    result.ClearField("structure")
    result.ClearField("annotation")
    return result


def castable(upstream: types_pb2.LiteralType, downstream: types_pb2.LiteralType) -> bool:
    """Whether a value of ``upstream`` type can be read as ``downstream`` (flytekit's rules)."""
    up_kind = upstream.WhichOneof("type")
    down_kind = downstream.WhichOneof("type")
    if up_kind == "union_type":
        return all(castable(v, downstream) for v in upstream.union_type.variants)
    if down_kind == "union_type" and any(
        castable(upstream, v) for v in downstream.union_type.variants
    ):
        return True
    if up_kind == "collection_type":
        return down_kind == "collection_type" and castable(
            upstream.collection_type, downstream.collection_type
        )
    if up_kind == "map_value_type":
        return down_kind == "map_value_type" and castable(
            upstream.map_value_type, downstream.map_value_type
        )
    if up_kind == "enum_type" and down_kind == "simple" and downstream.simple == SimpleType.STRING:
        return True
    return bool(essence(upstream) == essence(downstream))


class UnionTransformer(BuiltinTransformer[Any]):
    name = "Typed Union"
    python_type = typing.Union

    def _variants(self, python_type: Any, engine: TypeEngine) -> list[_Variant]:
        result = []
        for variant in get_args(strip_annotated(python_type)):
            transformer = engine.get_transformer(variant)
            base = strip_annotated(variant)
            result.append(
                _Variant(
                    python_type=variant,
                    tag=transformer.name,
                    literal_type=tagged(engine.literal_type_of(variant), transformer.name),
                    exact=base if isinstance(base, type) else None,
                    is_none=base is _NoneType,
                )
            )
        return result

    def literal_type_for(self, python_type: Any, engine: TypeEngine) -> types_pb2.LiteralType:
        lt = LiteralType()
        variants = lt.union_type.variants
        for variant in self._variants(python_type, engine):
            variants.add().CopyFrom(variant.literal_type)
        return lt

    def guess_with(self, literal_type: types_pb2.LiteralType, engine: TypeEngine) -> Any | None:
        if literal_type.WhichOneof("type") != "union_type":
            return None
        guessed = tuple(engine.guess_python_type(v) for v in literal_type.union_type.variants)
        return typing.Union[guessed]

    def compile_writer(
        self, python_type: Any, literal_type: types_pb2.LiteralType, engine: TypeEngine
    ) -> Writer:
        variants = self._variants(python_type, engine)
        converters: list[tuple[_Variant, ToLiteral]] = [
            (v, engine.to_literal_function(v.python_type)) for v in variants
        ]
        none_variant = next((v for v in variants if v.is_none), None)
        expected = type_name(strip_annotated(python_type))
        others = [v for v in variants if not v.is_none]
        if none_variant is not None and len(others) == 1:
            return self._optional_writer(others[0], none_variant, expected, engine)

        def write(value: Any, out: literals_pb2.Literal) -> None:
            union = out.scalar.union
            if value is None and none_variant is not None:
                union.value.scalar.none_type.SetInParent()
                union.type.CopyFrom(none_variant.literal_type)
                return
            matches: list[tuple[_Variant, literals_pb2.Literal]] = []
            refusals: list[tuple[_Variant, Exception]] = []
            for variant, convert in converters:
                if variant.is_none:
                    continue  # value is not None here
                try:
                    matches.append((variant, convert(value)))
                except Exception as err:
                    refusals.append((variant, err))
            if not matches:
                raise _no_variant(expected, value, refusals, none_variant)
            if len(matches) > 1:
                exact = [m for m in matches if m[0].exact is type(value)]
                if len(exact) != 1:
                    names = ", ".join(type_name(m[0].python_type) for m in matches)
                    raise TypeTransformerError(
                        f"ambiguous value for {expected}: {type_name(type(value))} "
                        f"{short_repr(value)} fits several variants ({names}); pass a value of "
                        "exactly one variant's type",
                        expected=expected,
                        received=type_name(type(value)),
                    )
                matches = exact
            chosen, literal = matches[0]
            union.value.CopyFrom(literal)
            union.type.CopyFrom(chosen.literal_type)

        return write

    @staticmethod
    def _optional_writer(
        variant: _Variant, none_variant: _Variant, expected: str, engine: TypeEngine
    ) -> Writer:
        """``Optional[T]``: one candidate, so write it in place without collecting matches."""
        write_value = engine.writer(variant.python_type)
        value_type = variant.literal_type
        none_type = none_variant.literal_type

        def write(value: Any, out: literals_pb2.Literal) -> None:
            union = out.scalar.union
            if value is None:
                union.value.scalar.none_type.SetInParent()
                union.type.CopyFrom(none_type)
                return
            try:
                write_value(value, union.value)
            except TypeTransformerError as err:
                out.Clear()
                if err.path:
                    raise
                raise _no_variant(expected, value, [(variant, err)], none_variant) from None
            union.type.CopyFrom(value_type)

        return write

    def compile_reader(self, python_type: Any, engine: TypeEngine) -> Reader:
        variants = self._variants(python_type, engine)
        readers = [(v, engine.reader(v.python_type)) for v in variants]
        expected = type_name(strip_annotated(python_type))

        by_tag: dict[str, list[tuple[_Variant, Reader]]] = {}
        for variant, variant_reader in readers:
            by_tag.setdefault(variant.tag, []).append((variant, variant_reader))

        def read(literal: literals_pb2.Literal) -> Any:
            scalar = literal.scalar
            if scalar.HasField("union"):
                return read_tagged(scalar.union)
            return read_untagged(literal)

        def read_tagged(union: Any) -> Any:
            stored = union.type
            tag = stored.structure.tag
            candidates = by_tag.get(tag, []) if tag else readers
            equal = [(v, r) for v, r in candidates if v.literal_type == stored]
            if len(equal) == 1:
                return equal[0][1](union.value)
            candidates = [(v, r) for v, r in candidates if castable(stored, v.literal_type)]
            results, failures = _attempt(candidates, union.value)
            if len(results) > 1 and equal:
                results = [(v, x) for v, x in results if v.literal_type == stored]
            if len(results) == 1:
                return results[0][1]
            if results:
                raise _ambiguous(expected, [v for v, _ in results])
            if len(failures) == 1:
                raise failures[0]
            raise TypeTransformerError(
                f"cannot read a union value tagged {tag!r} "
                f"({describe_literal(union.value)}) as {expected}",
                expected=expected,
                received=f"tag {tag!r}",
            )

        def read_untagged(literal: literals_pb2.Literal) -> Any:
            results, _ = _attempt(readers, literal)
            if len(results) == 1:
                return results[0][1]
            if results:
                raise _ambiguous(expected, [v for v, _ in results])
            raise TypeTransformerError(
                f"no variant of {expected} can read {describe_literal(literal)}",
                expected=expected,
                received=describe_literal(literal),
            )

        return read


def _attempt(
    readers: list[tuple[_Variant, Reader]], literal: literals_pb2.Literal
) -> tuple[list[tuple[_Variant, Any]], list[Exception]]:
    results: list[tuple[_Variant, Any]] = []
    failures: list[Exception] = []
    for variant, read in readers:
        try:
            results.append((variant, read(literal)))
        except Exception as err:
            failures.append(err)
    return results, failures


def _ambiguous(expected: str, variants: list[_Variant]) -> TypeTransformerError:
    names = ", ".join(type_name(v.python_type) for v in variants)
    return TypeTransformerError(
        f"ambiguous literal for {expected}: it reads as several variants ({names})",
        expected=expected,
    )


def _no_variant(
    expected: str,
    value: Any,
    refusals: list[tuple[_Variant, Exception]],
    none_variant: _Variant | None,
) -> TypeTransformerError:
    deep = [err for _, err in refusals if isinstance(err, TypeTransformerError) and err.path]
    if len(deep) == 1:
        return deep[0]  # the value is of that variant's kind but wrong inside: say where
    reasons = "; ".join(f"{type_name(v.python_type)}: {err}" for v, err in refusals)
    if none_variant is not None:
        reasons = f"{reasons}; None: not None" if reasons else "None: not None"
    received = f"{type_name(type(value))} {short_repr(value)}"
    return TypeTransformerError(
        f"expected {expected}, received {received} ({reasons})",
        expected=expected,
        received=received,
    )


# ``X | Y`` has its own origin class; the engine maps it to typing.Union.
UNION_TYPES = (typing.Union, types.UnionType)
