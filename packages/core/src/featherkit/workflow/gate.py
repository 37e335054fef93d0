"""Gate nodes: ``sleep``, ``wait_for_input`` and ``approve`` (Flyte's ``GateNode``).

::

    @workflow
    def release(build: str) -> str:
        artifact = package(build=build)
        sleep(timedelta(minutes=5))                       # wait
        note = wait_for_input("note", timeout=timedelta(hours=1), expected_type=str)
        ok = approve(artifact, "ship-it", timeout=timedelta(hours=2))
        return publish(artifact=ok, note=note)

On the wire each is a ``GateNode`` as flytekit 1.16 writes it: ``sleep`` a ``SleepCondition``
(node name ``sleep-gate``), ``wait_for_input`` a ``SignalCondition`` (signal id = the name,
the expected type, output ``o0``), ``approve`` an ``ApproveCondition`` passing the approved
value through under its own output name; the node's timeout is the gate's (default one hour).

Locally ``sleep`` waits for its duration, and ``wait_for_input`` / ``approve`` ask on the
terminal; without one (stdin not a terminal, as in CI) they fail with an error saying what the
gate waits for. Called outside a workflow body they do the same right away.
"""

from __future__ import annotations

import datetime
import sys
import time
from typing import TYPE_CHECKING, Any, TextIO

from featherkit import context
from featherkit.interface import Interface
from featherkit.workflow.node import Node, NodeKind, NodeMetadata, register_node_kind
from featherkit.workflow.promise import NodeOutputs, Promise, VoidPromise, WorkflowCompileError

if TYPE_CHECKING:
    from flyteidl.core import workflow_pb2

    from featherkit.workflow.compiler import CompileState
    from featherkit.workflow.runner import Run
    from featherkit.workflow.serialize import SerializeContext

DEFAULT_TIMEOUT = datetime.timedelta(hours=1)
SLEEP_NODE_NAME = "sleep-gate"


class GateError(RuntimeError):
    """A gate could not be passed locally (no terminal to ask, or the approval was refused)."""


class Gate:
    """One gate: a sleep, a signal (an input to wait for) or an approval."""

    _node_kind = "gate"

    def __init__(
        self,
        name: str,
        kind: str,
        interface: Interface,
        *,
        timeout: datetime.timedelta | None = None,
        duration: datetime.timedelta | None = None,
        expected_type: Any = None,
    ) -> None:
        self.name = name
        self.kind = kind
        self.python_interface = interface
        self.timeout = timeout or DEFAULT_TIMEOUT
        self.duration = duration
        self.expected_type = expected_type

    def describe(self) -> str:
        if self.kind == "sleep":
            return f"sleep of {self.duration}"
        if self.kind == "signal":
            return f"input {self.name!r}"
        return f"approval {self.name!r}"

    def __repr__(self) -> str:
        return f"Gate({self.describe()})"

    # -- local behaviour ---------------------------------------------------------------------

    def pass_locally(self, inputs: dict[str, Any], stdin: TextIO | None = None) -> Any:
        """What the gate does in a local run: sleep, or ask on the terminal."""
        if self.kind == "sleep":
            assert self.duration is not None
            time.sleep(self.duration.total_seconds())
            return None
        stream = stdin if stdin is not None else sys.stdin
        if self.kind == "signal":
            return _ask_value(self, stream)
        ((_, value),) = inputs.items()
        answer = _ask(
            self,
            stream,
            f"[approval {self.name!r}] approve {value!r}? [y/N] ",
            "an approval (y/n)",
        )
        if answer.strip().lower() not in ("y", "yes"):
            raise GateError(f"approval {self.name!r} was refused (answer {answer.strip()!r})")
        return value


def _ask(gate: Gate, stream: TextIO, prompt: str, what: str) -> str:
    interactive = getattr(stream, "isatty", None)
    if interactive is None or not interactive():
        raise GateError(
            f"gate {gate.describe()} waits for {what} from a person, and there is no terminal "
            "to ask (stdin is not a terminal); run it where someone can answer, or on a Flyte "
            "cluster where the signal is set with flytectl / the console"
        )
    print(prompt, end="", file=sys.stderr, flush=True)
    line = stream.readline()
    if not line:
        raise GateError(f"gate {gate.describe()}: the terminal closed before an answer")
    return line.rstrip("\n")


def _ask_value(gate: Gate, stream: TextIO) -> Any:
    from featherkit.values import parse_cli_value

    tp = gate.expected_type
    type_label = getattr(tp, "__name__", repr(tp))
    for _ in range(3):
        text = _ask(
            gate,
            stream,
            f"[input {gate.name!r}] value of type {type_label}: ",
            f"a value of type {type_label}",
        )
        try:
            return parse_cli_value(text, tp)
        except (TypeError, ValueError) as exc:
            print(f"not a {type_label}: {exc}", file=sys.stderr)
    raise GateError(f"gate {gate.describe()}: no valid {type_label} after 3 tries")


