"""One mechanism for every ``register_*`` hook: a register callback turned into a mapping.

Each hook's implementations are called one plugin at a time (through pluggy, with a subset
hook caller holding only that plugin), core's builtins first: so a key registered twice is an
error naming both plugins, an installed plugin may replace a builtin, and a hook that raises
is pinned on its plugin. The result is computed once per plugin generation.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from featherkit._records import FrozenRecord
from featherkit.plugins.manager import PluginError, is_builtin


@dataclass(init=False, repr=False, eq=False)
class Entries(FrozenRecord):
    """What a register hook produced: ``values`` by key, and the plugin that registered each."""

    values: dict[Any, Any]
    owners: dict[Any, str]

    def __init__(self, values: dict[Any, Any], owners: dict[Any, str]) -> None:
        self._assign(values, owners)

    def ordered(self) -> list[Any]:
        """The values, installed plugins' first (in registration order), then builtins'."""
        installed = [v for k, v in self.values.items() if not is_builtin(self.owners[k])]
        builtin = [v for k, v in self.values.items() if is_builtin(self.owners[k])]
        return installed + builtin


class BrokenPlugin(Exception):
    """Raised by :meth:`Registry.collect` when one plugin's hook raised; names that plugin."""

    def __init__(self, plugin: str, hook: str, error: BaseException) -> None:
        super().__init__(plugin)
        self.plugin = plugin
        self.hook = hook
        self.error = error


@dataclass(init=False, repr=False, eq=False)
class Registry(FrozenRecord):
    """A register-callback hook: what one ``register(...)`` call means.

    ``key(*args)`` and ``value(*args)`` read the key and the stored value from the arguments
    of one ``register`` call; ``what`` names a key in messages ("cache backend 'redis'").
    """

    hook: str
    what: str
    key: Callable[..., Hashable]
    value: Callable[..., Any]

    def __init__(
        self, hook: str, what: str, key: Callable[..., Hashable], value: Callable[..., Any]
    ) -> None:
        self._assign(hook, what, key, value)

    def collect(self, callers: Iterable[tuple[str, Callable[..., Any]]]) -> Entries:
        """Call each plugin's implementation (``callers``: plugin name and its own caller, core's
        builtins first) and gather what they register."""
        values: dict[Any, Any] = {}
        owners: dict[Any, str] = {}
        for plugin, call in callers:

            def register(*args: Any, _plugin: str = plugin, **kwargs: Any) -> None:
                key = self.key(*args, **kwargs)
                previous = owners.get(key)
                if previous is not None and not is_builtin(previous):
                    raise PluginError(
                        f"{self.what} {key!r} is registered by both plugin {previous!r} and "
                        f"plugin {_plugin!r}"
                    )
                owners[key] = _plugin
                values[key] = self.value(*args, **kwargs)

            try:
                call(register=register)
            except PluginError:
                raise
            except Exception as exc:
                raise BrokenPlugin(plugin, self.hook, exc) from exc
        return Entries(values, owners)


def _first(*args: Any, **kwargs: Any) -> Any:
    return args[0]


def _second(*args: Any, **kwargs: Any) -> Any:
    return args[1]


def _location(resolver: Any) -> str:
    location = resolver.location
    if not isinstance(location, str):
        raise TypeError(f"resolver {resolver!r} has a location that is not a string")
    return location


def _validator(name: str, validate: Callable[[Any], Any] | None = None) -> Any:
    return validate


#: every register hook of core, by hook name
REGISTRIES: dict[str, Registry] = {
    r.hook: r
    for r in (
        Registry("register_type_transformers", "type transformer for",
                 key=lambda t: t.python_type, value=_first),
        Registry("register_cache_backends", "cache backend", key=_first, value=_second),
        Registry("register_resolvers", "resolver", key=_location, value=_first),
        Registry("register_storage", "storage scheme", key=_first, value=_second),
        Registry("register_template_executors", "template executor", key=_first, value=_second),
        Registry("register_task_types", "task_config type", key=_first, value=_second),
        Registry("register_task_arguments", "@task argument", key=_first, value=_validator),
    )
}
