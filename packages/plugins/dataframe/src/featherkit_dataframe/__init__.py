"""featherkit-dataframe: data frames as flytekit's structured datasets (parquet in storage).

``StructuredDataset``, ``pandas.DataFrame`` and ``pyarrow.Table`` work as task inputs and
outputs; other libraries add themselves through the ``register_dataframe_handlers`` hook
(:mod:`featherkit_dataframe.hookspecs`). Names load lazily: importing this package imports
neither pandas nor pyarrow.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "StructuredDataset": "featherkit_dataframe.dataset",
    "StructuredDatasetTransformer": "featherkit_dataframe.transformer",
    "FrameHandler": "featherkit_dataframe.handlers",
    "PandasParquet": "featherkit_dataframe.handlers",
    "ArrowParquet": "featherkit_dataframe.handlers",
    "PolarsParquet": "featherkit_dataframe.handlers",
    "PARQUET": "featherkit_dataframe.handlers",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'featherkit_dataframe' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from featherkit_dataframe.dataset import StructuredDataset
    from featherkit_dataframe.handlers import (
        PARQUET,
        ArrowParquet,
        FrameHandler,
        PandasParquet,
        PolarsParquet,
    )
    from featherkit_dataframe.transformer import StructuredDatasetTransformer
