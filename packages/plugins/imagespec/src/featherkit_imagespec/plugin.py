"""featherkit-imagespec's hook implementations (entry point ``imagespec``).

* ``resolve_image`` (core): the image name of an :class:`ImageSpec` given as a task's
  ``container_image``, and of a ``.yaml``/``.yml`` spec file given as ``--image``;
* ``register_commands`` (core): ``featherkit build``;
* ``register_image_builders`` (declared here, :mod:`featherkit_imagespec.hookspecs`): the
  docker, podman and buildah builders.

Importing this module loads no YAML parser and runs no program.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from featherkit.extend import hookimpl
from featherkit_imagespec import hookspecs as featherkit_hookspecs

if TYPE_CHECKING:
    import click

    from featherkit.extend import SerializationSettings

__all__ = ["featherkit_hookspecs", "register_commands", "register_image_builders",
           "resolve_image"]


@hookimpl
def resolve_image(image: Any, settings: SerializationSettings | None) -> str | None:
    from featherkit_imagespec.spec import ImageSpec

    if isinstance(image, ImageSpec):
        source_root = settings.source_root if settings is not None else None
        return image.for_source_root(source_root).image_name()
    if (
        isinstance(image, str)
        and image.lower().endswith((".yaml", ".yml"))
        and os.path.isfile(image)
    ):
        return ImageSpec.from_file(image).image_name()
    return None


@hookimpl
def register_commands(cli: click.Group) -> None:
    from featherkit_imagespec.command import build

    cli.add_command(build)


@hookimpl
def register_image_builders(register: Callable[[Any], None]) -> None:
    from featherkit_imagespec.builders import BUILTIN_BUILDERS

    for builder in BUILTIN_BUILDERS:
        register(builder)
