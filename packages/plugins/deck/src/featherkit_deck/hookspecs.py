"""Hooks this plugin declares for other plugins (added to featherkit's plugin manager).

The deck plugin object carries this module as ``featherkit_hookspecs``; core adds the specs
when the plugin registers. Another plugin implements them with
``@featherkit.hookimpl(optionalhook=True)``, so that it still loads when featherkit-deck is
not installed.
"""

from __future__ import annotations

from typing import Any

from featherkit.extend import hookspec


@hookspec(firstresult=True)
def deck_render_value(value: Any, python_type: Any) -> str | None:
    """An HTML fragment showing ``value`` in a deck (Input and Output tabs, ``render_value``).

    First answer: implementations are asked in pluggy's order and the first one returning a
    string wins; ``None`` means "not mine" and the deck's own renderers (tables for
    dataclasses, dicts and lists, escaped text, the type transformer's ``to_html``) take over.
    ``python_type`` is the declared type when known (an input's or output's annotation, a
    dataclass field's), else ``None``.

    The fragment is inserted as it is: escape every value you put in it
    (:func:`featherkit_deck.escape`) and fetch nothing from the network. An exception is shown
    in the value's place and logged as a warning; it never fails the task.
    """
