"""``ImageSpec``: a declared container image, named exactly as flytekit 1.16 names it.

The name is ``[registry/]name:tag``. The tag is derived from the spec's content, so a change
to what goes into the image gives a new tag and an unchanged spec keeps its tag (and the
already built image). The derivation follows flytekit's, field for field, so a project moving
over from flytekit keeps its image names (``tests/compat`` checks it against flytekit):

1. the spec's fields, in flytekit's field order, leaving out fields that are ``None`` and the
   ones that do not change the built image (``builder``, ``pip_secret_mounts``,
   ``runtime_packages``), form a dict; for the tag, file references are first replaced by
   digests of the files' content (``requirements``: SHA-1 of the stripped file; ``copy``: an
   MD5 over the listed files; ``source_root``: an MD5 over the files copied from it, see
   :mod:`featherkit_imagespec.digest`), a base image that is itself a spec by its image name,
   and ``registry_config`` is dropped;
2. the dict's Python ``repr`` is hashed with MD5, the digest written in URL-safe base64
   without padding, ``-`` replaced by ``_``;
3. ``tag_format`` (for example ``"{spec_hash}-dev"``) formats that hash when given.
"""

from __future__ import annotations

import base64
import copy as copy_module
import dataclasses
import enum
import hashlib
import os
import platform as platform_module
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from featherkit.extend import FeatherkitUserError

#: the environment variable the generated Dockerfile sets to the spec's ``id``
IMAGE_ID_ENV = "_F_IMG_ID"

_REGISTRY = re.compile(r"^(localhost:\d{1,5}|([a-z\d._-]+)(:\d{1,5})?)(/[\w.-]+)*$")

#: fields of flytekit's ImageSpec that never change the built image (not hashed)
_NOT_HASHED = ("builder", "pip_secret_mounts", "runtime_packages")

_STRING_LISTS = (
    "packages",
    "conda_channels",
    "conda_packages",
    "apt_packages",
    "pip_extra_index_url",
    "entrypoint",
    "commands",
    "runtime_packages",
)


class ImageSpecError(FeatherkitUserError):
    """An image spec that cannot be named or built as given; the message says why."""


class CopyFileDetection(enum.Enum):
    """Which files of ``source_root`` go into the image (flytekit's names and values).

    ``LOADED_MODULES`` ("auto"): the Python files of the modules imported from under the
    source root; ``ALL`` ("all"): every file under it except ignored ones; ``NO_COPY``
    ("none"): no file.
    """

    LOADED_MODULES = 1
    ALL = 2
    NO_COPY = 3

    @classmethod
    def parse(cls, value: Any) -> CopyFileDetection:
        if isinstance(value, cls):
            return value
        if isinstance(value, enum.Enum):
            value = value.name
        names = {"auto": cls.LOADED_MODULES, "all": cls.ALL, "none": cls.NO_COPY}
        text = str(value).lower()
        if text in names:
            return names[text]
        for member in cls:
            if member.name.lower() == text:
                return member
        raise ImageSpecError(
            f"source_copy_mode {value!r} is not one of auto, all, none "
            "(or CopyFileDetection.LOADED_MODULES, ALL, NO_COPY)"
        )


