"""The process's type engine, built from every plugin's ``register_type_transformers``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from featherkit.hookspecs import hookimpl
from featherkit.plugins import get_plugin_manager, is_builtin
from featherkit.types import TypeEngine, builtin_transformers


def _build() -> TypeEngine:
    manager = get_plugin_manager()
    impls = list(reversed(manager.pm.hook.register_type_transformers.get_hookimpls()))
    builtin: list[Any] = []
    installed: list[Any] = []
    for impl in impls:
        impl.function((builtin if is_builtin(impl.plugin_name) else installed).append)
    claimed = {getattr(t, "python_type", None) for t in installed}
    # an installed plugin's transformer replaces core's builtin one for the same type
    kept = [t for t in builtin if getattr(t, "python_type", None) not in claimed]
    return TypeEngine([*installed, *kept])


def type_engine() -> TypeEngine:
    """The type engine for the currently loaded plugins (rebuilt when plugins change)."""
    engine: TypeEngine = get_plugin_manager().derived("type_engine", _build)
    return engine


@hookimpl(trylast=True)
def register_type_transformers(register: Callable[[Any], None]) -> None:
    for transformer in builtin_transformers():
        register(transformer)
