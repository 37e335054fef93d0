"""Execution context: what a running task can ask about its execution.

Carried by a :mod:`contextvars` variable, so it is right under threads and asyncio: each
execution sets its own :class:`ExecutionParameters` and restores the previous one after.
"""

from __future__ import annotations

import contextvars
import os
import reprlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from featherkit._records import FrozenRecord
from featherkit.checkpoint import Checkpoint, set_default_working_dir

if TYPE_CHECKING:
    import logging


@dataclass(init=False, repr=False, eq=False)
class ExecutionIdentifier(FrozenRecord):
    """Where an execution runs on a Flyte backend (``local`` fields when run locally)."""

    project: str = "local"
    domain: str = "local"
    name: str = "local"

    def __init__(self, project: str = "local", domain: str = "local", name: str = "local") -> None:
        self._assign(project, domain, name)


@dataclass(init=False, repr=False, eq=False)
class TaskIdentifier(FrozenRecord):
    """Which registered task version runs (empty fields when run locally).

    The container entrypoint fills it from ``FLYTE_INTERNAL_TASK_*`` (or ``_F_TK_*``).
    """

    project: str = ""
    domain: str = ""
    name: str = ""
    version: str = ""

    def __init__(
        self, project: str = "", domain: str = "", name: str = "", version: str = "",
    ) -> None:
        self._assign(project, domain, name, version)


class Secrets:
    """Secrets the task can read: from ``FLYTE_SECRETS_ENV_PREFIX``-style env vars or files.

    Flyte's secret injector exposes ``group``/``key`` as the environment variable
    ``_FSEC_<GROUP>_<KEY>`` or the file ``/etc/flyte/secrets/<group>/<key>`` (a
    ``group_version`` goes between the two; ``FLYTE_SECRETS_FILE_PREFIX`` prefixes the file
    name), the names flytekit's ``current_context().secrets`` reads.
    """

    def __init__(
        self, env_prefix: str = "_FSEC_", directory: str = "/etc/flyte/secrets"
    ) -> None:
        self.env_prefix = os.environ.get("FLYTE_SECRETS_ENV_PREFIX", env_prefix).strip()
        self.directory = os.environ.get("FLYTE_SECRETS_DEFAULT_DIR", directory).strip()
        self.file_prefix = os.environ.get("FLYTE_SECRETS_FILE_PREFIX", "").strip()

    @staticmethod
    def _parts(
        group: str | None, key: str | None, group_version: str | None, what: str
    ) -> list[str]:
        parts = [p for p in (group, group_version, key) if p]
        if not group and not key:
            raise ValueError(f"Secrets.{what} needs a group or a key")
        return parts

    def get_secrets_env_var(
        self, group: str | None = None, key: str | None = None, group_version: str | None = None
    ) -> str:
        """The environment variable the secret is exposed as (``_FSEC_<GROUP>_<KEY>``)."""
        parts = self._parts(group, key, group_version, "get_secrets_env_var")
        return self.env_prefix + "_".join(p.upper() for p in parts)

    def get_secrets_file(
        self, group: str | None = None, key: str | None = None, group_version: str | None = None
    ) -> str:
        """The path of the file the secret is mounted as (``<dir>/<group>/<key>``).

        The path is where Flyte mounts the secret; it need not exist (locally, say).
        """
        parts = [p.lower() for p in self._parts(group, key, group_version, "get_secrets_file")]
        parts[-1] = self.file_prefix + parts[-1]
        return os.path.join(self.directory, *parts)

    def get(
        self, group: str | None = None, key: str | None = None, group_version: str | None = None
    ) -> str:
        """The secret's value: its environment variable, else its file (stripped)."""
        env_name = self.get_secrets_env_var(group, key, group_version)
        if env_name in os.environ:
            return os.environ[env_name]
        path = self.get_secrets_file(group, key, group_version)
        if os.path.exists(path):
            with open(path, encoding="utf-8") as fh:
                return fh.read().strip()
        raise ValueError(
            f"secret group={group!r} key={key!r} not found: no env var {env_name} and no "
            f"file {path}"
        )


#: the identifiers of a local execution; frozen, so every execution shares these instances
#: (building two frozen dataclasses was most of the cost of ExecutionParameters, on every call)
_LOCAL_EXECUTION = ExecutionIdentifier()
_NO_TASK_ID = TaskIdentifier()


