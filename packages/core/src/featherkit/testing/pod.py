"""Run a task the way a Flyte pod does, for tests: serialize, substitute, execute, decode.

::

    from featherkit.testing.pod import run_in_pod

    run = run_in_pod(my_task, tmp_path, inputs={"x": 3})
    assert run.returncode == 0
    assert run.outputs() == 4            # decoded with the task's own types
    assert run.error() is None           # or the ContainerError of error.pb

The task is serialized with :func:`featherkit.serialize`, its container args are taken from
the ``TaskTemplate``, propeller's ``{{.x}}`` templates are substituted with real locations
(local paths by default, any storage URI otherwise), ``inputs.pb`` is written, and the
entrypoint runs as a subprocess (the ``featherkit-execute`` console script beside the
interpreter, or ``python -m featherkit.entrypoint``). Plugin authors use it to check what
their plugin leaves under the output prefix (``deck.html``, say).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flyteidl.core import dynamic_job_pb2, errors_pb2, literals_pb2, tasks_pb2

    from featherkit.base_task import Task
    from featherkit.serialization import SerializationSettings

_TEMPLATE = re.compile(r"\{\{\s*\.(\w+)\s*\}\}")


def default_settings() -> SerializationSettings:
    from featherkit.serialization import SerializationSettings

    return SerializationSettings(image="featherkit-test:latest", version="test")


def container_args(
    task: Task, settings: SerializationSettings | None = None
) -> tuple[list[str], tasks_pb2.TaskTemplate]:
    """The container args of ``task``'s serialized ``TaskTemplate`` (and the template)."""
    from featherkit.serialization import serialize

    template = serialize(task, settings or default_settings())
    if not template.HasField("container"):
        raise ValueError(f"task {task.name!r} has no container target; it cannot run in a pod")
    return list(template.container.args), template


def substitute(args: Sequence[str], values: Mapping[str, str]) -> list[str]:
    """Replace ``{{.name}}`` templates as propeller does (names compared case-insensitively).

    A template whose name is not in ``values`` is left as it is, as propeller leaves those
    it does not know.
    """
    lowered = {k.lower(): v for k, v in values.items()}

    def one(match: re.Match[str]) -> str:
        return lowered.get(match.group(1).lower(), match.group(0))

    return [_TEMPLATE.sub(one, arg) for arg in args]


def import_root(task: Task) -> str | None:
    """The directory to put on ``PYTHONPATH`` so that ``task``'s module imports again."""
    module_name = getattr(task, "instantiated_in", None)
    module = sys.modules.get(module_name) if module_name else None
    path = getattr(module, "__file__", None)
    if not path or not module_name:
        return None
    root = Path(path).resolve().parent
    if Path(path).name == "__init__.py":
        root = root.parent
    for _ in range(module_name.count(".")):
        root = root.parent
    return str(root)


def entrypoint_command() -> list[str]:
    """How to start the entrypoint from this interpreter's environment."""
    script = shutil.which("featherkit-execute", path=os.path.dirname(sys.executable))
    return [script] if script else [sys.executable, "-m", "featherkit.entrypoint"]


@dataclass
class PodRun:
    """What one pod-like run of the entrypoint did."""

    task: Task
    args: list[str]
    output_prefix: str
    returncode: int
    stdout: str
    stderr: str
    template: tasks_pb2.TaskTemplate
    env: dict[str, str] = field(default_factory=dict)

    def _read(self, name: str) -> bytes | None:
        from featherkit import storage

        uri = storage.join(self.output_prefix, name)
        return storage.read_bytes(uri) if storage.exists(uri) else None

    def output_literals(self) -> literals_pb2.LiteralMap | None:
        """The decoded ``outputs.pb``, or ``None`` when it was not written."""
        from flyteidl.core import literals_pb2

        data = self._read("outputs.pb")
        if data is None:
            return None
        literal_map = literals_pb2.LiteralMap()
        literal_map.ParseFromString(data)
        return literal_map

    def outputs(self) -> Any:
        """The native outputs (as a call would return them); raises when none were written."""
        literal_map = self.output_literals()
        if literal_map is None:
            raise AssertionError(
                f"the pod wrote no outputs.pb under {self.output_prefix} "
                f"(exit {self.returncode}); stderr:\n{self.stderr}"
            )
        return self.task.literals_to_outputs(literal_map)

    def error(self, name: str = "error.pb") -> errors_pb2.ContainerError | None:
        """The ``ContainerError`` of ``error.pb``, or ``None`` when it was not written."""
        from flyteidl.core import errors_pb2

        data = self._read(name)
        if data is None:
            return None
        document = errors_pb2.ErrorDocument()
        document.ParseFromString(data)
        return document.error

    def dynamic_job(self) -> dynamic_job_pb2.DynamicJobSpec | None:
        """The decoded ``futures.pb`` a dynamic workflow wrote, or ``None``."""
        from flyteidl.core import dynamic_job_pb2

        data = self._read("futures.pb")
        if data is None:
            return None
        spec = dynamic_job_pb2.DynamicJobSpec()
        spec.ParseFromString(data)
        return spec

    def written(self, name: str) -> bool:
        """Whether ``name`` exists under the output prefix."""
        return self._read(name) is not None


