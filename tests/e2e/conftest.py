"""End-to-end fixtures: a real S3-compatible server (moto's standalone server) on loopback.

The server starts once per session on a free 127.0.0.1 port and stops afterwards; pods and
this process reach it through the ``FLYTE_AWS_*`` variables a Flyte deployment sets. Needs
featherkit-fsspec with its test extra (the ``tests`` session installs it).
"""

from __future__ import annotations

from featherkit_fsspec.pytest_fixtures import bucket, s3, s3_server

__all__ = ["bucket", "s3", "s3_server"]
