"""``featherkit run FILE TASK --input value ...``: run a task locally and print its result."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import click

from featherkit.errors import FeatherkitUserError, UserCodeError
from featherkit.values import parse_cli_value


def _kind(entity: Any) -> str:
    """What messages call the entity: task, workflow or launch plan."""
    kind = getattr(type(entity), "_node_kind", "task")
    return "launch plan" if kind == "launch_plan" else str(kind)


def _parse_inputs(task: Any, args: list[str]) -> dict[str, Any]:
    iface = task.python_interface
    values: dict[str, Any] = {}
    index = 0
    while index < len(args):
        arg = args[index]
        if not arg.startswith("--"):
            raise FeatherkitUserError(f"unexpected argument {arg!r}; pass inputs as --name value")
        key, _, inline = arg[2:].partition("=")
        name = key.replace("-", "_")
        if name not in iface.inputs:
            known = ", ".join(f"--{n}" for n in iface.inputs) or "(none)"
            raise FeatherkitUserError(
                f"{_kind(task)} {task.name!r} has no input {key!r}; inputs: {known}"
            )
        if inline or "=" in arg:
            text = inline
        elif index + 1 < len(args):
            index += 1
            text = args[index]
        else:
            raise FeatherkitUserError(f"input --{key} needs a value")
        if name in values:
            raise FeatherkitUserError(
                f"{_kind(task)} {task.name!r}: input --{key} is given twice; give each input once"
            )
        tp = iface.inputs[name]
        try:
            values[name] = parse_cli_value(text, tp)
        except ValueError as exc:
            raise FeatherkitUserError(
                f"{_kind(task)} {task.name!r}, input --{key}: {exc}"
            ) from None
        index += 1
    return values


def _option_clash(task: Any, ctx: click.Context) -> tuple[str, str] | None:
    """An input named like one of run's options that may have gone to the option: its name and
    what to do. Click takes ``--json`` after TASK as run's own flag; the task's input of that
    name is then missing, and its value is left over as a stray argument.
    """
    from click.core import ParameterSource

    given = {a[2:].partition("=")[0].replace("-", "_") for a in ctx.args if a.startswith("--")}
    for param in ctx.command.params:
        if ctx.get_parameter_source(param.name or "") is not ParameterSource.COMMANDLINE:
            continue
        for flag in (*param.opts, *param.secondary_opts):
            name = flag.lstrip("-").replace("-", "_")
            if name in task.python_interface.inputs and name not in given:
                return name, (
                    f"{_kind(task)} {task.name!r} has an input {name!r}, but {flag} after TASK "
                    f"is an option of featherkit run; pass the task's inputs after '--': "
                    f"featherkit run FILE TASK -- {flag} VALUE"
                )
    return None


def _type_text(tp: Any) -> str:
    from featherkit.types.errors import type_name

    return type_name(tp).replace("builtins.", "")


def _task_help(task: Any, file: str) -> str:
    """``featherkit run FILE TASK --help``: the task's inputs with types, defaults, descriptions."""
    iface = task.python_interface
    short = task.name.rsplit(".", 1)[-1]
    formatter = click.HelpFormatter()

    def metavar(tp: Any) -> str:
        return tp.__name__.upper() if tp in (int, float, str, bool) else "JSON"

    usage = " ".join(
        f"--{n} {metavar(tp)}" if n in iface.required_inputs else f"[--{n} {metavar(tp)}]"
        for n, tp in iface.inputs.items()
    )
    formatter.write_usage("featherkit run", f"[OPTIONS] {file} {short} {usage}".rstrip())
    docs = getattr(task, "docs", None)
    summary = getattr(docs, "short_description", "") if docs is not None else ""
    if summary:
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(summary)
    descriptions = iface.input_descriptions
    rows = []
    for name, tp in iface.inputs.items():
        parts = [descriptions.get(name, "")]
        if name in iface.defaults:
            parts.append(f"[default: {iface.defaults[name]!r}]")
        else:
            parts.append("[required]")
        rows.append((f"--{name} {_type_text(tp)}", "  ".join(p for p in parts if p)))
    kind = "task" if hasattr(task, "task_type") else "workflow"
    with formatter.section(f"Inputs of {kind} {task.name!r}"):
        if rows:
            formatter.write_dl(rows)
        else:
            formatter.write_text("(none)")
    with formatter.section("Notes"):
        formatter.write_text(
            "Lists, dicts and dataclasses are given as JSON. An input named like an option of "
            "featherkit run (--json, --cache, ...) goes after '--'. Options of featherkit run "
            "itself: featherkit run --help."
        )
    return formatter.getvalue()


#: options of ``run`` followed by a value (to find FILE and TASK among the arguments)
_VALUE_OPTIONS = frozenset({"--cache-backend"})


