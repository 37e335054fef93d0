"""Fixtures: a real S3-compatible server (moto, on loopback) for the whole session."""

from __future__ import annotations

from featherkit_fsspec.pytest_fixtures import bucket, s3, s3_server

__all__ = ["bucket", "s3", "s3_server"]
