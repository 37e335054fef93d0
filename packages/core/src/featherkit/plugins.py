"""The plugin manager: created on first need, loaded once, reached through a typed facade.

Loading order: core's builtin plugins (registered directly, all ``trylast``), then every entry
point in the ``featherkit`` group, each with its own error handling. Environment switches:

``FEATHERKIT_PLUGINS``
    comma-separated distribution names to load; unset loads all, empty loads none.
``FEATHERKIT_DISABLE_PLUGINS``
    comma-separated distribution or entry point names never to load.
``FEATHERKIT_STRICT_PLUGINS=1``
    a plugin that fails to load or implements an unknown hook raises instead of being logged
    and skipped.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pluggy

from featherkit import hookspecs

if TYPE_CHECKING:
    import importlib.metadata

    from flyteidl.core import tasks_pb2

    from featherkit.base_task import Task
    from featherkit.context import ExecutionParameters
    from featherkit.serialization import SerializationSettings

log = logging.getLogger("featherkit.plugins")

ENTRY_POINT_GROUP = "featherkit"
#: the hooks that give a task its one serialization target
TARGET_HOOKS = ("get_container", "get_k8s_pod", "get_sql")
BUILTIN_PREFIX = "featherkit.builtin."


class PluginError(Exception):
    """A plugin could not be loaded, or two plugins claim the same thing."""


@dataclass(frozen=True)
class PluginInfo:
    """What ``featherkit plugins`` shows for one registered plugin."""

    name: str
    distribution: str
    version: str
    entry_point: str
    hooks: tuple[str, ...]
    builtin: bool


@dataclass
class _LoadReport:
    infos: dict[str, PluginInfo] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def _env_list(name: str) -> list[str] | None:
    value = os.environ.get(name)
    if value is None:
        return None
    return [item.strip() for item in value.split(",") if item.strip()]


def strict_mode() -> bool:
    return os.environ.get("FEATHERKIT_STRICT_PLUGINS", "").lower() in ("1", "true", "yes")


def _normalize(dist_name: str) -> str:
    return dist_name.lower().replace("_", "-").replace(".", "-")


def is_builtin(plugin_name: str | None) -> bool:
    return plugin_name is not None and plugin_name.startswith(BUILTIN_PREFIX)


class PluginManager:
    """Owns the pluggy manager and the registries derived from it.

    ``generation`` increases whenever the set of plugins changes, so registries computed from
    the hooks (type engine, resolvers, storage, cache backends) know when to recompute.
    """

    def __init__(self) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs)
        self.generation = 0
        self.report = _LoadReport()
        self._derived: dict[Hashable, tuple[int, Any]] = {}
        self.facade: Hooks | None = None

    # -- loading ---------------------------------------------------------------------------

    def load(self, entry_points: Iterable[importlib.metadata.EntryPoint] | None = None) -> None:
        from featherkit import builtins

        for name, plugin in builtins.plugins():
            self._register(plugin, BUILTIN_PREFIX + name, "featherkit", _core_version(), "")
        if entry_points is None:
            # read from the distributions' metadata files directly: importing
            # importlib.metadata (email, zipfile, csv, ...) was a fifth of a container's start
            from featherkit._entry_points import entry_points as find

            entry_points = find(ENTRY_POINT_GROUP)
        wanted = _env_list("FEATHERKIT_PLUGINS")
        blocked = {_normalize(n) for n in _env_list("FEATHERKIT_DISABLE_PLUGINS") or []}
        for ep in sorted(entry_points, key=lambda e: (_dist_name(e), e.name)):
            dist = _dist_name(ep)
            if wanted is not None and _normalize(dist) not in {_normalize(w) for w in wanted}:
                continue
            if _normalize(dist) in blocked or _normalize(ep.name) in blocked:
                log.debug("plugin %s from %s disabled by FEATHERKIT_DISABLE_PLUGINS", ep.name, dist)
                continue
            self._load_entry_point(ep, dist)
        self._check_pending()

    def _load_entry_point(self, ep: importlib.metadata.EntryPoint, dist: str) -> None:
        version = ep.dist.version if ep.dist is not None else "?"
        where = f"entry point {ep.name!r} ({ep.value}) of distribution {dist!r} {version}"
        try:
            plugin = ep.load()
            self._register(plugin, ep.name, dist, version, ep.value)
        except Exception as exc:
            message = f"featherkit: plugin {where} failed to load: {type(exc).__name__}: {exc}"
            if strict_mode():
                raise PluginError(message) from exc
            log.warning("%s (skipped)", message)
            self.report.failures.append(message)

    def _register(self, plugin: object, name: str, dist: str, version: str, value: str) -> None:
        """Register one plugin; a plugin may bring hookspecs of its own as ``featherkit_hookspecs``
        (a module or class marked with :data:`featherkit.hookspecs.hookspec`), which are added
        first so that other plugins can implement them."""
        if self.pm.has_plugin(name):
            raise PluginError(f"featherkit: two plugins are named {name!r} ({dist} {value})")
        extra_specs = getattr(plugin, "featherkit_hookspecs", None)
        if extra_specs is not None:
            self.pm.add_hookspecs(extra_specs)
        self.pm.register(plugin, name=name)
        hooks = tuple(sorted(h.name for h in self.pm.get_hookcallers(plugin) or []))
        self.report.infos[name] = PluginInfo(
            name, dist, version, value or "(builtin)", hooks, is_builtin(name)
        )
        self.generation += 1

    def _check_pending(self) -> None:
        """Fail loudly on a hook implementation that matches no hookspec (a misspelt name)."""
        while True:
            try:
                self.pm.check_pending()
                return
            except pluggy.PluginValidationError as exc:
                name = self.pm.get_name(exc.plugin) or repr(exc.plugin)
                info = self.report.infos.get(name)
                dist = info.distribution if info else "?"
                message = f"featherkit: plugin {name!r} of distribution {dist!r}: {exc}"
                if strict_mode():
                    raise PluginError(message) from exc
                log.warning("%s (skipped)", message)
                self.report.failures.append(message)
                self.unregister(name)

    # -- registration for tests and embedding ----------------------------------------------

    def register(self, plugin: object, name: str | None = None) -> str:
        name = name or f"{type(plugin).__module__}.{getattr(plugin, '__name__', id(plugin))}"
        self._register(plugin, name, "(registered)", "", "")
        self._check_pending()
        return name

    def unregister(self, name: str) -> None:
        self.pm.unregister(name=name)
        self.report.infos.pop(name, None)
        self.generation += 1

    def derived(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """Compute a registry from the hooks once per plugin generation."""
        cached = self._derived.get(key)
        if cached is not None and cached[0] == self.generation:
            return cached[1]
        value = compute()
        self._derived[key] = (self.generation, value)
        return value


def _dist_name(ep: importlib.metadata.EntryPoint) -> str:
    return ep.dist.name if ep.dist is not None else "(unknown distribution)"


def _core_version() -> str:
    from featherkit import __version__

    return __version__


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
        manager.unregister(registered_name)


# --- the facade ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """A hook result together with the plugin that gave it."""

    plugin: str
    value: Any


class Hooks:
    """One typed method per hook, with that hook's call semantics."""

    def __init__(self, manager: PluginManager) -> None:
        self.manager = manager

    @property
    def _hook(self) -> Any:
        return self.manager.pm.hook

    def _impls(self, name: str, builtins: bool = True) -> list[Any]:
        """Implementations in pluggy's call order (tryfirst first, builtins last); with
        ``builtins=False`` core's own implementations are left out."""

        def compute() -> list[Any]:
            impls = list(reversed(getattr(self._hook, name).get_hookimpls()))
            if builtins:
                return impls
            return [impl for impl in impls if not is_builtin(impl.plugin_name)]

        impls: list[Any] = self.manager.derived((name, builtins), compute)
        return impls

    def _each(self, name: str, **kwargs: Any) -> Iterator[Answer]:
        impls = self._impls(name)
        if not impls:
            return
        for impl in impls:
            args = [kwargs[arg] for arg in impl.argnames]
            yield Answer(impl.plugin_name, impl.function(*args))

    def _first(self, name: str, *, builtins: bool = True, **kwargs: Any) -> Answer | None:
        """The first non-``None`` answer; with ``builtins=False`` core's own are not even asked."""
        for impl in self._impls(name, builtins):
            value = impl.function(*[kwargs[arg] for arg in impl.argnames])
            if value is not None:
                return Answer(impl.plugin_name, value)
        return None

    def _merged(self, name: str, **kwargs: Any) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        owner: dict[str, str] = {}
        for impl in self._impls(name):
            value = impl.function(*[kwargs[arg] for arg in impl.argnames])
            if not value:
                continue
            for key, item in dict(value).items():
                if key in owner:
                    raise PluginError(
                        f"{name}: key {key!r} is set by both plugin {owner[key]!r} and "
                        f"plugin {impl.plugin_name!r}"
                    )
                owner[key] = impl.plugin_name
                merged[key] = item
        return merged

    def _registry(self, name: str, what: str) -> dict[Any, Any]:
        """Run a register-callback hook; installed plugins may replace builtins only."""

        def compute() -> dict[Any, Any]:
            entries: dict[Any, Any] = {}
            owners: dict[Any, str] = {}
            # builtins first, so an installed plugin can replace them
            for impl in reversed(self._impls(name)):
                plugin = impl.plugin_name

                def register(key: Any, value: Any, _plugin: str = plugin) -> None:
                    previous = owners.get(key)
                    if previous is not None and not is_builtin(previous):
                        raise PluginError(
                            f"{what} {key!r} is registered by both plugin {previous!r} and "
                            f"plugin {_plugin!r}"
                        )
                    owners[key] = _plugin
                    entries[key] = value

                impl.function(register)
            return entries

        registry: dict[Any, Any] = self.manager.derived("registry:" + name, compute)
        return registry

    # -- execution -------------------------------------------------------------------------

    def has_execution_hooks(self) -> bool:
        return bool(
            self._impls("pre_execute")
            or self._impls("post_execute")
            or self._impls("execution_finished")
        )

    def pre_execute(self, task: Task, params: ExecutionParameters) -> None:
        for impl in self._impls("pre_execute"):
            impl.function(**{arg: {"task": task, "params": params}[arg] for arg in impl.argnames})

    def post_execute(self, task: Task, params: ExecutionParameters, outputs: Any) -> Any:
        if not self._impls("post_execute"):
            return outputs
        replaced: Answer | None = None
        for answer in self._each("post_execute", task=task, params=params, outputs=outputs):
            if answer.value is None:
                continue
            if replaced is not None:
                raise PluginError(
                    f"post_execute: both plugin {replaced.plugin!r} and plugin "
                    f"{answer.plugin!r} replaced the outputs of task {task.name!r}"
                )
            replaced = answer
        return outputs if replaced is None else replaced.value

    def execution_finished(
        self, task: Task, params: ExecutionParameters, outputs: Any, error: BaseException | None
    ) -> None:
        for impl in self._impls("execution_finished"):
            try:
                impl.function(task=task, params=params, outputs=outputs, error=error)
            except Exception as exc:
                log.warning(
                    "execution_finished of plugin %r failed for task %r: %s: %s",
                    impl.plugin_name, task.name, type(exc).__name__, exc,
                )

    # -- serialization ---------------------------------------------------------------------

    def target_answers(self, task: Task, settings: SerializationSettings) -> dict[str, Answer]:
        """The serialization targets plugins offer for ``task``.

        Installed plugins win over core's builtins: builtin answers count only when no
        installed plugin answered any target, and then only are the builtins asked.
        """
        installed = self.installed_targets(task, settings)
        if installed:
            return installed
        answers = {}
        for kind in TARGET_HOOKS:
            for impl in self._impls(kind):
                if is_builtin(impl.plugin_name):
                    value = impl.function(*[{"task": task, "settings": settings}[a]
                                            for a in impl.argnames])
                    if value is not None:
                        answers[kind] = Answer(impl.plugin_name, value)
                        break
        return answers

    def installed_targets(
        self, task: Task, settings: SerializationSettings, kinds: Iterable[str] = ()
    ) -> dict[str, Answer]:
        """Targets offered by installed plugins only (core's defaults are not asked)."""
        answers = {}
        for kind in kinds or TARGET_HOOKS:
            answer = self._first(kind, builtins=False, task=task, settings=settings)
            if answer is not None:
                answers[kind] = answer
        return answers

    def get_container(
        self, task: Task, settings: SerializationSettings
    ) -> tasks_pb2.Container | None:
        answer = self.target_answers(task, settings).get("get_container")
        return answer.value if answer else None

    def get_k8s_pod(self, task: Task, settings: SerializationSettings) -> tasks_pb2.K8sPod | None:
        answer = self.target_answers(task, settings).get("get_k8s_pod")
        return answer.value if answer else None

    def get_sql(self, task: Task, settings: SerializationSettings) -> tasks_pb2.Sql | None:
        answer = self.target_answers(task, settings).get("get_sql")
        return answer.value if answer else None

    def get_custom(self, task: Task, settings: SerializationSettings) -> dict[str, Any]:
        return self._merged("get_custom", task=task, settings=settings)

    def get_config(self, task: Task, settings: SerializationSettings) -> dict[str, str]:
        return self._merged("get_config", task=task, settings=settings)

    def get_extended_resources(
        self, task: Task, settings: SerializationSettings
    ) -> tasks_pb2.ExtendedResources | None:
        answer = self._first("get_extended_resources", task=task, settings=settings)
        return answer.value if answer else None

    # -- registries ------------------------------------------------------------------------

    def type_transformers(self) -> list[Any]:
        def compute() -> list[Any]:
            found: list[Any] = []
            for impl in reversed(self._impls("register_type_transformers")):
                impl.function(found.append)
            return found

        transformers: list[Any] = self.manager.derived("transformers", compute)
        return transformers

    def cache_backends(self) -> Mapping[str, Callable[[str], Any]]:
        return self._registry("register_cache_backends", "cache backend")

    def resolvers(self) -> Mapping[str, Any]:
        def compute() -> dict[str, Any]:
            found: dict[str, Any] = {}
            owners: dict[str, str] = {}
            for impl in reversed(self._impls("register_resolvers")):

                def register(resolver: Any, _plugin: str = impl.plugin_name) -> None:
                    location = resolver.location
                    previous = owners.get(location)
                    if previous is not None and not is_builtin(previous):
                        raise PluginError(
                            f"resolver {location!r} is registered by both plugin "
                            f"{previous!r} and plugin {_plugin!r}"
                        )
                    owners[location] = _plugin
                    found[location] = resolver

                impl.function(register)
            return found

        resolvers: dict[str, Any] = self.manager.derived("resolvers", compute)
        return resolvers

    def storage(self) -> Mapping[str, Any]:
        return self._registry("register_storage", "storage scheme")

    def template_executors(self) -> Mapping[str, Callable[[Any], Any]]:
        return self._registry("register_template_executors", "template executor")

    def task_types(self) -> Mapping[type, type]:
        return self._registry("register_task_types", "task_config type")

    def task_arguments(self) -> Mapping[str, Callable[[Any], Any] | None]:
        def compute() -> dict[str, Callable[[Any], Any] | None]:
            found: dict[str, Callable[[Any], Any] | None] = {}
            owners: dict[str, str] = {}
            for impl in reversed(self._impls("register_task_arguments")):

                def register(
                    name: str,
                    validate: Callable[[Any], Any] | None = None,
                    _plugin: str = impl.plugin_name,
                ) -> None:
                    if name in owners:
                        raise PluginError(
                            f"@task argument {name!r} is registered by both plugin "
                            f"{owners[name]!r} and plugin {_plugin!r}"
                        )
                    owners[name] = _plugin
                    found[name] = validate

                impl.function(register)
            return found

        arguments: dict[str, Callable[[Any], Any] | None] = self.manager.derived(
            "task_arguments", compute
        )
        return arguments

    def register_commands(self, cli: Any) -> None:
        self._hook.register_commands(cli=cli)


def hooks() -> Hooks:
    """The facade over the process's plugin manager (on every task call: keep it cheap)."""
    manager = _manager or get_plugin_manager()
    facade = manager.facade
    if facade is None:
        facade = manager.facade = Hooks(manager)
    return facade
