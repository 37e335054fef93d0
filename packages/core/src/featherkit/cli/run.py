"""``featherkit run FILE TASK --input value ...``: run a task locally and print its result."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import click

from featherkit.cli.values import parse_cli_value
from featherkit.errors import FeatherkitUserError


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
            raise FeatherkitUserError(f"task {task.name!r} has no input {key!r}; inputs: {known}")
        if inline or "=" in arg:
            text = inline
        elif index + 1 < len(args):
            index += 1
            text = args[index]
        else:
            raise FeatherkitUserError(f"input --{key} needs a value")
        tp = iface.inputs[name]
        try:
            values[name] = parse_cli_value(text, tp)
        except ValueError as exc:
            raise FeatherkitUserError(f"task {task.name!r}, input --{key}: {exc}") from None
        index += 1
    return values


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


@click.command(
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
@click.pass_context
def run(
    ctx: click.Context,
    file: str,
    task_name: str,
    as_json: bool,
    use_cache: bool | None,
    overwrite_cache: bool,
    cache_backend: str | None,
) -> None:
    """Run TASK from FILE locally; inputs as --name value (JSON for lists, dicts, dataclasses)."""
    from featherkit.cache import cache_options
    from featherkit.loader import find_task

    task = find_task(file, task_name)
    inputs = _parse_inputs(task, list(ctx.args))
    with cache_options(
        enabled=use_cache, overwrite=overwrite_cache or None, backend=cache_backend
    ):
        result = task(**inputs)
    if as_json:
        click.echo(json.dumps(_jsonable(result), indent=2, sort_keys=True))
    else:
        click.echo(repr(result))
