"""A serialized task has one target: a container, a Kubernetes pod or a SQL statement.

Who may offer one: the task's own class, when it overrides ``get_container``, ``get_k8s_pod``
or ``get_sql``; installed plugins, through the hooks of the same names; and core's builtin
python container, only when neither of those offered anything. Two offers (from two hooks,
two installed plugins on one hook, or the task's class and a plugin) are an error naming
both. The plugin side (installed plugins first, builtins only as the fallback, two answers to
one hook) is :class:`featherkit.plugins.Hooks`; the rule for the task as a whole is here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from featherkit.base_task import Task
from featherkit.errors import SerializationError
from featherkit.hookspecs import TARGET_HOOKS
from featherkit.plugins import hooks

if TYPE_CHECKING:
    from featherkit.serialization import SerializationSettings

__all__ = ["TARGET_HOOKS", "offered", "the_target"]


#: each target hook with core's own method of that name (a task class overriding it is asked)
_DEFAULTS = tuple((kind, getattr(Task, kind)) for kind in TARGET_HOOKS)


def offered(task: Task, settings: SerializationSettings) -> dict[str, tuple[Any, Any]]:
    """The targets offered for ``task``: kind -> (message, who offered it: a description, or
    the plugins' :class:`~featherkit.plugins.Answer`, which names its plugin when asked).

    A task class that overrides ``get_container`` (or the others) is asked directly; the
    plugin hooks are asked once for the remaining kinds. When the task's own methods gave it a
    target, core's builtin defaults (the python container) no longer apply to it, and only
    installed plugins are asked, to find a second target.
    """
    found: dict[str, tuple[Any, Any]] = {}
    cls = type(task)
    own = [kind for kind, default in _DEFAULTS if getattr(cls, kind) is not default]
    if not own:  # the usual case: the plugins alone offer targets
        for kind, offer in hooks().target_answers(task, settings).items():
            if offer.value is not None:
                found[kind] = (offer.value, offer)  # who answered: asked on error only
        return found
    for kind in own:
        value = getattr(task, kind)(settings)
        if value is not None:
            found[kind] = (value, f"{cls.__name__}.{kind}()")
    rest = tuple(kind for kind in TARGET_HOOKS if kind not in own)
    if not rest:
        return found
    facade = hooks()
    if found:
        answers = facade.installed_targets(task, settings, rest)
    else:
        answers = facade.target_answers(task, settings)
    for kind in rest:
        answer = answers.get(kind)
        if answer is not None and answer.value is not None:
            found[kind] = (answer.value, answer)  # who answered: asked on the error path only
    return found


def the_target(task: Task, settings: SerializationSettings) -> tuple[str, Any] | None:
    """``task``'s one target as (hook name, message), or ``None`` when nothing offers one;
    more than one is a :class:`SerializationError` naming who offered each."""
    targets = offered(task, settings)
    if len(targets) > 1:
        who = "; ".join(
            f"{kind[4:]} from "
            + (source if isinstance(source, str) else f"plugin {source.plugin!r}")
            for kind, (_, source) in targets.items()
        )
        raise SerializationError(
            f"task {task.name!r} has more than one target ({who}); a task runs as exactly "
            "one of container, k8s_pod or sql: uninstall or disable one of the plugins "
            "(FEATHERKIT_DISABLE_PLUGINS) or configure the task for one of them"
        )
    for kind, (value, _) in targets.items():
        return kind, value
    return None
