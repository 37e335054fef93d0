"""The process's type engine, built from every plugin's ``register_type_transformers``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from featherkit.hookspecs import hookimpl
from featherkit.plugins import get_plugin_manager, hooks
from featherkit.types import TypeEngine
from featherkit.types.defaults import deferred_builtins


def _build() -> TypeEngine:
    # installed plugins' transformers first; one for a type a builtin serves replaces it
    return TypeEngine(hooks().type_transformers())


def type_engine() -> TypeEngine:
    """The type engine for the currently loaded plugins (rebuilt when plugins change)."""
    engine: TypeEngine = get_plugin_manager().derived("type_engine", _build)
    return engine


@hookimpl(trylast=True)
def register_type_transformers(register: Callable[[Any], None]) -> None:
    # the primitives now, the other builtins' modules when an engine first needs them
    register(deferred_builtins())
