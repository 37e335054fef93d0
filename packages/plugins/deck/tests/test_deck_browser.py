"""A generated deck in a real browser: Debian's chromium, headless, over the DevTools pipe.

Checks what a person opening the page would notice: every tab shows its own content when
clicked (and by keyboard), nothing is fetched, no script error, the script-injection input is
shown as text and never runs. Screenshots land in ``build/test-artifacts``.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any

import pytest
from deck_cdp import Browser
from featherkit_deck import Deck, MarkdownRenderer, TableRenderer, timeit

from featherkit import hookimpl, task
from featherkit.testing import registered

INJECTION = "<script>alert(1)</script>"
IMG_INJECTION = '<img src="x" onerror="window.__pwned = true">'


@dataclasses.dataclass
class Point:
    x: float
    y: float
    label: str


@task(enable_deck=True)
def survey(
    title: str,
    points: list[Point],
    weights: dict[str, float],
    counts: list[int],
) -> list[Point]:
    """Scale the points; shows every kind of tab."""
    with timeit("scale points"):
        scaled = [Point(p.x * 2, p.y * 2, p.label) for p in points]
    Deck("Report", MarkdownRenderer().to_html(
        "# Survey\n\nThe *scaled* points, and a raw <b>tag</b> shown as text.\n\n"
        "| label | x |\n|---|---|\n" + "".join(f"| {p.label} | {p.x} |\n" for p in scaled)
    ))
    Deck(IMG_INJECTION).append(TableRenderer().to_html(scaled))
    return scaled


class Recorder:
    """Keeps the params of finished executions (runs after the deck plugin: trylast)."""

    def __init__(self) -> None:
        self.params: list[Any] = []

    @hookimpl(trylast=True)
    def execution_finished(self, task: Any, params: Any, outputs: Any, error: Any) -> None:
        self.params.append(params)


@pytest.fixture
def deck_file(caplog: pytest.LogCaptureFixture) -> Path:
    recorder = Recorder()
    with registered(recorder), caplog.at_level(logging.WARNING, logger="featherkit.deck"):
        survey(
            title=INJECTION,
            points=[Point(1, 2, IMG_INJECTION), Point(3.5, -1, "b")],
            weights={"alpha": 0.25, "<i>beta</i>": 0.75},
            counts=list(range(250)),
        )
    path = Path(recorder.params[-1].attributes["deck_path"])
    assert f"deck written to {path}" in caplog.text
    return path


EXPECTED_TABS = ["Report", IMG_INJECTION, "Input", "Output", "Source Code", "Timeline",
                 "Dependencies"]

#: text that must be visible in each tab once it is selected
EXPECTED_TEXT = {
    "Report": ["Survey", "<b>tag</b>"],
    IMG_INJECTION: [IMG_INJECTION, "7.0"],
    "Input": [INJECTION, "<i>beta</i>", "150 more items not shown", "99"],
    "Output": ["list of 2", "-2"],
    "Source Code": ["def survey(", "scale points"],
    "Timeline": ["load inputs", "execute", "convert outputs", "scale points"],
    "Dependencies": ["featherkit-deck", "Pygments"],
}


def _state(browser: Browser) -> dict[str, Any]:
    state: dict[str, Any] = browser.evaluate("""(() => {
        const tabs = [...document.querySelectorAll('nav [role="tab"]')];
        return {
          names: tabs.map(t => t.textContent),
          selected: tabs.map(t => t.getAttribute('aria-selected')),
          visible: tabs.map(t => {
            const p = document.getElementById(t.getAttribute('aria-controls'));
            return p.checkVisibility() && p.getBoundingClientRect().height > 0;
          }),
          text: tabs.map(t => document.getElementById(t.getAttribute('aria-controls')).innerText),
          pwned: window.__pwned === true,
        };
    })()""")
    return state


def test_deck_in_chromium(browser: Browser, deck_file: Path, artifacts: Path) -> None:
    url = deck_file.resolve().as_uri()
    browser.navigate(url)

    state = _state(browser)
    assert state["names"] == EXPECTED_TABS
    assert state["selected"] == ["true"] + ["false"] * (len(EXPECTED_TABS) - 1)
    assert state["visible"] == [True] + [False] * (len(EXPECTED_TABS) - 1)

    for index, name in enumerate(EXPECTED_TABS):
        browser.click(f"#fk-tab-{index}")
        state = _state(browser)
        assert state["selected"][index] == "true", name
        assert state["visible"] == [i == index for i in range(len(EXPECTED_TABS))], name
        for text in EXPECTED_TEXT[name]:
            assert text in state["text"][index], (name, text)
        slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
        browser.screenshot(artifacts / f"deck-{index}-{slug or 'tab'}.png")

    # the arrow keys move between tabs, too
    browser.click("#fk-tab-0")
    browser.send("Input.dispatchKeyEvent", {
        "type": "keyDown", "key": "ArrowRight", "code": "ArrowRight",
        "windowsVirtualKeyCode": 39,
    })
    assert _state(browser)["selected"][1] == "true"

    assert state["pwned"] is False
    assert browser.evaluate("document.querySelectorAll('main script, main img').length") == 0
    assert browser.problems() == []
    assert browser.requests() == [url], "the deck fetched something besides itself"


def test_deck_without_javascript_shows_every_tab(browser: Browser, deck_file: Path,
                                                 artifacts: Path) -> None:
    browser.send("Emulation.setScriptExecutionDisabled", {"value": True})
    browser.navigate(deck_file.resolve().as_uri())
    visible = browser.evaluate(
        "[...document.querySelectorAll('[role=tabpanel]')].map(p => p.checkVisibility())"
    )
    assert visible == [True] * len(EXPECTED_TABS)
    headings = browser.evaluate(
        "[...document.querySelectorAll('.fk-panel-title')].map(h => h.textContent)"
    )
    assert headings == EXPECTED_TABS
    browser.screenshot(artifacts / "deck-no-javascript.png")
    assert browser.problems() == []
    assert browser.requests() == [deck_file.resolve().as_uri()]
