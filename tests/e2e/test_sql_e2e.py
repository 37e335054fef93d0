"""End to end: a SQL task serialized, then run as a Flyte pod would run it.

``featherkit-execute ... --resolver featherkit.resolvers.template -- {{.taskTemplatePath}}
sqlite3`` runs in a fresh process with no user code on its path: core's template resolver
reads the serialized template and featherkit-sql's
``sqlite3``/``duckdb`` executor rebuilds the task from it. Needs core, featherkit-sql (with
its duckdb extra) and featherkit-fsspec (for the database on
a loopback S3 server, see ``conftest.py``) installed: the ``tests`` session.
"""

from __future__ import annotations

import io
import sqlite3
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from featherkit_sql import DuckDBTask, SQLite3Config, SQLite3Task
from flyteidl.core import execution_pb2

from featherkit import kwtypes
from featherkit.serialization import SerializationSettings, serialize
from featherkit.testing.resolvers import run_container

SETTINGS = SerializationSettings(image="ghcr.io/acme/sql:1", version="v1")


@dataclass
class Order:
    name: str
    total: float


@pytest.fixture
def shop_db(tmp_path: Path) -> Path:
    path = tmp_path / "db" / "shop.db"
    path.parent.mkdir()
    con = sqlite3.connect(path)
    with con:
        con.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, name TEXT, total REAL)")
        con.executemany(
            "INSERT INTO orders (name, total) VALUES (?, ?)",
            [("ada", 12.5), ("bob", 7.0), ("cy", 40.25), ("1; DROP TABLE orders", 3.0)],
        )
    con.close()
    return path


def top_customers(uri: str, output_type: object = list[Order]) -> SQLite3Task:
    return SQLite3Task(
        "shop.top_customers",
        query_template="""
            SELECT name, total FROM orders
            WHERE total > {{ .inputs.min_total }}
            ORDER BY total DESC LIMIT {{ .inputs.n }}
        """,
        inputs=kwtypes(min_total=float, n=int),
        output_type=output_type,
        task_config=SQLite3Config(uri=uri),
    )


def run(task, inputs: dict, workdir: Path, cwd: Path | None = None):  # type: ignore[no-untyped-def]
    template = serialize(task, SETTINGS)
    assert list(template.container.args)[-5:] == [
        "--resolver", "featherkit.resolvers.template", "--", "{{.taskTemplatePath}}",
        task.template_executor,
    ]
    return run_container(
        list(template.container.args), task.inputs_to_literals(inputs), workdir,
        template=template, cwd=cwd,
    )


def test_sqlite_task_runs_from_its_template(shop_db: Path, tmp_path: Path) -> None:
    task = top_customers(str(shop_db))
    result = run(task, {"min_total": 10.0, "n": 2}, tmp_path / "pod")
    assert result.error is None, result.stderr
    assert result.returncode == 0, result.stderr
    assert result.outputs is not None, result.stderr
    assert task.literals_to_outputs(result.outputs) == [Order("cy", 40.25), Order("ada", 12.5)]


def test_relative_database_path_is_the_pods(shop_db: Path, tmp_path: Path) -> None:
    """A relative uri names a file in the container's working directory (the image)."""
    task = top_customers("shop.db")
    result = run(task, {"min_total": 0.0, "n": 1}, tmp_path / "pod", cwd=shop_db.parent)
    assert result.outputs is not None, result.stderr
    assert task.literals_to_outputs(result.outputs) == [Order("cy", 40.25)]


def test_injection_is_data_in_the_container(shop_db: Path, tmp_path: Path) -> None:
    task = SQLite3Task(
        "shop.by_name", "SELECT id, name FROM orders WHERE name = {{ .inputs.name }}",
        inputs=kwtypes(name=str), task_config=SQLite3Config(uri=str(shop_db)),
    )
    result = run(task, {"name": "1; DROP TABLE orders"}, tmp_path / "pod")
    assert result.outputs is not None, result.stderr
    assert task.literals_to_outputs(result.outputs) == [{"id": 4, "name": "1; DROP TABLE orders"}]
    con = sqlite3.connect(shop_db)
    try:
        assert con.execute("SELECT count(*) FROM orders").fetchone() == (4,)
    finally:
        con.close()


def test_sql_error_is_a_user_error(shop_db: Path, tmp_path: Path) -> None:
    task = SQLite3Task("shop.broken", "SELECT missing_column FROM orders",
                       task_config=SQLite3Config(uri=str(shop_db)))
    result = run(task, {}, tmp_path / "pod")
    assert result.outputs is None
    assert result.error is not None, result.stderr
    assert result.error.error.origin == execution_pb2.ExecutionError.USER
    assert "no such column: missing_column" in result.error.error.message
    assert "shop.broken" in result.error.error.message


def test_column_mismatch_is_checked_in_the_container(shop_db: Path, tmp_path: Path) -> None:
    """The row dataclass travels in the template's literal type; the container checks it."""
    task = SQLite3Task("shop.mismatch", "SELECT name, total, id FROM orders",
                       output_type=list[Order], task_config=SQLite3Config(uri=str(shop_db)))
    result = run(task, {}, tmp_path / "pod")
    assert result.outputs is None
    assert result.error is not None, result.stderr
    assert "column 'id' has no field in Order" in result.error.error.message


def test_duckdb_task_runs_from_its_template(tmp_path: Path) -> None:
    task = DuckDBTask("calc.double", "SELECT {{ .inputs.x }} * 2 AS doubled",
                      inputs=kwtypes(x=int))
    result = run(task, {"x": 21}, tmp_path / "pod")
    assert result.outputs is not None, result.stderr
    assert task.literals_to_outputs(result.outputs) == [{"doubled": 42}]


def test_compressed_database_on_s3(shop_db: Path, tmp_path: Path, s3, bucket: str) -> None:
    """The database is read through storage (featherkit-fsspec), here a tar.gz on S3."""
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w:gz") as tf:
        tf.add(shop_db, arcname="shop.db")
    uri = f"s3://{bucket}/data/shop.tar.gz"
    s3.filesystem().pipe(uri, archive.getvalue())
    task = SQLite3Task(
        "shop.remote_top", "SELECT name, total FROM orders ORDER BY total DESC LIMIT 1",
        output_type=list[Order], task_config=SQLite3Config(uri=uri, compressed=True),
    )
    assert task() == [Order("cy", 40.25)]  # locally, in this process
    result = run(task, {}, tmp_path / "pod")  # and in a pod, whose environment points at S3
    assert result.outputs is not None, result.stderr
    assert task.literals_to_outputs(result.outputs) == [Order("cy", 40.25)]
