"""``featherkit-execute``: the container entrypoint every Flyte pod of a featherkit task runs.

::

    featherkit-execute --inputs {{.input}} --output-prefix {{.outputPrefix}}
        --raw-output-data-prefix {{.rawOutputDataPrefix}}
        --checkpoint-path {{.checkpointOutputPrefix}} --prev-checkpoint {{.prevCheckpointPrefix}}
        --resolver <location> -- <loader args>

It loads the task through its resolver, reads ``inputs.pb`` (a flyteidl ``LiteralMap``), runs
``Task.dispatch_execute`` and writes ``outputs.pb`` under the output prefix, or ``error.pb``
(an ``ErrorDocument``, classified by :mod:`featherkit.error_document`) when anything fails;
nothing at all when the task raised ``IgnoreOutputs``. Every write is atomic. Propeller fills
the ``{{.x}}`` templates; one left as it is (and an empty previous checkpoint) means absent.

Exit codes: 0 once ``outputs.pb`` or ``error.pb`` is written (1 after ``error.pb`` when
``FLYTE_FAIL_ON_ERROR`` is true), 2 for bad command-line options, 1 when not even
``error.pb`` could be written.

This module is every pod's cold start, so it imports only ``os`` and ``sys`` at module level:
the task model, plugins and protobuf modules load when they are first needed. A well-formed
command line is read by :func:`_parse_simple`; ``argparse`` (and its ``gettext``) loads only
for ``--help``, a usage error, or a command line unusual enough to need its rules. The
classes below are written out rather than made with :func:`dataclasses.dataclass`, whose class
creation (it ``exec``'s generated code) cost a pod's start about 1.5 ms for these three.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse
    from collections.abc import Mapping, Sequence

    from flyteidl.core import literals_pb2

    from featherkit.base_task import Task
    from featherkit.context import ExecutionIdentifier, ExecutionParameters, TaskIdentifier
    from featherkit.error_document import ErrorReport

PROG = "featherkit-execute"
OUTPUTS_FILE = "outputs.pb"
FUTURES_FILE = "futures.pb"
ERROR_FILE = "error.pb"

#: option -> the template propeller substitutes for it; left unsubstituted, it means absent
TEMPLATES = {
    "inputs": "{{.input}}",
    "output_prefix": "{{.outputPrefix}}",
    "raw_output_data_prefix": "{{.rawOutputDataPrefix}}",
    "checkpoint_path": "{{.checkpointOutputPrefix}}",
    "prev_checkpoint": "{{.prevCheckpointPrefix}}",
}


_OPTION_FIELDS = (
    "output_prefix", "resolver", "loader_args", "inputs", "raw_output_data_prefix",
    "checkpoint_path", "prev_checkpoint",
)


class Options:
    """The parsed command line; ``None`` means absent (immutable, compared by value)."""

    __slots__ = _OPTION_FIELDS

    output_prefix: str
    resolver: str
    loader_args: list[str]
    inputs: str | None
    raw_output_data_prefix: str | None
    checkpoint_path: str | None
    prev_checkpoint: str | None

    def __init__(
        self,
        output_prefix: str,
        resolver: str,
        loader_args: list[str],
        inputs: str | None = None,
        raw_output_data_prefix: str | None = None,
        checkpoint_path: str | None = None,
        prev_checkpoint: str | None = None,
    ) -> None:
        values = (
            output_prefix, resolver, loader_args, inputs, raw_output_data_prefix,
            checkpoint_path, prev_checkpoint,
        )
        for name, value in zip(_OPTION_FIELDS, values):
            object.__setattr__(self, name, value)

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in _OPTION_FIELDS)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r}: Options is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}: Options is immutable")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in _OPTION_FIELDS)
        return f"{type(self).__qualname__}({fields})"


class Outcome:
    """What one execution left under the output prefix."""

    written: str | None
    """``outputs.pb``, ``futures.pb`` (a dynamic workflow's graph), ``error.pb`` (or its
    per-worker name), or ``None`` (IgnoreOutputs)."""
    report: ErrorReport | None
    params: ExecutionParameters | None
    problems: list[str]
    """Failures that kept even ``error.pb`` from being written (exit code 1)."""

    def __init__(
        self,
        written: str | None,
        report: ErrorReport | None = None,
        params: ExecutionParameters | None = None,
        problems: list[str] | None = None,
    ) -> None:
        self.written = written
        self.report = report
        self.params = params
        self.problems = [] if problems is None else problems

    def __repr__(self) -> str:
        return (
            f"Outcome(written={self.written!r}, report={self.report!r}, "
            f"params={self.params!r}, problems={self.problems!r})"
        )


# --- command line ------------------------------------------------------------------------------


def _help_formatter() -> type[argparse.HelpFormatter]:
    """argparse's formatter, sized as it sizes itself but without importing :mod:`shutil`
    (and bz2, lzma) for ``shutil.get_terminal_size``: every ``add_argument`` builds one."""
    import argparse

    class _HelpFormatter(argparse.HelpFormatter):
        def __init__(
            self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
            width: int | None = None,
        ) -> None:
            if width is None:
                width = _terminal_columns() - 2
            super().__init__(prog, indent_increment, max_help_position, width)

    return _HelpFormatter


def _terminal_columns() -> int:
    """``$COLUMNS`` when a positive number, else the terminal's width, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        columns = 0
    return columns or 80


