"""Launch plans: a workflow with some inputs fixed, others defaulted, maybe on a schedule.

Every workflow has a default launch plan (named like the workflow, no fixed inputs, the
workflow's defaults). ``LaunchPlan.get_or_create(workflow, name, default_inputs=...,
fixed_inputs=...)`` makes a named one; asking again for the same name with other settings is an
error. A launch plan is callable locally (it runs its workflow with its inputs) and inside a
workflow body, where it records a launch-plan node.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from featherkit import context
from featherkit.errors import FeatherkitUserError, TaskInputError
from featherkit.interface import Interface
from featherkit.workflow.promise import type_name

if TYPE_CHECKING:
    from flyteidl.admin import schedule_pb2

    from featherkit.workflow.workflow import WorkflowBase


class LaunchPlanError(FeatherkitUserError):
    """A launch plan that cannot be made as asked."""


@dataclass(frozen=True)
class CronSchedule:
    """Run on a cron expression (``"0 * * * *"``, or aliases like ``"@hourly"``).

    ``kickoff_time_input_arg`` names a datetime input that receives the scheduled time.
    """

    schedule: str
    kickoff_time_input_arg: str | None = None

    def to_idl(self) -> schedule_pb2.Schedule:
        from flyteidl.admin import schedule_pb2

        message = schedule_pb2.Schedule()
        message.cron_schedule.schedule = self.schedule
        if self.kickoff_time_input_arg:
            message.kickoff_time_input_arg = self.kickoff_time_input_arg
        return message


@dataclass(frozen=True)
class FixedRate:
    """Run every ``duration`` (whole minutes; written in days, hours or minutes)."""

    duration: datetime.timedelta
    kickoff_time_input_arg: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.duration, datetime.timedelta):
            raise TypeError(f"FixedRate needs a timedelta, got {type(self.duration).__name__}")
        seconds = self.duration.total_seconds()
        if seconds < 60 or seconds % 60:
            raise ValueError(
                f"FixedRate duration must be a positive whole number of minutes, got "
                f"{self.duration}"
            )

    def to_idl(self) -> schedule_pb2.Schedule:
        from flyteidl.admin import schedule_pb2

        message = schedule_pb2.Schedule()
        minutes = int(self.duration.total_seconds()) // 60
        if minutes % 1440 == 0:
            message.rate.value, message.rate.unit = minutes // 1440, schedule_pb2.DAY
        elif minutes % 60 == 0:
            message.rate.value, message.rate.unit = minutes // 60, schedule_pb2.HOUR
        else:
            message.rate.value, message.rate.unit = minutes, schedule_pb2.MINUTE
        if self.kickoff_time_input_arg:
            message.kickoff_time_input_arg = self.kickoff_time_input_arg
        return message


class WorkflowExecutionPhase:
    """Phases of a workflow execution (flyteidl ``WorkflowExecution.Phase``), for notifications."""

    UNDEFINED = 0
    QUEUED = 1
    RUNNING = 2
    SUCCEEDING = 3
    SUCCEEDED = 4
    FAILING = 5
    FAILED = 6
    ABORTED = 7
    TIMED_OUT = 8
    ABORTING = 9


_TERMINAL = {
    WorkflowExecutionPhase.SUCCEEDED: "SUCCEEDED",
    WorkflowExecutionPhase.FAILED: "FAILED",
    WorkflowExecutionPhase.ABORTED: "ABORTED",
    WorkflowExecutionPhase.TIMED_OUT: "TIMED_OUT",
}


@dataclass(frozen=True)
class _Notification:
    """Tell ``recipients_email`` when an execution of the launch plan ends in one of
    ``phases`` (terminal ones: SUCCEEDED, FAILED, ABORTED, TIMED_OUT). Sent by the backend;
    a local run sends nothing."""

    phases: list[int]
    recipients_email: list[str]

    _channel: ClassVar[str] = ""

    def __post_init__(self) -> None:
        kind = type(self).__name__
        bad = [p for p in self.phases if p not in _TERMINAL]
        if not self.phases or bad:
            raise ValueError(
                f"{kind} notification phases must be terminal phases "
                f"({', '.join(f'WorkflowExecutionPhase.{n}' for n in _TERMINAL.values())}), "
                f"got {list(self.phases)!r}"
            )
        if not self.recipients_email or not all(
            isinstance(r, str) and r for r in self.recipients_email
        ):
            raise ValueError(f"{kind} notification needs recipients_email (a list of strings)")

    def __hash__(self) -> int:
        return hash((type(self), tuple(self.phases), tuple(self.recipients_email)))

    def to_idl(self) -> Any:
        from flyteidl.admin import common_pb2

        message = common_pb2.Notification(phases=list(self.phases))
        getattr(message, self._channel).recipients_email.extend(self.recipients_email)
        return message


class Email(_Notification):
    """An email when an execution ends in one of ``phases``."""

    _channel = "email"


class Slack(_Notification):
    """A Slack message (through the backend's email-to-Slack setup) when an execution ends."""

    _channel = "slack"


class PagerDuty(_Notification):
    """A PagerDuty alert (through the backend's email integration) when an execution ends."""

    _channel = "pager_duty"


class LaunchPlan:
    """A named way to launch a workflow: fixed inputs, default inputs, a schedule."""

    _node_kind = "launch_plan"
    #: every launch plan made in this process, by name
    CACHE: ClassVar[dict[str, LaunchPlan]] = {}

    def __init__(
        self,
        name: str,
        workflow: WorkflowBase,
        default_inputs: Mapping[str, Any] | None = None,
        fixed_inputs: Mapping[str, Any] | None = None,
        schedule: CronSchedule | FixedRate | None = None,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        max_parallelism: int | None = None,
        notifications: list[_Notification] | None = None,
    ) -> None:
        from featherkit.workflow.workflow import WorkflowBase

        if not isinstance(workflow, WorkflowBase):
            raise LaunchPlanError(
                f"launch plan {name!r} needs a workflow, got {type(workflow).__name__}"
            )
        if not isinstance(name, str) or not name:
            raise LaunchPlanError(f"a launch plan of {workflow.name!r} needs a name")
        if schedule is not None and not isinstance(schedule, (CronSchedule, FixedRate)):
            raise LaunchPlanError(
                f"launch plan {name!r}: schedule must be a CronSchedule or a FixedRate, got "
                f"{type(schedule).__name__}"
            )
        notes = list(notifications or [])
        for note in notes:
            if not isinstance(note, _Notification):
                raise LaunchPlanError(
                    f"launch plan {name!r}: notifications must be Email, Slack or PagerDuty, "
                    f"got {type(note).__name__}"
                )
        self.name = name
        self.workflow = workflow
        self.schedule = schedule
        self.notifications = notes
        self.labels = dict(labels or {})
        self.annotations = dict(annotations or {})
        self.max_parallelism = max_parallelism
        iface = workflow.python_interface
        default_inputs = dict(default_inputs or {})
        fixed_inputs = dict(fixed_inputs or {})
        both = set(default_inputs) & set(fixed_inputs)
        if both:
            raise LaunchPlanError(
                f"launch plan {name!r}: input(s) {sorted(both)} are both fixed and defaulted"
            )
        for label, given in (("default_inputs", default_inputs), ("fixed_inputs", fixed_inputs)):
            unknown = [k for k in given if k not in iface.inputs]
            if unknown:
                raise LaunchPlanError(
                    f"launch plan {name!r}: {label} names unknown input(s) "
                    f"{', '.join(map(repr, unknown))} of workflow {workflow.name!r}; its "
                    f"inputs are: {', '.join(iface.inputs) or '(none)'}"
                )
        if schedule is not None and schedule.kickoff_time_input_arg:
            arg = schedule.kickoff_time_input_arg
            if iface.inputs.get(arg) is not datetime.datetime:
                raise LaunchPlanError(
                    f"launch plan {name!r}: kickoff_time_input_arg {arg!r} must name a "
                    f"datetime input of workflow {workflow.name!r}"
                )
        self.fixed_inputs_native = fixed_inputs
        self.default_inputs_native = default_inputs
        self.fixed_inputs = self._literals(fixed_inputs)
        self.default_literals = self._literals(default_inputs)
        self._python_interface = Interface(
            inputs={k: t for k, t in iface.inputs.items() if k not in fixed_inputs},
            outputs=dict(iface.outputs),
            defaults={
                **{k: v for k, v in iface.defaults.items() if k not in fixed_inputs},
                **default_inputs,
            },
            output_tuple=iface.output_tuple,
            input_descriptions=iface.input_descriptions,
            output_descriptions=iface.output_descriptions,
        )

    def _literals(self, values: Mapping[str, Any]) -> dict[str, Any]:
        from featherkit.type_registry import type_engine

        engine = type_engine()
        inputs = self.workflow.python_interface.inputs
        literals = {}
        for key, value in values.items():
            tp = inputs[key]
            try:
                literals[key] = engine.to_literal(value, tp, engine.to_literal_type(tp))
            except (TypeError, ValueError) as exc:
                raise LaunchPlanError(
                    f"launch plan {self.name!r}, input {key!r}: expected {type_name(tp)}, "
                    f"received {type(value).__name__} ({exc})"
                ) from None
        return literals

    @property
    def python_interface(self) -> Interface:
        """The inputs a caller may give (not the fixed ones) with their defaults."""
        return self._python_interface

    @property
    def interface(self) -> Any:
        return self.workflow.interface

    def __repr__(self) -> str:
        return f"LaunchPlan(name={self.name!r}, workflow={self.workflow.name!r})"

    def _settings(self) -> tuple[Any, ...]:
        return (
            self.workflow.name,
            {k: v.SerializeToString(deterministic=True) for k, v in self.fixed_inputs.items()},
            {k: v.SerializeToString(deterministic=True) for k, v in self.default_literals.items()},
            self.schedule,
            self.labels,
            self.annotations,
            self.max_parallelism,
            tuple(self.notifications),
        )

    @classmethod
    def get_default_launch_plan(cls, workflow: WorkflowBase) -> LaunchPlan:
        """The workflow's default launch plan (named like it), made once."""
        existing = cls.CACHE.get(workflow.name)
        if existing is not None and existing.workflow is workflow:
            return existing
        # first time, or the workflow's module was imported again: a plan of this workflow
        plan = cls(workflow.name, workflow)
        cls.CACHE[workflow.name] = plan
        return plan

    @classmethod
    def get_or_create(
        cls,
        workflow: WorkflowBase,
        name: str | None = None,
        default_inputs: Mapping[str, Any] | None = None,
        fixed_inputs: Mapping[str, Any] | None = None,
        schedule: CronSchedule | FixedRate | None = None,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        max_parallelism: int | None = None,
        notifications: list[_Notification] | None = None,
    ) -> LaunchPlan:
        """The launch plan ``name`` (the default one without a name), made on first ask.

        Asking again for a name with different settings is an error: one name, one plan.
        """
        if name is None:
            if any(v for v in (default_inputs, fixed_inputs, schedule, labels, annotations,
                               max_parallelism, notifications)):
                raise LaunchPlanError(
                    f"a launch plan of {getattr(workflow, 'name', workflow)!r} with settings "
                    "needs a name"
                )
            return cls.get_default_launch_plan(workflow)
        plan = cls(
            name, workflow, default_inputs, fixed_inputs, schedule, labels, annotations,
            max_parallelism, notifications,
        )
        existing = cls.CACHE.get(name)
        if existing is not None:
            if existing._settings() != plan._settings():
                raise LaunchPlanError(
                    f"launch plan {name!r} already exists with other settings (workflow "
                    f"{existing.workflow.name!r}); give this one another name"
                )
            if existing.workflow is workflow:
                return existing
            # the same plan of a workflow whose module was imported again: the new one wins
        cls.CACHE[name] = plan
        return plan

    # -- calling -----------------------------------------------------------------------------

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        compiling = context.compiling.get()
        if compiling is not None:
            return compiling.call(self, args, kwargs)
        if args:
            raise TaskInputError(
                f"launch plan {self.name!r} takes keyword arguments only (got {len(args)} "
                "positional)"
            )
        return self.workflow.run(self._inputs(kwargs), max_parallelism=self.max_parallelism)

    def _inputs(self, kwargs: Mapping[str, Any]) -> dict[str, Any]:
        fixed = sorted(set(kwargs) & set(self.fixed_inputs_native))
        if fixed:
            raise TaskInputError(
                f"launch plan {self.name!r}: input(s) {', '.join(map(repr, fixed))} are fixed "
                "and cannot be given"
            )
        return {**self.default_inputs_native, **kwargs, **self.fixed_inputs_native}

    async def run_async(self, **kwargs: Any) -> Any:
        return await self.workflow.run_async(
            self._inputs(kwargs), max_parallelism=self.max_parallelism
        )


__all__ = [
    "CronSchedule",
    "Email",
    "FixedRate",
    "LaunchPlan",
    "LaunchPlanError",
    "PagerDuty",
    "Slack",
    "WorkflowExecutionPhase",
]