class _RunCommand(click.Command):
    """``run``, whose ``--help`` after FILE TASK describes that task instead of the command."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        before = args[: args.index("--")] if "--" in args else args
        if "--help" in before or "-h" in before:
            positional: list[str] = []
            skip = False
            for arg in before:
                if skip:
                    skip = False
                elif arg in _VALUE_OPTIONS:
                    skip = True
                elif not arg.startswith("-"):
                    positional.append(arg)
                if len(positional) == 2:
                    break
            if len(positional) == 2:
                from featherkit.loader import find_entity

                task = find_entity(positional[0], positional[1])
                click.echo(_task_help(task, positional[0]), color=ctx.color)
                ctx.exit(0)
        return super().parse_args(ctx, args)


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {k: _jsonable(v) for k, v in value._asdict().items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _run_entity(
    entity: Any, inputs: dict[str, Any], show_plan: bool, max_parallelism: int | None
) -> Any:
    """Run a task, workflow or launch plan (or print a workflow's plan)."""
    from featherkit.base_task import Task

    if isinstance(entity, Task):
        if show_plan or max_parallelism is not None:
            flag = "--plan" if show_plan else "--max-parallelism"
            raise FeatherkitUserError(
                f"{flag} is for workflows and launch plans; {entity.name!r} is a task "
                "(see `featherkit cache explain` for a task's cache)"
            )
        return entity(**inputs)
    from featherkit.workflow import LaunchPlan
    from featherkit.workflow.runner import WorkflowExecutionError

    if show_plan:
        from featherkit.workflow.plan import plan, render

        click.echo(render(plan(entity, inputs)))
        return None
    try:
        if isinstance(entity, LaunchPlan):
            merged = entity._inputs(inputs)
            return entity.workflow.run(
                merged, max_parallelism=max_parallelism or entity.max_parallelism
            )
        return entity.run(inputs, max_parallelism=max_parallelism)
    except WorkflowExecutionError as exc:
        raise FeatherkitUserError(str(exc)) from exc


@click.command(
    cls=_RunCommand,
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
)
@click.argument("file", type=click.Path())
@click.argument("task_name", metavar="TASK")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "--cache/--no-cache", "use_cache", default=None,
    help="Use the task cache for this run (default: on unless FEATHERKIT_CACHE=off).",
)
@click.option(
    "--overwrite-cache", is_flag=True, help="Run cached tasks anyway and replace their entries."
)
@click.option(
    "--cache-backend", metavar="NAME|URL", default=None,
    help="Cache backend for this run: sqlite, redis, or a URL such as redis://host:6379/0.",
)
@click.option(
    "--plan", "show_plan", is_flag=True,
    help="For a workflow: say which nodes would be cache hits and which would run, and why; "
    "run nothing.",
)
@click.option(
    "--max-parallelism", type=click.IntRange(min=1), default=None,
    help="For a workflow: how many nodes run at once (1 runs them one after the other).",
)
@click.pass_context
def run(
    ctx: click.Context,
    file: str,
    task_name: str,
    as_json: bool,
    use_cache: bool | None,
    overwrite_cache: bool,
    cache_backend: str | None,
    show_plan: bool,
    max_parallelism: int | None,
) -> None:
    """Run TASK (a task, workflow or launch plan) from FILE locally; inputs as --name value
    (JSON for lists, dicts, dataclasses). --plan shows a workflow's cache plan instead.

    Inputs named like an option of this command (json, cache, ...) go after '--':
    featherkit run FILE TASK -- --json VALUE. featherkit run FILE TASK --help lists the
    task's inputs.
    """
    from featherkit.cache import cache_options
    from featherkit.loader import find_entity

    task = find_entity(file, task_name)
    clash = _option_clash(task, ctx)
    try:
        inputs = _parse_inputs(task, list(ctx.args))
    except FeatherkitUserError:
        if clash:
            raise FeatherkitUserError(clash[1]) from None
        raise
    if clash and clash[0] in task.python_interface.required_inputs:
        raise FeatherkitUserError(clash[1])
    with cache_options(
        enabled=use_cache, overwrite=overwrite_cache or None, backend=cache_backend
    ):
        try:
            result = _run_entity(task, inputs, show_plan, max_parallelism)
        except Exception as exc:
            from featherkit.local import raised_by

            name = raised_by(exc)
            if name is None:
                raise  # not the task's own code (featherkit's errors name the task already)
            # the one-line error names the task that raised (the traceback, with --verbose,
            # is the task's own)
            raise UserCodeError(name, exc) from exc
        if show_plan:
            return
    if as_json:
        click.echo(json.dumps(_jsonable(result), indent=2, sort_keys=True))
    else:
        click.echo(repr(result))
