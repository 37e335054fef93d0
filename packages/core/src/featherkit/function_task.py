"""``@task``: turn a typed Python function into a :class:`PythonFunctionTask`."""

from __future__ import annotations

import datetime
import inspect
from collections.abc import Callable, Mapping
from types import FunctionType
from typing import TYPE_CHECKING, Any, TypeVar, overload

from featherkit.base_task import PythonTask, TaskResolver
from featherkit.install_hints import install_hint
from featherkit.interface import Interface, interface_from_function
from featherkit.metadata import TaskMetadata

if TYPE_CHECKING:
    from featherkit.docs import Documentation
    from featherkit.resources import Resources
    from featherkit.security import Secret

F = TypeVar("F", bound=Callable[..., Any])

PYTHON_TASK_TYPE = "python-task"



def _is_coroutine_function(fn: Callable[..., Any]) -> bool:
    """``inspect.iscoroutinefunction``, read straight from a plain function's code flags
    (inspect's own unwraps methods and partials first, four Python calls deep); anything else,
    or a function marked with ``inspect.markcoroutinefunction``, goes through inspect."""
    if type(fn) is FunctionType and "_is_coroutine_marker" not in fn.__dict__:
        return bool(fn.__code__.co_flags & inspect.CO_COROUTINE)
    return inspect.iscoroutinefunction(fn)


class PythonFunctionTask(PythonTask):
    """A task whose ``execute`` calls a Python function (sync or ``async def``)."""

    def __init__(
        self,
        task_function: Callable[..., Any],
        task_config: Any = None,
        *,
        name: str | None = None,
        task_type: str = PYTHON_TASK_TYPE,
        metadata: TaskMetadata | None = None,
        docs: Documentation | None = None,
        **kwargs: Any,
    ) -> None:
        if not callable(task_function):
            raise TypeError(f"@task needs a function, got {type(task_function).__name__}")
        name = name or f"{task_function.__module__}.{task_function.__name__}"
        interface = interface_from_function(task_function, f"task {name!r}")
        super().__init__(
            task_type,
            name,
            interface,
            task_config=task_config,
            metadata=metadata,
            docs=docs,
            **kwargs,
        )
        self._task_function = task_function
        self.is_async = _is_coroutine_function(task_function)
        self.__doc__ = task_function.__doc__
        self.__wrapped__ = task_function

    @property
    def docs(self) -> Documentation | None:
        """The given ``docs``, else the docstring's summary and long text (read on first use)."""
        if self._docs is None and self._task_function.__doc__:
            parsed = self.python_interface.docstring
            if parsed.short_description or parsed.long_description:
                from featherkit.docs import Documentation

                self._docs = Documentation(
                    short_description=parsed.short_description,
                    long_description=parsed.long_description,
                )
        return self._docs

    @property
    def task_function(self) -> Callable[..., Any]:
        return self._task_function

    @property
    def instantiated_in(self) -> str:
        return self._task_function.__module__

    @property
    def lhs(self) -> str:
        """The name the task is reachable by in its module."""
        return self._task_function.__name__

    @property
    def is_nested(self) -> bool:
        """Defined inside a function: a module-level import cannot find it again."""
        return "<locals>" in self._task_function.__qualname__

    def execute(self, **kwargs: Any) -> Any:
        return self._task_function(**kwargs)

    _plain_execute = execute


class PythonInstanceTask(PythonTask):
    """A task object whose ``execute`` is the work, run in the entrypoint container.

    flytekit's name and signature: ``PythonInstanceTask(name, task_config, task_type=...,
    interface=..., **kwargs)``. Unlike a plain :class:`PythonTask` subclass, which gets no
    container unless a plugin gives it a target, an instance task is served by core's python
    container and found again by its resolver (the module resolver: by the module attribute
    holding it).
    """

    def __init__(
        self,
        name: str,
        task_config: Any = None,
        task_type: str = PYTHON_TASK_TYPE,
        task_resolver: TaskResolver | None = None,
        *,
        interface: Interface | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            task_type,
            name,
            interface if interface is not None else Interface(),
            task_config=task_config,
            task_resolver=task_resolver,
            **kwargs,
        )


def _plugin_options(name: str, extra: Mapping[str, Any]) -> dict[str, Any]:
    if not extra:
        return {}
    from featherkit.plugins import hooks

    accepted = hooks().task_arguments()
    options: dict[str, Any] = {}
    for key, value in extra.items():
        if key not in accepted:
            hint = install_hint("task argument", key)
            if hint:
                raise TypeError(
                    f"task {name!r}: @task argument {key!r} comes from the {hint} plugin, "
                    f"which is not installed: pip install {hint}"
                )
            raise TypeError(f"task {name!r}: @task got an unexpected argument {key!r}")
        validate = accepted[key]
        try:
            options[key] = validate(value) if validate else value
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"task {name!r}: @task argument {key!r}: {exc}") from exc
    return options


