"""Calling a pluggy hook on the per-call path without pluggy's per-call machinery.

``pm.hook.name(**kwargs)`` checks its arguments, builds the list of implementations and runs
pluggy's generic multicall loop: about 1.3 us even for one implementation that does nothing,
which a task call paid once per execution hook. :func:`compile_caller` does that work once
(the facade keeps the result per plugin generation) and returns a function with the same
semantics for hooks without wrappers:

* implementations run in pluggy's order (the reverse of ``get_hookimpls()``: ``tryfirst``
  first, then the latest registered, ``trylast`` last), each receiving only the arguments it
  declares;
* a ``None`` result is dropped; the hook returns the list of the others, or for a
  ``firstresult`` hook the first of them (``None`` if there is none), stopping there;
* an exception propagates from the implementation that raised it, and later ones do not run.

A hook with a wrapper (``wrapper=True`` or ``hookwrapper=True``), without a spec, or a plugin
manager with call monitoring (tracing) installed keeps pluggy's own caller: those need
pluggy's machinery, and they are not on the hot path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pluggy


def _plain_multicall(pm: pluggy.PluginManager) -> bool:
    """False once ``add_hookcall_monitoring`` (or ``enable_tracing``) wrapped pluggy's loop."""
    from pluggy import _callers

    return getattr(pm, "_inner_hookexec", None) is getattr(_callers, "_multicall", object())


def compile_caller(
    pm: pluggy.PluginManager, name: str, argnames: Sequence[str]
) -> Callable[..., Any]:
    """A function ``call(*args)`` (args in the order ``argnames``) equal to calling the hook."""
    compiled = compile_subset(pm, name, argnames)
    if compiled is not None:
        return compiled
    caller = getattr(pm.hook, name)
    return lambda *args: caller(**dict(zip(argnames, args)))


def compile_subset(
    pm: pluggy.PluginManager,
    name: str,
    argnames: Sequence[str],
    keep: Callable[[str], bool] | None = None,
) -> Callable[..., Any] | None:
    """:func:`compile_caller` over the implementations of the plugins ``keep(plugin name)``
    accepts (all by default: then equal to ``pm.subset_hook_caller`` without the others);
    ``None`` where pluggy's own caller is needed (a wrapper, no spec, call monitoring)."""
    caller = getattr(pm.hook, name)
    spec = caller.spec
    impls = [i for i in caller.get_hookimpls() if keep is None or keep(i.plugin_name)]
    if (
        spec is None
        or not _plain_multicall(pm)
        or any(impl.hookwrapper or getattr(impl, "wrapper", False) for impl in impls)
    ):
        return None
    position = {arg: index for index, arg in enumerate(argnames)}
    missing = [a for impl in impls for a in impl.argnames if a not in position]
    if missing:
        raise TypeError(f"hook {name!r}: call must provide argument(s) {sorted(set(missing))}")
    plan: list[tuple[Callable[..., Any], tuple[int, ...] | None]] = []
    for impl in reversed(impls):
        order = tuple(position[a] for a in impl.argnames)
        plan.append((impl.function, None if order == tuple(range(len(argnames))) else order))
    firstresult = bool(spec.opts.get("firstresult"))

    if not plan:
        return lambda *args: None if firstresult else []  # a fresh list, as pluggy returns

    if len(plan) == 1 and plan[0][1] is None:
        function = plan[0][0]
        if firstresult:
            return function

        def call_one(*args: Any) -> list[Any]:
            result = function(*args)
            return [] if result is None else [result]

        return call_one

    def call(*args: Any) -> Any:
        results = []
        for function, order in plan:
            result = function(*args) if order is None else function(*[args[i] for i in order])
            if result is not None:
                if firstresult:
                    return result
                results.append(result)
        return None if firstresult else results

    return call


def single_function(
    pm: pluggy.PluginManager, name: str, argnames: Sequence[str]
) -> Callable[..., Any] | None:
    """The implementation of ``name`` itself, when calling it is all the hook does: exactly
    one implementation, declaring exactly ``argnames`` in that order (no wrapper, no call
    monitoring). A caller calls it positionally and handles its result itself (pluggy's
    result would be ``[result]``, or ``[]`` for ``None``)."""
    caller = getattr(pm.hook, name)
    impls = caller.get_hookimpls()
    if (
        caller.spec is None
        or len(impls) != 1
        or not _plain_multicall(pm)
        or impls[0].hookwrapper
        or getattr(impls[0], "wrapper", False)
        or tuple(impls[0].argnames) != tuple(argnames)
    ):
        return None
    function: Callable[..., Any] = impls[0].function
    return function


def compile_each(
    pm: pluggy.PluginManager, name: str, argnames: Sequence[str]
) -> list[tuple[str, Callable[..., Any]]] | None:
    """Each implementation of ``name`` on its own, as ``(plugin name, call(*args))`` in
    ``get_hookimpls()`` order (for hooks whose implementations run one by one, each failure
    handled apart); ``None`` where pluggy's own callers are needed (see :func:`compile_caller`).
    """
    caller = getattr(pm.hook, name)
    impls = caller.get_hookimpls()
    if (
        caller.spec is None
        or not _plain_multicall(pm)
        or any(impl.hookwrapper or getattr(impl, "wrapper", False) for impl in impls)
    ):
        return None
    position = {arg: index for index, arg in enumerate(argnames)}
    found: list[tuple[str, Callable[..., Any]]] = []
    for impl in impls:
        order = tuple(position[a] for a in impl.argnames)
        function = impl.function
        if order == tuple(range(len(argnames))):
            found.append((impl.plugin_name, function))
        else:
            found.append((impl.plugin_name, _reordered(function, order)))
    return found


def _reordered(function: Callable[..., Any], order: tuple[int, ...]) -> Callable[..., Any]:
    return lambda *args: function(*[args[i] for i in order])


def monitoring_token(pm: pluggy.PluginManager) -> object:
    """What changes when call monitoring is installed or removed (compiled callers go stale)."""
    return getattr(pm, "_inner_hookexec", None)
