from typing import NamedTuple

import pytest

from featherkit import kwtypes, task


class Pair(NamedTuple):
    left: int
    right: str


def test_kwtypes_keeps_order():
    assert list(kwtypes(b=int, a=str).items()) == [("b", int), ("a", str)]


def test_inputs_defaults_and_descriptions():
    @task
    def t(a: int, b: str = "x") -> float:
        """Doc.

        :param a: the a
        :return: a float
        """
        return 1.0

    iface = t.python_interface
    assert iface.inputs == {"a": int, "b": str}
    assert iface.defaults == {"b": "x"}
    assert iface.outputs == {"o0": float}
    assert iface.input_descriptions == {"a": "the a"}
    assert iface.output_descriptions == {"o0": "a float"}


def test_outputs_named_o0_o1_for_tuples():
    @task
    def t() -> tuple[int, str]:
        return 1, "a"

    assert list(t.python_interface.outputs) == ["o0", "o1"]


def test_tuple_literal_return_annotation_reads_as_tuple():
    # flytekit reads ``-> (int, str)`` as ``Tuple[int, str]``
    @task
    def t(a: int) -> (int, str):  # type: ignore[syntax]
        return a, "x"

    assert t.python_interface.outputs == {"o0": int, "o1": str}
    assert t(a=3) == (3, "x")
    with pytest.raises(TypeError, match="one-element tuple"):

        @task
        def one() -> (int,):  # type: ignore[syntax]
            return (1,)


def test_several_unnamed_outputs_come_back_as_default_named_tuple_output():
    @task
    def t() -> tuple[int, str]:
        return 1, "a"

    result = t()
    assert type(result).__name__ == "DefaultNamedTupleOutput"
    assert result._fields == ("o0", "o1")
    assert (result.o0, result.o1) == (1, "a")


def test_named_tuple_outputs():
    @task
    def t() -> Pair:
        return Pair(1, "a")

    assert t.python_interface.outputs == {"left": int, "right": str}
    assert t.python_interface.output_tuple is Pair


def test_single_field_named_tuple_allowed():
    class One(NamedTuple):
        only: int

    @task
    def t() -> One:
        return One(1)

    assert t.python_interface.outputs == {"only": int}


def test_no_outputs():
    @task
    def t(a: int) -> None:
        pass

    assert t.python_interface.outputs == {}


def test_one_element_tuple_rejected():
    with pytest.raises(TypeError, match="one-element tuple"):

        @task
        def t() -> tuple[int]:
            return (1,)


def test_missing_annotation_named():
    with pytest.raises(TypeError, match="input 'b' needs a type annotation"):

        @task
        def t(a: int, b) -> int:  # type: ignore[no-untyped-def]
            return a


def test_varargs_rejected():
    with pytest.raises(TypeError, match=r"\*args and \*\*kwargs"):

        @task
        def t(*a: int) -> int:
            return 1


def test_idl_interface_descriptions_default_to_names():
    @task
    def t(a: int, b: str = "x") -> int:
        """Doc.

        :param a: the a
        """
        return a

    idl = t.interface
    assert idl.inputs.variables["a"].description == "the a"
    assert idl.inputs.variables["b"].description == "b"
    assert idl.outputs.variables["o0"].description == "o0"


def test_keyword_only_inputs_and_defaults():
    @task
    def t(a: int, b: int = 2, *, c: str, d: float = 1.5) -> int:
        return a

    iface = t.python_interface
    assert list(iface.inputs) == ["a", "b", "c", "d"]
    assert iface.defaults == {"b": 2, "d": 1.5}
    assert t(a=1, c="x") == 1


def test_wrapped_function_uses_the_wrapped_signature():
    import functools

    def deco(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            return fn(*args, **kwargs) + 1

        return wrapper

    @task
    @deco
    def t(a: int, b: int = 1) -> int:
        return a + b

    assert t.python_interface.inputs == {"a": int, "b": int}
    assert t.python_interface.defaults == {"b": 1}
    assert t(a=1) == 3


def test_string_annotations_are_resolved():
    namespace: dict = {}
    exec(
        "from __future__ import annotations\n"
        "from featherkit import task\n"
        "@task\n"
        "def t(a: list[int], b: 'str' = 'x') -> dict[str, int]:\n"
        "    return {b: sum(a)}\n",
        namespace,
    )
    t = namespace["t"]
    assert t.python_interface.inputs == {"a": list[int], "b": str}
    assert t(a=[1, 2]) == {"x": 3}


def test_docstring_is_parsed_only_when_needed():
    @task
    def t(a: int) -> int:
        """Doc.

        :param a: the a
        """
        return a

    assert t.python_interface._docstring is None
    assert t.python_interface.input_descriptions == {"a": "the a"}
    assert t.docs.short_description == "Doc."
