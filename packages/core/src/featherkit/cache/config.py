"""Cache switches and backend selection.

Environment (read on every call, so a change takes effect at once):

``FEATHERKIT_CACHE``
    unset or empty: the default backend (``sqlite``); ``off`` (or ``0``, ``false``, ``no``,
    ``none``): no cache, every call runs; a backend name (``sqlite``, ``redis``): that backend
    at its default location or ``FEATHERKIT_CACHE_DIR``; a URL (``redis://host:6379/0``): the
    backend registered under the URL's scheme, at that URL.
``FEATHERKIT_CACHE_DIR``
    the location given to a backend chosen by name (for ``sqlite``, the directory holding
    ``cache.sqlite3``; default: the user cache directory, see :mod:`featherkit.cache.dirs`).
``FEATHERKIT_CACHE_OVERWRITE=1``
    run every cached task and replace what was stored.

:func:`cache_options` overrides these for a block of code (``featherkit run --no-cache`` uses
it); it is carried by a context variable, so it is right under threads and asyncio.
"""

from __future__ import annotations

import contextvars
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from featherkit.cache.backend import CacheBackend
from featherkit.errors import FeatherkitUserError
from featherkit.install_hints import install_hint
from featherkit.redact import redact_location, redact_text

DEFAULT_BACKEND = "sqlite"
_OFF = frozenset({"off", "0", "false", "no", "none", "disabled"})
_ON = frozenset({"on", "1", "true", "yes", "default"})

#: what to install for a backend that is not registered (shown in the error)


@dataclass(frozen=True)
class CacheSettings:
    """The cache configuration one call uses."""

    enabled: bool = True
    backend: str = DEFAULT_BACKEND
    location: str = ""
    overwrite: bool = False

    @property
    def backend_name(self) -> str:
        """The registry name: the backend itself, or the scheme of a URL."""
        scheme, sep, _ = self.backend.partition("://")
        return scheme.lower() if sep else self.backend

    @property
    def backend_location(self) -> str:
        """What the backend's factory receives: the URL itself, or the location setting."""
        return self.backend if "://" in self.backend else self.location


_override: contextvars.ContextVar[Mapping[str, Any] | None] = contextvars.ContextVar(
    "featherkit_cache_options", default=None
)


def _truthy(value: str) -> bool:
    return value.strip().lower() in _ON


_from_env: dict[tuple[Any, ...], CacheSettings] = {}


def _settings_from_env(
    choice: str | None, location: str | None, overwrite: str | None
) -> CacheSettings:
    choice = (choice or "").strip()
    lowered = choice.lower()
    return CacheSettings(
        enabled=lowered not in _OFF,
        backend=DEFAULT_BACKEND if not choice or lowered in _ON or lowered in _OFF else choice,
        location=location or "",
        overwrite=_truthy(overwrite or ""),
    )


_NAMES = ("FEATHERKIT_CACHE", "FEATHERKIT_CACHE_DIR", "FEATHERKIT_CACHE_OVERWRITE")
_KEYS = tuple(name.encode() for name in _NAMES)
#: os.environ on POSIX keeps its values in a bytes-keyed dict that every change through
#: os.environ updates: reading it directly skips three Mapping.get -> encode -> decode round
#: trips per cached call (a fifth of a cache hit's own time). Used only while os.environ is
#: still that object (a test may replace it wholesale).
_ENVIRON = os.environ
_ENV_DATA: dict[bytes, bytes] | None = getattr(os.environ, "_data", None)
if os.name != "posix" or not isinstance(_ENV_DATA, dict):  # pragma: no cover
    _ENV_DATA = None


def _read_env() -> tuple[Any, ...]:
    data = _ENV_DATA
    if data is not None and os.environ is _ENVIRON:
        return (data.get(_KEYS[0]), data.get(_KEYS[1]), data.get(_KEYS[2]))
    get = os.environ.get
    return (get(_NAMES[0]), get(_NAMES[1]), get(_NAMES[2]))


def _text(value: Any) -> str | None:
    return os.fsdecode(value) if isinstance(value, bytes) else value


