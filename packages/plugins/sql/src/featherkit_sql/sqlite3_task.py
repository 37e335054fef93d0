"""SQLite3Task: a query on a SQLite database file, wire compatible with flytekit's ``sqlite``."""

from __future__ import annotations

import contextlib
import datetime
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

from featherkit_sql.database import database_file
from featherkit_sql.errors import SQLDefinitionError, SQLExecutionError
from featherkit_sql.task import EmbeddedSQLTask

if TYPE_CHECKING:
    from featherkit import SerializationSettings


@dataclass
class SQLite3Config:
    """Which SQLite database a :class:`SQLite3Task` reads.

    ``uri``: a local path (relative to the working directory; in a container, a path inside
    the image) or any URI a storage plugin reads (``s3://bucket/shop.db`` with
    featherkit-fsspec). ``compressed``: the file is an archive holding exactly one file, the
    database (tar, tar.gz/bz2/xz, zip, or a gzip/bzip2/xz-compressed file), as flytekit's
    ``compressed`` flag means.
    """

    uri: str
    compressed: bool = False


def _utc_text(value: datetime.datetime) -> str:
    """SQLite's own datetime text (``datetime('now')`` form): UTC, no offset."""
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return value.isoformat(sep=" ")


class SQLite3Task(EmbeddedSQLTask):
    """A SQLite query with typed inputs bound as parameters; rows become ``output_type``.

    Task type ``sqlite`` with ``custom = {query_template, uri, compressed}``, like flytekit's
    ``SQLite3Task``, whose ``output_schema_type=`` keyword is accepted as another name for
    ``output_type``. In a container it runs through the template resolver from its serialized
    template, so the image needs featherkit and featherkit-sql (core has the template
    resolver), but no user code: ``container_image`` (default: the serialization settings' image).

    The database is opened read-only: a query task reads data, and a downloaded copy would
    lose any change anyway. Datetime inputs are bound as SQLite datetime text in UTC
    (``YYYY-MM-DD HH:MM:SS[.ffffff]``), dates as ``YYYY-MM-DD``, booleans as 0/1.
    """

    template_executor: ClassVar[str] = "sqlite3"
    engine: ClassVar[str] = "SQLite"
    TASK_TYPE: ClassVar[str] = "sqlite"

    def __init__(
        self,
        name: str,
        query_template: str,
        *,
        task_config: SQLite3Config | None = None,
        output_schema_type: Any = None,
        **kwargs: Any,
    ) -> None:
        if output_schema_type is not None:
            # flytekit's name for the output type; its FlyteSchema types are not featherkit's,
            # so the type given must be one featherkit-sql produces (list[dict], ...)
            if "output_type" in kwargs:
                raise SQLDefinitionError(
                    f"task {name!r}: give output_type or output_schema_type (flytekit's name "
                    "for it), not both"
                )
            kwargs["output_type"] = output_schema_type
        if not isinstance(task_config, SQLite3Config) or not task_config.uri:
            raise SQLDefinitionError(
                f"task {name!r}: SQLite3Task needs task_config=SQLite3Config(uri=...) naming "
                f"the database, got {task_config!r}"
            )
        super().__init__(
            name, query_template, task_config=task_config, task_type=self.TASK_TYPE, **kwargs
        )

    @property
    def config(self) -> SQLite3Config:
        config: SQLite3Config = self.task_config
        return config

    def custom_fields(self, settings: SerializationSettings) -> dict[str, Any]:
        return {
            "query_template": self.query_template,
            "uri": self.config.uri,
            "compressed": self.config.compressed,
        }

    @classmethod
    def config_from_custom(cls, task_name: str, custom: Mapping[str, Any]) -> SQLite3Config:
        uri = custom.get("uri")
        if not isinstance(uri, str) or not uri:
            raise SQLDefinitionError(
                f"task {task_name!r}: its template's custom has no database uri"
            )
        return SQLite3Config(uri=uri, compressed=bool(custom.get("compressed", False)))

    def bind_value(self, name: str, value: Any) -> Any:
        value = super().bind_value(name, value)
        if isinstance(value, datetime.datetime):
            return _utc_text(value)
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value

    def run_query(self, query: str, parameters: list[Any]) -> tuple[list[str], list[Any]]:
        config = self.config
        with database_file(config.uri, compressed=config.compressed, task_name=self.name) as path:
            try:
                connection = sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True)
            except sqlite3.Error as exc:
                raise SQLExecutionError(
                    f"task {self.name!r}: cannot open SQLite database {config.uri!r}: {exc}"
                ) from exc
            with contextlib.closing(connection):
                try:
                    cursor = connection.execute(query, parameters)
                    columns = [d[0] for d in cursor.description or ()]
                    rows = cursor.fetchall()
                except sqlite3.Error as exc:
                    raise SQLExecutionError(
                        f"task {self.name!r}: SQLite could not run the query on "
                        f"{config.uri!r}: {type(exc).__name__}: {exc}\n  query: {query}"
                    ) from exc
        return columns, rows
