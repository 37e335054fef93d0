"""pytest fixtures for a real S3-compatible server on loopback (moto's standalone server).

Import them into a ``conftest.py`` (``from featherkit_fsspec.pytest_fixtures import s3_server,
s3, bucket``). Needs the package's ``test`` extra (pytest, s3fs, moto[server]).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from featherkit_fsspec.testing import S3Server, moto_s3_server

__all__ = ["bucket", "s3", "s3_server"]


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """One server for the whole test session, stopped at its end."""
    with moto_s3_server() as server:
        yield server


@pytest.fixture
def s3(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> S3Server:
    """The server, with this process's environment pointing at it (as a pod's would)."""
    for key, value in s3_server.env.items():
        monkeypatch.setenv(key, value)
    return s3_server


@pytest.fixture
def bucket(s3: S3Server) -> str:
    """A fresh bucket per test, so tests never see each other's objects."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(name)
    return name
