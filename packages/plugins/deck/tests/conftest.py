"""Fixtures for the deck tests: the plugin as installed, and a headless chromium."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from deck_cdp import Browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "build" / "test-artifacts"


@pytest.fixture(autouse=True)
def _deck_plugin_loaded() -> None:
    """The tests run against the plugin as installed: loaded from its entry point."""
    import featherkit_deck.plugin

    from featherkit.extend import get_plugin_manager

    manager = get_plugin_manager()
    assert manager.pm.is_registered(featherkit_deck.plugin), (
        "featherkit-deck's entry point did not load; is the package installed?"
    )


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "chromium is not installed: the browser test needs Debian's chromium "
            "(apt-get install chromium; the nox session installs it)"
        )
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    started = Browser(executable, profile)
    try:
        started.open_page()
        yield started
    finally:
        started.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
