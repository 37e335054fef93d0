"""Core storage: local paths and file:// URIs, atomic writes, choosing a backend by scheme."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from featherkit import hookimpl, storage
from featherkit.errors import FeatherkitUserError
from featherkit.testing import registered


def test_write_read_exists_round_trip(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "outputs.pb"
    assert not storage.exists(str(target))
    storage.write_bytes(str(target), b"\x00\x01payload")
    assert storage.exists(str(target))
    assert storage.read_bytes(str(target)) == b"\x00\x01payload"
    assert os.listdir(target.parent) == ["outputs.pb"]  # no temporary file left


def test_file_uris_with_escapes(tmp_path: Path) -> None:
    target = tmp_path / "with space" / "x.pb"
    uri = target.as_uri()
    assert "%20" in uri
    storage.write_bytes(uri, b"data")
    assert target.read_bytes() == b"data"
    assert storage.read_bytes(uri) == b"data"
    assert storage.exists(uri)


def test_overwrite_replaces_the_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "f"
    storage.write_bytes(str(target), b"x" * 1000)
    storage.write_bytes(str(target), b"short")
    assert target.read_bytes() == b"short"


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "outputs.pb"
    target.write_bytes(b"previous")

    def broken_fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="Input/output error"):
        storage.write_bytes(str(target), b"new content")
    assert target.read_bytes() == b"previous"
    assert os.listdir(tmp_path) == ["outputs.pb"]


def test_written_files_get_the_usual_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        storage.write_bytes(str(tmp_path / "f"), b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "f").stat().st_mode) == 0o644


def test_download_and_upload(tmp_path: Path) -> None:
    backend = storage.storage_for(str(tmp_path))
    source = tmp_path / "src"
    source.write_bytes(b"abc")
    backend.upload(str(source), str(tmp_path / "up" / "dst"))
    backend.download(str(tmp_path / "up" / "dst"), str(tmp_path / "down" / "copy"))
    assert (tmp_path / "down" / "copy").read_bytes() == b"abc"


@pytest.mark.parametrize(
    ("base", "parts", "expected"),
    [
        ("s3://bucket/prefix/", ("outputs.pb",), "s3://bucket/prefix/outputs.pb"),
        ("gs://b/p", ("/a/", "b.pb"), "gs://b/p/a/b.pb"),
        ("/tmp/x", ("outputs.pb",), os.path.join("/tmp/x", "outputs.pb")),
        ("file:///tmp/x", ("y",), "file:///tmp/x/y"),
    ],
)
def test_join(base: str, parts: tuple[str, ...], expected: str) -> None:
    assert storage.join(base, *parts) == expected


@pytest.mark.parametrize(
    ("uri", "scheme"),
    [("s3://b/k", "s3"), ("/tmp/x", ""), ("relative/x", ""), ("file:///x", "file"),
     ("C:\\data\\x", ""), ("abfs://c@a.dfs.core.windows.net/x", "abfs")],
)
def test_scheme_of(uri: str, scheme: str) -> None:
    assert storage.scheme_of(uri) == scheme


class _Memory:
    def __init__(self, label: str) -> None:
        self.label = label
        self.data: dict[str, bytes] = {}

    def read_bytes(self, uri: str) -> bytes:
        return self.data[uri]

    def write_bytes(self, uri: str, data: bytes) -> None:
        self.data[uri] = data

    def exists(self, uri: str) -> bool:
        return uri in self.data

    def download(self, uri: str, local_path: str) -> None:
        storage.atomic_write(local_path, self.data[uri])

    def upload(self, local_path: str, uri: str) -> None:
        self.data[uri] = Path(local_path).read_bytes()


def _plugin(**schemes: Any) -> object:
    class Plugin:
        @hookimpl
        def register_storage(self, register: Any) -> None:
            for scheme, backend in schemes.items():
                register("*" if scheme == "any" else scheme, backend)

    return Plugin()


@pytest.fixture
def only_builtin_plugins(fresh_plugins: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Core's builtins only, even where featherkit-fsspec (which serves any scheme) is
    installed."""
    monkeypatch.setenv("FEATHERKIT_PLUGINS", "")


@pytest.mark.usefixtures("only_builtin_plugins")
def test_a_scheme_without_storage_names_the_plugin_to_install() -> None:
    with pytest.raises(FeatherkitUserError, match=r"nosuch:// URIs .*featherkit-fsspec"):
        storage.storage_for("nosuch://bucket/key")


@pytest.mark.usefixtures("only_builtin_plugins")
def test_exact_schemes_win_over_the_wildcard_which_never_serves_local_paths(
    tmp_path: Path,
) -> None:
    exact, wildcard = _Memory("exact"), _Memory("wildcard")
    with registered(_plugin(mem=exact, any=wildcard)):
        assert storage.storage_for("mem://x") is exact
        assert storage.storage_for("other://x") is wildcard
        assert storage.storage_for(str(tmp_path)) is not wildcard
        assert storage.storage_for(tmp_path.as_uri()) is not wildcard
        storage.write_bytes("other://b/k", b"v")
        assert wildcard.data == {"other://b/k": b"v"}
        assert storage.read_bytes("other://b/k") == b"v"
        assert storage.exists("other://b/k")
    # unregistered again
    with pytest.raises(FeatherkitUserError):
        storage.storage_for("other://x")


def test_two_plugins_claiming_one_scheme_is_an_error() -> None:
    from featherkit.plugins import PluginError

    with registered(_plugin(mem=_Memory("a")), name="a"), registered(
        _plugin(mem=_Memory("b")), name="b"
    ), pytest.raises(PluginError, match=r"'mem'.*both"):
        storage.storage_for("mem://x")


def test_memory_storage_serves_its_scheme_while_registered(tmp_path: Path) -> None:
    from featherkit.testing import MemoryStorage

    store = MemoryStorage("memtest")
    with registered(store):
        storage.write_bytes("memtest://bucket/a.pb", b"abc")
        assert storage.exists("memtest://bucket/a.pb")
        assert storage.read_bytes("memtest://bucket/a.pb") == b"abc"
        storage.storage_for("memtest://x").download("memtest://bucket/a.pb", str(tmp_path / "a"))
        assert (tmp_path / "a").read_bytes() == b"abc"
        assert store.downloads == ["memtest://bucket/a.pb"]
        with pytest.raises(FileNotFoundError):
            storage.read_bytes("memtest://bucket/missing")
    assert store.objects == {"memtest://bucket/a.pb": b"abc"}
    with pytest.raises(FeatherkitUserError, match="memtest"):
        storage.read_bytes("memtest://bucket/a.pb")


@pytest.mark.parametrize(
    "uri",
    [
        "", "/tmp/x", "rel/x", "s3://b/k", "S3://b/k", "gs://b", "file:///tmp/x", "c:\\x",
        "C:/x", "a+b.c-d://x", "1s3://x", "s_3://x", "s3:", ":x", "s3", " s3://b", "\ts3://b",
        "s\t3://b", "s3://[::1]/x", "s3://[b/x", "s3://b]/x", "é3://b", "s3://bü/x",
        "http://h:99999/x", "s3://b/a b", "\x00s3://b", "s3:/\nb",
    ],
)
def test_scheme_of_agrees_with_urlparse(uri: str) -> None:
    from urllib.parse import urlparse

    try:
        parsed = urlparse(uri).scheme
        expected: object = parsed if len(parsed) > 1 else ""
    except ValueError:
        expected = ValueError
    try:
        got: object = storage.scheme_of(uri)
    except ValueError:
        got = ValueError
    assert got == expected
