"""A cache hit that cannot be served is a miss, never a failure (issue 18, items 1 and 6).

* a pickled output keeps its bytes inside the entry: deleting the pickle file the task wrote
  (a temp cleaner, a reboot) or altering the cache's own copy still serves the hit;
* an entry written as a bare path to a file that is gone, or whose literal no longer converts
  to the output type, is a miss: one ``CacheWarning``, the task runs, the entry is replaced;
* a backend that goes down in the middle of a ``cache_serialize`` call costs one warning.
"""

from __future__ import annotations

import shutil
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from featherkit import hookimpl, task
from featherkit.cache import CacheEntry, CacheWarning, cache_key, encode_record
from featherkit.cache.sqlite import SQLiteCache
from featherkit.testing import registered
from featherkit.types.files import Directory, File

pytestmark = pytest.mark.filterwarnings(
    "ignore::featherkit.types.engine.PickleFallbackWarning"
)

RUNS: list[str] = []


class Payload:
    """No transformer knows this class: it is pickled (a ``PythonPickle`` blob).

    Unpickling refuses state written by another ``VERSION`` of the class, as code that
    changed its data layout would.
    """

    VERSION = 1

    def __init__(self, text: str) -> None:
        self.text = text
        self.version = Payload.VERSION

    def __setstate__(self, state: dict[str, object]) -> None:
        if state.get("version") != Payload.VERSION:
            raise ValueError(f"stored by version {state.get('version')} of Payload")
        self.__dict__.update(state)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Payload) and other.text == self.text

    __hash__ = None  # type: ignore[assignment]


@task(cache=True, cache_version="1")
def wrap(text: str) -> Payload:
    RUNS.append(text)
    return Payload(text)


@task(cache=True, cache_version="1")
def several(text: str) -> list[Payload]:
    RUNS.append(text)
    return [Payload(text), Payload(text.upper())]


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ("FEATHERKIT_CACHE", "FEATHERKIT_CACHE_OVERWRITE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FEATHERKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("FEATHERKIT_PICKLE_DIR", str(tmp_path / "pickles"))
    RUNS.clear()
    return tmp_path


def test_a_deleted_pickle_file_does_not_break_the_hit(isolated: Path):
    assert wrap(text="a") == Payload("a")
    pickles = list((isolated / "pickles").iterdir())
    assert pickles
    for path in pickles:
        path.unlink()
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheWarning)
        assert wrap(text="a") == Payload("a")
        assert several(text="b") == [Payload("b"), Payload("B")]
        for path in (isolated / "pickles").iterdir():
            path.unlink()
        assert several(text="b") == [Payload("b"), Payload("B")]
    assert RUNS == ["a", "b"]


def test_the_hit_reads_the_caches_own_copy_and_checks_it(isolated: Path):
    wrap(text="c")
    wrap(text="c")
    blobs = [p for p in (isolated / "cache" / "blobs").rglob("*") if p.is_file()]
    assert len(blobs) == 1
    blobs[0].write_bytes(b"not the pickle any more")  # altered: checked on read, rewritten
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheWarning)
        assert wrap(text="c") == Payload("c")
    blobs[0].unlink()
    assert wrap(text="c") == Payload("c")
    assert RUNS == ["c"]


def test_an_entry_pointing_at_a_vanished_file_is_a_miss_and_is_replaced(isolated: Path):
    # what older entries held: only the path of a pickle in the temp directory
    wrap(text="d")
    backend = SQLiteCache(isolated / "cache")
    key = cache_key(wrap, wrap.inputs_to_literals({"text": "d"}))
    outputs = wrap.outputs_to_literals(Payload("d"))
    (entry,) = backend.list("test_cache_served.wrap")
    backend.put(entry, encode_record(outputs.SerializeToString(deterministic=True)))
    Path(outputs.literals["o0"].scalar.blob.uri).unlink()
    with pytest.warns(CacheWarning, match="cannot be served") as caught:
        assert wrap(text="d") == Payload("d")
    assert len(caught) == 1
    assert entry.key == key
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheWarning)
        assert wrap(text="d") == Payload("d")  # the replaced entry serves
    assert RUNS == ["d", "d"]


