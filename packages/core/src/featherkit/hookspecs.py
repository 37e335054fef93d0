"""Every hook featherkit calls, in one module.

Plugins implement these with the :data:`featherkit.hookimpl` marker. Core calls every hook
through pluggy (``pm.hook.<name>(...)``, or a ``subset_hook_caller`` where installed plugins
must win over core's builtins), from :class:`featherkit.plugins.Hooks`, which gives each hook
its call semantics (stated in each docstring below); so pluggy's ordering, hook wrappers and
``add_hookcall_monitoring`` work.

Vocabulary used below:

* **all impls**: every implementation is called (pluggy order: installed plugins before core's
  builtins, which are registered ``trylast``).
* **first answer**: implementations are asked in order and the first one not returning ``None``
  wins. Core's builtin plugins answer only when no installed plugin does.
* **register callback**: the hook receives a ``register`` function; each call registers one
  thing. Registering a key twice is an error naming both plugins, except that an installed
  plugin may replace a core builtin. Each plugin's implementation is called on its own (a
  raising one breaks only its plugin, which is named). No wrappers.

Hooks whose results core merges, chains or registers are marked :func:`no_wrappers`: a hook
wrapper (``wrapper=True`` or ``hookwrapper=True``) on one of them is refused when its plugin
registers, naming the plugin. Every other hook accepts wrappers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import pluggy

if TYPE_CHECKING:
    import click
    from flyteidl.core import tasks_pb2

    from featherkit.base_task import Task
    from featherkit.context import ExecutionParameters
    from featherkit.serialization import SerializationSettings

PROJECT_NAME = "featherkit"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

_NO_WRAPPERS = "featherkit_no_wrappers"

#: the hooks that give a task its one serialization target
TARGET_HOOKS = ("get_container", "get_k8s_pod", "get_sql")

_F = TypeVar("_F", bound=Callable[..., Any])


def no_wrappers(spec: _F) -> _F:
    """Mark a hookspec whose implementations may not be hook wrappers (put it under
    ``@hookspec``); plugins declaring hooks of their own may use it too."""
    setattr(spec, _NO_WRAPPERS, True)
    return spec


def allows_wrappers(spec: Callable[..., Any]) -> bool:
    return not getattr(spec, _NO_WRAPPERS, False)


# --- execution -----------------------------------------------------------------------------


@hookspec
def pre_execute(task: Task, params: ExecutionParameters) -> None:
    """Called before a task's inputs are converted and its ``execute`` runs.

    All impls. ``params`` is the execution's own object (never shared between executions):
    an implementation may adjust it in place, for example add decks, secrets or timing marks.
    The return value is ignored. An exception fails the execution as a system error.
    Wrappers are allowed.
    """


@hookspec
@no_wrappers
def post_execute(task: Task, params: ExecutionParameters, outputs: Any) -> Any:
    """Called after ``execute`` returned, before outputs are converted to literals.

    All impls, one at a time. ``outputs`` is what ``execute`` returned (the native value, a
    tuple for several outputs, ``None`` for none). Return ``None`` to keep them or a
    replacement value; when two plugins both return a replacement it is an error naming both.
    Raise :class:`featherkit.IgnoreOutputs` to make the execution produce no outputs.
    No wrappers.
    """


@hookspec
@no_wrappers
def execution_finished(
    task: Task, params: ExecutionParameters, outputs: Any, error: BaseException | None
) -> None:
    """Called once an execution is over, successful or not, locally and in a container.

    All impls. ``outputs`` is the native outputs (``None`` when there are none or on
    failure), ``error`` the exception that failed it. ``params.output_prefix`` is set when the
    container entrypoint runs the task (write run artifacts such as ``deck.html`` there);
    locally it is ``None`` and ``params.working_dir`` is the place. Each implementation is
    called on its own: an exception raised by one is logged as a warning naming its plugin,
    never fails the task and never keeps the others from being called. No wrappers.
    """


# --- serialization targets (a task has at most one of container / k8s_pod / sql) -------------


@hookspec
def get_container(task: Task, settings: SerializationSettings) -> tasks_pb2.Container | None:
    """The container a Flyte backend runs for ``task``. ``None`` means "not mine".

    Target hook (as :func:`get_k8s_pod` and :func:`get_sql`): installed plugins are asked
    first, all of them; two installed plugins answering (this hook or another target hook)
    for one task is an error naming both. Only when no installed plugin answered any target
    are core's builtins asked: the builtin container answers for every
    :class:`featherkit.PythonTask` with the python entrypoint. Wrappers are allowed; a
    wrapper sees the list of the answers given (an empty list: nobody answered).
    """


@hookspec
def get_k8s_pod(task: Task, settings: SerializationSettings) -> tasks_pb2.K8sPod | None:
    """A Kubernetes pod target for ``task`` instead of a plain container.

    Target hook (see :func:`get_container`). ``None`` means the task has no pod target;
    answering replaces core's default container. Wrappers are allowed.
    """


@hookspec
def get_sql(task: Task, settings: SerializationSettings) -> tasks_pb2.Sql | None:
    """A SQL statement the backend runs itself (no container).

    Target hook (see :func:`get_container`). ``None`` means the task has no SQL target.
    Wrappers are allowed.
    """


@hookspec
@no_wrappers
def get_custom(task: Task, settings: SerializationSettings) -> Mapping[str, Any] | None:
    """Plugin-specific JSON-able data for ``TaskTemplate.custom``.

    All impls; the dicts are merged. A top-level key set by two plugins is an error naming
    both. ``None`` or ``{}`` adds nothing. A value that is not JSON-able is an error naming the
    plugin. No wrappers.
    """


@hookspec
@no_wrappers
def get_config(task: Task, settings: SerializationSettings) -> Mapping[str, str] | None:
    """String key/values for ``TaskTemplate.config`` (e.g. ``primary_container_name``).

    All impls, merged like :func:`get_custom`. No wrappers.
    """


@hookspec(firstresult=True)
def get_extended_resources(
    task: Task, settings: SerializationSettings
) -> tasks_pb2.ExtendedResources | None:
    """Accelerators and other extended resources for ``task``.

    First answer; ``None``: none. Wrappers are allowed.
    """


# --- registries ------------------------------------------------------------------------------


@hookspec
@no_wrappers
def register_type_transformers(register: Callable[[Any], None]) -> None:
    """Register :class:`featherkit.types.TypeTransformer` instances: ``register(transformer)``.

    Register callback. Two transformers for one Python type is an error naming both, unless
    one is core's builtin, which the installed plugin replaces.
    """


@hookspec
@no_wrappers
def register_cache_backends(register: Callable[[str, Callable[[str], Any]], None]) -> None:
    """Register cache backends: ``register(name, factory)``.

    ``factory(location)`` returns an object following
    :class:`featherkit.cache.CacheBackend`. A backend is chosen by name, or by the scheme of a
    location URL (``redis://...`` selects the backend registered as ``"redis"``).
    Register callback.
    """


@hookspec
@no_wrappers
def register_resolvers(register: Callable[[Any], None]) -> None:
    """Register task resolvers: ``register(resolver)``.

    A resolver is chosen by its ``location`` string, which is what serialized container args
    carry after ``--resolver``. Register callback.
    """


@hookspec
@no_wrappers
def register_storage(register: Callable[[str, Any], None]) -> None:
    """Register storage backends: ``register(scheme, storage)``.

    ``storage`` follows :class:`featherkit.storage.Storage`; it is chosen by URI scheme
    (``""`` and ``"file"`` are local paths). The scheme ``"*"`` serves every scheme no
    backend registered exactly (featherkit-fsspec uses it); local paths never go to it.
    Register callback.
    """


@hookspec
@no_wrappers
def register_template_executors(
    register: Callable[[str, Callable[[tasks_pb2.TaskTemplate], Task]], None],
) -> None:
    """Register executors for tasks that run from their serialized template (no user code).

    ``register(name, factory)``: ``factory(template)`` rebuilds a runnable task from a
    ``TaskTemplate`` (interface from its literal types, configuration from ``custom``). The
    template resolver's loader args carry ``name``, never an import path. Register callback.
    """


@hookspec
@no_wrappers
def register_task_types(register: Callable[[type, type], None]) -> None:
    """Map a ``task_config`` class to the task class ``@task(task_config=...)`` builds.

    ``register(config_type, task_class)``. The task class is constructed as
    ``task_class(task_config=config, task_function=fn, **task_kwargs)``. Register callback.
    """


@hookspec
@no_wrappers
def register_task_arguments(register: Callable[..., None]) -> None:
    """Accept extra keyword arguments on ``@task``: ``register(name, validate=None)``.

    ``validate(value)`` may raise ``TypeError``/``ValueError`` and returns the value to keep.
    The value is available as ``task.plugin_options[name]``. Without a plugin registering
    ``name``, ``@task(name=...)`` is a ``TypeError``. A plugin that makes decks registers
    ``enable_deck`` (core's own argument, which it then honours): without one,
    ``enable_deck=True`` is a ``TypeError`` saying what to install. Register callback.
    """


@hookspec
@no_wrappers
def register_node_overrides(register: Callable[..., None]) -> None:
    """Accept extra keyword arguments on a workflow node's ``with_overrides(...)``.

    ``register(name, apply, validate=None)``. ``validate(value)`` runs when ``with_overrides``
    is called (at decoration); it may raise ``TypeError``/``ValueError`` and returns the value
    to keep. ``apply(task, value, overrides, settings)`` runs when the node is serialized:
    ``task`` is the node's task (a map task for an array node), ``overrides`` the node's
    ``flyteidl.core.workflow_pb2.TaskNodeOverrides`` to fill (e.g. its ``pod_template``),
    ``settings`` the ``SerializationSettings``. Overrides apply to task and map task nodes.
    Register callback: a name registered twice, or one of core's own override names, is an
    error naming the plugins. No wrappers.
    """


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add commands to the ``featherkit`` command line.

    All impls; called only by the CLI. Wrappers are allowed.
    """


# --- images ----------------------------------------------------------------------------------


@hookspec(firstresult=True)
def resolve_image(image: Any, settings: SerializationSettings | None) -> str | None:
    """The image name (``registry/name:tag``) for an image value that is not a plain name.

    First answer. Core asks this for a task's ``container_image`` when it is not a string
    (for example a :class:`featherkit_imagespec.ImageSpec`), with the serialization's
    ``settings``; and for the value of ``--image`` on ``featherkit serialize/package``, with
    ``settings=None``, where an implementation may recognise a string it owns (a path to an
    image spec file) and every other string is used as the image name as it is. Return
    ``None`` for a value that is not yours. Nothing may be built or pushed here: the answer is
    a name computed from the value, and building is a separate, explicit step. An exception
    fails serialization with its message. Wrappers are allowed.
    """
