"""Cached task calls: hits, misses, switches, backend selection and every failure rule."""

from __future__ import annotations

import asyncio
import multiprocessing
import sqlite3
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import pytest

from featherkit import IgnoreOutputs, hookimpl, task
from featherkit.cache import (
    CacheEntry,
    CacheWarning,
    SQLiteCache,
    cache_key,
    cache_options,
    current_backend,
    current_settings,
)
from featherkit.errors import FeatherkitUserError
from featherkit.testing import registered

RUNS: list[str] = []


@pytest.fixture(autouse=True)
def isolated_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    for name in ("FEATHERKIT_CACHE", "FEATHERKIT_CACHE_OVERWRITE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FEATHERKIT_CACHE_DIR", str(tmp_path / "cache"))
    RUNS.clear()
    return tmp_path / "cache"


@task(cache=True, cache_version="1")
def square(n: int, offset: int = 0) -> int:
    RUNS.append("square")
    return n * n + offset


@task(cache=True, cache_version="1")
def cube(n: int, offset: int = 0) -> int:
    RUNS.append("cube")
    return n * n * n + offset


class Stats(NamedTuple):
    total: int
    names: list[str]


@task(cache=True, cache_version="2")
def stats(names: list[str]) -> Stats:
    RUNS.append("stats")
    return Stats(len(names), sorted(names))


@task(cache=True, cache_version="1")
def side_effect(n: int) -> None:
    RUNS.append("side_effect")


@task(cache=True, cache_version="1")
def fails(n: int) -> int:
    RUNS.append("fails")
    raise ValueError(f"bad n {n}")


@task(cache=True, cache_version="1")
def ignores(n: int) -> int:
    RUNS.append("ignores")
    raise IgnoreOutputs()


@task(cache=True, cache_version="1", cache_ignore_input_vars=("note",))
def annotated(n: int, note: str) -> int:
    RUNS.append("annotated")
    return n


@task(cache=True, cache_version="1", cache_serialize=True)
def slow_serialized(n: int) -> str:
    RUNS.append("slow_serialized")
    time.sleep(0.2)
    return f"value {n}"


@task(cache=True, cache_version="1")
async def async_double(n: int) -> int:
    RUNS.append("async_double")
    await asyncio.sleep(0)
    return 2 * n


def test_second_call_hits():
    assert square(n=3) == 9
    assert square(n=3) == 9
    assert RUNS == ["square"]
    assert square(n=4) == 16
    assert RUNS == ["square", "square"]


def test_omitted_default_hits_the_explicit_call():
    assert square(n=3) == 9
    assert square(n=3, offset=0) == 9
    assert RUNS == ["square"]


def test_tasks_do_not_share_entries():
    assert square(n=2) == 4
    assert cube(n=2) == 8
    assert RUNS == ["square", "cube"]


def test_several_outputs_and_no_outputs():
    assert stats(names=["b", "a"]) == Stats(2, ["a", "b"])
    assert stats(names=["b", "a"]) == Stats(2, ["a", "b"])
    assert side_effect(n=1) is None
    assert side_effect(n=1) is None
    assert RUNS == ["stats", "side_effect"]


def test_errors_are_never_cached():
    for _ in range(2):
        with pytest.raises(ValueError, match="bad n 1"):
            fails(n=1)
    assert RUNS == ["fails", "fails"]
    assert current_backend().list("test_cache_run.fails") == []  # type: ignore[union-attr]


def test_ignore_outputs_is_never_cached():
    assert ignores(n=1) is None
    assert ignores(n=1) is None
    assert RUNS == ["ignores", "ignores"]


def test_ignored_input_does_not_change_the_key():
    assert annotated(n=1, note="first") == 1
    assert annotated(n=1, note="second") == 1
    assert RUNS == ["annotated"]


def test_async_task_is_cached():
    assert async_double(n=4) == 8
    assert async_double(n=4) == 8

    async def inside_a_loop() -> int:
        return await async_double(n=4)

    assert asyncio.run(inside_a_loop()) == 8
    assert RUNS == ["async_double"]


