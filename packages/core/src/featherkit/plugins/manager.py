"""The plugin manager: created on first need, loaded once, each plugin isolated from the others.

Loading order: core's builtin plugins (modules named in :data:`BUILTIN_MODULES`, registered
``trylast`` under names starting ``featherkit.builtin.``), then every entry point in the
``featherkit`` group, each with its own error handling. Builtins are imported by name, the
same way entry points are, so this module imports none of the modules that implement hooks
(they import the plugin machinery, not the other way round). Environment switches:

``FEATHERKIT_PLUGINS``
    comma-separated distribution or entry point names to load; unset loads all, empty loads
    none. A name that matches no installed plugin is an error listing the installed ones.
``FEATHERKIT_DISABLE_PLUGINS``
    comma-separated distribution or entry point names never to load (unknown names: an error).
``FEATHERKIT_STRICT_PLUGINS=1``
    a broken plugin (import error, ``SystemExit`` at import, a misspelt hook, a hook wrapper
    where the spec allows none, a ``register_*`` hook that raises) raises instead of being
    skipped with one warning naming it.
"""

from __future__ import annotations

import importlib
import itertools
import os
import threading
import types
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import pluggy

from featherkit import hookspecs
from featherkit._records import FrozenRecord

if TYPE_CHECKING:
    import importlib.metadata
    import logging


def _log() -> logging.Logger:
    """Logger ``featherkit.plugins`` (:mod:`logging` loads at the first message only)."""
    import logging

    return logging.getLogger("featherkit.plugins")

ENTRY_POINT_GROUP = "featherkit"
BUILTIN_PREFIX = "featherkit.builtin."

#: core's own plugins: builtin name -> module holding its hook implementations. Imported by
#: name when the manager loads (like an entry point), never imported by this module.
BUILTIN_MODULES = {
    "types": "featherkit.type_registry",
    "container": "featherkit.container",
    "module-resolver": "featherkit.resolvers",
    "storage-local": "featherkit.storage",
    "cache-sqlite": "featherkit.cache.builtin",
    "map-resolver": "featherkit.map_resolver",
    "template-resolver": "featherkit.template_resolver",
    "flyte-error": "featherkit.flyte_error",
}


class PluginError(Exception):
    """A plugin could not be loaded, is broken, or two plugins claim the same thing."""


@dataclass(init=False, repr=False, eq=False)
class PluginInfo(FrozenRecord):
    """What ``featherkit plugins`` shows for one registered plugin."""

    name: str
    distribution: str
    version: str
    entry_point: str
    hooks: tuple[str, ...]
    builtin: bool

    def __init__(
        self, name: str, distribution: str, version: str, entry_point: str,
        hooks: tuple[str, ...], builtin: bool,
    ) -> None:
        self._assign(name, distribution, version, entry_point, hooks, builtin)


class _LoadReport:
    """The plugins registered and the failures met (a plain class: dataclass creation costs
    every pod's start)."""

    def __init__(self) -> None:
        self.infos: dict[str, PluginInfo] = {}
        self.failures: list[str] = []


def _env_list(name: str) -> list[str] | None:
    value = os.environ.get(name)
    if value is None:
        return None
    return [item.strip() for item in value.split(",") if item.strip()]


def strict_mode() -> bool:
    return os.environ.get("FEATHERKIT_STRICT_PLUGINS", "").lower() in ("1", "true", "yes")


