"""with_overrides (chained, on promises, tuples, void results and nodes), create_node, and
the register_node_overrides hook."""

from __future__ import annotations

import datetime
import functools
from typing import Any, NamedTuple

import pytest

from featherkit import Resources, create_node, hookimpl, map_task, task, workflow
from featherkit.plugins import PluginError, registered
from featherkit.serialization import SerializationSettings
from featherkit.workflow import WorkflowCompileError
from featherkit.workflow.serialize import workflow_template

SETTINGS = SerializationSettings(image="img:1", version="v1", project="p", domain="d")


@task
def double(n: int) -> int:
    return 2 * n


@task
def negate(n: int) -> int:
    return -n


class Pair(NamedTuple):
    low: int
    high: int


@task
def split(n: int) -> Pair:
    return Pair(n - 1, n + 1)


@task
def log(n: int) -> None:
    pass


@task
def scale(x: int, factor: int) -> int:
    return x * factor


@workflow
def tuned(x: int) -> int:
    a = double(n=x).with_overrides(retries=3).with_overrides(
        node_name="First Double",
        timeout=datetime.timedelta(minutes=5),
        interruptible=True,
        requests=Resources(cpu="2"),
        limits=Resources(mem="1Gi"),
        cache=True,
        cache_version="v2",
        cache_serialize=True,
        container_image="img:other",
        name="renamed",
    )
    split(n=a).with_overrides(retries=1)
    log(n=a).with_overrides(timeout=30)
    b = create_node(negate, n=a)
    c = create_node(double, n=x).with_overrides(retries=4)
    b >> c
    return b.o0


def test_overrides_on_the_wire() -> None:
    nodes = workflow_template(tuned, SETTINGS).nodes
    first = nodes[0]
    assert first.id == "first-double"
    meta = first.metadata
    assert (meta.name, meta.retries.retries, meta.timeout.seconds) == ("renamed", 3, 300)
    assert meta.interruptible and meta.cacheable and meta.cache_serializable
    assert meta.cache_version == "v2"
    overrides = first.task_node.overrides
    assert overrides.container_image == "img:other"
    assert [(e.name, e.value) for e in overrides.resources.requests] == [(1, "2")]
    assert [(e.name, e.value) for e in overrides.resources.limits] == [(3, "1Gi")]
    assert nodes[1].metadata.retries.retries == 1
    assert nodes[2].metadata.timeout.seconds == 30
    # bindings read the renamed id
    assert nodes[3].inputs[0].binding.promise.node_id == "first-double"
    assert list(nodes[4].upstream_node_ids) == ["n3"]
    assert nodes[4].metadata.retries.retries == 4
    assert tuned(x=3) == -6


def test_create_node_outputs() -> None:
    seen: dict[str, Any] = {}

    @workflow
    def wf(n: int) -> int:
        node = create_node(split, n=n)
        seen["node"] = node
        assert node.outputs["high"] is node.high
        return double(n=node.high)

    node = seen["node"]
    assert set(node.outputs) == {"low", "high"}
    assert wf(n=2) == 6
    with pytest.raises(AttributeError, match="has no output 'nope'; its outputs are: low, high"):
        node.nope  # noqa: B018
    with pytest.raises(WorkflowCompileError, match="is for workflow bodies"):
        create_node(double, n=1)


def test_map_task_overrides_go_to_the_mapped_node() -> None:
    @workflow
    def wf(xs: list[int]) -> list[int]:
        return map_task(functools.partial(scale, factor=2))(x=xs).with_overrides(
            retries=5, requests=Resources(cpu="1")
        )

    node = workflow_template(wf, SETTINGS).nodes[0]
    assert node.metadata.retries.retries == 0
    inner = node.array_node.node
    assert inner.metadata.retries.retries == 5
    assert [e.value for e in inner.task_node.overrides.resources.requests] == ["1"]


def _compile_error(body: Any, match: str) -> None:
    with pytest.raises(WorkflowCompileError, match=match):
        workflow(body)


def test_override_errors() -> None:
    def positional(x: int) -> int:
        return double(n=x).with_overrides(3)

    def unknown(x: int) -> int:
        return double(n=x).with_overrides(color="red")

    def bad_retries(x: int) -> int:
        return double(n=x).with_overrides(retries="3")

    def negative(x: int) -> int:
        return double(n=x).with_overrides(retries=-1)

    def cache_no_version(x: int) -> int:
        return double(n=x).with_overrides(cache=True)

    def from_promise(x: int) -> int:
        return double(n=x).with_overrides(retries=x)

    def duplicate_name(x: int) -> int:
        double(n=x).with_overrides(node_name="same")
        return double(n=x).with_overrides(node_name="same")

    def input_override(x: int) -> int:
        x.with_overrides(retries=1)
        return x

    _compile_error(positional, "with_overrides takes keyword arguments only")
    _compile_error(unknown, "unexpected argument 'color'; known: node_name")
    _compile_error(bad_retries, r"with_overrides\(retries=...\) needs int, got str")
    _compile_error(negative, "must not be negative")
    _compile_error(cache_no_version, r"cache=True\) needs cache_version")
    _compile_error(from_promise, "cannot come from a promise")
    _compile_error(duplicate_name, "gives node id 'same', which node 0")
    _compile_error(input_override, "is a workflow input")


class ColorPlugin:
    """A test plugin contributing ``with_overrides(color=...)``."""

    @hookimpl
    def register_node_overrides(self, register: Any) -> None:
        def validate(value: Any) -> str:
            if not isinstance(value, str):
                raise TypeError(f"color must be a string, got {type(value).__name__}")
            return value

        def apply(task: Any, value: str, overrides: Any, settings: Any) -> None:
            overrides.container_image = f"{settings.image}-{value}-{task.name.rsplit('.')[-1]}"

        register("color", apply, validate)


class ClashPlugin:
    @hookimpl
    def register_node_overrides(self, register: Any) -> None:
        register("retries", lambda *a: None)


def test_plugin_overrides(fresh_plugins: Any) -> None:
    with registered(ColorPlugin(), "color-plugin"):

        @workflow
        def wf(x: int) -> int:
            return double(n=x).with_overrides(color="red")

        overrides = workflow_template(wf, SETTINGS).nodes[0].task_node.overrides
        assert overrides.container_image == "img:1-red-double"
        def wrong(x: int) -> int:
            return double(n=x).with_overrides(color=3)

        _compile_error(wrong, "with_overrides argument 'color': color must be a string, got int")
    with registered(ClashPlugin(), "clash-plugin"), pytest.raises(
        WorkflowCompileError, match="'retries' is core's own; plugin 'clash-plugin' cannot register"
    ) as info:

        @workflow
        def wf2(x: int) -> int:
            return double(n=x).with_overrides(something=1)

    assert isinstance(info.value.__cause__, PluginError)


def test_plugin_override_not_installed(fresh_plugins: Any, monkeypatch: Any) -> None:
    import importlib.metadata

    installed = {ep.name for ep in importlib.metadata.entry_points(group="featherkit")}
    if "pod" in installed:  # the tests session has featherkit-pod: disable it for this test
        monkeypatch.setenv("FEATHERKIT_DISABLE_PLUGINS", "pod")
        fresh_plugins.reset_plugin_manager()

    def needs_pod(x: int) -> int:
        return double(n=x).with_overrides(pod_template=object())

    _compile_error(needs_pod, "comes from the featherkit-pod plugin, which is not installed")
