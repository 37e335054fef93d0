"""The plugin object: registers the pickle resolver (entry point ``pickle-resolver``).

Registering makes the resolver loadable in a container by its location; it is used for
serialization only when a task or the settings choose it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from featherkit.extend import hookimpl
from featherkit_resolver_pickle.resolver import pickle_resolver


@hookimpl
def register_resolvers(register: Callable[[Any], None]) -> None:
    register(pickle_resolver)
