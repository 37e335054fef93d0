"""flytekit's top-level names that featherkit's plugins provide resolve from ``featherkit``
when the plugin is installed, so a project moves over by rewriting ``flytekit`` imports."""

from __future__ import annotations

import importlib

import pytest

import featherkit


@pytest.mark.parametrize(
    ("name", "module"),
    [
        ("StructuredDataset", "featherkit_dataframe"),
        ("ImageSpec", "featherkit_imagespec"),
        ("ContainerTask", "featherkit_container"),
        ("PodTemplate", "featherkit_pod"),
        ("Deck", "featherkit_deck"),
    ],
)
def test_the_name_is_the_plugins_class(name: str, module: str) -> None:
    assert getattr(featherkit, name) is getattr(importlib.import_module(module), name)
