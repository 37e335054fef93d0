"""Helpers of the flytekit compatibility suite, behind the fixtures of ``conftest.py``.

Test modules may import these by name (``from compat_support import PAIRS_ROOT``); the
fixtures in ``conftest.py`` are the documented way in.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
#: The definitions, written once with featherkit's imports (the featherkit side's root).
PAIRS_ROOT = HERE / "pairs"
PAIRS_PACKAGE = "compat_pairs"
SDKS = ("flytekit", "featherkit")

_IMPORT = re.compile(r"^(\s*)(from|import)(\s+)featherkit(?=[\s.])", re.MULTILINE)
_flytekit_root: Path | None = None


def rewrite_imports(source: str) -> str:
    """``from featherkit import x`` -> ``from flytekit import x`` (and ``import featherkit``):
    what a user moving a project to flytekit (or from it) changes."""
    return _IMPORT.sub(r"\1\2\3flytekit", source)


def materialize_flytekit(target: Path) -> Path:
    """Copy every definition under ``target`` with its imports rewritten for flytekit; the
    flytekit side's root from then on (:func:`pairs_root`)."""
    global _flytekit_root
    for source in PAIRS_ROOT.rglob("*.py"):
        out = target / source.relative_to(PAIRS_ROOT)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(rewrite_imports(source.read_text()))
    _flytekit_root = target
    return target


def pairs_root(sdk: str) -> Path:
    """The directory to import the definitions from, for ``sdk``."""
    if sdk == "featherkit":
        return PAIRS_ROOT
    if sdk != "flytekit":
        raise ValueError(f"sdk must be one of {SDKS}, got {sdk!r}")
    if _flytekit_root is None:
        raise RuntimeError(
            "the flytekit side is not materialized: the compat conftest does it once per "
            "session (materialize_flytekit)"
        )
    return _flytekit_root

IMAGE_FQN, IMAGE_TAG = "ghcr.io/acme/app", "v1"
IMAGE = f"{IMAGE_FQN}:{IMAGE_TAG}"
PROJECT = "compat-project"
DOMAIN = "development"
VERSION = "v1"
ENV = {"A": "settings", "SHARED": "settings"}


def pair_topics() -> list[str]:
    """Topics (modules of the ``compat_pairs`` package), sorted."""
    return sorted(
        p.stem for p in (PAIRS_ROOT / PAIRS_PACKAGE).glob("*.py") if p.stem != "__init__"
    )


@dataclass(frozen=True)
class CompatSettings:
    """The same serialization settings, spelled for both SDKs."""

    image_fqn: str = IMAGE_FQN
    image_tag: str = IMAGE_TAG
    project: str = PROJECT
    domain: str = DOMAIN
    version: str = VERSION
    env: dict[str, str] = field(default_factory=lambda: dict(ENV))

    @property
    def image(self) -> str:
        return f"{self.image_fqn}:{self.image_tag}"

    def flytekit(self) -> Any:
        from flytekit.configuration import Image, ImageConfig, SerializationSettings

        return SerializationSettings(
            image_config=ImageConfig(
                default_image=Image(name="default", fqn=self.image_fqn, tag=self.image_tag)
            ),
            project=self.project,
            domain=self.domain,
            version=self.version,
            env=dict(self.env),
        )

    def featherkit(self) -> Any:
        from featherkit.serialization import SerializationSettings

        return SerializationSettings(
            image=self.image,
            version=self.version,
            project=self.project,
            domain=self.domain,
            env=dict(self.env),
        )


def serialize_flytekit(task: Any, settings: Any) -> Any:
    """flytekit's ``TaskSpec`` protobuf for one of its tasks."""
    from flytekit.tools.translator import get_serializable

    return get_serializable(OrderedDict(), settings, task).to_flyte_idl()


def serialize_featherkit(task: Any, settings: Any) -> Any:
    """featherkit's ``TaskSpec`` protobuf for one of its tasks."""
    from featherkit.serialization import task_spec

    return task_spec(task, settings)


@contextmanager
def load_module(sdk: str, name: str) -> Iterator[Any]:
    """Import module ``name`` (``compat_pairs.x``, ``compat_flows.y``) from ``sdk``'s side,
    then unload its package again."""
    package = name.split(".")[0]

    def unload() -> None:
        for loaded in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
            del sys.modules[loaded]

    root = str(pairs_root(sdk))
    unload()
    sys.path.insert(0, root)
    try:
        yield importlib.import_module(name)
    finally:
        sys.path.remove(root)
        unload()


@contextmanager
def load_pair_module(sdk: str, topic: str) -> Iterator[Any]:
    """Import ``compat_pairs/<topic>.py`` of ``sdk``'s side as ``compat_pairs.<topic>``, then
    unload it."""
    with load_module(sdk, f"{PAIRS_PACKAGE}.{topic}") as module:
        yield module


