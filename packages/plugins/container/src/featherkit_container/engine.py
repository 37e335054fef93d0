"""Running a :class:`ContainerTask` locally through a container engine's command line.

What a Flyte cluster does, done here with ``docker`` or ``podman`` (the first on ``PATH``,
or the one ``FEATHERKIT_CONTAINER_ENGINE`` names):

1. ``{{.inputs.x}}`` in command and arguments is replaced by the input's text;
2. a fresh input directory gets one file per input of a primitive type, named like the input,
   holding its text, a ``File`` input's file or a ``Directory`` input's tree under the input's
   name, and ``inputs.<json|yaml|pb>``, the whole input literal map in the task's metadata
   format (the YAML file is written as JSON, which YAML reads);
3. the engine runs ``<engine> run --rm -v IN:<input_data_dir> -v OUT:<output_data_dir>
   -e KEY=VALUE... [--entrypoint COMMAND0] IMAGE COMMAND1... ARGUMENTS...`` (the first
   command word replaces the image's entrypoint, as Kubernetes' ``command`` does);
4. each output is read from ``OUT/<name>`` and parsed as its declared type (a ``File`` or
   ``Directory`` output is that path, kept in the execution's working directory); a missing
   file, a non-zero exit or text that is not of the type is an error naming the task and the
   output.

The text of a value: ``int`` in decimal, ``float`` in positional notation, ``bool`` as
``true``/``false``, ``str`` as it is, ``datetime`` in ISO 8601, ``timedelta`` as a Go duration
(``1h2m3.5s``). Reading back, ``bool`` accepts Go's spellings (``1``, ``t``, ``true``,
``0``, ``f``, ``false``, any case), numbers and times ignore surrounding whitespace, ``str``
is the file's whole content.
"""

from __future__ import annotations

import datetime
import decimal
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from featherkit.extend import TaskOutputError
from featherkit_container.task import INPUT_PLACEHOLDER, ContainerTaskError, MetadataFormat

if TYPE_CHECKING:
    from featherkit_container.task import ContainerTask

ENGINES = ("docker", "podman")
ENGINE_ENV = "FEATHERKIT_CONTAINER_ENGINE"
PRIMITIVES = (bool, int, float, str, datetime.datetime, datetime.timedelta)


def find_engine(task_name: str) -> str:
    """The engine program to run, or an error naming the engines looked for."""
    wanted = os.environ.get(ENGINE_ENV)
    names = (wanted,) if wanted else ENGINES
    for name in names:
        path = shutil.which(name)
        if path is not None:
            return path
    looked = f"{ENGINE_ENV}={wanted!r}" if wanted else " or ".join(ENGINES)
    raise ContainerTaskError(
        f"task {task_name!r}: running a container task locally needs a container engine; "
        f"looked for {looked} on PATH and found none (install docker or podman, or mock the "
        "task in tests)"
    )


def go_duration(value: datetime.timedelta) -> str:
    """``timedelta`` as Go's ``time.Duration.String()`` writes it (``1h2m3.5s``)."""
    micros = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    if micros == 0:
        return "0s"
    sign = "-" if micros < 0 else ""
    micros = abs(micros)
    if micros < 1_000_000:
        if micros % 1000 == 0:
            return f"{sign}{micros // 1000}ms"
        return f"{sign}{micros}µs"
    hours, rest = divmod(micros, 3_600_000_000)
    minutes, rest = divmod(rest, 60_000_000)
    seconds = decimal.Decimal(rest) / 1_000_000
    text = f"{seconds.normalize():f}s"
    if hours:
        return f"{sign}{hours}h{minutes}m{text}"
    if minutes:
        return f"{sign}{minutes}m{text}"
    return f"{sign}{text}"


_GO_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9}
_GO_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(h|ms|m|s|us|µs|ns)")


def parse_go_duration(text: str) -> datetime.timedelta:
    text = text.strip()
    sign = -1.0 if text.startswith("-") else 1.0
    body = text.lstrip("+-")
    if body == "0":
        return datetime.timedelta(0)
    parts = _GO_PART.findall(body)
    if not parts or "".join(n + u for n, u in parts) != body:
        raise ValueError(f"{text!r} is not a duration such as 1h2m3s")
    seconds = sum(float(n) * _GO_UNITS[u] for n, u in parts)
    return datetime.timedelta(seconds=sign * seconds)


def to_text(value: Any) -> str:
    """An input's text, for the command line and the per-input file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{decimal.Decimal(repr(value)):f}" if value == value and abs(value) != float(
            "inf"
        ) else repr(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return go_duration(value)
    return str(value)


def from_text(text: str, python_type: Any) -> Any:
    """An output's value read from its file's text; ``ValueError`` when it is not one."""
    if python_type is str:
        return text
    stripped = text.strip()
    if python_type is bool:
        lowered = stripped.lower()
        if lowered in ("1", "t", "true"):
            return True
        if lowered in ("0", "f", "false"):
            return False
        raise ValueError(f"{stripped!r} is not true or false")
    if python_type is int:
        return int(stripped)
    if python_type is float:
        return float(stripped)
    if python_type is datetime.datetime:
        return datetime.datetime.fromisoformat(stripped)
    if python_type is datetime.timedelta:
        return parse_go_duration(stripped)
    raise ValueError(f"{python_type!r} outputs cannot be read from a file's text")


def render(text: str, values: Mapping[str, Any]) -> str:
    """``text`` with each ``{{.inputs.x}}`` replaced by input ``x``'s text."""
    return INPUT_PLACEHOLDER.sub(lambda m: to_text(values[m.group(1)]), text)


