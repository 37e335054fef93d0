"""Renderers a task uses to fill its own decks: markdown, tables and highlighted source.

Each returns an HTML fragment for :class:`featherkit_deck.Deck` and escapes everything it is
given; none of them produces anything the browser would fetch from the network.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from featherkit_deck.values import MAX_ROWS, ValueRenderer, escape

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

#: The CSS class around highlighted code; the page carries pygments' styles for it.
HIGHLIGHT_CLASS = "fk-highlight"


class MarkdownRenderer:
    """CommonMark (plus tables and strikethrough) to HTML, with raw HTML shown as text.

    Links keep markdown-it's safe-scheme check (no ``javascript:``); images are shown only for
    embedded ``data:image/...`` sources, any other image becomes a plain link, so opening the
    deck never fetches anything.
    """

    def __init__(self) -> None:
        self._md: MarkdownIt | None = None

    def _parser(self) -> MarkdownIt:
        if self._md is None:
            from markdown_it import MarkdownIt

            md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
            md.add_render_rule("image", _render_image)
            self._md = md
        return self._md

    def to_html(self, text: str) -> str:
        if not isinstance(text, str):
            raise TypeError(f"MarkdownRenderer.to_html needs a str, got {type(text).__name__}")
        return f'<div class="fk-markdown">{self._parser().render(text)}</div>'


def _render_image(renderer: Any, tokens: list[Any], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    if src.startswith("data:image/"):
        return str(renderer.image(tokens, idx, options, env))
    alt = renderer.renderInlineAsText(token.children or [], options, env)
    return f'<a href="{escape(src)}">{escape(alt or src)}</a>'


def markdown_to_html(text: str) -> str:
    """:meth:`MarkdownRenderer.to_html` as a function."""
    return MarkdownRenderer().to_html(text)


class TableRenderer:
    """Rows as an HTML table, at most ``max_rows`` of them, every cell escaped.

    ``to_html`` accepts a list of dicts or of dataclass instances (a column per key or
    field), a list of rows (tuples or lists) with ``columns=`` naming them, or a dict of
    columns (``{"name": [...], "score": [...]}``). Cells that hold structures are rendered
    like deck values (nested tables).
    """

    def __init__(self, max_rows: int = MAX_ROWS) -> None:
        self.max_rows = max_rows

    def to_html(self, data: Any, columns: Sequence[str] | None = None) -> str:
        header, rows, total = self._normalize(data, columns)
        values = ValueRenderer(max_rows=self.max_rows)
        parts = ['<table class="fk-table fk-grid"><thead><tr>']
        parts.extend(f"<th>{escape(name)}</th>" for name in header)
        parts.append("</tr></thead><tbody>")
        for row in rows:
            parts.append("<tr>")
            parts.extend(f"<td>{values.render(cell, None, 1)}</td>" for cell in row)
            parts.append("</tr>")
        parts.append("</tbody></table>")
        if total > len(rows):
            parts.append(f'<p class="fk-note">… {total - len(rows):,} more rows not shown</p>')
        return "".join(parts)

    def _normalize(
        self, data: Any, columns: Sequence[str] | None
    ) -> tuple[list[str], list[list[Any]], int]:
        cap = self.max_rows
        if isinstance(data, Mapping):
            header = [str(k) for k in data]
            cols = [list(v) for v in data.values()]
            total = max((len(c) for c in cols), default=0)
            rows = [[c[i] if i < len(c) else "" for c in cols] for i in range(min(total, cap))]
            return header, rows, total
        if isinstance(data, (str, bytes)) or not isinstance(data, Sequence):
            raise TypeError(
                "TableRenderer.to_html needs a list of dicts, dataclasses or rows, or a dict "
                f"of columns; got {type(data).__name__}"
            )
        total = len(data)
        head = list(data[:cap])
        if not head:
            return list(columns or []), [], 0
        first = head[0]
        if dataclasses.is_dataclass(first) and not isinstance(first, type):
            names = columns or [f.name for f in dataclasses.fields(first)]
            return list(names), [[getattr(r, n, "") for n in names] for r in head], total
        if isinstance(first, Mapping):
            keys: dict[str, None] = {}
            for row in head:
                keys.update(dict.fromkeys(str(k) for k in row))
            names = list(columns or keys)
            return names, [[_get(r, n) for n in names] for r in head], total
        width = max(len(r) for r in head)
        names = list(columns) if columns is not None else [str(i) for i in range(width)]
        if len(names) != width:
            raise ValueError(
                f"TableRenderer: {len(names)} column names for rows of up to {width} cells"
            )
        return names, [list(r) + [""] * (width - len(r)) for r in head], total


def _get(row: Any, name: str) -> Any:
    if isinstance(row, Mapping):
        return row.get(name, "")
    raise TypeError(f"TableRenderer: a list of dicts holds a {type(row).__name__} row")


class SourceCodeRenderer:
    """Source code highlighted by pygments (inline classes; the deck page holds the styles)."""

    def __init__(self, language: str = "python") -> None:
        self.language = language

    def to_html(self, code: str) -> str:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import get_lexer_by_name

        lexer = get_lexer_by_name(self.language)
        formatter = HtmlFormatter(cssclass=HIGHLIGHT_CLASS)
        return str(highlight(code, lexer, formatter))


def highlight_css() -> str:
    """pygments' styles for :data:`HIGHLIGHT_CLASS` (light, high contrast)."""
    from pygments.formatters import HtmlFormatter

    formatter: Any = HtmlFormatter(style="default")  # get_style_defs is untyped in the stubs
    return str(formatter.get_style_defs(f".{HIGHLIGHT_CLASS}"))


def source_html(obj: Any) -> str:
    """The highlighted source of a function or class, with where it is defined."""
    code = inspect.getsource(obj)
    try:
        where = f"{inspect.getsourcefile(obj)}:{inspect.getsourcelines(obj)[1]}"
    except (OSError, TypeError):
        where = getattr(obj, "__module__", "")
    return f'<p class="fk-note">{escape(where)}</p>{SourceCodeRenderer().to_html(code)}'