def current_settings() -> CacheSettings:
    """The settings in force here: environment, overlaid by :func:`cache_options`.

    The environment is read on every call (cheap), the settings built once per distinct
    environment, so the hot path of a cache hit allocates nothing here.
    """
    data = _ENV_DATA
    raw: tuple[Any, ...]
    if data is not None and os.environ is _ENVIRON:  # (_read_env, inlined: every cached call)
        raw = (data.get(_KEYS[0]), data.get(_KEYS[1]), data.get(_KEYS[2]))
    else:
        raw = _read_env()
    settings = _from_env.get(raw)
    if settings is None:
        if len(_from_env) > 64:  # a process that keeps changing its environment
            _from_env.clear()
        settings = _from_env[raw] = _settings_from_env(*(_text(v) for v in raw))
    override = _override.get()
    if override:
        settings = replace(settings, **override)
    return settings


@contextmanager
def cache_options(
    *,
    enabled: bool | None = None,
    overwrite: bool | None = None,
    backend: str | None = None,
    location: str | None = None,
) -> Iterator[CacheSettings]:
    """Override the cache settings inside a ``with`` block; ``None`` keeps a setting.

    ``backend`` accepts what ``FEATHERKIT_CACHE`` accepts (a name, a URL, or ``off``).
    """
    changes: dict[str, Any] = dict(_override.get() or {})
    if backend is not None:
        lowered = backend.strip().lower()
        if lowered in _OFF:
            changes["enabled"] = False
        else:
            changes["backend"] = DEFAULT_BACKEND if lowered in _ON or not lowered else backend
    if enabled is not None:
        changes["enabled"] = enabled
    if overwrite is not None:
        changes["overwrite"] = overwrite
    if location is not None:
        changes["location"] = location
    token = _override.set(changes)
    try:
        yield current_settings()
    finally:
        _override.reset(token)


_backends: dict[tuple[str, str, int], CacheBackend] = {}
#: ``featherkit.plugins``, imported on first use (it imports this module's package)
_plugins: Any = None


def _load_plugins() -> Any:
    global _plugins
    from featherkit import plugins

    _plugins = plugins
    return plugins

_backends_lock = threading.Lock()


def backend_for(settings: CacheSettings) -> CacheBackend:
    """The backend ``settings`` select, created once per process and plugin set.

    An unknown backend name is a :class:`featherkit.errors.FeatherkitUserError` naming the
    registered backends (and the package that provides a well-known one): a misspelt setting
    must not silently turn the cache off.
    """
    plugins = _plugins or _load_plugins()
    # the manager itself once loaded (as Task._types reads it): one call less per cached call
    generation = (plugins.manager._manager or plugins.get_plugin_manager()).generation
    cache_key = (settings.backend, settings.location, generation)
    backend = _backends.get(cache_key)
    if backend is not None:
        return backend
    with _backends_lock:
        backend = _backends.get(cache_key)
        if backend is None:
            registry = plugins.hooks().cache_backends()
            backend = _create(registry, settings)
            for stale in [k for k in _backends if k[2] != generation]:
                del _backends[stale]
            _backends[cache_key] = backend
    return backend


def _create(registry: Mapping[str, Callable[[str], Any]], settings: CacheSettings) -> CacheBackend:
    name = settings.backend_name
    factory = registry.get(name)
    if factory is None:
        known = ", ".join(sorted(registry)) or "(none)"
        distribution = install_hint("cache backend", name)
        hint = f"; pip install {distribution}" if distribution else ""
        raise FeatherkitUserError(
            f"no cache backend named {name!r} (from {redact_location(settings.backend)!r}); "
            f"registered backends: {known}{hint}; FEATHERKIT_CACHE=off turns the cache off"
        )
    try:
        backend: CacheBackend = factory(settings.backend_location)
    except (ValueError, TypeError) as exc:
        raise FeatherkitUserError(
            f"cache backend {name!r} rejected its location "
            f"{redact_location(settings.backend_location)!r}: {redact_text(str(exc))}"
        ) from exc
    return backend


def current_backend() -> CacheBackend | None:
    """The backend in force here, or ``None`` when the cache is off."""
    settings = current_settings()
    return backend_for(settings) if settings.enabled else None
