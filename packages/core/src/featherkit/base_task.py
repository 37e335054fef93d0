"""Task and PythonTask: the shape flytekit users know, backed by plugin hooks.

Every ``get_*`` method, ``pre_execute`` and ``post_execute`` asks the plugin hooks of the same
name by default; a subclass may override any of them (and call ``super()``).

Execution pipeline (``dispatch_execute``): pre_execute, literals to native values, execute,
post_execute, native values to literals. A local call wraps it: native inputs become literals
first (so a local run sees the same conversions a remote one does), the cache is consulted,
and the output literals become native values again for the caller.
"""

from __future__ import annotations

import inspect
import operator
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from featherkit import context
from featherkit.context import ExecutionParameters
from featherkit.errors import IgnoreOutputs, TaskInputError, TaskOutputError, UserCodeError
from featherkit.interface import NO_DEFAULT, Interface
from featherkit.metadata import TaskMetadata

if TYPE_CHECKING:
    from flyteidl.core import interface_pb2, literals_pb2, security_pb2, tasks_pb2

    from featherkit.docs import Documentation
    from featherkit.resources import Resources
    from featherkit.security import Secret
    from featherkit.serialization import SerializationSettings
    from featherkit.types import TypeEngine


#: what ``Task._types()`` keeps per plugin generation: engine, literal types of inputs and
#: outputs, the plugin manager and its generation, the input and output plans
_Types = tuple[
    "TypeEngine", dict[str, Any], dict[str, Any], Any, int, "list[list[Any]]", "list[list[Any]]"
]


#: result types that are never awaitable (skips ``inspect.isawaitable``'s ABC check)
_PLAIN = frozenset({int, float, str, bytes, bool, type(None), list, dict, tuple, set})


def _plan(types: Mapping[str, Any], defaults: Mapping[str, Any]) -> list[list[Any]]:
    """One ``[name, python type, writer, reader, default]`` per variable: the conversion
    functions the type engine compiles, kept on the task (filled on first use,
    from the engine of the same plugin generation) so that a call does not look them up in
    the engine's tables for every value."""
    return [[name, tp, None, None, defaults.get(name, NO_DEFAULT)] for name, tp in types.items()]


class _Lazy:
    """Modules the per-call path needs, imported on first use and then kept.

    ``from featherkit import task`` must stay light (no protobuf, no pluggy) so decorating is
    cheap, yet a ``from x import y`` statement inside a function costs about half a
    microsecond on every call; these attributes cost one lookup after the first.
    """

    plugins: Any = None
    literals_pb2: Any = None
    local: Any = None
    all_or_nothing: Any = None
    #: core's writers of primitives: they write in place and never upload a file
    in_place_writers: frozenset[Any] = frozenset()

    @classmethod
    def load(cls) -> type[_Lazy]:
        if cls.local is None:
            from flyteidl.core import literals_pb2

            from featherkit import local, plugins
            from featherkit.storage import all_or_nothing
            from featherkit.types import primitives

            cls.in_place_writers = frozenset({
                primitives.write_int, primitives.write_float, primitives.write_str,
                primitives.write_bool, primitives.write_none,
            })
            cls.all_or_nothing = all_or_nothing
            cls.plugins, cls.literals_pb2 = plugins, literals_pb2
            cls.local = local  # last: the others are set once this one is
        return cls


@runtime_checkable
class TaskResolver(Protocol):
    """How a container finds a task again: loader args written at serialization, read back."""

    location: str
    name: str

    def load_task(self, loader_args: list[str]) -> Task: ...

    def loader_args(self, settings: SerializationSettings, task: Task) -> list[str]: ...

    def get_all_tasks(self) -> list[Task]: ...

    def task_name(self, task: Task) -> str | None: ...


def _require_deck_plugin(task_name: str) -> None:
    """``enable_deck=True`` promises a deck (``generates_deck`` in the spec): a plugin that
    makes decks says so by registering the ``@task`` argument ``enable_deck``."""
    if "enable_deck" in _Lazy.load().plugins.hooks().task_arguments():
        return
    from featherkit.install_hints import install_hint

    raise TypeError(
        f"task {task_name!r}: enable_deck=True needs a plugin that makes decks, and none is "
        f"installed: pip install {install_hint('task argument', 'enable_deck')}"
    )


