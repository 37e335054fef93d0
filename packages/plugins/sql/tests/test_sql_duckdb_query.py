"""DuckDBQuery (flytekit's DuckDB task class) and SQLite3Task(output_schema_type=)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from featherkit_sql import (
    DuckDBProvider,
    DuckDBQuery,
    MissingSecretError,
    SQLDefinitionError,
    SQLExecutionError,
    SQLite3Config,
    SQLite3Task,
)

from featherkit import Secret, SerializationSettings, kwtypes, serialize

one = DuckDBQuery(name="q.one", query="SELECT ? + 1 AS x", inputs=kwtypes(params=list[int]))


@dataclass
class Total:
    s: int


def test_positional_parameters():
    assert one(params=[41]) == [{"x": 42}]


def test_several_statements_and_an_insert_per_row():
    many = DuckDBQuery(
        name="q.many",
        query=["CREATE TABLE t (a INTEGER)", "INSERT INTO t VALUES (?)",
               "SELECT sum(a) AS s FROM t"],
        inputs=kwtypes(params=list[list[list[int]]]),
        output_type=list[Total],
    )
    assert many(params=[[[1], [2], [3]]]) == [Total(6)]


def test_query_and_json_parameters_given_at_run_time():
    runtime = DuckDBQuery(name="q.runtime", inputs=kwtypes(query=str, params=str))
    assert runtime(query="SELECT ? * 2 AS d", params="[21]") == [{"d": 42}]
    with pytest.raises(SQLExecutionError, match="not JSON"):
        runtime(query="SELECT ?", params="[oops")


def test_definition_errors_are_clear():
    with pytest.raises(SQLDefinitionError, match="needs a 'query: str' input"):
        DuckDBQuery(name="q.none")
    with pytest.raises(SQLDefinitionError, match="non-empty SQL string"):
        DuckDBQuery(name="q.bad", query=[""])
    with pytest.raises(MissingSecretError, match="MOTHERDUCK provider needs its token"):
        DuckDBQuery(name="q.md", query="SELECT 1", provider=DuckDBProvider.MOTHERDUCK)
    with pytest.raises(SQLDefinitionError, match="at most one secret"):
        DuckDBQuery(name="q.two", query="SELECT 1",
                    secret_requests=[Secret(group="a", key="b"), Secret(group="c", key="d")])


def test_run_errors_name_the_task():
    with pytest.raises(SQLExecutionError, match=r"q\.one.*no parameters"):
        one(params=[])
    broken = DuckDBQuery(name="q.broken", query="SELEC 1")
    with pytest.raises(SQLExecutionError, match=r"q\.broken.*could not run"):
        broken()
    tables = DuckDBQuery(name="q.tables", query="SELECT * FROM frame",
                         inputs=kwtypes(frame=dict[str, int]))
    with pytest.raises(SQLExecutionError, match=r"input 'frame' is a builtins\.dict"):
        tables(frame={"a": 1})


def test_a_callable_provider_gets_the_secret(monkeypatch):
    import duckdb

    monkeypatch.setenv("_FSEC_DUCK_TOKEN", "t0ken")
    seen = []

    def connect(token=None):
        seen.append(token)
        return duckdb.connect(":memory:")

    custom = DuckDBQuery(name="q.custom", query="SELECT 7 AS n", provider=connect,
                         secret_requests=[Secret(group="duck", key="token")])
    assert custom() == [{"n": 7}]
    assert seen == ["t0ken"]


def test_serializes_as_an_instance_task_of_type_duckdb():
    template = serialize(one, SerializationSettings(image="img:1", version="v1"))
    assert template.type == "duckdb"
    assert list(template.interface.outputs.variables) == ["result"]
    args = list(template.container.args)
    assert args[args.index("--resolver") + 1] == "featherkit.resolvers.module"
    assert args[args.index("--") + 1:] == ["task-module", __name__, "task-name", "one"]
    assert not template.HasField("custom")


def test_sqlite_output_schema_type(shop_db):
    @dataclass
    class Name:
        name: str

    task = SQLite3Task("q.names", "SELECT name FROM orders WHERE id = {{ .inputs.id }}",
                       inputs=kwtypes(id=int), output_schema_type=list[Name],
                       task_config=SQLite3Config(uri=str(shop_db)))
    assert task.output_type == list[Name]
    assert task(id=1) == [Name("ada")]
    with pytest.raises(SQLDefinitionError, match="not both"):
        SQLite3Task("q.both", "SELECT 1", output_type=list[dict],
                    output_schema_type=list[dict], task_config=SQLite3Config(uri="x.db"))

