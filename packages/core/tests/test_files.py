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


class ListingMemoryStorage(MemoryStorage):
    def list_files(self, uri: str) -> list[str]:
        prefix = uri.rstrip("/") + "/"
        return sorted(k for k in self.objects if k.startswith(prefix) or k == uri)


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
    assert File[None] is File


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
    def double(f: File) -> File["txt"]:
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


def test_uploads_to_a_remote_prefix_and_new_remote(tmp_path: Path, mem: ListingMemoryStorage) -> None:
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


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    target = File(str(tmp_path / "out" / "out.bin"))
    with pytest.raises(RuntimeError), target.open("wb") as fh:
        fh.write(b"half")
        raise RuntimeError("boom")
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
    with pytest.raises(TaskInputError, match=r"task '.*read', input 'f'.*nope\.txt' does not exist"):
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
