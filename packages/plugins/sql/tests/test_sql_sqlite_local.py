"""SQLite3Task run locally on a real database file made by the test."""

from __future__ import annotations

import bz2
import datetime
import enum
import gzip
import io
import os
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pytest
from featherkit_sql import SQLExecutionError, SQLite3Config, SQLite3Task, SQLResultError

from featherkit import TaskMetadata, kwtypes
from featherkit.testing import MemoryStorage, registered


@dataclass
class Order:
    name: str
    total: float


@dataclass
class FullOrder:
    id: int
    name: str
    total: float
    placed: datetime.datetime
    paid: Optional[bool]
    note: str = "none"


def top(db: Path, output_type=list[Order], **config) -> SQLite3Task:
    return SQLite3Task(
        "top_customers",
        query_template="""
            SELECT name, total FROM orders
            WHERE total > {{ .inputs.min_total }}
            ORDER BY total DESC, name LIMIT {{ .inputs.n }}
        """,
        inputs=kwtypes(min_total=float, n=int),
        output_type=output_type,
        task_config=SQLite3Config(uri=str(db), **config),
    )


def test_rows_become_dataclasses(shop_db):
    assert top(shop_db)(min_total=10.0, n=5) == [
        Order("cy", 40.25), Order("dee", 40.25), Order("ada", 12.5)
    ]
    assert top(shop_db)(min_total=10.0, n=1) == [Order("cy", 40.25)]


def test_rows_become_dicts_by_default(shop_db):
    task = SQLite3Task(
        "by_id", "SELECT id, name, paid FROM orders WHERE id <= {{ .inputs.last }} ORDER BY id",
        inputs=kwtypes(last=int), task_config=SQLite3Config(uri=str(shop_db)),
    )
    assert task(last=2) == [
        {"id": 1, "name": "ada", "paid": 1},
        {"id": 2, "name": "bob", "paid": 0},
    ]


def test_field_types_are_converted_exactly(shop_db):
    task = SQLite3Task(
        "full", "SELECT id, name, total, placed, paid FROM orders WHERE id IN (3, 5) ORDER BY id",
        output_type=list[FullOrder], task_config=SQLite3Config(uri=str(shop_db)),
    )
    assert task() == [
        FullOrder(3, "cy", 40.25, datetime.datetime(2024, 3, 4, 12, 45), True),
        FullOrder(5, "dee", 40.25, datetime.datetime(2024, 5, 6, 8, 15), None),
    ]


def test_injection_attempts_are_data(shop_db, order_count):
    """Inputs are bound by the driver: SQL in a value is compared as text, never run."""
    by_name = SQLite3Task(
        "by_name", "SELECT id, name FROM orders WHERE name = {{ .inputs.name }}",
        inputs=kwtypes(name=str), task_config=SQLite3Config(uri=str(shop_db)),
    )
    by_id = SQLite3Task(
        "by_id", "SELECT id, name FROM orders WHERE id = {{ .inputs.id }}",
        inputs=kwtypes(id=str), task_config=SQLite3Config(uri=str(shop_db)),
    )
    # pasted, this would be `id = 1; DROP TABLE orders`: bound, it is a string matching no id
    assert by_id(id="1; DROP TABLE orders") == []
    # pasted into quotes it would match every row; bound, it matches none
    assert by_name(name="nobody' OR '1'='1") == []
    # and a name that *is* that text is found as data
    assert by_name(name="1; DROP TABLE orders") == [{"id": 4, "name": "1; DROP TABLE orders"}]
    assert order_count(shop_db) == 5  # the table survives


def test_the_serialized_query_keeps_placeholders(shop_db, settings):
    task = top(shop_db)
    assert "{{ .inputs.min_total }}" in task.query_template
    assert task.bound_query == (
        "SELECT name, total FROM orders WHERE total > ? ORDER BY total DESC, name LIMIT ?"
    )


