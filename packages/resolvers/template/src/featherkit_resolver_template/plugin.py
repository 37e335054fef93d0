"""The plugin object: registers the template resolver (entry point ``template-resolver``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from featherkit.extend import hookimpl
from featherkit_resolver_template.resolver import template_resolver


@hookimpl
def register_resolvers(register: Callable[[Any], None]) -> None:
    register(template_resolver)