def _build(
    fn: Callable[..., Any],
    cache: bool,
    cache_serialize: bool,
    cache_version: str,
    cache_ignore_input_vars: tuple[str, ...] | list[str],
    retries: int,
    interruptible: bool | None,
    deprecated: str,
    timeout: datetime.timedelta | int | None,
    environment: Mapping[str, str] | None,
    requests: Resources | None,
    limits: Resources | None,
    secret_requests: list[Secret] | None,
    pod_template_name: str | None,
    enable_deck: bool,
    docs: Documentation | None,
    task_config: Any,
    container_image: Any,
    task_resolver: TaskResolver | None,
    extra: Mapping[str, Any],
) -> PythonFunctionTask:
    try:
        short = fn.__name__
    except AttributeError:  # a callable object: named by its repr (not built for functions)
        short = repr(fn)
    name = f"{fn.__module__}.{short}"
    if not isinstance(deprecated, str):
        raise TypeError(f"task {name!r}: deprecated must be a message string")
    try:
        # positionally, in TaskMetadata's field order: ten keywords cost a twentieth of
        # decorating (test_task_decorator checks each option lands in its field)
        metadata = TaskMetadata(
            cache, cache_serialize, cache_version, tuple(cache_ignore_input_vars), interruptible,
            deprecated, retries, timeout, pod_template_name, enable_deck,
        )
    except ValueError as exc:
        raise ValueError(f"task {name!r}: {exc}") from exc
    plugin_options = _plugin_options(name, extra) if extra else {}
    built: PythonFunctionTask
    if task_config is not None:
        from featherkit.plugins import hooks

        registered = hooks().task_types()
        found = next((cls for t, cls in registered.items() if isinstance(task_config, t)), None)
        if found is None:
            raise TypeError(
                f"task {name!r}: no installed plugin handles task_config of type "
                f"{type(task_config).__qualname__} (see `featherkit plugins`)"
            )
        # a plugin's task class gets every option, whatever its own defaults
        built = found(
            fn, task_config, metadata=metadata, environment=environment,
            container_image=container_image, requests=requests, limits=limits,
            secret_requests=secret_requests, task_resolver=task_resolver,
            enable_deck=enable_deck, docs=docs, plugin_options=plugin_options,
        )
    else:
        # only the options given: PythonTask's defaults are @task's, and each keyword passed
        # on through two __init__s costs (about a microsecond for all ten)
        given: dict[str, Any] = {}
        if environment is not None:
            given["environment"] = environment
        if container_image is not None:
            given["container_image"] = container_image
        if requests is not None:
            given["requests"] = requests
        if limits is not None:
            given["limits"] = limits
        if secret_requests is not None:
            given["secret_requests"] = secret_requests
        if task_resolver is not None:
            given["task_resolver"] = task_resolver
        if enable_deck is not False:
            given["enable_deck"] = enable_deck
        if docs is not None:
            given["docs"] = docs
        if plugin_options:
            given["plugin_options"] = plugin_options
        built = PythonFunctionTask(fn, None, metadata=metadata, **given)
    ignored = metadata.cache_ignore_input_vars and (
        set(metadata.cache_ignore_input_vars) - set(built.python_interface.inputs)
    )
    if ignored:
        raise ValueError(
            f"task {name!r}: cache_ignore_input_vars names unknown input(s) "
            f"{sorted(ignored)}; inputs are {list(built.python_interface.inputs)}"
        )
    return built


@overload
def task(_fn: F) -> PythonFunctionTask: ...


@overload
def task(
    _fn: None = None, **kwargs: Any
) -> Callable[[Callable[..., Any]], PythonFunctionTask]: ...


def task(
    _fn: Callable[..., Any] | None = None,
    *,
    cache: bool = False,
    cache_serialize: bool = False,
    cache_version: str = "",
    cache_ignore_input_vars: tuple[str, ...] | list[str] = (),
    retries: int = 0,
    interruptible: bool | None = None,
    deprecated: str = "",
    timeout: datetime.timedelta | int | None = None,
    environment: Mapping[str, str] | None = None,
    requests: Resources | None = None,
    limits: Resources | None = None,
    secret_requests: list[Secret] | None = None,
    pod_template_name: str | None = None,
    enable_deck: bool = False,
    docs: Documentation | None = None,
    task_config: Any = None,
    container_image: Any = None,
    task_resolver: TaskResolver | None = None,
    **plugin_arguments: Any,
) -> PythonFunctionTask | Callable[[Callable[..., Any]], PythonFunctionTask]:
    """Make a Flyte task of a typed function; usable bare (``@task``) or with arguments.

    Arguments not listed here are accepted only when an installed plugin registers them
    (``register_task_arguments``), e.g. ``pod_template`` from featherkit-pod.
    """

    # passed on positionally, in _build's order: keyword passing and a closure over each
    # argument cost a microsecond per decorated task
    options = (
        cache, cache_serialize, cache_version, cache_ignore_input_vars, retries, interruptible,
        deprecated, timeout, environment, requests, limits, secret_requests, pod_template_name,
        enable_deck, docs, task_config, container_image, task_resolver, plugin_arguments,
    )
    if _fn is not None:
        return _build(_fn, *options)

    def decorate(fn: Callable[..., Any]) -> PythonFunctionTask:
        return _build(fn, *options)

    return decorate
