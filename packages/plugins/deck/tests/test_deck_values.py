"""Renderers: values by type, markdown, tables, source; plugins rendering their own types."""

from __future__ import annotations

import dataclasses
import enum
import logging
import re
from collections.abc import Callable
from typing import Any, Optional

import pytest
from featherkit_deck import (
    MarkdownRenderer,
    SourceCodeRenderer,
    TableRenderer,
    escape,
    markdown_to_html,
    render_value,
)

from featherkit import hookimpl, task
from featherkit.extend import TypeTransformer
from featherkit.testing import registered

EVIL = '<script>alert("x")</script>'


@dataclasses.dataclass
class Inner:
    label: str
    tags: list[str]


@dataclasses.dataclass
class Outer:
    name: str
    inner: Inner
    scores: dict[str, float]


class Color(enum.Enum):
    RED = "red"


def no_raw_tags(html: str) -> None:
    assert "<script" not in html
    assert "<img" not in html


def test_scalars_and_strings_are_escaped() -> None:
    assert render_value(EVIL) == (
        '<span class="fk-text">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</span>'
    )
    assert ">42<" in render_value(42)
    assert ">True<" in render_value(True)
    assert "fk-none" in render_value(None)
    assert "Color.RED" in render_value(Color.RED)
    assert "b&#x27;\\x00&lt;&#x27;" in render_value(b"\x00<")


def test_long_strings_are_cut_with_a_note() -> None:
    html = render_value("a" * 10_500)
    assert "a" * 10_000 + "</span>" in html
    assert "500 more characters" in html


def test_dataclasses_and_dicts_are_tables_with_nested_values() -> None:
    value = Outer(EVIL, Inner("<b>", ["x", EVIL]), {EVIL: 1.5})
    html = render_value(value, Outer)
    no_raw_tags(html)
    assert "<caption>Outer</caption>" in html
    assert "<caption>Inner</caption>" in html
    assert html.count("&lt;script&gt;") == 3
    assert ">1.5<" in html


def test_lists_are_capped_and_say_how_many_were_left_out() -> None:
    html = render_value(list(range(1000)), list[int], max_rows=10)
    assert html.count('<td class="fk-index">') == 10
    assert "list of 1,000" in html
    assert "990 more items not shown" in html


def test_lists_of_records_get_a_column_per_field() -> None:
    rows = [Inner("a", []), Inner(EVIL, ["t"])]
    html = render_value(rows, list[Inner])
    assert re.search(r"<thead><tr><th>#</th><th>label</th><th>tags</th></tr></thead>", html)
    no_raw_tags(html)
    dicts = render_value([{"a": 1}, {"b": EVIL}])
    assert "<th>a</th><th>b</th>" in dicts
    no_raw_tags(dicts)


def test_sets_are_sorted_and_tuples_and_optionals_work() -> None:
    assert re.findall(r">(\d)</code>", render_value({3, 1, 2})) == ["1", "2", "3"]
    assert "tuple of 2" in render_value((1, "x"), tuple[int, str])
    assert ">5<" in render_value(5, Optional[int])
    assert "fk-none" in render_value(None, Optional[int])


def test_self_referencing_structures_stop_at_the_depth_limit() -> None:
    loop: list[Any] = []
    loop.append(loop)
    assert "[[...]]" in render_value(loop)


def test_other_objects_show_their_escaped_repr() -> None:
    class Thing:
        def __repr__(self) -> str:
            return EVIL

    assert render_value(Thing()) == (
        '<span class="fk-text">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</span>'
    )


