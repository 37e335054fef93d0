"""Workflows and launch plans: compile once when decorated, run the graph locally, serialize.

Modules: :mod:`~featherkit.workflow.promise` (promises and bindings),
:mod:`~featherkit.workflow.node` (nodes and node kinds), :mod:`~featherkit.workflow.compiler`,
:mod:`~featherkit.workflow.workflow` (``@workflow``, ``Workflow``),
:mod:`~featherkit.workflow.launch_plan`, :mod:`~featherkit.workflow.runner` (local run),
:mod:`~featherkit.workflow.serialize` (wire form) and :mod:`~featherkit.workflow.plan` (cache
plan).
"""

from __future__ import annotations

import sys
import types
from typing import Any

from featherkit.workflow.launch_plan import (
    CronSchedule,
    Email,
    FixedRate,
    LaunchPlan,
    LaunchPlanError,
    PagerDuty,
    Slack,
    WorkflowExecutionPhase,
)
from featherkit.workflow.node import Node, NodeKind, NodeMetadata, register_node_kind
from featherkit.workflow.promise import Promise, VoidPromise, WorkflowCompileError
from featherkit.workflow.workflow import (
    ImperativeWorkflow,
    PythonFunctionWorkflow,
    Workflow,
    WorkflowBase,
    WorkflowFailurePolicy,
    workflow,
)

__all__ = [
    "CronSchedule",
    "Email",
    "FixedRate",
    "ImperativeWorkflow",
    "LaunchPlan",
    "LaunchPlanError",
    "Node",
    "NodeKind",
    "NodeMetadata",
    "PagerDuty",
    "Promise",
    "PythonFunctionWorkflow",
    "Slack",
    "VoidPromise",
    "Workflow",
    "WorkflowBase",
    "WorkflowCompileError",
    "WorkflowExecutionPhase",
    "WorkflowFailurePolicy",
    "register_node_kind",
    "workflow",
]


class _CallableModule(types.ModuleType):
    """``featherkit.workflow`` is both this package and the ``@workflow`` decorator.

    ``from featherkit import workflow`` must give the decorator whether or not the package was
    imported first (importing a submodule binds the package as an attribute of ``featherkit``),
    so the package itself decorates: ``workflow(fn)`` and ``workflow(interruptible=True)``.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return workflow(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