def _type_name(tp: Any) -> str:
    if isinstance(tp, type):
        return tp.__qualname__
    return repr(tp).replace("typing.", "")


#: what converting a value can raise that no retry can cure: a wrong type (``TypeError``), a
#: value its type cannot hold (``ValueError``, e.g. ``UnicodeEncodeError`` for a lone
#: surrogate in a str or dict key), a date out of range (``OverflowError``, a datetime
#: before year 1 in a timezone), a value nested past the recursion limit (``RecursionError``)
UNENCODABLE: tuple[type[Exception], ...] = (TypeError, ValueError, OverflowError, RecursionError)


def _unencodable(task: str, kind: str, name: str, tp: Any, value: Any, exc: Exception) -> str:
    """The message of a TaskInputError/TaskOutputError for a value that cannot be converted."""
    where = f"task {task!r}, {kind} {name!r}"
    if isinstance(exc, TypeError):
        expected = getattr(exc, "expected", None)
        if expected is not None:  # a TypeTransformerError already says expected/received
            inner = getattr(exc, "path", "")
            return f"{where} ({_type_name(tp)}): {exc}" if inner else f"{where}: {exc}"
        return f"{where}: expected {_type_name(tp)}, received {type(value).__name__} ({exc})"
    return (
        f"{where}: the {type(value).__name__} value cannot be stored as {_type_name(tp)}: "
        f"{type(exc).__name__}: {exc}"
    )


