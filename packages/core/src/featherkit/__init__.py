"""featherkit: a lean, plugin-first Python SDK for Flyte tasks.

Everything public is importable from here, lazily: ``import featherkit`` loads no protobuf,
no plugin and no command-line library; each name is imported on first access.
"""

from __future__ import annotations

import importlib

# not ``from typing import TYPE_CHECKING``: importing typing (and re, enum, contextlib with it)
# was nine tenths of ``import featherkit``; type checkers read this name the same way
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.2.0"

_EXPORTS: dict[str, str] = {
    "task": "featherkit.function_task",
    "PythonFunctionTask": "featherkit.function_task",
    "PythonInstanceTask": "featherkit.function_task",
    "Task": "featherkit.base_task",
    "PythonTask": "featherkit.base_task",
    "TaskResolver": "featherkit.base_task",
    "TaskMetadata": "featherkit.metadata",
    "Resources": "featherkit.resources",
    "Secret": "featherkit.security",
    "Documentation": "featherkit.docs",
    "Interface": "featherkit.interface",
    "kwtypes": "featherkit.interface",
    "IgnoreOutputs": "featherkit.errors",
    "RecoverableError": "featherkit.errors",
    "FlyteRecoverableException": "featherkit.errors",
    "current_context": "featherkit.context",
    "ExecutionParameters": "featherkit.context",
    "hookimpl": "featherkit.hookspecs",
    "SerializationSettings": "featherkit.serialization",
    "serialize": "featherkit.serialization",
    "TypeTransformer": "featherkit.types",
    "TypeEngine": "featherkit.types",
    "workflow": "featherkit.workflow",
    "Workflow": "featherkit.workflow",
    "WorkflowFailurePolicy": "featherkit.workflow",
    "LaunchPlan": "featherkit.workflow",
    "CronSchedule": "featherkit.workflow",
    "FixedRate": "featherkit.workflow",
    "Email": "featherkit.workflow",
    "Labels": "featherkit.workflow",
    "Annotations": "featherkit.workflow",
    "Slack": "featherkit.workflow",
    "PagerDuty": "featherkit.workflow",
    "WorkflowExecutionPhase": "featherkit.workflow",
    "WorkflowExecutionError": "featherkit.workflow.runner",
    # control flow (docs/control-flow.md)
    "map_task": "featherkit.workflow.map_task",
    "MapTask": "featherkit.workflow.map_task",
    "conditional": "featherkit.workflow.conditional",
    "ConditionalFailure": "featherkit.workflow.conditional",
    "dynamic": "featherkit.workflow.dynamic",
    "DynamicTask": "featherkit.workflow.dynamic",
    "create_node": "featherkit.workflow.node_creation",
    "sleep": "featherkit.workflow.gate",
    "wait_for_input": "featherkit.workflow.gate",
    "approve": "featherkit.workflow.gate",
    "GateError": "featherkit.workflow.gate",
    "FlyteError": "featherkit.flyte_error",
    "File": "featherkit.types.files",
    "Directory": "featherkit.types.files",
    "FlyteFile": "featherkit.types.files",
    "FlyteDirectory": "featherkit.types.files",
    "HashMethod": "featherkit.types.hashing",
}

#: flytekit names that live in a plugin package: (import module, distribution to install)
_PLUGIN_EXPORTS: dict[str, tuple[str, str]] = {
    "StructuredDataset": ("featherkit_dataframe", "featherkit-dataframe"),
    "ImageSpec": ("featherkit_imagespec", "featherkit-imagespec"),
    "ContainerTask": ("featherkit_container", "featherkit-container"),
    "PodTemplate": ("featherkit_pod", "featherkit-pod"),
    "Deck": ("featherkit_deck", "featherkit-deck"),
}

__all__ = sorted([*_EXPORTS, "__version__"])


