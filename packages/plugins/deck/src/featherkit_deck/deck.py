"""``Deck``: a tab a task adds to its own execution's deck."""

from __future__ import annotations

from typing import Any


class Deck:
    """A named tab holding an HTML fragment, added to the running execution's deck.

    ``Deck("Report", html)`` inside a task appends itself to ``current_context().decks``; the
    page is written when the execution ends, if the task has ``enable_deck=True``. The
    fragment is inserted as it is (it is the task author's own HTML): build it with the
    renderers (:class:`MarkdownRenderer`, :class:`TableRenderer`, :func:`render_value`) or
    :func:`escape` to show data safely. The tab's name is always escaped.
    """

    def __init__(self, name: str, html: str = "", auto_add_to_deck: bool = True) -> None:
        self.name = name
        self._parts: list[Any] = [html] if html else []
        if auto_add_to_deck:
            from featherkit.extend import current_context

            current_context().decks.append(self)

    def append(self, html: str) -> Deck:
        """Add a fragment after what the deck holds; returns the deck for chaining."""
        self._parts.append(html)
        return self

    @property
    def html(self) -> str:
        """The deck's HTML; a part that is not a string makes rendering show an error."""
        for part in self._parts:
            if not isinstance(part, str):
                raise TypeError(
                    f"deck {self.name!r} holds a {type(part).__name__} where an HTML string "
                    "was expected (render values with featherkit_deck.render_value)"
                )
        return "".join(self._parts)

    def __repr__(self) -> str:
        return f"Deck({self.name!r}, {len(self._parts)} part(s))"