def build_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog=PROG,
        formatter_class=_help_formatter(),
        usage=(
            f"{PROG} --inputs URI --output-prefix URI [--raw-output-data-prefix URI] "
            "[--checkpoint-path URI] [--prev-checkpoint URI] --resolver LOCATION "
            "-- LOADER_ARG ..."
        ),
        description=(
            "Run a featherkit task inside a Flyte container: load it with its resolver, read "
            "inputs.pb, run it, and write outputs.pb or error.pb under the output prefix."
        ),
        epilog=(
            "Un-substituted {{.x}} templates and an empty previous checkpoint mean absent. "
            "Exit 0 once outputs.pb or error.pb is written (1 after error.pb when "
            "FLYTE_FAIL_ON_ERROR=true), 2 for bad options."
        ),
        allow_abbrev=False,
    )
    parser.add_argument("--inputs", help="URI of inputs.pb (a flyteidl LiteralMap)")
    parser.add_argument(
        "--output-prefix", required=True, help="where outputs.pb / error.pb / deck.html go"
    )
    parser.add_argument(
        "--raw-output-data-prefix", help="where offloaded data (files, dataframes) goes"
    )
    parser.add_argument("--checkpoint-path", help="where the task may write a checkpoint")
    parser.add_argument("--prev-checkpoint", help="the previous attempt's checkpoint, if any")
    parser.add_argument(
        "--resolver", required=True, help="location of the task resolver, e.g. "
        "featherkit.resolvers.module"
    )
    parser.add_argument(
        "loader_args", nargs="*", metavar="LOADER_ARG",
        help="the resolver's loader args (after --)",
    )
    return parser


def _present(value: str | None, template: str) -> str | None:
    if value is None or value == "" or value == template:
        return None
    return value


#: option string -> the attribute it sets (every option takes one value)
_OPTIONS = {
    "--inputs": "inputs",
    "--output-prefix": "output_prefix",
    "--raw-output-data-prefix": "raw_output_data_prefix",
    "--checkpoint-path": "checkpoint_path",
    "--prev-checkpoint": "prev_checkpoint",
    "--resolver": "resolver",
}


