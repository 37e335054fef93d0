"""Fixtures of the pod plugin's tests: serialization settings, and a
resolver that locates tasks by name so tests may define tasks inside test functions."""

from __future__ import annotations

import pytest

IMAGE = "ghcr.io/acme/app:v1"


class NameResolver:
    """Loader args carry the task's name; enough for serialization tests."""

    location = "tests.name_resolver"
    name = "name"

    def load_task(self, loader_args: list[str]):
        raise LookupError(f"not loadable in tests: {loader_args}")

    def loader_args(self, settings, task) -> list[str]:
        return ["task-name", task.name]

    def get_all_tasks(self) -> list:
        return []

    def task_name(self, task) -> str | None:
        return task.name


@pytest.fixture
def resolver() -> NameResolver:
    return NameResolver()


@pytest.fixture
def settings():
    from featherkit import SerializationSettings

    return SerializationSettings(image=IMAGE, version="v1", project="p", domain="d",
                                 env={"FROM_SETTINGS": "1"})
