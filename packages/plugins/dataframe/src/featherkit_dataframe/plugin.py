"""The plugin's hooks (entry point ``dataframe = featherkit_dataframe.plugin``).

Registering imports neither pandas nor pyarrow: handlers name their frame types by import
path and the transformer matches types by that path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from featherkit.extend import hookimpl
from featherkit_dataframe import hookspecs as featherkit_hookspecs

if TYPE_CHECKING:
    from featherkit_dataframe.handlers import FrameHandler

__all__ = ["featherkit_hookspecs", "handlers"]


@hookimpl
def register_dataframe_handlers(register: Callable[[Any], None]) -> None:
    # imported here: loading the plugin (every pod's start) needs no handler
    from featherkit_dataframe.handlers import ArrowParquet, PandasParquet, PolarsParquet

    register(PandasParquet())
    register(ArrowParquet())
    register(PolarsParquet())  # names the class only: polars is imported when a frame is


def _collect() -> dict[tuple[str, str], FrameHandler]:
    from featherkit.extend import get_plugin_manager

    found: dict[tuple[str, str], FrameHandler] = {}
    hook = get_plugin_manager().pm.hook.register_dataframe_handlers
    # pluggy calls the last registered first: reversed, so installed plugins override ours
    for impl in reversed(hook.get_hookimpls()):
        collected: list[FrameHandler] = []
        impl.function(collected.append)
        for handler in collected:
            for path in (handler.type_path, *handler.aliases):
                found[(path, handler.format)] = handler
    return found


def handlers() -> dict[tuple[str, str], FrameHandler]:
    """Every registered handler by (frame type path, format), for the current plugins."""
    from featherkit.extend import get_plugin_manager

    table: dict[tuple[str, str], FrameHandler] = get_plugin_manager().derived(
        "dataframe_handlers", _collect
    )
    return table


@hookimpl
def register_type_transformers(register: Callable[[Any], None]) -> None:
    from featherkit_dataframe.transformer import StructuredDatasetTransformer

    register(StructuredDatasetTransformer())


@hookimpl(optionalhook=True)
def deck_render_value(value: Any, python_type: Any) -> str | None:
    """Frames in decks (featherkit-deck's hook): the first rows as a table."""
    from featherkit_dataframe.dataset import StructuredDataset
    from featherkit_dataframe.transformer import _type_path

    frame = value.dataframe if isinstance(value, StructuredDataset) else value
    path = _type_path(type(frame))
    for (type_path, _), handler in handlers().items():
        if type_path == path:
            return handler.to_html(frame)
    return None
