"""Image names from ``container_image`` values: a string is a name, anything else is asked of
the plugins' ``resolve_image`` hook (featherkit-imagespec answers for its ``ImageSpec``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from featherkit.errors import FeatherkitUserError
from featherkit.install_hints import install_hint

if TYPE_CHECKING:
    from featherkit.serialization import SerializationSettings


def _ask(image: Any, settings: SerializationSettings | None) -> str | None:
    from featherkit.plugins import hooks

    return hooks().resolve_image(image, settings)


def image_name(image: Any, settings: SerializationSettings | None, *, what: str) -> str:
    """The image name for ``image``: a non-empty string is returned as it is; any other value
    must be claimed by a plugin, else a :class:`FeatherkitUserError` names ``what``."""
    if isinstance(image, str):
        if not image.strip():
            raise FeatherkitUserError(f"{what}: the image name is empty")
        return image
    answer = _ask(image, settings)
    if answer is None:
        raise FeatherkitUserError(
            f"{what}: {type(image).__name__} is not an image this installation knows; give an "
            "image name (a string) or install the plugin for it"
            + (f" (pip install {hint})" if (hint := install_hint("image", type(image).__name__))
               else "")
        )
    if not isinstance(answer, str) or not answer.strip():
        raise FeatherkitUserError(
            f"{what}: the plugin resolving {type(image).__name__} returned {answer!r}, "
            "not an image name"
        )
    return answer


def cli_image(value: str) -> str:
    """The image of ``--image``: a value a plugin recognises (an image spec file), else the
    string itself."""
    answer = _ask(value, None)
    return value if answer is None else str(answer)
