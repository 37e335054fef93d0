"""Fixtures: a real S3-compatible server (moto, on loopback) for the whole session."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from featherkit_fsspec.testing import S3Server, moto_s3_server

os.environ.setdefault("FEATHERKIT_STRICT_PLUGINS", "1")


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
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
    """A fresh bucket, so tests never see each other's objects."""
    name = f"flyte-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(name)
    return name
