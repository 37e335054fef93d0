"""Parse a function's docstring into summary, long text, parameter and return descriptions.

Understands the three styles Python code uses: reST field lists (``:param x:``), Google
(``Args:``/``Returns:`` sections) and NumPy (``Parameters`` underlined by dashes). Written
by hand because the core may not depend on a docstring library and the job is small.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field

_REST_FIELD = re.compile(
    r"^:(param|parameter|arg|argument|key|keyword)\s+(?:[^:]*\s)?(\w+)\s*:(.*)$"
)
_REST_RETURN = re.compile(r"^:(returns?)\s*(\w*)\s*:(.*)$")
_REST_OTHER = re.compile(r"^:\w+[^:]*:")
#: the Google section headings flytekit (through docstring_parser) knows, exactly these
#: spellings: a singular ``Return:`` or ``Yield:`` is not one of them, so flytekit reads its
#: text as plain text and the outputs keep their names as descriptions; so does featherkit
_GOOGLE_SECTION = re.compile(
    r"^(Args|Arguments|Parameters|Params|Returns|Yields|Raises|Exceptions|Except|Attributes"
    r"|Examples|Example)\s*:\s*$"
)
#: the headings that end the summary and long text in a reST or NumPy docstring too
_ANY_STYLE_SECTION = re.compile(
    r"^(Args|Arguments|Parameters|Params|Returns|Yields|Raises)\s*:\s*$"
)
#: any other unindented "Title:" line (Note:, Return:, ...) ends the section being read
_GOOGLE_OTHER_SECTION = re.compile(r"^[A-Z]\w*(?: \w+)?\s*:\s*$")
_GOOGLE_ITEM = re.compile(r"^(\*{0,2}\w+)\s*(?:\(([^)]*)\))?\s*:\s*(.*)$")
_NUMPY_UNDERLINE = re.compile(r"^-{3,}\s*$")


@dataclass
class Docstring:
    short_description: str = ""
    long_description: str = ""
    params: dict[str, str] = field(default_factory=dict)
    returns: str = ""
    named_returns: dict[str, str] = field(default_factory=dict)


def parse_docstring(text: str | None) -> Docstring:
    if not text:
        return Docstring()
    lines = inspect.cleandoc(text).splitlines()
    stripped = [line.strip() for line in lines]
    if any(_REST_FIELD.match(line) or _REST_RETURN.match(line) for line in stripped):
        style = "rest"
    elif any(_NUMPY_UNDERLINE.match(line) for line in stripped):
        style = "numpy"
    else:
        style = "google"
    body_end = _first_section_line(lines, google=style == "google")
    summary, long = _split_summary(lines[:body_end])
    doc = Docstring(short_description=summary, long_description=long)
    rest = lines[body_end:]
    if style == "rest":
        _parse_rest(rest, doc)
    elif style == "numpy":
        _parse_numpy(rest, doc)
    else:
        _parse_google(rest, doc)
    return doc


def _first_section_line(lines: list[str], *, google: bool) -> int:
    for index, line in enumerate(lines):
        stripped = line.strip()
        if any(rx.match(stripped) for rx in (_REST_FIELD, _REST_RETURN, _REST_OTHER)):
            return index
        if google and _GOOGLE_SECTION.match(line):  # an unindented heading
            return index
        if not google and _ANY_STYLE_SECTION.match(stripped):
            return index
        if index + 1 < len(lines) and _NUMPY_UNDERLINE.match(lines[index + 1].strip()) and stripped:
            return index
    return len(lines)


def _split_summary(lines: list[str]) -> tuple[str, str]:
    text = "\n".join(lines).strip()
    if not text:
        return "", ""
    # as flytekit (docstring_parser) does: the first line is the summary, the rest is long
    summary, _, long = text.partition("\n")
    return summary.strip(), long.strip()


def _join(parts: list[str]) -> str:
    """A description over several lines keeps its line breaks (as flytekit's do)."""
    return "\n".join(part.strip() for part in parts if part.strip())


def _parse_rest(lines: list[str], doc: Docstring) -> None:
    kind, name, parts = "", "", []
    fields: list[tuple[str, str, list[str]]] = []
    for raw in lines:
        line = raw.strip()
        if match := _REST_FIELD.match(line):
            kind, name, parts = "param", match.group(2), [match.group(3)]
            fields.append((kind, name, parts))
        elif match := _REST_RETURN.match(line):
            kind, name, parts = "return", match.group(2), [match.group(3)]
            fields.append((kind, name, parts))
        elif _REST_OTHER.match(line):
            kind = ""
        elif kind and line:
            parts.append(line)
    for kind, name, parts in fields:
        if kind == "param":
            doc.params[name] = _join(parts)
        else:
            doc.returns = _join(parts)
            if name:
                doc.named_returns[name] = doc.returns


def _parse_google(lines: list[str], doc: Docstring) -> None:
    section = ""
    item: str | None = None
    indent: int | None = None
    for raw in lines:
        if not raw.strip():
            continue
        stripped = raw.strip()
        if (match := _GOOGLE_SECTION.match(stripped)) and raw == raw.lstrip():
            section = match.group(1).lower()
            item, indent = None, None
            continue
        if _GOOGLE_OTHER_SECTION.match(raw):
            section, item, indent = "", None, None
            continue
        level = len(raw) - len(raw.lstrip())
        if section in ("args", "arguments", "parameters", "params"):
            match = _GOOGLE_ITEM.match(stripped)
            if match and (indent is None or level <= indent):
                indent = level
                item = match.group(1).lstrip("*")
                doc.params[item] = match.group(3).strip()
            elif item is not None:
                doc.params[item] = _join([doc.params[item], stripped])
        elif section in ("returns", "yields"):
            match = _GOOGLE_ITEM.match(stripped)
            if not doc.returns and match and match.group(2) is None and " " not in match.group(1):
                # "name: description" form names the output
                doc.returns = match.group(3).strip()
                doc.named_returns[match.group(1)] = doc.returns
            else:
                doc.returns = _join([doc.returns, stripped])


def _parse_numpy(lines: list[str], doc: Docstring) -> None:
    section = ""
    item: str | None = None
    index = 0
    while index < len(lines):
        raw = lines[index]
        stripped = raw.strip()
        if index + 1 < len(lines) and _NUMPY_UNDERLINE.match(lines[index + 1].strip()) and stripped:
            section = stripped.lower()
            item = None
            index += 2
            continue
        index += 1
        if not stripped:
            continue
        is_header = raw == raw.lstrip()
        if section in ("parameters", "params", "other parameters"):
            if is_header:
                item = stripped.split(":")[0].strip().lstrip("*")
                doc.params[item] = ""
            elif item is not None:
                doc.params[item] = _join([doc.params[item], stripped])
        elif section in ("returns", "yields"):
            if is_header:
                head = stripped.split(":")
                item = head[0].strip() if len(head) > 1 else None
            else:
                doc.returns = _join([doc.returns, stripped])
                if item:
                    doc.named_returns[item] = _join([doc.named_returns.get(item, ""), stripped])
