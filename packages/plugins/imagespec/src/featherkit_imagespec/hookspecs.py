"""The hook featherkit-imagespec declares for image builder plugins.

It lives here, not in core's ``featherkit.hookspecs``: only this plugin calls it and only
builder plugins implement it, and its subject (an :class:`ImageSpec` build context) is this
package's type. Core never builds images, so a core hookspec would be an API core-only
installations cannot use. The plugin module exposes this module as ``featherkit_hookspecs``,
which core's plugin manager adds before registering the plugin.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from featherkit.extend import hookspec


@hookspec
def register_image_builders(register: Callable[[Any], None]) -> None:
    """Register image builders: ``register(builder)``.

    Register callback. ``builder`` follows :class:`featherkit_imagespec.ImageBuilder`
    (``name``, ``available()``, ``exists(image, remote=...)``, ``build(context, image,
    platform=..., push=..., extra_args=..., echo=...)``). Two builders with one name is an
    error naming both plugins. ``featherkit build`` uses the first available builder, other
    plugins' before featherkit-imagespec's own (``docker``, ``podman``, ``buildah``), unless
    one is named. Hook wrappers are not supported.
    """