def run_in_pod(
    task: Task,
    workdir: str | os.PathLike[str],
    inputs: Mapping[str, Any] | bytes | None = None,
    *,
    output_prefix: str | None = None,
    raw_output_prefix: str | None = None,
    inputs_uri: str | None = None,
    env: Mapping[str, str] | None = None,
    settings: SerializationSettings | None = None,
    pythonpath: Sequence[str] = (),
    values: Mapping[str, str] | None = None,
    resolver: str | None = None,
    loader_args: Sequence[str] | None = None,
    timeout: float = 120,
) -> PodRun:
    """Serialize ``task``, substitute its container args and run the entrypoint on them.

    ``inputs``: native values (converted with the task's types), raw ``inputs.pb`` bytes (to
    test broken files), or ``None`` (no ``inputs.pb`` is written; ``--inputs`` still points
    at where it would be). Locations default to directories under ``workdir``, which is also
    the pod's working directory. ``values`` overrides any template substitution, e.g.
    ``{"outputPrefix": "{{.outputPrefix}}"}`` to leave one unsubstituted. ``resolver`` and
    ``loader_args`` replace what serialization wrote (to run code the image does not have).
    """
    from featherkit import storage

    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    args, template = container_args(task, settings)
    output_prefix = output_prefix or str(work / "outputs")
    inputs_uri = inputs_uri or str(work / "inputs" / "inputs.pb")
    if inputs is not None:
        data = inputs if isinstance(inputs, bytes) else (
            task.inputs_to_literals(inputs).SerializeToString()
        )
        storage.write_bytes(inputs_uri, data)
    template_path = work / "task-template.pb"
    template_path.write_bytes(template.SerializeToString())
    substitutions = {
        "input": inputs_uri,
        "inputPrefix": inputs_uri.rsplit("/", 1)[0],
        "outputPrefix": output_prefix,
        "rawOutputDataPrefix": raw_output_prefix or str(work / "raw"),
        "checkpointOutputPrefix": str(work / "checkpoint"),
        "prevCheckpointPrefix": "",
        "taskTemplatePath": str(template_path),
        **(values or {}),
    }
    argv = substitute(args, substitutions)
    split = argv.index("--")
    if resolver is not None:
        argv[argv.index("--resolver") + 1] = resolver
    if loader_args is not None:
        argv[split + 1:] = list(loader_args)
    paths = [*pythonpath]
    root = import_root(task)
    if root:
        paths.append(root)
    # the container's own environment, as a pod has it, then the test's
    container_env = {kv.key: kv.value for kv in template.container.env}
    run_env = {**os.environ, **container_env, **(env or {})}
    existing = run_env.get("PYTHONPATH")
    run_env["PYTHONPATH"] = os.pathsep.join([*paths, *([existing] if existing else [])])
    proc = subprocess.run(
        [*entrypoint_command(), *argv[1:]],
        cwd=work,
        env=run_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return PodRun(
        task=task,
        args=argv,
        output_prefix=output_prefix,
        returncode=proc.returncode,
        stdout=proc.stdout,
        stderr=proc.stderr,
        template=template,
        env=dict(env or {}),
    )
