"""The builtin SQLite backend: the conformance suite, plus what only a file can get wrong."""

from __future__ import annotations

import os
import sqlite3
import warnings
from pathlib import Path

import pytest

from featherkit.cache import CacheWarning, SQLiteCache, cached_call, encode_record
from featherkit.cache.backend import CacheError
from featherkit.cache.dirs import default_cache_dir, user_cache_dir
from featherkit.cache.sqlite import SQLiteCacheCorrupt
from featherkit.testing.cache import CacheBackendSuite, suite_entry, suite_key


class TestSQLiteConformance(CacheBackendSuite):
    @pytest.fixture
    def cache_backend(self, tmp_path: Path):
        return SQLiteCache(tmp_path / "cache")


def _call(backend: SQLiteCache, key: str, value: bytes) -> bytes:
    return cached_call(
        backend, key, lambda: value, encode=bytes, decode=bytes,
        entry=lambda payload: suite_entry(key, payload),
    )


def test_database_is_in_wal_mode_with_the_schema(tmp_path: Path):
    backend = SQLiteCache(tmp_path)
    backend.put(suite_entry(suite_key("k")), b"v")
    conn = sqlite3.connect(tmp_path / "cache.sqlite3")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT task FROM entries").fetchall() == [
        ("featherkit.testing.suite_task",)
    ]


def test_one_connection_per_thread_reused(tmp_path: Path):
    backend = SQLiteCache(tmp_path)
    backend.get(suite_key("a"))
    first = backend._local.conn
    backend.get(suite_key("b"))
    assert backend._local.conn is first


def test_every_read_sees_what_another_connection_wrote(tmp_path: Path):
    # no memo between reads: a write, a replacement, a delete by someone else shows at once
    reader, writer = SQLiteCache(tmp_path), SQLiteCache(tmp_path)
    key = suite_key("k")
    assert reader.get(key) is None
    writer.put(suite_entry(key), b"one")
    assert reader.get(key) == b"one"
    writer.put(suite_entry(key), b"two")
    assert reader.get(key) == b"two"
    assert writer.delete(key)
    assert reader.get(key) is None


def test_a_read_after_a_failed_one_reconnects(tmp_path: Path):
    backend = SQLiteCache(tmp_path)
    backend.put(suite_entry(suite_key("k")), b"v")
    assert backend.get(suite_key("k")) == b"v"
    backend._local.conn.close()  # the connection (and its reading cursor) goes bad
    with pytest.raises(sqlite3.ProgrammingError):
        backend.get(suite_key("k"))
    assert backend.get(suite_key("k")) == b"v"


@pytest.mark.parametrize("first", ["get", "put"])
def test_a_forked_child_reads_through_its_own_connection(tmp_path: Path, first: str):
    backend = SQLiteCache(tmp_path)
    backend.put(suite_entry(suite_key("k")), b"v")
    assert backend.get(suite_key("k")) == b"v"
    inherited = backend._local.conn
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through its exit code
        ok = False
        try:
            if first == "put":  # another operation opens the child's connection first
                backend.put(suite_entry(suite_key("c")), b"c")
            ok = (
                backend.get(suite_key("k")) == b"v"
                and backend._local.conn is not inherited
                and backend._local.reader.connection is backend._local.conn
            )
        finally:
            os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_pickled_backend_reopens_the_same_file(tmp_path: Path):
    import pickle

    backend = SQLiteCache(tmp_path)
    backend.put(suite_entry(suite_key("k")), b"v")
    clone = pickle.loads(pickle.dumps(backend))
    assert clone.path == backend.path
    assert clone.get(suite_key("k")) == b"v"


@pytest.mark.parametrize(
    "content",
    [b"this is not a database, just some text" * 100, b"SQLite format 3\x00" + b"\x00" * 50],
    ids=["garbage", "truncated-header"],
)
def test_corrupt_database_runs_uncached_with_one_warning(tmp_path: Path, content: bytes):
    (tmp_path / "cache.sqlite3").write_bytes(content)
    backend = SQLiteCache(tmp_path)
    with pytest.warns(CacheWarning) as caught:
        assert _call(backend, suite_key("k"), b"computed") == b"computed"
    assert len(caught) == 1
    assert "cache clear" in str(caught[0].message)
    # the damaged file is left alone: nothing is deleted behind the user's back
    assert (tmp_path / "cache.sqlite3").read_bytes() == content
    # clearing everything replaces it with a working database
    assert backend.clear() == 0
    assert _call(backend, suite_key("k"), b"computed") == b"computed"
    assert backend.get(suite_key("k")) == encode_record(b"computed")


