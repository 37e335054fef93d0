"""SQL tasks: a query template with typed inputs, checked when the task is defined.

* :class:`SQLTask` is a statement a Flyte backend runs itself: it serializes to a
  ``tasks_pb2.Sql`` target (statement and dialect) and has no container.
* :class:`EmbeddedSQLTask` is the base of engines featherkit runs in-process
  (:class:`featherkit_sql.SQLite3Task`, :class:`featherkit_sql.DuckDBTask`): a local call binds
  the inputs as driver parameters, and on a cluster the task runs in a container through the
  template resolver, rebuilt from its serialized template (no user code needed).
"""

from __future__ import annotations

import abc
import datetime
import difflib
import enum
import types
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Union, get_args, get_origin

from featherkit.extend import Interface, PythonTask
from featherkit_sql.errors import SQLDefinitionError, SQLExecutionError
from featherkit_sql.query import CODE, ParsedQuery, parse
from featherkit_sql.rows import RowShape

if TYPE_CHECKING:
    from flyteidl.core import tasks_pb2

    from featherkit import SerializationSettings

#: the output's name, as flytekit's SQL tasks call it
OUTPUT_NAME = "results"

_NoneType = type(None)


class Dialect(str, enum.Enum):
    """``flyteidl.core.Sql.Dialect``: tells the backend how to validate the statement.

    ``OTHER`` is the default on purpose: the statement is Flyte-templated text for an engine
    the backend does not know the grammar of, and the IDL says an unsupported dialect means
    "no validation". Choose ``ANSI`` or ``HIVE`` only when the statement is written in that
    dialect and you want the backend to parse it. ``UNDEFINED`` is the proto default (0).
    """

    UNDEFINED = "undefined"
    ANSI = "ansi"
    HIVE = "hive"
    OTHER = "other"

    def to_idl(self) -> int:
        from flyteidl.core import tasks_pb2

        value: int = tasks_pb2.Sql.Dialect.Value(self.name)
        return value


def _dialect(name: str, value: Dialect | str) -> Dialect:
    if isinstance(value, Dialect):
        return value
    try:
        return Dialect(str(value).lower())
    except ValueError:
        raise SQLDefinitionError(
            f"task {name!r}: unknown SQL dialect {value!r}; "
            f"choose one of {', '.join(d.value for d in Dialect)}"
        ) from None


def _label(tp: Any) -> str:
    return tp.__name__ if isinstance(tp, type) else repr(tp).replace("typing.", "")


