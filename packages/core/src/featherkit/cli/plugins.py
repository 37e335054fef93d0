"""``featherkit plugins``: what is loaded, from which distribution, implementing which hooks."""

from __future__ import annotations

import dataclasses
import json

import click


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def plugins(as_json: bool) -> None:
    """List loaded plugins (core's builtins included) and the hooks each implements."""
    from featherkit.plugins import get_plugin_manager
    from featherkit.resolvers import resolver_owners

    manager = get_plugin_manager()
    infos = sorted(manager.report.infos.values(), key=lambda i: (i.builtin, i.name))
    resolvers = resolver_owners()  # resolver location -> plugin that registered it
    if as_json:
        click.echo(json.dumps(
            {"plugins": [dataclasses.asdict(i) for i in infos],
             "resolvers": resolvers,
             "failures": manager.report.failures},
            indent=2,
        ))
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
