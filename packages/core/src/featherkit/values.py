"""Parse command-line strings into values of a task's declared input types.

Scalars are read directly (ISO 8601 for dates and datetimes, seconds or ``HH:MM:SS`` for
durations); lists, dicts and dataclasses are JSON, converted field by field.

Used by the CLI (``featherkit run`` inputs) and by gate nodes (an approval's or a signal's
value typed at the terminal), so it sits below both.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import json
import types
import typing
from typing import Any

_TRUE = {"true", "1", "yes", "y", "on"}
_FALSE = {"false", "0", "no", "n", "off"}


def _strip_annotated(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def parse_cli_value(text: str, tp: Any) -> Any:
    """Parse ``text`` as a value of ``tp``; ``ValueError`` says what was expected."""
    tp = _strip_annotated(tp)
    if tp is str:
        return text
    structured = isinstance(tp, type) and dataclasses.is_dataclass(tp)
    origin = typing.get_origin(tp)
    if structured or origin in (list, dict, typing.Union, types.UnionType) or tp in (list, dict):
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            if origin in (typing.Union, types.UnionType):
                data = text
            else:
                raise ValueError(f"expected JSON for {_name(tp)}, got {text!r}") from None
        return from_json(data, tp)
    return from_json(text, tp)


def _name(tp: Any) -> str:
    return getattr(tp, "__name__", None) or str(tp).replace("typing.", "")


def from_json(data: Any, tp: Any, path: str = "") -> Any:
    """Convert JSON-decoded ``data`` (or a string) into ``tp``."""
    tp = _strip_annotated(tp)
    where = f" at {path}" if path else ""
    origin = typing.get_origin(tp)
    if tp is Any:
        return data
    if tp is type(None) or tp is None:
        if data is None or data in ("null", "None", ""):
            return None
        raise ValueError(f"expected null{where}, got {data!r}")
    if origin in (typing.Union, types.UnionType):
        errors = []
        for arg in typing.get_args(tp):
            try:
                return from_json(data, arg, path)
            except (ValueError, TypeError) as exc:
                errors.append(str(exc))
        raise ValueError(f"{data!r}{where} fits none of {_name(tp)}: {'; '.join(errors)}")
    if tp is bool:
        if isinstance(data, bool):
            return data
        if isinstance(data, str) and data.lower() in _TRUE | _FALSE:
            return data.lower() in _TRUE
        raise ValueError(f"expected true/false{where}, got {data!r}")
    if tp is int:
        if isinstance(data, int) and not isinstance(data, bool):
            return data
        if isinstance(data, str):
            try:
                return int(data)
            except ValueError:
                pass
        raise ValueError(f"expected an integer{where}, got {data!r}")
    if tp is float:
        if isinstance(data, (int, float)) and not isinstance(data, bool):
            return float(data)
        if isinstance(data, str):
            try:
                return float(data)
            except ValueError:
                pass
        raise ValueError(f"expected a number{where}, got {data!r}")
    if tp is str:
        if isinstance(data, str):
            return data
        raise ValueError(f"expected a string{where}, got {data!r}")
    if tp is datetime.datetime:
        try:
            return datetime.datetime.fromisoformat(str(data))
        except ValueError:
            raise ValueError(f"expected an ISO 8601 datetime{where}, got {data!r}") from None
    if tp is datetime.date:
        try:
            return datetime.date.fromisoformat(str(data))
        except ValueError:
            raise ValueError(f"expected an ISO 8601 date{where}, got {data!r}") from None
    if tp is datetime.timedelta:
        return _duration(data, where)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        try:
            return tp(data)
        except ValueError:
            values = ", ".join(repr(m.value) for m in tp)
            raise ValueError(f"expected one of {values}{where}, got {data!r}") from None
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(data, dict):
            raise ValueError(f"expected a JSON object for {tp.__name__}{where}, got {data!r}")
        hints = typing.get_type_hints(tp)
        names = {f.name for f in dataclasses.fields(tp)}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"unknown field(s) {sorted(unknown)} for {tp.__name__}{where}")
        kwargs = {k: from_json(v, hints[k], f"{path}.{k}" if path else k) for k, v in data.items()}
        try:
            return tp(**kwargs)
        except TypeError as exc:
            raise ValueError(f"{tp.__name__}{where}: {exc}") from None
    if origin is list or tp is list:
        if not isinstance(data, list):
            raise ValueError(f"expected a JSON list{where}, got {data!r}")
        (item,) = typing.get_args(tp) or (Any,)
        return [from_json(v, item, f"{path}[{i}]") for i, v in enumerate(data)]
    if origin is dict or tp is dict:
        if not isinstance(data, dict):
            raise ValueError(f"expected a JSON object{where}, got {data!r}")
        key_type, value_type = typing.get_args(tp) or (Any, Any)
        return {
            from_json(k, key_type, path): from_json(v, value_type, f"{path}[{k!r}]")
            for k, v in data.items()
        }
    from featherkit.types.files import Directory, File

    if isinstance(tp, type) and issubclass(tp, (File, Directory)):
        # a local path or a URI (in JSON, flytekit's {"path": ...} form too)
        if isinstance(data, dict) and isinstance(data.get("path"), str):
            data = data["path"]
        if isinstance(data, str) and data:
            return tp(data)
        raise ValueError(f"expected a path or URI for {_name(tp)}{where}, got {data!r}")
    raise ValueError(f"cannot read {_name(tp)} from the command line; pass it from Python")


def _duration(data: Any, where: str) -> datetime.timedelta:
    if isinstance(data, (int, float)) and not isinstance(data, bool):
        return datetime.timedelta(seconds=data)
    text = str(data)
    try:
        return datetime.timedelta(seconds=float(text))
    except ValueError:
        pass
    parts = text.split(":")
    if len(parts) == 3:
        try:
            hours, minutes, seconds = int(parts[0]), int(parts[1]), float(parts[2])
            return datetime.timedelta(hours=hours, minutes=minutes, seconds=seconds)
        except ValueError:
            pass
    raise ValueError(f"expected seconds or HH:MM:SS{where}, got {data!r}")
