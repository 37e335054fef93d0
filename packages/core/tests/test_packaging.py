"""Registration files and packages: flytekit's layout, reproducible bytes, nothing partial."""

from __future__ import annotations

import gzip
import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from flyteidl.admin import task_pb2

from featherkit.packaging import (
    PackagingError,
    SerializedFile,
    file_names,
    package_bytes,
    serialized_files,
    write_directory,
    write_package,
)

PROJ = Path(__file__).parent / "fixtures" / "serialize" / "proj"
FLOWS = PROJ / "serfix_flows"


def test_file_names_are_zero_padded_like_flytekit():
    assert file_names(["a.t"]) == ["0_a.t_1.pb"]
    assert file_names([f"m.t{i}" for i in range(10)])[-1] == "9_m.t9_1.pb"
    eleven = file_names([f"m.t{i}" for i in range(11)])
    assert eleven[0] == "00_m.t0_1.pb" and eleven[-1] == "10_m.t10_1.pb"
    assert file_names([f"m.t{i}" for i in range(101)])[5] == "005_m.t5_1.pb"
    assert file_names(["a.t"], "json") == ["0_a.t_1.json"]
    assert file_names([]) == []


@pytest.mark.parametrize("bad", ["", "a/b", "a\\b", "a\x00b"])
def test_names_that_cannot_be_file_names(bad):
    with pytest.raises(PackagingError, match="cannot be part of a file name"):
        file_names([bad])


def _spec(name: str) -> task_pb2.TaskSpec:
    spec = task_pb2.TaskSpec()
    spec.template.id.name = name
    spec.template.config.update({"z": "1", "a": "2"})
    return spec


def test_serialized_files_pb_and_json():
    specs = [_spec("m.one"), _spec("m.two")]
    pb = serialized_files(specs)
    assert [f.name for f in pb] == ["0_m.one_1.pb", "1_m.two_1.pb"]
    assert task_pb2.TaskSpec.FromString(pb[1].data) == specs[1]
    [js] = serialized_files(specs[:1], "json")
    assert js.name == "0_m.one_1.json"
    text = js.data.decode()
    assert text.endswith("}\n") and text.index('"a"') < text.index('"z"')
    with pytest.raises(PackagingError, match="unknown format 'yaml'"):
        serialized_files(specs, "yaml")


def test_package_structure_is_reproducible():
    files = [SerializedFile("1_b_1.pb", b"second"), SerializedFile("0_a_1.pb", b"first")]
    data = package_bytes(files)
    assert data == package_bytes(list(reversed(files)))
    # gzip header: no file name flag, mtime 0
    assert data[:3] == b"\x1f\x8b\x08" and data[3] & 0x08 == 0 and data[4:8] == b"\0\0\0\0"
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        members = tar.getmembers()
        assert [m.name for m in members] == ["0_a_1.pb", "1_b_1.pb"]
        for member in members:
            assert member.isfile() and member.mode == 0o644 and member.mtime == 0
            assert (member.uid, member.gid, member.uname, member.gname) == (0, 0, "", "")
            assert not member.pax_headers
        assert tar.extractfile("0_a_1.pb").read() == b"first"
    assert len(gzip.decompress(data)) % 10240 == 0


def test_package_refuses_duplicate_names():
    with pytest.raises(PackagingError, match="share a name"):
        package_bytes([SerializedFile("0_a_1.pb", b""), SerializedFile("0_a_1.pb", b"")])


def test_write_package_errors(tmp_path):
    files = [SerializedFile("0_a_1.pb", b"x")]
    with pytest.raises(PackagingError, match="nothing to package"):
        write_package([], tmp_path / "p.tgz")
    with pytest.raises(PackagingError, match="is a directory"):
        write_package(files, tmp_path)
    with pytest.raises(PackagingError, match="does not exist"):
        write_package(files, tmp_path / "missing" / "p.tgz")
    written = write_package(files, tmp_path / "p.tgz")
    assert written.read_bytes() == package_bytes(files)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.tgz"]  # no temporary left


def test_write_directory_replaces_earlier_runs_files_only(tmp_path):
    (tmp_path / "0_old.task_1.pb").write_bytes(b"stale")
    (tmp_path / "3_old.wf_2.json").write_bytes(b"stale")
    (tmp_path / "notes.txt").write_text("mine")
    write_directory([SerializedFile("0_new.task_1.pb", b"new")], tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0_new.task_1.pb", "notes.txt"]
    assert (tmp_path / "0_new.task_1.pb").read_bytes() == b"new"


def test_write_directory_refuses_a_file(tmp_path):
    (tmp_path / "f").write_text("")
    with pytest.raises(PackagingError, match="not a directory"):
        write_directory([], tmp_path / "f")


# -- determinism across processes ----------------------------------------------------------------


def _package(cwd: Path, targets: list[str], out: Path, **env: str) -> bytes:
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    environment.update(env)
    done = subprocess.run(
        [sys.executable, "-m", "featherkit.cli", "package", *targets,
         "--image", "ghcr.io/acme/app:v1", "--version", "v1", "-o", str(out)],
        cwd=cwd, env=environment, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return out.read_bytes()


def test_same_code_and_settings_same_bytes_in_any_process(tmp_path):
    """Working directory, hash seed, environment and import order do not change the bytes."""
    (tmp_path / "elsewhere").mkdir()
    first = _package(
        tmp_path / "elsewhere", [str(FLOWS)], tmp_path / "a.tgz", PYTHONHASHSEED="0"
    )
    second = _package(
        PROJ, ["serfix_flows"], tmp_path / "b.tgz",
        PYTHONHASHSEED="4242", FEATHERKIT_UNRELATED="x", LANG="C", TZ="Asia/Tokyo",
    )
    third = _package(
        Path("/"),
        [str(FLOWS / "sub"), str(FLOWS / "beta.py"), str(FLOWS / "alpha.py")],
        tmp_path / "c.tgz", PYTHONHASHSEED="random",
    )
    assert first == second == third
    with tarfile.open(fileobj=io.BytesIO(first), mode="r:gz") as tar:
        assert tar.getnames() == [
            "0_serfix_flows.alpha.add_1.pb",
            "1_serfix_flows.alpha.greet_1.pb",
            "2_serfix_flows.beta.noop_1.pb",
            "3_serfix_flows.beta.stats_1.pb",
            "4_serfix_flows.sub.gamma.zeta_1.pb",
        ]
