"""File and Directory: literal types, upload/download, streaming, directories, errors."""

from __future__ import annotations

import dataclasses
import os
import re
import tempfile
import typing
from pathlib import Path
from typing import Optional

import pytest

from featherkit import Directory, File, FlyteDirectory, FlyteFile, task
from featherkit.context import ExecutionParameters, execution
from featherkit.errors import TaskInputError, TaskOutputError
from featherkit.plugins import registered
from featherkit.testing.storage import MemoryStorage
from featherkit.type_registry import type_engine
from featherkit.types import TypeTransformerError

TextFile = File["txt"]


class ListingMemoryStorage(MemoryStorage):
    def list_files(self, uri: str) -> list[str]:
        prefix = uri.rstrip("/") + "/"
        return sorted(k for k in self.objects if k.startswith(prefix) or k == uri)

    def delete(self, uri: str) -> None:
        for key in self.list_files(uri):
            del self.objects[key]


@pytest.fixture(autouse=True)
def _scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))


@pytest.fixture
def mem() -> typing.Iterator[ListingMemoryStorage]:
    storage = ListingMemoryStorage()
    with registered(storage):
        yield storage


def _text(path: Path, content: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    return str(path)


def test_flytekit_names_are_the_same_classes() -> None:
    assert FlyteFile is File and FlyteDirectory is Directory
    assert File["csv"] is File[typing.TypeVar("csv")] is File[".csv"]
    assert issubclass(File["csv"], File) and File["csv"].extension() == "csv"
    assert File[None] is File and File[typing.Any] is File and Directory[typing.Any] is Directory


@pytest.mark.parametrize(
    ("tp", "fmt", "dim"),
    [(File, "", 0), (File["csv"], "csv", 0), (Directory, "", 1), (Directory["png"], "png", 1)],
)
def test_literal_types(tp: typing.Any, fmt: str, dim: int) -> None:
    lt = type_engine().to_literal_type(tp)
    assert lt.WhichOneof("type") == "blob"
    assert (lt.blob.format, lt.blob.dimensionality) == (fmt, dim)
    assert type_engine().guess_python_type(lt) in (tp, File[fmt] if dim == 0 else Directory[fmt])


def test_local_run_keeps_local_paths_and_streams(tmp_path: Path) -> None:
    source = _text(tmp_path / "in.txt", "abc")

    @task
    def double(f: File) -> TextFile:
        assert f.path == source
        with f.open("r") as fh:
            data = fh.read()
        out = File.new("out.txt")
        with out.open("w") as fh:
            fh.write(data * 2)
        return out

    result = double(f=source)
    assert type(result) is File["txt"]
    assert Path(result).read_text() == "abcabc"


def test_pod_outputs_go_to_the_raw_output_prefix(tmp_path: Path) -> None:
    source = _text(tmp_path / "data" / "in.csv", "a,b\n")
    raw = str(tmp_path / "raw")
    engine = type_engine()
    with execution(ExecutionParameters(raw_output_prefix=raw)):
        literal = engine.to_literal(File(source), File["csv"])
    uri = literal.scalar.blob.uri
    assert re.fullmatch(re.escape(raw) + r"/[0-9a-f]{32}/in\.csv", uri), uri
    assert Path(uri).read_text() == "a,b\n"
    assert literal.scalar.blob.metadata.type.format == "csv"


def test_directory_upload_layout_and_walk(tmp_path: Path) -> None:
    _text(tmp_path / "d" / "a.txt", "a")
    _text(tmp_path / "d" / "sub" / "b.txt", "b")
    raw = str(tmp_path / "raw")
    engine = type_engine()
    with execution(ExecutionParameters(raw_output_prefix=raw)):
        literal = engine.to_literal(str(tmp_path / "d"), Directory)
    uri = literal.scalar.blob.uri
    assert re.fullmatch(re.escape(raw) + r"/[0-9a-f]{32}", uri)
    assert literal.scalar.blob.metadata.type.dimensionality == 1
    value = engine.to_python_value(literal, Directory)
    assert [Path(f.path).read_text() for f in value.walk()] == ["a", "b"]
    assert [type(e).__name__ for e in value.listdir()] == ["File", "Directory"]
    assert sorted(rel for _, rel in value.crawl()) == ["a.txt", "sub/b.txt"]


def test_remote_file_is_read_lazily_and_streamed(mem: ListingMemoryStorage) -> None:
    mem.objects["mem://bucket/x/data.bin"] = b"payload"
    engine = type_engine()
    literal = engine.to_literal("mem://bucket/x/data.bin", File)
    value = engine.to_python_value(literal, File)
    assert value.remote_source == "mem://bucket/x/data.bin" and not value.downloaded
    with value.open("rb") as fh:
        assert fh.read() == b"payload"
    assert mem.downloads == []
    local = value.download()
    assert Path(local).read_bytes() == b"payload" and mem.downloads == [value.remote_source]
    # converting it back keeps the remote URI: nothing is uploaded again
    assert engine.to_literal(value, File).scalar.blob.uri == "mem://bucket/x/data.bin"


def test_uploads_to_a_remote_prefix_and_new_remote(
    tmp_path: Path, mem: ListingMemoryStorage
) -> None:
    source = _text(tmp_path / "in.txt", "hello")
    _text(tmp_path / "d" / "k.txt", "k")
    engine = type_engine()
    with execution(ExecutionParameters(raw_output_prefix="mem://bucket/raw")):
        uri = engine.to_literal(source, File).scalar.blob.uri
        dir_uri = engine.to_literal(str(tmp_path / "d"), Directory).scalar.blob.uri
        fresh = File.new_remote("out.txt")
        with fresh.open("wb") as fh:
            fh.write(b"streamed")
        fresh_uri = engine.to_literal(fresh, File).scalar.blob.uri
    assert mem.objects[uri] == b"hello" and uri.startswith("mem://bucket/raw/")
    assert mem.objects[dir_uri + "/k.txt"] == b"k"
    assert fresh_uri.endswith("/out.txt") and mem.objects[fresh_uri] == b"streamed"
    remote_dir = engine.to_python_value(engine.to_literal(dir_uri, Directory), Directory)
    assert [f.remote_source for f in remote_dir.walk()] == [dir_uri + "/k.txt"]
    local = remote_dir.download()
    assert Path(local, "k.txt").read_text() == "k"


def _write_then_fail(handle: typing.IO[bytes]) -> None:
    with handle as fh:
        fh.write(b"half")
        raise RuntimeError("boom")


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    target = File(str(tmp_path / "out" / "out.bin"))
    with pytest.raises(RuntimeError, match="boom"):
        _write_then_fail(target.open("wb"))
    assert os.listdir(tmp_path / "out") == []


@dataclasses.dataclass
class Bundle:
    report: File
    folder: Directory
    extra: Optional[File] = None


def test_files_inside_dataclasses_lists_dicts_and_unions(tmp_path: Path) -> None:
    from featherkit.types.codec import unpack

    engine = type_engine()
    f = _text(tmp_path / "r.txt", "r")
    (tmp_path / "dir").mkdir()
    literal = engine.to_literal(Bundle(File(f), Directory(str(tmp_path / "dir"))), Bundle)
    assert unpack(literal.scalar.binary.value) == {
        "report": {"path": f},
        "folder": {"path": str(tmp_path / "dir")},
        "extra": None,
    }
    back = engine.to_python_value(literal, Bundle)
    assert back.report == File(f) and back.folder.path == str(tmp_path / "dir")
    lt = engine.to_literal_type(Bundle)
    assert lt.structure.dataclass_type["report"].blob.dimensionality == 0
    assert lt.metadata["properties"]["report"]["title"] == "FlyteFile"
    assert engine.to_python_value(engine.to_literal([f], list[File]), list[File]) == [File(f)]
    assert engine.to_python_value(engine.to_literal({2: f}, dict[int, File]), dict[int, File]) == {
        2: File(f)
    }
    assert engine.to_python_value(engine.to_literal(f, Optional[File]), Optional[File]) == File(f)


def test_missing_local_file_names_task_input_and_path(tmp_path: Path) -> None:
    @task
    def read(f: File) -> int:
        return 1

    missing = str(tmp_path / "nope.txt")
    expected = r"task '.*read', input 'f'.*nope\.txt' does not exist"
    with pytest.raises(TaskInputError, match=expected):
        read(f=missing)


def test_missing_output_file_names_the_output(tmp_path: Path) -> None:
    missing = str(tmp_path / "gone.txt")

    @task
    def make() -> File:
        return File(missing)

    with pytest.raises(TaskOutputError, match=r"output 'o0'.*gone\.txt' does not exist"):
        make()


def test_unserved_scheme_is_a_clear_error() -> None:
    engine = type_engine()
    with pytest.raises(TypeTransformerError, match=r"zzz://"):
        engine.to_literal("zzz://bucket/key", File)


def test_directory_literal_is_not_read_as_a_file(tmp_path: Path) -> None:
    engine = type_engine()
    literal = engine.to_literal(str(tmp_path), Directory)
    with pytest.raises(TypeTransformerError, match="is a directory, not a file"):
        engine.to_python_value(literal, File)


def test_cache_key_follows_file_content_not_path(tmp_path: Path) -> None:
    from featherkit.cache.key import cache_key, key_components
    from featherkit.cache.render import literal_preview

    @task(cache=True, cache_version="1")
    def size(f: File) -> int:
        return len(Path(f).read_bytes())

    one = _text(tmp_path / "one" / "data.csv", "same")
    two = _text(tmp_path / "two" / "data.csv", "same")
    key_one = cache_key(size, size.inputs_to_literals({"f": one}))
    assert key_one == cache_key(size, size.inputs_to_literals({"f": two}))
    Path(two).write_text("changed")
    os.utime(two, ns=(1, 1))
    inputs = size.inputs_to_literals({"f": two})
    assert cache_key(size, inputs) != key_one
    preview = literal_preview(inputs.literals["f"])
    assert preview.startswith(f"<file {two} sha256:") and preview.endswith(">")
    digest = key_components(size, inputs).inputs["f"]
    assert len(digest) == 64


def test_cache_key_of_a_directory_follows_its_files(tmp_path: Path) -> None:
    from featherkit.cache.key import cache_key

    @task(cache=True, cache_version="1")
    def count(d: Directory) -> int:
        return len(list(d.walk()))

    _text(tmp_path / "a" / "x.txt", "x")
    _text(tmp_path / "b" / "x.txt", "x")
    first = cache_key(count, count.inputs_to_literals({"d": str(tmp_path / "a")}))
    assert first == cache_key(count, count.inputs_to_literals({"d": str(tmp_path / "b")}))
    _text(tmp_path / "b" / "y.txt", "y")
    assert first != cache_key(count, count.inputs_to_literals({"d": str(tmp_path / "b")}))


def test_explain_names_the_changed_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from featherkit.cache import explain as explain_module
    from featherkit.cache.config import current_backend

    monkeypatch.setenv("FEATHERKIT_CACHE_DIR", str(tmp_path / "cache"))

    @task(cache=True, cache_version="1")
    def size(f: File) -> int:
        return len(Path(f).read_bytes())

    data = _text(tmp_path / "in" / "data.csv", "abc")
    assert size(f=data) == 3
    backend = current_backend()
    assert backend is not None
    Path(data).write_text("abcd")
    os.utime(data, ns=(2, 2))
    report = explain_module.explain(size, size.inputs_to_literals({"f": data}), backend)
    assert report.status == "miss"
    (difference,) = report.differences
    assert difference.name == "f"
    assert data in difference.cached and data in difference.now
    assert difference.cached != difference.now and "sha256:" in difference.now


def test_cli_run_and_explain_name_the_changed_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import sys
    from contextlib import redirect_stderr, redirect_stdout

    from featherkit.cli import main

    monkeypatch.setenv("FEATHERKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("FEATHERKIT_CACHE", raising=False)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    tasks = tmp_path / "filetasks.py"
    tasks.write_text(
        "from featherkit import File, task\n\n"
        "@task(cache=True, cache_version='1')\n"
        "def size(f: File) -> int:\n"
        "    return len(open(f, 'rb').read())\n"
    )
    data = _text(tmp_path / "data.txt", "abc")

    def cli(*args: str) -> str:
        sys.modules.pop("filetasks", None)
        out = io.StringIO()
        code: object = 0
        with redirect_stdout(out), redirect_stderr(io.StringIO()):
            try:
                main(list(args))
            except SystemExit as exc:
                code = exc.code
        assert not code, out.getvalue()
        return out.getvalue()

    assert cli("run", str(tasks), "size", "--f", data).strip() == "3"
    Path(data).write_text("abcd")
    os.utime(data, ns=(3, 3))
    report = cli("cache", "explain", str(tasks), "size", "--f", data)
    assert "MISS" in report
    changed = next(line for line in report.splitlines() if "input f: cached" in line)
    assert changed.count(data) == 2 and changed.count("sha256:") == 2


@pytest.mark.parametrize(
    ("name", "module", "distribution"),
    [
        ("StructuredDataset", "featherkit_dataframe", "featherkit-dataframe"),
        ("ImageSpec", "featherkit_imagespec", "featherkit-imagespec"),
        ("ContainerTask", "featherkit_container", "featherkit-container"),
        ("PodTemplate", "featherkit_pod", "featherkit-pod"),
        ("Deck", "featherkit_deck", "featherkit-deck"),
    ],
)
def test_a_flytekit_name_from_a_missing_plugin_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, name: str, module: str, distribution: str
) -> None:
    import sys

    import featherkit

    monkeypatch.setitem(sys.modules, module, None)
    monkeypatch.delitem(vars(featherkit), name, raising=False)
    with pytest.raises(ImportError, match=f"pip install {distribution}"):
        getattr(featherkit, name)


def test_remote_path_picks_the_upload_target_and_false_keeps_the_path(
    tmp_path: Path, mem: ListingMemoryStorage
) -> None:
    source = _text(tmp_path / "in.txt", "abc")
    engine = type_engine()
    literal = engine.to_literal(File(source, remote_path="mem://b/chosen.txt"), File)
    assert literal.scalar.blob.uri == "mem://b/chosen.txt"
    assert mem.objects["mem://b/chosen.txt"] == b"abc"
    with execution(ExecutionParameters(raw_output_prefix="mem://b/raw")):
        kept = engine.to_literal(File(source, remote_path=False), File)
    assert kept.scalar.blob.uri == source and list(mem.objects) == ["mem://b/chosen.txt"]


def test_a_failing_output_removes_the_files_earlier_outputs_uploaded(tmp_path: Path) -> None:
    good = _text(tmp_path / "good.txt", "ok")
    missing = str(tmp_path / "missing.txt")
    raw = tmp_path / "raw"

    @task
    def two() -> tuple[File, File]:
        return File(good), File(missing)

    params = ExecutionParameters(raw_output_prefix=str(raw))
    with pytest.raises(TaskOutputError, match=r"missing\.txt"):
        two.dispatch_execute(params, two.inputs_to_literals({}))
    leftover = [str(p) for p in raw.rglob("*") if p.is_file()] if raw.exists() else []
    assert leftover == []


class FullStorage(ListingMemoryStorage):
    """A store that refuses objects over 4 bytes, as a quota or a size limit would."""

    def upload(self, local_path: str, uri: str) -> None:
        if Path(local_path).stat().st_size > 4:
            raise OSError(27, "File too large", uri)
        super().upload(local_path, uri)


def test_a_file_too_large_for_the_target_names_task_output_and_path(tmp_path: Path) -> None:
    small = _text(tmp_path / "small.txt", "ok")
    big = _text(tmp_path / "big.txt", "much too big")

    @task
    def two() -> tuple[File, File]:
        return File(small), File(big)

    store = FullStorage()
    with registered(store):
        params = ExecutionParameters(raw_output_prefix="mem://bucket/raw")
        expected = r"task '.*two', output 'o1'.*big\.txt.*mem://bucket/raw/.*File too large"
        with pytest.raises(TaskOutputError, match=expected):
            two.dispatch_execute(params, two.inputs_to_literals({}))
    assert store.objects == {}  # the first output's upload was removed again
