"""Rebuild a runnable task from its serialized ``TaskTemplate`` (no user code needed).

Plugin task types whose work is fully described by their template (a SQL query, a container
command) run in a container through a *template executor*: a factory registered with the
``register_template_executors`` hook that turns the ``TaskTemplate`` back into a task. This
module holds what such factories share, so that a plugin author needs nothing but core:

* :func:`interface_from_template`, the Python interface guessed from the template's literal
  types by the type engine;
* :class:`TemplateTask`, a :class:`featherkit.Task` built from a template; subclass it and
  implement ``execute``.

Core's template resolver (:mod:`featherkit.template_resolver`) reads the template file and
calls the executor; tasks that want it carry a ``template_executor`` attribute naming theirs.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from featherkit.base_task import Task
from featherkit.errors import FeatherkitUserError
from featherkit.interface import Interface

if TYPE_CHECKING:
    from flyteidl.core import interface_pb2, tasks_pb2


class TemplateError(FeatherkitUserError):
    """A ``TaskTemplate`` cannot be turned back into a task."""


def _natural_key(name: str) -> tuple[Any, ...]:
    """``o2`` before ``o10``: digits compare as numbers."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name))


def _variables(
    variables: interface_pb2.VariableMap, task_name: str, kind: str
) -> tuple[dict[str, Any], dict[str, str]]:
    from featherkit.type_registry import type_engine

    engine = type_engine()
    types: dict[str, Any] = {}
    descriptions: dict[str, str] = {}
    for name in sorted(variables.variables, key=_natural_key):
        variable = variables.variables[name]
        try:
            types[name] = engine.guess_python_type(variable.type)
        except (TypeError, ValueError) as exc:
            raise TemplateError(
                f"task {task_name!r}: cannot rebuild {kind} {name!r} from its literal type "
                f"({str(variable.type).strip() or 'empty'}): {exc}"
            ) from exc
        if variable.description:
            descriptions[name] = variable.description
    return types, descriptions


def interface_from_template(template: tasks_pb2.TaskTemplate) -> Interface:
    """The Python :class:`~featherkit.interface.Interface` of a serialized task.

    Each variable's Python type is guessed from its ``LiteralType`` by the type engine
    (installed plugins' transformers included), descriptions are kept, and variables are
    ordered by name with numbers compared as numbers (``o0, o1, ..., o10``): protobuf maps
    carry no order, so this is what a multi-output task's tuple follows. A template holds no
    input defaults, so the interface has none.
    """
    name = template.id.name
    inputs, input_docs = _variables(template.interface.inputs, name, "input")
    outputs, output_docs = _variables(template.interface.outputs, name, "output")
    return Interface(
        inputs=inputs,
        outputs=outputs,
        input_descriptions=input_docs,
        output_descriptions=output_docs,
    )


class TemplateTask(Task):
    """A task rebuilt from its ``TaskTemplate``; subclasses implement ``execute(**inputs)``.

    Name, task type, version and interface come from the template; ``template`` is kept for
    the subclass (its ``custom`` and ``config`` carry the plugin's configuration, ``custom``
    is offered as a plain dict).
    """

    def __init__(self, template: tasks_pb2.TaskTemplate) -> None:
        super().__init__(
            task_type=template.type,
            name=template.id.name,
            interface=interface_from_template(template),
            task_type_version=template.task_type_version,
        )
        self.template = template
        # the IDL interface is the template's own, not a re-encoding of the guessed types
        self._idl_interface = type(template.interface)()
        self._idl_interface.CopyFrom(template.interface)

    @property
    def custom(self) -> dict[str, Any]:
        from google.protobuf import json_format

        custom: dict[str, Any] = json_format.MessageToDict(self.template.custom)
        return custom
