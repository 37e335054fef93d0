"""Fixtures: a real S3-compatible server (moto, on loopback) for the whole session."""

from __future__ import annotations

import os

from featherkit_fsspec.pytest_fixtures import bucket, s3, s3_server

os.environ.setdefault("FEATHERKIT_STRICT_PLUGINS", "1")

__all__ = ["bucket", "s3", "s3_server"]


def pytest_configure(config):
    """Temporary files under pytest's paths, and a run that leaves any in /tmp fails."""
    from featherkit.testing.leftovers import enable

    enable(config)
