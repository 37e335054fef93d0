"""featherkit hook implementations of the pydantic plugin (entry point ``pydantic``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from featherkit.extend import hookimpl


@hookimpl
def register_type_transformers(register: Callable[[Any], None]) -> None:
    from featherkit_pydantic.transformer import PydanticTransformer

    register(PydanticTransformer())