def _normalize(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def is_builtin(plugin_name: str | None) -> bool:
    return plugin_name is not None and plugin_name.startswith(BUILTIN_PREFIX)


def _dist_name(ep: importlib.metadata.EntryPoint) -> str:
    return ep.dist.name if ep.dist is not None else "(unknown distribution)"


def _core_version() -> str:
    from featherkit import __version__

    return __version__


#: every plugin generation of the process, across managers (see PluginManager)
_GENERATIONS = itertools.count()


_ABSENT = object()
#: names a module's class defines (``__doc__``, ``__dict__``, ...): a descriptor of the class
#: may answer for these, so they are left to pluggy
_MODULE_TYPE_NAMES = frozenset(dir(types.ModuleType))


_ASK_PLUGGY = object()


def _module_marker(namespace: Any, name: str, marker: str) -> Any:
    """The options of ``marker`` that pluggy would find on ``name`` of a module (``None``:
    not a hook), or ``_ASK_PLUGGY`` when this does not know.

    For a name the module's class does not define, pluggy's static lookup reads the module's
    ``__dict__``. A value whose type has no ``__get__`` (a class, a module, a string, a marker
    object) is not a function, method or static/class method: "not a hook", in every pluggy
    version. A plain function carries its options (a dict) as the marker attribute.
    """
    if type(namespace) is not types.ModuleType or name in _MODULE_TYPE_NAMES:
        return _ASK_PLUGGY
    value = namespace.__dict__.get(name, _ABSENT)
    if value is _ABSENT:
        return _ASK_PLUGGY
    kind = type(value)
    if kind is types.FunctionType and not hasattr(value, "__func__"):
        opts = getattr(value, marker, None)
        return opts if isinstance(opts, dict) else None
    return _ASK_PLUGGY if hasattr(kind, "__get__") else None


class _PluggyManager(pluggy.PluginManager):
    """pluggy's manager, which reads a module's hook markers from the module's ``__dict__``.

    ``register`` and ``add_hookspecs`` ask about every name in ``dir(module)``, through
    ``inspect.getattr_static``: for plugin modules that import much, most of the time of
    loading the plugins (every pod's start) went on names such as ``Any`` or ``os``, whose
    answer :func:`_module_marker` knows. Every other name is still asked of pluggy.
    """

    def parse_hookimpl_opts(self, plugin: Any, name: str) -> pluggy.HookimplOpts | None:
        opts = _module_marker(plugin, name, self.project_name + "_impl")
        if opts is _ASK_PLUGGY:
            return super().parse_hookimpl_opts(plugin, name)
        return cast("pluggy.HookimplOpts | None", opts)

    def parse_hookspec_opts(self, module_or_class: Any, name: str) -> pluggy.HookspecOpts | None:
        opts = _module_marker(module_or_class, name, self.project_name + "_spec")
        if opts is _ASK_PLUGGY:
            return super().parse_hookspec_opts(module_or_class, name)
        return cast("pluggy.HookspecOpts | None", opts)


class PluginManager:
    """Owns the pluggy manager and the registries derived from it.

    ``generation`` changes whenever the set of plugins changes, so registries computed from
    the hooks (type engine, resolvers, storage, cache backends) know when to recompute. It is
    drawn from one process-wide counter, so a new manager (after ``reset_plugin_manager()``)
    never repeats a generation of an earlier one: something keyed by generation alone, like a
    cache backend, is never taken for the new manager's.
    """

    def __init__(self) -> None:
        self.pm: pluggy.PluginManager = _PluggyManager(hookspecs.PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs)
        self.generation = next(_GENERATIONS)
        self.report = _LoadReport()
        self._derived: dict[Hashable, tuple[int, Any]] = {}
        self.facade: Any = None

    # -- loading ---------------------------------------------------------------------------

    def load(self, entry_points: Iterable[importlib.metadata.EntryPoint] | None = None) -> None:
        for name, module in BUILTIN_MODULES.items():
            plugin = importlib.import_module(module)
            self._register(plugin, BUILTIN_PREFIX + name, "featherkit", _core_version(), "")
        if entry_points is None:
            # read from the distributions' metadata files directly: importing
            # importlib.metadata (email, zipfile, csv, ...) was a fifth of a container's start
            from featherkit._entry_points import entry_points as find

            entry_points = find(ENTRY_POINT_GROUP)
        found = sorted(entry_points, key=lambda e: (_dist_name(e), e.name))
        wanted = _env_list("FEATHERKIT_PLUGINS")
        blocked = _env_list("FEATHERKIT_DISABLE_PLUGINS") or []
        self._check_names(found, "FEATHERKIT_PLUGINS", wanted or [])
        self._check_names(found, "FEATHERKIT_DISABLE_PLUGINS", blocked)
        wanted_set = None if wanted is None else {_normalize(n) for n in wanted}
        blocked_set = {_normalize(n) for n in blocked}
        for ep in found:
            names = {_normalize(_dist_name(ep)), _normalize(ep.name)}
            if wanted_set is not None and not names & wanted_set:
                continue
            if names & blocked_set:
                _log().debug("plugin %s from %s disabled by FEATHERKIT_DISABLE_PLUGINS",
                          ep.name, _dist_name(ep))
                continue
            self._load_entry_point(ep)
        self._check_pending()

    @staticmethod
    def _check_names(
        found: list[importlib.metadata.EntryPoint], variable: str, names: list[str]
    ) -> None:
        """A name in ``FEATHERKIT_PLUGINS``/``FEATHERKIT_DISABLE_PLUGINS`` must match a plugin:
        a typo must not silently unload (or keep) one."""
        known = {_normalize(_dist_name(ep)) for ep in found} | {_normalize(ep.name) for ep in found}
        unknown = [name for name in names if _normalize(name) not in known]
        if unknown:
            installed = ", ".join(
                sorted({f"{_dist_name(ep)} (entry point {ep.name})" for ep in found})
            ) or "(none)"
            raise PluginError(
                f"featherkit: {variable} names {', '.join(map(repr, unknown))}, which no "
                f"installed plugin is called; installed plugins: {installed}"
            )

    def _load_entry_point(self, ep: importlib.metadata.EntryPoint) -> None:
        dist = _dist_name(ep)
        version = ep.dist.version if ep.dist is not None else "?"
        where = f"entry point {ep.name!r} ({ep.value}) of distribution {dist!r} {version}"
        try:
            plugin = ep.load()
            self._register(plugin, ep.name, dist, version, ep.value)
        except (KeyboardInterrupt, GeneratorExit):
            raise
        except BaseException as exc:  # a plugin calling sys.exit() is a broken plugin
            if self.pm.has_plugin(ep.name) and ep.name not in self.report.infos:
                self.pm.unregister(name=ep.name)
            self.broken(f"plugin {where} failed to load: {type(exc).__name__}: {exc}", exc)

    def broken(self, message: str, exc: BaseException | None = None) -> None:
        """A plugin is broken: raise in strict mode, else one warning and remember it."""
        message = f"featherkit: {message}"
        if strict_mode():
            raise PluginError(message) from exc
        _log().warning("%s (skipped)", message)
        self.report.failures.append(message)

    def _register(self, plugin: object, name: str, dist: str, version: str, value: str) -> None:
        """Register one plugin; a plugin may bring hookspecs of its own as ``featherkit_hookspecs``
        (a module or class marked with :data:`featherkit.hookspecs.hookspec`), which are added
        first so that other plugins can implement them."""
        if self.pm.has_plugin(name):
            raise PluginError(f"featherkit: two plugins are named {name!r} ({dist} {value})")
        extra_specs = getattr(plugin, "featherkit_hookspecs", None)
        if extra_specs is not None and not self._declared(extra_specs):
            self.pm.add_hookspecs(extra_specs)
        self.pm.register(plugin, name=name)
        callers = self.pm.get_hookcallers(plugin) or []
        try:
            self._refuse_wrappers(callers, plugin, name, dist)
        except PluginError:
            self.pm.unregister(plugin)
            raise
        hooks = tuple(sorted(h.name for h in callers))
        self.report.infos[name] = PluginInfo(
            name, dist, version, value or "(builtin)", hooks, is_builtin(name)
        )
        self.generation = next(_GENERATIONS)

    def _declared(self, specs: object) -> bool:
        """Whether every hookspec in ``specs`` is declared already (its plugin was registered
        before: pluggy keeps specs when a plugin is unregistered)."""
        marker = f"{hookspecs.PROJECT_NAME}_spec"
        names = [n for n in dir(specs) if getattr(getattr(specs, n, None), marker, None)]
        return bool(names) and all(
            getattr(getattr(self.pm.hook, n, None), "spec", None) is not None for n in names
        )

    @staticmethod
    def _refuse_wrappers(
        callers: list[pluggy.HookCaller], plugin: object, name: str, dist: str
    ) -> None:
        """A hook wrapper on a hook whose spec allows none (among the hook callers of
        ``plugin``) is refused now, naming the plugin, rather than failing obscurely on some
        later call."""
        for caller in callers:
            if caller.spec is None or hookspecs.allows_wrappers(caller.spec.function):
                continue
            for impl in caller.get_hookimpls():
                if impl.plugin is plugin and (impl.wrapper or impl.hookwrapper):
                    raise PluginError(
                        f"plugin {name!r} of distribution {dist!r} implements {caller.name} "
                        "as a hook wrapper, which that hook does not support (its spec "
                        "says so); implement it as a plain hook"
                    )

    def _check_pending(self) -> None:
        """A hook implementation that matches no hookspec (a misspelt name) breaks its plugin."""
        while True:
            try:
                self.pm.check_pending()
                return
            except pluggy.PluginValidationError as exc:
                name = self.pm.get_name(exc.plugin) or repr(exc.plugin)
                info = self.report.infos.get(name)
                dist = info.distribution if info else "?"
                self.unregister(name)
                self.broken(f"plugin {name!r} of distribution {dist!r}: {exc}", exc)

    # -- registration for tests and embedding ----------------------------------------------

    def register(self, plugin: object, name: str | None = None) -> str:
        name = name or f"{type(plugin).__module__}.{getattr(plugin, '__name__', id(plugin))}"
        self._register(plugin, name, "(registered)", "", "")
        try:
            self._check_pending()
        except PluginError:
            if self.pm.has_plugin(name):
                self.unregister(name)
            raise
        return name

    def unregister(self, name: str) -> None:
        self.pm.unregister(name=name)
        self.report.infos.pop(name, None)
        self.generation = next(_GENERATIONS)

    def disable(self, name: str, message: str, exc: BaseException | None = None) -> None:
        """A loaded plugin turned out broken (a raising ``register_*`` hook): in strict mode
        raise naming it; otherwise unregister it with one warning."""
        info = self.report.infos.get(name)
        dist = f" of distribution {info.distribution!r}" if info else ""
        self.broken(f"plugin {name!r}{dist} {message}", exc)
        if self.pm.has_plugin(name):
            self.unregister(name)

    def derived(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """Compute a registry from the hooks once per plugin generation."""
        cached = self._derived.get(key)
        if cached is not None and cached[0] == self.generation:
            return cached[1]
        value = compute()
        self._derived[key] = (self.generation, value)
        return value


_manager: PluginManager | None = None
_lock = threading.Lock()


def get_plugin_manager() -> PluginManager:
    """The process's plugin manager, loaded on first call (never at ``import featherkit``)."""
    global _manager
    if _manager is None:
        with _lock:
            if _manager is None:
                manager = PluginManager()
                manager.load()
                _manager = manager
    return _manager


def current_manager() -> PluginManager | None:
    """The loaded manager, or ``None`` before first use (no loading)."""
    return _manager


def reset_plugin_manager() -> None:
    """Forget the loaded manager; the next use loads plugins again (tests use this)."""
    global _manager
    with _lock:
        _manager = None


@contextmanager
def registered(plugin: object, name: str | None = None) -> Iterator[str]:
    """Register ``plugin`` for the duration of a ``with`` block (handy in tests)."""
    manager = get_plugin_manager()
    registered_name = manager.register(plugin, name)
    try:
        yield registered_name
    finally:
        if manager.pm.has_plugin(registered_name):
            manager.unregister(registered_name)