def _parse_simple(argv: list[str]) -> dict[str, str] | None:
    """The options of a plain command line (what propeller passes), or ``None`` for any
    other, which then goes to argparse.

    Plain means: only ``--option value`` and ``--option=value`` of the options above, each
    value not starting with ``-``, both required options given, and no positional argument
    (loader args come after ``--``). On such a command line argparse would give the same
    values (a repeated option keeps its last value); for everything else (``--help``, an
    unknown or abbreviated option, a missing value, loader args before ``--``) argparse
    itself decides, so its messages and exit code 2 stay exactly as they are.
    """
    values: dict[str, str] = {}
    i, n = 0, len(argv)
    while i < n:
        arg = argv[i]
        name = _OPTIONS.get(arg)
        if name is not None:
            if i + 1 >= n:
                return None
            value = argv[i + 1]
            if value.startswith("-"):
                return None
            i += 2
        else:
            option, sep, value = arg.partition("=")
            name = _OPTIONS.get(option) if sep else None
            if name is None:
                return None
            i += 1
        values[name] = value
    if "output_prefix" not in values or "resolver" not in values:
        return None
    return values


def _parse_with_argparse(argv: list[str]) -> tuple[dict[str, Any], list[str]]:
    """The option values and positional loader args, as argparse reads them (it exits 2
    with a usage line for bad options, and prints ``--help``)."""
    ns = build_parser().parse_args(argv)
    values = {name: getattr(ns, name) for name in _OPTIONS.values()}
    return values, list(ns.loader_args)


def parse_args(argv: Sequence[str]) -> Options:
    """Parse the command line; bad options exit 2 with a usage line (argparse's convention)."""
    argv = list(argv)
    after: list[str] = []
    if "--" in argv:
        split = argv.index("--")
        argv, after = argv[:split], argv[split + 1:]
    simple = _parse_simple(argv)
    if simple is not None:
        values: dict[str, Any] = simple
        positional: list[str] = []
    else:
        values, positional = _parse_with_argparse(argv)
    output_prefix = _present(values["output_prefix"], TEMPLATES["output_prefix"])
    if output_prefix is None:
        build_parser().error(
            f"--output-prefix is required; got {values['output_prefix']!r}, which is not a "
            "location (was the container's output prefix template substituted?)"
        )
    prev = values.get("prev_checkpoint")
    if prev == '""':  # an empty value that went through one level of quoting
        prev = None
    return Options(
        output_prefix=output_prefix,
        resolver=values["resolver"],
        loader_args=[*positional, *after],
        inputs=_present(values.get("inputs"), TEMPLATES["inputs"]),
        raw_output_data_prefix=_present(
            values.get("raw_output_data_prefix"), TEMPLATES["raw_output_data_prefix"]
        ),
        checkpoint_path=_present(values.get("checkpoint_path"), TEMPLATES["checkpoint_path"]),
        prev_checkpoint=_present(prev, TEMPLATES["prev_checkpoint"]),
    )


# --- the environment a Flyte backend sets ------------------------------------------------------


def _env(environ: Mapping[str, str], *names: str) -> str:
    """The first of ``names`` set in ``environ`` (long Flyte name first, then its short form)."""
    for name in names:
        if name in environ:
            return environ[name]
    return ""


def identity_from_env(
    environ: Mapping[str, str],
) -> tuple[ExecutionIdentifier, TaskIdentifier]:
    """Execution and task identity from ``FLYTE_INTERNAL_*`` (or the short ``_F_*``) vars.

    A variable that is not set keeps the local default.
    """
    from featherkit.context import ExecutionIdentifier, TaskIdentifier

    local_exe = ExecutionIdentifier()
    execution_id = ExecutionIdentifier(
        project=_env(environ, "FLYTE_INTERNAL_EXECUTION_PROJECT", "_F_PRJ") or local_exe.project,
        domain=_env(environ, "FLYTE_INTERNAL_EXECUTION_DOMAIN", "_F_DM") or local_exe.domain,
        name=_env(environ, "FLYTE_INTERNAL_EXECUTION_ID", "_F_NM") or local_exe.name,
    )
    task_id = TaskIdentifier(
        project=_env(environ, "FLYTE_INTERNAL_TASK_PROJECT", "_F_TK_PRJ"),
        domain=_env(environ, "FLYTE_INTERNAL_TASK_DOMAIN", "_F_TK_DM"),
        name=_env(environ, "FLYTE_INTERNAL_TASK_NAME", "_F_TK_NM"),
        version=_env(environ, "FLYTE_INTERNAL_TASK_VERSION", "_F_TK_V"),
    )
    return execution_id, task_id


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "t", "1", "yes")


