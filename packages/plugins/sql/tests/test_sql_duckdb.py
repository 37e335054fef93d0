"""DuckDBTask: the same API on DuckDB (the `test` extra installs duckdb)."""

from __future__ import annotations

import datetime
import gzip
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import duckdb
import pytest
from featherkit_sql import DuckDBConfig, DuckDBTask, SQLExecutionError, SQLResultError

from featherkit import kwtypes


@pytest.fixture
def duck_db(tmp_path: Path) -> Path:
    path = tmp_path / "shop.duckdb"
    con = duckdb.connect(str(path))
    try:
        con.execute("CREATE TABLE orders (id INTEGER, name VARCHAR, total DECIMAL(10, 2), "
                    "placed TIMESTAMP, paid BOOLEAN)")
        con.execute("INSERT INTO orders VALUES "
                    "(1, 'ada', 12.50, '2024-01-02 10:00:00', true), "
                    "(2, 'bob', 7.00, '2024-02-03 11:30:00', false), "
                    "(3, '1; DROP TABLE orders', 3.00, '2024-04-05 00:00:00', NULL)")
    finally:
        con.close()
    return path


@dataclass
class Order:
    id: int
    name: str
    total: float
    placed: datetime.datetime
    paid: Optional[bool]


def count(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return int(con.execute("SELECT count(*) FROM orders").fetchone()[0])
    finally:
        con.close()


def test_in_memory_query_with_bound_inputs():
    @dataclass
    class Out:
        doubled: int
        later: datetime.timedelta

    task = DuckDBTask(
        "calc",
        "SELECT {{ .inputs.x }} * 2 AS doubled, {{ .inputs.gap }} + INTERVAL 1 DAY AS later",
        inputs=kwtypes(x=int, gap=datetime.timedelta),
        output_type=list[Out],
    )
    assert task(x=21, gap=datetime.timedelta(hours=1)) == [
        Out(42, datetime.timedelta(days=1, hours=1))
    ]


def test_rows_from_a_database_file(duck_db):
    task = DuckDBTask(
        "orders_since",
        "SELECT * FROM orders WHERE placed >= {{ .inputs.since }} ORDER BY id",
        inputs=kwtypes(since=datetime.datetime), output_type=list[Order],
        task_config=DuckDBConfig(uri=str(duck_db)),
    )
    assert task(since=datetime.datetime(2024, 2, 1)) == [
        Order(2, "bob", 7.0, datetime.datetime(2024, 2, 3, 11, 30), False),
        Order(3, "1; DROP TABLE orders", 3.0, datetime.datetime(2024, 4, 5), None),
    ]


def test_injection_attempts_are_data(duck_db):
    task = DuckDBTask(
        "by_name", "SELECT id FROM orders WHERE name = {{ .inputs.name }}",
        inputs=kwtypes(name=str), task_config=DuckDBConfig(uri=str(duck_db)),
    )
    assert task(name="x' OR '1'='1") == []
    assert task(name="1; DROP TABLE orders") == [{"id": 3}]
    assert count(duck_db) == 3


def test_database_is_read_only(duck_db):
    task = DuckDBTask("drop", "DROP TABLE orders", output_type=None,
                      task_config=DuckDBConfig(uri=str(duck_db)))
    with pytest.raises(SQLExecutionError, match="read-only"):
        task()
    assert count(duck_db) == 3


def test_compressed_database_file(duck_db, tmp_path):
    archive = tmp_path / "shop.duckdb.gz"
    archive.write_bytes(gzip.compress(duck_db.read_bytes()))
    task = DuckDBTask("n", "SELECT count(*) AS n FROM orders",
                      task_config=DuckDBConfig(uri=str(archive), compressed=True))
    assert task() == [{"n": 3}]


def test_dict_rows_refuse_values_they_cannot_carry(duck_db):
    task = DuckDBTask("raw", "SELECT id, placed FROM orders ORDER BY id",
                      task_config=DuckDBConfig(uri=str(duck_db)))
    with pytest.raises(SQLResultError, match=r"column 'placed' in row 1 holds datetime.*dataclass"):
        task()


def test_errors_name_the_task():
    task = DuckDBTask("broken", "SELECT * FROM missing_table")
    with pytest.raises(SQLExecutionError, match=r"'broken'.*in-memory database.*missing_table"):
        task()


def test_missing_duckdb_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "duckdb", None)
    task = DuckDBTask("d", "SELECT 1 AS one")
    with pytest.raises(SQLExecutionError, match=r"featherkit-sql\[duckdb\]"):
        task()
