"""A real podman for the containers under test, confined to pytest's tmp directory
(:func:`featherkit.testing.sandboxed_podman`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from featherkit.testing import BASE_IMAGE, sandboxed_podman


@pytest.fixture(scope="session")
def podman(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with sandboxed_podman(tmp_path_factory.mktemp("podman")) as image:
        assert image == BASE_IMAGE
        yield image
