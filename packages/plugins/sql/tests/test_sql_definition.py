"""Mistakes a SQL task definition is refused for, each named in the error."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Optional

import pytest
from featherkit_sql import (
    DuckDBConfig,
    DuckDBTask,
    SQLDefinitionError,
    SQLite3Config,
    SQLite3Task,
    SQLTask,
)

from featherkit import kwtypes

CONFIG = SQLite3Config(uri="shop.db")


def sqlite(query: str, **kwargs):
    kwargs.setdefault("task_config", CONFIG)
    return SQLite3Task("t", query_template=query, **kwargs)


def test_missing_input_is_named():
    with pytest.raises(SQLDefinitionError, match=r"uses input 'limit'.*not among its inputs"):
        sqlite("SELECT * FROM orders LIMIT {{ .inputs.limit }}")


def test_missing_input_suggests_a_close_name():
    with pytest.raises(SQLDefinitionError, match=r"'Limit'.*did you mean 'limit'"):
        sqlite("SELECT * FROM orders LIMIT {{ .inputs.Limit }}", inputs=kwtypes(limit=int))


def test_unused_input_is_named():
    with pytest.raises(SQLDefinitionError, match=r"input 'extra' is not used"):
        sqlite("SELECT * FROM orders LIMIT {{ .inputs.n }}", inputs=kwtypes(n=int, extra=str))


def test_generic_sql_task_checks_inputs_too():
    with pytest.raises(SQLDefinitionError, match="input 'ds' is not used"):
        SQLTask("hive_q", "SELECT * FROM t", inputs=kwtypes(ds=str), dialect="hive")


def test_malformed_placeholder():
    with pytest.raises(SQLDefinitionError, match=r"'\{\{ inputs.n \}\}'.*not a valid input"):
        sqlite("SELECT * FROM orders LIMIT {{ inputs.n }}", inputs=kwtypes(n=int))


@pytest.mark.parametrize(
    ("query", "where"),
    [
        ("SELECT * FROM orders WHERE name = '{{ .inputs.name }}'", "string literal"),
        ("SELECT * FROM orders WHERE name LIKE '%{{ .inputs.name }}%'", "string literal"),
        ('SELECT "{{ .inputs.name }}" FROM orders', "quoted identifier"),
        ("SELECT * FROM orders -- by {{ .inputs.name }}", "comment"),
    ],
)
def test_placeholder_must_stand_where_a_value_goes(query, where):
    with pytest.raises(SQLDefinitionError, match=rf"input 'name'\) sits inside a {where}"):
        sqlite(query, inputs=kwtypes(name=str))


def test_backend_sql_task_allows_quoted_placeholders():
    # Flyte's own Hive example quotes the placeholder: the backend pastes text there
    task = SQLTask("q", "SELECT * FROM t WHERE ds = '{{ .Inputs.ds }}'", inputs=kwtypes(ds=str),
                   dialect="hive")
    assert task.query_template == "SELECT * FROM t WHERE ds = '{{ .Inputs.ds }}'"


def test_driver_markers_and_other_templates_are_refused():
    with pytest.raises(SQLDefinitionError, match=r"'\?' parameter marker"):
        sqlite("SELECT * FROM orders WHERE id = ?")
    with pytest.raises(SQLDefinitionError, match=r"rawOutputDataPrefix.*binds inputs only"):
        sqlite("SELECT '{{ .rawOutputDataPrefix }}' || x FROM {{ .rawOutputDataPrefix }}")


def test_unbindable_input_type_is_named():
    with pytest.raises(SQLDefinitionError, match=r"input 'ids' has type list\[int\].*SQLite"):
        sqlite("SELECT * FROM orders WHERE id IN ({{ .inputs.ids }})",
               inputs=kwtypes(ids=list[int]))
    with pytest.raises(SQLDefinitionError, match="input 'gap' has type timedelta"):
        sqlite("SELECT {{ .inputs.gap }}", inputs=kwtypes(gap=datetime.timedelta))
    # DuckDB binds intervals; Optional of a bindable type is fine
    DuckDBTask("d", "SELECT {{ .inputs.gap }}", inputs=kwtypes(gap=Optional[datetime.timedelta]))


def test_output_type_must_be_rows():
    with pytest.raises(SQLDefinitionError, match=r"output_type must be list\[SomeDataclass\].*int"):
        sqlite("SELECT 1", output_type=int)
    with pytest.raises(SQLDefinitionError, match=r"got list\[str\]"):
        sqlite("SELECT 1", output_type=list[str])


def test_dataclass_field_types_are_checked():
    @dataclass
    class Bad:
        name: str
        nested: set[int]

    with pytest.raises(SQLDefinitionError, match=r"field 'nested' of Bad has type set\[int\]"):
        sqlite("SELECT 1", output_type=list[Bad])


def test_sqlite_needs_a_database():
    with pytest.raises(SQLDefinitionError, match=r"needs task_config=SQLite3Config\(uri=...\)"):
        SQLite3Task("t", query_template="SELECT 1")
    with pytest.raises(SQLDefinitionError, match="needs task_config"):
        SQLite3Task("t", query_template="SELECT 1", task_config=SQLite3Config(uri=""))


def test_other_bad_arguments():
    with pytest.raises(SQLDefinitionError, match="unknown SQL dialect 'mysql'"):
        SQLTask("t", "SELECT 1", dialect="mysql")
    with pytest.raises(SQLDefinitionError, match="dialect is an option of backend SQL tasks"):
        sqlite("SELECT 1", dialect="ansi")
    with pytest.raises(SQLDefinitionError, match="task_resolver is not an option"):
        sqlite("SELECT 1", task_resolver=object())
    with pytest.raises(SQLDefinitionError, match="query_template must be non-empty"):
        sqlite("   ")
    with pytest.raises(SQLDefinitionError, match="needs a uri to decompress"):
        DuckDBTask("d", "SELECT 1", task_config=DuckDBConfig(compressed=True))


def test_definition_errors_are_value_errors_like_flytekit():
    with pytest.raises(ValueError, match="not used"):
        sqlite("SELECT 1", inputs=kwtypes(n=int))
