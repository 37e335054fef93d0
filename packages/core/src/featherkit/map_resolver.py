"""The pod side of map tasks: the map resolver and the element a pod runs.

Flyte's ``ArrayNode`` runs a map task's template once per element, giving each pod the whole
lists as inputs and the element's index in the environment: ``BATCH_JOB_ARRAY_INDEX_VAR_NAME``
names the variable holding it (``FLYTE_K8S_ARRAY_INDEX`` on Kubernetes), and
``BATCH_JOB_ARRAY_INDEX_OFFSET``, when set, is added to it. The map resolver's loader args name
the bound inputs and the mapped task's own resolver and loader args; loading them gives an
:class:`ArrayElement`, which picks its element from each mapped list and runs the mapped task
on it. This module is a core builtin plugin (it registers the resolver), so it stays light:
the workflow package is not imported here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from featherkit.base_task import PythonTask, Task
from featherkit.errors import TaskInputError
from featherkit.hookspecs import hookimpl
from featherkit.interface import Interface

if TYPE_CHECKING:
    from flyteidl.core import literals_pb2

    from featherkit.context import ExecutionParameters
    from featherkit.serialization import SerializationSettings

MAP_RESOLVER_LOCATION = "featherkit.resolvers.map"

#: environment variable naming the variable that holds the element's index (Flyte sets it)
INDEX_VAR_NAME_ENV = "BATCH_JOB_ARRAY_INDEX_VAR_NAME"
#: added to the index when a backend runs the array in slices
INDEX_OFFSET_ENV = "BATCH_JOB_ARRAY_INDEX_OFFSET"


def array_index(environ: Mapping[str, str]) -> int:
    """The element a pod of an array node runs: the index Flyte sets plus the offset."""
    var = environ.get(INDEX_VAR_NAME_ENV)
    if not var:
        raise TaskInputError(
            f"this is a map task's pod but {INDEX_VAR_NAME_ENV} is not set, so the element to "
            "run is unknown (Flyte's array node sets it, usually to FLYTE_K8S_ARRAY_INDEX)"
        )
    raw = environ.get(var)
    if raw is None:
        raise TaskInputError(
            f"{INDEX_VAR_NAME_ENV} names {var!r}, which is not set in the environment"
        )
    offset = environ.get(INDEX_OFFSET_ENV, "0")
    try:
        return int(offset) + int(raw)
    except ValueError:
        raise TaskInputError(
            f"array index {var}={raw!r} (offset {INDEX_OFFSET_ENV}={offset!r}) is not an integer"
        ) from None


class ArrayElement(Task):
    """What a map task's pod runs: the mapped task on the element at the array index.

    The inputs are the map task's (whole lists, and the bound inputs as they are); the
    outputs are the mapped task's own, for that one element.
    """

    def __init__(
        self, mapped: PythonTask, bound: tuple[str, ...], environ: Mapping[str, str] | None = None
    ) -> None:
        iface = mapped.python_interface
        super().__init__(
            mapped.task_type,
            mapped.name,
            Interface(
                inputs={n: (t if n in bound else list[t]) for n, t in iface.inputs.items()},  # type: ignore[valid-type]
                outputs=dict(iface.outputs),
            ),
            metadata=mapped.metadata,
            task_type_version=mapped.task_type_version,
            security_ctx=mapped.security_context,
        )
        self.mapped_task = mapped
        self.bound_inputs = bound
        self._environ = environ

    def element_inputs(self, literal_map: literals_pb2.LiteralMap) -> literals_pb2.LiteralMap:
        from flyteidl.core import literals_pb2

        index = array_index(os.environ if self._environ is None else self._environ)
        element = literals_pb2.LiteralMap()
        for name, literal in literal_map.literals.items():
            if name in self.bound_inputs or name not in self.mapped_task.python_interface.inputs:
                element.literals[name].CopyFrom(literal)
                continue
            if literal.WhichOneof("value") != "collection":
                raise TaskInputError(
                    f"map task of {self.mapped_task.name!r}: input {name!r} is mapped, so it "
                    f"must be a collection literal; got a {literal.WhichOneof('value')}"
                )
            items = literal.collection.literals
            if not 0 <= index < len(items):
                raise TaskInputError(
                    f"map task of {self.mapped_task.name!r}: array index {index} is outside "
                    f"input {name!r}, which has {len(items)} element(s)"
                )
            element.literals[name].CopyFrom(items[index])
        return element

    def dispatch_execute(
        self, params: ExecutionParameters, input_literal_map: literals_pb2.LiteralMap
    ) -> literals_pb2.LiteralMap:
        return self.mapped_task.dispatch_execute(params, self.element_inputs(input_literal_map))

    def __repr__(self) -> str:
        return f"ArrayElement(task={self.mapped_task.name!r}, bound={list(self.bound_inputs)!r})"


class MapTaskResolver:
    """Loader args ``vars <bound,...> resolver <location> <the mapped task's loader args>``.

    The same layout as flytekit's map resolver: the bound inputs, then the resolver that finds
    the mapped task and its own loader args. Loading gives an :class:`ArrayElement`.
    """

    location = MAP_RESOLVER_LOCATION
    name = "map"

    def loader_args(self, settings: SerializationSettings, task: Task) -> list[str]:
        from featherkit.resolvers import ResolverError, resolver_for

        mapped = getattr(task, "mapped_task", None)
        bound_inputs = getattr(task, "bound_inputs", None)
        if mapped is None or not isinstance(bound_inputs, dict):
            raise ResolverError(
                f"the map resolver serializes map tasks only; {task.name!r} is a "
                f"{type(task).__name__}"
            )
        inner = resolver_for(mapped, settings)
        return [
            "vars",
            ",".join(sorted(bound_inputs)),
            "resolver",
            inner.location,
            *inner.loader_args(settings, mapped),
        ]

    def load_task(self, loader_args: list[str]) -> Task:
        from featherkit.resolvers import ResolverError, find_resolver

        if len(loader_args) < 5 or loader_args[0] != "vars" or loader_args[2] != "resolver":
            raise ResolverError(
                "map resolver expects loader args 'vars <bound inputs> resolver <location> "
                f"<loader args...>', got {loader_args!r}"
            )
        bound = tuple(v for v in loader_args[1].split(",") if v)
        inner = find_resolver(loader_args[3]).load_task(list(loader_args[4:]))
        inner = getattr(inner, "mapped_task", inner)  # loader args naming a map task itself
        if not isinstance(inner, PythonTask):
            raise ResolverError(
                f"the map resolver loaded {inner!r}, which is not a python task it can map"
            )
        unknown = sorted(set(bound) - set(inner.python_interface.inputs))
        if unknown:
            raise ResolverError(
                f"map resolver: bound input(s) {', '.join(unknown)} are not inputs of task "
                f"{inner.name!r} (inputs: {', '.join(inner.python_interface.inputs)})"
            )
        return ArrayElement(inner, bound)

    def get_all_tasks(self) -> list[Task]:
        return []

    def task_name(self, task: Task) -> str | None:
        return task.name

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


resolver = MapTaskResolver()


@hookimpl(trylast=True)
def register_resolvers(register: Callable[[Any], None]) -> None:
    register(resolver)


__all__ = ["ArrayElement", "MapTaskResolver", "array_index", "resolver"]
