"""End-to-end fixtures: a real S3-compatible server (moto's standalone server) on loopback.

The server starts once per session on a free 127.0.0.1 port and stops afterwards; pods and
this process reach it through the ``FLYTE_AWS_*`` variables a Flyte deployment sets. Needs
featherkit-fsspec with its test extra (the ``tests`` session installs it).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from featherkit_fsspec.testing import S3Server, moto_s3_server


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
    """A fresh bucket per test."""
    name = f"e2e-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(name)
    return name