def fail_on_error(environ: Mapping[str, str]) -> bool:
    """``FLYTE_FAIL_ON_ERROR=true``: exit 1 after writing ``error.pb`` (plugins that need the
    pod itself to fail, e.g. on AWS Batch, set it)."""
    return _truthy(environ.get("FLYTE_FAIL_ON_ERROR"))


def error_file_and_worker(environ: Mapping[str, str]) -> tuple[str, str]:
    """The error file's name and the worker name to report.

    With a distributed error strategy (``FLYTE_INTERNAL_DIST_ERROR_STRATEGY``/``_F_DES``, set
    by backend plugins for multi-worker tasks) every worker writes its own
    ``error-<random>.pb`` and names itself (``FLYTE_INTERNAL_WORKER_NAME``/``_F_WN``), so
    workers never overwrite each other's report.
    """
    if not _env(environ, "FLYTE_INTERNAL_DIST_ERROR_STRATEGY", "_F_DES"):
        return ERROR_FILE, ""
    stem, ext = os.path.splitext(ERROR_FILE)
    return f"{stem}-{os.urandom(16).hex()}{ext}", _env(
        environ, "FLYTE_INTERNAL_WORKER_NAME", "_F_WN"
    )


# --- the execution -----------------------------------------------------------------------------


def load_task(resolver_location: str, loader_args: list[str]) -> Task:
    """The task the resolver finds from its loader args (raises on any failure)."""
    from featherkit.resolvers import ResolverError, find_resolver

    resolver = find_resolver(resolver_location)
    if not loader_args:
        raise ResolverError(
            f"no loader args were given after '--' for resolver {resolver_location!r}"
        )
    return resolver.load_task(list(loader_args))


class _Inputs:
    """What was read from ``--inputs``, for the message of an input error."""

    def __init__(self, uri: str | None) -> None:
        self.uri = uri
        self.size = 0
        self.names: tuple[str, ...] | None = None
        """The input names the file holds; ``None`` until it decoded."""

    def describe(self) -> str:
        if self.uri is None:
            return "no --inputs was given, so the task got an empty input map"
        empty = " (an empty file)" if self.size == 0 else ""
        if self.names is None:
            return f"inputs read from {self.uri}: {self.size} bytes{empty}, not decodable"
        held = ", ".join(repr(n) for n in self.names) if self.names else "no inputs"
        return f"inputs read from {self.uri}: {self.size} bytes{empty}, holding {held}"


def read_inputs(task: Task, uri: str | None, seen: _Inputs) -> literals_pb2.LiteralMap:
    """Read and decode ``inputs.pb``; a file that is not a ``LiteralMap`` is a TaskInputError."""
    from flyteidl.core import literals_pb2
    from google.protobuf.message import DecodeError

    from featherkit import storage
    from featherkit.errors import TaskInputError

    literal_map = literals_pb2.LiteralMap()
    if uri is None:
        return literal_map
    data = storage.read_bytes(uri)
    seen.size = len(data)
    try:
        literal_map.ParseFromString(data)
    except DecodeError as exc:
        raise TaskInputError(
            f"task {task.name!r}: the inputs at {uri} ({len(data)} bytes) are not a flyteidl "
            f"LiteralMap (truncated or another kind of file?): {exc}"
        ) from exc
    seen.names = tuple(sorted(literal_map.literals))
    return literal_map


