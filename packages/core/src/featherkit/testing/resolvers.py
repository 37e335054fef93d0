"""``TaskResolverSuite``: the conformance tests every task resolver passes.

Subclass it in a test module (the class name must start with ``Test``) and supply fixtures::

    from featherkit.testing.resolvers import MissingCase, ResolverCase, TaskResolverSuite

    class TestMyResolver(TaskResolverSuite):
        @pytest.fixture
        def resolver(self):
            return MyResolver()

        @pytest.fixture
        def tasks(self):
            return [ResolverCase(add_one, {"x": 1}), ResolverCase(shout, {"s": "hi"})]

        @pytest.fixture
        def missing(self):
            return [MissingCase(["no.such.module", "t"], "no.such.module")]

Fixtures:

``resolver``
    the resolver under test; one instance serves every task.
``tasks``
    at least two :class:`ResolverCase` (a task the resolver serializes, and inputs to run
    it with); their names and outputs must differ so that interference would show.
``missing``
    :class:`MissingCase` loader args naming a missing module, task or file, each with a
    piece of text the error message must contain.
``settings``
    the :class:`~featherkit.SerializationSettings` to serialize with (a default is given).
``template_values``
    what Flyte propeller substitutes for ``{{.x}}`` templates in container args, per case (a
    default writes the serialized ``TaskTemplate`` to a file for ``{{.taskTemplatePath}}``).

The tests check that loader args round trip to an equivalent task (same name, type,
interface and behaviour, run on the same input literals), that missing things give a clear
:class:`~featherkit.errors.FeatherkitUserError`, that tasks do not interfere (in any order, in
threads) and the resolver keeps no state, and that loader args are plain strings that survive
propeller's template substitution.

For end-to-end tests: :func:`run_container` runs a task's container args in a fresh
``featherkit-execute`` process (templates substituted as propeller does) and returns what it
wrote; :func:`fake_plugin_distribution` gives that process a test plugin through a real entry
point.
"""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from featherkit.errors import FeatherkitUserError

if TYPE_CHECKING:
    from flyteidl.core import errors_pb2, literals_pb2, tasks_pb2

    from featherkit.base_task import Task, TaskResolver
    from featherkit.serialization import SerializationSettings

__all__ = [
    "PROPELLER_TEMPLATES",
    "ContainerRun",
    "MissingCase",
    "ResolverCase",
    "TaskResolverSuite",
    "fake_plugin_distribution",
    "run_container",
    "substitute_templates",
]

#: Templates Flyte propeller substitutes in container args (matched case-insensitively,
#: with ``.`` or ``$`` and optional spaces: ``{{ .TaskTemplatePath }}`` is the same one).
PROPELLER_TEMPLATES = (
    "input",
    "inputPrefix",
    "outputPrefix",
    "rawOutputDataPrefix",
    "perRetryUniqueKey",
    "taskTemplatePath",
    "prevCheckpointPrefix",
    "checkpointOutputPrefix",
)

_TEMPLATE = re.compile(r"\{\{\s*[.$]([A-Za-z0-9_.]+)\s*\}\}")
_CANONICAL = {name.lower(): name for name in PROPELLER_TEMPLATES}


def substitute_templates(args: list[str], values: Mapping[str, str]) -> list[str]:
    """Substitute ``{{.x}}`` templates in ``args`` the way Flyte propeller does.

    ``values`` maps template names as in :data:`PROPELLER_TEMPLATES` to what they stand for.
    Propeller also replaces ``{{.inputs.<name>}}`` with an input's value; a loader arg has no
    business containing one, so it is a :class:`ValueError` here, as is a known template
    with no value given. Unknown templates are left as they are, as propeller leaves them.
    """

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.lower().startswith("inputs."):
            raise ValueError(f"{match.group(0)!r} would be replaced by an input's value")
        canonical = _CANONICAL.get(name.lower())
        if canonical is None:
            return match.group(0)
        if canonical not in values:
            raise ValueError(f"no value given for {match.group(0)!r}")
        return values[canonical]

    return [_TEMPLATE.sub(replace, arg) for arg in args]


