"""Fixtures: a real SQLite database file made by the test, and serialization settings."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

ORDERS = [
    (1, "ada", 12.5, "2024-01-02 10:00:00", 1),
    (2, "bob", 7.0, "2024-02-03 11:30:00", 0),
    (3, "cy", 40.25, "2024-03-04 12:45:00", 1),
    (4, "1; DROP TABLE orders", 3.0, "2024-04-05 00:00:00", 0),
    (5, "dee", 40.25, "2024-05-06 08:15:00", None),
]


def make_shop(path: Path) -> Path:
    with sqlite3.connect(path) as con:
        con.execute(
            "CREATE TABLE orders (id INTEGER PRIMARY KEY, name TEXT NOT NULL, total REAL, "
            "placed TEXT, paid INTEGER)"
        )
        con.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?)", ORDERS)
    con.close()
    return path


@pytest.fixture
def shop_db(tmp_path: Path) -> Path:
    """A SQLite file with an ``orders`` table (see ORDERS)."""
    return make_shop(tmp_path / "shop.db")


def _order_count(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        (count,) = con.execute("SELECT count(*) FROM orders").fetchone()
    finally:
        con.close()
    return int(count)


@pytest.fixture
def order_count():
    """``order_count(path)``: how many rows the ``orders`` table of ``path`` holds."""
    return _order_count


@pytest.fixture
def settings():
    from featherkit import SerializationSettings

    return SerializationSettings(image="ghcr.io/acme/app:v1", version="v1", project="p",
                                 domain="d")
