"""A type a plugin registers works wherever a builtin does (dataclass field, dict key, union)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Annotated, Any, Optional, Union

from flyteidl.core import literals_pb2, types_pb2

from featherkit import HashMethod, TypeTransformer
from featherkit.hookspecs import hookimpl
from featherkit.plugins import registered
from featherkit.type_registry import type_engine
from featherkit.types.codec import unpack


@dataclasses.dataclass(frozen=True)
class Money:
    cents: int


class MoneyTransformer(TypeTransformer[Money]):
    name = "Money"
    python_type = Money

    def get_literal_type(self, python_type: Any) -> types_pb2.LiteralType:
        return types_pb2.LiteralType(simple=types_pb2.SimpleType.STRING)

    def to_literal(self, value: Any, python_type: Any, expected: Any) -> literals_pb2.Literal:
        literal = literals_pb2.Literal()
        literal.scalar.primitive.string_value = f"{value.cents / 100:.2f} EUR"
        return literal

    def to_python_value(self, literal: literals_pb2.Literal, python_type: Any) -> Money:
        text = literal.scalar.primitive.string_value
        return Money(round(float(text.split()[0]) * 100))


class MoneyPlugin:
    @hookimpl
    def register_type_transformers(self, register: Callable[[Any], None]) -> None:
        register(MoneyTransformer())


@dataclasses.dataclass
class Invoice:
    total: Money
    lines: list[Money]
    tip: Optional[Money] = None


def test_plugin_type_in_dataclass_dict_key_list_and_union() -> None:
    with registered(MoneyPlugin()):
        engine = type_engine()
        invoice = Invoice(Money(1050), [Money(1), Money(2)])
        literal = engine.to_literal(invoice, Invoice)
        assert unpack(literal.scalar.binary.value) == {
            "total": "10.50 EUR",
            "lines": ["0.01 EUR", "0.02 EUR"],
            "tip": None,
        }
        assert engine.to_python_value(literal, Invoice) == invoice
        schema = engine.to_literal_type(Invoice).metadata
        assert schema["properties"]["total"] == {"type": "string"}
        by_price = {Money(5): 1}
        assert engine.to_python_value(
            engine.to_literal(by_price, dict[Money, int]), dict[Money, int]
        ) == by_price
        either = Union[Money, int]
        assert engine.to_python_value(engine.to_literal(Money(3), either), either) == Money(3)


def test_hash_method_sets_the_literal_hash() -> None:
    engine = type_engine()
    tp = Annotated[list[int], HashMethod(lambda v: f"n={len(v)}")]
    assert engine.to_literal([1, 2, 3], tp).hash == "n=3"
