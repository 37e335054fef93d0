"""Frames through tasks: pandas, pyarrow, StructuredDataset, columns, layout, errors."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import pyarrow as pa
import pytest

from featherkit import File, StructuredDataset, kwtypes, task
from featherkit.extend import (
    ExecutionParameters,
    TaskInputError,
    TaskOutputError,
    execution,
    type_engine,
)

os.environ.setdefault("FEATHERKIT_STRICT_PLUGINS", "1")


@pytest.fixture(autouse=True)
def _scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "scratch").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "scratch"))


FRAME = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"], "c": [0.5, 1.5, 2.5]})


def test_from_featherkit_import_structured_dataset() -> None:
    from featherkit_dataframe import StructuredDataset as Same

    from featherkit import StructuredDataset

    assert StructuredDataset is Same


def test_literal_types_as_flytekit() -> None:
    engine = type_engine()
    assert engine.to_literal_type(pd.DataFrame).SerializeToString() == b"B\x00"
    lt = engine.to_literal_type(Annotated[pd.DataFrame, kwtypes(a=int, b=str)])
    assert [(c.name, c.literal_type.simple) for c in lt.structured_dataset_type.columns] == [
        ("a", 1),
        ("b", 3),
    ]


def test_pandas_and_arrow_through_tasks_with_column_subsets() -> None:
    @task
    def make() -> pd.DataFrame:
        return FRAME

    @task
    def pick(df: Annotated[pd.DataFrame, kwtypes(a=int, b=str)]) -> pa.Table:
        assert list(df.columns) == ["a", "b"]
        return pa.Table.from_pandas(df, preserve_index=False)

    @task
    def total(sd: StructuredDataset) -> int:
        frame = sd.open(pd.DataFrame).all()
        parts = list(sd.open(pa.Table).iter())
        assert sum(p.num_rows for p in parts) == len(frame)
        return int(frame["a"].sum())

    table = pick(df=make())
    assert table.column_names == ["a", "b"]
    assert total(sd=StructuredDataset(dataframe=FRAME)) == 6


def test_layout_is_one_parquet_part_under_the_raw_prefix(tmp_path: Path) -> None:
    engine = type_engine()
    raw = str(tmp_path / "raw")
    with execution(ExecutionParameters(raw_output_prefix=raw)):
        literal = engine.to_literal(FRAME, pd.DataFrame)
    dataset = literal.scalar.structured_dataset
    assert re.fullmatch(re.escape(raw) + r"/[0-9a-f]{32}", dataset.uri)
    assert os.listdir(dataset.uri) == ["00000"]
    assert dataset.metadata.structured_dataset_type.format == "parquet"
    pd.testing.assert_frame_equal(engine.to_python_value(literal, pd.DataFrame), FRAME)


def test_missing_columns_are_clear_errors_and_leave_nothing(tmp_path: Path) -> None:
    raw = tmp_path / "raw"

    @task
    def out() -> Annotated[pd.DataFrame, kwtypes(a=int, zz=str)]:
        return FRAME

    params = ExecutionParameters(raw_output_prefix=str(raw))
    with pytest.raises(TaskOutputError, match=r"output 'o0'.*no column\(s\) 'zz'"):
        out.dispatch_execute(params, out.inputs_to_literals({}))
    assert not raw.exists() or os.listdir(raw) == []

    @task
    def read(df: Annotated[pd.DataFrame, kwtypes(q=int)]) -> int:
        return len(df)

    @task
    def make() -> pd.DataFrame:
        return FRAME

    with pytest.raises(TaskInputError, match=r"input 'df'.*no column\(s\) 'q'"):
        read(df=make())


def test_wrong_value_for_a_frame_names_the_types() -> None:
    @task
    def take(df: pd.DataFrame) -> int:
        return 0

    with pytest.raises(TaskInputError, match=r"input 'df'.*pandas.*received list"):
        take(df=[1, 2])


def test_deck_renderer_shows_first_rows() -> None:
    from featherkit_dataframe.plugin import deck_render_value

    html = deck_render_value(pd.DataFrame({"a": list(range(50))}), None)
    assert html is not None and "<table" in html and html.count("<tr") == 11


class Rows(list):  # type: ignore[type-arg]
    pass


def test_a_plugin_adds_a_library_through_the_hook() -> None:
    from featherkit_dataframe import FrameHandler

    from featherkit.extend import hookimpl
    from featherkit.testing import registered

    class RowsHandler(FrameHandler):
        type_path = f"{Rows.__module__}.{Rows.__qualname__}"

        def encode(self, frame: Any, directory: str) -> None:
            pd.DataFrame(list(frame), columns=["v"]).to_parquet(os.path.join(directory, "00000"))

        def decode(self, directory: str, columns: Any) -> Any:
            return Rows(pd.read_parquet(directory)["v"].tolist())

        def column_names(self, frame: Any) -> list[str]:
            return ["v"]

    class RowsPlugin:
        @hookimpl
        def register_dataframe_handlers(self, register: Any) -> None:
            register(RowsHandler())

    with registered(RowsPlugin()):
        engine = type_engine()
        literal = engine.to_literal(Rows([1, 2]), Rows)
        assert engine.to_python_value(literal, Rows) == [1, 2]
        assert engine.to_python_value(literal, pd.DataFrame)["v"].tolist() == [1, 2]


def test_polars_frames_cross_with_pandas(tmp_path: Path) -> None:
    import polars as pl

    engine = type_engine()
    literal = engine.to_literal(pl.DataFrame({"a": [1, 2], "b": ["x", "y"]}), pl.DataFrame)
    assert engine.to_python_value(literal, pd.DataFrame)["b"].tolist() == ["x", "y"]
    back = engine.to_python_value(engine.to_literal(FRAME, pd.DataFrame),
                                  Annotated[pl.DataFrame, kwtypes(a=int)])
    assert back.columns == ["a"] and back["a"].to_list() == [1, 2, 3]


def test_frames_key_the_cache_by_content_or_hash_method() -> None:
    from featherkit import HashMethod
    from featherkit.extend import cache_key

    @task(cache=True, cache_version="1")
    def rows(df: pd.DataFrame) -> int:
        return len(df)

    first = cache_key(rows, rows.inputs_to_literals({"df": FRAME}))
    assert first == cache_key(rows, rows.inputs_to_literals({"df": FRAME.copy()}))
    assert first != cache_key(rows, rows.inputs_to_literals({"df": FRAME.head(2)}))

    hashed = Annotated[pd.DataFrame, HashMethod(lambda df: str(len(df)))]
    literal = type_engine().to_literal(FRAME, hashed)
    assert literal.hash == "3" and literal.scalar.structured_dataset.uri


def test_a_failing_later_output_removes_the_written_frame(tmp_path: Path) -> None:
    raw = tmp_path / "raw"

    @task
    def both() -> tuple[pd.DataFrame, File]:
        return FRAME, File(str(tmp_path / "missing.txt"))

    params = ExecutionParameters(raw_output_prefix=str(raw))
    with pytest.raises(TaskOutputError, match=r"missing\.txt"):
        both.dispatch_execute(params, both.inputs_to_literals({}))
    assert not raw.exists() or [p for p in raw.rglob("*") if p.is_file()] == []