def test_datetime_date_bool_enum_and_optional_inputs(shop_db):
    class Paid(enum.Enum):
        YES = "1"
        NO = "0"

    task = SQLite3Task(
        "since",
        "SELECT id FROM orders WHERE placed >= {{ .inputs.since }} "
        "AND date(placed) <= {{ .inputs.until }} AND paid = {{ .inputs.paid }} "
        "AND paid = CAST({{ .inputs.paid_e }} AS INTEGER) "
        "AND ({{ .inputs.name }} IS NULL OR name = {{ .inputs.name }}) ORDER BY id",
        inputs=kwtypes(since=datetime.datetime, until=datetime.date, paid=bool, paid_e=Paid,
                       name=Optional[str]),
        task_config=SQLite3Config(uri=str(shop_db)),
    )
    since = datetime.datetime(2024, 1, 2, 10, 0, tzinfo=datetime.timezone.utc)
    until = datetime.date(2024, 3, 4)
    assert task(since=since, until=until, paid=True, paid_e=Paid.YES, name=None) == [
        {"id": 1}, {"id": 3}
    ]
    assert task(since=since, until=until, paid=True, paid_e=Paid.YES, name="cy") == [{"id": 3}]
    assert task(since=since, until=until, paid=False, paid_e=Paid.NO, name=None) == [{"id": 2}]


def test_column_without_field_is_named(shop_db):
    task = SQLite3Task("t", "SELECT name, total, id FROM orders", output_type=list[Order],
                       task_config=SQLite3Config(uri=str(shop_db)))
    with pytest.raises(SQLResultError, match=r"column 'id' has no field in Order"):
        task()


def test_field_without_column_is_named(shop_db):
    task = SQLite3Task("t", "SELECT name FROM orders", output_type=list[Order],
                       task_config=SQLite3Config(uri=str(shop_db)))
    with pytest.raises(SQLResultError, match=r"field 'total' of Order has no column"):
        task()


def test_field_with_default_may_be_missing(shop_db):
    task = SQLite3Task("t", "SELECT id, name, total, placed, paid FROM orders WHERE id = 1",
                       output_type=list[FullOrder], task_config=SQLite3Config(uri=str(shop_db)))
    assert task()[0].note == "none"


def test_value_type_mismatch_names_the_column(shop_db):
    task = SQLite3Task("t", "SELECT name, placed AS total FROM orders", output_type=list[Order],
                       task_config=SQLite3Config(uri=str(shop_db)))
    with pytest.raises(SQLResultError, match=r"column 'total' in row 1 holds str '2024-01-02"):
        task()


def test_null_in_a_required_field_names_the_column(shop_db):
    @dataclass
    class Paid:
        id: int
        paid: bool

    task = SQLite3Task("t", "SELECT id, paid FROM orders ORDER BY id", output_type=list[Paid],
                       task_config=SQLite3Config(uri=str(shop_db)))
    with pytest.raises(SQLResultError, match=r"column 'paid' in row 5 holds NULL.*Optional"):
        task()


def test_duplicate_columns_are_refused(shop_db):
    task = SQLite3Task("t", "SELECT id, id FROM orders",
                       task_config=SQLite3Config(uri=str(shop_db)))
    with pytest.raises(SQLResultError, match="returns column 'id' twice"):
        task()


def test_sql_errors_name_the_task_and_database(shop_db):
    task = SQLite3Task("broken", "SELECT nope FROM orders",
                       task_config=SQLite3Config(uri=str(shop_db)))
    with pytest.raises(SQLExecutionError, match=r"'broken'.*no such column: nope"):
        task()


def test_missing_database_is_a_clear_error(tmp_path):
    task = SQLite3Task("t", "SELECT 1", task_config=SQLite3Config(uri=str(tmp_path / "no.db")))
    with pytest.raises(SQLExecutionError, match=r"database file .*no.db' does not exist"):
        task()


def test_database_is_opened_read_only(shop_db, order_count):
    task = SQLite3Task("writer", "DELETE FROM orders RETURNING id",
                       task_config=SQLite3Config(uri=str(shop_db)))
    with pytest.raises(SQLExecutionError, match="readonly"):
        task()
    assert order_count(shop_db) == 5