@dataclass
class ContainerRun:
    """What one run of the container entrypoint left behind."""

    returncode: int
    stdout: str
    stderr: str
    outputs: literals_pb2.LiteralMap | None
    """``outputs.pb``, when written."""
    error: errors_pb2.ErrorDocument | None
    """``error.pb``, when written."""


def fake_plugin_distribution(
    directory: Path, distribution: str, entry_points: Mapping[str, str]
) -> Path:
    """Make ``directory`` hold an installed-looking distribution with featherkit entry points.

    Put ``directory`` on ``PYTHONPATH`` of a child process (e.g. ``run_container(...,
    env={"PYTHONPATH": ...})``) and that process loads the plugins as if ``distribution``
    were pip-installed: the way to give a test plugin to a container entrypoint run.
    """
    info = directory / f"{distribution.replace('-', '_')}-0.0.0.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {distribution}\nVersion: 0.0.0\n"
    )
    lines = "".join(f"{name} = {target}\n" for name, target in entry_points.items())
    (info / "entry_points.txt").write_text(f"[featherkit]\n{lines}")
    return directory


def _entrypoint_command(program: str) -> list[str]:
    """The console script beside this Python when installed, else ``python -m``."""
    script = Path(sys.executable).parent / program
    if program == "featherkit-execute" and not script.exists():
        return [sys.executable, "-m", "featherkit.entrypoint"]
    return [str(script)] if script.exists() else [program]


def run_container(
    args: list[str],
    inputs: literals_pb2.LiteralMap,
    workdir: Path,
    *,
    template: tasks_pb2.TaskTemplate | None = None,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
) -> ContainerRun:
    """Run a task's container args as a Flyte pod would, in a fresh process.

    ``{{.x}}`` templates are substituted as propeller does (inputs written to
    ``workdir/inputs.pb``, outputs under ``workdir/out``, ``template`` written for
    ``{{.taskTemplatePath}}``), then the entrypoint runs with ``cwd`` as working directory
    (the pod's, which holds the user's code) and ``env`` over this process's environment.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    input_file = workdir / "inputs.pb"
    input_file.write_bytes(inputs.SerializeToString())
    values = {
        "input": str(input_file),
        "inputPrefix": str(workdir),
        "outputPrefix": str(workdir / "out"),
        "rawOutputDataPrefix": str(workdir / "raw"),
        "perRetryUniqueKey": "run-0",
        "checkpointOutputPrefix": str(workdir / "checkpoint"),
        "prevCheckpointPrefix": "",
    }
    if template is not None:
        template_file = workdir / "task.pb"
        template_file.write_bytes(template.SerializeToString())
        values["taskTemplatePath"] = str(template_file)
    substituted = substitute_templates(list(args), values)
    command = [*_entrypoint_command(substituted[0]), *substituted[1:]]
    done = subprocess.run(
        command,
        cwd=str(cwd or workdir),
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    from flyteidl.core import errors_pb2, literals_pb2

    outputs = error = None
    if (workdir / "out" / "outputs.pb").exists():
        outputs = literals_pb2.LiteralMap()
        outputs.ParseFromString((workdir / "out" / "outputs.pb").read_bytes())
    if (workdir / "out" / "error.pb").exists():
        error = errors_pb2.ErrorDocument()
        error.ParseFromString((workdir / "out" / "error.pb").read_bytes())
    return ContainerRun(done.returncode, done.stdout, done.stderr, outputs, error)


@dataclass
class ResolverCase:
    """A task the resolver under test serializes, and native inputs to run it with."""

    task: Task
    inputs: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"ResolverCase({self.task.name!r})"


@dataclass
class MissingCase:
    """Loader args naming something that does not exist; ``expected`` is in the message."""

    loader_args: list[str]
    expected: str
    what: str = "missing"


def _run(task: Task, inputs: literals_pb2.LiteralMap) -> literals_pb2.LiteralMap:
    from featherkit.context import ExecutionParameters

    return task.dispatch_execute(ExecutionParameters(task_name=task.name), inputs)


def _state(resolver: object) -> Any:
    """A snapshot of a resolver's attributes, to show a resolver keeps no state."""
    try:
        attributes = vars(resolver)
    except TypeError:
        return None
    return copy.deepcopy(attributes)


