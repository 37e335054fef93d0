"""The type transformer: frames <-> flytekit's ``structured_dataset`` literal.

Literal type ``structured_dataset_type{columns, format}`` (columns from
``Annotated[pd.DataFrame, kwtypes(a=int, b=str)]``, format empty unless given as a string in
the ``Annotated`` extras); literal ``scalar.structured_dataset{uri, metadata.
structured_dataset_type{columns, format: "parquet"}}``; the bytes are a directory holding one
parquet part, ``<raw output prefix>/<32 hex>/00000``, as flytekit 1.16 writes them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import Annotated, Any, get_args, get_origin

from featherkit.extend import (
    TypeTransformer,
    TypeTransformerError,
    current_context,
    redact_location,
)
from featherkit_dataframe.dataset import StructuredDataset
from featherkit_dataframe.handlers import PARQUET, FrameHandler


def _handlers() -> dict[tuple[str, str], FrameHandler]:
    from featherkit_dataframe.plugin import handlers

    return handlers()


def _type_path(tp: Any) -> str:
    return f"{getattr(tp, '__module__', '')}.{getattr(tp, '__qualname__', '')}"


def _split(python_type: Any) -> tuple[Any, list[tuple[str, Any]] | None, str]:
    """``(frame type, declared columns or None, declared format)`` of an annotation."""
    columns = None
    fmt = ""
    if get_origin(python_type) is Annotated:
        base, *extras = get_args(python_type)
        for extra in extras:
            if isinstance(extra, dict):
                columns = list(extra.items())
            elif isinstance(extra, str):
                fmt = extra
        return base, columns, fmt
    return python_type, None, fmt


def handler_for(frame_type: Any, fmt: str) -> FrameHandler:
    path = _type_path(frame_type)
    table = _handlers()
    found = table.get((path, fmt or PARQUET))
    if found is None:
        known = sorted(f"{t} ({f})" for t, f in table)
        raise TypeTransformerError(
            f"no data-frame handler for {path} in format {fmt or PARQUET!r}; installed: "
            f"{', '.join(known) or '(none)'} (a plugin adds one through "
            "register_dataframe_handlers)"
        )
    return found


def _scratch() -> str:
    import uuid  # here, not at plugin load (it imports platform): every task's cold start

    directory = os.path.join(current_context().working_dir, "frames", uuid.uuid4().hex)
    os.makedirs(directory, exist_ok=True)
    return directory


def _local_copy(uri: str) -> tuple[str, bool]:
    """A local directory with the data set's parts; ``True`` when it is a temporary copy."""
    from featherkit.extend import download, is_remote, list_files, local_path

    if not is_remote(uri):
        path = local_path(uri)
        if not os.path.exists(path):
            raise TypeTransformerError(f"the data set {redact_location(uri)!r} does not exist")
        return path, False
    target = _scratch()
    root = uri.rstrip("/")
    parts = list_files(root)
    if not parts:
        raise TypeTransformerError(
            f"the data set {redact_location(uri)!r} has no part files"
        )
    for part in parts:
        relative = part[len(root) :].lstrip("/")
        local = os.path.join(target, *relative.split("/"))
        os.makedirs(os.path.dirname(local), exist_ok=True)
        download(part, local)
    return target, True


def _check_columns(present: Sequence[str], wanted: Sequence[str], where: str) -> None:
    missing = [c for c in wanted if c not in present]
    if missing:
        raise TypeTransformerError(
            f"{where} has no column(s) {', '.join(map(repr, missing))}; it has "
            f"{', '.join(map(repr, present)) or '(none)'}",
            expected=f"columns {list(wanted)}",
            received=f"columns {list(present)}",
        )


def _parquet_columns(directory: str) -> list[str]:
    import pyarrow.parquet as pq

    names: list[str] = []
    for name in sorted(os.listdir(directory)):
        if not name.startswith("."):
            names = list(pq.read_schema(os.path.join(directory, name)).names)
            break
    return [n for n in names if not n.startswith("__index_level_")]


def read_frame(uri: str, fmt: str, frame_type: Any, columns: Sequence[str] | None) -> Any:
    handler = handler_for(frame_type, fmt)
    directory, temporary = _local_copy(uri)
    try:
        if columns and (fmt or PARQUET) == PARQUET:
            _check_columns(
                _parquet_columns(directory), columns, f"the data set {redact_location(uri)}"
            )
        return handler.decode(directory, columns)
    finally:
        if temporary:
            import shutil  # here: it costs every pod's cold start

            shutil.rmtree(directory, ignore_errors=True)


def iter_frames(
    uri: str, fmt: str, frame_type: Any, columns: Sequence[str] | None
) -> Iterator[Any]:
    handler = handler_for(frame_type, fmt)
    directory, temporary = _local_copy(uri)
    try:
        yield from handler.iter_parts(directory, columns)
    finally:
        if temporary:
            import shutil  # here: it costs every pod's cold start

            shutil.rmtree(directory, ignore_errors=True)