class Task:
    """The base of every task: a name, a type, an interface and metadata."""

    #: an ``execute`` that only returns ``self._task_function(**kwargs)``: a local call of a
    #: class whose ``execute`` is this one calls the function itself (one frame less)
    _plain_execute: Any = None

    def __init__(
        self,
        task_type: str,
        name: str,
        interface: Interface,
        metadata: TaskMetadata | None = None,
        task_type_version: int = 0,
        security_ctx: security_pb2.SecurityContext | None = None,
        docs: Documentation | None = None,
    ) -> None:
        self._task_type = task_type
        self._name = name
        self._python_interface = interface
        self._metadata = metadata or TaskMetadata()
        self._task_type_version = task_type_version
        self._security_ctx = security_ctx
        self._docs = docs
        self._idl_interface: interface_pb2.TypedInterface | None = None
        self._literal_types: _Types | None = None
        #: the outputs plan of ``_literal_types`` once its writers are all in place (primitives)
        self._in_place_outputs: list[list[Any]] | None = None

    # -- properties ------------------------------------------------------------------------

    @property
    def name(self) -> str:
        return self._name

    @property
    def task_type(self) -> str:
        return self._task_type

    @property
    def task_type_version(self) -> int:
        return self._task_type_version

    @property
    def python_interface(self) -> Interface:
        return self._python_interface

    @property
    def interface(self) -> interface_pb2.TypedInterface:
        """The IDL ``TypedInterface``, computed on first use."""
        if self._idl_interface is None:
            self._idl_interface = self._python_interface.to_idl()
        return self._idl_interface

    @property
    def metadata(self) -> TaskMetadata:
        return self._metadata

    @property
    def security_context(self) -> security_pb2.SecurityContext | None:
        return self._security_ctx

    @property
    def docs(self) -> Documentation | None:
        return self._docs

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, task_type={self.task_type!r})"

    # -- hooks-backed methods --------------------------------------------------------------

    def pre_execute(self, params: ExecutionParameters) -> ExecutionParameters:
        (_Lazy.plugins or _Lazy.load().plugins).hooks().pre_execute(self, params)
        return params

    def post_execute(self, params: ExecutionParameters, outputs: Any) -> Any:
        return (_Lazy.plugins or _Lazy.load().plugins).hooks().post_execute(self, params, outputs)

    def execute(self, **kwargs: Any) -> Any:
        """Run the task's work on native values; subclasses implement it."""
        raise TypeError(f"{type(self).__name__} {self.name!r} does not define execute()")

    def get_container(self, settings: SerializationSettings) -> tasks_pb2.Container | None:
        return _Lazy.load().plugins.hooks().get_container(self, settings)

    def get_k8s_pod(self, settings: SerializationSettings) -> tasks_pb2.K8sPod | None:
        return _Lazy.load().plugins.hooks().get_k8s_pod(self, settings)

    def get_sql(self, settings: SerializationSettings) -> tasks_pb2.Sql | None:
        return _Lazy.load().plugins.hooks().get_sql(self, settings)

    def get_custom(self, settings: SerializationSettings) -> dict[str, Any] | None:
        return _Lazy.load().plugins.hooks().get_custom(self, settings) or None

    def get_config(self, settings: SerializationSettings) -> dict[str, str] | None:
        return _Lazy.load().plugins.hooks().get_config(self, settings) or None

    def get_extended_resources(
        self, settings: SerializationSettings
    ) -> tasks_pb2.ExtendedResources | None:
        return _Lazy.load().plugins.hooks().get_extended_resources(self, settings)

    # -- conversions -----------------------------------------------------------------------

    def _types(self) -> _Types:
        """The type engine, the literal types of inputs and outputs, and the conversion plans
        of inputs and outputs (:func:`_plan`).

        Cached per plugin generation; this runs several times per call, so the check is a
        couple of attribute reads.
        """
        cached = self._literal_types
        if cached is not None:  # then _Lazy is loaded: the check is three attribute reads
            manager = _Lazy.plugins.manager._manager
            if cached[3] is manager and cached[4] == manager.generation:
                return cached
        plugins = _Lazy.load().plugins
        from featherkit.type_registry import type_engine

        engine = type_engine()
        manager = plugins.get_plugin_manager()
        iface = self._python_interface
        fresh = (
            engine,
            {n: engine.to_literal_type(t) for n, t in iface.inputs.items()},
            {n: engine.to_literal_type(t) for n, t in iface.outputs.items()},
            manager,
            manager.generation,
            _plan(iface.inputs, iface.defaults),
            _plan(iface.outputs, {}),
        )
        self._literal_types = fresh
        return fresh

    def inputs_to_literals(self, kwargs: Mapping[str, Any]) -> literals_pb2.LiteralMap:
        """Check native inputs against the interface (filling defaults) and convert them."""
        types = self._types()
        return self._write_inputs(types[0], types[5], kwargs)

    def _write_inputs(
        self, engine: Any, plan: list[list[Any]], kwargs: Mapping[str, Any]
    ) -> literals_pb2.LiteralMap:
        literals_pb2 = _Lazy.literals_pb2 or _Lazy.load().literals_pb2
        inputs = self._python_interface.inputs
        for key in kwargs:
            if key not in inputs:
                unknown = [k for k in kwargs if k not in inputs]
                raise TaskInputError(
                    f"task {self.name!r} got unknown input(s) {', '.join(map(repr, unknown))}; "
                    f"its inputs are: {', '.join(inputs) or '(none)'}"
                )
        literal_map = literals_pb2.LiteralMap()
        literals = literal_map.literals
        for entry in plan:
            name, tp, write, _, default = entry
            value = kwargs.get(name, default)
            if value is NO_DEFAULT:
                raise TaskInputError(
                    f"task {self.name!r} is missing input {name!r} (expected {_type_name(tp)})"
                )
            try:
                if write is None:
                    write = entry[2] = engine.writer(tp)
                write(value, literals[name])  # in place: no literal built, then copied in
            except UNENCODABLE as exc:
                raise TaskInputError(
                    _unencodable(self.name, "input", name, tp, value, exc)
                ) from exc
        return literal_map

    def literals_to_inputs(self, literal_map: literals_pb2.LiteralMap) -> dict[str, Any]:
        types = self._types()
        return self._read_inputs(types[0], types[5], literal_map)

    def _read_inputs(
        self,
        engine: Any,
        plan: list[list[Any]],
        literal_map: literals_pb2.LiteralMap,
        complete: bool = False,
    ) -> dict[str, Any]:
        """``complete``: the map holds every input (a local call just wrote it from them)."""
        literals = literal_map.literals
        native: dict[str, Any] = {}
        for entry in plan:
            name, tp, _, read, default = entry
            if not complete and name not in literals:
                if default is not NO_DEFAULT:
                    native[name] = default
                    continue
                raise TaskInputError(
                    f"task {self.name!r}: input {name!r} ({_type_name(tp)}) is missing from "
                    "the input literal map"
                )
            try:
                if read is None:
                    read = entry[3] = engine.reader(tp)
                native[name] = read(literals[name])
            except UNENCODABLE as exc:
                raise TaskInputError(
                    f"task {self.name!r}, input {name!r}: cannot read the literal as "
                    f"{_type_name(tp)}: {exc}"
                ) from exc
        return native

    def outputs_to_literals(self, outputs: Any) -> literals_pb2.LiteralMap:
        """Convert what ``execute`` returned into the outputs literal map."""
        types = self._types()
        return self._outputs_to_literals(types[0], types[6], outputs)

    def _outputs_to_literals(
        self, engine: Any, plan: list[list[Any]], outputs: Any
    ) -> literals_pb2.LiteralMap:
        literals_pb2 = _Lazy.literals_pb2 or _Lazy.load().literals_pb2
        declared = self._python_interface.outputs
        if not declared:
            if outputs is not None:
                raise TaskOutputError(
                    f"task {self.name!r} declares no outputs but returned a "
                    f"{type(outputs).__name__}"
                )
            return literals_pb2.LiteralMap()
        if len(declared) == 1:
            values: tuple[Any, ...] = (outputs,)
        else:
            if not isinstance(outputs, tuple) or len(outputs) != len(declared):
                raise TaskOutputError(
                    f"task {self.name!r} must return {len(declared)} values "
                    f"({', '.join(declared)}), received {type(outputs).__name__}"
                    + (f" of length {len(outputs)}" if isinstance(outputs, tuple) else "")
                )
            values = outputs
        literal_map = literals_pb2.LiteralMap()
        literals = literal_map.literals
        if self._in_place_outputs is plan:  # checked below on an earlier call
            self._write_outputs(engine, plan, values, literals)
            return literal_map
        in_place = _Lazy.in_place_writers
        for entry in plan:
            if entry[2] not in in_place:
                break
        else:  # only primitives (writers known from earlier calls): nothing uploaded to undo
            self._in_place_outputs = plan  # a plan's writers never change once known
            self._write_outputs(engine, plan, values, literals)
            return literal_map
        with _Lazy.all_or_nothing():  # a failing output removes the files earlier ones uploaded
            self._write_outputs(engine, plan, values, literals)
        return literal_map

    def _write_outputs(
        self, engine: Any, plan: list[list[Any]], values: tuple[Any, ...], literals: Any
    ) -> None:
        for index, entry in enumerate(plan):
            name, tp, write, _, _ = entry
            value = values[index]
            try:
                if write is None:
                    write = entry[2] = engine.writer(tp)
                write(value, literals[name])
            except UNENCODABLE as exc:
                raise TaskOutputError(
                    _unencodable(self.name, "output", name, tp, value, exc)
                ) from exc

    def literals_to_outputs(self, literal_map: literals_pb2.LiteralMap) -> Any:
        """The native value(s) a caller gets: one value, a NamedTuple, or None."""
        types = self._types()
        return self._read_outputs(types[0], types[6], literal_map)

    def _read_outputs(
        self, engine: Any, plan: list[list[Any]], literal_map: literals_pb2.LiteralMap
    ) -> Any:
        iface = self._python_interface
        literals = literal_map.literals
        values = []
        for entry in plan:
            name, tp, _, read, _ = entry
            try:
                if read is None:
                    read = entry[3] = engine.reader(tp)
                values.append(read(literals[name]))
            except (KeyError, TypeError, ValueError, OverflowError, RecursionError) as exc:
                raise TaskOutputError(
                    f"task {self.name!r}: cannot read output {name!r} as {_type_name(tp)}: {exc}"
                ) from exc
        if not values:
            return None
        if iface.output_tuple is not None:
            return iface.output_tuple(*values)
        return values[0]

    # -- execution -------------------------------------------------------------------------

    def _run_user_code(self, native: dict[str, Any]) -> Any:
        try:
            return self.execute(**native)
        except IgnoreOutputs:
            raise
        except Exception as exc:
            raise UserCodeError(self.name, exc) from exc

    async def _await_user_code(self, pending: Any) -> Any:
        try:
            return await pending
        except IgnoreOutputs:
            raise
        except Exception as exc:
            raise UserCodeError(self.name, exc) from exc

    def _start(
        self, params: ExecutionParameters, input_literal_map: literals_pb2.LiteralMap
    ) -> tuple[ExecutionParameters, Any]:
        """pre_execute, inputs to native values, and the user's code (maybe an awaitable).

        (:meth:`dispatch_execute` does the same inline: keep the two alike.)
        """
        params = self.pre_execute(params)
        native = self.literals_to_inputs(input_literal_map)
        params.attributes["native_inputs"] = native
        params.inputs_loaded_at = time.perf_counter()
        return params, self._run_user_code(native)

    def _finish(self, params: ExecutionParameters, outputs: Any) -> literals_pb2.LiteralMap:
        """post_execute, then native outputs to literals (inline in :meth:`dispatch_execute`)."""
        outputs = self.post_execute(params, outputs)
        params.attributes["native_outputs"] = outputs
        return self.outputs_to_literals(outputs)

    def dispatch_execute(
        self, params: ExecutionParameters, input_literal_map: literals_pb2.LiteralMap
    ) -> literals_pb2.LiteralMap:
        """Run the task on literals; raises :class:`IgnoreOutputs` when there are none.

        Exceptions from the task's own code come wrapped in :class:`UserCodeError`;
        :class:`featherkit.errors.TaskInputError`/``TaskOutputError`` mean the literals did
        not fit the interface; anything else is a system error. ``params`` is the current
        context (``current_context()``) for the duration.
        """
        token = context._current.set(params)
        try:
            # _start and _finish, inlined: this is every call's path
            params = self.pre_execute(params)
            native = self.literals_to_inputs(input_literal_map)
            params.attributes["native_inputs"] = native
            params.inputs_loaded_at = time.perf_counter()
            outputs = self._run_user_code(native)
            if type(outputs) not in _PLAIN and inspect.isawaitable(outputs):
                import asyncio  # only async tasks pay for it (it costs a cold start ~15 ms)

                outputs = asyncio.run(self._await_user_code(outputs))
            outputs = self.post_execute(params, outputs)
            params.attributes["native_outputs"] = outputs
            return self.outputs_to_literals(outputs)
        finally:
            context._current.reset(token)

    async def dispatch_execute_async(
        self, params: ExecutionParameters, input_literal_map: literals_pb2.LiteralMap
    ) -> literals_pb2.LiteralMap:
        """:meth:`dispatch_execute` for callers already inside an event loop."""
        with context.execution(params):
            params, outputs = self._start(params, input_literal_map)
            if inspect.isawaitable(outputs):
                outputs = await self._await_user_code(outputs)
            return self._finish(params, outputs)

    def local_execute(self, **kwargs: Any) -> Any:
        """Run the task in this process on native inputs, as a call does."""
        return _Lazy.load().local.run(self, kwargs)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run the task locally (or, inside a workflow body, record a node).

        A class overriding none of the steps of a local call (:data:`_STEPS`) runs them
        inlined here, rather than through :meth:`local_execute`: the same steps in the same
        order (:func:`featherkit.local.run`, then :meth:`dispatch_execute`), but with the
        conversion plans looked up once, the execution hooks called on the facade directly,
        and the user's function called without the frames around it (those frames were a
        third of a call's time). A cached task hands its inputs to the cache as
        :func:`featherkit.local.run` does; an async task takes :func:`featherkit.local.run`.
        """
        compiling = context.compiling.get()
        if compiling is not None:  # inside a workflow body: record a node
            return compiling.call(self, args, kwargs)
        if args:
            raise TaskInputError(
                f"task {self.name!r} takes keyword arguments only "
                f"(got {len(args)} positional); call it as "
                f"{self.name.rsplit('.', 1)[-1]}("
                + ", ".join(f"{n}=..." for n in self._python_interface.inputs)
                + ")"
            )
        cls = type(self)
        if _steps_of(cls) != _TASK_STEPS:  # checked on every call: classes get patched
            return self.local_execute(**kwargs)
        if getattr(self, "is_async", False):
            return (_Lazy.local or _Lazy.load().local).run(self, kwargs)
        # featherkit.local.run and dispatch_execute, inlined: see the docstring
        types = self._literal_types  # self._types(), inlined
        if (
            types is None
            or types[3] is not _Lazy.plugins.manager._manager
            or types[4] != types[3].generation
        ):
            types = self._types()
        inputs = self._write_inputs(types[0], types[5], kwargs)
        params = context.local_parameters(self.name)
        if self.metadata.cache:  # the rest of featherkit.local.run: the cache decides
            return _Lazy.local._cached_or_direct(
                self, params, lambda: self.dispatch_execute(params, inputs), inputs
            )
        hooks = types[3].facade or _Lazy.plugins.hooks()  # plugins.hooks(), inlined
        current = context._current
        token = current.set(params)
        try:
            try:
                hooks.pre_execute(self, params)
                if types[3].generation != types[4]:  # plugins changed: as _types() would see
                    types = self._types()
                native = self._read_inputs(types[0], types[5], inputs, complete=True)
                params.attributes["native_inputs"] = native
                params.inputs_loaded_at = time.perf_counter()
                try:
                    if cls.execute is cls._plain_execute and "execute" not in self.__dict__:
                        outputs = self._task_function(**native)  # type: ignore[attr-defined]
                    else:
                        outputs = self.execute(**native)
                except IgnoreOutputs:
                    raise
                except Exception as exc:
                    raise UserCodeError(self.name, exc) from exc
                if type(outputs) not in _PLAIN and inspect.isawaitable(outputs):
                    import asyncio

                    outputs = asyncio.run(self._await_user_code(outputs))
                outputs = hooks.post_execute(self, params, outputs)
                params.attributes["native_outputs"] = outputs
                if types[3].generation != types[4]:
                    types = self._types()
                literals = self._outputs_to_literals(types[0], types[6], outputs)
            finally:
                current.reset(token)
        except BaseException as exc:
            return _Lazy.local.failed(self, params, exc)
        hooks.execution_finished(self, params, params.attributes.get("native_outputs"), None)
        if types[3].generation != types[4]:
            types = self._types()
        return self._read_outputs(types[0], types[6], literals)


#: the steps of a local call ``Task.__call__`` inlines: a class overriding none of them takes
#: that path, any other class ``local_execute``
_STEPS = (
    "local_execute", "dispatch_execute", "pre_execute", "post_execute", "_run_user_code",
    "inputs_to_literals", "literals_to_inputs", "outputs_to_literals", "literals_to_outputs",
)
_steps_of = operator.attrgetter(*_STEPS)
_TASK_STEPS = _steps_of(Task)


class PythonTask(Task):
    """A task whose code is Python run by featherkit's entrypoint in a container.

    Holds what a container needs: image, environment, resources, secrets, resolver, and the
    plugin options given on ``@task`` (``plugin_options``).
    """

    def __init__(
        self,
        task_type: str,
        name: str,
        interface: Interface,
        task_config: Any = None,
        metadata: TaskMetadata | None = None,
        environment: Mapping[str, str] | None = None,
        container_image: Any = None,
        requests: Resources | None = None,
        limits: Resources | None = None,
        secret_requests: list[Secret] | None = None,
        task_resolver: TaskResolver | None = None,
        enable_deck: bool = False,
        docs: Documentation | None = None,
        plugin_options: Mapping[str, Any] | None = None,
        task_type_version: int = 0,
    ) -> None:
        secrets = list(secret_requests or [])
        if secrets:  # featherkit.security loads only for a task that requests secrets
            from featherkit.security import Secret, security_context
        for secret in secrets:
            if not isinstance(secret, Secret):
                raise TypeError(
                    f"task {name!r}: secret_requests must hold featherkit.Secret objects, "
                    f"got {type(secret).__name__}"
                )
        for label, value in (("requests", requests), ("limits", limits)):
            if value is None:
                continue
            from featherkit.resources import Resources  # only for a task that sets resources

            if not isinstance(value, Resources):
                raise TypeError(
                    f"task {name!r}: {label} must be a featherkit.Resources, "
                    f"got {type(value).__name__}"
                )
        metadata = metadata or TaskMetadata()
        if enable_deck:
            _require_deck_plugin(name)
            metadata.generates_deck = True
        security_ctx = None
        if secrets:  # imported only then: a function-level import costs on every task
            from featherkit.security import security_context

            security_ctx = security_context(secrets)
        super().__init__(
            task_type,
            name,
            interface,
            metadata=metadata,
            task_type_version=task_type_version,
            security_ctx=security_ctx,
            docs=docs,
        )
        self.task_config = task_config
        self.environment: dict[str, str] = dict(environment or {})
        self.container_image = container_image
        self.requests = requests
        self.limits = limits
        self.secret_requests = secrets
        self.task_resolver = task_resolver
        self.enable_deck = enable_deck
        self.plugin_options: dict[str, Any] = dict(plugin_options or {})
