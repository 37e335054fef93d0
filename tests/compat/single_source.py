"""Definitions written once, for both SDKs: the flytekit side is derived by rewriting imports.

``single/<package>/`` holds modules written with featherkit's imports. :func:`materialize`
copies the package for flytekit with every ``featherkit`` import rewritten to ``flytekit``, as
a user moving a project would (featherkit exposes flytekit's names); :func:`load_module`
imports one module from either side under the same module name, so entity names and loader
args compare equal.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SINGLE_ROOT = Path(__file__).parent / "single"

_IMPORT = re.compile(r"^(\s*)(from|import)(\s+)featherkit(?=[\s.])", re.MULTILINE)


def rewrite_imports(source: str) -> str:
    """``from featherkit import x`` -> ``from flytekit import x`` (and ``import featherkit``)."""
    return _IMPORT.sub(r"\1\2\3flytekit", source)


def materialize(sdk: str, target: Path) -> Path:
    """The root to put on ``sys.path`` for ``sdk``: the sources, or a rewritten copy in target."""
    if sdk == "featherkit":
        return SINGLE_ROOT
    if sdk != "flytekit":
        raise ValueError(f"unknown sdk {sdk!r}")
    for source in SINGLE_ROOT.rglob("*.py"):
        out = target / source.relative_to(SINGLE_ROOT)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(rewrite_imports(source.read_text()))
    return target


def _unload(package: str) -> None:
    for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
        del sys.modules[name]


@contextmanager
def load_module(root: Path, name: str) -> Iterator[Any]:
    """Import module ``name`` from ``root`` (then unload its package again)."""
    package = name.split(".")[0]
    _unload(package)
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(name)
    finally:
        sys.path.remove(str(root))
        _unload(package)
