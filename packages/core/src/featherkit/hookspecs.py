"""Every hook featherkit calls, in one module.

Plugins implement these with the :data:`featherkit.hookimpl` marker; core never calls
``pm.hook.<name>`` itself but goes through :class:`featherkit.plugins.Hooks`, which gives each
hook its call semantics (stated in each docstring below).

Vocabulary used below:

* **all impls**: every implementation is called (pluggy order: installed plugins before core's
  builtins, which are registered ``trylast``).
* **first answer**: implementations are asked in order and the first one not returning ``None``
  wins. Core's builtin plugins answer only when no installed plugin does.
* **register callback**: the hook receives a ``register`` function; each call registers one
  thing. Registering a key twice is an error naming both plugins, except that an installed
  plugin may replace a core builtin.

Hooks that merge or chain results are called one implementation at a time, so hook wrappers
(``wrapper=True``) are not supported on them; this is noted per hook.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

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


# --- execution -----------------------------------------------------------------------------


@hookspec
def pre_execute(task: Task, params: ExecutionParameters) -> None:
    """Called before a task's inputs are converted and its ``execute`` runs.

    All impls. ``params`` is the execution's own object (never shared between executions):
    an implementation may adjust it in place, for example add decks, secrets or timing marks.
    The return value is ignored. An exception fails the execution as a system error.
    """


@hookspec
def post_execute(task: Task, params: ExecutionParameters, outputs: Any) -> Any:
    """Called after ``execute`` returned, before outputs are converted to literals.

    All impls, one at a time. ``outputs`` is what ``execute`` returned (the native value, a
    tuple for several outputs, ``None`` for none). Return ``None`` to keep them or a
    replacement value; when two plugins both return a replacement it is an error naming both.
    Raise :class:`featherkit.IgnoreOutputs` to make the execution produce no outputs.
    Hook wrappers are not supported.
    """


@hookspec
def execution_finished(
    task: Task, params: ExecutionParameters, outputs: Any, error: BaseException | None
) -> None:
    """Called once an execution is over, successful or not, locally and in a container.

    All impls. ``outputs`` is the native outputs (``None`` when there are none or on
    failure), ``error`` the exception that failed it. ``params.output_prefix`` is set when the
    container entrypoint runs the task (write run artifacts such as ``deck.html`` there);
    locally it is ``None`` and ``params.working_dir`` is the place. An exception raised here
    is logged as a warning and never fails the task.
    """


# --- serialization targets (a task has at most one of container / k8s_pod / sql) -------------


@hookspec(firstresult=True)
def get_container(task: Task, settings: SerializationSettings) -> tasks_pb2.Container | None:
    """The container a Flyte backend runs for ``task``.

    First answer. Core's builtin plugin answers for every :class:`featherkit.PythonTask` with
    the python entrypoint; it is dropped when an installed plugin answers ``get_k8s_pod`` or
    ``get_sql`` for the same task. ``None`` means "not mine".
    """


@hookspec(firstresult=True)
def get_k8s_pod(task: Task, settings: SerializationSettings) -> tasks_pb2.K8sPod | None:
    """A Kubernetes pod target for ``task`` instead of a plain container.

    First answer. ``None`` means the task has no pod target. Answering replaces core's
    default container; a second installed plugin answering another target is an error.
    """


@hookspec(firstresult=True)
def get_sql(task: Task, settings: SerializationSettings) -> tasks_pb2.Sql | None:
    """A SQL statement the backend runs itself (no container).

    First answer. ``None`` means the task has no SQL target.
    """


@hookspec
def get_custom(task: Task, settings: SerializationSettings) -> Mapping[str, Any] | None:
    """Plugin-specific JSON-able data for ``TaskTemplate.custom``.

    All impls; the dicts are merged. A top-level key set by two plugins is an error naming
    both. ``None`` or ``{}`` adds nothing. Hook wrappers are not supported.
    """


@hookspec
def get_config(task: Task, settings: SerializationSettings) -> Mapping[str, str] | None:
    """String key/values for ``TaskTemplate.config`` (e.g. ``primary_container_name``).

    All impls, merged like :func:`get_custom`.
    """


@hookspec(firstresult=True)
def get_extended_resources(
    task: Task, settings: SerializationSettings
) -> tasks_pb2.ExtendedResources | None:
    """Accelerators and other extended resources for ``task``. First answer; ``None``: none."""


# --- registries ------------------------------------------------------------------------------


@hookspec
def register_type_transformers(register: Callable[[Any], None]) -> None:
    """Register :class:`featherkit.types.TypeTransformer` instances: ``register(transformer)``.

    Register callback. Two transformers for one Python type is an error naming both, unless
    one is core's builtin, which the installed plugin replaces.
    """


@hookspec
def register_cache_backends(register: Callable[[str, Callable[[str], Any]], None]) -> None:
    """Register cache backends: ``register(name, factory)``.

    ``factory(location)`` returns an object following
    :class:`featherkit.cache.CacheBackend`. A backend is chosen by name, or by the scheme of a
    location URL (``redis://...`` selects the backend registered as ``"redis"``).
    Register callback.
    """


@hookspec
def register_resolvers(register: Callable[[Any], None]) -> None:
    """Register task resolvers: ``register(resolver)``.

    A resolver is chosen by its ``location`` string, which is what serialized container args
    carry after ``--resolver``. Register callback.
    """


@hookspec
def register_storage(register: Callable[[str, Any], None]) -> None:
    """Register storage backends: ``register(scheme, storage)``.

    ``storage`` follows :class:`featherkit.storage.Storage`; it is chosen by URI scheme
    (``""`` and ``"file"`` are local paths). The scheme ``"*"`` serves every scheme no
    backend registered exactly (featherkit-fsspec uses it); local paths never go to it.
    Register callback.
    """


@hookspec
def register_template_executors(
    register: Callable[[str, Callable[[tasks_pb2.TaskTemplate], Task]], None],
) -> None:
    """Register executors for tasks that run from their serialized template (no user code).

    ``register(name, factory)``: ``factory(template)`` rebuilds a runnable task from a
    ``TaskTemplate`` (interface from its literal types, configuration from ``custom``). The
    template resolver's loader args carry ``name``, never an import path. Register callback.
    """


@hookspec
def register_task_types(register: Callable[[type, type], None]) -> None:
    """Map a ``task_config`` class to the task class ``@task(task_config=...)`` builds.

    ``register(config_type, task_class)``. The task class is constructed as
    ``task_class(task_config=config, task_function=fn, **task_kwargs)``. Register callback.
    """


@hookspec
def register_task_arguments(register: Callable[..., None]) -> None:
    """Accept extra keyword arguments on ``@task``: ``register(name, validate=None)``.

    ``validate(value)`` may raise ``TypeError``/``ValueError`` and returns the value to keep.
    The value is available as ``task.plugin_options[name]``. Without a plugin registering
    ``name``, ``@task(name=...)`` is a ``TypeError``. Register callback.
    """


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add commands to the ``featherkit`` command line. All impls; called only by the CLI."""


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
    fails serialization with its message.
    """