def test_an_entry_that_no_longer_converts_is_a_miss_and_is_replaced(
    monkeypatch: pytest.MonkeyPatch, isolated: Path
):
    assert wrap(text="e") == Payload("e")
    (before,) = SQLiteCache(isolated / "cache").list("test_cache_served.wrap")
    # the class changed its layout: the intact entry's literal no longer converts
    monkeypatch.setattr(Payload, "VERSION", 2)
    with pytest.warns(CacheWarning, match="cannot be served.*stored by version 1") as caught:
        assert wrap(text="e").version == 2
    assert len(caught) == 1
    (after,) = SQLiteCache(isolated / "cache").list("test_cache_served.wrap")
    assert after.created > before.created  # replaced
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheWarning)
        assert wrap(text="e").version == 2  # and the replacement serves
    assert RUNS == ["e", "e"]


# --- one warning per call ----------------------------------------------------------------------


@task(cache=True, cache_version="1", cache_serialize=True)
def outage_during_the_body(n: int) -> int:
    RUNS.append("body")
    DownAfterLock.instance.down = True  # the backend goes down while the body runs
    return n + 1


class DownAfterLock:
    """Serves reads and the lock, then fails everything once ``down`` is set."""

    instance: DownAfterLock

    def __init__(self, location: str) -> None:
        self.down = False
        self.values: dict[str, bytes] = {}
        self._lock = threading.Lock()
        DownAfterLock.instance = self

    def __repr__(self) -> str:
        return "flaky cache"

    def _check(self) -> None:
        if self.down:
            raise ConnectionError("connection refused")

    def get(self, key: str) -> bytes | None:
        self._check()
        return self.values.get(key)

    def put(self, entry: CacheEntry, value: bytes) -> None:
        self._check()
        self.values[entry.key] = value

    def delete(self, key: str) -> bool:
        self._check()
        return self.values.pop(key, None) is not None

    def list(self, task: str | None = None) -> list[CacheEntry]:
        self._check()
        return []

    def clear(self, task: str | None = None) -> int:
        self._check()
        return 0

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        self._check()
        with self._lock:
            yield
            self._check()  # releasing needs the server too


class FlakyPlugin:
    @hookimpl
    def register_cache_backends(self, register):
        register("flaky", DownAfterLock)


def test_an_outage_during_a_serialized_call_gives_one_warning(monkeypatch: pytest.MonkeyPatch):
    with registered(FlakyPlugin()):
        monkeypatch.setenv("FEATHERKIT_CACHE", "flaky")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert outage_during_the_body(n=1) == 2
    cache_warnings = [w for w in caught if w.category is CacheWarning]
    assert len(cache_warnings) == 1, [str(w.message) for w in cache_warnings]
    assert "failed to store the result" in str(cache_warnings[0].message)
    assert RUNS == ["body"]


# --- files and directories a task returns ------------------------------------------------------


@task(cache=True, cache_version="1")
def write_report(folder: str, n: int) -> File:
    RUNS.append(f"file {n}")
    path = Path(folder) / f"report-{n}.txt"
    path.write_text("line\n" * n)
    return File(str(path))


@task(cache=True, cache_version="1")
def write_tree(folder: str, n: int) -> Directory:
    RUNS.append(f"tree {n}")
    root = Path(folder) / f"tree-{n}"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("a")
    (root / "sub" / "b.txt").write_text("b" * n)
    return Directory(str(root))


def test_a_returned_file_or_directory_that_was_deleted_is_served_from_the_entry(isolated: Path):
    folder = isolated / "task-output"
    folder.mkdir()
    first = write_report(folder=str(folder), n=2)
    tree = write_tree(folder=str(folder), n=3)
    shutil.rmtree(folder)  # the task's own files are gone (a temp cleaner, a reboot)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheWarning)
        again = write_report(folder=str(folder), n=2)
        tree_again = write_tree(folder=str(folder), n=3)
    assert Path(again.path).read_text() == "line\n" * 2
    assert Path(again.path).name == Path(first.path).name
    assert (isolated / "cache" / "blobs") in Path(again.path).parents
    files = sorted(p.relative_to(tree_again.path).as_posix()
                   for p in Path(tree_again.path).rglob("*") if p.is_file())
    assert files == ["a.txt", "sub/b.txt"]
    assert (Path(tree_again.path) / "sub" / "b.txt").read_text() == "bbb"
    assert Path(tree.path).name == Path(tree_again.path).name
    assert RUNS == ["file 2", "tree 3"]