def execute(options: Options, environ: Mapping[str, str] | None = None) -> Outcome:
    """Run one execution as a pod does and report what was written (never raises for a task
    failure: every failure becomes ``error.pb``).

    :mod:`featherkit.error_document` is imported where a failure is reported, not up front: a
    run that succeeds never needs it.
    """
    from featherkit import storage
    from featherkit.context import ExecutionParameters
    from featherkit.errors import IgnoreOutputs, TaskInputError, UserCodeError

    env = os.environ if environ is None else environ
    execution_id, task_id = identity_from_env(env)
    params = ExecutionParameters(
        execution_id=execution_id,
        task_id=task_id,
        raw_output_prefix=options.raw_output_data_prefix or "",
        output_prefix=options.output_prefix,
        checkpoint_path=options.checkpoint_path,
        prev_checkpoint=options.prev_checkpoint,
    )
    outcome = Outcome(written=None, params=params)
    task: Task | None = None
    error: BaseException | None = None
    report: ErrorReport | None = None
    seen = _Inputs(options.inputs)
    try:
        task = load_task(options.resolver, options.loader_args)
    except BaseException as exc:  # sys.exit() or KeyboardInterrupt while importing counts too
        from featherkit.error_document import describe, load_error

        error = exc
        report = load_error(
            exc,
            f"cannot load the task: resolver {options.resolver!r} with loader args "
            f"{options.loader_args!r} failed: {describe(exc)}",
        )
    if task is not None:
        params.task_name = task.name
        try:
            inputs = read_inputs(task, options.inputs, seen)
            outputs = task.dispatch_execute(params, inputs)
        except IgnoreOutputs:
            outputs = None
        except UserCodeError as exc:
            from featherkit.error_document import describe, user_error

            error = exc.original
            report = user_error(
                exc.original, f"task {task.name!r} failed: {describe(exc.original)}"
            )
        except SystemExit as exc:  # sys.exit() in the task: user code, not a crash of ours
            from featherkit.error_document import user_error

            error = exc
            report = user_error(exc, f"task {task.name!r} called sys.exit({exc.code!r})")
        except TaskInputError as exc:
            from featherkit.error_document import describe, system_error

            error = exc
            report = system_error(exc, f"{describe(exc)}\n({seen.describe()})")
        except Exception as exc:
            from featherkit.error_document import describe, system_error

            error = exc
            report = system_error(exc, f"running task {task.name!r} failed: {describe(exc)}")
        except BaseException as exc:
            # KeyboardInterrupt, GeneratorExit, a user's BaseException subclass: not wrapped
            # by dispatch_execute (it wraps Exception), yet this task's failure to report
            from featherkit.error_document import describe, user_error

            error = exc
            report = user_error(exc, f"task {task.name!r} was stopped by {describe(exc)}")
        else:
            # a dynamic workflow returns the graph to run next (futures.pb), not outputs
            written = FUTURES_FILE if type(outputs).__name__ == "DynamicJobSpec" else OUTPUTS_FILE
            uri = storage.join(options.output_prefix, written)
            try:
                storage.write_bytes(uri, outputs.SerializeToString(deterministic=True))
                outcome.written = written
            except Exception as exc:
                from featherkit.error_document import describe, system_error

                error = exc
                report = system_error(
                    exc, f"cannot write the outputs of task {task.name!r} to {uri}: "
                    f"{describe(exc)}"
                )
    if report is not None:
        outcome.report = report
        name, worker = error_file_and_worker(env)
        uri = storage.join(options.output_prefix, name)
        try:
            storage.write_bytes(
                uri, report.to_document(worker).SerializeToString(deterministic=True)
            )
            outcome.written = name
        except Exception as exc:
            from featherkit.error_document import describe

            outcome.problems.append(f"cannot write {uri}: {describe(exc)}")
    if task is not None:
        from featherkit.plugins import hooks

        native = params.attributes.get("native_outputs") if error is None else None
        hooks().execution_finished(task, params, native, error)
    return outcome


