"""featherkit-sql: typed SQL tasks with bound parameters.

``SQLite3Task`` (embedded, stdlib ``sqlite3``) and ``DuckDBTask`` (``featherkit-sql[duckdb]``)
run their query in-process, locally and in a container; ``SQLTask`` is a statement a Flyte
backend runs itself.
"""

from featherkit_sql.duckdb_task import DuckDBConfig, DuckDBTask
from featherkit_sql.errors import SQLDefinitionError, SQLExecutionError, SQLResultError
from featherkit_sql.sqlite3_task import SQLite3Config, SQLite3Task
from featherkit_sql.task import Dialect, EmbeddedSQLTask, SQLTask

__all__ = [
    "Dialect",
    "DuckDBConfig",
    "DuckDBTask",
    "EmbeddedSQLTask",
    "SQLDefinitionError",
    "SQLExecutionError",
    "SQLResultError",
    "SQLTask",
    "SQLite3Config",
    "SQLite3Task",
]
