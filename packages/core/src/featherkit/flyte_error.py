"""The builtin plugin registering :class:`FlyteError`'s transformer (``featherkit.flyte_error``).

The class and its transformer live in :mod:`featherkit.types.error` (flytekit's import path);
this module, a core builtin plugin, registers the transformer and keeps the older import path
``featherkit.flyte_error.FlyteError``. It stays light.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from featherkit.hookspecs import hookimpl

if TYPE_CHECKING:
    from featherkit.types.error import FlyteError, FlyteErrorTransformer


def _transformers() -> list[Any]:
    from featherkit.types.error import FlyteErrorTransformer

    return [FlyteErrorTransformer()]


@hookimpl(trylast=True)
def register_type_transformers(register: Callable[[Any], None]) -> None:
    from featherkit.types.engine import DeferredTransformers

    # a FlyteError is always declared by name, so its module loads at the engine's first
    # lookup beyond the primitives, not at every pod's start
    register(DeferredTransformers((), _transformers))


def __getattr__(name: str) -> Any:
    if name in __all__:
        from featherkit.types import error

        return getattr(error, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["FlyteError", "FlyteErrorTransformer"]
