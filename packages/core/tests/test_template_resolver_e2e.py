"""End to end: serialize a template task, then run it as a pod would, through
``featherkit-execute --resolver featherkit.resolvers.template -- <template path> <executor>``,
in a fresh process that finds the test executor through a real entry point."""

from __future__ import annotations

import os
from pathlib import Path

import fk_template_testplugin as plugin
import pytest
from flyteidl.core import execution_pb2

from featherkit import SerializationSettings, serialize
from featherkit.testing import fake_plugin_distribution, registered, run_container

SETTINGS = SerializationSettings(image="ghcr.io/featherkit/sql:1", version="v1")
TESTS = Path(__file__).parent


@pytest.fixture
def plugin_env(tmp_path: Path) -> dict[str, str]:
    """PYTHONPATH for a child process in which the test executor is an installed plugin."""
    site = fake_plugin_distribution(
        tmp_path / "site", "fk-template-testplugin", {"tests-arith": "fk_template_testplugin"}
    )
    paths = [str(site), str(TESTS), os.environ.get("PYTHONPATH", "")]
    return {"PYTHONPATH": os.pathsep.join(p for p in paths if p)}


def serialized(t: plugin.ArithmeticTask):  # type: ignore[no-untyped-def]
    with registered(plugin, name="tests-arith-plugin"):
        return serialize(t, SETTINGS)


def test_template_task_runs_through_the_entrypoint(
    tmp_path: Path, plugin_env: dict[str, str]
) -> None:
    template = serialized(plugin.add_three)
    args = list(template.container.args)
    assert args[0] == "featherkit-execute"
    assert args[-5:] == [
        "--resolver", "featherkit.resolvers.template", "--", "{{.taskTemplatePath}}",
        "tests-arith",
    ]
    run = run_container(
        args, plugin.add_three.inputs_to_literals({"x": 39}), tmp_path / "pod",
        template=template, env=plugin_env,
    )
    assert run.error is None, run.stderr
    assert run.returncode == 0, run.stderr
    assert run.outputs is not None
    assert plugin.add_three.literals_to_outputs(run.outputs) == 42


def test_string_task_runs_through_the_entrypoint(
    tmp_path: Path, plugin_env: dict[str, str]
) -> None:
    template = serialized(plugin.echo_twice)
    run = run_container(
        list(template.container.args), plugin.echo_twice.inputs_to_literals({"s": "la"}),
        tmp_path / "pod", template=template, env=plugin_env,
    )
    assert run.outputs is not None, run.stderr
    assert plugin.echo_twice.literals_to_outputs(run.outputs) == "lala"


def test_executor_error_is_a_user_error(tmp_path: Path, plugin_env: dict[str, str]) -> None:
    template = serialized(plugin.failing)
    run = run_container(
        list(template.container.args), plugin.failing.inputs_to_literals({"x": 7}),
        tmp_path / "pod", template=template, env=plugin_env,
    )
    assert run.outputs is None
    assert run.error is not None, run.stderr
    assert run.error.error.origin == execution_pb2.ExecutionError.USER
    assert "asked to fail with 7" in run.error.error.message


def test_missing_executor_in_the_image(tmp_path: Path) -> None:
    """An image without the plugin: error.pb says which executor is missing."""
    template = serialized(plugin.add_three)
    run = run_container(
        list(template.container.args), plugin.add_three.inputs_to_literals({"x": 1}),
        tmp_path / "pod", template=template,
    )
    assert run.outputs is None
    assert run.error is not None, run.stderr
    assert run.error.error.origin == execution_pb2.ExecutionError.USER
    assert "template executor 'tests-arith'" in run.error.error.message
