"""Rows to the declared output type: a dataclass per row, or a dict per row.

The output type is checked when the task is defined (``list[SomeDataclass]`` or
``list[dict]``; each dataclass field of a type a database column can hold). When rows
arrive, columns are matched to fields by name and each value is checked against (and, where
the conversion is exact, converted to) its field's type; a mismatch is an error naming the
column.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import types
import typing
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Union, get_args, get_origin

from featherkit_sql.errors import SQLDefinitionError, SQLResultError

_NoneType = type(None)

Coerce = Callable[[Any], Any]

#: what an untyped dict row can carry (the msgpack encoding of a ``dict`` literal)
_PLAIN = (type(None), bool, int, float, str, bytes, list, dict)


class _Mismatch(Exception):
    """A value does not fit a field's type (turned into a :class:`SQLResultError`)."""


def _int(value: Any) -> int:
    if isinstance(value, int):  # bool included: SQLite has no boolean type
        return int(value)
    if isinstance(value, decimal.Decimal) and value == value.to_integral_value():
        return int(value)
    raise _Mismatch


def _float(value: Any) -> float:
    if isinstance(value, (int, float, decimal.Decimal)):
        return float(value)
    raise _Mismatch


def _str(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise _Mismatch


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise _Mismatch


def _bytes(value: Any) -> bytes:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise _Mismatch


def _datetime(value: Any) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            raise _Mismatch from None
    raise _Mismatch


def _date(value: Any) -> datetime.date:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise _Mismatch from None
    raise _Mismatch


def _timedelta(value: Any) -> datetime.timedelta:
    if isinstance(value, datetime.timedelta):
        return value
    raise _Mismatch


_SCALARS: dict[Any, Coerce] = {
    int: _int,
    float: _float,
    str: _str,
    bool: _bool,
    bytes: _bytes,
    datetime.datetime: _datetime,
    datetime.date: _date,
    datetime.timedelta: _timedelta,
}


def _container(kind: type) -> Coerce:
    def coerce(value: Any) -> Any:
        if isinstance(value, kind):
            return value
        raise _Mismatch

    return coerce


def _enum(cls: type[enum.Enum]) -> Coerce:
    def coerce(value: Any) -> Any:
        try:
            return cls(value)
        except ValueError:
            raise _Mismatch from None

    return coerce


def _type_label(tp: Any) -> str:
    return tp.__name__ if isinstance(tp, type) else repr(tp).replace("typing.", "")


def field_coercer(tp: Any) -> Coerce | None:
    """How a column value becomes a value of field type ``tp``; ``None``: not supported."""
    origin = get_origin(tp)
    if origin is Union or origin is types.UnionType:
        args = get_args(tp)
        rest = [a for a in args if a is not _NoneType]
        if len(rest) != 1 or len(args) != 2:
            return None
        inner = field_coercer(rest[0])
        if inner is None:
            return None
        coerce_inner = inner

        def optional(value: Any) -> Any:
            return None if value is None else coerce_inner(value)

        return optional
    if tp in _SCALARS:
        return _SCALARS[tp]
    if tp is list or origin is list:
        return _container(list)
    if tp is dict or origin is dict:
        return _container(dict)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _enum(tp)
    return None


def _is_optional(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType) and _NoneType in get_args(tp)


def _not_null(coerce: Coerce) -> Coerce:
    def required(value: Any) -> Any:
        if value is None:
            raise _Mismatch
        return coerce(value)

    return required


@dataclasses.dataclass(frozen=True)
class RowShape:
    """Turns ``(columns, rows)`` from a cursor into the task's output value."""

    task_name: str
    row_type: type | None  # None: a dict per row
    coercers: dict[str, Coerce]
    required: frozenset[str]

    @classmethod
    def for_output_type(cls, task_name: str, output_type: Any) -> RowShape:
        """Check ``output_type`` (``list[Dataclass]`` or ``list[dict]``) at definition."""
        expected = "list[SomeDataclass] (a dataclass per row) or list[dict]"
        if get_origin(output_type) is not list or len(get_args(output_type)) != 1:
            raise SQLDefinitionError(
                f"task {task_name!r}: output_type must be {expected}, "
                f"got {_type_label(output_type)}"
            )
        (row_type,) = get_args(output_type)
        if row_type is dict:
            return cls(task_name, None, {}, frozenset())
        if not (isinstance(row_type, type) and dataclasses.is_dataclass(row_type)):
            raise SQLDefinitionError(
                f"task {task_name!r}: output_type must be {expected}, "
                f"got list[{_type_label(row_type)}]"
            )
        try:
            hints = typing.get_type_hints(row_type)
        except Exception as exc:
            raise SQLDefinitionError(
                f"task {task_name!r}: cannot read the field types of {row_type.__name__}: {exc}"
            ) from exc
        coercers: dict[str, Coerce] = {}
        required = set()
        for field in dataclasses.fields(row_type):
            if not field.init:
                continue
            coerce = field_coercer(hints[field.name])
            if coerce is None:
                raise SQLDefinitionError(
                    f"task {task_name!r}: field {field.name!r} of {row_type.__name__} has type "
                    f"{_type_label(hints.get(field.name))}, which no database column holds; "
                    "use int, float, str, bool, bytes, datetime, date, timedelta, an Enum, "
                    "list, dict, or Optional[...] of one"
                )
            coercers[field.name] = coerce if _is_optional(hints[field.name]) else _not_null(coerce)
            no_default = (
                field.default is dataclasses.MISSING
                and field.default_factory is dataclasses.MISSING
            )
            if no_default:
                required.add(field.name)
        return cls(task_name, row_type, coercers, frozenset(required))

    def _check_columns(self, columns: Sequence[str]) -> None:
        seen: set[str] = set()
        for column in columns:
            if column in seen:
                raise SQLResultError(
                    f"task {self.task_name!r}: the query returns column {column!r} twice; "
                    "give each result column its own name (SELECT a.id AS a_id, ...)"
                )
            seen.add(column)
        if self.row_type is None:
            return
        for column in columns:
            if column not in self.coercers:
                raise SQLResultError(
                    f"task {self.task_name!r}: column {column!r} has no field in "
                    f"{self.row_type.__name__} (fields: {', '.join(self.coercers) or 'none'}); "
                    "rename it with AS or add the field"
                )
        for name in self.coercers:
            if name in self.required and name not in seen:
                raise SQLResultError(
                    f"task {self.task_name!r}: field {name!r} of {self.row_type.__name__} has "
                    f"no column in the result (columns: {', '.join(columns) or 'none'})"
                )

    def _dict_row(self, columns: Sequence[str], row: Sequence[Any], number: int) -> dict[str, Any]:
        out = {}
        for column, value in zip(columns, row):
            if isinstance(value, (bytearray, memoryview)):
                value = bytes(value)
            elif not isinstance(value, _PLAIN):
                raise SQLResultError(
                    f"task {self.task_name!r}: column {column!r} in row {number} holds "
                    f"{type(value).__name__} {repr(value)[:60]}, which a list[dict] output "
                    "cannot carry; declare a dataclass per row with a field of the right type "
                    "(datetime, date, timedelta, float...), or CAST the column in the query"
                )
            out[column] = value
        return out

    def rows(self, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[Any]:
        self._check_columns(columns)
        if self.row_type is None:
            return [self._dict_row(columns, row, number) for number, row in enumerate(rows, 1)]
        row_type = self.row_type
        plan = [(column, self.coercers[column]) for column in columns]
        shaped = []
        for number, row in enumerate(rows, start=1):
            values = {}
            for (column, coerce), value in zip(plan, row):
                try:
                    values[column] = coerce(value)
                except _Mismatch:
                    field_type = typing.get_type_hints(row_type).get(column)
                    raise SQLResultError(
                        f"task {self.task_name!r}: column {column!r} in row {number} holds "
                        f"{'NULL' if value is None else type(value).__name__} "
                        f"{'' if value is None else repr(value)[:60]}"
                        f", which does not fit field {column!r} of {row_type.__name__} "
                        f"({_type_label(field_type)})"
                        + (" (declare it Optional[...] to allow NULL)" if value is None else "")
                    ) from None
            shaped.append(row_type(**values))
        return shaped