def test_stored_entry_is_described(isolated_cache: Path):
    square(n=5, offset=1)
    (entry,) = SQLiteCache(isolated_cache).list()
    assert entry.task == square.name
    assert entry.version == "1"
    assert entry.key == cache_key(square, square.inputs_to_literals({"n": 5, "offset": 1}))
    assert entry.components["previews"] == {"n": "5", "offset": "1"}
    assert entry.components["interface_text"] == "(n: int, offset: int) -> (o0: int)"


# --- switches -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["off", "0", "false", "OFF", "none"])
def test_cache_off(monkeypatch: pytest.MonkeyPatch, value: str, isolated_cache: Path):
    monkeypatch.setenv("FEATHERKIT_CACHE", value)
    square(n=3)
    square(n=3)
    assert RUNS == ["square", "square"]
    assert not isolated_cache.exists()


def test_overwrite_runs_and_replaces(monkeypatch: pytest.MonkeyPatch):
    counter = iter(range(100))

    @task(cache=True, cache_version="1")
    def stamp(n: int) -> int:
        return next(counter)

    assert stamp(n=1) == 0
    monkeypatch.setenv("FEATHERKIT_CACHE_OVERWRITE", "1")
    assert stamp(n=1) == 1
    assert stamp(n=1) == 2
    monkeypatch.delenv("FEATHERKIT_CACHE_OVERWRITE")
    assert stamp(n=1) == 2


def test_cache_options_override_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("FEATHERKIT_CACHE", "off")
    with cache_options(enabled=True, location=str(tmp_path / "elsewhere")) as settings:
        assert settings.enabled
        square(n=3)
        square(n=3)
    assert RUNS == ["square"]
    assert (tmp_path / "elsewhere" / "cache.sqlite3").exists()
    with cache_options(backend="off"):
        square(n=3)
    assert RUNS == ["square", "square"]
    with cache_options(enabled=True, location=str(tmp_path / "elsewhere"), overwrite=True):
        square(n=3)
    assert RUNS == ["square", "square", "square"]
    assert not current_settings().enabled


@pytest.mark.parametrize(
    ("value", "backend", "location"),
    [
        ("", "sqlite", "/x"),
        ("on", "sqlite", "/x"),
        ("sqlite", "sqlite", "/x"),
        ("redis://h:6379/0", "redis", "redis://h:6379/0"),
        ("memory", "memory", "/x"),
    ],
)
def test_settings_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str, backend: str, location: str
):
    monkeypatch.setenv("FEATHERKIT_CACHE", value)
    monkeypatch.setenv("FEATHERKIT_CACHE_DIR", "/x")
    settings = current_settings()
    assert settings.enabled
    assert (settings.backend_name, settings.backend_location) == (backend, location)


def test_unknown_backend_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, fresh_plugins):
    # as if featherkit-cache-redis were not installed (it may be, in the all-packages session)
    monkeypatch.setenv("FEATHERKIT_PLUGINS", "")
    monkeypatch.setenv("FEATHERKIT_CACHE", "redis://localhost:6379/0")
    with pytest.raises(FeatherkitUserError, match="pip install featherkit-cache-redis"):
        square(n=3)
    monkeypatch.setenv("FEATHERKIT_CACHE", "memcache")
    with pytest.raises(FeatherkitUserError, match=r"no cache backend named 'memcache'.*sqlite"):
        square(n=3)


# --- plugin backends ------------------------------------------------------------------------


class MemoryCache:
    """A minimal backend for these tests; ``fail`` makes every operation raise."""

    def __init__(self, location: str) -> None:
        self.location = location
        self.values: dict[str, bytes] = {}
        self.entries: dict[str, CacheEntry] = {}
        self.fail: BaseException | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"memory cache {self.location!r}"

    def _check(self) -> None:
        if self.fail is not None:
            raise self.fail

    def get(self, key: str) -> bytes | None:
        self._check()
        return self.values.get(key)

    def put(self, entry: CacheEntry, value: bytes) -> None:
        self._check()
        self.values[entry.key] = value
        self.entries[entry.key] = entry

    def delete(self, key: str) -> bool:
        self._check()
        self.entries.pop(key, None)
        return self.values.pop(key, None) is not None

    def list(self, task: str | None = None) -> list[CacheEntry]:
        self._check()
        return [e for e in self.entries.values() if task is None or e.task == task]

    def clear(self, task: str | None = None) -> int:
        self._check()
        doomed = [e.key for e in self.list(task)]
        for key in doomed:
            self.delete(key)
        return len(doomed)

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        self._check()
        with self._lock:
            yield


