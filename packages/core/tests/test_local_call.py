"""A local call takes an inlined path (in ``Task.__call__``) when the task's class overrides
none of its steps: these tests pin what that path must keep doing.

Overrides still run, plugins registered or unregistered between calls take effect, call
monitoring sees the execution hooks, errors come out as they did, and ``current_context()``
is the execution's own parameters.
"""

from __future__ import annotations

from typing import Any

import pytest

from featherkit import IgnoreOutputs, current_context, hookimpl, task
from featherkit.errors import TaskInputError
from featherkit.function_task import PythonFunctionTask
from featherkit.local import raised_by
from featherkit.testing import registered


def _add(a: int, b: int) -> int:
    return a + b


STEPS = [
    "local_execute",
    "dispatch_execute",
    "pre_execute",
    "post_execute",
    "_run_user_code",
    "execute",
    "inputs_to_literals",
    "literals_to_inputs",
    "outputs_to_literals",
    "literals_to_outputs",
]


@pytest.mark.parametrize("step", STEPS)
def test_a_subclass_overriding_a_step_goes_through_it(step):
    seen: list[str] = []

    def override(self: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(step)
        return getattr(super(Traced, self), step)(*args, **kwargs)

    Traced = type("Traced", (PythonFunctionTask,), {step: override})
    traced = Traced(_add)
    assert traced(a=1, b=2) == 3
    assert traced(a=2, b=2) == 4
    assert seen == [step, step]


def test_a_step_overridden_on_the_class_after_a_call_takes_effect(monkeypatch):
    class Later(PythonFunctionTask):
        pass

    later = Later(_add)
    assert later(a=1, b=2) == 3
    monkeypatch.setattr(Later, "post_execute", lambda self, params, outputs: outputs * 10)
    assert later(a=1, b=2) == 30


def test_execute_patched_on_the_instance_is_called():
    add = task(_add)
    add.execute = lambda **kwargs: 100  # type: ignore[method-assign]
    assert add(a=1, b=2) == 100


class Recorder:
    """Records every execution hook call it gets."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    @hookimpl
    def pre_execute(self, task, params):
        self.calls.append(("pre", params.task_name, params is current_context()))

    @hookimpl
    def post_execute(self, task, params, outputs):
        self.calls.append(("post", outputs, params.attributes["native_inputs"]))

    @hookimpl
    def execution_finished(self, task, params, outputs, error):
        self.calls.append(("finished", outputs, error))


@pytest.fixture(params=["alone", "with installed plugins"])
def plugin_set(request, fresh_plugins, monkeypatch):
    """Alone: no installed plugin, so a test plugin is the only implementation of each hook
    (the facade calls a single implementation directly); else with whatever is installed."""
    if request.param == "alone":
        monkeypatch.setenv("FEATHERKIT_PLUGINS", "")
    return fresh_plugins


def test_a_plugin_registered_after_a_call_sees_the_next_call(plugin_set):
    add = task(_add)
    assert add(a=1, b=2) == 3
    recorder = Recorder()
    with registered(recorder):
        assert add(a=2, b=3) == 5
    assert recorder.calls == [
        ("pre", add.name, True),
        ("post", 5, {"a": 2, "b": 3}),
        ("finished", 5, None),
    ]
    assert add(a=1, b=1) == 2
    assert len(recorder.calls) == 3  # unregistered: not called any more


def test_a_plugin_registered_inside_a_task_sees_that_calls_post_execute(plugin_set):
    recorder = Recorder()
    holder: list[Any] = []

    @task
    def registers(n: int) -> int:
        holder.append(registered(recorder))
        holder[0].__enter__()
        return n

    try:
        assert registers(n=7) == 7
    finally:
        holder[0].__exit__(None, None, None)
    assert [c[0] for c in recorder.calls] == ["post", "finished"]


def test_a_single_post_execute_replaces_or_keeps_the_outputs(plugin_set):
    class Replace:
        @hookimpl
        def post_execute(self, task, params, outputs):
            return None if outputs == 0 else outputs * 2

    add = task(_add)
    with registered(Replace()):
        assert add(a=1, b=2) == 6
        assert add(a=0, b=0) == 0


def test_call_monitoring_installed_after_a_call_sees_the_hooks(plugin_set):
    add = task(_add)
    recorder = Recorder()
    with registered(recorder):
        assert add(a=1, b=2) == 3
        names: list[str] = []
        undo = plugin_set.get_plugin_manager().pm.add_hookcall_monitoring(
            lambda name, impls, kwargs: names.append(name), lambda *args: None
        )
        try:
            assert add(a=1, b=2) == 3
        finally:
            undo()
        assert add(a=1, b=2) == 3
    # (execution_finished calls each plugin on its own: one monitored call per plugin)
    assert list(dict.fromkeys(names)) == ["pre_execute", "post_execute", "execution_finished"]
    assert [c[0] for c in recorder.calls] == ["pre", "post", "finished"] * 3


def test_a_user_error_comes_out_unwrapped_and_named(plugin_set):
    class Boom(Exception):
        pass

    @task
    def fails(n: int) -> int:
        raise Boom("bad")

    recorder = Recorder()
    with registered(recorder), pytest.raises(Boom, match="bad") as info:
        fails(n=1)
    error = info.value
    assert raised_by(error) == fails.name
    assert error.__cause__ is None and error.__suppress_context__
    assert recorder.calls[-1] == ("finished", None, error)


def test_a_failing_pre_execute_is_reported_and_raised(plugin_set):
    seen: list[Any] = []

    class Fails:
        @hookimpl
        def pre_execute(self, task, params):
            raise RuntimeError("no")

        @hookimpl
        def execution_finished(self, task, params, outputs, error):
            seen.append(error)

    add = task(_add)
    with registered(Fails()), pytest.raises(RuntimeError, match="no") as info:
        add(a=1, b=2)
    assert seen == [info.value]
    assert raised_by(info.value) is None


def test_ignore_outputs_reports_no_outputs_and_no_error(plugin_set):
    @task
    def quiet(n: int) -> int:
        raise IgnoreOutputs()

    recorder = Recorder()
    with registered(recorder):
        assert quiet(n=1) is None
    assert recorder.calls[-1] == ("finished", None, None)


def test_a_bad_input_fails_before_any_hook(plugin_set):
    recorder = Recorder()
    add = task(_add)
    with registered(recorder), pytest.raises(TaskInputError, match=r"'a'.*expected int"):
        add(a="x", b=2)
    assert recorder.calls == []


def test_current_context_is_the_executions_own_and_restored_after():
    outside = current_context()

    @task
    def context_of(n: int) -> str:
        params = current_context()
        return f"{params.task_name} {params.execution_id.name} {params.attributes['native_inputs']}"

    assert context_of(n=1) == f"{context_of.name} local {{'n': 1}}"
    assert current_context() is outside


def test_a_sync_function_returning_an_awaitable_is_awaited():
    async def later() -> int:
        return 5

    @task
    def indirect() -> int:
        return later()  # type: ignore[return-value]

    assert indirect() == 5


def test_local_parameters_read_as_the_dataclass_built_with_the_task_name():
    import dataclasses

    from featherkit.context import ExecutionParameters, local_parameters

    made, built = local_parameters("t"), ExecutionParameters(task_name="t")
    assert made == built
    for field in dataclasses.fields(ExecutionParameters):
        assert getattr(made, field.name) == getattr(built, field.name), field.name
    assert dataclasses.asdict(made) == dataclasses.asdict(built)
    again = local_parameters("t")
    assert again.decks is not made.decks and again.attributes is not made.attributes
    made.output_prefix = "s3://x"  # a field set later is the object's own
    assert again.output_prefix is None and made.output_prefix == "s3://x"
