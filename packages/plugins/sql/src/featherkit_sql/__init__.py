"""featherkit-sql: typed SQL tasks with bound parameters.

``SQLite3Task`` (embedded, stdlib ``sqlite3``) and ``DuckDBTask`` (``featherkit-sql[duckdb]``)
run their query in-process, locally and in a container; ``SQLTask`` is a statement a Flyte
backend runs itself. ``DuckDBQuery`` is flytekit's DuckDB task class under its own name.

Names load on first access: the plugin's entry point (``featherkit_sql.plugin``) lives in this
package, and every pod's cold start loads it, so importing the package must stay cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "Dialect": "featherkit_sql.task",
    "EmbeddedSQLTask": "featherkit_sql.task",
    "SQLTask": "featherkit_sql.task",
    "DuckDBConfig": "featherkit_sql.duckdb_task",
    "DuckDBTask": "featherkit_sql.duckdb_task",
    "DuckDBQuery": "featherkit_sql.duckdb_query",
    "DuckDBProvider": "featherkit_sql.duckdb_query",
    "MissingSecretError": "featherkit_sql.duckdb_query",
    "SQLite3Config": "featherkit_sql.sqlite3_task",
    "SQLite3Task": "featherkit_sql.sqlite3_task",
    "SQLDefinitionError": "featherkit_sql.errors",
    "SQLExecutionError": "featherkit_sql.errors",
    "SQLResultError": "featherkit_sql.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'featherkit_sql' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:
    from featherkit_sql.duckdb_query import DuckDBProvider, DuckDBQuery, MissingSecretError
    from featherkit_sql.duckdb_task import DuckDBConfig, DuckDBTask
    from featherkit_sql.errors import SQLDefinitionError, SQLExecutionError, SQLResultError
    from featherkit_sql.sqlite3_task import SQLite3Config, SQLite3Task
    from featherkit_sql.task import Dialect, EmbeddedSQLTask, SQLTask
