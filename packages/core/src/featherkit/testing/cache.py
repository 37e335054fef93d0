"""A conformance suite every cache backend passes: subclass it and provide one fixture.

::

    import pytest
    from featherkit.testing.cache import CacheBackendSuite

    class TestMyBackend(CacheBackendSuite):
        lock_expiry_seconds = 2.0      # how long a dead holder's lock may outlive it

        @pytest.fixture
        def cache_backend(self, tmp_path):
            yield MyBackend(...)       # a fresh, empty backend for each test

The suite covers the protocol (get, put, delete, list, clear, lock), threads and processes
sharing one backend (8 processes hammering one key execute the body once under
``cache_serialize``), a holder process killed while it holds a lock (the key is free again
within ``lock_expiry_seconds``), and core's failure rules on top of the backend (undecodable
entries, errors never cached). Child processes are forked where the platform can, so a backend
must work in a child forked after it was created (reconnect per process); where only spawning
is possible the backend must be picklable.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import threading
import time
import warnings
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from featherkit.cache.backend import CacheBackend, CacheEntry, CacheWarning, encode_record
from featherkit.cache.runner import cached_call

TASK = "featherkit.testing.suite_task"


def suite_key(label: str) -> str:
    """A well-formed key (hex SHA-256) for a label."""
    return hashlib.sha256(f"featherkit-suite/{label}".encode()).hexdigest()


def suite_entry(key: str, payload: bytes = b"", task: str = TASK, version: str = "1") -> CacheEntry:
    return CacheEntry(
        key=key,
        task=task,
        version=version,
        created=time.time(),
        size=len(payload),
        components={"version": version, "inputs": {"x": "ab" * 32}, "previews": {"x": "1"}},
    )


def _identity(value: bytes) -> bytes:
    return bytes(value)


def serialized_call(
    backend: CacheBackend, key: str, runs: Path, result: bytes, hold: float
) -> bytes:
    """``cached_call`` with ``cache_serialize`` whose body records each execution in ``runs``."""

    def body() -> bytes:
        with open(runs, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()}:{threading.get_ident()}\n")
        time.sleep(hold)
        return result

    return cached_call(
        backend,
        key,
        body,
        encode=_identity,
        decode=_identity,
        entry=partial(suite_entry, key),
        serialize=True,
        what="the suite's serialized call",
    )


def _hammer(
    backend: CacheBackend, key: str, runs: str, out: str, barrier: Any
) -> None:
    """Child process: wait for the others, then make the serialized call."""
    warnings.simplefilter("error", CacheWarning)
    barrier.wait(timeout=60)
    value = serialized_call(backend, key, Path(runs), b"computed once", hold=0.3)
    Path(out).write_bytes(value)


def _hold_and_die(backend: CacheBackend, key: str, ready: str) -> None:
    """Child process: take the lock, say so, and die without releasing it."""
    with backend.lock(key):
        Path(ready).write_text("held", encoding="utf-8")
        if hasattr(signal, "SIGKILL"):
            os.kill(os.getpid(), signal.SIGKILL)
        os._exit(3)


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _run_in_thread(target: Any, timeout: float) -> bool:
    """Run ``target`` in a daemon thread; ``True`` if it finished within ``timeout``.

    A thread, so that a lock that never comes cannot hang the test run; what ``target``
    raises is raised here.
    """
    done = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            target()
        except BaseException as exc:
            failure.append(exc)
        done.set()

    threading.Thread(target=run, daemon=True).start()
    finished = done.wait(timeout)
    if failure:
        raise failure[0]
    return finished


def _take_and_release(backend: CacheBackend, key: str) -> None:
    with backend.lock(key):
        pass


class CacheBackendSuite:
    """Conformance tests for a :class:`featherkit.cache.CacheBackend`.

    A subclass provides the ``cache_backend`` fixture (yielding a fresh, empty backend) and,
    for network backends whose locks expire, ``lock_expiry_seconds``.
    """

    #: the longest a lock may outlive a holder that died (0: released with the process)
    lock_expiry_seconds: float = 0.0
    #: processes in the hammer test
    processes: int = 8

    # -- storage ---------------------------------------------------------------------------

    def test_get_of_a_missing_key_is_none(self, cache_backend: CacheBackend) -> None:
        assert cache_backend.get(suite_key("missing")) is None

    def test_put_then_get_returns_the_same_bytes(self, cache_backend: CacheBackend) -> None:
        small = b"\x00\x01binary\xff\x00"
        large = os.urandom(1 << 20)
        cache_backend.put(suite_entry(suite_key("small"), small), small)
        cache_backend.put(suite_entry(suite_key("large"), large), large)
        assert cache_backend.get(suite_key("small")) == small
        assert cache_backend.get(suite_key("large")) == large

    def test_put_replaces_a_value(self, cache_backend: CacheBackend) -> None:
        key = suite_key("replace")
        cache_backend.put(suite_entry(key, b"old"), b"old")
        cache_backend.put(suite_entry(key, b"new"), b"new")
        assert cache_backend.get(key) == b"new"
        assert [e.key for e in cache_backend.list()] == [key]

    def test_delete(self, cache_backend: CacheBackend) -> None:
        key = suite_key("delete")
        cache_backend.put(suite_entry(key, b"v"), b"v")
        assert cache_backend.delete(key) is True
        assert cache_backend.get(key) is None
        assert cache_backend.delete(key) is False

    def test_list_describes_entries(self, cache_backend: CacheBackend) -> None:
        key = suite_key("listed")
        entry = suite_entry(key, b"12345", version="7")
        cache_backend.put(entry, b"12345")
        (listed,) = cache_backend.list()
        assert (listed.key, listed.task, listed.version, listed.size) == (key, TASK, "7", 5)
        assert listed.created == pytest.approx(entry.created, abs=1e-3)
        assert dict(listed.components) == dict(entry.components)

    def test_list_and_clear_by_task(self, cache_backend: CacheBackend) -> None:
        for i in range(3):
            cache_backend.put(suite_entry(suite_key(f"a{i}"), b"a", task="t.a"), b"a")
        cache_backend.put(suite_entry(suite_key("b"), b"b", task="t.b"), b"b")
        assert sorted(e.key for e in cache_backend.list("t.a")) == sorted(
            suite_key(f"a{i}") for i in range(3)
        )
        assert [e.task for e in cache_backend.list("t.b")] == ["t.b"]
        assert cache_backend.list("t.none") == []
        assert cache_backend.clear("t.a") == 3
        assert [e.task for e in cache_backend.list()] == ["t.b"]
        assert cache_backend.get(suite_key("b")) == b"b"

    def test_clear_everything(self, cache_backend: CacheBackend) -> None:
        for i in range(4):
            cache_backend.put(suite_entry(suite_key(f"c{i}"), b"c", task=f"t{i % 2}"), b"c")
        assert cache_backend.clear() == 4
        assert cache_backend.list() == []
        assert cache_backend.clear() == 0

    def test_threads_share_a_backend(self, cache_backend: CacheBackend) -> None:
        errors: list[BaseException] = []

        def work(n: int) -> None:
            try:
                for i in range(25):
                    key = suite_key(f"thread-{n}-{i}")
                    value = f"{n}-{i}".encode()
                    cache_backend.put(suite_entry(key, value), value)
                    assert cache_backend.get(key) == value
                cache_backend.list()
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not errors, errors
        assert len(cache_backend.list()) == 8 * 25

    # -- locks -----------------------------------------------------------------------------

    def test_lock_excludes_other_threads(self, cache_backend: CacheBackend) -> None:
        key = suite_key("exclusive")
        inside = 0
        most = 0
        counter = [0]
        guard = threading.Lock()

        def work() -> None:
            nonlocal inside, most
            for _ in range(3):
                with cache_backend.lock(key):
                    with guard:
                        inside += 1
                        most = max(most, inside)
                    value = counter[0]
                    time.sleep(0.005)
                    counter[0] = value + 1
                    with guard:
                        inside -= 1

        threads = [threading.Thread(target=work) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert most == 1
        assert counter[0] == 18

    def test_locks_of_different_keys_are_independent(self, cache_backend: CacheBackend) -> None:
        with cache_backend.lock(suite_key("one")):
            assert _run_in_thread(partial(_take_and_release, cache_backend, suite_key("two")), 10)

    def test_lock_is_released_on_error(self, cache_backend: CacheBackend) -> None:
        key = suite_key("error")

        def fails() -> None:
            with cache_backend.lock(key):
                raise RuntimeError("inside the lock")

        with pytest.raises(RuntimeError, match="inside the lock"):
            fails()
        assert _run_in_thread(partial(_take_and_release, cache_backend, key), 10), (
            "the lock stayed held after an exception"
        )

    def test_lock_is_released_when_its_holder_dies(
        self, cache_backend: CacheBackend, tmp_path: Path
    ) -> None:
        key = suite_key("dead-holder")
        ready = tmp_path / "ready"
        child = _context().Process(target=_hold_and_die, args=(cache_backend, key, str(ready)))
        child.start()
        child.join(60)
        assert ready.exists(), f"the child never took the lock (exit code {child.exitcode})"
        assert child.exitcode != 0
        assert _run_in_thread(
            partial(_take_and_release, cache_backend, key), self.lock_expiry_seconds + 10
        ), (
            "the key stayed locked after its holder died"
        )

    # -- the cached call on this backend ---------------------------------------------------

    def test_serialized_threads_execute_once(
        self, cache_backend: CacheBackend, tmp_path: Path
    ) -> None:
        key = suite_key("threads-once")
        runs = tmp_path / "runs"
        results: list[bytes] = []

        def call() -> None:
            results.append(serialized_call(cache_backend, key, runs, b"same", hold=0.2))

        with warnings.catch_warnings():
            warnings.simplefilter("error", CacheWarning)
            threads = [threading.Thread(target=call) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
        assert results == [b"same"] * 8
        assert len(runs.read_text().splitlines()) == 1

    def test_serialized_processes_execute_once(
        self, cache_backend: CacheBackend, tmp_path: Path
    ) -> None:
        key = suite_key("processes-once")
        runs = tmp_path / "runs"
        context = _context()
        barrier = context.Barrier(self.processes)
        outs = [tmp_path / f"out-{i}" for i in range(self.processes)]
        children = [
            context.Process(
                target=_hammer, args=(cache_backend, key, str(runs), str(out), barrier)
            )
            for out in outs
        ]
        for child in children:
            child.start()
        for child in children:
            child.join(120)
        assert [c.exitcode for c in children] == [0] * self.processes
        assert [out.read_bytes() for out in outs] == [b"computed once"] * self.processes
        executions = runs.read_text().splitlines()
        assert len(executions) == 1, f"the body ran {len(executions)} times: {executions}"

    def test_errors_are_never_cached(self, cache_backend: CacheBackend) -> None:
        key = suite_key("errors")
        calls = []

        def fails() -> bytes:
            calls.append(1)
            raise ValueError("task failed")

        for _ in range(2):
            with pytest.raises(ValueError, match="task failed"):
                cached_call(
                    cache_backend, key, fails, encode=_identity, decode=_identity,
                    entry=partial(suite_entry, key), serialize=True,
                )
        assert len(calls) == 2
        assert cache_backend.get(key) is None

    def test_an_undecodable_entry_is_a_miss_and_is_replaced(
        self, cache_backend: CacheBackend
    ) -> None:
        key = suite_key("undecodable")
        cache_backend.put(suite_entry(key, b"junk"), b"not a record at all")
        with pytest.warns(CacheWarning, match="does not decode"):
            value = cached_call(
                cache_backend, key, lambda: b"fresh", encode=_identity, decode=_identity,
                entry=partial(suite_entry, key),
            )
        assert value == b"fresh"
        assert cache_backend.get(key) == encode_record(b"fresh")

    def test_overwrite_recomputes_and_replaces(self, cache_backend: CacheBackend) -> None:
        key = suite_key("overwrite")
        for value in (b"first", b"second"):
            cached_call(
                cache_backend, key, partial(bytes, value), encode=_identity, decode=_identity,
                entry=partial(suite_entry, key), overwrite=True,
            )
        assert cached_call(
            cache_backend, key, partial(bytes, b"third"), encode=_identity, decode=_identity,
            entry=partial(suite_entry, key),
        ) == b"second"


__all__ = ["CacheBackendSuite", "serialized_call", "suite_entry", "suite_key"]