class MemoryPlugin:
    def __init__(self) -> None:
        self.created: list[MemoryCache] = []

    @hookimpl
    def register_cache_backends(self, register):
        def factory(location: str) -> MemoryCache:
            backend = MemoryCache(location)
            self.created.append(backend)
            return backend

        register("memory", factory)


def test_plugin_backend_by_name_and_by_url(monkeypatch: pytest.MonkeyPatch):
    plugin = MemoryPlugin()
    with registered(plugin):
        monkeypatch.setenv("FEATHERKIT_CACHE", "memory")
        square(n=3)
        square(n=3)
        monkeypatch.setenv("FEATHERKIT_CACHE", "memory://team/shared")
        square(n=3)
    assert RUNS == ["square", "square"]
    assert [b.location for b in plugin.created] == [
        str(Path(current_settings().location)), "memory://team/shared"
    ]
    assert len(plugin.created[0].values) == 1


def test_installed_plugin_may_replace_the_builtin_sqlite(monkeypatch: pytest.MonkeyPatch):
    class Replacement(MemoryPlugin):
        @hookimpl
        def register_cache_backends(self, register):
            register("sqlite", lambda location: self.created.append(MemoryCache(location))
                     or self.created[-1])

    plugin = Replacement()
    with registered(plugin):
        square(n=3)
    assert len(plugin.created) == 1
    assert len(plugin.created[0].values) == 1


def test_a_backend_plugin_registered_between_calls_takes_effect():
    class Replacement(MemoryPlugin):
        @hookimpl
        def register_cache_backends(self, register):
            register("sqlite", lambda location: self.created.append(MemoryCache(location))
                     or self.created[-1])

    assert square(n=3) == 9
    assert square(n=3) == 9  # a hit in the builtin sqlite backend
    plugin = Replacement()
    with registered(plugin):
        assert square(n=3) == 9  # the replacement is used at once: empty, so a miss
        assert square(n=3) == 9
    assert RUNS == ["square", "square"]
    assert len(plugin.created) == 1 and len(plugin.created[0].values) == 1
    assert square(n=3) == 9  # unregistered: the sqlite entry again
    assert RUNS == ["square", "square"]


def test_a_new_plugin_manager_gets_its_own_backend(monkeypatch: pytest.MonkeyPatch):
    """A backend is kept per plugin generation; a manager made by reset_plugin_manager() must
    not find the backend an earlier manager made (generations never repeat across managers)."""
    from featherkit import plugins

    monkeypatch.setenv("FEATHERKIT_CACHE", "memory")
    first, second = MemoryPlugin(), MemoryPlugin()
    try:
        plugins.reset_plugin_manager()
        plugins.get_plugin_manager().register(first, name="memory-first")
        assert square(n=3) == 9
        plugins.reset_plugin_manager()
        plugins.get_plugin_manager().register(second, name="memory-second")
        assert square(n=3) == 9  # the second plugin's backend: empty, so a miss
    finally:
        plugins.reset_plugin_manager()
    assert RUNS == ["square", "square"]
    assert len(first.created) == 1 and len(second.created) == 1
    assert len(second.created[0].values) == 1


