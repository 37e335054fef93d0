"""DuckDBTask: the same API on DuckDB (``pip install featherkit-sql[duckdb]``).

``duckdb`` is imported when a query runs, so defining and serializing a DuckDB task works
without it; running one without it is an error saying which extra to install.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from featherkit_sql.database import database_file
from featherkit_sql.errors import SQLDefinitionError, SQLExecutionError
from featherkit_sql.task import _BINDABLE, EmbeddedSQLTask

if TYPE_CHECKING:
    from featherkit import SerializationSettings


@dataclass
class DuckDBConfig:
    """Which DuckDB database a :class:`DuckDBTask` reads.

    ``uri``: ``None`` for an in-memory database (queries that read files themselves, such as
    ``SELECT ... FROM read_parquet(...)``, or compute), else a DuckDB database file as a local
    path or a URI a storage plugin reads, opened read-only. ``compressed``: the file is an
    archive holding exactly one file, as for :class:`featherkit_sql.SQLite3Config`.
    """

    uri: str | None = None
    compressed: bool = False


class DuckDBTask(EmbeddedSQLTask):
    """A DuckDB query with typed inputs bound as parameters; rows become ``output_type``.

    Task type ``duckdb`` (the type string flytekit's DuckDB plugin uses) with
    ``custom = {query_template, uri, compressed}``; in a container it runs through the
    template resolver like :class:`featherkit_sql.SQLite3Task`. Datetimes, dates and
    timedeltas are bound as DuckDB TIMESTAMP/DATE/INTERVAL values.
    """

    template_executor: ClassVar[str] = "duckdb"
    engine: ClassVar[str] = "DuckDB"
    bindable_types: ClassVar[tuple[Any, ...]] = (*_BINDABLE, datetime.timedelta)
    TASK_TYPE: ClassVar[str] = "duckdb"

    def __init__(
        self,
        name: str,
        query_template: str,
        *,
        task_config: DuckDBConfig | None = None,
        **kwargs: Any,
    ) -> None:
        if task_config is None:
            task_config = DuckDBConfig()
        if not isinstance(task_config, DuckDBConfig):
            raise SQLDefinitionError(
                f"task {name!r}: DuckDBTask takes task_config=DuckDBConfig(...), "
                f"got {type(task_config).__name__}"
            )
        if task_config.compressed and not task_config.uri:
            raise SQLDefinitionError(
                f"task {name!r}: DuckDBConfig(compressed=True) needs a uri to decompress"
            )
        super().__init__(
            name, query_template, task_config=task_config, task_type=self.TASK_TYPE, **kwargs
        )

    @property
    def config(self) -> DuckDBConfig:
        config: DuckDBConfig = self.task_config
        return config

    def custom_fields(self, settings: SerializationSettings) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "query_template": self.query_template,
            "compressed": self.config.compressed,
        }
        if self.config.uri:
            fields["uri"] = self.config.uri
        return fields

    @classmethod
    def config_from_custom(cls, task_name: str, custom: Mapping[str, Any]) -> DuckDBConfig:
        uri = custom.get("uri")
        if uri is not None and not isinstance(uri, str):
            raise SQLDefinitionError(
                f"task {task_name!r}: its template's database uri is not text: {uri!r}"
            )
        return DuckDBConfig(uri=uri or None, compressed=bool(custom.get("compressed", False)))

    def run_query(self, query: str, parameters: list[Any]) -> tuple[list[str], list[Any]]:
        try:
            import duckdb
        except ImportError as exc:
            raise SQLExecutionError(
                f"task {self.name!r}: DuckDB is not installed; "
                "pip install 'featherkit-sql[duckdb]'"
            ) from exc
        config = self.config
        with contextlib.ExitStack() as stack:
            if config.uri:
                path = stack.enter_context(
                    database_file(config.uri, compressed=config.compressed, task_name=self.name)
                )
                where = repr(config.uri)
            else:
                path, where = ":memory:", "an in-memory database"
            try:
                connection = duckdb.connect(path, read_only=path != ":memory:")
            except duckdb.Error as exc:
                raise SQLExecutionError(
                    f"task {self.name!r}: cannot open DuckDB database {where}: {exc}"
                ) from exc
            stack.callback(connection.close)
            try:
                cursor = connection.execute(query, parameters)
                columns = [d[0] for d in cursor.description or ()]
                rows = cursor.fetchall()
            except duckdb.Error as exc:
                raise SQLExecutionError(
                    f"task {self.name!r}: DuckDB could not run the query on {where}: "
                    f"{type(exc).__name__}: {exc}\n  query: {query}"
                ) from exc
        return columns, rows
