"""A compiled hook caller gives what pluggy's own call gives: order, arguments, results."""

from __future__ import annotations

import pluggy
import pytest

from featherkit._hookcall import compile_caller

spec = pluggy.HookspecMarker("hookcall_test")
impl = pluggy.HookimplMarker("hookcall_test")


class Specs:
    @spec
    def collect(self, task, params):
        """Every answer."""

    @spec(firstresult=True)
    def first(self, task, params):
        """The first answer."""


def _manager(*plugins):
    pm = pluggy.PluginManager("hookcall_test")
    pm.add_hookspecs(Specs)
    for index, plugin in enumerate(plugins):
        pm.register(plugin, name=f"p{index}")
    return pm


def _plugin(tag, log, *, result=True, kind=None, only=None):
    """A plugin answering both hooks with ``tag`` (or None), declaring ``only`` arguments."""
    options = {kind: True} if kind else {}

    if only == "params":
        def collect(params):
            log.append((tag, params))
            return tag if result else None
    else:
        def collect(task, params):
            log.append((tag, task, params))
            return tag if result else None

    def first(task, params):
        log.append((tag, "first"))
        return tag if result else None

    return type(f"Plugin{tag}", (), {
        "collect": staticmethod(impl(**options)(collect)),
        "first": staticmethod(impl(**options)(first)),
    })


@pytest.mark.parametrize("layout", [
    [],
    [dict(tag="a")],
    [dict(tag="a", result=False)],
    [dict(tag="a"), dict(tag="b")],
    [dict(tag="a", kind="trylast"), dict(tag="b"), dict(tag="c", kind="tryfirst")],
    [dict(tag="a", only="params"), dict(tag="b", result=False), dict(tag="c")],
    [dict(tag="a", result=False), dict(tag="b", result=False)],
])
@pytest.mark.parametrize("hook", ["collect", "first"])
def test_same_results_and_order_as_pluggy(layout, hook):
    pluggy_log: list = []
    ours_log: list = []
    expected = getattr(_manager(*[_plugin(log=pluggy_log, **p) for p in layout]).hook, hook)(
        task="T", params="P"
    )
    pm = _manager(*[_plugin(log=ours_log, **p) for p in layout])
    got = compile_caller(pm, hook, ("task", "params"))("T", "P")
    assert got == expected
    assert ours_log == pluggy_log


def test_an_exception_propagates_and_stops_the_loop():
    log: list = []

    class Boom:
        @impl(tryfirst=True)
        def collect(self, task, params):
            raise KeyError("boom")

    pm = _manager(_plugin("a", log), Boom())
    with pytest.raises(KeyError, match="boom"):
        compile_caller(pm, "collect", ("task", "params"))("T", "P")
    assert log == []


def test_wrappers_keep_pluggys_own_call():
    log: list = []

    class Wrapper:
        @impl(wrapper=True)
        def collect(self, task, params):
            result = yield
            return [*result, "wrapped"]

    pm = _manager(_plugin("a", log), Wrapper())
    assert compile_caller(pm, "collect", ("task", "params"))("T", "P") == ["a", "wrapped"]


def test_tracing_keeps_pluggys_own_call():
    log: list = []
    calls: list = []
    pm = _manager(_plugin("a", log))
    pm.add_hookcall_monitoring(lambda name, impls, kw: calls.append(name), lambda *a: None)
    assert compile_caller(pm, "collect", ("task", "params"))("T", "P") == ["a"]
    assert calls == ["collect"]


def test_a_missing_argument_is_named():
    pm = _manager(_plugin("a", []))
    with pytest.raises(TypeError, match="params"):
        compile_caller(pm, "collect", ("task",))


def test_a_plain_hook_does_not_go_through_pluggys_call(monkeypatch):
    log: list = []
    pm = _manager(_plugin("a", log), _plugin("b", log, kind="tryfirst"))
    call = compile_caller(pm, "collect", ("task", "params"))

    def refused(*args, **kwargs):
        raise AssertionError("pluggy's HookCaller was called")

    monkeypatch.setattr(pm.hook.collect, "_hookexec", refused)  # what HookCaller calls
    assert call("T", "P") == ["b", "a"]


def test_single_function_only_where_calling_it_is_the_whole_hook():
    from featherkit._hookcall import single_function

    log: list = []
    alone = _plugin("a", log)
    pm = _manager(alone)
    assert single_function(pm, "collect", ("task", "params")) is alone.collect
    assert single_function(pm, "collect", ("params", "task")) is None  # another order
    assert single_function(_manager(), "collect", ("task", "params")) is None
    both = _manager(alone, _plugin("b", log))
    assert single_function(both, "collect", ("task", "params")) is None
    partial = _manager(_plugin("a", log, only="params"))
    assert single_function(partial, "collect", ("task", "params")) is None

    class Wrapper:
        @impl(wrapper=True)
        def collect(self, task, params):
            return (yield)

    assert single_function(_manager(Wrapper()), "collect", ("task", "params")) is None
    pm.add_hookcall_monitoring(lambda *a: None, lambda *a: None)
    assert single_function(pm, "collect", ("task", "params")) is None
