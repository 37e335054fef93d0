"""Core's own plugins. They go down the same path as installed ones, registered ``trylast``
under names starting ``featherkit.builtin.`` so that an installed plugin wins."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

#: builtin plugin name -> module holding its hook implementations
BUILTIN_MODULES = {
    "types": "featherkit.type_registry",
    "container": "featherkit.container",
    "module-resolver": "featherkit.resolvers",
    "storage-local": "featherkit.storage",
    "cache-sqlite": "featherkit.cache.sqlite",
    "map-resolver": "featherkit.map_resolver",
}


def plugins() -> Iterator[tuple[str, object]]:
    for name, module in BUILTIN_MODULES.items():
        yield name, importlib.import_module(module)
