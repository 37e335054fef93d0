"""Registration files: serialized task, workflow and launch plan specs, and their ``.tgz``.

The layout is the one ``pyflyte serialize``/``pyflyte package`` write and ``flytectl register
files`` reads (checked against flytekit 1.16):

* one file per entity, named ``<index>_<name>_<kind>.pb``: kind 1 for a task (``TaskSpec``),
  2 for a workflow (``WorkflowSpec``), 3 for a launch plan (``admin.LaunchPlan``); ``<index>``
  counts from 0 and is zero-padded to the width of the largest index, so that flytectl's sort
  by file name keeps the order (entities come each after what it references);
* the package is a gzip-compressed tar holding those files at its top level, no directories.

Unlike flytekit's, our files are byte-for-byte reproducible: protobuf map entries are sorted;
tar entries are in file-name order with mtime 0, uid/gid 0, no user or group names and mode
0644; the gzip header carries no file name and mtime 0. Files are written atomically (a
temporary file renamed into place), so a failure never leaves a partial file behind.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import tarfile
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from featherkit.errors import FeatherkitUserError

if TYPE_CHECKING:
    from flyteidl.admin import task_pb2 as admin_task_pb2

    from featherkit.base_task import Task
    from featherkit.serialization import SerializationSettings

#: The entity-kind suffix flytekit and flytectl use for task specs.
TASK_SUFFIX = 1
FORMATS = ("pb", "json")
#: What earlier runs of ``featherkit serialize`` leave in an output directory.
_OUR_FILES = re.compile(r"^\d+_.+_[123]\.(pb|json)$")


class PackagingError(FeatherkitUserError):
    """Registration files cannot be written."""


@dataclass(frozen=True)
class SerializedFile:
    """One registration file: its name and its bytes."""

    name: str
    data: bytes


#: The entity-kind suffix of each registration message: tasks 1, workflows 2, launch plans 3.
SUFFIXES = {"TaskSpec": 1, "WorkflowSpec": 2, "LaunchPlan": 3}


def _entity_name(spec: Any) -> str:
    kind = spec.DESCRIPTOR.name
    if kind == "LaunchPlan":
        return str(spec.id.name)
    return str(spec.template.id.name)


def file_names(
    names: Sequence[str], extension: str = "pb", suffixes: Sequence[int] | None = None
) -> list[str]:
    """``<index>_<name>_<kind>.<extension>`` for each entity name (kind 1 for tasks unless
    ``suffixes`` says otherwise), indexes zero-padded as flytekit."""
    for name in names:
        if not name or "/" in name or "\\" in name or "\x00" in name:
            raise PackagingError(
                f"task name {name!r} cannot be part of a file name; name tasks like "
                "'module.function'"
            )
    width = len(str(len(names) - 1)) if names else 0
    kinds = list(suffixes) if suffixes is not None else [TASK_SUFFIX] * len(names)
    return [
        f"{str(index).zfill(width)}_{name}_{kind}.{extension}"
        for index, (name, kind) in enumerate(zip(names, kinds))
    ]


def task_specs(
    tasks: Iterable[Task], settings: SerializationSettings
) -> list[admin_task_pb2.TaskSpec]:
    """Serialize every task (all of them, before anything is written)."""
    from featherkit.serialization import task_spec

    return [task_spec(task, settings) for task in tasks]


def serialized_files(specs: Sequence[Any], fmt: str = "pb") -> list[SerializedFile]:
    """The registration files for ``specs`` (``TaskSpec``, ``WorkflowSpec``, ``LaunchPlan``),
    in the given order."""
    from featherkit.serialization import to_bytes, to_json

    if fmt not in FORMATS:
        raise PackagingError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    names = file_names(
        [_entity_name(spec) for spec in specs],
        fmt,
        [SUFFIXES[spec.DESCRIPTOR.name] for spec in specs],
    )
    return [
        SerializedFile(name, to_bytes(spec) if fmt == "pb" else to_json(spec).encode())
        for name, spec in zip(names, specs)
    ]


def _atomic_write(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def write_directory(
    files: Sequence[SerializedFile], directory: str | os.PathLike[str]
) -> list[Path]:
    """Write ``files`` into ``directory`` (created if needed).

    Registration files an earlier run left there (``N_name_K.pb``/``.json``) and that this
    run does not write are removed, so that ``flytectl register files DIR/*`` registers
    exactly this run's tasks. Other files are left alone.
    """
    target = Path(directory)
    if target.exists() and not target.is_dir():
        raise PackagingError(f"{target} exists and is not a directory")
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for file in files:
        path = target / file.name
        _atomic_write(path, file.data)
        written.append(path)
    keep = {file.name for file in files}
    for stale in sorted(target.iterdir()):
        if stale.is_file() and _OUR_FILES.match(stale.name) and stale.name not in keep:
            stale.unlink()
    return written


def package_bytes(files: Sequence[SerializedFile]) -> bytes:
    """A reproducible ``.tgz`` holding ``files`` at its top level, in file-name order."""
    names = [file.name for file in files]
    if len(set(names)) != len(names):
        raise PackagingError(f"two registration files share a name: {sorted(names)}")
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for file in sorted(files, key=lambda f: f.name):
            info = tarfile.TarInfo(file.name)
            info.size = len(file.data)
            info.mtime = 0
            info.mode = 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.type = tarfile.REGTYPE
            tar.addfile(info, io.BytesIO(file.data))
    compressed = io.BytesIO()
    # filename="" keeps the output name out of the gzip header; mtime=0 keeps the clock out
    with gzip.GzipFile(filename="", mode="wb", fileobj=compressed, mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return compressed.getvalue()


def write_package(files: Sequence[SerializedFile], output: str | os.PathLike[str]) -> Path:
    """Write the ``.tgz`` of ``files`` to ``output`` atomically."""
    if not files:
        raise PackagingError("nothing to package: no tasks were found")
    path = Path(output)
    if path.is_dir():
        raise PackagingError(
            f"{path} is a directory; give the package file name, e.g. "
            f"{path / 'flyte-package.tgz'}"
        )
    if not path.parent.exists():
        raise PackagingError(f"directory {path.parent} does not exist")
    _atomic_write(path, package_bytes(files))
    return path


def entity_specs(entities: Iterable[Any], settings: SerializationSettings) -> list[Any]:
    """Serialize tasks, workflows and launch plans (all of them, before anything is written)."""
    from featherkit.base_task import Task
    from featherkit.serialization import task_spec

    specs = []
    for entity in entities:
        if isinstance(entity, Task):
            specs.append(task_spec(entity, settings))
        else:
            from featherkit.workflow.serialize import entity_spec

            specs.append(entity_spec(entity, settings))
    return specs


__all__ = [
    "FORMATS",
    "SUFFIXES",
    "PackagingError",
    "SerializedFile",
    "entity_specs",
    "file_names",
    "package_bytes",
    "serialized_files",
    "task_specs",
    "write_directory",
    "write_package",
]