def _plugins_failed(options: Options, exc: BaseException) -> Outcome:
    """Report a failure to load the plugins: ``error.pb`` (a USER load error) all the same.

    No plugin is usable then, so only core's local storage can write it; under a remote
    prefix the report goes to stderr and the exit code is 1.
    """
    from featherkit import storage
    from featherkit.error_document import describe, load_error

    report = load_error(exc, f"cannot load the featherkit plugins: {describe(exc)}")
    outcome = Outcome(written=None, report=report)
    name, worker = error_file_and_worker(os.environ)
    uri = storage.join(options.output_prefix, name)
    if storage.scheme_of(uri) not in ("", "file"):
        outcome.problems.append(f"cannot write {uri}: the storage plugins did not load")
        return outcome
    try:
        storage.LocalStorage().write_bytes(
            uri, report.to_document(worker).SerializeToString(deterministic=True)
        )
        outcome.written = name
    except Exception as write_error:
        outcome.problems.append(f"cannot write {uri}: {describe(write_error)}")
    return outcome


def _log_report(outcome: Outcome) -> None:
    from featherkit.redact import redact_text

    report = outcome.report
    if report is None:
        return
    kind = "RECOVERABLE" if report.recoverable else "NON_RECOVERABLE"
    where = outcome.written or "(not written)"
    print(
        f"{PROG}: {report.origin} error, {kind}, code {report.code}; reported in {where}\n"
        f"{report.message}",
        file=sys.stderr,
    )
    for problem in outcome.problems:
        print(redact_text(f"{PROG}: {problem}"), file=sys.stderr)


def process_main() -> int:
    """Console script ``featherkit-execute``: :func:`main` as the one run of a pod's process.

    Unlike an in-process call of :func:`main`, it sets the process's garbage collector up
    for that one run: see :func:`_load_plugins`.
    """
    return main(freeze_startup=True)


def _load_plugins(freeze_startup: bool) -> None:
    """Load the plugins; with ``freeze_startup``, with the cyclic garbage collector paused.

    Starting a pod is mostly creating objects that live as long as the process: modules,
    classes, hook callers, protobuf descriptors. The collector, run every few hundred new
    objects, walked them over and over for nothing: about a fifth of a pod's start. So it
    is paused while the plugins and the protobuf runtime load, what they created is frozen
    (``gc.freeze()``: left out of every later collection) and the collector is back on
    before the task's own module is imported: the task's code runs with it as always.
    """
    from featherkit.plugins import get_plugin_manager

    if not freeze_startup or not gc.isenabled():
        get_plugin_manager()
        return
    gc.disable()
    try:
        get_plugin_manager()
        from flyteidl.core import literals_pb2  # noqa: F401  (the task reads inputs with it)

        gc.freeze()
    finally:
        gc.enable()


def main(argv: Sequence[str] | None = None, *, freeze_startup: bool = False) -> int:
    """Run one execution as ``featherkit-execute`` does; returns the process's exit code.

    ``freeze_startup`` is for the console script (:func:`process_main`), whose process ends
    with this run.
    """
    options = parse_args(sys.argv[1:] if argv is None else argv)
    # a pod's working directory holds the user's code (flytekit does the same)
    cwd = os.getcwd()
    if all(os.path.realpath(p or ".") != cwd for p in sys.path):
        sys.path.append(cwd)
    from featherkit import storage
    from featherkit.errors import FeatherkitUserError
    from featherkit.redact import redact_text

    try:
        _load_plugins(freeze_startup)
    except BaseException as exc:
        # a plugin that fails to import (strict mode), calls sys.exit() or is interrupted
        outcome = _plugins_failed(options, exc)
    else:
        # nothing, not even error.pb, can be reported under a prefix no storage serves: say
        # so before the task runs, so its side effects never happen for outputs not kept
        try:
            storage.check(options.output_prefix)
        except FeatherkitUserError as exc:
            build_parser().print_usage(sys.stderr)
            print(
                redact_text(f"{PROG}: error: --output-prefix {options.output_prefix}: {exc}"),
                file=sys.stderr,
            )
            return 2
        except Exception as exc:
            print(
                redact_text(f"{PROG}: cannot write under {options.output_prefix}: {exc}"),
                file=sys.stderr,
            )
            return 1
        outcome = execute(options)
    _log_report(outcome)
    if outcome.problems:
        return 1
    if outcome.report is not None and fail_on_error(os.environ):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(process_main())