def flytekit_tasks(module: Any) -> dict[str, Any]:
    """flytekit tasks defined in ``module``, by name."""
    from flytekit.core.base_task import PythonTask

    return {
        value.name: value
        for value in vars(module).values()
        if isinstance(value, PythonTask) and value.name.startswith(module.__name__ + ".")
    }


def featherkit_tasks(module: Any) -> dict[str, Any]:
    """featherkit tasks defined in ``module``, by name (through featherkit's discovery)."""
    from featherkit.discovery import tasks_in_module

    return {found.task.name: found.task for found in tasks_in_module(module)}


def specs_of(sdk: str, topic: str, settings: CompatSettings) -> dict[str, Any]:
    """Task name -> TaskSpec of every task in one side of a pair."""
    with load_pair_module(sdk, topic) as module:
        if sdk == "flytekit":
            flyte_settings = settings.flytekit()
            return {
                name: serialize_flytekit(task, flyte_settings)
                for name, task in flytekit_tasks(module).items()
            }
        our_settings = settings.featherkit()
        return {
            name: serialize_featherkit(task, our_settings)
            for name, task in featherkit_tasks(module).items()
        }


class FlytekitLiterals:
    """flytekit's TypeEngine, speaking serialized ``Literal`` bytes."""

    def literal_type(self, python_type: Any) -> Any:
        from flytekit.core.type_engine import TypeEngine

        return TypeEngine.to_literal_type(python_type).to_flyte_idl()

    def to_bytes(self, value: Any, python_type: Any) -> bytes:
        from flytekit.core.context_manager import FlyteContextManager
        from flytekit.core.type_engine import TypeEngine

        ctx = FlyteContextManager.current_context()
        expected = TypeEngine.to_literal_type(python_type)
        literal = TypeEngine.to_literal(ctx, value, python_type, expected)
        data: bytes = literal.to_flyte_idl().SerializeToString()
        return data

    def from_bytes(self, data: bytes, python_type: Any) -> Any:
        from flyteidl.core import literals_pb2
        from flytekit.core.context_manager import FlyteContextManager
        from flytekit.core.type_engine import TypeEngine
        from flytekit.models.literals import Literal

        ctx = FlyteContextManager.current_context()
        literal = Literal.from_flyte_idl(literals_pb2.Literal.FromString(data))
        return TypeEngine.to_python_value(ctx, literal, python_type)


class FeatherkitLiterals:
    """featherkit's type engine (built from the loaded plugins), speaking ``Literal`` bytes."""

    def literal_type(self, python_type: Any) -> Any:
        from featherkit.type_registry import type_engine

        return type_engine().to_literal_type(python_type)

    def to_bytes(self, value: Any, python_type: Any) -> bytes:
        from featherkit.type_registry import type_engine

        engine = type_engine()
        literal = engine.to_literal(value, python_type, engine.to_literal_type(python_type))
        data: bytes = literal.SerializeToString()
        return data

    def from_bytes(self, data: bytes, python_type: Any) -> Any:
        from flyteidl.core import literals_pb2

        from featherkit.type_registry import type_engine

        return type_engine().to_python_value(literals_pb2.Literal.FromString(data), python_type)


def _run(command: list[str], cwd: Path) -> None:
    import subprocess

    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise AssertionError(
            f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )


def build_packages(directory: Path, settings: CompatSettings) -> tuple[Path, Path]:
    """``pyflyte package`` and ``featherkit package`` of all pairs, run as their CLIs do.

    Both are run in their side's pairs directory on the package ``compat_pairs``; returns the
    paths of flytekit's and featherkit's ``.tgz``.
    """
    bin_dir = Path(sys.executable).parent
    theirs, ours = directory / "pyflyte.tgz", directory / "featherkit.tgz"
    _run(
        [str(bin_dir / "pyflyte"), "--pkgs", PAIRS_PACKAGE, "package",
         "--image", settings.image, "--output", str(theirs), "--force"],
        cwd=pairs_root("flytekit"),
    )
    _run(
        [str(bin_dir / "featherkit"), "package", PAIRS_PACKAGE,
         "--image", settings.image, "--version", settings.version, "--output", str(ours)],
        cwd=pairs_root("featherkit"),
    )
    return theirs, ours


def package_members(path: Path) -> dict[str, Any]:
    """File name -> TaskSpec of every member of a package (which must all be regular files)."""
    import tarfile

    from flyteidl.admin import task_pb2

    specs: dict[str, Any] = {}
    with tarfile.open(path, "r:gz") as tar:
        for member in tar.getmembers():
            if not member.isfile() or "/" in member.name:
                raise AssertionError(f"{path}: unexpected member {member.name!r} ({member.type!r})")
            data = tar.extractfile(member)
            assert data is not None
            specs[member.name] = task_pb2.TaskSpec.FromString(data.read())
    return specs