def _from_plugin(name: str) -> Any:
    """A flytekit name a plugin provides: its class when installed, else an ImportError
    naming the package to install (``from featherkit import StructuredDataset`` keeps
    working for a project moving over from flytekit)."""
    module_name, distribution = _PLUGIN_EXPORTS[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        raise ImportError(
            f"featherkit.{name} is provided by the {distribution} plugin: "
            f"pip install {distribution}",
            name=name,
        ) from None
    value = getattr(module, name)
    globals()[name] = value
    return value


def __getattr__(name: str) -> Any:
    if name in _PLUGIN_EXPORTS:
        return _from_plugin(name)
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'featherkit' has no attribute {name!r}")
    imported = importlib.import_module(module)
    # ``workflow`` is a package that is also the decorator (featherkit/workflow/__init__.py)
    value = imported if module == f"featherkit.{name}" else getattr(imported, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:
    from featherkit.base_task import PythonTask as PythonTask
    from featherkit.base_task import Task as Task
    from featherkit.base_task import TaskResolver as TaskResolver
    from featherkit.context import ExecutionParameters as ExecutionParameters
    from featherkit.context import current_context as current_context
    from featherkit.docs import Documentation as Documentation
    from featherkit.errors import FlyteRecoverableException as FlyteRecoverableException
    from featherkit.errors import IgnoreOutputs as IgnoreOutputs
    from featherkit.errors import RecoverableError as RecoverableError
    from featherkit.flyte_error import FlyteError as FlyteError
    from featherkit.function_task import PythonFunctionTask as PythonFunctionTask
    from featherkit.function_task import PythonInstanceTask as PythonInstanceTask
    from featherkit.function_task import task as task
    from featherkit.hookspecs import hookimpl as hookimpl
    from featherkit.interface import Interface as Interface
    from featherkit.interface import kwtypes as kwtypes
    from featherkit.metadata import TaskMetadata as TaskMetadata
    from featherkit.resources import Resources as Resources
    from featherkit.security import Secret as Secret
    from featherkit.serialization import SerializationSettings as SerializationSettings
    from featherkit.serialization import serialize as serialize
    from featherkit.types import TypeEngine as TypeEngine
    from featherkit.types import TypeTransformer as TypeTransformer
    from featherkit.types.files import Directory as Directory
    from featherkit.types.files import File as File
    from featherkit.types.files import FlyteDirectory as FlyteDirectory
    from featherkit.types.files import FlyteFile as FlyteFile
    from featherkit.types.hashing import HashMethod as HashMethod
    from featherkit.workflow import Annotations as Annotations
    from featherkit.workflow import CronSchedule as CronSchedule
    from featherkit.workflow import Email as Email
    from featherkit.workflow import FixedRate as FixedRate
    from featherkit.workflow import Labels as Labels
    from featherkit.workflow import LaunchPlan as LaunchPlan
    from featherkit.workflow import PagerDuty as PagerDuty
    from featherkit.workflow import Slack as Slack
    from featherkit.workflow import Workflow as Workflow
    from featherkit.workflow import WorkflowExecutionPhase as WorkflowExecutionPhase
    from featherkit.workflow import WorkflowFailurePolicy as WorkflowFailurePolicy
    from featherkit.workflow.conditional import ConditionalFailure as ConditionalFailure
    from featherkit.workflow.conditional import conditional as conditional
    from featherkit.workflow.dynamic import DynamicTask as DynamicTask
    from featherkit.workflow.dynamic import dynamic as dynamic
    from featherkit.workflow.gate import GateError as GateError
    from featherkit.workflow.gate import approve as approve
    from featherkit.workflow.gate import sleep as sleep
    from featherkit.workflow.gate import wait_for_input as wait_for_input
    from featherkit.workflow.map_task import MapTask as MapTask
    from featherkit.workflow.map_task import map_task as map_task
    from featherkit.workflow.node_creation import create_node as create_node
    from featherkit.workflow.runner import WorkflowExecutionError as WorkflowExecutionError
    from featherkit.workflow.workflow import workflow as _workflow_decorator

    # the package featherkit.workflow is also the decorator at run time (it is callable)
    workflow = _workflow_decorator
