"""Files and directories through S3 (moto): upload, lazy download, streaming, listing."""

from __future__ import annotations

import re
import tempfile
import typing
from pathlib import Path

import fsspec_pod_tasks
import pytest
from featherkit_fsspec.testing import S3Server

from featherkit import Directory, File
from featherkit.extend import ExecutionParameters, execution, type_engine
from featherkit.testing import run_in_pod


@pytest.fixture(autouse=True)
def _scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "scratch").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "scratch"))


def test_file_and_directory_round_trip_through_s3(tmp_path: Path, bucket: str) -> None:
    (tmp_path / "in.csv").write_text("a,b\n1,2\n")
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "d" / "top.txt").write_text("top")
    (tmp_path / "d" / "sub" / "deep.txt").write_text("deep")
    engine = type_engine()
    raw = f"s3://{bucket}/raw"
    with execution(ExecutionParameters(raw_output_prefix=raw)):
        file_uri = engine.to_literal(str(tmp_path / "in.csv"), File["csv"]).scalar.blob.uri
        dir_uri = engine.to_literal(str(tmp_path / "d"), Directory).scalar.blob.uri
        fresh = File.new_remote("streamed.bin")
        with fresh.open("wb") as fh:
            fh.write(b"x" * 100)
        fresh_uri = engine.to_literal(fresh, File).scalar.blob.uri
    assert re.fullmatch(rf"s3://{bucket}/raw/[0-9a-f]{{32}}/in\.csv", file_uri)
    assert re.fullmatch(rf"s3://{bucket}/raw/[0-9a-f]{{32}}", dir_uri)

    value = engine.to_python_value(engine.to_literal(file_uri, File["csv"]), File["csv"])
    with value.open("r") as fh:
        assert fh.read() == "a,b\n1,2\n"
    assert not value.downloaded
    assert Path(value.download()).read_text() == "a,b\n1,2\n"

    folder = engine.to_python_value(engine.to_literal(dir_uri, Directory), Directory)
    assert [f.remote_source for f in folder.walk()] == [
        f"{dir_uri}/sub/deep.txt",
        f"{dir_uri}/top.txt",
    ]
    assert [type(e).__name__ for e in folder.listdir()] == ["Directory", "File"]
    local = folder.download()
    assert Path(local, "sub", "deep.txt").read_text() == "deep"

    with File(fresh_uri).open("rb") as fh:
        assert fh.read() == b"x" * 100


def _write_then_fail(handle: typing.IO[bytes]) -> None:
    with handle as fh:
        fh.write(b"half")
        raise RuntimeError("boom")


def test_an_aborted_stream_leaves_no_object(bucket: str, s3: object) -> None:
    from featherkit import extend as storage

    uri = f"s3://{bucket}/raw/aborted.bin"
    handle = storage.open_uri(uri, "wb")
    with pytest.raises(RuntimeError, match="boom"):
        _write_then_fail(handle)
    assert not storage.exists(uri)


def test_content_digest_changes_with_content(bucket: str, s3: object) -> None:
    from featherkit import extend as storage

    uri = f"s3://{bucket}/k"
    storage.write_bytes(uri, b"one")
    first = storage.content_digest(uri)
    storage.write_bytes(uri, b"two")
    assert storage.content_digest(uri) != first


def test_a_pod_reads_and_writes_files_on_s3(bucket: str, s3: S3Server, tmp_path: Path) -> None:
    from featherkit import extend as storage

    source = f"s3://{bucket}/upstream/in.txt"
    storage.write_bytes(source, b"hello")
    for name in ("a.txt", "sub/b.txt"):
        storage.write_bytes(f"s3://{bucket}/upstream/dir/{name}", name.encode())
    raw = f"s3://{bucket}/raw/run-1"
    run = run_in_pod(
        fsspec_pod_tasks.upper, tmp_path,
        {"f": source, "d": f"s3://{bucket}/upstream/dir"},
        env=s3.env, output_prefix=f"s3://{bucket}/out", raw_output_prefix=raw,
    )
    assert run.returncode == 0, run.stderr
    streamed, local, listing = run.outputs()
    assert streamed.remote_source.startswith(raw + "/")
    assert storage.read_bytes(streamed.remote_source) == b"HELLO"
    assert re.fullmatch(rf"{re.escape(raw)}/[0-9a-f]{{32}}/local\.txt", local.remote_source)
    assert storage.read_bytes(local.remote_source) == b"made in the pod"
    assert listing == [f"s3://{bucket}/upstream/dir/a.txt", f"s3://{bucket}/upstream/dir/sub/b.txt"]
