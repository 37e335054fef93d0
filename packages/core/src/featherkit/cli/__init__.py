"""The ``featherkit`` command line (click is imported only here, never by the library).

Commands live in their own modules and are imported when invoked, so ``featherkit --help``
stays fast; plugins add commands through the ``register_commands`` hook.
"""

from __future__ import annotations

import importlib
import logging
import sys
import traceback
from typing import Any

import click

from featherkit.errors import (
    FeatherkitUserError,
    TaskInputError,
    TaskOutputError,
    UserCodeError,
)
from featherkit.redact import redact_text

#: command name -> "module:attribute" of its click command
COMMANDS = {
    "run": "featherkit.cli.run:run",
    "plugins": "featherkit.cli.plugins:plugins",
    "cache": "featherkit.cli.cache:cache",
    "serialize": "featherkit.cli.serialize:serialize",
    "package": "featherkit.cli.serialize:package",
}

#: exceptions that are the user's to fix: one line, exit code 2
USER_ERRORS: tuple[type[BaseException], ...] = (
    FeatherkitUserError, TaskInputError, TaskOutputError, click.BadParameter,
)


class LazyGroup(click.Group):
    """A group whose builtin commands are imported on use, plus the plugins' commands."""

    _plugins_added = False

    def _add_plugin_commands(self) -> None:
        if not self._plugins_added:
            self._plugins_added = True
            from featherkit.plugins import hooks

            hooks().register_commands(self)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._add_plugin_commands()
        return sorted({*COMMANDS, *super().list_commands(ctx)})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            module, attribute = COMMANDS[cmd_name].split(":")
            command: click.Command = getattr(importlib.import_module(module), attribute)
            return command
        self._add_plugin_commands()
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup)
@click.option("--verbose", "-v", is_flag=True, help="Show tracebacks and debug logs.")
@click.version_option(package_name="featherkit")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """featherkit: write Flyte tasks, run them locally, ship them to a cluster."""
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


def fail(message: str, hint: str | None = None) -> None:
    """Print one clear error line (and a hint) and exit with code 2."""
    click.echo(f"Error: {message}", err=True)
    if hint:
        click.echo(f"Hint: {hint}", err=True)
    raise SystemExit(2)


def main(argv: list[str] | None = None) -> Any:
    verbose = "--verbose" in (argv or sys.argv) or "-v" in (argv or sys.argv)[:2]
    try:
        return cli.main(args=argv, prog_name="featherkit", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        raise SystemExit(1) from None
    except click.ClickException as exc:
        exc.show()
        raise SystemExit(2) from None
    except USER_ERRORS as exc:
        # these messages say what is wrong and what was expected: no traceback, no hint
        if verbose:
            traceback.print_exc()
        fail(redact_text(str(exc)))
    except SystemExit:
        raise
    except Exception as exc:
        if isinstance(exc, UserCodeError):
            # a task raised: "task 'mod.name' raised ValueError: ..." (its own traceback)
            if verbose:
                traceback.print_exception(exc.original)
            click.echo(f"Error: {redact_text(str(exc))}", err=True)
            if not verbose:
                click.echo("Hint: add --verbose for the traceback", err=True)
            raise SystemExit(1) from None
        if verbose:
            traceback.print_exc()
        else:
            click.echo(f"Error: {type(exc).__name__}: {redact_text(str(exc))}", err=True)
            click.echo("Hint: add --verbose for the traceback", err=True)
        raise SystemExit(1) from None
