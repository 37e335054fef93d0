"""The Redis backend against a real redis-server: conformance suite, selection, outages."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import time
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from featherkit_cache_redis import RedisCache
from featherkit_cache_redis.plugin import factory

from featherkit import task
from featherkit.extend import CacheWarning, current_backend, hooks
from featherkit.testing import CacheBackendSuite, suite_entry, suite_key


class TestRedisConformance(CacheBackendSuite):
    lock_expiry_seconds = 1.0

    @pytest.fixture
    def cache_backend(self, redis_server) -> Iterator[RedisCache]:
        backend = RedisCache(
            f"{redis_server.url}/0?prefix=fk-test:{uuid.uuid4().hex}:&lock_ttl=1"
        )
        yield backend
        backend.clear()
        leftovers = list(backend.client.scan_iter(match=backend.prefix + "*"))
        assert leftovers == [], f"keys left behind: {leftovers}"


@pytest.fixture
def backend(redis_server) -> Iterator[RedisCache]:
    cache = RedisCache(f"{redis_server.url}/1", prefix=f"fk-{uuid.uuid4().hex}:", lock_ttl=1)
    yield cache
    cache.clear()


def test_registered_under_redis_and_rediss():
    backends = hooks().cache_backends()
    assert backends["redis"] is factory
    assert backends["rediss"] is factory


def test_url_options_are_taken_out_of_the_url(redis_server):
    cache = factory(f"{redis_server.url}/2?prefix=team-a:&lock_ttl=4.5&socket_timeout=3")
    assert (cache.prefix, cache.lock_ttl) == ("team-a:", 4.5)
    assert cache.client.connection_pool.connection_kwargs["db"] == 2
    assert cache.client.connection_pool.connection_kwargs["socket_timeout"] == 3.0
    assert factory("").url == "redis://127.0.0.1:6379/0"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("redis://h/0?lock_ttl=soon", "lock_ttl"),
        ("redis://h/0?lock_ttl=0", "lock_ttl"),
        ("redis://h/0?decode_responses=true", "stores bytes"),
    ],
)
def test_bad_options_are_refused(url: str, message: str):
    with pytest.raises(ValueError, match=message):
        RedisCache(url)


def test_password_is_not_shown():
    assert repr(RedisCache("redis://alice:s3cret@db.internal:6379/0")) == (
        "redis cache at redis://alice:***@db.internal:6379/0"
    )


def test_pickles_to_an_equivalent_backend(backend: RedisCache):
    backend.put(suite_entry(suite_key("p")), b"v")
    clone = pickle.loads(pickle.dumps(backend))
    assert (clone.url, clone.prefix, clone.lock_ttl) == (backend.url, backend.prefix, 1.0)
    assert clone.get(suite_key("p")) == b"v"


def test_prefixes_keep_caches_apart(redis_server, backend: RedisCache):
    other = RedisCache(f"{redis_server.url}/1", prefix=f"{backend.prefix}other:")
    backend.put(suite_entry(suite_key("mine")), b"mine")
    assert other.list() == []
    assert other.clear() == 0
    assert backend.get(suite_key("mine")) == b"mine"


def test_lock_is_renewed_while_the_body_runs(backend: RedisCache):
    # lock_ttl is 1 s; hold it for 2.5 s: renewal must keep every other caller out
    key = suite_key("renewed")
    taken = threading.Event()

    def contender() -> None:
        with backend.lock(key):
            taken.set()

    with backend.lock(key):
        thread = threading.Thread(target=contender, daemon=True)
        thread.start()
        time.sleep(2.5)
        assert not taken.is_set()
    thread.join(10)
    assert taken.is_set()
    assert backend.client.get(f"{backend.prefix}lock:{key}") is None


def test_release_never_removes_someone_elses_lock(backend: RedisCache):
    key = suite_key("stolen")
    name = f"{backend.prefix}lock:{key}"
    with backend.lock(key):
        # as if our lock expired and another caller took it
        backend.client.set(name, "another-token")
    assert backend.client.get(name) == b"another-token"
    backend.client.delete(name)


# --- through tasks ---------------------------------------------------------------------------

RUNS: list[int] = []


@task(cache=True, cache_version="1")
def triple(n: int) -> int:
    RUNS.append(n)
    return 3 * n


@pytest.fixture
def redis_env(redis_server, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    prefix = f"fk-{uuid.uuid4().hex}:"
    url = f"{redis_server.url}/3?prefix={prefix}"
    monkeypatch.setenv("FEATHERKIT_CACHE", url)
    RUNS.clear()
    yield url
    RedisCache(url).clear()


def test_task_calls_hit_through_redis(redis_env: str):
    assert triple(n=2) == 6
    assert triple(n=2) == 6
    assert RUNS == [2]
    backend = current_backend()
    assert isinstance(backend, RedisCache)
    (entry,) = backend.list("test_redis_cache.triple")
    assert entry.components["previews"] == {"n": "2"}


def test_hits_are_shared_between_processes(redis_env: str, tmp_path: Path):
    marker = tmp_path / "ran"
    module = tmp_path / "sharedtasks.py"
    module.write_text(
        "from featherkit import task\n\n"
        "@task(cache=True, cache_version='1')\n"
        "def shout(word: str) -> str:\n"
        f"    open({str(marker)!r}, 'a').write('x')\n"
        "    return word.upper()\n"
    )
    env = {**os.environ, "FEATHERKIT_CACHE": redis_env}
    outputs = [
        subprocess.run(
            [sys.executable, "-m", "featherkit.cli", "run", str(module), "shout", "--word", "hi"],
            capture_output=True, text=True, timeout=120, env=env,
        )
        for _ in range(2)
    ]
    assert [o.returncode for o in outputs] == [0, 0], [o.stderr for o in outputs]
    assert [o.stdout.strip() for o in outputs] == ["'HI'", "'HI'"]
    assert marker.read_text() == "x"
    listing = subprocess.run(
        [sys.executable, "-m", "featherkit.cli", "cache", "--backend", redis_env, "list"],
        capture_output=True, text=True, timeout=120, env=env,
    )
    assert "sharedtasks.shout" in listing.stdout
    assert "word='hi'" in listing.stdout


def test_redis_down_runs_uncached_with_one_warning(
    monkeypatch: pytest.MonkeyPatch, unused_port: int
):
    monkeypatch.setenv("FEATHERKIT_CACHE", f"redis://127.0.0.1:{unused_port}/0")
    RUNS.clear()
    for _ in range(2):
        with pytest.warns(CacheWarning) as caught:
            assert triple(n=5) == 15
        assert len(caught) == 1
        assert "running it uncached" in str(caught[0].message)
    assert RUNS == [5, 5]


def test_server_going_away_loses_nothing(own_redis_server, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("FEATHERKIT_CACHE", f"{own_redis_server.url}/0")
    RUNS.clear()
    assert triple(n=7) == 21
    assert triple(n=7) == 21
    own_redis_server.stop()
    with pytest.warns(CacheWarning, match="ConnectionError"):
        assert triple(n=7) == 21
    assert RUNS == [7, 7]
    # and it comes back: the cache is used again once the server is there
    own_redis_server.start()
    monkeypatch.setenv("FEATHERKIT_CACHE", f"{own_redis_server.url}/0")
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheWarning)
        assert triple(n=7) == 21
        assert triple(n=7) == 21
    assert RUNS == [7, 7, 7]


def test_errors_from_redis_are_redis_errors(unused_port: int):
    cache = RedisCache(f"redis://127.0.0.1:{unused_port}/0")
    with pytest.raises(redis.ConnectionError):
        cache.get(suite_key("k"))


_SERVERS: list = []


@task(cache=True, cache_version="1", cache_serialize=True)
def stops_redis(n: int) -> int:
    RUNS.append(n)
    _SERVERS[0].stop()  # Redis goes away while the body runs, the lock held
    time.sleep(0.5)  # long enough for the lock's renewal (every lock_ttl / 3) to fail too
    return 3 * n


def test_an_outage_during_a_serialized_call_gives_one_warning(
    own_redis_server, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    monkeypatch.setenv("FEATHERKIT_CACHE", f"{own_redis_server.url}/0?lock_ttl=0.3")
    monkeypatch.setattr(sys.modules[__name__], "_SERVERS", [own_redis_server])
    RUNS.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert stops_redis(n=4) == 12
    cache_warnings = [str(w.message) for w in caught if w.category is CacheWarning]
    logged = [r.getMessage() for r in caplog.records if r.levelname in ("WARNING", "ERROR")]
    assert len(cache_warnings) + len(logged) == 1, (cache_warnings, logged)
    assert RUNS == [4]
