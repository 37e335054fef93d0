"""DuckDBQuery: flytekit's DuckDB task class (flytekitplugins-duckdb), under its own name.

A flytekit user's ``DuckDBQuery(name=..., query=..., inputs=kwtypes(...))`` keeps working:

* ``query`` is one SQL statement or a list run in order (the last one's rows are the result);
  ``None`` means the task takes the query as its ``query: str`` input at run time;
* inputs are, by their value at run time: ``query`` (the statement), a ``list`` (positional
  parameters for the ``?``/``$n`` markers; a list of lists gives one list per statement that
  has markers, and an ``INSERT`` runs once per row of its list), a ``str`` (the same
  parameters as JSON), or a table (a pandas ``DataFrame``, a pyarrow ``Table``, or a
  structured dataset offering ``open(pyarrow.Table).all()``) registered under the input's
  name, so the query can select from it;
* ``provider``: ``DuckDBProvider.LOCAL`` (an in-memory database), ``DuckDBProvider.MOTHERDUCK``
  (needs one ``secret_requests`` entry holding the token) or a callable returning a
  connection (called with the token when a secret is requested);
* task type ``duckdb``; it runs in the python container like any instance task (the module
  resolver finds it by its module attribute), as flytekit's does.

The output ``result`` is ``output_type``: rows by default (``list[dict]``, or
``list[SomeDataclass]``, as for :class:`featherkit_sql.DuckDBTask`), or a frame: a pandas
``DataFrame``, a pyarrow ``Table``, or a ``StructuredDataset`` (featherkit-dataframe's),
which is flytekit's output type; give ``output_type=StructuredDataset`` for the task spec
flytekit writes. The default differs from flytekit's because featherkit-sql does not depend
on a data frame library (docs/compatibility.md).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Mapping
from typing import Any

from featherkit import Interface, PythonInstanceTask, Secret, current_context
from featherkit_sql.errors import SQLDefinitionError, SQLExecutionError
from featherkit_sql.rows import RowShape

#: the output's name, flytekit's
RESULT = "result"


class DuckDBProvider(enum.Enum):
    """Where a :class:`DuckDBQuery` connects (flytekit's names)."""

    LOCAL = "local"
    MOTHERDUCK = "motherduck"


class MissingSecretError(SQLDefinitionError, ValueError):
    """A provider that needs a token was given no ``secret_requests`` entry."""


class DuckDBQuery(PythonInstanceTask):
    """flytekit's ``DuckDBQuery(name, query=None, inputs=None, provider=LOCAL, **kwargs)``."""

    TASK_TYPE = "duckdb"

    def __init__(
        self,
        name: str,
        query: str | list[str] | None = None,
        inputs: Mapping[str, Any] | None = None,
        provider: DuckDBProvider | Callable[..., Any] = DuckDBProvider.LOCAL,
        *,
        output_type: Any = list[dict],  # type: ignore[type-arg]
        **kwargs: Any,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise SQLDefinitionError(f"a DuckDBQuery needs a name, got {name!r}")
        input_types = dict(inputs or {})
        _check_query(name, query, input_types)
        if not isinstance(provider, DuckDBProvider) and not callable(provider):
            raise SQLDefinitionError(
                f"task {name!r}: provider must be a DuckDBProvider or a callable returning a "
                f"DuckDB connection, got {provider!r}"
            )
        secrets = list(kwargs.get("secret_requests") or [])
        if len(secrets) > 1:
            raise SQLDefinitionError(
                f"task {name!r}: a DuckDBQuery takes at most one secret (its provider's "
                f"token), got {len(secrets)}"
            )
        if not secrets and provider is DuckDBProvider.MOTHERDUCK:
            raise MissingSecretError(
                f"task {name!r}: the MOTHERDUCK provider needs its token as a secret: "
                "secret_requests=[Secret(group=..., key=...)]"
            )
        self._frame_kind = _frame_kind(output_type)
        self._row_shape = (
            None if self._frame_kind else RowShape.for_output_type(name, output_type)
        )
        super().__init__(
            name,
            None,
            task_type=self.TASK_TYPE,
            interface=Interface(inputs=input_types, outputs={RESULT: output_type}),
            **kwargs,
        )
        self.query = query
        self.provider = provider
        self.output_type = output_type
        self._secret: Secret | None = secrets[0] if secrets else None

    # -- running ----------------------------------------------------------------------------

    def _connect(self) -> Any:
        try:
            import duckdb
        except ImportError as exc:
            raise SQLExecutionError(
                f"task {self.name!r}: DuckDB is not installed; pip install 'featherkit-sql[duckdb]'"
            ) from exc
        token = None
        if self._secret is not None:
            token = current_context().secrets.get(
                self._secret.group, self._secret.key, self._secret.group_version
            )
        if self.provider is DuckDBProvider.LOCAL:
            return duckdb.connect(":memory:")
        if self.provider is DuckDBProvider.MOTHERDUCK:
            return duckdb.connect("md:", config={"motherduck_token": token or ""})
        assert callable(self.provider)
        return self.provider(token) if token else self.provider()

    def execute(self, **kwargs: Any) -> Any:
        query: Any = self.query
        params: list[Any] | None = None
        connection = self._connect()
        try:
            for key in self.python_interface.inputs:
                value = kwargs.get(key)
                if key == "query" and value is not None:
                    query = value
                elif isinstance(value, list):
                    params = value
                elif isinstance(value, str):
                    params = _json_params(self.name, key, value)
                else:
                    connection.register(key, _table(self.name, key, value))
            if not query:
                raise SQLExecutionError(
                    f"task {self.name!r}: no query: give query= when defining the task or the "
                    "query input when running it"
                )
            statements = [query] if isinstance(query, str) else list(query)
            per_statement = bool(params) and isinstance(params[0], list)  # type: ignore[index]
            used = -1
            cursor = None
            for statement in statements:
                cursor, used = self._run(connection, statement, params, per_statement, used)
            if self._frame_kind:
                return self._frame(cursor)
            columns = [d[0] for d in cursor.description or ()] if cursor is not None else []
            rows = cursor.fetchall() if cursor is not None and cursor.description else []
        finally:
            connection.close()
        assert self._row_shape is not None
        return self._row_shape.rows(columns, rows)

    def _frame(self, cursor: Any) -> Any:
        """The last statement's result as the declared frame type."""
        if cursor is None or not cursor.description:
            raise SQLExecutionError(
                f"task {self.name!r}: the last statement returned no result set to make a "
                f"{_label(self.output_type)} of; end the query with a SELECT"
            )
        if self._frame_kind == "pandas":
            return cursor.df()
        # DuckDB 2 names it to_arrow_table; 1.x fetch_arrow_table
        to_table = getattr(cursor, "to_arrow_table", None) or cursor.fetch_arrow_table
        table = to_table()
        if self._frame_kind == "arrow":
            return table
        return self.output_type(dataframe=table)

    def _run(
        self, connection: Any, statement: str, params: list[Any] | None, per_statement: bool,
        used: int,
    ) -> tuple[Any, int]:
        import duckdb

        try:
            if "?" not in statement and "$" not in statement:
                return connection.execute(statement), used
            if not params:
                raise SQLExecutionError(
                    f"task {self.name!r}: the statement has parameter markers but no "
                    f"parameters were given (a list input): {statement}"
                )
            if not per_statement:
                return connection.execute(statement, params), used
            used += 1
            if used >= len(params):
                raise SQLExecutionError(
                    f"task {self.name!r}: statement {used + 1} with parameter markers has no "
                    f"parameter list (only {len(params)} given): {statement}"
                )
            if "insert" in statement.lower():
                return connection.executemany(statement, params[used]), used
            return connection.execute(statement, params[used]), used
        except duckdb.Error as exc:
            raise SQLExecutionError(
                f"task {self.name!r}: DuckDB could not run the statement: "
                f"{type(exc).__name__}: {exc}\n  query: {statement}"
            ) from exc


def _label(tp: Any) -> str:
    return f"{getattr(tp, '__module__', '')}.{getattr(tp, '__qualname__', repr(tp))}"


def _frame_kind(output_type: Any) -> str | None:
    """``pandas``/``arrow``/``dataset`` for a frame output type, ``None`` for rows."""
    if not isinstance(output_type, type):
        return None
    module = output_type.__module__.split(".")[0]
    if (module, output_type.__name__) == ("pandas", "DataFrame"):
        return "pandas"
    if (module, output_type.__name__) == ("pyarrow", "Table"):
        return "arrow"
    if output_type.__name__ == "StructuredDataset":
        return "dataset"
    return None


def _check_query(name: str, query: Any, input_types: Mapping[str, Any]) -> None:
    if query is None:
        if input_types.get("query") is not str:
            raise SQLDefinitionError(
                f"task {name!r}: without query= the task needs a 'query: str' input to take "
                "the statement at run time"
            )
        return
    statements = [query] if isinstance(query, str) else query
    if not isinstance(statements, list) or not statements or not all(
        isinstance(s, str) and s.strip() for s in statements
    ):
        raise SQLDefinitionError(
            f"task {name!r}: query must be a non-empty SQL string or a list of them, "
            f"got {query!r}"
        )


def _json_params(task: str, key: str, text: str) -> list[Any]:
    try:
        params = json.loads(text)
    except ValueError as exc:
        raise SQLExecutionError(
            f"task {task!r}: input {key!r} is text, read as JSON query parameters, but is not "
            f"JSON: {exc}"
        ) from exc
    if not isinstance(params, list):
        raise SQLExecutionError(
            f"task {task!r}: input {key!r} must hold a JSON list of query parameters, got "
            f"{type(params).__name__}"
        )
    return params


def _table(task: str, key: str, value: Any) -> Any:
    """Something DuckDB registers as a table: a pandas/pyarrow frame or a structured dataset."""
    kind = f"{type(value).__module__}.{type(value).__qualname__}"
    if kind.startswith(("pandas.", "pyarrow.", "polars.")):
        return value
    opener = getattr(value, "open", None)
    if callable(opener):
        import pyarrow

        return opener(pyarrow.Table).all()
    raise SQLExecutionError(
        f"task {task!r}: input {key!r} is a {kind}; a DuckDBQuery input must be the query "
        "(str), parameters (a list, or JSON text) or a table (a pandas DataFrame, a pyarrow "
        "Table or a structured dataset)"
    )