def test_truncated_database_after_use(tmp_path: Path):
    backend = SQLiteCache(tmp_path)
    for i in range(200):
        backend.put(suite_entry(suite_key(f"k{i}")), bytes(2000))
    # fold the WAL into the file, then cut the file in half
    conn = sqlite3.connect(tmp_path / "cache.sqlite3")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    backend._local.conn.close()
    backend._local.conn = None
    path = tmp_path / "cache.sqlite3"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    fresh = SQLiteCache(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        values = [_call(fresh, suite_key(f"k{i}"), b"recomputed") for i in (0, 199)]
    assert values == [b"recomputed", b"recomputed"]
    # one warning per call, naming the damage; never a crash
    assert [w.category for w in caught] == [CacheWarning, CacheWarning]
    assert all("not a usable SQLite database" in str(w.message) for w in caught)


def test_full_disk_keeps_the_result(tmp_path: Path):
    backend = SQLiteCache(tmp_path)
    backend.put(suite_entry(suite_key("small")), b"x")
    # SQLite reports SQLITE_FULL, exactly as on a full disk, once the file may not grow
    backend._local.conn.execute("PRAGMA max_page_count = 1")
    big = bytes(100_000)
    with pytest.warns(CacheWarning, match="full"):
        assert _call(backend, suite_key("big"), big) == big
    backend._local.conn = None
    assert backend.get(suite_key("big")) is None
    assert backend.get(suite_key("small")) == b"x"


def test_newer_schema_is_refused(tmp_path: Path):
    conn = sqlite3.connect(tmp_path / "cache.sqlite3")
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(CacheError, match="newer featherkit"):
        SQLiteCache(tmp_path).get(suite_key("k"))


def test_corruption_is_named(tmp_path: Path):
    (tmp_path / "cache.sqlite3").write_bytes(b"x" * 4096)
    with pytest.raises(SQLiteCacheCorrupt, match="not a usable SQLite database"):
        SQLiteCache(tmp_path).get(suite_key("k"))


def test_lock_rejects_a_key_that_is_a_path(tmp_path: Path):
    with pytest.raises(ValueError, match="cannot name a lock file"):
        SQLiteCache(tmp_path).lock("../escape").__enter__()


def test_listing_or_clearing_creates_no_database(tmp_path: Path):
    backend = SQLiteCache(tmp_path / "nothing-yet")
    assert backend.list() == []
    assert backend.clear() == 0
    assert not (tmp_path / "nothing-yet").exists()


def test_lock_files_are_removed(tmp_path: Path):
    backend = SQLiteCache(tmp_path)
    with backend.lock(suite_key("k")):
        assert len(list((tmp_path / "locks").iterdir())) == 1
    assert list((tmp_path / "locks").iterdir()) == []


@pytest.mark.parametrize(
    ("platform", "environ", "expected"),
    [
        ("linux", {}, "/home/u/.cache/featherkit"),
        ("linux", {"XDG_CACHE_HOME": "/xdg"}, "/xdg/featherkit"),
        ("linux", {"XDG_CACHE_HOME": "relative"}, "/home/u/.cache/featherkit"),
        ("darwin", {}, "/home/u/Library/Caches/featherkit"),
        ("win32", {"LOCALAPPDATA": "/appdata"}, "/appdata/featherkit/Cache"),
        ("win32", {}, "/home/u/AppData/Local/featherkit/Cache"),
    ],
)
def test_user_cache_dir_by_platform(platform: str, environ: dict[str, str], expected: str):
    assert user_cache_dir(platform, environ, Path("/home/u")).as_posix() == expected


def test_cache_dir_is_overridable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("FEATHERKIT_CACHE_DIR", str(tmp_path / "mine"))
    assert default_cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("FEATHERKIT_CACHE_DIR")
    assert default_cache_dir() == user_cache_dir()
