"""``featherkit.template``: rebuilding a task's interface and a runnable task from its template."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any, NamedTuple, Optional

import pytest
from flyteidl.core import interface_pb2, types_pb2

from featherkit import Interface, PythonTask
from featherkit.context import ExecutionParameters
from featherkit.function_task import task
from featherkit.serialization import SerializationSettings, serialize
from featherkit.template import TemplateError, TemplateTask, interface_from_template

SETTINGS = SerializationSettings(image="ghcr.io/featherkit/test:1", version="v1")


@dataclasses.dataclass
class Point:
    x: int
    y: float


class Many(NamedTuple):
    o0: int
    o1: str
    o2: float
    o3: int
    o4: int
    o5: int
    o6: int
    o7: int
    o8: int
    o9: int
    o10: list[int]


@task
def typed(
    a: int,
    b: float,
    c: str,
    d: bool,
    e: list[int],
    f: dict[str, float],
    g: Optional[str],
    h: datetime.datetime,
    i: datetime.timedelta,
    j: dict,  # type: ignore[type-arg]
    k: Point,
) -> Many:
    """Many types.

    :param a: an integer
    :param j: an untyped dict
    :param k: a point
    """
    raise AssertionError("never run")


def test_interface_round_trips_through_the_template() -> None:
    template = serialize(typed, SETTINGS)
    rebuilt = interface_from_template(template)
    again = Interface(
        inputs=rebuilt.inputs,
        outputs=rebuilt.outputs,
        input_descriptions=rebuilt.input_descriptions,
        output_descriptions=rebuilt.output_descriptions,
    ).to_idl()
    assert again == template.interface
    assert rebuilt.inputs["e"] == list[int]
    assert rebuilt.inputs["f"] == dict[str, float]
    assert rebuilt.input_descriptions["a"] == "an integer"
    assert rebuilt.defaults == {}
    assert dataclasses.is_dataclass(rebuilt.inputs["k"])


def test_outputs_are_in_natural_order() -> None:
    rebuilt = interface_from_template(serialize(typed, SETTINGS))
    assert list(rebuilt.outputs) == [f"o{i}" for i in range(11)]
    assert rebuilt.output_tuple is not None
    assert rebuilt.output_tuple._fields == tuple(f"o{i}" for i in range(11))


def test_an_unknown_literal_type_names_task_and_variable() -> None:
    template = serialize(typed, SETTINGS)
    template.interface.inputs.variables["weird"].CopyFrom(
        interface_pb2.Variable(type=types_pb2.LiteralType(), description="weird")
    )
    with pytest.raises(TemplateError, match=r"task '.*typed': cannot rebuild input 'weird'"):
        interface_from_template(template)


class Concat(PythonTask):
    def execute(self, **kwargs: Any) -> Any:
        return kwargs["left"] + self.task_config["sep"] + kwargs["right"]

    def get_custom(self, settings: Any) -> dict[str, Any]:
        return dict(self.task_config)


class ConcatFromTemplate(TemplateTask):
    def execute(self, **kwargs: Any) -> Any:
        return kwargs["left"] + self.custom["sep"] + kwargs["right"]


concat = Concat(
    "concat", f"{__name__}.concat",
    Interface(inputs={"left": str, "right": str}, outputs={"o0": str}),
    task_config={"sep": "-"},
    task_type_version=2,
)


def test_template_task_behaves_like_the_original() -> None:
    original = concat
    template = serialize(original, SETTINGS)
    rebuilt = ConcatFromTemplate(template)
    assert rebuilt.name == concat.name
    assert rebuilt.task_type == "concat"
    assert rebuilt.task_type_version == 2
    assert rebuilt.interface == template.interface
    assert rebuilt.custom == {"sep": "-"}
    inputs = original.inputs_to_literals({"left": "a", "right": "b"})
    assert rebuilt.dispatch_execute(ExecutionParameters(), inputs) == original.dispatch_execute(
        ExecutionParameters(), inputs
    )
    assert rebuilt(left="x", right="y") == "x-y"


def test_template_task_keeps_its_own_copy_of_the_interface() -> None:
    template = serialize(typed, SETTINGS)

    class Never(TemplateTask):
        pass

    rebuilt = Never(template)
    template.interface.inputs.variables.pop("a")
    assert "a" in rebuilt.interface.inputs.variables


def test_template_task_without_execute_says_so() -> None:
    class Never(TemplateTask):
        pass

    with pytest.raises(TypeError, match="does not define execute"):
        Never(serialize(typed, SETTINGS)).execute()
