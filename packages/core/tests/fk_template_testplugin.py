"""A plugin task type that runs from its template, used by this package's tests.

``ArithmeticTask`` computes locally; its executor, registered as ``tests-arith``, computes the
same from the template's ``custom`` alone. Loaded in-process with ``registered(...)`` and, for
the end-to-end test, through a real entry point of a fake distribution.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from featherkit import Interface, PythonTask, hookimpl
from featherkit.extend import TemplateTask

EXECUTOR = "tests-arith"


def _apply(op: str, amount: int, x: Any) -> Any:
    if op == "add":
        return x + amount
    if op == "repeat":
        return x * amount
    if op == "fail":
        raise ValueError(f"asked to fail with {x!r}")
    raise ValueError(f"unknown op {op!r}")


class ArithmeticTask(PythonTask):
    template_executor = EXECUTOR

    def __init__(self, name: str, op: str, amount: int, inputs: dict[str, Any],
                 outputs: dict[str, Any]) -> None:
        super().__init__(
            "arith", name, Interface(inputs=inputs, outputs=outputs),
            task_config={"op": op, "amount": amount},
        )

    def get_custom(self, settings: Any) -> dict[str, Any]:
        return dict(self.task_config)

    def execute(self, **kwargs: Any) -> Any:
        (value,) = kwargs.values()
        return _apply(self.task_config["op"], self.task_config["amount"], value)


class ArithmeticExecutor(TemplateTask):
    def execute(self, **kwargs: Any) -> Any:
        (value,) = kwargs.values()
        return _apply(self.custom["op"], int(self.custom["amount"]), value)


@hookimpl
def register_template_executors(register: Callable[[str, Any], None]) -> None:
    register(EXECUTOR, ArithmeticExecutor)


add_three = ArithmeticTask("tests.add_three", "add", 3, {"x": int}, {"o0": int})
echo_twice = ArithmeticTask("tests.echo_twice", "repeat", 2, {"s": str}, {"o0": str})
failing = ArithmeticTask("tests.failing", "fail", 0, {"x": int}, {"o0": int})
