"""No secret in any message: every message and log line that shows a location is redacted.

One password is planted in every kind of location featherkit and its plugins print (cache
URLs, storage URIs, SQL database URIs, Redis URLs, the entrypoint's output prefix) and each
resulting error, warning, CLI output, error document and log record is searched for it.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from featherkit import task
from featherkit.cache import CacheWarning, backend_for, cache_options
from featherkit.cli import cli
from featherkit.entrypoint import Options, execute
from featherkit.errors import FeatherkitUserError
from featherkit.storage import storage_for

PASSWORD = "Hunter2Secret"


@pytest.fixture(autouse=True)
def every_log_record(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Whatever a test does, no log record (any logger, any level) holds the password."""
    caplog.set_level(logging.DEBUG)
    yield
    leaked = [r.getMessage() for r in caplog.records if PASSWORD in r.getMessage()]
    assert not leaked, leaked


def _message_of(action: Callable[[], object]) -> str:
    """The error an action raises, plus every warning it gives, as one text."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            action()
        except Exception as exc:
            text = f"{type(exc).__name__}: {exc}"
        else:
            text = ""
    return "\n".join([text, *(str(w.message) for w in caught)])


def _clean(text: str) -> str:
    assert text.strip(), "expected a message"
    assert PASSWORD not in text, text
    return text


def test_unknown_cache_backend_url():
    def select() -> object:
        with cache_options(backend=f"rediss+x://alice:{PASSWORD}@db.internal:6380/0") as s:
            return backend_for(s)

    text = _clean(_message_of(select))
    assert "no cache backend named 'rediss+x'" in text
    assert "alice:***@db.internal" in text


def test_cache_backend_rejecting_its_location():
    def select() -> object:
        url = f"redis://alice:{PASSWORD}@db.internal:6379/0?lock_ttl=soon"
        with cache_options(backend=url) as s:
            return backend_for(s)

    text = _clean(_message_of(select))
    assert "rejected its location" in text


def test_redis_outage_warning(unused_loopback_port: int):
    @task(cache=True, cache_version="1")
    def double(x: int) -> int:
        return 2 * x

    def call() -> object:
        url = f"redis://alice:{PASSWORD}@127.0.0.1:{unused_loopback_port}/0"
        with cache_options(backend=url):
            return double(x=2)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert call() == 4
    text = _clean("\n".join(str(w.message) for w in caught if w.category is CacheWarning))
    assert "alice:***@127.0.0.1" in text


def test_cache_cli(unused_loopback_port: int):
    url = f"redis://alice:{PASSWORD}@127.0.0.1:{unused_loopback_port}/0"
    for args in (["cache", "--backend", url, "list"], ["cache", "--backend", url, "clear"],
                 ["cache", "--backend", f"nope://bob:{PASSWORD}@h/0", "list"]):
        result = CliRunner().invoke(cli, args)
        _clean(result.output + str(result.exception or ""))


def test_storage_uri_messages():
    uri = f"nosuchscheme://alice:{PASSWORD}@bucket.example/key"

    def use() -> object:
        return storage_for(uri).read_bytes(uri)

    text = _clean(_message_of(use))
    assert "alice:***@bucket.example" in text


def test_presigned_query_secret():
    uri = f"nosuchscheme://bucket/key?X-Amz-Signature={PASSWORD}&x=1"
    _clean(_message_of(lambda: storage_for(uri).read_bytes(uri)))


def test_sql_database_uri_messages():
    from featherkit_sql.database import database_file

    for uri in (f"nosuchscheme://alice:{PASSWORD}@db.example/x.sqlite",
                f"file://alice:{PASSWORD}@/no/such/database.sqlite"):
        def open_it(uri: str = uri) -> object:
            with database_file(uri, compressed=False, task_name="t"):
                return None

        _clean(_message_of(open_it))


def test_entrypoint_output_prefix_on_stderr(tmp_path: Path):
    prefix = f"nosuchscheme://alice:{PASSWORD}@bucket/out"
    result = subprocess.run(
        [sys.executable, "-m", "featherkit.entrypoint", "--output-prefix", prefix,
         "--resolver", "featherkit.resolvers.module", "--", "task-module", "x", "task-name", "y"],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )
    assert result.returncode == 2, result.stderr
    _clean(result.stderr)


def test_error_document_of_a_failing_load(tmp_path: Path):
    from featherkit.resolvers import ResolverError

    outcome = execute(Options(
        output_prefix=str(tmp_path / "out"),
        resolver=f"redis://alice:{PASSWORD}@resolver.example",
        loader_args=["anything"],
    ))
    assert outcome.report is not None
    assert ResolverError.__name__ in outcome.report.code or outcome.report.message
    _clean(outcome.report.message)


def test_plugin_api_exposes_the_helper():
    from featherkit.extend import redact_location, redact_text

    assert redact_location(f"s3://k:{PASSWORD}@b/x") == "s3://k:***@b/x"
    assert PASSWORD not in redact_text(f"see postgresql://u:{PASSWORD}@h/db for details")


def test_the_entrypoint_refuses_an_unserved_prefix_without_leaking(tmp_path: Path):
    with pytest.raises(FeatherkitUserError) as info:
        storage_for(f"nosuchscheme://alice:{PASSWORD}@b/x").exists(
            f"nosuchscheme://alice:{PASSWORD}@b/x"
        )
    _clean(str(info.value))


@pytest.fixture
def unused_loopback_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_pickle_and_listing_messages():
    from featherkit import storage
    from featherkit.types.pickle import PickleTransformer

    uri = f"s3x://alice:{PASSWORD}@bucket/pickles/abc"
    _clean(_message_of(lambda: PickleTransformer().load(uri)))
    _clean(_message_of(lambda: storage.list_files(uri)))
