"""The entrypoint's pieces in-process: options, environment, error documents, plugin hooks."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "entrypoint"
if str(FIXTURES) not in sys.path:
    sys.path.insert(0, str(FIXTURES))

import ep_tasks  # noqa: E402
from flyteidl.core import errors_pb2, literals_pb2  # noqa: E402

from featherkit import entrypoint, error_document, hookimpl  # noqa: E402
from featherkit.errors import RecoverableError, TaskInputError  # noqa: E402
from featherkit.testing import registered  # noqa: E402

MODULE_RESOLVER = "featherkit.resolvers.module"


@pytest.fixture(autouse=True)
def _keep_sys_path(monkeypatch: pytest.MonkeyPatch) -> None:
    # main() appends the working directory to sys.path, as a pod needs
    monkeypatch.setattr(sys, "path", list(sys.path))


def _options(tmp_path: Path, task_name: str, inputs: dict[str, Any] | None, **kw: Any) -> Any:
    uri = None
    if inputs is not None:
        task = getattr(ep_tasks, task_name)
        path = tmp_path / "inputs.pb"
        path.write_bytes(task.inputs_to_literals(inputs).SerializeToString())
        uri = str(path)
    return entrypoint.Options(
        output_prefix=kw.pop("output_prefix", str(tmp_path / "out")),
        resolver=MODULE_RESOLVER,
        loader_args=["task-module", "ep_tasks", "task-name", task_name],
        inputs=uri,
        **kw,
    )


def _error(path: Path) -> errors_pb2.ContainerError:
    document = errors_pb2.ErrorDocument()
    document.ParseFromString(path.read_bytes())
    return document.error


# --- options -----------------------------------------------------------------------------------


def test_templates_and_empty_previous_checkpoint_mean_absent() -> None:
    options = entrypoint.parse_args([
        "--inputs", "{{.input}}", "--output-prefix", "s3://b/out",
        "--raw-output-data-prefix", "{{.rawOutputDataPrefix}}",
        "--checkpoint-path", "{{.checkpointOutputPrefix}}",
        "--prev-checkpoint", '""', "--resolver", MODULE_RESOLVER,
        "--", "task-module", "m", "task-name", "t",
    ])
    assert options == entrypoint.Options(
        output_prefix="s3://b/out", resolver=MODULE_RESOLVER,
        loader_args=["task-module", "m", "task-name", "t"],
    )


def test_substituted_values_are_kept() -> None:
    options = entrypoint.parse_args([
        "--inputs", "s3://b/in/inputs.pb", "--output-prefix", "s3://b/out",
        "--raw-output-data-prefix", "s3://b/raw", "--checkpoint-path", "s3://b/ck/2",
        "--prev-checkpoint", "s3://b/ck/1", "--resolver", MODULE_RESOLVER,
        "--", "task-module", "m", "task-name", "--looks-like-an-option",
    ])
    assert options.inputs == "s3://b/in/inputs.pb"
    assert options.raw_output_data_prefix == "s3://b/raw"
    assert options.checkpoint_path == "s3://b/ck/2"
    assert options.prev_checkpoint == "s3://b/ck/1"
    assert options.loader_args[-1] == "--looks-like-an-option"


def test_loader_args_without_the_separator_are_accepted() -> None:
    options = entrypoint.parse_args(
        ["--output-prefix", "o", "--resolver", "r", "task-module", "m", "task-name", "t"]
    )
    assert options.loader_args == ["task-module", "m", "task-name", "t"]


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--output-prefix", "o"],
        ["--resolver", "r", "--output-prefix", ""],
        ["--resolver", "r", "--output-prefix", "o", "--inputs"],
        ["--resolver", "r", "--output", "o"],  # no abbreviations: the contract spells options out
    ],
)
def test_bad_options_exit_two(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        entrypoint.parse_args(argv)
    assert exc.value.code == 2
    assert "usage: featherkit-execute" in capsys.readouterr().err


# --- environment -------------------------------------------------------------------------------


def test_identity_prefers_long_names_and_keeps_local_defaults() -> None:
    exe, tid = entrypoint.identity_from_env({
        "FLYTE_INTERNAL_EXECUTION_ID": "long", "_F_NM": "short", "_F_PRJ": "p",
        "FLYTE_INTERNAL_TASK_VERSION": "v3",
    })
    assert (exe.project, exe.domain, exe.name) == ("p", "local", "long")
    assert (tid.project, tid.name, tid.version) == ("", "", "v3")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("True", True), ("1", True), ("t", True), ("false", False), ("", False),
     (None, False), ("no", False)],
)
def test_fail_on_error_values(value: str | None, expected: bool) -> None:
    environ = {} if value is None else {"FLYTE_FAIL_ON_ERROR": value}
    assert entrypoint.fail_on_error(environ) is expected


def test_error_file_names() -> None:
    assert entrypoint.error_file_and_worker({}) == ("error.pb", "")
    first, worker = entrypoint.error_file_and_worker({"_F_DES": "Earliest", "_F_WN": "w1"})
    second, _ = entrypoint.error_file_and_worker({"_F_DES": "Earliest"})
    assert worker == "w1"
    assert first != second
    assert first.startswith("error-")


# --- error documents ---------------------------------------------------------------------------


class _Coded(Exception):
    def __init__(self, code: Any) -> None:
        super().__init__("coded")
        self.error_code = code


@pytest.mark.parametrize(
    ("code", "expected"),
    [("ABC", "ABC"), (42, "42"), (None, "USER:_Coded"), (True, "USER:_Coded"),
     ("", "USER:_Coded"), (["x"], "USER:_Coded")],
)
def test_user_codes(code: Any, expected: str) -> None:
    assert error_document.user_code(_Coded(code)) == expected


def test_document_fields_match_flyteidl_enums() -> None:
    report = error_document.user_error(RecoverableError("again"), "task 't' failed")
    container_error = report.to_document("w0").error
    assert container_error.kind == errors_pb2.ContainerError.RECOVERABLE == 1
    assert container_error.origin == 1  # ExecutionError.USER
    assert container_error.worker == "w0"
    assert container_error.code == "USER:RecoverableError"
    assert container_error.message == (
        "task 't' failed\n\nfeatherkit.errors.RecoverableError: again"  # never raised: no frames
    )
    system = error_document.system_error(TaskInputError("bad"), "h").to_document().error
    assert (system.kind, system.origin, system.code) == (0, 2, "SYSTEM:TaskInputError")
    other = error_document.system_error(OSError("disk"), "h").to_document().error
    assert (other.kind, other.origin, other.code) == (1, 2, "SYSTEM:OSError")


def test_an_exception_whose_str_raises_is_still_reported() -> None:
    class Nasty(Exception):
        def __str__(self) -> str:
            raise RuntimeError("no")

    assert error_document.describe(Nasty()).startswith("Nasty: <str() of the exception failed")
    report = error_document.user_error(Nasty(), "h")
    assert report.code == "USER:Nasty"


def test_chained_causes_are_in_the_message() -> None:
    try:
        try:
            {}["missing"]
        except KeyError as inner:
            raise ValueError("outer") from inner
    except ValueError as exc:
        report = error_document.user_error(exc, "h")
    assert "KeyError: 'missing'" in report.message
    assert "ValueError: outer" in report.message


# --- in-process execution and plugin hooks -----------------------------------------------------


class _Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None, Any, BaseException | None]] = []

    @hookimpl
    def execution_finished(
        self, task: Any, params: Any, outputs: Any, error: BaseException | None
    ) -> None:
        self.calls.append((task.name, params.output_prefix, outputs, error))
        from featherkit import storage

        # what the deck plugin does: write a file under the output prefix through storage
        storage.write_bytes(storage.join(params.output_prefix, "deck.html"), b"<html></html>")


def test_execution_finished_gets_outputs_and_the_output_prefix(tmp_path: Path) -> None:
    recorder = _Recorder()
    options = _options(tmp_path, "add", {"a": 1})
    with registered(recorder):
        outcome = entrypoint.execute(options, {})
    assert outcome.written == "outputs.pb"
    assert recorder.calls == [("ep_tasks.add", options.output_prefix, 3, None)]
    assert (tmp_path / "out" / "deck.html").read_bytes() == b"<html></html>"


def test_execution_finished_gets_the_users_exception(tmp_path: Path) -> None:
    recorder = _Recorder()
    with registered(recorder):
        outcome = entrypoint.execute(_options(tmp_path, "fail", {"x": 1}), {})
    assert outcome.written == "error.pb"
    [(_, _, outputs, error)] = recorder.calls
    assert outputs is None
    assert isinstance(error, ValueError)


def test_execution_finished_after_ignore_outputs(tmp_path: Path) -> None:
    recorder = _Recorder()
    with registered(recorder):
        outcome = entrypoint.execute(_options(tmp_path, "ignored", {"x": 1}), {})
    assert outcome.written is None
    assert [(o, e) for _, _, o, e in recorder.calls] == [(None, None)]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["deck.html"]


def test_no_hook_when_the_task_cannot_be_loaded(tmp_path: Path) -> None:
    recorder = _Recorder()
    options = entrypoint.Options(
        output_prefix=str(tmp_path / "out"), resolver=MODULE_RESOLVER,
        loader_args=["task-module", "ep_tasks", "task-name", "no_such_task"],
    )
    with registered(recorder):
        outcome = entrypoint.execute(options, {})
    assert recorder.calls == []
    assert outcome.report is not None
    assert outcome.report.origin == "USER"
    assert "no_such_task" in outcome.report.message


def test_a_failing_pre_execute_plugin_is_a_recoverable_system_error(tmp_path: Path) -> None:
    class Broken:
        @hookimpl
        def pre_execute(self, task: Any, params: Any) -> None:
            raise ConnectionError("secrets service unreachable")

    with registered(Broken()):
        outcome = entrypoint.execute(_options(tmp_path, "add", {"a": 1}), {})
    error = _error(tmp_path / "out" / "error.pb")
    assert (error.origin, error.kind, error.code) == (2, 1, "SYSTEM:ConnectionError")
    assert "secrets service unreachable" in error.message
    assert outcome.report is not None


class _FlakyStore:
    """Storage whose outputs.pb writes fail (the network dropped) but error.pb writes work."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, uri: str) -> Path:
        return self.root / uri.split("://", 1)[1]

    def read_bytes(self, uri: str) -> bytes:
        return self._path(uri).read_bytes()

    def write_bytes(self, uri: str, data: bytes) -> None:
        if uri.endswith("outputs.pb"):
            raise TimeoutError(f"upload of {uri} timed out")
        path = self._path(uri)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def exists(self, uri: str) -> bool:
        return self._path(uri).exists()

    def download(self, uri: str, local_path: str) -> None:
        Path(local_path).write_bytes(self.read_bytes(uri))

    def upload(self, local_path: str, uri: str) -> None:
        self.write_bytes(uri, Path(local_path).read_bytes())


