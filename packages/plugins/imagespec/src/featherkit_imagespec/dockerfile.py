"""The Dockerfile and build context for an :class:`ImageSpec`.

The context is a directory holding the ``Dockerfile``, the requirements file (``requirements.txt``),
the ``copy`` entries under ``copy/`` and the source root's files under ``src/``; the
Dockerfile's steps, each present only when the spec asks for it:

1. ``FROM`` the base image (``python:<python_version>-slim-bookworm`` when none is given);
2. apt packages (``apt-get install --no-install-recommends``, lists removed afterwards);
3. Python packages with uv (the ``uv`` binary copied from ``builder_config["uv_image"]``,
   default :data:`DEFAULT_UV_IMAGE`): ``uv pip install --system`` of ``packages``, the
   requirements file and the extra packages the caller adds (featherkit and the plugins the
   tasks need), with ``pip_index``, ``pip_extra_index_url`` and ``pip_extra_args``;
4. ``commands``, one ``RUN`` each;
5. ``copy`` entries into ``/root`` under the relative path they are given as
   (``copy=["data/a.csv"]`` becomes ``/root/data/a.csv``), and the source root's files into
   ``/root`` under their path relative to the root;
6. ``env``, ``_F_IMG_ID`` (the spec's id), ``WORKDIR /root``, ``PYTHONPATH=/root`` when
   Python is installed, and ``ENTRYPOINT`` when ``entrypoint`` is given.

Fields that need another toolchain (``conda_packages``, ``conda_channels``, ``cuda``,
``cudnn``, ``pip_secret_mounts``, ``runtime_packages``) still count in the image name but
cannot be built here: :func:`dockerfile` raises an error naming them.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from featherkit_imagespec.spec import CopyFileDetection, ImageSpec, ImageSpecError

DEFAULT_UV_IMAGE = "ghcr.io/astral-sh/uv:0.5.11"
_UNBUILDABLE = (
    "conda_packages", "conda_channels", "cuda", "cudnn", "pip_secret_mounts", "runtime_packages"
)


def default_base_image(spec: ImageSpec) -> str:
    version = spec.python_version or f"{sys.version_info.major}.{sys.version_info.minor}"
    return f"python:{version}-slim-bookworm"


def _python(spec: ImageSpec) -> str:
    if spec.python_exec:
        return spec.python_exec
    if spec.python_version and spec.base_image is not None:
        return f"python{spec.python_version}"
    return "python3"


def _env_line(env: dict[str, str]) -> str:
    return "ENV " + " ".join(f"{key}={json.dumps(value)}" for key, value in env.items())


def dockerfile(spec: ImageSpec, extra_packages: Sequence[str] = ()) -> str:
    """The Dockerfile text for ``spec``; ``extra_packages`` are installed with its packages."""
    unbuildable = [f for f in _UNBUILDABLE if getattr(spec, f)]
    if unbuildable:
        raise ImageSpecError(
            f"ImageSpec {spec.name!r}: {', '.join(unbuildable)} cannot be built by "
            "featherkit-imagespec's Dockerfile; use packages/apt_packages/commands, or a "
            "base_image that already has them"
        )
    if isinstance(spec.base_image, ImageSpec):
        base = spec.base_image.image_name()
    else:
        base = spec.base_image or default_base_image(spec)
    lines = [f"FROM {base}"]
    if spec.apt_packages:
        names = " ".join(shlex.quote(p) for p in spec.apt_packages)
        lines.append(
            "RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "
            f"--no-install-recommends {names} && rm -rf /var/lib/apt/lists/*"
        )
    packages = list(spec.packages or [])
    listed = {_project(p) for p in packages}
    packages += [p for p in extra_packages if _project(p) not in listed]
    python = bool(packages or spec.requirements)
    if python:
        uv_image = (spec.builder_config or {}).get("uv_image", DEFAULT_UV_IMAGE)
        lines.append(f"COPY --from={uv_image} /uv /usr/local/bin/uv")
        install = ["uv", "pip", "install", "--system", "--no-cache", "--python", _python(spec)]
        if spec.pip_index:
            install += ["--index-url", spec.pip_index]
        for url in spec.pip_extra_index_url or []:
            install += ["--extra-index-url", url]
        if spec.requirements:
            lines.append("COPY requirements.txt /tmp/featherkit-build/requirements.txt")
            install += ["-r", "/tmp/featherkit-build/requirements.txt"]
        install += packages
        text = " ".join(shlex.quote(part) for part in install)
        if spec.pip_extra_args:
            text += " " + spec.pip_extra_args
        lines.append(f"RUN {text}")
    for command in spec.commands or []:
        lines.append(f"RUN {command}")
    if spec.copy:
        lines.append("COPY copy/ /root/")
    if _copies_source(spec):
        lines.append("COPY src/ /root/")
    env = dict(spec.env or {})
    if env:
        lines.append(_env_line(env))
    lines.append(_env_line({"_F_IMG_ID": spec.id}))
    lines.append("WORKDIR /root")
    if python:
        lines.append(_env_line({"PYTHONPATH": "/root"}))
    if spec.entrypoint is not None:
        lines.append(f"ENTRYPOINT {json.dumps(spec.entrypoint)}")
    return "\n".join(lines) + "\n"


def _project(requirement: str) -> str:
    """The project name a requirement string names (``"numpy>=2"`` -> ``"numpy"``)."""
    name = requirement.strip()
    for stop in "<>=!~;[ @":
        name = name.split(stop, 1)[0]
    return name.lower().replace("_", "-").replace(".", "-")


def _copies_source(spec: ImageSpec) -> bool:
    mode = spec.source_copy_mode
    return bool(spec.source_root) and mode is not None and mode is not CopyFileDetection.NO_COPY


@dataclass(frozen=True)
class BuildContext:
    """A prepared build directory."""

    directory: Path
    dockerfile: Path


def prepare_context(
    spec: ImageSpec, directory: Path, extra_packages: Sequence[str] = ()
) -> BuildContext:
    """Write the Dockerfile and copy the files the spec names into ``directory``."""
    from featherkit_imagespec.digest import copy_files, source_files

    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "Dockerfile"
    path.write_text(dockerfile(spec, extra_packages), encoding="utf-8")
    if spec.requirements:
        shutil.copyfile(spec.requirements, directory / "requirements.txt")
    for entry in spec.copy or []:
        if os.path.isabs(entry) or ".." in Path(entry).parts:
            raise ImageSpecError(
                f"ImageSpec {spec.name!r}: copy entry {entry!r} must be a relative path "
                "inside the current directory (it keeps that path under /root)"
            )
        inside = Path(os.path.normpath(entry))
        for source, relpath in copy_files([entry]):
            target = inside / relpath if os.path.isdir(entry) else inside
            _copy(source, directory / "copy" / target)
    if _copies_source(spec) and spec.source_root and spec.source_copy_mode:
        root = spec.source_root
        for source in source_files(root, spec.source_copy_mode):
            _copy(source, directory / "src" / os.path.relpath(source, root))
    return BuildContext(directory, path)


def _copy(source: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
