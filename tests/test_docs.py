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
    assert f"| `{name}(" in DOC