def _check_timeout(value: Any, what: str) -> datetime.timedelta:
    if isinstance(value, datetime.timedelta):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return datetime.timedelta(seconds=value)
    raise TypeError(f"{what} must be a datetime.timedelta (or int seconds), got {value!r}")


def _record_or_run(gate: Gate, inputs: dict[str, Any]) -> Any:
    state = context.compiling.get()
    if state is not None:
        return state.call(gate, (), inputs)
    return gate.pass_locally(inputs)


def sleep(duration: datetime.timedelta) -> Any:
    """Wait ``duration`` before the nodes ordered after it (``sleep(...) >> task(...)``)."""
    duration = _check_timeout(duration, "sleep(duration)")
    gate = Gate(SLEEP_NODE_NAME, "sleep", Interface(), duration=duration)
    return _record_or_run(gate, {})


def wait_for_input(name: str, timeout: datetime.timedelta, expected_type: Any) -> Any:
    """A value a person gives while the workflow runs (a Flyte signal named ``name``)."""
    if not isinstance(name, str) or not name:
        raise TypeError(f"wait_for_input needs a name string, got {name!r}")
    timeout = _check_timeout(timeout, f"wait_for_input({name!r}) timeout")
    if expected_type is None:
        raise TypeError(f"wait_for_input({name!r}) needs an expected_type, e.g. int or str")
    gate = Gate(
        name,
        "signal",
        Interface(outputs={"o0": expected_type}),
        timeout=timeout,
        expected_type=expected_type,
    )
    return _record_or_run(gate, {})


def approve(upstream: Any, name: str, timeout: datetime.timedelta) -> Any:
    """Pass ``upstream`` (one output of a call) on once a person approves it."""
    if not isinstance(name, str) or not name:
        raise TypeError(f"approve needs a name string, got {name!r}")
    timeout = _check_timeout(timeout, f"approve({name!r}) timeout")
    state = context.compiling.get()
    if state is None:
        gate = Gate(name, "approve", Interface(inputs={"o0": Any}, outputs={"o0": Any}),
                    timeout=timeout)
        return gate.pass_locally({"o0": upstream})
    where = f"workflow {state.name!r}, approve({name!r})"
    if upstream is None or isinstance(upstream, (VoidPromise, NodeOutputs)):
        raise WorkflowCompileError(
            f"{where}: approve needs one output of a call (a promise); got "
            f"{upstream!r}, which "
            + ("has no outputs" if upstream is None or isinstance(upstream, VoidPromise)
               else "holds several outputs: pass one of them")
        )
    if not isinstance(upstream, Promise):
        raise WorkflowCompileError(
            f"{where}: approve needs the output of a call (a promise), got "
            f"{type(upstream).__name__} {upstream!r}"
        )
    if upstream.node is None:
        raise WorkflowCompileError(
            f"{where}: workflow input {upstream.var!r} cannot be approved; approve the output "
            "of a call"
        )
    var, tp = upstream.var, upstream.python_type
    gate = Gate(name, "approve", Interface(inputs={var: tp}, outputs={var: tp}), timeout=timeout)
    return state.call(gate, (), {var: upstream})


class GateNodeKind(NodeKind):
    name = "gate"
    label = "gate"

    def describe(self, entity: Any) -> str:
        return f"gate {entity.describe()}"

    def metadata(self, entity: Any) -> NodeMetadata:
        return NodeMetadata(name=entity.name, timeout=entity.timeout)

    def compile_call(
        self, state: CompileState, entity: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        node = state.add_node(self, entity, args, kwargs)
        return state.outputs_of(node)

    def fill(self, node: Node, message: workflow_pb2.Node, ctx: SerializeContext) -> None:
        gate: Gate = node.entity
        target = message.gate_node
        if gate.kind == "sleep":
            assert gate.duration is not None
            target.sleep.duration.FromTimedelta(gate.duration)
        elif gate.kind == "signal":
            from featherkit.type_registry import type_engine

            target.signal.signal_id = gate.name
            target.signal.type.CopyFrom(type_engine().to_literal_type(gate.expected_type))
            target.signal.output_variable_name = "o0"
        else:
            target.approve.signal_id = gate.name

    def run_sync(self, node: Node, inputs: dict[str, Any], run: Run) -> Any:
        return node.entity.pass_locally(inputs)


register_node_kind(GateNodeKind())

__all__ = [
    "DEFAULT_TIMEOUT",
    "Gate",
    "GateError",
    "GateNodeKind",
    "approve",
    "sleep",
    "wait_for_input",
]
