"""featherkit-deck: a self-contained HTML report (``deck.html``) for each task execution.

``@task(enable_deck=True)`` writes one page with tabs for the task's own decks
(:class:`Deck`) and the built-in fields (Input, Output, Source Code, Timeline,
Dependencies; choose with ``deck_fields=``). Names are imported lazily, so that loading the
plugin costs next to nothing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    "Deck": "featherkit_deck.deck",
    "DeckField": "featherkit_deck.fields",
    "DEFAULT_FIELDS": "featherkit_deck.fields",
    "MarkdownRenderer": "featherkit_deck.renderers",
    "TableRenderer": "featherkit_deck.renderers",
    "SourceCodeRenderer": "featherkit_deck.renderers",
    "markdown_to_html": "featherkit_deck.renderers",
    "render_value": "featherkit_deck.values",
    "escape": "featherkit_deck.values",
    "timeit": "featherkit_deck.timeline",
}

__all__ = [
    "DEFAULT_FIELDS",
    "Deck",
    "DeckField",
    "MarkdownRenderer",
    "SourceCodeRenderer",
    "TableRenderer",
    "escape",
    "markdown_to_html",
    "render_value",
    "timeit",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'featherkit_deck' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:
    from featherkit_deck.deck import Deck
    from featherkit_deck.fields import DEFAULT_FIELDS, DeckField
    from featherkit_deck.renderers import (
        MarkdownRenderer,
        SourceCodeRenderer,
        TableRenderer,
        markdown_to_html,
    )
    from featherkit_deck.timeline import timeit
    from featherkit_deck.values import escape, render_value