def test_failing_to_write_outputs_is_a_recoverable_system_error(tmp_path: Path) -> None:
    store = _FlakyStore(tmp_path / "bucket")

    class Plugin:
        @hookimpl
        def register_storage(self, register: Any) -> None:
            register("flaky", store)

    with registered(Plugin()):
        outcome = entrypoint.execute(
            _options(tmp_path, "add", {"a": 1}, output_prefix="flaky://out"), {}
        )
    assert outcome.written == "error.pb"
    error = _error(tmp_path / "bucket" / "out" / "error.pb")
    assert (error.origin, error.kind, error.code) == (2, 1, "SYSTEM:TimeoutError")
    assert "upload of flaky://out/outputs.pb timed out" in error.message


def test_main_returns_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = tmp_path / "inputs.pb"
    inputs.write_bytes(ep_tasks.fail.inputs_to_literals({"x": 1}).SerializeToString())
    argv = ["--inputs", str(inputs), "--output-prefix", str(tmp_path / "out"), "--resolver",
            MODULE_RESOLVER, "--", "task-module", "ep_tasks", "task-name", "fail"]
    monkeypatch.delenv("FLYTE_FAIL_ON_ERROR", raising=False)
    assert entrypoint.main(argv) == 0
    monkeypatch.setenv("FLYTE_FAIL_ON_ERROR", "true")
    assert entrypoint.main(argv) == 1
    inputs.write_bytes(ep_tasks.fail.inputs_to_literals({"x": 0}).SerializeToString())
    assert entrypoint.main(argv) == 0
    literal_map = literals_pb2.LiteralMap()
    literal_map.ParseFromString((tmp_path / "out" / "outputs.pb").read_bytes())
    assert literal_map.literals["o0"].scalar.primitive.integer == 0
