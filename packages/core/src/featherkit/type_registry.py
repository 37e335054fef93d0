"""The process's type engine, built from every plugin's ``register_type_transformers``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from featherkit.hookspecs import hookimpl
from featherkit.plugins import get_plugin_manager, hooks
from featherkit.types import TypeEngine, builtin_transformers


def _build() -> TypeEngine:
    # installed plugins' transformers first; one for a type a builtin serves replaces it
    return TypeEngine(hooks().type_transformers())


def type_engine() -> TypeEngine:
    """The type engine for the currently loaded plugins (rebuilt when plugins change)."""
    engine: TypeEngine = get_plugin_manager().derived("type_engine", _build)
    return engine


@hookimpl(trylast=True)
def register_type_transformers(register: Callable[[Any], None]) -> None:
    for transformer in builtin_transformers():
        register(transformer)
