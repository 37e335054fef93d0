"""The query template scanner: placeholders, contexts, normalization, binding."""

from __future__ import annotations

import pytest
from featherkit_sql.query import CODE, COMMENT, IDENTIFIER, STRING, parse


def test_placeholders_are_case_and_space_tolerant():
    parsed = parse("SELECT {{.inputs.a}}, {{ .Inputs.b }}, {{   .INPUTS.c   }}, {{ $inputs.d }}")
    assert [p.name for p in parsed.placeholders] == ["a", "b", "c", "d"]
    assert all(p.context == CODE for p in parsed.placeholders)


def test_normalization_matches_flytekit_for_plain_queries():
    query = "\n  SELECT name,\ttotal\n   FROM orders\n  WHERE total > {{ .inputs.x }}\n"
    # flytekit's rule: newlines and tabs to spaces, whitespace runs to one space, strip
    assert parse(query).template == "SELECT name, total FROM orders WHERE total > {{ .inputs.x }}"


def test_normalization_keeps_literals_and_line_comment_ends():
    query = "SELECT 'a   b' AS \"c   d\" -- why   this\n   FROM t   /* a\n  b */ WHERE x = 1"
    parsed = parse(query)
    assert parsed.template == (
        "SELECT 'a   b' AS \"c   d\" -- why this\nFROM t /* a b */ WHERE x = 1"
    )
    assert parse(parsed.template) == parsed  # idempotent


@pytest.mark.parametrize(
    ("query", "context"),
    [
        ("SELECT '{{ .inputs.x }}'", STRING),
        ("SELECT 'it''s {{ .inputs.x }}'", STRING),
        ("SELECT $$ {{ .inputs.x }} $$", STRING),
        ("SELECT $q$ {{ .inputs.x }} $q$", STRING),
        ('SELECT "{{ .inputs.x }}"', IDENTIFIER),
        ("SELECT `{{ .inputs.x }}`", IDENTIFIER),
        ("SELECT 1 -- {{ .inputs.x }}", COMMENT),
        ("SELECT 1 /* {{ .inputs.x }} */", COMMENT),
    ],
)
def test_placeholder_context(query, context):
    (placeholder,) = parse(query).placeholders
    assert placeholder.context == context


def test_doubled_quote_does_not_end_a_string():
    parsed = parse("SELECT 'it''s' || {{ .inputs.x }}")
    assert parsed.placeholders[0].context == CODE


def test_backslash_escapes_only_when_asked():
    query = r"SELECT 'it\'s' , {{ .inputs.x }}"
    assert parse(query, backslash_escapes=True).placeholders[0].context == CODE
    assert parse(query).placeholders[0].context == STRING


def test_bound_replaces_code_placeholders_in_order():
    parsed = parse("SELECT * FROM t WHERE a = {{ .inputs.a }} AND b > {{.inputs.b}} OR a = "
                   "{{ .inputs.a }}")
    text, order = parsed.bound("?")
    assert text == "SELECT * FROM t WHERE a = ? AND b > ? OR a = ?"
    assert order == ["a", "b", "a"]
    assert parsed.names == ["a", "b"]


def test_malformed_other_templates_and_markers():
    parsed = parse("SELECT {{ inputs.a }}, {{ .rawOutputDataPrefix }}, ?, '?'")
    assert parsed.malformed == ("{{ inputs.a }}",)
    assert parsed.other_templates == ("{{ .rawOutputDataPrefix }}",)
    assert parsed.markers == 1


def test_unterminated_quote_runs_to_the_end():
    parsed = parse("SELECT 'abc {{ .inputs.x }}")
    assert parsed.placeholders[0].context == STRING
