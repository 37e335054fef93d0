"""``StructuredDataset``: a frame, or a reference to one in storage, opened as any library's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


class StructuredDataset:
    """flytekit's ``StructuredDataset``: wrap a frame to write it, or read one lazily.

    ``StructuredDataset(dataframe=df)`` as an output writes ``df``; an input arrives with
    ``uri`` and ``file_format`` set, and ``sd.open(pd.DataFrame).all()`` reads it (``iter()``
    gives one frame per part file) through the handler registered for that library.
    """

    def __init__(
        self,
        dataframe: Any = None,
        uri: str | None = None,
        metadata: Any = None,
        file_format: str = "parquet",
    ) -> None:
        self.dataframe = dataframe
        self.uri = uri
        self.metadata = metadata
        self.file_format = file_format
        self._columns: list[str] | None = None
        self._open_as: type | None = None

    def open(self, dataframe_type: type) -> StructuredDataset:
        """Choose the library to read as (``pd.DataFrame``, ``pa.Table``, ...)."""
        self._open_as = dataframe_type
        return self

    def all(self) -> Any:
        """The whole frame, as the type given to :meth:`open`."""
        from featherkit_dataframe.transformer import read_frame

        if self._open_as is None:
            raise ValueError("call StructuredDataset.open(<frame type>) before all()")
        if self.dataframe is not None and isinstance(self.dataframe, self._open_as):
            return self.dataframe
        return read_frame(self._require_uri(), self.file_format, self._open_as, self._columns)

    def iter(self) -> Iterator[Any]:
        """One frame per part file, as the type given to :meth:`open`."""
        from featherkit_dataframe.transformer import iter_frames

        if self._open_as is None:
            raise ValueError("call StructuredDataset.open(<frame type>) before iter()")
        return iter_frames(self._require_uri(), self.file_format, self._open_as, self._columns)

    def _require_uri(self) -> str:
        if self.uri is None:
            raise ValueError("this StructuredDataset holds no stored data (no uri)")
        return self.uri

    def __repr__(self) -> str:
        return f"StructuredDataset(uri={self.uri!r}, file_format={self.file_format!r})"