class _Factory:
    """The default of a field made by a factory (shown as ``<factory>``, as dataclasses do)."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY: Any = _Factory()


@dataclass(init=False, repr=False, eq=False)
class ExecutionParameters:
    """The parameters of one execution; plugins may adjust them in ``pre_execute``.

    ``working_dir`` is created on first access, so a task that never uses it costs nothing.
    A local run creates it under ``$FEATHERKIT_LOCAL_DIR`` when that is set (where local decks,
    raw outputs and checkpoints then go), else in the system's temporary directory.
    """

    execution_id: ExecutionIdentifier = _LOCAL_EXECUTION
    task_name: str = ""
    raw_output_prefix: str = ""
    output_prefix: str | None = None
    checkpoint_path: str | None = None
    prev_checkpoint: str | None = None
    decks: list[Any] = field(default_factory=list)
    #: ``time.perf_counter()`` when the inputs had been converted (timelines split on it)
    inputs_loaded_at: float | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    task_id: TaskIdentifier = _NO_TASK_ID
    _working_dir: str | None = None
    _secrets: Secrets | None = None
    _checkpoint: Checkpoint | None = None

    # __init__, __repr__ and __eq__ are the ones @dataclass would generate, written out (as
    # for the identifiers above): generating them is 0.7 ms of every pod's start
    def __init__(
        self,
        execution_id: ExecutionIdentifier = _LOCAL_EXECUTION,
        task_name: str = "",
        raw_output_prefix: str = "",
        output_prefix: str | None = None,
        checkpoint_path: str | None = None,
        prev_checkpoint: str | None = None,
        decks: list[Any] = _FACTORY,
        inputs_loaded_at: float | None = None,
        attributes: dict[str, Any] = _FACTORY,
        task_id: TaskIdentifier = _NO_TASK_ID,
        _working_dir: str | None = None,
        _secrets: Secrets | None = None,
        _checkpoint: Checkpoint | None = None,
    ) -> None:
        self.execution_id = execution_id
        self.task_name = task_name
        self.raw_output_prefix = raw_output_prefix
        self.output_prefix = output_prefix
        self.checkpoint_path = checkpoint_path
        self.prev_checkpoint = prev_checkpoint
        self.decks = [] if decks is _FACTORY else decks
        self.inputs_loaded_at = inputs_loaded_at
        self.attributes = {} if attributes is _FACTORY else attributes
        self.task_id = task_id
        self._working_dir = _working_dir
        self._secrets = _secrets
        self._checkpoint = _checkpoint

    def _fields(self) -> tuple[Any, ...]:
        return (
            self.execution_id, self.task_name, self.raw_output_prefix, self.output_prefix,
            self.checkpoint_path, self.prev_checkpoint, self.decks, self.inputs_loaded_at,
            self.attributes, self.task_id, self._working_dir, self._secrets, self._checkpoint,
        )

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        return (
            f"{self.__class__.__qualname__}(execution_id={self.execution_id!r}, "
            f"task_name={self.task_name!r}, raw_output_prefix={self.raw_output_prefix!r}, "
            f"output_prefix={self.output_prefix!r}, checkpoint_path={self.checkpoint_path!r}, "
            f"prev_checkpoint={self.prev_checkpoint!r}, decks={self.decks!r}, "
            f"inputs_loaded_at={self.inputs_loaded_at!r}, attributes={self.attributes!r}, "
            f"task_id={self.task_id!r}, _working_dir={self._working_dir!r}, "
            f"_secrets={self._secrets!r}, _checkpoint={self._checkpoint!r})"
        )

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._fields() == other._fields()
        return NotImplemented

    @property
    def working_dir(self) -> str:
        if self._working_dir is None:
            import tempfile  # here: it costs a container's cold start (random, shutil ...)

            base = os.environ.get("FEATHERKIT_LOCAL_DIR") or None
            if base is not None:
                os.makedirs(base, exist_ok=True)
            self._working_dir = tempfile.mkdtemp(prefix="featherkit-", dir=base)
        return self._working_dir

    @working_dir.setter
    def working_dir(self, value: str) -> None:
        self._working_dir = value

    @property
    def working_directory(self) -> str:
        """flytekit's name for :attr:`working_dir`."""
        return self.working_dir

    @property
    def checkpoint(self) -> Checkpoint:
        """This attempt's :class:`~featherkit.checkpoint.Checkpoint` (``read``/``write``).

        In a pod: the entrypoint's ``--checkpoint-path`` and ``--prev-checkpoint``. Locally
        (no checkpoint path): ``<working_dir>/__cp``, with no previous checkpoint.
        """
        if self._checkpoint is None:
            dest = self.checkpoint_path or os.path.join(self.working_dir, "__cp")
            self._checkpoint = Checkpoint(
                dest, self.prev_checkpoint, working_dir=lambda: self.working_dir
            )
        return self._checkpoint

    @property
    def logging(self) -> logging.Logger:
        import logging  # here: it costs a pod's cold start

        return logging.getLogger("featherkit.user")

    @property
    def secrets(self) -> Secrets:
        if self._secrets is None:
            self._secrets = Secrets()
        return self._secrets

    @property
    def raw_output_dir(self) -> str:
        """Where offloaded values (files, pickles) go: the raw output prefix or a local dir."""
        return self.raw_output_prefix or os.path.join(self.working_dir, "raw")


_new = object.__new__


def local_parameters(task_name: str) -> ExecutionParameters:
    """``ExecutionParameters(task_name=task_name)``, with only the fields that differ from a
    class default stored on the object.

    Every local call builds one, and the dataclass's ``__init__`` (thirteen keyword defaults,
    two factories) was a twentieth of a call. A dataclass keeps each plain default as a class
    attribute, so every field reads the same here as on an object ``__init__`` built (a test
    checks it); only ``vars()`` shows fewer entries, until a field is set.
    """
    params = _new(ExecutionParameters)
    params.__dict__ = {"task_name": task_name, "decks": [], "attributes": {}}
    return params


_current: contextvars.ContextVar[ExecutionParameters | None] = contextvars.ContextVar(
    "featherkit_execution", default=None
)
_default: ExecutionParameters | None = None

#: The workflow being compiled in this context (a ``featherkit.workflow.compiler.CompileState``),
#: or None. A call of a task, workflow or launch plan looks it up once: when set, the call
#: records a node instead of running.
compiling: contextvars.ContextVar[Any] = contextvars.ContextVar(
    "featherkit_compiling", default=None
)


def current_context() -> ExecutionParameters:
    """The running execution's parameters; outside any task, a process-wide local default."""
    params = _current.get()
    if params is not None:
        return params
    global _default
    if _default is None:
        _default = ExecutionParameters()
    return _default


@contextmanager
def execution(params: ExecutionParameters) -> Iterator[ExecutionParameters]:
    token = _current.set(params)
    try:
        yield params
    finally:
        _current.reset(token)


set_default_working_dir(lambda: current_context().working_dir)