class SQLTask(PythonTask):
    """A query template with typed inputs, run by a Flyte backend (a ``Sql`` target).

    ``query_template`` uses Flyte's placeholders, ``{{ .inputs.name }}``: every placeholder
    must name an input and every input must be used, or the definition fails naming it.
    ``output_type`` is what the backend produces (``None``: no outputs); its output is named
    ``results``. Locally such a task has no engine to run on: a call is an error (mock it in
    tests, or use an embedded engine such as :class:`featherkit_sql.SQLite3Task`).
    """

    #: the output type used when none is given
    default_output_type: ClassVar[Any] = None

    _NOT_GIVEN: ClassVar[Any] = object()

    def __init__(
        self,
        name: str,
        query_template: str,
        *,
        inputs: Mapping[str, Any] | None = None,
        output_type: Any = _NOT_GIVEN,
        task_config: Any = None,
        task_type: str = "sql_task",
        dialect: Dialect | str = Dialect.OTHER,
        **kwargs: Any,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise SQLDefinitionError(f"a SQL task needs a name, got {name!r}")
        if not isinstance(query_template, str) or not query_template.strip():
            raise SQLDefinitionError(f"task {name!r}: query_template must be non-empty text")
        if "task_resolver" in kwargs:
            raise SQLDefinitionError(
                f"task {name!r}: SQL tasks choose their own resolver; task_resolver is not "
                "an option"
            )
        if output_type is self._NOT_GIVEN:
            output_type = self.default_output_type
        input_types = dict(inputs or {})
        self.dialect = _dialect(name, dialect)
        parsed = parse(query_template, backslash_escapes=self.dialect is Dialect.HIVE)
        self._parsed = parsed
        self._check_placeholders(name, parsed, input_types)
        outputs = {} if output_type is None else {OUTPUT_NAME: output_type}
        self._check_types(name, input_types, output_type)
        super().__init__(
            task_type,
            name,
            Interface(inputs=input_types, outputs=outputs),
            task_config=task_config,
            task_resolver=self._resolver(),
            **kwargs,
        )
        self.output_type = output_type

    # -- definition-time checks -------------------------------------------------------------

    def _check_placeholders(
        self, name: str, parsed: ParsedQuery, input_types: Mapping[str, Any]
    ) -> None:
        if parsed.malformed:
            raise SQLDefinitionError(
                f"task {name!r}: {parsed.malformed[0]!r} in the query is not a valid input "
                "placeholder; write {{ .inputs.<name> }}"
            )
        used = parsed.names
        for input_name in used:
            if input_name not in input_types:
                close = difflib.get_close_matches(input_name, list(input_types), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise SQLDefinitionError(
                    f"task {name!r}: the query uses input {input_name!r}, which is not among "
                    f"its inputs ({', '.join(input_types) or 'none'}){hint}"
                )
        for input_name in input_types:
            if input_name not in used:
                raise SQLDefinitionError(
                    f"task {name!r}: input {input_name!r} is not used in the query; add "
                    f"{{{{ .inputs.{input_name} }}}} where it belongs or drop the input"
                )

    def _check_types(self, name: str, input_types: Mapping[str, Any], output_type: Any) -> None:
        """Subclasses restrict input and output types; backend SQL tasks take any."""

    # -- pieces ------------------------------------------------------------------------------

    @property
    def query_template(self) -> str:
        """The normalized template, Flyte placeholder syntax kept (what is serialized)."""
        return self._parsed.template

    def _resolver(self) -> Any:
        return None

    def custom_fields(self, settings: SerializationSettings) -> dict[str, Any]:
        """What this task puts in ``TaskTemplate.custom`` (through the get_custom hook)."""
        return {}

    def sql_target(self, settings: SerializationSettings) -> tasks_pb2.Sql | None:
        """The ``Sql`` target the backend runs (through the get_sql hook)."""
        from flyteidl.core import tasks_pb2

        return tasks_pb2.Sql(statement=self.query_template, dialect=self.dialect.to_idl())

    def execute(self, **kwargs: Any) -> Any:
        raise SQLExecutionError(
            f"task {self.name!r} is a {self.task_type!r} statement that a Flyte backend runs "
            f"(dialect {self.dialect.name}); it has no local engine. Mock it in local tests, "
            "or use an embedded engine (SQLite3Task, DuckDBTask) to run SQL locally"
        )


# --- embedded engines ------------------------------------------------------------------------



_BINDABLE: tuple[Any, ...] = (int, float, str, bool, datetime.datetime, datetime.date)


class EmbeddedSQLTask(SQLTask, abc.ABC):
    """A SQL task whose engine featherkit runs in-process, locally and in a container.

    Inputs are bound as driver parameters: each ``{{ .inputs.x }}`` becomes a parameter
    marker and the value goes to the driver, never into the SQL text. So a placeholder stands
    for a value, not for SQL text: it cannot sit inside a string literal, a quoted identifier
    or a comment, nor stand for a table or column name (the definition fails saying so, or
    the engine rejects the statement).

    Subclasses set ``template_executor`` (the name their executor is registered under with
    ``register_template_executors``) and implement :meth:`run_query`.
    """

    #: a dict per row (bare ``dict``: the untyped msgpack STRUCT flytekit also writes)
    default_output_type: ClassVar[Any] = list[dict]  # type: ignore[type-arg]
    template_executor: ClassVar[str] = ""
    #: input types this engine binds (and ``Optional`` of them, and str/int Enums)
    bindable_types: ClassVar[tuple[Any, ...]] = _BINDABLE
    #: what the engine is called in messages
    engine: ClassVar[str] = "SQL"

    def __init__(self, name: str, query_template: str, **kwargs: Any) -> None:
        if "dialect" in kwargs:
            raise SQLDefinitionError(
                f"task {name!r}: {type(self).__name__} runs its own engine; dialect is an "
                "option of backend SQL tasks (SQLTask) only"
            )
        super().__init__(name, query_template, **kwargs)
        self._bound_query, self._bind_order = self._parsed.bound("?")
        self._row_shape = (
            None if self.output_type is None else RowShape.for_output_type(name, self.output_type)
        )

    def _resolver(self) -> Any:
        # core's template resolver: the container rebuilds the task from its template
        from featherkit.extend import template_resolver

        return template_resolver

    def _check_placeholders(
        self, name: str, parsed: ParsedQuery, input_types: Mapping[str, Any]
    ) -> None:
        super()._check_placeholders(name, parsed, input_types)
        for placeholder in parsed.placeholders:
            if placeholder.context != CODE:
                raise SQLDefinitionError(
                    f"task {name!r}: placeholder {placeholder.text!r} (input "
                    f"{placeholder.name!r}) sits inside a {placeholder.context}; inputs are "
                    "bound as values, so write the placeholder where a value goes, e.g. "
                    f"name LIKE '%' || {{{{ .inputs.{placeholder.name} }}}} || '%'"
                )
        if parsed.other_templates:
            raise SQLDefinitionError(
                f"task {name!r}: {parsed.other_templates[0]!r} is a Flyte template that only "
                f"backend-run SQL is filled with; {type(self).__name__} binds inputs only"
            )
        if parsed.markers:
            raise SQLDefinitionError(
                f"task {name!r}: the query holds a '?' parameter marker; name inputs with "
                "{{ .inputs.<name> }} instead, featherkit binds them for you"
            )

    def _check_types(self, name: str, input_types: Mapping[str, Any], output_type: Any) -> None:
        for input_name, tp in input_types.items():
            if not self._bindable(tp):
                allowed = ", ".join(_label(t) for t in self.bindable_types)
                raise SQLDefinitionError(
                    f"task {name!r}: input {input_name!r} has type {_label(tp)}, which "
                    f"{self.engine} cannot bind as a parameter; use one of {allowed}, an "
                    "Enum, or Optional[...] of one"
                )

    def _bindable(self, tp: Any) -> bool:
        origin = get_origin(tp)
        if origin is Union or origin is types.UnionType:
            args = get_args(tp)
            rest = [a for a in args if a is not _NoneType]
            return len(rest) == 1 and len(args) == 2 and self._bindable(rest[0])
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return True
        return tp in self.bindable_types

    # -- execution -------------------------------------------------------------------------

    def bind_value(self, name: str, value: Any) -> Any:
        """The driver parameter for input ``name``; engines adapt types they lack."""
        if isinstance(value, enum.Enum):
            return value.value
        return value

    @property
    def bound_query(self) -> str:
        """The query the driver prepares: placeholders replaced by ``?`` markers."""
        return self._bound_query

    def parameters(self, inputs: Mapping[str, Any]) -> list[Any]:
        """The driver parameters, one per marker in :attr:`bound_query`, in order."""
        return [self.bind_value(name, inputs[name]) for name in self._bind_order]

    @abc.abstractmethod
    def run_query(self, query: str, parameters: list[Any]) -> tuple[list[str], list[Any]]:
        """Run ``query`` with ``parameters``; return the column names and the rows."""

    @classmethod
    @abc.abstractmethod
    def config_from_custom(cls, task_name: str, custom: Mapping[str, Any]) -> Any:
        """The ``task_config`` that :meth:`custom_fields` wrote into ``custom``."""

    def execute(self, **kwargs: Any) -> Any:
        columns, rows = self.run_query(self._bound_query, self.parameters(kwargs))
        if self._row_shape is None:
            return None
        return self._row_shape.rows(columns, rows)

    # -- the container ---------------------------------------------------------------------

    def sql_target(self, settings: SerializationSettings) -> tasks_pb2.Sql | None:
        return None

    @classmethod
    def from_template(cls, template: tasks_pb2.TaskTemplate) -> EmbeddedSQLTask:
        """Rebuild a runnable task from its serialized template (the template executor).

        The query and configuration come from ``custom``, the interface from the template's
        literal types; no user code is imported.
        """
        from google.protobuf import json_format

        from featherkit.extend import interface_from_template

        name = template.id.name
        custom = json_format.MessageToDict(template.custom)
        query = custom.get("query_template")
        if not isinstance(query, str):
            raise SQLDefinitionError(
                f"task {name!r}: its template's custom has no query_template, so it is not a "
                f"{cls.__name__} template (custom keys: {', '.join(sorted(custom)) or 'none'})"
            )
        interface = interface_from_template(template)
        return cls(
            name,
            query,
            inputs=interface.inputs,
            output_type=interface.outputs.get(OUTPUT_NAME),
            task_config=cls.config_from_custom(name, custom),
        )