class TaskResolverSuite:
    """Conformance tests for a task resolver; see the module docstring for the fixtures."""

    # -- fixtures a subclass may override ----------------------------------------------------

    @pytest.fixture
    def settings(self) -> SerializationSettings:
        from featherkit.serialization import SerializationSettings

        return SerializationSettings(image="ghcr.io/featherkit/test:1", version="v1")

    @pytest.fixture
    def template_values(
        self, settings: SerializationSettings, tmp_path: Path
    ) -> Callable[[Task], dict[str, str]]:
        """Propeller's values for one task: the template path holds the real template."""
        from featherkit.serialization import serialize

        def values(task: Task) -> dict[str, str]:
            directory = tmp_path / "propeller" / re.sub(r"\W", "_", task.name)
            directory.mkdir(parents=True, exist_ok=True)
            template_file = directory / "task.pb"
            template_file.write_bytes(serialize(task, settings).SerializeToString())
            return {
                "input": str(directory / "inputs.pb"),
                "inputPrefix": str(directory),
                "outputPrefix": str(directory / "out"),
                "rawOutputDataPrefix": str(directory / "raw"),
                "perRetryUniqueKey": "a1b2c3-0",
                "taskTemplatePath": str(template_file),
                "prevCheckpointPrefix": "",
                "checkpointOutputPrefix": str(directory / "checkpoint"),
            }

        return values

    # -- helpers ---------------------------------------------------------------------------

    def substituted_args(
        self,
        resolver: TaskResolver,
        settings: SerializationSettings,
        template_values: Callable[[Task], dict[str, str]],
        task: Task,
    ) -> list[str]:
        args = resolver.loader_args(settings, task)
        return substitute_templates(list(args), template_values(task))

    def assert_equivalent(self, loaded: Task, case: ResolverCase) -> None:
        original = case.task
        assert loaded.name == original.name, "the loaded task has another name"
        assert loaded.task_type == original.task_type
        assert loaded.interface == original.interface, (
            f"task {original.name!r}: the loaded task's interface differs:\n"
            f"{loaded.interface}\nvs\n{original.interface}"
        )
        inputs = original.inputs_to_literals(case.inputs)
        assert _run(loaded, inputs) == _run(original, inputs), (
            f"task {original.name!r}: the loaded task gives other outputs for the same inputs"
        )

    # -- the suite -------------------------------------------------------------------------

    def test_cases_can_tell_tasks_apart(self, tasks: list[ResolverCase]) -> None:
        """The fixture itself: two tasks or more, with distinct names and outputs."""
        assert len(tasks) >= 2, "give the suite at least two tasks"
        assert len({case.task.name for case in tasks}) == len(tasks), "task names must differ"
        outputs = [_run(c.task, c.task.inputs_to_literals(c.inputs)) for c in tasks]
        assert all(a != b for i, a in enumerate(outputs) for b in outputs[i + 1:]), (
            "the tasks' outputs must differ, or mixing them up would go unnoticed"
        )

    def test_registered_under_its_location(self, resolver: TaskResolver) -> None:
        from featherkit.resolvers import find_resolver

        assert isinstance(resolver.location, str)
        assert resolver.location
        assert type(find_resolver(resolver.location)) is type(resolver)

    def test_serialization_chooses_this_resolver(
        self,
        resolver: TaskResolver,
        settings: SerializationSettings,
        tasks: list[ResolverCase],
    ) -> None:
        from featherkit.serialization import serialize

        for case in tasks:
            args = list(serialize(case.task, settings).container.args)
            assert "--resolver" in args, args
            assert "--" in args, args
            assert args[args.index("--resolver") + 1] == resolver.location
            written = args[args.index("--") + 1:]
            assert written == resolver.loader_args(settings, case.task)

    def test_loader_args_are_plain_strings(
        self,
        resolver: TaskResolver,
        settings: SerializationSettings,
        tasks: list[ResolverCase],
        template_values: Callable[[Task], dict[str, str]],
    ) -> None:
        for case in tasks:
            args = resolver.loader_args(settings, case.task)
            assert isinstance(args, list), f"loader args must be a list: {args!r}"
            assert args, "loader args must not be empty"
            for arg in args:
                assert type(arg) is str, f"loader arg {arg!r} is a {type(arg).__name__}"
                assert arg, "a loader arg is empty"
                assert arg.isprintable(), f"loader arg {arg!r} is unprintable"
            substituted = substitute_templates(args, template_values(case.task))
            leftover = [a for a in substituted if "{{" in a or "}}" in a]
            assert not leftover, f"templates propeller would not substitute: {leftover}"

    def test_round_trip_gives_an_equivalent_task(
        self,
        resolver: TaskResolver,
        settings: SerializationSettings,
        tasks: list[ResolverCase],
        template_values: Callable[[Task], dict[str, str]],
    ) -> None:
        for case in tasks:
            args = self.substituted_args(resolver, settings, template_values, case.task)
            self.assert_equivalent(resolver.load_task(args), case)

    def test_substitution_spelled_differently(
        self,
        resolver: TaskResolver,
        settings: SerializationSettings,
        tasks: list[ResolverCase],
        template_values: Callable[[Task], dict[str, str]],
    ) -> None:
        """Propeller matches templates case-insensitively with spaces; so must the args."""
        for case in tasks:
            args = [
                _TEMPLATE.sub(lambda m: "{{ $" + m.group(1).upper() + " }}", arg)
                for arg in resolver.loader_args(settings, case.task)
            ]
            loaded = resolver.load_task(substitute_templates(args, template_values(case.task)))
            self.assert_equivalent(loaded, case)

    def test_missing_things_give_a_clear_error(
        self, resolver: TaskResolver, missing: list[MissingCase]
    ) -> None:
        assert missing, "give the suite loader args for a missing module, task or file"
        for case in missing:
            with pytest.raises(FeatherkitUserError) as info:
                resolver.load_task(list(case.loader_args))
            message = str(info.value)
            assert case.expected in message, (
                f"{case.what}: the error should mention {case.expected!r}: {message}"
            )

    def test_malformed_loader_args_give_a_clear_error(self, resolver: TaskResolver) -> None:
        for args in ([], ["\x00not-a-loader-arg"]):
            with pytest.raises(FeatherkitUserError) as info:
                resolver.load_task(args)
            assert str(info.value)

    def test_tasks_do_not_interfere(
        self,
        resolver: TaskResolver,
        settings: SerializationSettings,
        tasks: list[ResolverCase],
        template_values: Callable[[Task], dict[str, str]],
    ) -> None:
        before = _state(resolver)
        written = [
            self.substituted_args(resolver, settings, template_values, c.task) for c in tasks
        ]
        assert len({tuple(a) for a in written}) == len(tasks), "two tasks got the same args"
        order = [*reversed(range(len(tasks))), *range(len(tasks))]
        for i in order:
            self.assert_equivalent(resolver.load_task(list(written[i])), tasks[i])
        assert _state(resolver) == before, "the resolver changed its own state"

    def test_concurrent_loads(
        self,
        resolver: TaskResolver,
        settings: SerializationSettings,
        tasks: list[ResolverCase],
        template_values: Callable[[Task], dict[str, str]],
    ) -> None:
        written = [
            self.substituted_args(resolver, settings, template_values, c.task) for c in tasks
        ]
        loaded: dict[int, Task] = {}
        errors: list[BaseException] = []

        def load(i: int) -> None:
            try:
                loaded[i] = resolver.load_task(list(written[i % len(tasks)]))
            except BaseException as exc:  # reported below, in the test's thread
                errors.append(exc)

        threads = [threading.Thread(target=load, args=(i,)) for i in range(4 * len(tasks))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors
        for i, task in loaded.items():
            assert task.name == tasks[i % len(tasks)].task.name