def _blob_kind(python_type: Any) -> str | None:
    """``"file"``/``"directory"`` for featherkit's File and Directory types, else ``None``."""
    from featherkit import Directory, File

    if isinstance(python_type, type):
        if issubclass(python_type, File):
            return "file"
        if issubclass(python_type, Directory):
            return "directory"
    return None


def _write_inputs(task: ContainerTask, kwargs: Mapping[str, Any], directory: Path) -> None:
    from google.protobuf import json_format

    for name, value in kwargs.items():
        kind = _blob_kind(type(value))
        if kind == "file":
            shutil.copyfile(os.fspath(value), directory / name)
        elif kind == "directory":
            shutil.copytree(os.fspath(value), directory / name)
        elif isinstance(value, PRIMITIVES):
            (directory / name).write_text(to_text(value), encoding="utf-8")
    literals = task.inputs_to_literals(kwargs)
    target = directory / f"inputs.{task.metadata_format.extension}"
    if task.metadata_format is MetadataFormat.PROTO:
        target.write_bytes(literals.SerializeToString(deterministic=True))
    else:
        target.write_text(json_format.MessageToJson(literals) + "\n", encoding="utf-8")


def command_line(
    engine: str, task: ContainerTask, image: str, kwargs: Mapping[str, Any],
    inputs_dir: Path | None, outputs_dir: Path | None,
) -> list[str]:
    """The engine command line for one local run."""
    words = [render(w, kwargs) for w in (*task.command, *task.arguments)]
    line = [engine, "run", "--rm"]
    if inputs_dir is not None:
        line += ["-v", f"{inputs_dir}:{task.input_data_dir}"]
    if outputs_dir is not None:
        line += ["-v", f"{outputs_dir}:{task.output_data_dir}"]
    for key, value in task.environment.items():
        line += ["-e", f"{key}={value}"]
    if task.command:
        line += ["--entrypoint", words[0]]
        return [*line, image, *words[1:]]
    return [*line, image, *words]


def run_locally(task: ContainerTask, kwargs: Mapping[str, Any]) -> Any:
    from featherkit.extend import image_name

    used = {n for w in (*task.command, *task.arguments) for n in INPUT_PLACEHOLDER.findall(w)}
    for name, value in kwargs.items():
        if name in used and not isinstance(value, PRIMITIVES):
            raise ContainerTaskError(
                f"task {task.name!r}: input {name!r} is used in the command, which takes "
                f"text; a {type(value).__name__} has none (use int, float, str, bool, "
                "datetime or timedelta; name a file or directory input by its path, "
                f"{task.input_data_dir or '<input_data_dir>'}/{name})"
            )
    image = image_name(task.image, None, what=f"task {task.name!r}: image")
    engine = find_engine(task.name)
    with tempfile.TemporaryDirectory(prefix="featherkit-container-") as scratch:
        root = Path(scratch)
        inputs_dir = outputs_dir = None
        if task.input_data_dir:
            inputs_dir = root / "inputs"
            inputs_dir.mkdir()
            _write_inputs(task, kwargs, inputs_dir)
        if task.output_data_dir:
            outputs_dir = root / "outputs"
            if any(_blob_kind(t) for t in task.python_interface.outputs.values()):
                # File/Directory outputs are returned as paths: they must outlive this run
                from featherkit.extend import current_context

                outputs_dir = Path(tempfile.mkdtemp(prefix="container-outputs-",
                                                    dir=current_context().working_dir))
            else:
                outputs_dir.mkdir()
        line = command_line(engine, task, image, kwargs, inputs_dir, outputs_dir)
        done = subprocess.run(line, capture_output=True, text=True, errors="replace", check=False)
        if task.local_logs:
            for text in (done.stdout, done.stderr):
                for row in text.splitlines():
                    print(f"[{task.name}] {row}")
        if done.returncode != 0:
            tail = "\n".join((done.stderr or done.stdout).splitlines()[-20:])
            raise ContainerTaskError(
                f"task {task.name!r}: the container exited with status {done.returncode}: "
                f"{' '.join(line)}\n{tail}"
            )
        return _read_outputs(task, outputs_dir)


def _read_outputs(task: ContainerTask, outputs_dir: Path | None) -> Any:
    outputs = task.python_interface.outputs
    if not outputs:
        return None
    assert outputs_dir is not None
    values: list[Any] = []
    from featherkit import Directory, File

    for name, python_type in outputs.items():
        path = outputs_dir / name
        kind = _blob_kind(python_type)
        if kind == "directory":
            if not path.is_dir():
                raise TaskOutputError(
                    f"task {task.name!r}: output {name!r} is a directory the container must "
                    f"create at {task.output_data_dir.rstrip('/')}/{name}; there is none"
                )
            values.append(Directory(str(path)))
            continue
        if not path.is_file():
            raise TaskOutputError(
                f"task {task.name!r}: output {name!r} was not written; the container must "
                f"write it to {task.output_data_dir.rstrip('/')}/{name}"
            )
        if kind == "file":
            values.append(File(str(path)))
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            values.append(from_text(text, python_type))
        except ValueError as exc:
            type_name = getattr(python_type, "__name__", repr(python_type))
            raise TaskOutputError(
                f"task {task.name!r}: output {name!r} should be a {type_name}; the container "
                f"wrote {text[:80]!r} ({exc})"
            ) from None
    return values[0] if len(values) == 1 else tuple(values)
