"""Values as HTML fragments: chosen by type, every piece of text escaped, size bounded.

Order of precedence for one value:

1. a plugin's ``deck_render_value`` hook (see :mod:`featherkit_deck.hookspecs`);
2. the declared type's transformer, when it defines its own ``to_html`` (so a plugin's
   dataframe transformer shows its frames its way);
3. the deck's structural renderers: dataclasses, dicts and named tuples as key/value tables,
   lists of records as tables with a column per field, other lists as indexed tables (at most
   ``max_rows`` rows, with a note saying how many were left out), strings as escaped text;
4. the escaped ``repr`` of anything else.

Nesting deeper than :data:`MAX_DEPTH` shows the escaped ``repr`` (which is also cut to
:data:`MAX_TEXT` characters), so a self-referencing structure cannot recurse forever.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import html
import logging
import typing
from collections.abc import Iterable, Mapping
from typing import Any

log = logging.getLogger("featherkit.deck")

MAX_ROWS = 100
MAX_TEXT = 10_000
MAX_DEPTH = 4
MAX_COLUMNS = 30


def escape(value: object) -> str:
    """``str(value)`` with ``& < > " '`` escaped, safe in element text and attribute values."""
    return html.escape(str(value), quote=True)


def type_name(tp: Any) -> str:
    """A short, readable name for a type annotation (``list[int]``, ``Optional[str]``)."""
    if tp is None:
        return "None"
    if isinstance(tp, type) and not typing.get_args(tp):
        return tp.__qualname__
    return repr(tp).replace("typing.", "")


def error_html(message: str) -> str:
    """The box shown where something could not be rendered."""
    return (
        '<div class="fk-error" role="alert"><strong>Could not render this part of the '
        f"deck</strong><pre>{escape(message)}</pre></div>"
    )


def _plugin_html(value: Any, python_type: Any) -> str | None:
    from featherkit.extend import call_hook

    # this plugin declares the hook (featherkit_hookspecs); pluggy calls it, first answer wins
    result = call_hook("deck_render_value", value=value, python_type=python_type)
    if result is None or isinstance(result, str):
        return result
    raise TypeError(
        f"a deck_render_value hook returned {type(result).__name__}; it must return an HTML "
        "string or None"
    )


def _transformer_html(value: Any, python_type: Any) -> str | None:
    """The declared type's own ``to_html``, when its transformer defines one."""
    if python_type is None or python_type is Any:
        return None
    from featherkit.extend import TypeTransformer, type_engine

    engine = type_engine()
    transformer = engine.get_transformer(python_type)
    if type(transformer).to_html is TypeTransformer.to_html:
        return None
    result = transformer.to_html(value, python_type)
    if not isinstance(result, str):
        raise TypeError(
            f"{type(transformer).__qualname__}.to_html returned {type(result).__name__}, "
            "expected an HTML string"
        )
    return result


def _is_record(value: Any) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def _is_namedtuple(value: Any) -> bool:
    return isinstance(value, tuple) and hasattr(value, "_fields") and hasattr(value, "_asdict")


def _hints(cls: type) -> dict[str, Any]:
    try:
        return typing.get_type_hints(cls)
    except Exception:  # a forward reference that does not resolve: render untyped
        return {}


def _args(tp: Any) -> tuple[Any, ...]:
    return typing.get_args(tp) if tp is not None else ()


