"""featherkit-fsspec against a real S3-compatible server (moto on loopback) and fsspec's
in-memory and local filesystems; and the container entrypoint on S3 prefixes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import featherkit_fsspec
import fsspec
import fsspec_pod_tasks
import pytest
from featherkit_fsspec import FsspecStorage, storage_options
from featherkit_fsspec.testing import S3Server
from flyteidl.core import errors_pb2, execution_pb2

from featherkit import extend
from featherkit.extend import FeatherkitUserError
from featherkit.testing import run_in_pod

# --- registration ------------------------------------------------------------------------------


def test_object_store_schemes_are_served_and_local_paths_stay_with_core(tmp_path: Path) -> None:
    for uri in ("s3://b/k", "gs://b/k", "abfs://c/k", "memory://x", "sftp://h/x"):
        assert isinstance(extend.storage_for(uri), FsspecStorage), uri
    assert not isinstance(extend.storage_for(str(tmp_path)), FsspecStorage)
    assert not isinstance(extend.storage_for(tmp_path.as_uri()), FsspecStorage)


def test_registering_does_not_import_fsspec(tmp_path: Path) -> None:
    """A pod that touches only local paths does not pay for importing fsspec."""
    code = (
        "import sys\n"
        "from featherkit import extend\n"
        "assert type(extend.storage_for('s3://bucket/key')).__name__ == 'FsspecStorage'\n"
        "extend.write_bytes(sys.argv[1], b'x')\n"
        "print('fsspec' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "f")],
        capture_output=True, text=True, check=True, timeout=60,
    )
    assert out.stdout.strip() == "False", out.stderr
    assert (tmp_path / "f").read_bytes() == b"x"


# --- memory:// and other fsspec filesystems ----------------------------------------------------


def test_memory_round_trip(tmp_path: Path) -> None:
    uri = "memory://featherkit-tests/a/outputs.pb"
    assert not extend.exists(uri)
    extend.write_bytes(uri, b"\x00payload")
    assert extend.exists(uri)
    assert extend.read_bytes(uri) == b"\x00payload"
    backend = extend.storage_for(uri)
    backend.download(uri, str(tmp_path / "d" / "copy"))
    assert (tmp_path / "d" / "copy").read_bytes() == b"\x00payload"
    (tmp_path / "src").write_bytes(b"uploaded")
    backend.upload(str(tmp_path / "src"), "memory://featherkit-tests/b/up")
    assert extend.read_bytes("memory://featherkit-tests/b/up") == b"uploaded"


def test_filesystems_without_atomic_puts_write_a_temporary_and_move_it(tmp_path: Path) -> None:
    target = tmp_path / "dir" / "outputs.pb"
    uri = "local://" + str(target)
    moves: list[tuple[str, str]] = []
    fs = fsspec.filesystem("local")
    original_mv = type(fs).mv

    def spy_mv(self: Any, src: str, dst: str, **kwargs: Any) -> Any:
        moves.append((src, dst))
        assert not target.exists()  # the data is complete under the temporary name first
        assert Path(src).read_bytes() == b"complete"
        return original_mv(self, src, dst, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(type(fs), "mv", spy_mv)
        extend.write_bytes(uri, b"complete")
    assert target.read_bytes() == b"complete"
    [(src, dst)] = moves
    assert Path(src).name.startswith(".outputs.pb.")
    assert dst == str(target)
    assert os.listdir(target.parent) == ["outputs.pb"]


def test_a_failed_move_leaves_neither_target_nor_temporary(tmp_path: Path) -> None:
    target = tmp_path / "outputs.pb"
    fs = fsspec.filesystem("local")

    def broken_mv(self: Any, src: str, dst: str, **kwargs: Any) -> Any:
        raise OSError("the connection dropped")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(type(fs), "mv", broken_mv)
        with pytest.raises(OSError, match="connection dropped"):
            extend.write_bytes("local://" + str(target), b"data")
    assert os.listdir(tmp_path) == []


def test_an_unknown_protocol_is_a_clear_error() -> None:
    with pytest.raises(FeatherkitUserError, match=r"no storage is installed for nosuch://"):
        extend.read_bytes("nosuch://bucket/key")


def test_a_missing_driver_names_the_package_to_install() -> None:
    fsspec.register_implementation(
        "fkmissing", "featherkit_no_such_driver.FileSystem",
        errtxt="install featherkit-no-such-driver", clobber=True,
    )
    with pytest.raises(FeatherkitUserError, match=r"driver for fkmissing:// is not installed"):
        extend.read_bytes("fkmissing://bucket/key")


# --- options from the environment --------------------------------------------------------------


def test_flyte_aws_variables_become_s3fs_options() -> None:
    env = {
        "FLYTE_AWS_ENDPOINT": "http://minio:9000",
        "FLYTE_AWS_ACCESS_KEY_ID": "minio",
        "FLYTE_AWS_SECRET_ACCESS_KEY": "miniostorage",
        "FLYTE_AWS_ADDRESSING_STYLE": "path",
    }
    assert storage_options("s3", env) == {
        "key": "minio",
        "secret": "miniostorage",
        "client_kwargs": {"endpoint_url": "http://minio:9000"},
        "config_kwargs": {"s3": {"addressing_style": "path"}},
    }
    assert storage_options("gs", env) == {}
    assert storage_options("s3", {}) == {}


def test_flyte_azure_variables_become_adlfs_options() -> None:
    env = {"FLYTE_AZURE_STORAGE_ACCOUNT_NAME": "acct", "FLYTE_AZURE_TENANT_ID": "t"}
    assert storage_options("abfs", env) == {"account_name": "acct", "tenant_id": "t"}


def test_fsspec_configuration_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    from fsspec.config import conf

    monkeypatch.setitem(conf, "s3", {"key": "from-fsspec-config"})
    options = storage_options(
        "s3", {"FLYTE_AWS_ACCESS_KEY_ID": "from-flyte", "FLYTE_AWS_ENDPOINT": "e"}
    )
    assert "key" not in options
    assert options["client_kwargs"] == {"endpoint_url": "e"}


# --- S3 (moto) ---------------------------------------------------------------------------------


def test_s3_round_trip(bucket: str, s3: S3Server, tmp_path: Path) -> None:
    uri = f"s3://{bucket}/metadata/run/outputs.pb"
    assert not extend.exists(uri)
    extend.write_bytes(uri, b"first")
    extend.write_bytes(uri, b"second")
    assert extend.exists(uri)
    assert extend.read_bytes(uri) == b"second"
    # what another client sees on the server
    assert s3.filesystem().cat_file(f"{bucket}/metadata/run/outputs.pb") == b"second"
    backend = extend.storage_for(uri)
    big = os.urandom(3 * 1024 * 1024)
    (tmp_path / "big").write_bytes(big)
    backend.upload(str(tmp_path / "big"), f"s3://{bucket}/raw/big.bin")
    backend.download(f"s3://{bucket}/raw/big.bin", str(tmp_path / "back" / "big"))
    assert (tmp_path / "back" / "big").read_bytes() == big
    assert sorted(p.name for p in (tmp_path / "back").iterdir()) == ["big"]


def test_s3_missing_object(bucket: str) -> None:
    with pytest.raises(FileNotFoundError):
        extend.read_bytes(f"s3://{bucket}/no/such/key")
    assert not extend.exists(f"s3://{bucket}/no/such/key")


def test_s3_writes_go_straight_to_the_key(bucket: str, s3: S3Server) -> None:
    extend.write_bytes(f"s3://{bucket}/p/outputs.pb", b"x")
    assert s3.filesystem().find(bucket) == [f"{bucket}/p/outputs.pb"]
    assert "s3" in featherkit_fsspec.ATOMIC_PUT_PROTOCOLS


# --- the entrypoint on S3 prefixes -------------------------------------------------------------


def test_pod_reads_inputs_from_and_writes_outputs_to_s3(
    bucket: str, s3: S3Server, tmp_path: Path
) -> None:
    prefix = f"s3://{bucket}/metadata/propeller/run-1/n0/data/0"
    run = run_in_pod(
        fsspec_pod_tasks.greet, tmp_path, {"name": "flyte", "times": 2}, env=s3.env,
        output_prefix=prefix, inputs_uri=f"s3://{bucket}/metadata/run-1/inputs.pb",
        raw_output_prefix=f"s3://{bucket}/raw/run-1",
    )
    assert run.returncode == 0, run.stderr
    assert run.outputs() == ["hello flyte", "hello flyte"]
    assert s3.filesystem().find(f"{bucket}/metadata/propeller") == [
        f"{prefix[5:]}/outputs.pb"
    ]


def test_pod_writes_error_pb_to_s3(bucket: str, s3: S3Server, tmp_path: Path) -> None:
    prefix = f"s3://{bucket}/out"
    run = run_in_pod(
        fsspec_pod_tasks.explode, tmp_path, {"name": "x"}, env=s3.env, output_prefix=prefix,
        inputs_uri=f"s3://{bucket}/in/inputs.pb",
    )
    assert run.returncode == 0, run.stderr
    error = run.error()
    assert error is not None
    assert error.origin == execution_pb2.ExecutionError.USER
    assert error.kind == errors_pb2.ContainerError.NON_RECOVERABLE
    assert error.code == "USER:RuntimeError"
    assert "cannot greet x" in error.message
    assert not run.written("outputs.pb")


def test_pod_with_inputs_missing_on_s3_reports_a_recoverable_system_error(
    bucket: str, s3: S3Server, tmp_path: Path
) -> None:
    run = run_in_pod(
        fsspec_pod_tasks.greet, tmp_path, None, env=s3.env, output_prefix=f"s3://{bucket}/out",
        inputs_uri=f"s3://{bucket}/in/never-written.pb",
    )
    assert run.returncode == 0, run.stderr
    error = run.error()
    assert error is not None
    assert error.origin == execution_pb2.ExecutionError.SYSTEM
    assert error.kind == errors_pb2.ContainerError.RECOVERABLE
    assert error.code == "SYSTEM:FileNotFoundError"
    assert "never-written.pb" in error.message


# --- the output prefix is checked before the task runs -----------------------------------------


@pytest.mark.parametrize("prefix", ["nosuchscheme://bucket/out", "s3x://bucket/run/0"])
def test_pod_with_an_unserved_output_prefix_exits_2_before_running_the_task(
    prefix: str, tmp_path: Path
) -> None:
    marker = tmp_path / "side-effect"
    run = run_in_pod(
        fsspec_pod_tasks.touch, tmp_path, {"marker": str(marker)}, output_prefix=prefix,
    )
    assert run.returncode == 2, run.stderr
    assert "--output-prefix" in run.stderr
    assert not marker.exists(), "the task ran although its outputs could not be written"


def test_check_refuses_an_unknown_protocol_and_accepts_memory() -> None:
    backend = FsspecStorage()
    with pytest.raises(FeatherkitUserError, match="nosuchscheme"):
        extend.check_storage("nosuchscheme://b/k")
    backend.check("memory://featherkit-check/x")  # served: no error, nothing written
    assert not fsspec.filesystem("memory").exists("/featherkit-check/x")