def test_a_failing_nested_value_shows_its_error_in_its_cell(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Bad:
        def __repr__(self) -> str:
            raise RuntimeError("no repr <here>")

    with caplog.at_level(logging.WARNING, logger="featherkit.deck"):
        html = render_value({"ok": 1, "bad": Bad()})
    assert ">1<" in html
    assert "fk-error" in html
    assert "no repr &lt;here&gt;" in html
    assert "could not render a Bad value" in caplog.text


# -- plugins -----------------------------------------------------------------------------------


class Frame:
    """Stands for a type another plugin owns, e.g. a dataframe."""

    def __init__(self, rows: int) -> None:
        self.rows = rows


class FrameRenderer:
    @hookimpl(optionalhook=True)
    def deck_render_value(self, value: Any, python_type: Any) -> str | None:
        if isinstance(value, Frame):
            return f'<div class="frame">{value.rows} rows</div>'
        return None


def test_other_plugins_render_their_types_through_the_hook() -> None:
    with registered(FrameRenderer()):
        assert render_value(Frame(3)) == '<div class="frame">3 rows</div>'
        # inside structures too, and everything else is unchanged
        html = render_value({"frame": Frame(2), "n": 1})
        assert '<div class="frame">2 rows</div>' in html
        assert ">1<" in html
    assert "frame" not in render_value(Frame(3))


class WrongAnswer:
    @hookimpl(optionalhook=True)
    def deck_render_value(self, value: Any, python_type: Any) -> Any:
        return 12


def test_a_hook_answering_a_non_string_is_a_clear_error() -> None:
    with registered(WrongAnswer()), pytest.raises(TypeError, match="must return an HTML"):
        render_value(1)


class Money:
    def __init__(self, cents: int) -> None:
        self.cents = cents


class MoneyTransformer(TypeTransformer[Money]):
    """A transformer with its own to_html; the deck uses it for values declared Money."""

    name = "money"
    python_type = Money

    def get_literal_type(self, python_type: Any) -> Any:
        from flyteidl.core import types_pb2

        return types_pb2.LiteralType(simple=types_pb2.SimpleType.INTEGER)

    def to_literal(self, value: Any, python_type: Any, expected: Any) -> Any:
        from flyteidl.core import literals_pb2

        return literals_pb2.Literal(scalar=literals_pb2.Scalar(
            primitive=literals_pb2.Primitive(integer=value.cents)))

    def to_python_value(self, literal: Any, python_type: Any) -> Money:
        return Money(literal.scalar.primitive.integer)

    def to_html(self, value: Any, python_type: Any) -> str:
        return f'<span class="money">${value.cents / 100:.2f}</span>'


class MoneyPlugin:
    @hookimpl
    def register_type_transformers(self, register: Callable[[Any], None]) -> None:
        register(MoneyTransformer())


def test_a_transformers_own_to_html_is_used_for_its_declared_type(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with registered(MoneyPlugin()), caplog.at_level(logging.WARNING, "featherkit.deck"):
        assert render_value(Money(250), Money) == '<span class="money">$2.50</span>'
        assert '<span class="money">$0.05</span>' in render_value([Money(5)], list[Money])

        @task(enable_deck=True, deck_fields=("Output",))
        def pay(cents: int) -> Money:
            return Money(cents)

        assert pay(cents=199).cents == 199
    match = re.search(r"deck written to (\S+)", caplog.text)
    assert match
    with open(match.group(1), encoding="utf-8") as fh:
        assert '<span class="money">$1.99</span>' in fh.read()


# -- markdown, tables, source -------------------------------------------------------------------


def test_markdown_escapes_raw_html_and_unsafe_links() -> None:
    html = MarkdownRenderer().to_html(
        "# Title\n\n*em* <b>raw</b> " + EVIL + "\n\n[click](javascript:alert(1)) "
        "[ok](https://example.com)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    assert "<h1>Title</h1>" in html
    assert "<em>em</em>" in html
    assert "&lt;b&gt;raw&lt;/b&gt;" in html
    no_raw_tags(html)
    assert "[click](javascript:alert(1))" in html  # left as text, not a link
    assert 'href="javascript' not in html
    assert '<a href="https://example.com">ok</a>' in html
    assert "<table>" in html
    assert markdown_to_html("x") == MarkdownRenderer().to_html("x")


def test_markdown_images_never_fetch_from_the_network() -> None:
    remote = MarkdownRenderer().to_html('![a "plot"](https://example.com/p.png)')
    assert "<img" not in remote
    assert '<a href="https://example.com/p.png">a &quot;plot&quot;</a>' in remote
    embedded = MarkdownRenderer().to_html("![dot](data:image/png;base64,iVBORw0KGgo=)")
    assert '<img src="data:image/png;base64,iVBORw0KGgo=" alt="dot"' in embedded


def test_markdown_needs_text() -> None:
    with pytest.raises(TypeError, match="needs a str"):
        MarkdownRenderer().to_html(b"bytes")  # type: ignore[arg-type]


def test_tables_from_records_rows_and_columns() -> None:
    records = TableRenderer().to_html([{"name": EVIL, "n": 1}, {"name": "b", "extra": True}])
    assert "<th>name</th><th>n</th><th>extra</th>" in records
    no_raw_tags(records)
    classes = TableRenderer().to_html([Inner("a", ["t"])])
    assert "<th>label</th><th>tags</th>" in classes
    rows = TableRenderer().to_html([(1, 2), (3, 4)], columns=["x", EVIL])
    assert "<th>x</th><th>&lt;script&gt;" in rows
    columns = TableRenderer().to_html({"x": [1, 2, 3], "y": ["a"]})
    assert columns.count("<tr>") == 4


def test_tables_cap_rows_and_reject_what_they_cannot_show() -> None:
    html = TableRenderer(max_rows=5).to_html([{"i": i} for i in range(12)])
    assert html.count("<tr>") == 6
    assert "7 more rows not shown" in html
    with pytest.raises(TypeError, match="list of dicts"):
        TableRenderer().to_html("text")
    with pytest.raises(ValueError, match="2 column names for rows of up to 3"):
        TableRenderer().to_html([(1, 2, 3)], columns=["a", "b"])


def test_source_is_highlighted_and_escaped() -> None:
    html = SourceCodeRenderer().to_html(f"x = '{EVIL}'\n")
    assert 'class="fk-highlight"' in html
    no_raw_tags(html)
    assert "&lt;script&gt;" in html
    assert "<span" in SourceCodeRenderer("json").to_html('{"a": 1}')


def test_escape() -> None:
    assert escape("<a href='x'>&</a>") == "&lt;a href=&#x27;x&#x27;&gt;&amp;&lt;/a&gt;"