def _narrow(tp: Any, value: Any) -> Any:
    """For a union annotation, the member ``value`` is an instance of (``None`` if unclear)."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _narrow(typing.get_args(tp)[0], value)
    if origin is typing.Union or type(tp).__name__ == "UnionType":
        for member in typing.get_args(tp):
            check = typing.get_origin(member) or member
            if isinstance(check, type) and isinstance(value, check):
                return member
        return None
    return tp


class ValueRenderer:
    """Renders one value (and what it contains) as an HTML fragment."""

    def __init__(self, max_rows: int = MAX_ROWS, max_text: int = MAX_TEXT) -> None:
        self.max_rows = max_rows
        self.max_text = max_text

    def render(self, value: Any, python_type: Any = None, depth: int = 0) -> str:
        python_type = _narrow(python_type, value)
        found = _plugin_html(value, python_type)
        if found is None:
            found = _transformer_html(value, python_type)
        if found is not None:
            return found
        return self._builtin(value, python_type, depth)

    # -- the structural renderers -----------------------------------------------------------

    def _builtin(self, value: Any, tp: Any, depth: int) -> str:
        if value is None:
            return '<span class="fk-none">None</span>'
        if isinstance(value, enum.Enum):
            return (
                f'<code class="fk-scalar">{escape(type(value).__name__)}.{escape(value.name)}'
                f"</code> <span class=\"fk-note\">({escape(repr(value.value))})</span>"
            )
        if isinstance(value, (bool, int, float, complex, decimal.Decimal)):
            return f'<code class="fk-scalar">{escape(repr(value))}</code>'
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
            return f'<code class="fk-scalar">{escape(str(value))}</code>'
        if isinstance(value, (bytes, bytearray)):
            return self.text(repr(bytes(value)), css="fk-text fk-bytes")
        if depth >= MAX_DEPTH:
            return self.text(repr(value))
        if _is_record(value):
            hints = _hints(type(value))
            rows = ((f.name, getattr(value, f.name), hints.get(f.name))
                    for f in dataclasses.fields(value))
            return self._table_kv(rows, len(dataclasses.fields(value)), depth,
                                  caption=type(value).__qualname__)
        if _is_namedtuple(value):
            hints = _hints(type(value))
            items = value._asdict()
            rows = ((k, v, hints.get(k)) for k, v in items.items())
            return self._table_kv(rows, len(items), depth, caption=type(value).__qualname__)
        if isinstance(value, Mapping):
            args = _args(tp)
            value_tp = args[1] if len(args) == 2 else None
            rows = ((k, v, value_tp) for k, v in value.items())
            return self._table_kv(rows, len(value), depth, caption=None)
        if isinstance(value, (list, tuple, set, frozenset)):
            return self._sequence(value, tp, depth)
        return self.text(repr(value))

    def text(self, text: str, css: str = "fk-text") -> str:
        """Escaped text, cut to ``max_text`` characters with a note saying how much was cut."""
        shown = text[: self.max_text]
        more = len(text) - len(shown)
        note = f' <span class="fk-note">… {more:,} more characters</span>' if more else ""
        return f'<span class="{css}">{escape(shown)}</span>{note}'

    def _key(self, key: Any) -> str:
        if isinstance(key, str):
            return f'<span class="fk-key">{escape(key)}</span>'
        return self.render(key, None, MAX_DEPTH - 1)

    def _table_kv(
        self,
        rows: Iterable[tuple[Any, Any, Any]],
        total: int,
        depth: int,
        caption: str | None,
    ) -> str:
        if total == 0:
            return f'<span class="fk-note">empty {escape(caption or "mapping")}</span>'
        parts = ['<table class="fk-table fk-kv">']
        if caption:
            parts.append(f"<caption>{escape(caption)}</caption>")
        parts.append("<tbody>")
        shown = 0
        for key, item, item_tp in rows:
            if shown == self.max_rows:
                break
            parts.append(
                f"<tr><th scope=\"row\">{self._key(key)}</th>"
                f"<td>{self.cell(item, item_tp, depth + 1)}</td></tr>"
            )
            shown += 1
        parts.append("</tbody></table>")
        parts.append(self._more(total - shown, "entries"))
        return "".join(parts)

    def cell(self, value: Any, tp: Any, depth: int) -> str:
        """One nested value; a failure shows in the cell and spares the rest of the table."""
        if value is _MISSING:
            return ""
        try:
            return self.render(value, tp, depth)
        except Exception as exc:
            log.warning("deck: could not render a %s value: %s: %s",
                        type(value).__name__, type(exc).__name__, exc)
            return error_html(f"{type(exc).__name__}: {exc}")

    def _more(self, hidden: int, what: str) -> str:
        if hidden <= 0:
            return ""
        return f'<p class="fk-note">… {hidden:,} more {what} not shown</p>'

    def _sequence(self, value: Any, tp: Any, depth: int) -> str:
        kind = type(value).__name__
        if not value:
            return f'<span class="fk-note">empty {escape(kind)}</span>'
        items = list(value)
        if isinstance(value, (set, frozenset)):
            try:
                items = sorted(items)
            except TypeError:
                pass  # unorderable members: keep iteration order
        args = _args(tp)
        item_tp = args[0] if args and (len(args) == 1 or args[-1] is Ellipsis) else None
        head = items[: self.max_rows]
        columns = self._columns(head)
        parts = [f'<table class="fk-table fk-list"><caption>{escape(kind)} of '
                 f"{len(items):,}</caption>"]
        if columns is not None:
            parts.append("<thead><tr><th>#</th>")
            parts.extend(f"<th>{escape(c)}</th>" for c, _ in columns)
            parts.append("</tr></thead><tbody>")
            for index, item in enumerate(head):
                parts.append(f'<tr><td class="fk-index">{index}</td>')
                for name, hint in columns:
                    cell = self._field(item, name)
                    parts.append(f"<td>{self.cell(cell, hint, depth + 1)}</td>")
                parts.append("</tr>")
        else:
            parts.append("<tbody>")
            for index, item in enumerate(head):
                parts.append(
                    f'<tr><td class="fk-index">{index}</td>'
                    f"<td>{self.cell(item, item_tp, depth + 1)}</td></tr>"
                )
        parts.append("</tbody></table>")
        parts.append(self._more(len(items) - len(head), "items"))
        return "".join(parts)

    @staticmethod
    def _columns(items: list[Any]) -> list[tuple[str, Any]] | None:
        """Columns for a list of records of one kind (dataclasses of one class, str-keyed dicts)."""
        first = items[0]
        if _is_record(first) and all(type(i) is type(first) for i in items):
            hints = _hints(type(first))
            return [(f.name, hints.get(f.name)) for f in dataclasses.fields(first)][:MAX_COLUMNS]
        if isinstance(first, Mapping) and all(
            isinstance(i, Mapping) and all(isinstance(k, str) for k in i) for i in items
        ):
            keys: dict[str, None] = {}
            for item in items:
                keys.update(dict.fromkeys(item))
            if 0 < len(keys) <= MAX_COLUMNS:
                return [(k, None) for k in keys]
        return None

    @staticmethod
    def _field(item: Any, name: str) -> Any:
        if isinstance(item, Mapping):
            return item.get(name, _MISSING)
        return getattr(item, name)


#: A dict record without some column: shown as an empty cell.
_MISSING = object()


def render_value(value: Any, python_type: Any = None, *, max_rows: int = MAX_ROWS) -> str:
    """An HTML fragment showing ``value``; ``python_type`` (its annotation) refines the choice.

    Raises what a renderer raised; the deck's own tabs catch it and show it in place.
    """
    return ValueRenderer(max_rows=max_rows).render(value, python_type)
