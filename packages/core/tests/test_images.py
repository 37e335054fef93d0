"""container_image values: names as they are, anything else named by a resolve_image plugin."""

from __future__ import annotations

from typing import Any

import pytest

from featherkit import task
from featherkit.errors import FeatherkitUserError
from featherkit.hookspecs import hookimpl
from featherkit.images import cli_image, image_name
from featherkit.plugins import registered
from featherkit.serialization import SerializationSettings, serialize

SETTINGS = SerializationSettings(image="ghcr.io/acme/default:1", version="v1",
                                 source_root="/src")


class Recipe:
    """An image described by content, as an image plugin would define one."""

    def __init__(self, name: str) -> None:
        self.name = name


class RecipePlugin:
    seen: list[Any] = []

    @staticmethod
    @hookimpl
    def resolve_image(image: Any, settings: SerializationSettings | None) -> str | None:
        RecipePlugin.seen.append(settings)
        if isinstance(image, Recipe):
            return f"registry.local/{image.name}:{settings.source_root if settings else '-'}"
        if image == "recipe.file":
            return "registry.local/from-file:1"
        return None


@task(container_image=Recipe("app"))
def uses_recipe(a: int) -> int:
    return a


@task(container_image="ghcr.io/acme/own:2")
def uses_name(a: int) -> int:
    return a


@task
def uses_default(a: int) -> int:
    return a


def test_names_are_used_as_they_are() -> None:
    assert serialize(uses_name, SETTINGS).container.image == "ghcr.io/acme/own:2"
    assert serialize(uses_default, SETTINGS).container.image == "ghcr.io/acme/default:1"


def test_a_plugin_names_other_values_with_the_settings() -> None:
    with registered(RecipePlugin, "recipes"):
        assert serialize(uses_recipe, SETTINGS).container.image == "registry.local/app:/src"
        assert image_name(Recipe("x"), None, what="w") == "registry.local/x:-"


def test_without_a_plugin_the_task_is_named() -> None:
    with pytest.raises(FeatherkitUserError, match=r"task '.*uses_recipe': container_image: "
                                                  r"Recipe is not an image"):
        serialize(uses_recipe, SETTINGS)
    with pytest.raises(FeatherkitUserError, match="image name is empty"):
        image_name(" ", None, what="task 't'")


def test_cli_image_asks_plugins_then_keeps_the_string() -> None:
    assert cli_image("ghcr.io/acme/app:1") == "ghcr.io/acme/app:1"
    with registered(RecipePlugin, "recipes"):
        assert cli_image("recipe.file") == "registry.local/from-file:1"
        assert cli_image("ghcr.io/acme/app:1") == "ghcr.io/acme/app:1"


def test_a_plugin_answering_nonsense_is_named() -> None:
    class Bad:
        @staticmethod
        @hookimpl
        def resolve_image(image: Any, settings: Any) -> Any:
            return "" if isinstance(image, Recipe) else None

    with registered(Bad, "bad"), pytest.raises(FeatherkitUserError, match="not an image name"):
        image_name(Recipe("x"), None, what="task 't'")
