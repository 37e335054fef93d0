"""featherkit-sql's hook implementations (entry point ``sql`` in group ``featherkit``).

* ``get_custom``: a SQL task's ``custom`` (``query_template``, ``uri``, ``compressed`` for the
  embedded engines);
* ``get_sql``: the ``Sql`` target of a backend-run :class:`featherkit_sql.SQLTask`;
* ``get_container``: the container of an embedded engine, whose args go through the template
  resolver (``--resolver featherkit.resolvers.template -- {{.taskTemplatePath}} <executor>``);
* ``register_template_executors``: ``sqlite3`` and ``duckdb``, which rebuild a runnable task
  from its serialized template.

``register_task_types`` is deliberately not implemented: it maps a ``task_config`` type to a
task class built around a decorated function, and a SQL task has no function; SQL tasks are
constructed directly, as in flytekit.

Importing this module loads neither protobuf nor a database driver.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from featherkit.extend import hookimpl

if TYPE_CHECKING:
    from flyteidl.core import tasks_pb2

    from featherkit import SerializationSettings
    from featherkit.extend import Task
    from featherkit_sql.task import EmbeddedSQLTask, SQLTask


_CLASSES: tuple[type[SQLTask], type[EmbeddedSQLTask]] | None = None


def _classes() -> tuple[type[SQLTask], type[EmbeddedSQLTask]]:
    """(:class:`SQLTask`, :class:`EmbeddedSQLTask`), imported on the first serialization (not
    with this module), then kept: the hooks run for every task a package serializes."""
    global _CLASSES
    if _CLASSES is None:
        from featherkit_sql.task import EmbeddedSQLTask, SQLTask

        _CLASSES = (SQLTask, EmbeddedSQLTask)
    return _CLASSES


@hookimpl
def get_custom(task: Task, settings: SerializationSettings) -> Mapping[str, Any] | None:
    if isinstance(task, (_CLASSES or _classes())[0]):
        return task.custom_fields(settings) or None
    return None


@hookimpl
def get_sql(task: Task, settings: SerializationSettings) -> tasks_pb2.Sql | None:
    if isinstance(task, (_CLASSES or _classes())[0]):
        return task.sql_target(settings)
    return None


@hookimpl
def get_container(task: Task, settings: SerializationSettings) -> tasks_pb2.Container | None:
    if isinstance(task, (_CLASSES or _classes())[1]):
        from featherkit.extend import python_container

        # the task's resolver is the template resolver reference, so the args read
        # ... --resolver featherkit.resolvers.template -- {{.taskTemplatePath}} <executor>
        return python_container(task, settings)
    return None


@hookimpl
def register_template_executors(register: Callable[[str, Callable[[Any], Any]], None]) -> None:
    from featherkit_sql.duckdb_task import DuckDBTask
    from featherkit_sql.sqlite3_task import SQLite3Task

    register(SQLite3Task.template_executor, SQLite3Task.from_template)
    register(DuckDBTask.template_executor, DuckDBTask.from_template)
