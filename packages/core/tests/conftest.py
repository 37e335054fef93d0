"""Core test fixtures: strict plugin loading, and a fresh plugin manager per test module."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("FEATHERKIT_STRICT_PLUGINS", "1")


@pytest.fixture
def fresh_plugins(monkeypatch: pytest.MonkeyPatch):
    """Reload plugins from scratch for one test (and again afterwards)."""
    from featherkit import plugins

    plugins.reset_plugin_manager()
    yield plugins
    plugins.reset_plugin_manager()


def pytest_configure(config):
    """Temporary files under pytest's paths, and a run that leaves any in /tmp fails."""
    from featherkit.testing.leftovers import enable

    enable(config)
