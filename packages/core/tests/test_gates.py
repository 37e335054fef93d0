"""Gate nodes: sleep, wait_for_input and approve on the wire and locally."""

from __future__ import annotations

import datetime
import io
import time

import pytest
from flyteidl.core import types_pb2

from featherkit import GateError, approve, sleep, task, wait_for_input, workflow
from featherkit.serialization import SerializationSettings
from featherkit.workflow import WorkflowCompileError
from featherkit.workflow.gate import Gate
from featherkit.workflow.serialize import workflow_template

SETTINGS = SerializationSettings(image="img:1", version="v1", project="p", domain="d")


@task
def double(n: int) -> int:
    return 2 * n


@task
def label(n: int, text: str) -> str:
    return f"{text}{n}"


@workflow
def gated(x: int) -> str:
    pause = sleep(datetime.timedelta(seconds=10))
    text = wait_for_input("text", timeout=datetime.timedelta(hours=1), expected_type=str)
    a = double(n=x)
    pause >> a
    checked = approve(a, "check", timeout=datetime.timedelta(hours=2))
    return label(n=checked, text=text)


@workflow
def napping(x: int) -> int:
    pause = sleep(datetime.timedelta(milliseconds=50))
    a = double(n=x)
    pause >> a
    return a


def test_wire_form_is_flytekits_gate_node() -> None:
    nodes = workflow_template(gated, SETTINGS).nodes
    assert nodes[0].gate_node.sleep.duration.seconds == 10
    assert (nodes[0].metadata.name, nodes[0].metadata.timeout.seconds) == ("sleep-gate", 3600)
    assert not nodes[0].inputs
    signal = nodes[1].gate_node.signal
    assert (signal.signal_id, signal.output_variable_name) == ("text", "o0")
    assert signal.type == types_pb2.LiteralType(simple=types_pb2.STRING)
    assert nodes[1].metadata.timeout.seconds == 3600
    assert list(nodes[2].upstream_node_ids) == ["n0"]
    approve_node = nodes[3]
    assert approve_node.gate_node.approve.signal_id == "check"
    assert approve_node.metadata.timeout.seconds == 7200
    assert [b.var for b in approve_node.inputs] == ["o0"]
    assert approve_node.inputs[0].binding.promise.node_id == "n2"
    assert nodes[4].inputs[0].binding.promise.node_id == "n3"


def test_sleep_waits_locally() -> None:
    start = time.perf_counter()
    assert napping(x=2) == 4
    assert time.perf_counter() - start >= 0.05


def test_without_a_terminal_gates_fail_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(Exception, match="there is no terminal to ask") as info:
        gated(x=1)
    assert isinstance(info.value.original, GateError)  # type: ignore[attr-defined]


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_person_answers_on_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", FakeTerminal("hello-\ny\n"))
    gate = Gate("text", "signal", gated.nodes[1].interface, expected_type=str)
    assert gate.pass_locally({}) == "hello-"
    approval = Gate("check", "approve", gated.nodes[3].interface)
    assert approval.pass_locally({"o0": 4}) == 4
    monkeypatch.setattr("sys.stdin", FakeTerminal("no\n"))
    with pytest.raises(GateError, match="approval 'check' was refused"):
        approval.pass_locally({"o0": 4})
    number = Gate("num", "signal", gated.nodes[1].interface, expected_type=int)
    monkeypatch.setattr("sys.stdin", FakeTerminal("x\n12\n"))
    assert number.pass_locally({}) == 12


def test_gate_errors() -> None:
    def approve_input(x: int) -> int:
        return approve(x, "a", timeout=datetime.timedelta(hours=1))

    def approve_void(x: int) -> None:
        approve(sleep(datetime.timedelta(seconds=1)), "a", timeout=datetime.timedelta(hours=1))

    for body, message in [
        (approve_input, "workflow input 'x' cannot be approved"),
        (approve_void, "has no outputs"),
    ]:
        with pytest.raises(WorkflowCompileError, match=message):
            workflow(body)
    with pytest.raises(TypeError, match=r"must be a datetime\.timedelta"):
        sleep("10s")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="needs an expected_type"):
        wait_for_input("v", timeout=datetime.timedelta(hours=1), expected_type=None)