def write_frame(frame: Any, fmt: str, declared: list[tuple[str, Any]] | None) -> str:
    """Write ``frame`` under a new ``<raw output prefix>/<random>`` directory; its URI.

    Nothing is left behind when writing fails part way.
    """
    from featherkit.extend import delete, is_remote, join, track, upload

    handler = handler_for(type(frame), fmt)
    if declared:
        _check_columns(handler.column_names(frame), [n for n, _ in declared], "the frame")
    import uuid

    uri = join(current_context().raw_output_dir, uuid.uuid4().hex)
    remote = is_remote(uri)
    directory = _scratch() if remote else uri
    os.makedirs(directory, exist_ok=True)
    try:
        handler.encode(frame, directory)
        if remote:
            for name in sorted(os.listdir(directory)):
                upload(os.path.join(directory, name), join(uri, name))
    except BaseException:
        delete(uri)
        if not remote:
            import shutil  # here: it costs every pod's cold start

            shutil.rmtree(directory, ignore_errors=True)
        raise
    finally:
        if remote:
            import shutil  # here: it costs every pod's cold start

            shutil.rmtree(directory, ignore_errors=True)
    if not remote:
        track(uri)  # uploads track themselves; a frame written in place is noted here
    return uri


class StructuredDatasetTransformer(TypeTransformer[Any]):
    """``StructuredDataset`` and every frame type a handler is registered for."""

    name = "StructuredDataset Transformer"
    python_type = StructuredDataset

    def matches(self, python_type: Any) -> bool:
        if isinstance(python_type, type) and issubclass(python_type, StructuredDataset):
            return True
        path = _type_path(python_type)
        return any(type_path == path for type_path, _ in _handlers())

    def get_literal_type(self, python_type: Any) -> Any:
        from flyteidl.core import types_pb2

        from featherkit.extend import type_engine

        _, columns, fmt = _split(python_type)
        lt = types_pb2.LiteralType()
        sd_type = lt.structured_dataset_type
        sd_type.SetInParent()
        engine = type_engine()
        for name, column_type in columns or []:
            column = sd_type.columns.add()
            column.name = name
            column.literal_type.CopyFrom(engine.to_literal_type(column_type))
        sd_type.format = fmt
        return lt

    def to_literal(self, value: Any, python_type: Any, expected: Any) -> Any:
        from flyteidl.core import literals_pb2

        base, columns, fmt = _split(python_type)
        if isinstance(value, StructuredDataset):
            if value.dataframe is not None:
                uri = write_frame(value.dataframe, value.file_format or fmt, columns)
                fmt_written = value.file_format or fmt or PARQUET
            elif value.uri is not None:
                uri, fmt_written = value.uri, value.file_format or fmt or PARQUET
            else:
                raise TypeTransformerError("a StructuredDataset with neither a dataframe nor a uri")
        else:
            if isinstance(base, type) and not isinstance(value, base):
                raise TypeTransformerError(
                    f"expected a {_type_path(base)}, received {type(value).__name__}",
                    expected=_type_path(base), received=type(value).__name__,
                )
            uri = write_frame(value, fmt, columns)
            fmt_written = fmt or PARQUET
        literal = literals_pb2.Literal()
        dataset = literal.scalar.structured_dataset
        dataset.uri = uri
        sd_type = dataset.metadata.structured_dataset_type
        sd_type.CopyFrom(expected.structured_dataset_type)
        sd_type.format = fmt_written
        return literal

    def to_python_value(self, literal: Any, python_type: Any) -> Any:
        base, columns, _ = _split(python_type)
        scalar = literal.scalar
        if scalar.WhichOneof("value") != "structured_dataset":
            raise TypeTransformerError(
                "expected a structured_dataset literal", expected="structured_dataset",
                received=str(literal.WhichOneof("value")),
            )
        dataset = scalar.structured_dataset
        fmt = dataset.metadata.structured_dataset_type.format or PARQUET
        names = [name for name, _ in columns] if columns else None
        if isinstance(base, type) and issubclass(base, StructuredDataset):
            result = base(uri=dataset.uri, file_format=fmt)
            result._columns = names
            return result
        return read_frame(dataset.uri, fmt, base, names)

    def guess_python_type(self, literal_type: Any) -> Any | None:
        if literal_type.WhichOneof("type") == "structured_dataset_type":
            return StructuredDataset
        return None

    def to_html(self, value: Any, python_type: Any) -> str:
        frame = value.dataframe if isinstance(value, StructuredDataset) else value
        if frame is None:
            import html

            return html.escape(repr(value))
        return handler_for(type(frame), PARQUET).to_html(frame)
