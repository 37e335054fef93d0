"""``featherkit serialize`` and ``featherkit package``: registration files for a Flyte cluster.

``serialize`` writes one spec file per task, workflow and launch plan into a directory
(``--format json`` for reading); ``package`` writes the ``.tgz`` that ``flytectl register
files`` takes. Both find entities with :mod:`featherkit.discovery` (in registration order) and
write reproducible bytes (:mod:`featherkit.packaging`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from featherkit.cli import fail

if TYPE_CHECKING:
    from featherkit.packaging import SerializedFile


def _env(pairs: tuple[str, ...]) -> dict[str, str]:
    env: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            fail(f"--env {pair!r} is not KEY=VALUE")
        env[key] = value
    return env


def _settings(
    image: str | None,
    version: str | None,
    project: str,
    domain: str,
    env: tuple[str, ...],
    python_interpreter: str | None,
) -> Any:
    from featherkit.serialization import DEFAULT_PYTHON_INTERPRETER, SerializationSettings

    if not image:
        fail("--image is required: the container image the tasks run in, "
             "e.g. --image ghcr.io/acme/app:v1")
    if not version:
        fail("--version is required: the version the tasks are registered under, "
             "e.g. --version v1 (a git commit works well)")
    from featherkit.images import cli_image

    return SerializationSettings(
        image=cli_image(image or ""),
        version=version or "",
        project=project,
        domain=domain,
        env=_env(env),
        python_interpreter=python_interpreter or DEFAULT_PYTHON_INTERPRETER,
    )


def _files(targets: tuple[str, ...], settings: Any, fmt: str) -> list[SerializedFile]:
    from featherkit.discovery import discover_entities
    from featherkit.packaging import entity_specs, serialized_files

    if not targets:
        fail("name at least one file, directory or module to look for tasks in")
    found = discover_entities(targets)
    if not found:
        fail(f"no tasks or workflows found in {', '.join(targets)}")
    return serialized_files(entity_specs(found, settings), fmt)


def _count(files: list[SerializedFile]) -> str:
    """``3 task(s)``, or ``3 task(s), 1 workflow(s), 2 launch plan(s)`` when there are more."""
    kinds = [file.name.rsplit(".", 1)[0].rsplit("_", 1)[-1] for file in files]
    text = f"{kinds.count('1')} task(s)"
    if kinds.count("2") or kinds.count("3"):
        text += f", {kinds.count('2')} workflow(s), {kinds.count('3')} launch plan(s)"
    return text


def _common(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.argument("targets", nargs=-1, type=click.Path()),
        click.option("--image", "-i",
                     help="Container image the tasks run in (required): a name, or an image "
                          "spec file a plugin reads (featherkit-imagespec: a .yaml ImageSpec)."),
        click.option("--version", "version",
                     help="Version to register the tasks under (required)."),
        click.option("--project", "-p", default="", show_default=True,
                     help="Flyte project; empty lets flytectl fill it in."),
        click.option("--domain", "-d", default="", show_default=True,
                     help="Flyte domain; empty lets flytectl fill it in."),
        click.option("--env", "-e", multiple=True, metavar="KEY=VALUE",
                     help="Environment variable for every task's container (repeatable)."),
        click.option("--python-interpreter", default=None,
                     help="Python interpreter in the image, for plugins that need it."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.command()
@_common
@click.option("--output", "-o", "output", type=click.Path(), help="Directory to write into.")
@click.option("--format", "fmt", type=click.Choice(["pb", "json"]), default="pb",
              show_default=True, help="Protobuf for flytectl, or JSON to read.")
def serialize(
    targets: tuple[str, ...],
    image: str | None,
    version: str | None,
    project: str,
    domain: str,
    env: tuple[str, ...],
    python_interpreter: str | None,
    output: str | None,
    fmt: str,
) -> None:
    """Write a spec file per task, workflow and launch plan in TARGETS (files, directories or
    modules).

    Files are named like flytekit's (0_module.task_1.pb); registration files an earlier run
    left in the directory are replaced.
    """
    from featherkit.packaging import write_directory

    settings = _settings(image, version, project, domain, env, python_interpreter)
    if not output:
        fail("--output/-o is required: the directory to write the TaskSpec files into")
    files = _files(targets, settings, fmt)
    for path in write_directory(files, output or ""):
        click.echo(f"  {path}")
    click.echo(f"Serialized {_count(files)} into {output}")


@click.command()
@_common
@click.option("--output", "-o", "output", type=click.Path(), default="flyte-package.tgz",
              show_default=True, help="Package file to write.")
def package(
    targets: tuple[str, ...],
    image: str | None,
    version: str | None,
    project: str,
    domain: str,
    env: tuple[str, ...],
    python_interpreter: str | None,
    output: str,
) -> None:
    """Write a .tgz of the tasks, workflows and launch plans in TARGETS for
    `flytectl register files --archive`."""
    from featherkit.packaging import write_package

    settings = _settings(image, version, project, domain, env, python_interpreter)
    files = _files(targets, settings, "pb")
    for file in files:
        click.echo(f"  {file.name}")
    path = write_package(files, output)
    click.echo(f"Packaged {_count(files)} into {path}")
