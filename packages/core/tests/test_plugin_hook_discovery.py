"""The plugin manager finds exactly the hook implementations pluggy itself finds.

Its pluggy manager answers "not a hook" for a module's classes, modules and constants
without pluggy's static lookup; every name must still get pluggy's own answer.
"""

from __future__ import annotations

import functools
import importlib
import types
from typing import Any

import pluggy

from featherkit import hookspecs
from featherkit.hookspecs import hookimpl
from featherkit.plugins import manager


def _found(pm: pluggy.PluginManager, plugin: Any) -> dict[str, Any]:
    return {
        name: pm.parse_hookimpl_opts(plugin, name)
        for name in dir(plugin)
    }


def _plugins() -> list[Any]:
    from featherkit._entry_points import entry_points

    modules = [importlib.import_module(m) for m in manager.BUILTIN_MODULES.values()]
    return modules + [ep.load() for ep in entry_points(manager.ENTRY_POINT_GROUP)]


def test_every_installed_plugin_gets_pluggys_answer_for_every_name() -> None:
    ours = manager.PluginManager().pm
    theirs = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    for plugin in _plugins():
        assert _found(ours, plugin) == _found(theirs, plugin), plugin


def test_a_module_with_every_kind_of_attribute() -> None:
    module = types.ModuleType("fk_test_plugin_kinds")

    @hookimpl
    def register_storage(register: Any) -> None: ...

    class Callable:
        featherkit_impl = {"trylast": True}

        def __call__(self, register: Any) -> None: ...

    marked = types.SimpleNamespace(featherkit_impl={"trylast": True})

    def not_a_dict() -> None: ...

    def with_func() -> None: ...

    not_a_dict.featherkit_impl = "not options"  # type: ignore[attr-defined]
    with_func.__func__ = register_storage  # type: ignore[attr-defined]

    class Holder:
        @hookimpl
        @staticmethod
        def register_resolvers(register: Any) -> None: ...

    module.__dict__.update(
        register_storage=register_storage,
        register_resolvers=Holder.__dict__["register_resolvers"],
        Holder=Holder, os=importlib, NAME="x", NUMBER=3, FLAG=True, NOTHING=None,
        ITEMS=(1,), helper=lambda: None, __custom__=register_storage,
        builtin=len, partial=functools.partial(register_storage),
        marked_object=marked, marked_callable=Callable(), prop=property(lambda self: 1),
        classmethod_hook=Holder.__dict__["register_resolvers"],
        not_a_dict=not_a_dict, with_func=with_func,
    )
    ours = manager.PluginManager().pm
    theirs = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    assert _found(ours, module) == _found(theirs, module)
    for name in dir(module):
        assert ours.parse_hookspec_opts(module, name) == theirs.parse_hookspec_opts(module, name)
    assert _found(ours, module)["register_storage"] is not None
    assert _found(ours, module)["register_resolvers"] is not None


def test_every_hookspec_module_gets_pluggys_answer_for_every_name() -> None:
    ours = manager.PluginManager().pm
    theirs = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    namespaces = [hookspecs] + [
        p.featherkit_hookspecs for p in _plugins() if hasattr(p, "featherkit_hookspecs")
    ]
    for namespace in namespaces:
        assert {
            name: ours.parse_hookspec_opts(namespace, name) for name in dir(namespace)
        } == {
            name: theirs.parse_hookspec_opts(namespace, name) for name in dir(namespace)
        }, namespace
