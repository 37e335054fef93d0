"""Every hook is documented: a docstring in hookspecs.py and a row in docs/plugins.md."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from featherkit import hookspecs

DOC = (Path(__file__).parent.parent / "docs" / "plugins.md").read_text()
HOOKS = [
    name for name, fn in vars(hookspecs).items()
    if inspect.isfunction(fn) and hasattr(fn, "featherkit_spec")
]


def test_there_are_hooks():
    assert len(HOOKS) >= 17


@pytest.mark.parametrize("name", HOOKS)
def test_hook_has_docstring(name):
    doc = inspect.getdoc(getattr(hookspecs, name))
    assert doc and len(doc) > 40


@pytest.mark.parametrize("name", HOOKS)
def test_hook_in_plugin_docs(name):
    """A row of the hooks table names the hook with its arguments, as the spec has them."""
    arguments = ", ".join(inspect.signature(getattr(hookspecs, name)).parameters)
    assert f"| `{name}({arguments})` |" in DOC


def _table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| ")]


def test_readme_shows_the_last_benchmark_table():
    """The README's benchmark table is the one `nox -s bench` last wrote, not a stale copy."""
    root = Path(__file__).parent.parent
    written = _table_rows((root / "docs" / "benchmarks.md").read_text())
    readme = _table_rows((root / "README.md").read_text())
    assert written
    assert written[0] in readme
    start = readme.index(written[0])
    assert readme[start:start + len(written)] == written
