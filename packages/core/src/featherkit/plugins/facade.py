"""The typed facade: one method per hook, each calling pluggy with that hook's semantics.

Every call goes through pluggy (``pm.hook.<name>(...)``, or a subset hook caller): hook
wrappers, pluggy's ordering and ``add_hookcall_monitoring`` all work. The execution hooks,
called on every task call, use callers compiled once per plugin generation with pluggy's
order and result semantics (:mod:`featherkit._hookcall`), and pluggy's own callers whenever a
wrapper or call monitoring is present. Which plugin gave a
result is worked out only on the error path (a conflict, a bad value), by asking each plugin
on its own; the happy path pays nothing for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from featherkit.hookspecs import TARGET_HOOKS
from featherkit.plugins import manager as _manager_module
from featherkit.plugins.manager import PluginError, PluginManager, is_builtin
from featherkit.plugins.registry import REGISTRIES, BrokenPlugin, Entries, Registry

if TYPE_CHECKING:
    import logging

    from flyteidl.core import tasks_pb2

    # type-only: the facade passes tasks through, it never needs their classes at run time
    from featherkit.base_task import Task
    from featherkit.context import ExecutionParameters
    from featherkit.serialization import SerializationSettings


def _log() -> logging.Logger:
    """Logger ``featherkit.plugins`` (:mod:`logging` loads at the first message only)."""
    import logging

    return logging.getLogger("featherkit.plugins")


class Answer:
    """A target a plugin offered; ``plugin`` (who offered it) is worked out on first use."""

    __slots__ = ("_plugin", "_who", "value")

    def __init__(self, value: Any, who: Callable[[], str]) -> None:
        self.value = value
        self._who = who
        self._plugin: str | None = None

    @property
    def plugin(self) -> str:
        if self._plugin is None:
            self._plugin = self._who() or "(unknown)"
        return self._plugin


_FINISHED_ARGS = ("task", "params", "outputs", "error")
_SERIALIZE_ARGS = ("task", "settings")


def _not_builtin(plugin: str) -> bool:
    return not is_builtin(plugin)


def _nothing(*args: Any) -> Any:
    return None


def _keywords(call: Callable[..., Any], names: tuple[str, ...]) -> Callable[..., Any]:
    """``call(**kwargs)`` taking the same values positionally, in the order ``names``."""
    return lambda *args: call(**dict(zip(names, args)))


class Hooks:
    """One typed method per hook, with that hook's call semantics."""

    def __init__(self, manager: PluginManager) -> None:
        self.manager = manager
        self.pm = manager.pm
        self.hook = manager.pm.hook
        self._generation = -1
        self._has_pre = self._has_post = self._has_finished = False
        self._pre: Callable[..., Any] = _nothing
        self._post: Callable[..., Any] = _nothing
        #: the one post_execute implementation, when calling it is all the hook does
        self._post_one: Callable[..., Any] | None = None
        self._finished: list[tuple[str, Callable[..., Any]]] = []
        self._monitoring: object = None
        #: (hook, subset) -> (generation, monitoring token, caller): _serializing's own cache
        self._serializers: dict[tuple[str, str], tuple[int, object, Callable[..., Any]]] = {}
        #: subset -> (generation, monitoring token, target hooks to call): _target_hooks' cache
        self._targets: dict[str, tuple[int, object, tuple[tuple[str, Any], ...]]] = {}

    # -- pluggy callers, cached per plugin generation --------------------------------------

    def _refresh(self) -> None:
        """The execution hooks' callers, compiled once per plugin generation: the same order
        and results as pluggy's call without its per-call machinery (:mod:`featherkit._hookcall`;
        a wrapper or call monitoring keeps pluggy's own callers)."""
        from featherkit._hookcall import (
            compile_caller,
            compile_each,
            monitoring_token,
            single_function,
        )

        hook, pm = self.hook, self.pm
        self._has_pre = bool(hook.pre_execute.get_hookimpls())
        self._has_post = bool(hook.post_execute.get_hookimpls())
        self._has_finished = bool(hook.execution_finished.get_hookimpls())
        # pre_execute's results are ignored: its one implementation may be called directly
        self._pre = single_function(pm, "pre_execute", ("task", "params")) or compile_caller(
            pm, "pre_execute", ("task", "params")
        )
        self._post = compile_caller(pm, "post_execute", ("task", "params", "outputs"))
        self._post_one = single_function(pm, "post_execute", ("task", "params", "outputs"))
        finished: list[tuple[str, Callable[..., Any]]] = []
        if self._has_finished:
            each = compile_each(pm, "execution_finished", _FINISHED_ARGS)
            if each is None:  # pluggy's own subset callers, called with keywords
                finished = [
                    (plugin, _keywords(call, _FINISHED_ARGS))
                    for plugin, call in self.per_plugin("execution_finished")
                ]
            else:
                finished = sorted(each, key=lambda item: not is_builtin(item[0]))
        self._finished = finished
        self._monitoring = monitoring_token(pm)
        self._generation = self.manager.generation

    def _stale(self) -> bool:
        """(Inlined in the execution hooks' methods, which run on every task call.)"""
        return (
            self._generation != self.manager.generation
            or self._monitoring is not getattr(self.pm, "_inner_hookexec", None)
        )

    def _builtin_plugins(self, builtin: bool) -> list[object]:
        return [
            plugin for name, plugin in self.pm.list_name_plugin()
            if is_builtin(name) == builtin
        ]

    def installed(self, name: str) -> Callable[..., Any]:
        """The hook with core's builtins left out (installed plugins only)."""
        caller: Callable[..., Any] = self.manager.derived(
            ("installed", name),
            lambda: self.pm.subset_hook_caller(name, self._builtin_plugins(True)),
        )
        return caller

    def builtin(self, name: str) -> Callable[..., Any]:
        """The hook with installed plugins left out (core's builtins only)."""
        caller: Callable[..., Any] = self.manager.derived(
            ("builtin", name),
            lambda: self.pm.subset_hook_caller(name, self._builtin_plugins(False)),
        )
        return caller

    def per_plugin(self, name: str) -> list[tuple[str, Callable[..., Any]]]:
        """Each plugin implementing ``name`` with a caller holding only that plugin; core's
        builtins first, then installed plugins in registration order."""

        def compute() -> list[tuple[str, Callable[..., Any]]]:
            caller = getattr(self.hook, name)
            plugins = self.pm.get_plugins()
            found = []
            for impl in caller.get_hookimpls():
                others = [p for p in plugins if p is not impl.plugin]
                found.append((impl.plugin_name, self.pm.subset_hook_caller(name, others)))
            return sorted(found, key=lambda item: not is_builtin(item[0]))

        callers: list[tuple[str, Callable[..., Any]]] = self.manager.derived(
            ("per_plugin", name), compute
        )
        return callers

    def _answers(self, name: str, **kwargs: Any) -> Iterator[tuple[str, Any]]:
        """Each plugin's own answer to ``name`` (error path only: attribution). A plugin that
        raises when asked again is left out: the question is who gave an answer."""
        firstresult = bool(getattr(self.hook, name).spec.opts.get("firstresult"))
        for plugin, call in self.per_plugin(name):
            try:
                result = call(**kwargs)
            except Exception:
                continue
            if firstresult:
                yield plugin, result
            else:
                yield from ((plugin, value) for value in result)

    def who(self, name: str, accept: Callable[[Any], bool], **kwargs: Any) -> list[str]:
        """The plugins whose answer to ``name`` satisfies ``accept`` (error path only)."""
        return [plugin for plugin, value in self._answers(name, **kwargs) if accept(value)]

    def call(self, hook: str, /, **kwargs: Any) -> Any:
        """Call a hook a plugin declared (``featherkit_hookspecs``) by name; ``None`` when no
        plugin declared it. Its spec's semantics apply (a list, or the first answer)."""
        caller = getattr(self.hook, hook, None)
        if caller is None or caller.spec is None:
            return None
        return caller(**kwargs)

    # -- execution (the per-call path: keep it lean) ---------------------------------------

    def has_execution_hooks(self) -> bool:
        if self._stale():
            self._refresh()
        return self._has_pre or self._has_post or self._has_finished

    def pre_execute(self, task: Task, params: ExecutionParameters) -> None:
        if (
            self._generation != self.manager.generation
            or self._monitoring is not self.pm._inner_hookexec
        ):
            self._refresh()
        if self._has_pre:
            self._pre(task, params)

    def post_execute(self, task: Task, params: ExecutionParameters, outputs: Any) -> Any:
        if (
            self._generation != self.manager.generation
            or self._monitoring is not self.pm._inner_hookexec
        ):
            self._refresh()
        if not self._has_post:
            return outputs
        one = self._post_one
        if one is not None:
            replacement = one(task, params, outputs)
            return outputs if replacement is None else replacement
        replaced = self._post(task, params, outputs)
        if not replaced:
            return outputs
        if len(replaced) == 1:
            return replaced[0]
        names = self.who(
            "post_execute", lambda v: v is not None, task=task, params=params, outputs=outputs
        )
        raise PluginError(
            f"post_execute: plugins {' and '.join(map(repr, names))} all replaced the outputs "
            f"of task {task.name!r}; at most one plugin may"
        )

    def execution_finished(
        self, task: Task, params: ExecutionParameters, outputs: Any, error: BaseException | None
    ) -> None:
        if (
            self._generation != self.manager.generation
            or self._monitoring is not self.pm._inner_hookexec
        ):
            self._refresh()
        for plugin, call in self._finished:
            try:
                call(task, params, outputs, error)
            except Exception as exc:
                _log().warning(
                    "execution_finished of plugin %r failed for task %r: %s: %s",
                    plugin, task.name, type(exc).__name__, exc,
                )

    # -- serialization ---------------------------------------------------------------------

    def _serializing(self, name: str, subset: str = "") -> Callable[..., Any]:
        """``call(task, settings)`` for a serialization hook: compiled once per plugin
        generation (:mod:`featherkit._hookcall`), over all plugins, the ``installed`` ones or
        the ``builtin`` ones; pluggy's own (subset) caller when a wrapper or call monitoring
        needs it. Serializing a package asks six of these per task."""
        monitoring = getattr(self.pm, "_inner_hookexec", None)  # call monitoring on or off
        known = self._serializers.get((name, subset))
        if (
            known is not None
            and known[0] == self.manager.generation
            and known[1] is monitoring
        ):
            return known[2]

        def compute() -> Callable[..., Any]:
            from featherkit._hookcall import compile_subset

            keep: Callable[[str], bool] | None = None
            if subset == "installed":
                keep = _not_builtin
            elif subset == "builtin":
                keep = is_builtin
            fast = compile_subset(self.pm, name, _SERIALIZE_ARGS, keep)
            if fast is not None:
                return fast
            if subset == "installed":
                slow = self.installed(name)
            elif subset == "builtin":
                slow = self.builtin(name)
            else:
                slow = getattr(self.hook, name)
            return lambda task, settings: slow(task=task, settings=settings)

        caller: Callable[..., Any] = self.manager.derived(
            ("serializing", name, subset, id(monitoring)), compute
        )
        self._serializers[(name, subset)] = (self.manager.generation, monitoring, caller)
        return caller

    def _target_hooks(self, subset: str) -> tuple[tuple[str, Callable[..., Any]], ...]:
        """``(kind, call(task, settings))`` for each target hook, in ``TARGET_HOOKS`` order,
        over the ``installed`` or the ``builtin`` plugins; worked out once per plugin
        generation (one check per task, not one per hook). A hook that no plugin of the
        subset implements is left out, as calling it could only give nothing, unless call
        monitoring is on (a monitor sees every call, empty ones too)."""
        monitoring = getattr(self.pm, "_inner_hookexec", None)
        known = self._targets.get(subset)
        if known is not None and known[0] == self.manager.generation and known[1] is monitoring:
            return known[2]
        from featherkit._hookcall import _plain_multicall

        keep = is_builtin if subset == "builtin" else _not_builtin
        plain = _plain_multicall(self.pm)
        hooks = tuple(
            (kind, self._serializing(kind, subset))
            for kind in TARGET_HOOKS
            if not plain
            or any(keep(impl.plugin_name) for impl in getattr(self.hook, kind).get_hookimpls())
        )
        self._targets[subset] = (self.manager.generation, monitoring, hooks)
        return hooks

    def _answered(self, kind: str, task: Task, settings: SerializationSettings) -> list[str]:
        return self.who(kind, lambda v: v is not None, task=task, settings=settings)

    def installed_targets(
        self, task: Task, settings: SerializationSettings, kinds: tuple[str, ...] = ()
    ) -> dict[str, Answer]:
        """Targets offered by installed plugins only (core's defaults are not asked). Two
        installed plugins answering one target hook is an error naming both."""
        answers = {}
        hooks = (
            tuple((kind, self._serializing(kind, "installed")) for kind in kinds)
            if kinds
            else self._target_hooks("installed")
        )
        for kind, call in hooks:
            values = call(task, settings)
            if not values:
                continue
            if len(values) > 1:
                raise PluginError(
                    f"task {task.name!r}: plugins "
                    f"{' and '.join(map(repr, self._answered(kind, task, settings)))} all "
                    f"answer {kind}; a task has one target: uninstall or disable one of them "
                    "(FEATHERKIT_DISABLE_PLUGINS)"
                )
            answers[kind] = self._answer(values[0], kind, task, settings)
        return answers

    def _answer(
        self, value: Any, kind: str, task: Task, settings: SerializationSettings
    ) -> Answer:
        return Answer(value, lambda: ", ".join(self._answered(kind, task, settings)))

    def target_answers(self, task: Task, settings: SerializationSettings) -> dict[str, Answer]:
        """The serialization targets plugins offer for ``task``.

        Installed plugins win over core's builtins: builtin answers count only when no
        installed plugin answered any target, and then only are the builtins asked.
        """
        installed = self.installed_targets(task, settings)
        if installed:
            return installed
        answers = {}
        for kind, call in self._target_hooks("builtin"):
            values = call(task, settings)
            if values:
                answers[kind] = self._answer(values[0], kind, task, settings)
                break
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

    def _merged(self, name: str, task: Task, settings: SerializationSettings) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for value in self._serializing(name)(task, settings):
            if not value:
                continue
            if not isinstance(value, Mapping):
                names = self._who_gave(name, task, settings, value)
                raise PluginError(
                    f"{name} of plugin {' and '.join(map(repr, names))} returned a "
                    f"{type(value).__name__} for task {task.name!r}; expected a mapping"
                )
            for key, item in value.items():
                if key in merged:
                    names = self._who_set(name, task, settings, key)
                    raise PluginError(
                        f"{name}: key {key!r} is set by both plugin "
                        + " and plugin ".join(map(repr, names))
                        + f" for task {task.name!r}"
                    )
                merged[key] = item
        return merged

    def _who_gave(
        self, name: str, task: Task, settings: SerializationSettings, value: Any
    ) -> list[str]:
        return self.who(name, lambda v: v is value, task=task, settings=settings)

    def _who_set(
        self, name: str, task: Task, settings: SerializationSettings, key: Any
    ) -> list[str]:
        return self.who(name, lambda v: bool(v) and key in v, task=task, settings=settings)

    def get_custom(self, task: Task, settings: SerializationSettings) -> dict[str, Any]:
        return self._merged("get_custom", task, settings)

    def get_config(self, task: Task, settings: SerializationSettings) -> dict[str, str]:
        return self._merged("get_config", task, settings)

    def get_extended_resources(
        self, task: Task, settings: SerializationSettings
    ) -> tasks_pb2.ExtendedResources | None:
        result: tasks_pb2.ExtendedResources | None = self._serializing(
            "get_extended_resources"
        )(task, settings)
        return result

    # -- registries ------------------------------------------------------------------------

    def registry(self, hook: str | Registry) -> Entries:
        """What the plugins registered through a register hook (per plugin generation):
        one of core's, by name, or a :class:`Registry` for a hook a plugin declares.

        A plugin whose hook raises is broken: named and raised in strict mode, else skipped
        (unregistered) with one warning, and the registry is computed without it.
        """
        spec = REGISTRIES[hook] if isinstance(hook, str) else hook
        while True:
            try:
                entries: Entries = self.manager.derived(
                    ("registry", spec), lambda: spec.collect(self.per_plugin(spec.hook))
                )
                return entries
            except BrokenPlugin as broken:
                self.manager.disable(
                    broken.plugin,
                    f"raised in its {broken.hook} hook: "
                    f"{type(broken.error).__name__}: {broken.error}",
                    broken.error,
                )

    def type_transformers(self) -> list[Any]:
        return self.registry("register_type_transformers").ordered()

    def cache_backends(self) -> Mapping[str, Callable[[str], Any]]:
        return self.registry("register_cache_backends").values

    def resolvers(self) -> Mapping[str, Any]:
        return self.registry("register_resolvers").values

    def storage(self) -> Mapping[str, Any]:
        return self.registry("register_storage").values

    def template_executors(self) -> Mapping[str, Callable[[Any], Any]]:
        return self.registry("register_template_executors").values

    def task_types(self) -> Mapping[type, type]:
        return self.registry("register_task_types").values

    def task_arguments(self) -> Mapping[str, Callable[[Any], Any] | None]:
        return self.registry("register_task_arguments").values

    def register_commands(self, cli: Any) -> None:
        self.hook.register_commands(cli=cli)

    def resolve_image(self, image: Any, settings: SerializationSettings | None) -> str | None:
        answer: str | None = self.hook.resolve_image(image=image, settings=settings)
        return answer


def hooks() -> Hooks:
    """The facade over the process's plugin manager (on every task call: keep it cheap)."""
    manager = _manager_module._manager or _manager_module.get_plugin_manager()
    facade: Hooks | None = manager.facade
    if facade is None:
        facade = manager.facade = Hooks(manager)
    return facade


def call_hook(hook: str, /, **kwargs: Any) -> Any:
    """Call a hook a plugin declared (``featherkit_hookspecs``) through pluggy, by name, with
    keyword arguments; ``None`` when no installed plugin declares it."""
    return hooks().call(hook, **kwargs)


def collect(registry: Registry) -> Entries:
    """Run a register hook a plugin declared, with core's rules (one plugin at a time, a key
    registered twice names both plugins, a raising plugin is named); cached per plugin
    generation. ``collect(MY_REGISTRY).values`` is the mapping."""
    return hooks().registry(registry)