def test_no_outputs(shop_db):
    task = SQLite3Task("check", "SELECT count(*) FROM orders", output_type=None,
                       task_config=SQLite3Config(uri=str(shop_db)))
    assert task() is None
    assert task.python_interface.outputs == {}


def test_cached_local_runs(shop_db, tmp_path, monkeypatch):
    monkeypatch.setenv("FEATHERKIT_CACHE_DIR", str(tmp_path / "cache"))
    task = SQLite3Task(
        "cached", "SELECT name, total FROM orders WHERE id = {{ .inputs.id }}",
        inputs=kwtypes(id=int), output_type=list[Order],
        task_config=SQLite3Config(uri=str(shop_db)),
        metadata=TaskMetadata(cache=True, cache_version="1"),
    )
    assert task.metadata.cache
    assert task(id=1) == [Order("ada", 12.5)]


# --- databases that are not a plain local file ----------------------------------------------


def _archives(db: Path) -> dict[str, bytes]:
    data = db.read_bytes()
    out: dict[str, bytes] = {}
    for mode, suffix in (("w", "tar"), ("w:gz", "tar.gz"), ("w:bz2", "tar.bz2"),
                         ("w:xz", "tar.xz")):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode=mode) as tf:
            info = tarfile.TarInfo("data/shop.db")
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        out[suffix] = buf.getvalue()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("shop.db", data)
    out["zip"] = buf.getvalue()
    out["gz"] = gzip.compress(data)
    out["bz2"] = bz2.compress(data)
    return out


@pytest.mark.parametrize("kind", ["tar", "tar.gz", "tar.bz2", "tar.xz", "zip", "gz", "bz2"])
def test_compressed_database(shop_db, tmp_path, kind):
    archive = tmp_path / f"archive.{kind}"
    archive.write_bytes(_archives(shop_db)[kind])
    assert top(archive, compressed=True)(min_total=30.0, n=1) == [Order("cy", 40.25)]


def test_archive_with_several_files_is_refused(shop_db, tmp_path):
    archive = tmp_path / "two.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a.db", shop_db.read_bytes())
        zf.writestr("b.db", shop_db.read_bytes())
    with pytest.raises(SQLExecutionError, match=r"zip archive holds 2 files \(a.db, b.db\)"):
        top(archive, compressed=True)(min_total=1.0, n=1)


def test_not_an_archive_is_refused(shop_db):
    with pytest.raises(SQLExecutionError, match="not an archive of a known kind"):
        top(shop_db, compressed=True)(min_total=1.0, n=1)


@pytest.mark.parametrize("kind", [None, "tar.gz"])
def test_database_read_through_storage(shop_db, kind):
    storage = MemoryStorage()
    uri = "mem://bucket/shop.db" + (f".{kind}" if kind else "")
    storage.objects[uri] = _archives(shop_db)[kind] if kind else shop_db.read_bytes()
    with registered(storage):
        task = top(Path("unused"), compressed=bool(kind))
        task.task_config = SQLite3Config(uri=uri, compressed=bool(kind))
        assert task(min_total=30.0, n=1) == [Order("cy", 40.25)]
    assert storage.downloads == [uri]


def test_unreadable_storage_uri_is_a_clear_error():
    storage = MemoryStorage()
    with registered(storage):
        task = SQLite3Task("t", "SELECT 1", task_config=SQLite3Config(uri="mem://b/none.db"))
        with pytest.raises(SQLExecutionError, match=r"cannot read database 'mem://b/none.db'"):
            task()


def test_temporary_copies_are_removed(shop_db, tmp_path, monkeypatch):
    archive = tmp_path / "shop.tar.gz"
    archive.write_bytes(_archives(shop_db)["tar.gz"])
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    top(archive, compressed=True)(min_total=1.0, n=1)
    assert os.listdir(scratch) == []
