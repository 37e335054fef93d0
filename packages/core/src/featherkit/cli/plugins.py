"""``featherkit plugins``: what is loaded, from which distribution, implementing which hooks,
and what is broken (exit status 1 when any plugin failed)."""

from __future__ import annotations

import dataclasses
import json
import os
from typing import Any

import click


def _load_everything() -> Any:
    """The plugin manager with every plugin loaded and every core registry computed, broken
    plugins recorded rather than raised (strict mode off for this), so one run lists them all."""
    from featherkit.plugins import REGISTRIES, get_plugin_manager, hooks

    saved = os.environ.get("FEATHERKIT_STRICT_PLUGINS")
    os.environ["FEATHERKIT_STRICT_PLUGINS"] = "0"
    try:
        manager = get_plugin_manager()
        for hook in REGISTRIES:  # a raising register hook is found (and named) here
            hooks().registry(hook)
    finally:
        if saved is None:
            del os.environ["FEATHERKIT_STRICT_PLUGINS"]
        else:
            os.environ["FEATHERKIT_STRICT_PLUGINS"] = saved
    return manager


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def plugins(as_json: bool) -> None:
    """List loaded plugins (core's builtins included) and the hooks each implements.

    Exits with status 1 when a plugin failed to load or is broken (each failure is listed).
    """
    from featherkit.plugins import PluginError
    from featherkit.resolvers import resolver_owners

    try:
        manager = _load_everything()
    except PluginError as exc:  # e.g. FEATHERKIT_PLUGINS names no installed plugin
        click.echo(f"FAILED: {exc}", err=True)
        raise SystemExit(1) from None
    infos = sorted(manager.report.infos.values(), key=lambda i: (i.builtin, i.name))
    resolvers = resolver_owners()  # resolver location -> plugin that registered it
    if as_json:
        click.echo(json.dumps(
            {"plugins": [dataclasses.asdict(i) for i in infos],
             "resolvers": resolvers,
             "failures": manager.report.failures},
            indent=2,
        ))
        if manager.report.failures:
            raise SystemExit(1)
        return
    for info in infos:
        origin = f"{info.distribution} {info.version}".strip()
        where = "builtin" if info.builtin else f"entry point {info.entry_point}"
        click.echo(f"{info.name}  ({origin}, {where})")
        click.echo(f"    hooks: {', '.join(info.hooks) or '(none)'}")
        locations = sorted(loc for loc, owner in resolvers.items() if owner == info.name)
        if locations:
            click.echo(f"    resolvers: {', '.join(locations)}")
    for failure in manager.report.failures:
        click.echo(f"FAILED: {failure}", err=True)
    if manager.report.failures:
        raise SystemExit(1)
