"""Frame handlers: how one library's frames are written to and read from a directory.

A handler works on a *local* directory; the transformer moves the directory to and from
storage. Layout as flytekit writes it: one part file named ``00000`` (parquet), read back
as the whole directory.
"""

from __future__ import annotations

import abc
import os
from collections.abc import Iterator, Sequence
from typing import Any

PARQUET = "parquet"
PART = f"{0:05}"


class FrameHandler(abc.ABC):
    """Writes and reads one frame type in one format. Subclass and set the attributes."""

    #: import path of the frame class (``module.Qualname`` as ``type.__module__`` gives it)
    type_path: str = ""
    #: other import paths the same class shows (``pandas.DataFrame`` reports ``pandas`` as
    #: its module in recent versions, ``pandas.core.frame`` in older ones)
    aliases: tuple[str, ...] = ()
    format: str = PARQUET

    def load_type(self) -> type:
        module, _, name = self.type_path.rpartition(".")
        import importlib

        found: type = getattr(importlib.import_module(module), name)
        return found

    @abc.abstractmethod
    def encode(self, frame: Any, directory: str) -> None:
        """Write ``frame`` into the (empty, local) ``directory``."""

    @abc.abstractmethod
    def decode(self, directory: str, columns: Sequence[str] | None) -> Any:
        """Read the frame in the local ``directory`` (only ``columns``, when given)."""

    def iter_parts(self, directory: str, columns: Sequence[str] | None) -> Iterator[Any]:
        """One frame per part file, in name order."""
        for name in sorted(os.listdir(directory)):
            if not name.startswith("."):
                yield self.decode(os.path.join(directory, name), columns)

    def column_names(self, frame: Any) -> list[str]:
        return [str(c) for c in frame.columns]

    def to_html(self, frame: Any, rows: int = 10) -> str:
        import html

        return html.escape(repr(frame))


class PandasParquet(FrameHandler):
    type_path = "pandas.DataFrame"
    aliases = ("pandas.core.frame.DataFrame",)

    def encode(self, frame: Any, directory: str) -> None:
        frame.to_parquet(
            os.path.join(directory, PART), coerce_timestamps="us", allow_truncated_timestamps=False
        )

    def decode(self, directory: str, columns: Sequence[str] | None) -> Any:
        import pandas as pd

        return pd.read_parquet(directory, columns=list(columns) if columns else None)

    def to_html(self, frame: Any, rows: int = 10) -> str:
        return str(frame.head(rows).to_html(escape=True, border=0))


class ArrowParquet(FrameHandler):
    type_path = "pyarrow.lib.Table"

    def encode(self, frame: Any, directory: str) -> None:
        import pyarrow.parquet as pq

        pq.write_table(frame, os.path.join(directory, PART))

    def decode(self, directory: str, columns: Sequence[str] | None) -> Any:
        import pyarrow.parquet as pq

        return pq.read_table(directory, columns=list(columns) if columns else None)

    def column_names(self, frame: Any) -> list[str]:
        return [str(c) for c in frame.column_names]

    def to_html(self, frame: Any, rows: int = 10) -> str:
        return PandasParquet().to_html(frame.slice(0, rows).to_pandas(), rows)


class PolarsParquet(FrameHandler):
    """``polars.DataFrame`` (install polars yourself: ``featherkit-dataframe[polars]``)."""

    type_path = "polars.dataframe.frame.DataFrame"
    aliases = ("polars.DataFrame",)

    def encode(self, frame: Any, directory: str) -> None:
        frame.write_parquet(os.path.join(directory, PART))

    def decode(self, directory: str, columns: Sequence[str] | None) -> Any:
        import polars as pl

        parts = [os.path.join(directory, name) for name in sorted(os.listdir(directory))
                 if not name.startswith(".")] if os.path.isdir(directory) else [directory]
        return pl.concat([pl.read_parquet(p, columns=list(columns) if columns else None)
                          for p in parts])

    def to_html(self, frame: Any, rows: int = 10) -> str:
        return PandasParquet().to_html(frame.head(rows).to_pandas(), rows)