@dataclasses.dataclass(eq=False)
class ImageSpec:
    """A container image described by what goes into it.

    ``name`` and ``registry`` give the image's repository; the tag is computed from the rest.
    ``packages`` and ``requirements`` are Python packages (installed with uv), ``apt_packages``
    Debian packages, ``commands`` shell commands run while building, ``copy`` files copied into
    ``/root``, ``source_root`` the project whose files are copied into ``/root`` (which ones:
    ``source_copy_mode``), ``env`` the image's environment. ``base_image`` is an image name or
    another ``ImageSpec``; without it the image starts from
    ``python:<python_version>-slim-bookworm``. The fields are flytekit's, in flytekit's order
    (the order is part of the tag); ``builder`` names the builder to use (``docker``,
    ``podman``, ``buildah``, or one a plugin registers; ``noop`` never builds).
    """

    name: str = "flytekit"
    python_version: str | None = None
    builder: str | None = None
    source_root: str | None = None
    env: dict[str, str] | None = None
    registry: str | None = None
    packages: list[str] | None = None
    conda_packages: list[str] | None = None
    conda_channels: list[str] | None = None
    requirements: str | None = None
    apt_packages: list[str] | None = None
    cuda: str | None = None
    cudnn: str | None = None
    base_image: str | ImageSpec | None = None
    platform: str | None = None
    pip_index: str | None = None
    pip_extra_index_url: list[str] | None = None
    pip_secret_mounts: list[tuple[str, str]] | None = None
    pip_extra_args: str | None = None
    registry_config: str | None = None
    entrypoint: list[str] | None = None
    commands: list[str] | None = None
    tag_format: str | None = None
    source_copy_mode: CopyFileDetection | None = None
    copy: list[str] | None = None
    python_exec: str | None = None
    runtime_packages: list[str] | None = None
    builder_options: dict[str, Any] | None = None
    builder_config: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ImageSpecError(f"ImageSpec name must be a non-empty string, got {self.name!r}")
        self.name = self.name.lower()
        if self.registry is not None:
            if not isinstance(self.registry, str):
                raise ImageSpecError(
                    f"ImageSpec {self.name!r}: registry must be a string, got "
                    f"{type(self.registry).__name__}"
                )
            self.registry = self.registry.lower()
            if not _REGISTRY.match(self.registry):
                raise ImageSpecError(
                    f"ImageSpec {self.name!r}: {self.registry!r} is not a registry name; "
                    "expected e.g. 'localhost:30000', 'ghcr.io/acme' or 'docker.io/acme'"
                )
        if self.platform is None:
            local_arm = platform_module.machine().lower() in ("arm64", "aarch64")
            if self.registry and self.registry.startswith("localhost:") and local_arm:
                self.platform = "linux/arm64"
            else:
                self.platform = "linux/amd64"
        if self.source_copy_mode is not None:
            self.source_copy_mode = CopyFileDetection.parse(self.source_copy_mode)
        if self.source_root is not None:
            self.source_root = os.fspath(self.source_root)
            if self.source_copy_mode is None:
                self.source_copy_mode = CopyFileDetection.LOADED_MODULES
        for field in _STRING_LISTS:
            value = getattr(self, field)
            if value is not None and not (
                isinstance(value, list) and all(isinstance(v, str) for v in value)
            ):
                raise ImageSpecError(
                    f"ImageSpec {self.name!r}: {field} must be a list of strings, got {value!r}"
                )
        if self.env is not None and not (
            isinstance(self.env, Mapping)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in self.env.items())
        ):
            raise ImageSpecError(
                f"ImageSpec {self.name!r}: env must map strings to strings, got {self.env!r}"
            )
        if self.pip_secret_mounts is not None and not (
            isinstance(self.pip_secret_mounts, list)
            and all(
                isinstance(m, tuple) and len(m) == 2 and all(isinstance(p, str) for p in m)
                for m in self.pip_secret_mounts
            )
        ):
            raise ImageSpecError(
                f"ImageSpec {self.name!r}: pip_secret_mounts must be a list of "
                "(secret file, mount path) string pairs"
            )
        if self.builder_options is not None and not isinstance(self.builder_options, dict):
            raise ImageSpecError(f"ImageSpec {self.name!r}: builder_options must be a dict")
        if self.base_image is not None and not isinstance(self.base_image, (str, ImageSpec)):
            raise ImageSpecError(
                f"ImageSpec {self.name!r}: base_image must be an image name or an ImageSpec, "
                f"got {type(self.base_image).__name__}"
            )
        if self.requirements is not None:
            self.requirements = os.fspath(self.requirements)

    # -- identity ----------------------------------------------------------------------------

    def _hashed_fields(self) -> dict[str, Any]:
        """The fields that count, in declaration order, without ``None`` values."""
        out: dict[str, Any] = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if value is None or field.name in _NOT_HASHED:
                continue
            if isinstance(value, ImageSpec):
                value = value._hashed_fields()
            out[field.name] = copy_module.deepcopy(value)
        return out

    @staticmethod
    def _digest(fields: Mapping[str, Any]) -> str:
        raw = hashlib.md5(repr(dict(fields)).encode("utf-8")).digest()
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    @property
    def id(self) -> str:
        """A digest of the spec's fields as written (files not read); the generated image
        carries it as ``_F_IMG_ID`` so :meth:`is_container` can recognise it."""
        return self._digest(self._hashed_fields())

    def __hash__(self) -> int:
        return hash(self.id)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ImageSpec):
            return NotImplemented
        return self._hashed_fields() == other._hashed_fields() and (
            self.builder == other.builder
        )

    @property
    def tag(self) -> str:
        """The image tag: a digest of the spec with its files' content (read on each call)."""
        from featherkit_imagespec.digest import copy_digest, source_digest

        fields = self._hashed_fields()
        if isinstance(self.base_image, ImageSpec):
            fields["base_image"] = self.base_image.image_name()
        mode = self.source_copy_mode
        if mode is not None and mode is not CopyFileDetection.NO_COPY:
            if not self.source_root:
                raise ImageSpecError(
                    f"ImageSpec {self.name!r}: source_copy_mode {mode.name} copies files from "
                    "source_root, which is not set"
                )
            fields["source_root"] = source_digest(self.source_root, mode)
        if self.copy:
            fields["copy"] = copy_digest(self.copy)
        if self.requirements:
            path = Path(self.requirements)
            try:
                content = path.read_bytes()
            except OSError as exc:
                raise ImageSpecError(
                    f"ImageSpec {self.name!r}: cannot read requirements file "
                    f"{self.requirements!r}: {exc.strerror or exc}"
                ) from exc
            fields["requirements"] = hashlib.sha1(content.strip()).hexdigest()
        fields.pop("registry_config", None)
        spec_hash = self._digest(fields).replace("-", "_")
        if self.tag_format:
            try:
                return self.tag_format.format(spec_hash=spec_hash)
            except (KeyError, IndexError, ValueError) as exc:
                raise ImageSpecError(
                    f"ImageSpec {self.name!r}: tag_format {self.tag_format!r} must use only "
                    f"{{spec_hash}}: {exc}"
                ) from exc
        return spec_hash

    def image_name(self) -> str:
        """``[registry/]name:tag``, the name tasks using this spec are serialized with."""
        name = f"{self.name}:{self.tag}"
        return f"{self.registry}/{name}" if self.registry else name

    def for_source_root(self, source_root: str | None) -> ImageSpec:
        """This spec as serialization names it when the settings have a ``source_root``.

        flytekit's rule for registration without fast registration (featherkit has none): a
        spec that copies files but has no source root takes the settings' one, and a spec
        that says nothing about copying copies the loaded modules from it. Returns a new spec
        when something changes; this one is never modified.
        """
        if source_root is None:
            return self
        mode = self.source_copy_mode
        if mode is None:
            return dataclasses.replace(
                self,
                source_root=self.source_root or source_root,
                source_copy_mode=CopyFileDetection.LOADED_MODULES,
            )
        if mode is not CopyFileDetection.NO_COPY and self.source_root is None:
            return dataclasses.replace(self, source_root=source_root)
        return self

    # -- where we run ------------------------------------------------------------------------

    def is_container(self) -> bool:
        """Whether this process runs in the image built from this spec.

        Locally (no Flyte execution and no image marker in the environment) every spec
        answers ``True``, so code guarded by it runs; in a container the image's
        ``_F_IMG_ID`` must equal this spec's :attr:`id`. Use it to import a spec's packages
        only where they are installed.
        """
        marker = os.environ.get(IMAGE_ID_ENV)
        on_cluster = marker is not None or "FLYTE_INTERNAL_EXECUTION_ID" in os.environ
        if not on_cluster:
            return True
        return marker == self.id

    def exist(self) -> bool | None:
        """Whether the image exists (in its registry, or locally without one), asked of the
        first available builder now, not before; ``None`` when no builder can tell."""
        from featherkit_imagespec.builders import choose_builder

        builder = choose_builder(self.builder, required=False)
        if builder is None:
            return None
        return builder.exists(self.image_name(), remote=self.registry is not None)

    # -- variants ----------------------------------------------------------------------------

    def _extended(self, field: str, values: str | list[str] | Mapping[str, Any]) -> ImageSpec:
        current = copy_module.deepcopy(getattr(self, field))
        if isinstance(values, Mapping):
            if current is not None and not isinstance(current, dict):
                raise ImageSpecError(f"ImageSpec {self.name!r}: {field} is not a mapping")
            merged = dict(current or {})
            merged.update(values)
            changes: dict[str, Any] = {field: merged}
            return dataclasses.replace(self, **changes)
        if current is not None and not isinstance(current, list):
            raise ImageSpecError(f"ImageSpec {self.name!r}: {field} is not a list")
        items = list(current or [])
        if isinstance(values, str):
            items.append(values)
        elif isinstance(values, list):
            items.extend(values)
        else:
            raise ImageSpecError(
                f"ImageSpec {self.name!r}: {field} takes a string or a list of strings, "
                f"got {type(values).__name__}"
            )
        changes = {field: items}
        return dataclasses.replace(self, **changes)

    def with_packages(self, packages: str | list[str]) -> ImageSpec:
        """A new spec with more Python packages (this one is unchanged)."""
        return self._extended("packages", packages)

    def with_apt_packages(self, apt_packages: str | list[str]) -> ImageSpec:
        """A new spec with more Debian packages."""
        return self._extended("apt_packages", apt_packages)

    def with_commands(self, commands: str | list[str]) -> ImageSpec:
        """A new spec with more build commands."""
        return self._extended("commands", commands)

    def with_copy(self, src: str | list[str]) -> ImageSpec:
        """A new spec with more files copied into ``/root``."""
        return self._extended("copy", src)

    def with_builder_options(self, builder_options: Mapping[str, Any]) -> ImageSpec:
        """A new spec with more builder options."""
        return self._extended("builder_options", builder_options)

    @classmethod
    def from_env(cls, *, pinned_packages: list[str] | None = None, **kwargs: Any) -> ImageSpec:
        """A spec for this interpreter's Python version, with ``pinned_packages`` pinned to
        the versions installed here."""
        from importlib.metadata import version

        if kwargs.get("python_version") is not None:
            raise ImageSpecError(
                "ImageSpec.from_env takes the Python version from this interpreter; "
                "do not pass python_version"
            )
        kwargs.pop("python_version", None)
        packages = list(kwargs.pop("packages", None) or [])
        for name in pinned_packages or []:
            packages.append(f"{name}=={version(name)}")
        return cls(
            packages=packages,
            python_version=f"{sys.version_info.major}.{sys.version_info.minor}",
            **kwargs,
        )

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> ImageSpec:
        """A spec from a YAML file whose keys are the field names (flytekit's spec files)."""
        import yaml

        text = Path(path).read_text(encoding="utf-8")
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ImageSpecError(f"image spec file {os.fspath(path)!r} is not YAML: {exc}") from exc
        if not isinstance(data, dict):
            raise ImageSpecError(
                f"image spec file {os.fspath(path)!r} must hold a mapping of ImageSpec fields"
            )
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ImageSpecError(
                f"image spec file {os.fspath(path)!r}: unknown field(s) {', '.join(unknown)}"
            )
        if isinstance(data.get("base_image"), dict):
            data["base_image"] = cls(**data["base_image"])
        if data.get("pip_secret_mounts") is not None:
            data["pip_secret_mounts"] = [tuple(m) for m in data["pip_secret_mounts"]]
        return cls(**data)
