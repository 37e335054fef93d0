"""The builtin plugin registering :class:`FlyteError`'s transformer (``featherkit.flyte_error``).

The class and its transformer live in :mod:`featherkit.types.error` (flytekit's import path);
this module, a core builtin plugin, registers the transformer and keeps the older import path
``featherkit.flyte_error.FlyteError``. It stays light.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from featherkit.hookspecs import hookimpl
from featherkit.types.error import FlyteError, FlyteErrorTransformer


@hookimpl(trylast=True)
def register_type_transformers(register: Callable[[Any], None]) -> None:
    register(FlyteErrorTransformer())


__all__ = ["FlyteError", "FlyteErrorTransformer"]
