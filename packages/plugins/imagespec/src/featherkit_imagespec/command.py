"""``featherkit build``: build the images of the ImageSpecs the tasks in some files use.

For every task found in the targets (:func:`featherkit.discovery.discover`, as ``serialize``
finds them) whose ``container_image`` is an :class:`ImageSpec`, the spec is built once (a base
image that is itself a spec first). An image that exists already is skipped. Specs used by
Python tasks (anything but a ``raw-container`` task) get featherkit and the installed
featherkit plugins added to their Python packages, pinned to the versions installed here, so
the container can run the tasks; specs used only by raw containers get exactly what they say.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import click

from featherkit_imagespec.spec import ImageSpec, ImageSpecError

RAW_CONTAINER = "raw-container"


def runtime_packages() -> list[str]:
    """featherkit and every installed featherkit plugin distribution, pinned."""
    from importlib.metadata import version

    from featherkit.extend import get_plugin_manager

    found = {"featherkit": version("featherkit")}
    for info in get_plugin_manager().report.infos.values():
        if info.builtin or info.distribution.startswith("("):
            continue
        found.setdefault(info.distribution, info.version)
    return [f"{name}=={found[name]}" for name in sorted(found)]


def specs_of(tasks: Iterable[Any]) -> dict[str, tuple[ImageSpec, bool]]:
    """``image name -> (spec, needs featherkit)`` for the tasks' specs, bases first."""
    found: dict[str, tuple[ImageSpec, bool]] = {}

    def add(spec: ImageSpec, python: bool) -> None:
        if isinstance(spec.base_image, ImageSpec):
            add(spec.base_image, False)
        name = spec.image_name()
        previous = found.get(name)
        found[name] = (spec, python or (previous is not None and previous[1]))

    for task in tasks:
        image = getattr(task, "container_image", None)
        if isinstance(image, ImageSpec):
            add(image, getattr(task, "task_type", "") != RAW_CONTAINER)
    return found


def build_images(
    specs: dict[str, tuple[ImageSpec, bool]],
    *,
    builder_name: str | None = None,
    force: bool = False,
    echo: Callable[[str], None] = click.echo,
) -> list[str]:
    """Build ``specs`` (as :func:`specs_of` returns them); returns the names built."""
    from featherkit_imagespec.builders import choose_builder
    from featherkit_imagespec.dockerfile import prepare_context

    built: list[str] = []
    total = len(specs)
    extras: Sequence[str] = ()
    extras_known = False
    for index, (name, (spec, python)) in enumerate(specs.items(), start=1):
        builder = choose_builder(builder_name or spec.builder)
        assert builder is not None
        step = f"[{index}/{total}]"
        remote = spec.registry is not None
        exists = None if force else builder.exists(name, remote=remote)
        if exists:
            echo(f"{step} {name} exists; skipped")
            continue
        if exists is None and not force:
            echo(f"{step} {name}: {builder.name} cannot tell whether it exists; building")
        else:
            echo(f"{step} building {name} with {builder.name}")
        if python and not extras_known:
            extras, extras_known = runtime_packages(), True
        args = (spec.builder_options or {}).get("args", [])
        if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
            raise ImageSpecError(
                f"ImageSpec {spec.name!r}: builder_options['args'] must be a list of strings"
            )
        with tempfile.TemporaryDirectory(prefix="featherkit-build-") as tmp:
            context = prepare_context(spec, Path(tmp), extras if python else ())
            builder.build(
                context, name, platform=spec.platform, push=remote, extra_args=args, echo=echo
            )
        built.append(name)
        echo(f"{step} built {name}")
    return built


@click.command()
@click.argument("targets", nargs=-1, type=click.Path())
@click.option("--builder", "builder_name", default=None,
              help="Builder to use (docker, podman, buildah, or one a plugin registers); "
                   "default: the spec's, else the first available.")
@click.option("--force", is_flag=True, help="Build even when the image exists.")
@click.option("--dockerfile", "show", is_flag=True,
              help="Print each image's name and Dockerfile instead of building.")
def build(targets: tuple[str, ...], builder_name: str | None, force: bool, show: bool) -> None:
    """Build the images of the ImageSpecs used by the tasks in TARGETS."""
    from featherkit.extend import FeatherkitUserError, discover
    from featherkit_imagespec.dockerfile import dockerfile

    if not targets:
        raise click.UsageError("name at least one file, directory or module with tasks")
    try:
        specs = specs_of(found.task for found in discover(targets))
        if not specs:
            click.echo(f"no task in {', '.join(targets)} uses an ImageSpec; nothing to build")
            return
        if show:
            extras = runtime_packages() if any(p for _, p in specs.values()) else []
            for name, (spec, python) in specs.items():
                click.echo(f"# {name}")
                click.echo(dockerfile(spec, extras if python else ()))
            return
        built = build_images(specs, builder_name=builder_name, force=force)
    except FeatherkitUserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{len(built)} image(s) built, {len(specs) - len(built)} already there")
