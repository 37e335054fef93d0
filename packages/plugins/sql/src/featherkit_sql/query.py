"""Reading a query template: Flyte placeholders, whitespace, and the driver-parameter form.

A query template uses the placeholder syntax Flyte backends template: ``{{ .inputs.name }}``
(``.Inputs`` and any spacing inside the braces work too; ``$inputs`` is the backend's other
spelling). :func:`parse` scans the text once, knowing SQL's quoting (``'...'`` strings,
``"..."`` and backtick identifiers, ``$tag$...$tag$`` strings, ``--`` and ``/* */``
comments), so that every placeholder is known to sit in code, in a string, in a quoted
identifier or in a comment.

Whitespace is normalized the way flytekit does it (each run of spaces, tabs and newlines
becomes one space, ends stripped), so the serialized ``query_template`` matches flytekit's for
the same query, with two deliberate differences that keep the query's meaning: text inside
string literals and quoted identifiers is kept as written, and the newline that ends a ``--``
comment is kept (flytekit's one-line form comments out the rest of the query).

For engines that run the query in this process, :meth:`ParsedQuery.bound` replaces each
placeholder by a driver parameter marker, so values are bound by the driver and never pasted
into SQL text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: a placeholder for an input, in the syntax Flyte backends template
PLACEHOLDER = re.compile(r"\{\{\s*[.$]inputs\.(\w+)\s*\}\}", re.IGNORECASE)
#: any Go-template expression; ones that are not input placeholders are other Flyte templates
TEMPLATE_EXPR = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_INPUTS_WORD = re.compile(r"inputs?\b", re.IGNORECASE)
_DOLLAR_TAG = re.compile(r"\$([A-Za-z_]\w*)?\$")
_WHITESPACE = re.compile(r"\s+")

CODE = "code"
STRING = "string literal"
IDENTIFIER = "quoted identifier"
COMMENT = "comment"


@dataclass(frozen=True)
class Placeholder:
    """One ``{{ .inputs.x }}`` occurrence: the input it names, where it sits, how it reads."""

    name: str
    text: str
    context: str


@dataclass(frozen=True)
class ParsedQuery:
    """A normalized query template and what it holds."""

    #: the normalized template, Flyte placeholder syntax kept (what is serialized)
    template: str
    #: pieces of the normalized template as ``(context, text)``; they join to ``template``
    pieces: tuple[tuple[str, str], ...]
    placeholders: tuple[Placeholder, ...]
    #: ``{{ ... }}`` expressions that mention inputs but are not valid placeholders
    malformed: tuple[str, ...]
    #: other Flyte template expressions in code (``{{ .rawOutputDataPrefix }}`` and the like)
    other_templates: tuple[str, ...]
    #: driver parameter markers (``?``) written directly in code
    markers: int

    @property
    def names(self) -> list[str]:
        """Input names used, in first-use order, each once."""
        return list(dict.fromkeys(p.name for p in self.placeholders))

    def bound(self, marker: str = "?") -> tuple[str, list[str]]:
        """The query with each placeholder replaced by ``marker``, and the input per marker.

        Only placeholders in code are replaced; callers reject templates whose placeholders
        sit elsewhere before binding (see :func:`check_bindable`).
        """
        order: list[str] = []

        def replace(match: re.Match[str]) -> str:
            order.append(match.group(1))
            return marker

        text = "".join(
            PLACEHOLDER.sub(replace, piece) if context == CODE else piece
            for context, piece in self.pieces
        )
        return text, order


def _scan(query: str, backslash_escapes: bool) -> list[tuple[str, str]]:
    """Split ``query`` into ``(context, text)`` pieces. Unterminated quotes run to the end."""
    pieces: list[tuple[str, str]] = []
    code_start = 0
    i = 0
    n = len(query)

    def flush_code(end: int) -> None:
        if end > code_start:
            pieces.append((CODE, query[code_start:end]))

    while i < n:
        ch = query[i]
        nxt = query[i + 1] if i + 1 < n else ""
        end: int | None = None
        context = ""
        if ch in "'\"`":
            context = STRING if ch == "'" else IDENTIFIER
            j = i + 1
            while j < n:
                if backslash_escapes and query[j] == "\\":
                    j += 2
                    continue
                if query[j] == ch:
                    if j + 1 < n and query[j + 1] == ch:  # doubled quote: an escaped quote
                        j += 2
                        continue
                    break
                j += 1
            end = min(j + 1, n)
        elif ch == "-" and nxt == "-":
            context = COMMENT
            newline = query.find("\n", i)
            end = n if newline < 0 else newline  # the newline itself stays code
        elif ch == "/" and nxt == "*":
            context = COMMENT
            close = query.find("*/", i + 2)
            end = n if close < 0 else close + 2
        elif ch == "$" and (tag := _DOLLAR_TAG.match(query, i)):
            context = STRING
            close = query.find(tag.group(0), tag.end())
            end = n if close < 0 else close + len(tag.group(0))
        if end is None:
            i += 1
            continue
        flush_code(i)
        pieces.append((context, query[i:end]))
        i = code_start = end
    flush_code(n)
    return pieces


def _normalize(pieces: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Collapse whitespace outside literals; keep the newline that ends a ``--`` comment."""
    out: list[tuple[str, str]] = []
    after_line_comment = False
    for context, text in pieces:
        if context in (STRING, IDENTIFIER):
            out.append((context, text))
        else:
            text = _WHITESPACE.sub(" ", text) if context == COMMENT else text
            if context == CODE:
                if after_line_comment:
                    leading = len(text) - len(text.lstrip())
                    text = ("\n" if leading else "") + _WHITESPACE.sub(" ", text[leading:])
                else:
                    text = _WHITESPACE.sub(" ", text)
            out.append((context, text))
        after_line_comment = context == COMMENT and text.startswith("--")
    # strip the ends of the whole query
    while out and out[0][0] in (CODE, COMMENT) and not out[0][1].strip():
        out.pop(0)
    while out and out[-1][0] in (CODE, COMMENT) and not out[-1][1].strip():
        out.pop()
    if out and out[0][0] == CODE:
        out[0] = (CODE, out[0][1].lstrip())
    if out and out[-1][0] == CODE:
        out[-1] = (CODE, out[-1][1].rstrip())
    return out


def parse(query: str, *, backslash_escapes: bool = False) -> ParsedQuery:
    """Scan and normalize ``query``; ``backslash_escapes`` for dialects with ``\\'`` (Hive)."""
    pieces = _normalize(_scan(query, backslash_escapes))
    placeholders: list[Placeholder] = []
    malformed: list[str] = []
    other: list[str] = []
    markers = 0
    for context, text in pieces:
        for match in TEMPLATE_EXPR.finditer(text):
            expr = match.group(0)
            found = PLACEHOLDER.fullmatch(expr)
            if found:
                placeholders.append(Placeholder(found.group(1), expr, context))
            elif _INPUTS_WORD.search(expr):
                malformed.append(expr)
            elif context == CODE:
                other.append(expr)
        if context == CODE:
            markers += TEMPLATE_EXPR.sub("", text).count("?")
    return ParsedQuery(
        template="".join(text for _, text in pieces),
        pieces=tuple(pieces),
        placeholders=tuple(placeholders),
        malformed=tuple(malformed),
        other_templates=tuple(other),
        markers=markers,
    )
