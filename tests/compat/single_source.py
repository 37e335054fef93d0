"""The first layout of definitions written once: ``single/<package>/`` (control flow uses it).

New definitions go under ``pairs/`` (see ``compat_support``, whose session fixture derives
the flytekit side of all of them); this keeps modules written against this layout working:
:func:`materialize` gives the root to import ``single/`` from for an SDK (the sources, or a
copy rewritten by :func:`compat_support.rewrite_imports`), :func:`load_module` imports one
module from such a root under its own name.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from compat_support import rewrite_imports

SINGLE_ROOT = Path(__file__).parent / "single"

__all__ = ["SINGLE_ROOT", "load_module", "materialize", "rewrite_imports"]


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


@contextmanager
def load_module(root: Path, name: str) -> Iterator[Any]:
    """Import module ``name`` from ``root`` (then unload its package again)."""
    package = name.split(".")[0]

    def unload() -> None:
        for loaded in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
            del sys.modules[loaded]

    unload()
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(name)
    finally:
        sys.path.remove(str(root))
        unload()
