"""``@dynamic``: a task whose body builds a workflow graph at run time, from its actual inputs.

::

    @dynamic
    def fan_out(n: int) -> list[int]:
        return [square(x=i) for i in range(n)]     # n is an int here, not a promise

The body runs with the task's real input values; the calls it makes record nodes (``dn0``,
``dn1``, ...) exactly as a workflow body's do, conditionals and map tasks included.

* **Locally** the graph is compiled with the given inputs and run like a workflow (ready nodes
  in parallel); the call returns the graph's outputs.
* **In a pod** featherkit's entrypoint compiles the graph and writes ``futures.pb``, a
  ``flyteidl.core.DynamicJobSpec`` (the nodes, the templates of the tasks they run, the output
  bindings, the sub-workflows and ``min_successes`` = the number of nodes), which Flyte then
  runs; a graph without nodes writes ``outputs.pb`` directly, as flytekit does.

Compiling in the pod needs the serialization settings the task was registered with (the image
and identity of the tasks it adds). featherkit carries them in the dynamic task's container
environment as readable JSON, under ``FEATHERKIT_SERIALIZATION_SETTINGS`` (flytekit uses a
private compressed variable, ``_F_SS_C``); see ``docs/control-flow.md``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, overload

from featherkit import context
from featherkit.function_task import PythonFunctionTask
from featherkit.workflow.promise import (
    Binding,
    CollectionBinding,
    ConstantBinding,
    MapBinding,
    WorkflowCompileError,
)

if TYPE_CHECKING:
    from flyteidl.core import dynamic_job_pb2, literals_pb2

    from featherkit.context import ExecutionParameters
    from featherkit.serialization import SerializationSettings
    from featherkit.workflow.node import Node
    from featherkit.workflow.workflow import WorkflowBase

#: the container environment variable holding the serialization settings (JSON)
SETTINGS_ENV = "FEATHERKIT_SERIALIZATION_SETTINGS"
DYNAMIC_PREFIX = "d"


# --- the settings, carried to the pod --------------------------------------------------------


def settings_to_json(settings: SerializationSettings) -> str:
    """The settings as the JSON a dynamic task's pod reads back (only JSON-able ``extra``)."""
    extra: dict[str, Any] = {}
    for key, value in settings.extra.items():
        location = getattr(value, "location", None)
        if isinstance(location, str) and not isinstance(value, str):
            extra[key] = location  # a resolver object travels as its location
            continue
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            continue
        extra[key] = value
    data = {
        "image": settings.image,
        "version": settings.version,
        "project": settings.project,
        "domain": settings.domain,
        "env": dict(settings.env),
        "python_interpreter": settings.python_interpreter,
        "source_root": settings.source_root,
        "extra": extra,
    }
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def settings_from_env(environ: Mapping[str, str], task_name: str) -> SerializationSettings:
    """The settings a dynamic task's pod compiles with, from its environment."""
    from featherkit.serialization import SerializationSettings

    text = environ.get(SETTINGS_ENV)
    if not text:
        raise WorkflowCompileError(
            f"dynamic workflow {task_name!r}: {SETTINGS_ENV} is not set in this container, so "
            "the tasks it adds cannot be given an image and a version; serialize the dynamic "
            "task with featherkit (it sets the variable in the task's container)"
        )
    try:
        data = json.loads(text)
        return SerializationSettings(
            image=data["image"],
            version=data["version"],
            project=data.get("project", ""),
            domain=data.get("domain", ""),
            env=data.get("env") or {},
            python_interpreter=data.get("python_interpreter") or "/opt/venv/bin/python3",
            source_root=data.get("source_root"),
            extra=data.get("extra") or {},
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise WorkflowCompileError(
            f"dynamic workflow {task_name!r}: {SETTINGS_ENV} does not hold serialization "
            f"settings ({type(exc).__name__}: {exc})"
        ) from exc


# --- the task ---------------------------------------------------------------------------------


class DynamicTask(PythonFunctionTask):
    """A task whose function builds a workflow graph when it runs (flytekit's ``@dynamic``)."""

    is_dynamic = True

    def settings_env(self, settings: SerializationSettings) -> dict[str, str]:
        """Environment the container builder adds: the settings the pod compiles with."""
        return {SETTINGS_ENV: settings_to_json(settings)}

    def compile_graph(self, inputs: Mapping[str, Any]) -> WorkflowBase:
        """Run the body with native ``inputs``, recording its calls as nodes ``dn0, ...``."""
        from featherkit.workflow.compiler import CompileState
        from featherkit.workflow.workflow import WorkflowBase

        state = CompileState(self.name, prefix=DYNAMIC_PREFIX)
        token = context.compiling.set(state)
        try:
            returned = self.task_function(**inputs)
        finally:
            context.compiling.reset(token)
        state.check_complete()
        graph = WorkflowBase(self.name, self.python_interface, module=self.instantiated_in)
        graph.nodes = state.nodes
        graph.output_bindings = state.bind_outputs(returned, self.python_interface.outputs)
        return graph

    def execute(self, **kwargs: Any) -> Any:
        """Locally: compile the graph with these inputs and run it; its outputs."""
        from featherkit.workflow.runner import run_workflow

        graph = self.compile_graph(kwargs)
        return run_workflow(graph, dict(kwargs), None)

    def dispatch_execute(
        self, params: ExecutionParameters, input_literal_map: literals_pb2.LiteralMap
    ) -> Any:
        """Locally, run the graph; in a pod (an output prefix is set), return the
        ``DynamicJobSpec`` to write as ``futures.pb`` (or the outputs when it has no node)."""
        if params.output_prefix is None:
            return super().dispatch_execute(params, input_literal_map)
        from featherkit.errors import UserCodeError

        with context.execution(params):
            params = self.pre_execute(params)
            native = self.literals_to_inputs(input_literal_map)
            params.attributes["native_inputs"] = native
            try:
                graph = self.compile_graph(native)
            except Exception as exc:  # the body's own error, or a graph it cannot build
                raise UserCodeError(self.name, exc) from exc
            settings = settings_from_env(os.environ, self.name)
            return dynamic_job_spec(graph, settings)


def _binding_literal(binding: Binding) -> literals_pb2.Literal:
    from flyteidl.core import literals_pb2

    literal = literals_pb2.Literal()
    if isinstance(binding, ConstantBinding):
        literal.CopyFrom(binding.literal)
    elif isinstance(binding, CollectionBinding):
        literal.collection.SetInParent()
        for item in binding.items:
            literal.collection.literals.append(_binding_literal(item))
    elif isinstance(binding, MapBinding):
        literal.map.SetInParent()
        for key, item in binding.items.items():
            literal.map.literals[key].CopyFrom(_binding_literal(item))
    else:
        raise WorkflowCompileError(
            f"output bound to {binding.promise.describe()} in a dynamic workflow without nodes"
        )
    return literal


def _tasks_in_order(nodes: list[Node]) -> list[Any]:
    """The tasks the nodes run, each once, in the order they are first met (depth first)."""
    from featherkit.base_task import Task
    from featherkit.workflow.serialize import all_nodes
    from featherkit.workflow.workflow import WorkflowBase

    found: dict[int, Any] = {}
    seen_workflows: set[int] = set()

    def visit(node: Node) -> None:
        for ref in node.kind.references(node):
            if isinstance(ref, Task):
                found.setdefault(id(ref), ref)
            elif isinstance(ref, WorkflowBase) and id(ref) not in seen_workflows:
                seen_workflows.add(id(ref))
                for inner in all_nodes(ref):
                    visit(inner)

    for node in nodes:
        visit(node)
    return list(found.values())


def dynamic_job_spec(
    graph: WorkflowBase, settings: SerializationSettings
) -> dynamic_job_pb2.DynamicJobSpec | literals_pb2.LiteralMap:
    """The ``DynamicJobSpec`` of a compiled graph, or its outputs when it has no node."""
    from flyteidl.core import dynamic_job_pb2, literals_pb2

    from featherkit.serialization import serialize
    from featherkit.workflow.serialize import SerializeContext, sub_workflows, workflow_template

    if not graph.nodes:
        outputs = literals_pb2.LiteralMap()
        for name, binding in graph.output_bindings.items():
            outputs.literals[name].CopyFrom(_binding_literal(binding))
        return outputs
    ctx = SerializeContext(settings)
    spec = dynamic_job_pb2.DynamicJobSpec()
    spec.min_successes = len(graph.nodes)
    spec.nodes.extend(ctx.node(node) for node in graph.nodes)
    spec.tasks.extend(serialize(task, settings) for task in _tasks_in_order(graph.nodes))
    spec.outputs.extend(ctx.bindings(graph.output_bindings))
    spec.subworkflows.extend(workflow_template(sub, settings) for sub in sub_workflows(graph))
    return spec


@overload
def dynamic(_fn: Callable[..., Any]) -> DynamicTask: ...


@overload
def dynamic(_fn: None = None, **kwargs: Any) -> Callable[[Callable[..., Any]], DynamicTask]: ...


def dynamic(
    _fn: Callable[..., Any] | None = None, **kwargs: Any
) -> DynamicTask | Callable[[Callable[..., Any]], DynamicTask]:
    """Make a dynamic workflow of a function; bare or with ``@task``'s arguments."""
    from featherkit.function_task import task

    def decorate(fn: Callable[..., Any]) -> DynamicTask:
        if kwargs.get("task_config") is not None:
            raise TypeError(
                f"@dynamic {fn.__module__}.{fn.__name__}: task_config is not supported; a "
                "dynamic workflow runs as a plain python task"
            )
        plain = task(**kwargs)(fn)  # @task's checks and plugin arguments, then the same pieces
        return DynamicTask(
            fn,
            None,
            metadata=plain.metadata,
            docs=plain._docs,
            environment=plain.environment,
            container_image=plain.container_image,
            requests=plain.requests,
            limits=plain.limits,
            secret_requests=plain.secret_requests,
            task_resolver=plain.task_resolver,
            enable_deck=plain.enable_deck,
            plugin_options=plain.plugin_options,
        )

    if _fn is not None:
        return decorate(_fn)
    return decorate


__all__ = [
    "SETTINGS_ENV",
    "DynamicTask",
    "dynamic",
    "dynamic_job_spec",
    "settings_from_env",
    "settings_to_json",
]
