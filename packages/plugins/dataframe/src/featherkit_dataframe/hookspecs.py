"""The hook this plugin declares: how a data-frame library adds itself.

A plugin for another library (polars, dask, ...) implements it with
``@featherkit.hookimpl(optionalhook=True)`` and registers a :class:`~featherkit_dataframe.
handlers.FrameHandler` per (frame type, storage format); featherkit-dataframe need not be
edited, and the plugin still loads when featherkit-dataframe is not installed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from featherkit.extend import hookspec


@hookspec
def register_dataframe_handlers(register: Callable[[Any], None]) -> None:
    """Call ``register(handler)`` for each frame handler this plugin provides.

    A handler names its frame type by import path (``type_path``, e.g.
    ``"polars.dataframe.frame.DataFrame"``), so registering imports nothing; its ``encode``
    and ``decode`` run only when a value of that type is converted. A later registration for
    the same type and format replaces an earlier one (installed plugins after this one's
    pandas and pyarrow handlers).
    """
