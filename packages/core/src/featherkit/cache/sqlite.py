"""Core's builtin cache backend: one SQLite file in the user cache directory.

Why it is safe to share between threads and processes:

* every thread of every process has its own connection (opened on first use, again after a
  fork), in WAL mode, so readers never wait for a writer and a writer waits (busy timeout)
  rather than failing when another process writes;
* each write is one statement, hence one transaction: an entry is there whole or not at all,
  even if the writer is killed;
* ``lock(key)`` is an exclusive ``flock`` (``msvcrt.locking`` on Windows) on a per-key file
  under ``locks/``; the kernel releases it when the holder exits, however it exits, so a dead
  holder never leaves a key locked.

WAL needs shared memory between the processes, so the directory must be on a local disk (not
NFS); put ``FEATHERKIT_CACHE_DIR`` on a local path, or use a network backend (Redis) to share a
cache between machines.

``sqlite3`` (and ``json``, ``hashlib``) are imported on first use, not when plugins load, to
keep process start fast.
"""

from __future__ import annotations

import builtins
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from featherkit.cache.backend import CacheEntry, CacheError

if TYPE_CHECKING:
    import sqlite3
    from pathlib import Path

DB_NAME = "cache.sqlite3"
SCHEMA_VERSION = 1
#: how long a statement waits for another process's write before failing (seconds)
BUSY_TIMEOUT = 30.0

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS entries (
        key TEXT PRIMARY KEY,
        task TEXT NOT NULL,
        version TEXT NOT NULL,
        created REAL NOT NULL,
        size INTEGER NOT NULL,
        components TEXT NOT NULL,
        value BLOB NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS entries_by_task ON entries (task)",
    f"PRAGMA user_version = {SCHEMA_VERSION}",
)
_GET = "SELECT value FROM entries WHERE key = ?"
_PUT = (
    "INSERT OR REPLACE INTO entries (key, task, version, created, size, components, value) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_LIST = "SELECT key, task, version, created, size, components FROM entries"


#: connections a forked child inherited; kept open (unused) for the life of the process
_INHERITED: list[Any] = []

#: this process's id, kept current across fork (cheaper than os.getpid() on every read)
_PID = os.getpid()


def _after_fork() -> None:
    global _PID
    _PID = os.getpid()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


class SQLiteCacheCorrupt(CacheError):
    """The database file is not a usable SQLite database (truncated, overwritten, damaged)."""


def _create_schema(conn: sqlite3.Connection) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in _SCHEMA:
            conn.execute(statement)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _is_corruption(exc: BaseException) -> bool:
    name = getattr(exc, "sqlite_errorname", "")
    if name in ("SQLITE_CORRUPT", "SQLITE_NOTADB"):
        return True
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


class _PerThread(threading.local):
    """A thread's connection, its reading cursor, and the process that opened them."""

    conn: sqlite3.Connection | None = None
    reader: sqlite3.Cursor | None = None
    pid: int = -1


class SQLiteCache:
    """The embedded backend. ``directory`` holds ``cache.sqlite3`` and ``locks/``."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        from pathlib import Path  # here: plugin loading imports this module on every start

        self.directory = Path(directory).expanduser().absolute()
        self.path = self.directory / DB_NAME
        self.lock_dir = self.directory / "locks"
        self._local = _PerThread()

    def __repr__(self) -> str:
        return f"sqlite cache at {self.path}"

    def __reduce__(self) -> tuple[Callable[..., SQLiteCache], tuple[str]]:
        # connections are per process and per thread: a pickled backend reopens the file
        return (type(self), (str(self.directory),))

    # -- connections -----------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        local = self._local
        conn = local.conn
        if conn is not None:
            if local.pid == _PID:
                return conn
            # inherited through fork: never use it, and never close it either (closing its
            # file descriptors would drop this process's POSIX locks on the database)
            _INHERITED.append(conn)
        conn = self._connect()
        local.conn = conn
        local.reader = None  # (a cursor of the connection this one replaces)
        local.pid = _PID
        return conn

    def _connect(self) -> sqlite3.Connection:
        import sqlite3

        self.directory.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            str(self.path), timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=True
        )
        try:
            self._prepare(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _prepare(self, conn: sqlite3.Connection) -> None:
        """WAL mode and the schema; tolerant of other processes doing the same right now."""
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise CacheError(
                f"{self.path} was written by a newer featherkit (cache schema {version}, this "
                f"one reads {SCHEMA_VERSION}); upgrade featherkit or set FEATHERKIT_CACHE_DIR"
            )
        if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            self._retry_locked(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone())
        # WAL with synchronous=NORMAL survives a killed process; a power cut may lose the
        # newest entries but never corrupts the file, which is right for a cache
        conn.execute("PRAGMA synchronous = NORMAL")
        if version < SCHEMA_VERSION:
            self._retry_locked(lambda: _create_schema(conn))

    @staticmethod
    def _retry_locked(action: Callable[[], Any]) -> None:
        """Run a setup statement, retrying while another process holds the database."""
        import sqlite3

        deadline = time.monotonic() + BUSY_TIMEOUT
        while True:
            try:
                action()
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _failure(self, exc: Exception) -> Exception:
        """Drop this thread's connection (the next use reopens) and explain corruption."""
        conn = self._local.conn
        self._local.conn = self._local.reader = None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # closing a broken connection may fail too; it is dropped anyway
                pass
        if _is_corruption(exc):
            return SQLiteCacheCorrupt(
                f"{self.path} is not a usable SQLite database ({exc}); "
                "`featherkit cache clear` starts a fresh one"
            )
        return exc

    def _execute(self, sql: str, args: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        try:
            return self._connection().execute(sql, args)
        except Exception as exc:
            raise self._failure(exc) from exc

    # -- the protocol ----------------------------------------------------------------------

    def get(self, key: str) -> bytes | None:
        """One ``SELECT``, through this thread's reading cursor (every cache hit comes here).

        The cursor is kept with the connection (``_failure`` drops both); reusing it saves
        building one per read. Each read is its own transaction, so it sees every entry
        written, replaced or deleted before it, by any process.
        """
        local = self._local
        reader = local.reader
        try:
            if reader is None or local.pid != _PID:
                reader = local.reader = self._connection().cursor()
            row = reader.execute(_GET, (key,)).fetchone()
        except Exception as exc:
            raise self._failure(exc) from exc
        return None if row is None else bytes(row[0])

    def put(self, entry: CacheEntry, value: bytes) -> None:
        import json

        components = json.dumps(dict(entry.components), sort_keys=True, separators=(",", ":"))
        self._execute(
            _PUT,
            (entry.key, entry.task, entry.version, entry.created, entry.size, components, value),
        )

    def delete(self, key: str) -> bool:
        return self._execute("DELETE FROM entries WHERE key = ?", (key,)).rowcount > 0

    def _absent(self) -> bool:
        """No database yet (and none open here): reading it need not create it."""
        return self._local.conn is None and not self.path.exists()

    def list(self, task: str | None = None) -> builtins.list[CacheEntry]:
        import json

        if self._absent():
            return []
        if task is None:
            rows = self._execute(_LIST + " ORDER BY task, created").fetchall()
        else:
            rows = self._execute(_LIST + " WHERE task = ? ORDER BY created", (task,)).fetchall()
        entries = []
        for key, task_name, version, created, size, components in rows:
            try:
                described = json.loads(components)
            except ValueError:
                described = {}
            entries.append(CacheEntry(key, task_name, version, created, size, described))
        return entries

    def clear(self, task: str | None = None) -> int:
        if self._absent():
            return 0
        if task is not None:
            return int(self._execute("DELETE FROM entries WHERE task = ?", (task,)).rowcount)
        try:
            return int(self._execute("DELETE FROM entries").rowcount)
        except SQLiteCacheCorrupt:
            # the user asked for everything to go: a damaged file goes with it, and a fresh
            # database takes its place (its entries could not be counted)
            for suffix in ("", "-wal", "-shm", "-journal"):
                try:
                    os.unlink(str(self.path) + suffix)
                except FileNotFoundError:
                    pass
            self._connection()
            return 0

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        if not key or any(c in key for c in "/\\:") or key.startswith("."):
            raise ValueError(f"cache key {key!r} cannot name a lock file")
        with _file_lock(self.lock_dir / f"{key}.lock"):
            yield


# --- per-key file locks ------------------------------------------------------------------


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

    # an open file cannot be removed on Windows: lock files stay, which is harmless
    _REMOVE_LOCK_FILES = False
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

    _REMOVE_LOCK_FILES = True


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path``, between threads and processes alike.

    ``flock`` locks belong to an open file description, so two threads of one process that
    each open the file exclude each other as two processes do. Waiting polls with a short
    backoff (so Ctrl-C works). The holder removes the file when done; a waiter that then wins
    the lock on the removed file notices (the path no longer names the file it holds) and
    starts again, so removal never lets two holders in.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    delay = 0.001
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            while not _try_lock(fd):
                time.sleep(delay)
                delay = min(delay * 2, 0.05)
            if _REMOVE_LOCK_FILES:
                held = os.fstat(fd)
                try:
                    current = os.stat(path)
                except FileNotFoundError:
                    current = None
                if current is None or (current.st_ino, current.st_dev) != (
                    held.st_ino, held.st_dev
                ):
                    os.close(fd)
                    continue
        except BaseException:
            os.close(fd)
            raise
        break
    try:
        yield
    finally:
        try:
            if _REMOVE_LOCK_FILES:
                try:
                    os.unlink(path)
                except FileNotFoundError:
                    pass
            _unlock(fd)
        finally:
            os.close(fd)
