"""A custom type transformer written against flytekit's API works through the adapter."""

from __future__ import annotations

import typing

import pytest
from flyteidl.core import literals_pb2, types_pb2

from featherkit import hookimpl, task
from featherkit.extend import FlytekitTypeTransformer, type_engine
from featherkit.testing import registered


class Money:
    def __init__(self, cents: int, currency: str) -> None:
        self.cents, self.currency = cents, currency

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Money) and (other.cents, other.currency) == (
            self.cents, self.currency,
        )


seen_contexts: list[typing.Any] = []


class MoneyTransformer(FlytekitTypeTransformer[Money]):
    """Written as for flytekit: (name, t) constructor, ctx-first methods."""

    def __init__(self) -> None:
        super().__init__(name="money", t=Money)

    def get_literal_type(self, t: type[Money]) -> types_pb2.LiteralType:
        return types_pb2.LiteralType(simple=types_pb2.SimpleType.STRING)

    def to_literal(self, ctx, python_val, python_type, expected):
        seen_contexts.append(ctx)
        if python_val.cents < 0:
            raise ValueError("negative money")
        return literals_pb2.Literal(
            scalar=literals_pb2.Scalar(
                primitive=literals_pb2.Primitive(
                    string_value=f"{python_val.cents} {python_val.currency}"
                )
            )
        )

    def to_python_value(self, ctx, lv, expected_python_type):
        assert lv.scalar.primitive.string_value, "no money in the literal"
        cents, currency = lv.scalar.primitive.string_value.split()
        return expected_python_type(int(cents), currency)

    def to_html(self, ctx, python_val, expected_python_type):
        return f"<b>{python_val.cents}</b>"


class MoneyPlugin:
    @hookimpl
    def register_type_transformers(self, register):
        register(MoneyTransformer())


@task
def double(m: Money) -> Money:
    return Money(m.cents * 2, m.currency)


def test_flytekit_shaped_transformer_registers_and_converts():
    with registered(MoneyPlugin()):
        engine = type_engine()
        assert engine.to_literal_type(Money).simple == types_pb2.SimpleType.STRING
        literal = engine.to_literal(Money(5, "EUR"), Money)
        assert literal.scalar.primitive.string_value == "5 EUR"
        assert engine.to_python_value(literal, Money) == Money(5, "EUR")
        assert double(m=Money(21, "USD")) == Money(42, "USD")
        assert engine.to_html(Money(3, "EUR"), Money) == "<b>3</b>"
        # ctx is featherkit's execution context
        assert all(hasattr(ctx, "execution_id") for ctx in seen_contexts)
        # the name is the union tag, as in flytekit
        union = engine.to_literal(Money(1, "EUR"), typing.Optional[Money])
        assert union.scalar.union.type.structure.tag == "money"


def test_type_assertion_and_refusals_are_input_errors():
    with registered(MoneyPlugin()):
        with pytest.raises(ValueError, match="input 'm'"):
            double(m="12 EUR")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="negative money"):
            double(m=Money(-1, "EUR"))


def test_a_literal_the_transformer_refuses_is_an_input_error():
    with registered(MoneyPlugin()):
        empty = literals_pb2.LiteralMap(literals={"m": literals_pb2.Literal()})
        with pytest.raises(ValueError, match=r"input 'm'.*no money in the literal"):
            double.literals_to_inputs(empty)


def test_a_wrong_return_type_is_named():
    class Broken(MoneyTransformer):
        def get_literal_type(self, t):
            return "STRING"

    class BrokenPlugin:
        @hookimpl
        def register_type_transformers(self, register):
            register(Broken())

    with registered(BrokenPlugin()), pytest.raises(TypeError, match="'money' returned str"):
        type_engine().to_literal_type(Money)
