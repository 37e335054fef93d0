"""The plugin API: everything a featherkit plugin may import from core.

Plugin packages import only ``featherkit`` (the user API), this module and
``featherkit.testing``. Names here are the stable surface for plugin authors, as
``flytekit.extend`` is for flytekit's. Like ``featherkit`` itself, the names load lazily:
importing this module costs nothing until a name is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    # hooks
    "hookimpl": "featherkit.hookspecs",
    "hookspec": "featherkit.hookspecs",
    "PluginError": "featherkit.plugins",
    "get_plugin_manager": "featherkit.plugins",
    # tasks
    "Task": "featherkit.base_task",
    "PythonTask": "featherkit.base_task",
    "TaskResolver": "featherkit.base_task",
    "PythonFunctionTask": "featherkit.function_task",
    "PythonInstanceTask": "featherkit.function_task",
    "TemplateTask": "featherkit.template",
    "Interface": "featherkit.interface",
    "TaskMetadata": "featherkit.metadata",
    "ExecutionParameters": "featherkit.context",
    "current_context": "featherkit.context",
    # types
    "TypeTransformer": "featherkit.types",
    "TypeEngine": "featherkit.types",
    "TypeTransformerError": "featherkit.types",
    "FlytekitTypeTransformer": "featherkit.types.adapter",
    "type_engine": "featherkit.type_registry",
    # serialization and containers
    "SerializationSettings": "featherkit.serialization",
    "serialize": "featherkit.serialization",
    "python_container": "featherkit.container",
    "discover": "featherkit.discovery",
    "image_name": "featherkit.images",
    # resolvers
    "ResolverError": "featherkit.resolvers",
    "find_resolver": "featherkit.resolvers",
    "resolver_for": "featherkit.resolvers",
    "default_resolver": "featherkit.resolvers",
    # storage
    "Storage": "featherkit.storage",
    "ANY_SCHEME": "featherkit.storage",
    "scheme_of": "featherkit.storage",
    "storage_for": "featherkit.storage",
    "local_path": "featherkit.storage",
    "atomic_write": "featherkit.storage",
    "open_uri": "featherkit.storage",
    "list_files": "featherkit.storage",
    "upload": "featherkit.storage",
    "download": "featherkit.storage",
    "delete": "featherkit.storage",
    "is_remote": "featherkit.storage",
    "join": "featherkit.storage",
    # cache
    "CacheEntry": "featherkit.cache",
    "CacheWarning": "featherkit.cache",
    # errors
    "FeatherkitUserError": "featherkit.errors",
    "TaskInputError": "featherkit.errors",
    "TaskOutputError": "featherkit.errors",
    # messages
    "redact_location": "featherkit.redact",
    "redact_text": "featherkit.redact",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'featherkit.extend' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:
    from featherkit.base_task import PythonTask, Task, TaskResolver
    from featherkit.cache import CacheEntry, CacheWarning
    from featherkit.container import python_container
    from featherkit.context import ExecutionParameters, current_context
    from featherkit.discovery import discover
    from featherkit.errors import FeatherkitUserError, TaskInputError, TaskOutputError
    from featherkit.function_task import PythonFunctionTask, PythonInstanceTask
    from featherkit.hookspecs import hookimpl, hookspec
    from featherkit.images import image_name
    from featherkit.interface import Interface
    from featherkit.metadata import TaskMetadata
    from featherkit.plugins import PluginError, get_plugin_manager
    from featherkit.redact import redact_location, redact_text
    from featherkit.resolvers import ResolverError, default_resolver, find_resolver, resolver_for
    from featherkit.serialization import SerializationSettings, serialize
    from featherkit.storage import (
        ANY_SCHEME,
        Storage,
        atomic_write,
        delete,
        download,
        is_remote,
        join,
        list_files,
        local_path,
        open_uri,
        scheme_of,
        storage_for,
        upload,
    )
    from featherkit.template import TemplateTask
    from featherkit.type_registry import type_engine
    from featherkit.types import TypeEngine, TypeTransformer, TypeTransformerError
    from featherkit.types.adapter import FlytekitTypeTransformer
