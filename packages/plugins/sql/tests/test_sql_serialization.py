"""Serialization: task type, custom, container args through the template resolver, Sql target,
and rebuilding a runnable task from the serialized template (the template executor)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from featherkit_sql import (
    Dialect,
    DuckDBConfig,
    DuckDBTask,
    SQLDefinitionError,
    SQLExecutionError,
    SQLite3Config,
    SQLite3Task,
    SQLResultError,
    SQLTask,
)
from flyteidl.core import tasks_pb2

from featherkit import Resources, kwtypes, serialize
from featherkit.extend import ExecutionParameters, hooks

QUERY = """
    SELECT name, total FROM orders
    WHERE total > {{ .inputs.min_total }}
    ORDER BY total DESC LIMIT {{ .inputs.n }}
"""
FLAT = "SELECT name, total FROM orders WHERE total > {{ .inputs.min_total }} ORDER BY total DESC LIMIT {{ .inputs.n }}"  # noqa: E501


@dataclass
class Order:
    name: str
    total: float


def entrypoint(executor: str) -> list[str]:
    return [
        "featherkit-execute",
        "--inputs", "{{.input}}",
        "--output-prefix", "{{.outputPrefix}}",
        "--raw-output-data-prefix", "{{.rawOutputDataPrefix}}",
        "--checkpoint-path", "{{.checkpointOutputPrefix}}",
        "--prev-checkpoint", "{{.prevCheckpointPrefix}}",
        "--resolver", "featherkit.resolvers.template",
        "--",
        "{{.taskTemplatePath}}", executor,
    ]


def top(uri: str = "data/shop.db", **kwargs) -> SQLite3Task:
    return SQLite3Task(
        "top_customers", query_template=QUERY, inputs=kwtypes(min_total=float, n=int),
        output_type=list[Order], task_config=SQLite3Config(uri=uri, compressed=True), **kwargs,
    )


def test_sqlite_template(settings):
    template = serialize(top(), settings)
    assert template.type == "sqlite"
    assert template.id.name == "top_customers"
    assert dict(template.custom) == {
        "query_template": FLAT, "uri": "data/shop.db", "compressed": True,
    }
    assert template.WhichOneof("target") == "container"
    assert list(template.container.args) == entrypoint("sqlite3")
    assert template.container.image == settings.image
    inputs = template.interface.inputs.variables
    assert set(inputs) == {"min_total", "n"}
    assert inputs["n"].type.simple == 1  # INTEGER
    assert inputs["min_total"].type.simple == 2  # FLOAT
    (output,) = template.interface.outputs.variables
    assert output == "results"


def test_container_image_env_and_resources(settings):
    task = top(container_image="ghcr.io/acme/sql:2", environment={"A": "1"},
               requests=Resources(cpu="1"))
    container = serialize(task, settings).container
    assert container.image == "ghcr.io/acme/sql:2"
    assert [(kv.key, kv.value) for kv in container.env] == [("A", "1")]
    assert container.resources.requests[0].value == "1"


def test_duckdb_template(settings):
    task = DuckDBTask("duck", "SELECT {{ .inputs.x }} AS x", inputs=kwtypes(x=int))
    template = serialize(task, settings)
    assert template.type == "duckdb"
    assert dict(template.custom) == {
        "query_template": "SELECT {{ .inputs.x }} AS x", "compressed": False,
    }
    assert list(template.container.args) == entrypoint("duckdb")
    with_file = DuckDBTask("duck", "SELECT 1", task_config=DuckDBConfig(uri="s3://b/x.duckdb"))
    assert serialize(with_file, settings).custom["uri"] == "s3://b/x.duckdb"


# Backend SQL tasks are bound at module level, as users define them: core's builtin container
# target is still computed (and dropped) for them, and it must find the task in a module.
hive_daily = SQLTask(
    "hive_daily",
    "INSERT OVERWRITE DIRECTORY '{{ .rawOutputDataPrefix }}' "
    "SELECT * FROM t WHERE ds = '{{ .Inputs.ds }}'",
    inputs=kwtypes(ds=str), task_type="hive", dialect=Dialect.HIVE,
)
default_dialect = SQLTask("default_dialect", "SELECT 1")
ansi_dialect = SQLTask("ansi_dialect", "SELECT 1", dialect="ansi")
other_dialect = SQLTask("other_dialect", "SELECT 1", dialect="OTHER")
undefined_dialect = SQLTask("undefined_dialect", "SELECT 1", dialect=Dialect.UNDEFINED)


def test_backend_sql_task_has_a_sql_target(settings):
    task = hive_daily
    template = serialize(task, settings)
    assert template.type == "hive"
    assert template.WhichOneof("target") == "sql"
    assert template.sql.statement == task.query_template
    assert template.sql.dialect == tasks_pb2.Sql.HIVE
    assert not template.HasField("custom")
    assert dict(template.interface.outputs.variables) == {}


@pytest.mark.parametrize(
    ("task", "expected"),
    [(default_dialect, tasks_pb2.Sql.OTHER), (ansi_dialect, tasks_pb2.Sql.ANSI),
     (other_dialect, tasks_pb2.Sql.OTHER), (undefined_dialect, tasks_pb2.Sql.UNDEFINED)],
)
def test_dialect_values(settings, task, expected):
    template = serialize(task, settings)
    assert template.sql.dialect == expected
    assert template.sql.statement == "SELECT 1"


def test_backend_sql_task_does_not_run_locally():
    task = SQLTask("q", "SELECT {{ .inputs.x }}", inputs=kwtypes(x=int), output_type=list[dict])
    with pytest.raises(SQLExecutionError, match=r"'q' is a 'sql_task' statement that a Flyte "
                                                r"backend runs \(dialect OTHER\)"):
        task(x=1)


# --- the template executor ------------------------------------------------------------------


def run_from_template(template, inputs):
    rebuilt = hooks().template_executors()[template_executor(template)](template)
    literals = rebuilt.inputs_to_literals(inputs)
    outputs = rebuilt.dispatch_execute(ExecutionParameters(task_name=rebuilt.name), literals)
    return rebuilt, outputs


def template_executor(template) -> str:
    return template.container.args[-1]


def test_executors_are_registered():
    executors = hooks().template_executors()
    assert executors["sqlite3"] == SQLite3Task.from_template
    assert executors["duckdb"] == DuckDBTask.from_template


def test_sqlite_task_rebuilt_from_its_template(shop_db, settings):
    original = top(str(shop_db))
    original.task_config = SQLite3Config(uri=str(shop_db))
    template = serialize(original, settings)
    rebuilt, outputs = run_from_template(template, {"min_total": 30.0, "n": 5})
    assert isinstance(rebuilt, SQLite3Task)
    assert rebuilt.name == "top_customers"
    assert rebuilt.query_template == original.query_template
    assert rebuilt.task_config == SQLite3Config(uri=str(shop_db))
    assert set(rebuilt.python_interface.inputs) == {"min_total", "n"}
    # the caller reads the outputs with its own declared type
    assert original.literals_to_outputs(outputs) == [Order("cy", 40.25), Order("dee", 40.25)]
    # and the rebuilt task serializes to the same template
    assert serialize(rebuilt, settings).custom == template.custom


def test_duckdb_task_rebuilt_from_its_template(settings):
    original = DuckDBTask("duck", "SELECT {{ .inputs.x }} * 2 AS doubled", inputs=kwtypes(x=int))
    rebuilt, outputs = run_from_template(serialize(original, settings), {"x": 21})
    assert isinstance(rebuilt, DuckDBTask)
    assert rebuilt.task_config == DuckDBConfig()
    assert original.literals_to_outputs(outputs) == [{"doubled": 42}]


def test_template_without_query_is_refused(settings):
    template = serialize(top(), settings)
    template.custom.Clear()
    template.custom.update({"uri": "x.db"})
    with pytest.raises(SQLDefinitionError, match=r"custom has no query_template.*keys: uri"):
        SQLite3Task.from_template(template)
    template.custom.update({"query_template": FLAT, "uri": ""})
    with pytest.raises(SQLDefinitionError, match="no database uri"):
        SQLite3Task.from_template(template)


def test_rebuilt_task_checks_rows_against_the_templates_dataclass(shop_db, settings):
    original = SQLite3Task("mismatch", "SELECT name, total, id FROM orders",
                           output_type=list[Order], task_config=SQLite3Config(uri=str(shop_db)))
    rebuilt = SQLite3Task.from_template(serialize(original, settings))
    (row_type,) = rebuilt.output_type.__args__
    assert set(row_type.__dataclass_fields__) == {"name", "total"}
    with pytest.raises(SQLResultError, match="column 'id' has no field in Order"):
        rebuilt()
