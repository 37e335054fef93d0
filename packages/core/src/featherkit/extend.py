"""The plugin API: everything a featherkit plugin may import from core.

Plugin packages import only ``featherkit`` (the user API), this module and
``featherkit.testing`` (test helpers); never another core module and never another plugin.
The ``lint`` session enforces it (import-linter contracts in ``.importlinter``). Names here are
the stable surface for plugin authors, as ``flytekit.extend`` is for flytekit's: they change
only with a new minor version of core (0.x) or major version (1.x on), and a plugin states the
lowest core it needs as ``featherkit>=X``. Like ``featherkit`` itself, the names load lazily:
importing this module costs nothing until a name is used.

Groups (see ``docs/plugins.md`` for a tutorial):

* hooks: ``hookimpl``, ``hookspec``, ``no_wrappers`` (for hooks a plugin declares itself),
  ``call_hook`` (call such a hook), ``Registry``/``Entries``/``collect`` (turn a register
  hook a plugin declares into a mapping, with core's conflict rules), ``hooks`` (the typed
  facade: ``hooks().task_arguments()``, ``.storage()``, ...), ``get_plugin_manager``,
  ``PluginError``;
* tasks: ``Task``, ``PythonTask``, ``PythonFunctionTask``, ``PythonInstanceTask``,
  ``TemplateTask``, ``interface_from_template``, ``TaskResolver``, ``Interface``,
  ``TaskMetadata``, ``ExecutionParameters``, ``current_context``, ``execution``;
* types: ``TypeTransformer``, ``TypeEngine``, ``TypeTransformerError``, ``type_engine``,
  ``FlytekitTypeTransformer``;
* serialization and containers: ``SerializationSettings``, ``serialize``,
  ``workflow_template``, ``WorkflowCompileError``, ``python_container``, ``image_name``,
  ``discover``;
* resolvers: ``ResolverError``, ``find_resolver``, ``resolver_for``, ``default_resolver``,
  ``template_resolver`` (core's, for task types that run from their template),
  ``TemplateResolver``, ``read_template``, ``TEMPLATE_RESOLVER_LOCATION``;
* storage: ``Storage``, ``storage_for``, ``scheme_of``, ``local_path``, ``atomic_write``, ...;
* cache: ``CacheBackend``, ``CacheEntry``, ``CacheWarning``, ``current_backend``;
* errors: ``FeatherkitUserError``, ``TaskInputError``, ``TaskOutputError``, ``UserCodeError``;
* the command line: ``cli`` (the ``featherkit`` click group, for a plugin's tests);
* messages: ``redact_location``, ``redact_text``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    # hooks
    "hookimpl": "featherkit.hookspecs",
    "hookspec": "featherkit.hookspecs",
    "no_wrappers": "featherkit.hookspecs",
    "PluginError": "featherkit.plugins",
    "get_plugin_manager": "featherkit.plugins",
    "reset_plugin_manager": "featherkit.plugins",
    "hooks": "featherkit.plugins",
    "call_hook": "featherkit.plugins",
    "collect": "featherkit.plugins",
    "Registry": "featherkit.plugins",
    "Entries": "featherkit.plugins",
    # tasks
    "Task": "featherkit.base_task",
    "PythonTask": "featherkit.base_task",
    "TaskResolver": "featherkit.base_task",
    "PythonFunctionTask": "featherkit.function_task",
    "PythonInstanceTask": "featherkit.function_task",
    "TemplateTask": "featherkit.template",
    "interface_from_template": "featherkit.template",
    "Interface": "featherkit.interface",
    "TaskMetadata": "featherkit.metadata",
    "ExecutionParameters": "featherkit.context",
    "current_context": "featherkit.context",
    "execution": "featherkit.context",
    # types
    "TypeTransformer": "featherkit.types",
    "TypeEngine": "featherkit.types",
    "TypeTransformerError": "featherkit.types",
    "PickleFallbackWarning": "featherkit.types",
    "FlytekitTypeTransformer": "featherkit.types.adapter",
    "type_engine": "featherkit.type_registry",
    # serialization and containers
    "SerializationSettings": "featherkit.serialization",
    "serialize": "featherkit.serialization",
    "python_container": "featherkit.container",
    "discover": "featherkit.discovery",
    "workflow_template": "featherkit.workflow.serialize",
    "WorkflowCompileError": "featherkit.workflow",
    "image_name": "featherkit.images",
    # resolvers
    "ResolverError": "featherkit.resolvers",
    "find_resolver": "featherkit.resolvers",
    "resolver_for": "featherkit.resolvers",
    "default_resolver": "featherkit.resolvers",
    "TEMPLATE_RESOLVER_LOCATION": "featherkit.resolvers",
    "template_resolver": "featherkit.template_resolver",
    "TemplateResolver": "featherkit.template_resolver",
    "read_template": "featherkit.template_resolver",
    # storage
    "Storage": "featherkit.storage",
    "ANY_SCHEME": "featherkit.storage",
    "scheme_of": "featherkit.storage",
    "storage_for": "featherkit.storage",
    "local_path": "featherkit.storage",
    "atomic_write": "featherkit.storage",
    "StreamingStorage": "featherkit.storage",
    "content_digest": "featherkit.storage",
    "open_uri": "featherkit.storage",
    "track": "featherkit.storage",
    "list_files": "featherkit.storage",
    "upload": "featherkit.storage",
    "download": "featherkit.storage",
    "delete": "featherkit.storage",
    "is_remote": "featherkit.storage",
    "join": "featherkit.storage",
    "read_bytes": "featherkit.storage",
    "check_storage": "featherkit.storage",
    "write_bytes": "featherkit.storage",
    "exists": "featherkit.storage",
    "file_digest": "featherkit.storage",
    # cache
    "CacheBackend": "featherkit.cache",
    "CacheEntry": "featherkit.cache",
    "CacheWarning": "featherkit.cache",
    "current_backend": "featherkit.cache",
    "cache_key": "featherkit.cache",
    # errors
    "FeatherkitUserError": "featherkit.errors",
    "TaskInputError": "featherkit.errors",
    "TaskOutputError": "featherkit.errors",
    "UserCodeError": "featherkit.errors",
    # the command line
    "cli": "featherkit.cli",
    # messages
    "redact_location": "featherkit.redact",
    "redact_text": "featherkit.redact",
}

__all__ = sorted(_EXPORTS)


#: names exported under another name than the one in their module
_RENAMED = {"check_storage": "check"}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'featherkit.extend' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), _RENAMED.get(name, name))
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:
    from featherkit.base_task import PythonTask as PythonTask
    from featherkit.base_task import Task as Task
    from featherkit.base_task import TaskResolver as TaskResolver
    from featherkit.cache import CacheBackend as CacheBackend
    from featherkit.cache import CacheEntry as CacheEntry
    from featherkit.cache import CacheWarning as CacheWarning
    from featherkit.cache import cache_key as cache_key
    from featherkit.cache import current_backend as current_backend
    from featherkit.cli import cli as cli
    from featherkit.container import python_container as python_container
    from featherkit.context import ExecutionParameters as ExecutionParameters
    from featherkit.context import current_context as current_context
    from featherkit.context import execution as execution
    from featherkit.discovery import discover as discover
    from featherkit.errors import FeatherkitUserError as FeatherkitUserError
    from featherkit.errors import TaskInputError as TaskInputError
    from featherkit.errors import TaskOutputError as TaskOutputError
    from featherkit.errors import UserCodeError as UserCodeError
    from featherkit.function_task import PythonFunctionTask as PythonFunctionTask
    from featherkit.function_task import PythonInstanceTask as PythonInstanceTask
    from featherkit.hookspecs import hookimpl as hookimpl
    from featherkit.hookspecs import hookspec as hookspec
    from featherkit.hookspecs import no_wrappers as no_wrappers
    from featherkit.images import image_name as image_name
    from featherkit.interface import Interface as Interface
    from featherkit.metadata import TaskMetadata as TaskMetadata
    from featherkit.plugins import Entries as Entries
    from featherkit.plugins import PluginError as PluginError
    from featherkit.plugins import Registry as Registry
    from featherkit.plugins import call_hook as call_hook
    from featherkit.plugins import collect as collect
    from featherkit.plugins import get_plugin_manager as get_plugin_manager
    from featherkit.plugins import hooks as hooks
    from featherkit.plugins import reset_plugin_manager as reset_plugin_manager
    from featherkit.redact import redact_location as redact_location
    from featherkit.redact import redact_text as redact_text
    from featherkit.resolvers import TEMPLATE_RESOLVER_LOCATION as TEMPLATE_RESOLVER_LOCATION
    from featherkit.resolvers import ResolverError as ResolverError
    from featherkit.resolvers import default_resolver as default_resolver
    from featherkit.resolvers import find_resolver as find_resolver
    from featherkit.resolvers import resolver_for as resolver_for
    from featherkit.serialization import SerializationSettings as SerializationSettings
    from featherkit.serialization import serialize as serialize
    from featherkit.storage import ANY_SCHEME as ANY_SCHEME
    from featherkit.storage import Storage as Storage
    from featherkit.storage import StreamingStorage as StreamingStorage
    from featherkit.storage import atomic_write as atomic_write
    from featherkit.storage import check as check_storage
    from featherkit.storage import content_digest as content_digest
    from featherkit.storage import delete as delete
    from featherkit.storage import download as download
    from featherkit.storage import exists as exists
    from featherkit.storage import file_digest as file_digest
    from featherkit.storage import is_remote as is_remote
    from featherkit.storage import join as join
    from featherkit.storage import list_files as list_files
    from featherkit.storage import local_path as local_path
    from featherkit.storage import open_uri as open_uri
    from featherkit.storage import read_bytes as read_bytes
    from featherkit.storage import scheme_of as scheme_of
    from featherkit.storage import storage_for as storage_for
    from featherkit.storage import track as track
    from featherkit.storage import upload as upload
    from featherkit.storage import write_bytes as write_bytes
    from featherkit.template import TemplateTask as TemplateTask
    from featherkit.template import interface_from_template as interface_from_template
    from featherkit.template_resolver import TemplateResolver as TemplateResolver
    from featherkit.template_resolver import read_template as read_template
    from featherkit.template_resolver import template_resolver as template_resolver
    from featherkit.type_registry import type_engine as type_engine
    from featherkit.types import PickleFallbackWarning as PickleFallbackWarning
    from featherkit.types import TypeEngine as TypeEngine
    from featherkit.types import TypeTransformer as TypeTransformer
    from featherkit.types import TypeTransformerError as TypeTransformerError
    from featherkit.types.adapter import FlytekitTypeTransformer as FlytekitTypeTransformer
    from featherkit.workflow import WorkflowCompileError as WorkflowCompileError
    from featherkit.workflow.serialize import workflow_template as workflow_template