@pytest.mark.parametrize(
    "failure",
    [ConnectionError("backend is down"), OSError(28, "No space left on device"),
     sqlite3.OperationalError("database or disk is full")],
    ids=["down", "full-disk", "sqlite-full"],
)
def test_failing_backend_runs_uncached_with_one_warning(
    monkeypatch: pytest.MonkeyPatch, failure: BaseException
):
    plugin = MemoryPlugin()
    with registered(plugin):
        monkeypatch.setenv("FEATHERKIT_CACHE", "memory")
        square(n=1)  # creates the backend
        backend = plugin.created[0]
        backend.fail = failure
        for _ in range(2):
            with pytest.warns(CacheWarning) as caught:
                assert square(n=7) == 49
            assert len(caught) == 1
            assert "running it uncached" in str(caught[0].message)
            assert str(failure) in str(caught[0].message)
        # user errors still propagate untouched
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CacheWarning)
            with pytest.raises(ValueError, match="bad n 2"):
                fails(n=2)
            # serialized tasks too: the lock fails, the call runs unlocked
            assert slow_serialized(n=1) == "value 1"
    assert RUNS == ["square", "square", "square", "fails", "slow_serialized"]


def test_failing_put_keeps_the_result(monkeypatch: pytest.MonkeyPatch):
    class FullDisk(MemoryCache):
        def put(self, entry: CacheEntry, value: bytes) -> None:
            raise OSError(28, "No space left on device")

    class FullPlugin:
        @hookimpl
        def register_cache_backends(self, register):
            register("full", FullDisk)

    with registered(FullPlugin()):
        monkeypatch.setenv("FEATHERKIT_CACHE", "full")
        with pytest.warns(CacheWarning, match="failed to store the result.*No space left"):
            assert stats(names=["x"]) == Stats(1, ["x"])


def test_undecodable_entry_is_rerun_and_replaced(isolated_cache: Path):
    assert square(n=6) == 36
    key = cache_key(square, square.inputs_to_literals({"n": 6}))
    conn = sqlite3.connect(isolated_cache / "cache.sqlite3")
    conn.execute("UPDATE entries SET value = ? WHERE key = ?", (b"FKC1" + b"\x00" * 40, key))
    conn.commit()
    conn.close()
    with pytest.warns(CacheWarning, match="does not decode"):
        assert square(n=6) == 36
    assert square(n=6) == 36
    assert RUNS == ["square", "square"]


def test_every_hit_reads_the_backend_again(isolated_cache: Path):
    # no entry is remembered between calls: what another process wrote, rewrote or deleted in
    # the meantime is what the next call sees
    from flyteidl.core import literals_pb2

    from featherkit.cache import encode_record

    assert square(n=5) == 25
    assert square(n=5) == 25
    key = cache_key(square, square.inputs_to_literals({"n": 5}))
    other = SQLiteCache(isolated_cache)  # its own connection, as another process has
    rewritten = literals_pb2.LiteralMap(
        literals={"o0": literals_pb2.Literal(
            scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive(integer=99))
        )}
    )
    other.put(
        CacheEntry(key=key, task=square.name, version="1", created=time.time()),
        encode_record(rewritten.SerializeToString(deterministic=True)),
    )
    assert square(n=5) == 99
    assert RUNS == ["square"]
    assert other.delete(key)
    assert square(n=5) == 25
    assert RUNS == ["square", "square"]


# --- cache_serialize ------------------------------------------------------------------------


def test_serialized_threads_run_the_body_once():
    results: list[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(slow_serialized(n=5))) for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == ["value 5"] * 6
    assert RUNS == ["slow_serialized"]


def _call_serialized(runs_file: str) -> None:
    value = slow_serialized(n=9)
    with open(runs_file, "a", encoding="utf-8") as fh:
        fh.write(f"{value}|{len(RUNS)}\n")


def test_serialized_processes_run_the_body_once(tmp_path: Path):
    # forked children share this module's task; the body runs in exactly one of them
    context = multiprocessing.get_context("fork")
    runs_file = str(tmp_path / "runs")
    children = [context.Process(target=_call_serialized, args=(runs_file,)) for _ in range(4)]
    for child in children:
        child.start()
    for child in children:
        child.join(60)
    assert [c.exitcode for c in children] == [0] * 4
    lines = sorted(Path(runs_file).read_text().splitlines())
    assert lines == ["value 9|0"] * 3 + ["value 9|1"]
