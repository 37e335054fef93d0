"""featherkit-imagespec: declare the image a task runs in, name it as flytekit does, build it.

``@task(container_image=ImageSpec(...))`` serializes the task with the spec's image name
(``[registry/]name:tag``, the tag derived from the spec's content exactly as flytekit 1.16
derives it); ``featherkit build FILE`` builds every spec FILE's tasks use with docker, podman
or buildah. See ``docs/images.md``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "ImageSpec": "featherkit_imagespec.spec",
    "ImageSpecError": "featherkit_imagespec.spec",
    "CopyFileDetection": "featherkit_imagespec.spec",
    "ImageBuilder": "featherkit_imagespec.builders",
    "ImageBuildError": "featherkit_imagespec.builders",
    "CLIBuilder": "featherkit_imagespec.builders",
    "dockerfile": "featherkit_imagespec.dockerfile",
    "build_images": "featherkit_imagespec.command",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'featherkit_imagespec' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:
    from featherkit_imagespec.builders import CLIBuilder, ImageBuilder, ImageBuildError
    from featherkit_imagespec.command import build_images
    from featherkit_imagespec.dockerfile import dockerfile
    from featherkit_imagespec.spec import CopyFileDetection, ImageSpec, ImageSpecError
