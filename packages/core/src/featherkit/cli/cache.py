"""``featherkit cache list|clear|explain``: what is cached, and why a call hits or misses.

The commands act on the backend the settings select (``FEATHERKIT_CACHE``,
``FEATHERKIT_CACHE_DIR``, or ``--backend``), even when the cache is switched off for calls.
"""

from __future__ import annotations

import datetime
import json
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from featherkit.cache import CacheBackend, CacheEntry


def _backend(ctx: click.Context) -> CacheBackend:
    from featherkit.cache import backend_for, cache_options

    with cache_options(backend=ctx.obj.get("cache_backend")) as settings:
        # "off" switches the cache off for calls; the commands still look at the backend
        return backend_for(settings)


def _where(backend: CacheBackend) -> str:
    """The backend's own description, with any credential in its location hidden."""
    from featherkit.redact import redact_text

    return redact_text(repr(backend))


def _when(created: float) -> str:
    return datetime.datetime.fromtimestamp(created).strftime("%Y-%m-%d %H:%M:%S")


def _size(size: int) -> str:
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} B"


def _inputs_text(entry: CacheEntry, limit: int = 50) -> str:
    previews = dict(entry.components.get("previews", {}))
    text = ", ".join(f"{k}={v}" for k, v in sorted(previews.items()))
    return text if len(text) <= limit else text[: limit - 3] + "..."


@click.group()
@click.option(
    "--backend",
    "backend",
    default=None,
    metavar="NAME|URL",
    help="Cache backend to act on (default: FEATHERKIT_CACHE, else the embedded sqlite).",
)
@click.pass_context
def cache(ctx: click.Context, backend: str | None) -> None:
    """Inspect and clear the task cache."""
    ctx.ensure_object(dict)
    ctx.obj["cache_backend"] = backend


@cache.command("list")
@click.argument("task_name", metavar="[TASK]", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the entries as JSON.")
@click.pass_context
def list_entries(ctx: click.Context, task_name: str | None, as_json: bool) -> None:
    """List cached entries (of TASK, a full task name, when given)."""
    backend = _backend(ctx)
    entries = backend.list(task_name)
    if as_json:
        click.echo(json.dumps(
            [
                {
                    "key": e.key, "task": e.task, "version": e.version, "created": e.created,
                    "size": e.size, "components": dict(e.components),
                }
                for e in entries
            ],
            indent=2, sort_keys=True,
        ))
        return
    if not entries:
        for_task = f" for {task_name}" if task_name else ""
        click.echo(f"no cached entries{for_task} in {_where(backend)}")
        return
    rows = [
        (e.task, e.version, _when(e.created), _size(e.size), e.key[:12], _inputs_text(e))
        for e in entries
    ]
    header = ("TASK", "VERSION", "STORED", "SIZE", "KEY", "INPUTS")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        cells = [str(cell).ljust(width) for cell, width in zip(row, widths)]
        click.echo("  ".join([*cells, row[-1]]).rstrip())
    count = f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"
    click.echo(f"{count} in {_where(backend)}")


@cache.command("clear")
@click.argument("task_name", metavar="[TASK]", required=False)
@click.pass_context
def clear(ctx: click.Context, task_name: str | None) -> None:
    """Remove every cached entry, or only those of TASK (a full task name)."""
    backend = _backend(ctx)
    removed = backend.clear(task_name)
    what = f" of {task_name}" if task_name else ""
    entries = "entry" if removed == 1 else "entries"
    click.echo(f"removed {removed} {entries}{what} from {_where(backend)}")
    if task_name and removed == 0:
        similar = sorted({e.task for e in backend.list() if e.task.endswith("." + task_name)})
        if similar:
            click.echo(f"Hint: TASK is a full task name; did you mean {', '.join(similar)}?")


@cache.command(
    "explain",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
)
@click.argument("file", type=click.Path())
@click.argument("task_name", metavar="TASK")
@click.pass_context
def explain_call(ctx: click.Context, file: str, task_name: str) -> None:
    """Show the cache key of calling TASK from FILE with --name value inputs, and why it
    hits or misses (on a miss: the nearest entry and what differs)."""
    from featherkit.cache.explain import explain
    from featherkit.cli.run import _parse_inputs
    from featherkit.errors import FeatherkitUserError
    from featherkit.loader import find_task

    task = find_task(file, task_name)
    if not task.metadata.cache:
        raise FeatherkitUserError(
            f"task {task.name!r} is not cached; declare it with @task(cache=True, "
            "cache_version=...)"
        )
    literals = task.inputs_to_literals(_parse_inputs(task, list(ctx.args)))
    result = explain(task, literals, _backend(ctx))
    components = result.components
    lines: list[tuple[str, str]] = [
        ("task", result.task),
        ("version", repr(components.version)),
        ("interface", f"{result.interface_text}  [{components.interface[:12]}]"),
    ]
    for name, digest in sorted(components.inputs.items()):
        lines.append(("input", f"{name} = {result.previews[name]}  [{digest[:12]}]"))
    for name in components.ignored:
        lines.append(("ignored", f"{name} (cache_ignore_input_vars)"))
    lines += [("key", components.key), ("backend", result.backend)]
    if result.status == "hit":
        stored = f": stored {_when(result.entry.created)}" if result.entry else ""
        lines.append(("result", f"HIT{stored}"))
    elif result.status == "corrupt":
        lines.append(("result", "MISS: an entry is stored but does not decode; the next call "
                                "runs the task and replaces it"))
    else:
        lines.append(("result", "MISS"))
        if result.nearest is None:
            lines.append(("nearest", f"no cached entry for {result.task}"))
        else:
            count = len(result.differences)
            lines.append((
                "nearest",
                f"entry {result.nearest.key[:12]} stored {_when(result.nearest.created)} "
                f"({result.task_entries} for this task) differs in {count} "
                f"component{'s' if count != 1 else ''}:",
            ))
            lines += [("", f"  {difference}") for difference in result.differences]
    width = max(len(label) for label, _ in lines)
    for label, text in lines:
        click.echo(f"{label.ljust(width)}  {text}".rstrip() if label else f"{' ' * width}{text}")
