"""A real S3-compatible server on loopback for tests: moto's standalone server.

::

    from featherkit_fsspec.testing import moto_s3_server

    with moto_s3_server() as s3:
        s3.create_bucket("flyte")
        run = run_in_pod(task, tmp_path, inputs, env=s3.env, output_prefix="s3://flyte/out")

Needs ``moto[server]`` (``pip install featherkit-fsspec[test]``). The server binds a free
port on 127.0.0.1 only, runs as a subprocess, and is stopped when the block ends.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

HOST = "127.0.0.1"


@dataclass(frozen=True)
class S3Server:
    """A running server: its endpoint, and the environment that points clients at it."""

    endpoint: str

    @property
    def env(self) -> dict[str, str]:
        """Variables for a pod (or this process): the ``FLYTE_AWS_*`` a Flyte deployment
        sets, fake credentials, and no instance-metadata lookups."""
        return {
            "FLYTE_AWS_ENDPOINT": self.endpoint,
            "FLYTE_AWS_ACCESS_KEY_ID": "testing",
            "FLYTE_AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def filesystem(self) -> Any:
        """An ``s3fs.S3FileSystem`` talking to this server."""
        import s3fs

        return s3fs.S3FileSystem(
            key="testing", secret="testing", client_kwargs={"endpoint_url": self.endpoint},
            skip_instance_cache=True,
        )

    def create_bucket(self, name: str) -> None:
        self.filesystem().mkdir(name)


class _Exited(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_listening(
    port: int, proc: subprocess.Popen[bytes], log: str, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            with open(log, encoding="utf-8", errors="replace") as fh:
                raise _Exited(f"moto server exited with {proc.returncode}:\n{fh.read()}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"moto server did not listen on {HOST}:{port} within {timeout} s")


def _start(log_file: Any, timeout: float, log: str) -> tuple[subprocess.Popen[bytes], int]:
    """Start the server on a free port; another process may grab the port between our probe
    and moto's bind, so a server that exits at once is started again on another port."""
    env = {**os.environ, "AWS_EC2_METADATA_DISABLED": "true"}
    for attempt in range(3):
        port = _free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(port)],
            stdout=log_file, stderr=subprocess.STDOUT, env=env,
        )
        try:
            _wait_until_listening(port, proc, log, timeout)
            return proc, port
        except _Exited:
            if attempt == 2:
                raise
        except BaseException:
            _stop(proc)
            raise
    raise AssertionError("unreachable")  # pragma: no cover


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@contextmanager
def moto_s3_server(timeout: float = 60) -> Iterator[S3Server]:
    """Start ``python -m moto.server`` on a free loopback port; stop it afterwards."""
    try:
        import moto.server  # noqa: F401
    except ImportError as exc:
        raise RuntimeError(
            "the S3 test server needs moto[server]: pip install 'featherkit-fsspec[test]'"
        ) from exc
    fd, log = tempfile.mkstemp(prefix="moto-", suffix=".log")
    try:
        with os.fdopen(fd, "wb") as log_file:
            proc, port = _start(log_file, timeout, log)
        try:
            yield S3Server(endpoint=f"http://{HOST}:{port}")
        finally:
            _stop(proc)
    finally:
        os.unlink(log)
