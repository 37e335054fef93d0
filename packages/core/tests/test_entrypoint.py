"""The container entrypoint run as a Flyte pod runs it: a subprocess on serialized args.

Each test serializes a task, takes the container args of its TaskTemplate, substitutes
propeller's templates with local paths, writes inputs.pb, runs ``featherkit-execute`` and
decodes what it wrote (``featherkit.testing.pod`` does the plumbing).
"""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "entrypoint"
if str(FIXTURES) not in sys.path:
    sys.path.insert(0, str(FIXTURES))

import ep_tasks  # noqa: E402
from flyteidl.core import errors_pb2, execution_pb2, literals_pb2  # noqa: E402

from featherkit.testing.pod import run_in_pod  # noqa: E402

USER = execution_pb2.ExecutionError.USER
SYSTEM = execution_pb2.ExecutionError.SYSTEM
RECOVERABLE = errors_pb2.ContainerError.RECOVERABLE
NON_RECOVERABLE = errors_pb2.ContainerError.NON_RECOVERABLE


def test_outputs_of_several_types(tmp_path: Path) -> None:
    when = datetime.datetime(2024, 5, 17, 8, 30, tzinfo=datetime.timezone.utc)
    run = run_in_pod(
        ep_tasks.several,
        tmp_path,
        {"a": 1, "b": 3.0, "s": "hi", "flag": True, "when": when, "xs": [1, 2],
         "m": {"k": 0.5}},
    )
    assert run.returncode == 0, run.stderr
    assert not run.written("error.pb")
    out = run.outputs()
    assert out == ep_tasks.Several(
        total=4, ratio=1.5, label="HI", flag=False, when=when + datetime.timedelta(days=1),
        items=[2, 4], table={"k": 1.5},
    )
    literal_map = run.output_literals()
    assert literal_map is not None
    assert sorted(literal_map.literals) == sorted(ep_tasks.Several._fields)
    assert literal_map.literals["total"].scalar.primitive.integer == 4


def test_the_task_runs_with_the_garbage_collector_on(tmp_path: Path) -> None:
    """The console script pauses the collector while featherkit starts, freezes what that
    created, and turns it back on before the task's module is imported."""
    run = run_in_pod(ep_tasks.collector_state, tmp_path, {})
    assert run.returncode == 0, run.stderr
    assert run.outputs() == "True True True"


def test_an_in_process_main_leaves_the_garbage_collector_alone(tmp_path: Path) -> None:
    import gc

    from featherkit import entrypoint
    from featherkit.testing.pod import container_args, substitute

    args, _ = container_args(ep_tasks.collector_state)
    argv = substitute(args, {"input": "", "outputPrefix": str(tmp_path / "out")})
    frozen = gc.get_freeze_count()
    assert entrypoint.main(argv[1:]) == 0
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_default_input_and_async_task(tmp_path: Path) -> None:
    run = run_in_pod(ep_tasks.add, tmp_path / "add", {"a": 40})
    assert run.returncode == 0, run.stderr
    assert run.outputs() == 42
    run = run_in_pod(ep_tasks.async_double, tmp_path / "async", {"x": 21})
    assert run.returncode == 0, run.stderr
    assert run.outputs() == 42


def test_no_outputs_writes_an_empty_literal_map(tmp_path: Path) -> None:
    run = run_in_pod(ep_tasks.nothing, tmp_path, {"x": 7})
    assert run.returncode == 0, run.stderr
    literal_map = run.output_literals()
    assert literal_map == literals_pb2.LiteralMap()
    assert run.outputs() is None
    assert "side effect only: 7" in run.stdout


def test_user_error(tmp_path: Path) -> None:
    run = run_in_pod(ep_tasks.fail, tmp_path, {"x": 5})
    assert run.returncode == 0, run.stderr
    assert not run.written("outputs.pb")
    error = run.error()
    assert error is not None
    assert (error.origin, error.kind, error.code) == (USER, NON_RECOVERABLE, "USER:ValueError")
    assert "x must not be positive, got 5" in error.message
    # the user's traceback, starting in the user's code (not featherkit's internals)
    assert "ep_tasks.py" in error.message
    assert 'raise ValueError(f"x must not be positive' in error.message
    assert "featherkit/base_task.py" not in error.message
    assert "featherkit/function_task.py" not in error.message
    assert error.timestamp.seconds > 0
    assert error.worker == ""
    # and the pod log says it too
    assert "x must not be positive" in run.stderr


def test_fail_on_error_exits_one_after_writing_error_pb(tmp_path: Path) -> None:
    run = run_in_pod(ep_tasks.fail, tmp_path, {"x": 5}, env={"FLYTE_FAIL_ON_ERROR": "true"})
    assert run.returncode == 1
    error = run.error()
    assert error is not None
    assert error.code == "USER:ValueError"


def test_recoverable_error(tmp_path: Path) -> None:
    run = run_in_pod(ep_tasks.flaky, tmp_path, {"x": 1})
    assert run.returncode == 0, run.stderr
    error = run.error()
    assert error is not None
    assert (error.origin, error.kind, error.code) == (USER, RECOVERABLE, "USER:RecoverableError")
    assert "try again" in error.message


def test_error_code_attribute_is_the_code(tmp_path: Path) -> None:
    run = run_in_pod(ep_tasks.coded, tmp_path, {})
    error = run.error()
    assert error is not None
    assert (error.origin, error.code) == (USER, "USER:QuotaExceeded")


@pytest.mark.parametrize(
    ("case", "data", "expected"),
    [
        ("truncated", "truncated", "not a flyteidl LiteralMap"),
        ("empty", b"", "an empty file"),
        ("wrong-type", "string-for-int", "input 'a'"),
    ],
)
def test_bad_inputs_pb_is_a_non_recoverable_system_error(
    tmp_path: Path, case: str, data: bytes | str, expected: str
) -> None:
    good = ep_tasks.add.inputs_to_literals({"a": 1, "b": 2}).SerializeToString()
    if data == "truncated":
        data = good[: len(good) - 3]
    elif data == "string-for-int":
        data = literals_pb2.LiteralMap(
            literals={"a": literals_pb2.Literal(scalar=literals_pb2.Scalar(
                primitive=literals_pb2.Primitive(string_value="forty")))}
        ).SerializeToString()
    assert isinstance(data, bytes)
    run = run_in_pod(ep_tasks.add, tmp_path, data)
    assert run.returncode == 0, run.stderr
    assert not run.written("outputs.pb")
    error = run.error()
    assert error is not None, run.stderr
    assert (error.origin, error.kind) == (SYSTEM, NON_RECOVERABLE)
    assert error.code == "SYSTEM:TaskInputError"
    assert "ep_tasks.add" in error.message
    assert expected in error.message


def test_another_message_in_inputs_pb_names_what_it_holds(tmp_path: Path) -> None:
    # a serialized TaskTemplate is valid protobuf but not a LiteralMap
    from featherkit.testing.pod import container_args

    _, template = container_args(ep_tasks.add)
    run = run_in_pod(ep_tasks.add, tmp_path, template.SerializeToString())
    error = run.error()
    assert error is not None, run.stderr
    assert (error.origin, error.kind) == (SYSTEM, NON_RECOVERABLE)
    assert "ep_tasks.add" in error.message


def test_empty_inputs_pb_is_fine_for_a_task_without_inputs(tmp_path: Path) -> None:
    run = run_in_pod(ep_tasks.no_inputs, tmp_path, b"")
    assert run.returncode == 0, run.stderr
    assert run.outputs() == "hello"


@pytest.mark.parametrize(
    ("module", "code", "expected"),
    [
        ("ep_broken", "USER:KeyError", "DATABASE_URL"),
        ("ep_missing_dependency", "USER:ModuleNotFoundError",
         "featherkit_test_dependency_that_is_not_installed"),
        ("ep_no_such_module", "USER:ModuleNotFoundError", "ep_no_such_module"),
    ],
)
def test_task_module_that_fails_to_import_is_a_user_error(
    tmp_path: Path, module: str, code: str, expected: str
) -> None:
    run = run_in_pod(
        ep_tasks.add, tmp_path, {"a": 1},
        loader_args=["task-module", module, "task-name", "add"],
    )
    assert run.returncode == 0, run.stderr
    error = run.error()
    assert error is not None, run.stderr
    assert (error.origin, error.kind, error.code) == (USER, NON_RECOVERABLE, code)
    assert expected in error.message
    assert "cannot load the task" in error.message
    if module == "ep_broken":  # the traceback points at the user's line
        assert 'return SETTINGS["DATABASE_URL"]' in error.message


def test_unknown_resolver_is_a_user_error(tmp_path: Path) -> None:
    run = run_in_pod(ep_tasks.add, tmp_path, {"a": 1}, resolver="no.such.resolver")
    assert run.returncode == 0, run.stderr
    error = run.error()
    assert error is not None
    assert (error.origin, error.kind, error.code) == (USER, NON_RECOVERABLE, "USER:ResolverError")
    assert "no.such.resolver" in error.message
    assert "featherkit.resolvers.module" in error.message  # the known ones are listed


def test_bad_loader_args_are_a_user_error(tmp_path: Path) -> None:
    run = run_in_pod(ep_tasks.add, tmp_path, {"a": 1}, loader_args=["task-module", "ep_tasks"])
    error = run.error()
    assert error is not None
    assert (error.origin, error.code) == (USER, "USER:ResolverError")
    assert "task-module <module> task-name <name>" in error.message


def test_ignore_outputs_writes_nothing(tmp_path: Path) -> None:
    run = run_in_pod(ep_tasks.ignored, tmp_path, {"x": 1})
    assert run.returncode == 0, run.stderr
    assert not run.written("outputs.pb")
    assert not run.written("error.pb")
    outputs_dir = tmp_path / "outputs"
    assert not outputs_dir.exists() or list(outputs_dir.iterdir()) == []


def test_sys_exit_in_the_task_is_a_user_error(tmp_path: Path) -> None:
    run = run_in_pod(ep_tasks.exits, tmp_path, {"code": 3})
    assert run.returncode == 0, run.stderr
    error = run.error()
    assert error is not None
    assert (error.origin, error.code) == (USER, "USER:SystemExit"), error.message
    assert "sys.exit(3)" in error.message


def test_output_that_does_not_fit_is_a_non_recoverable_system_error(tmp_path: Path) -> None:
    run = run_in_pod(ep_tasks.wrong_output, tmp_path, {})
    error = run.error()
    assert error is not None
    assert (error.origin, error.kind, error.code) == (
        SYSTEM, NON_RECOVERABLE, "SYSTEM:TaskOutputError"
    )
    assert "ep_tasks.wrong_output" in error.message


def test_execution_identity_and_prefixes_reach_current_context(tmp_path: Path) -> None:
    env = {
        "FLYTE_INTERNAL_EXECUTION_PROJECT": "flytesnacks",
        "FLYTE_INTERNAL_EXECUTION_DOMAIN": "development",
        "FLYTE_INTERNAL_EXECUTION_ID": "a1b2c3",
        # the short forms propeller may set instead
        "_F_TK_PRJ": "flytesnacks",
        "_F_TK_DM": "development",
        "_F_TK_NM": "ep_tasks.whoami",
        "_F_TK_V": "v7",
    }
    run = run_in_pod(
        ep_tasks.whoami, tmp_path, {}, env=env,
        values={"rawOutputDataPrefix": "{{.rawOutputDataPrefix}}", "prevCheckpointPrefix": ""},
    )
    assert run.returncode == 0, run.stderr
    seen = run.outputs()
    assert seen["execution"] == "flytesnacks/development/a1b2c3"
    assert seen["task"] == "flytesnacks/development/ep_tasks.whoami@v7"
    assert seen["task_name"] == "ep_tasks.whoami"
    assert seen["output_prefix"] == run.output_prefix
    assert seen["raw_output_prefix"] == ""  # un-substituted template: absent
    assert seen["checkpoint_path"] == str(tmp_path / "checkpoint")
    assert seen["prev_checkpoint"] == "None"  # empty: absent


def test_file_uri_prefixes(tmp_path: Path) -> None:
    out = tmp_path / "out dir"
    run = run_in_pod(
        ep_tasks.add, tmp_path, {"a": 1},
        output_prefix=out.as_uri(), inputs_uri=(tmp_path / "in" / "inputs.pb").as_uri(),
    )
    assert run.returncode == 0, run.stderr
    assert (out / "outputs.pb").exists()
    assert run.outputs() == 3


def test_distributed_error_strategy_writes_a_per_worker_error_file(tmp_path: Path) -> None:
    run = run_in_pod(
        ep_tasks.fail, tmp_path, {"x": 1},
        env={"FLYTE_INTERNAL_DIST_ERROR_STRATEGY": "Earliest", "FLYTE_INTERNAL_WORKER_NAME":
             "worker-3"},
    )
    assert run.returncode == 0, run.stderr
    names = [p.name for p in (tmp_path / "outputs").iterdir()]
    assert len(names) == 1
    assert names[0].startswith("error-")
    assert names[0].endswith(".pb")
    error = run.error(names[0])
    assert error is not None
    assert error.worker == "worker-3"
    assert error.code == "USER:ValueError"


# --- the command line ------------------------------------------------------------------------


def _execute(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    from featherkit.testing.pod import entrypoint_command

    return subprocess.run(
        [*entrypoint_command(), *args], cwd=cwd, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(FIXTURES), **(env or {})}, timeout=60, check=False,
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--inputs", "x.pb", "--resolver", "featherkit.resolvers.module", "--", "a"],
         "--output-prefix"),
        (["--inputs", "x.pb", "--output-prefix", "{{.outputPrefix}}", "--resolver",
          "featherkit.resolvers.module", "--", "a"], "template"),
        (["--output-prefix", "out", "--resolver", "r", "--bogus", "--", "a"], "--bogus"),
        (["--output-prefix", "out", "--", "a"], "--resolver"),
    ],
)
def test_bad_options_exit_two_with_usage(tmp_path: Path, args: list[str], expected: str) -> None:
    proc = _execute(*args, cwd=tmp_path)
    assert proc.returncode == 2
    assert "usage: featherkit-execute" in proc.stderr
    assert expected in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_output_prefix_without_storage_exits_two(tmp_path: Path) -> None:
    proc = _execute(
        "--inputs", "x.pb", "--output-prefix", "nosuchscheme://bucket/out", "--resolver",
        "featherkit.resolvers.module", "--", "task-module", "ep_tasks", "task-name", "add",
        cwd=tmp_path, env={"FEATHERKIT_PLUGINS": ""},
    )
    assert proc.returncode == 2
    assert "no storage is installed for nosuchscheme://" in proc.stderr


def test_unwritable_output_prefix_exits_one(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the output directory should be")
    inputs = tmp_path / "inputs.pb"
    inputs.write_bytes(ep_tasks.add.inputs_to_literals({"a": 1}).SerializeToString())
    proc = _execute(
        "--inputs", str(inputs), "--output-prefix", str(blocker / "out"), "--resolver",
        "featherkit.resolvers.module", "--", "task-module", "ep_tasks", "task-name", "add",
        cwd=tmp_path,
    )
    assert proc.returncode == 1
    assert "cannot write" in proc.stderr
    assert blocker.read_text().startswith("a file")


def test_help_is_quick_to_reach_and_exits_zero(tmp_path: Path) -> None:
    proc = _execute("--help", cwd=tmp_path)
    assert proc.returncode == 0
    assert "--raw-output-data-prefix" in proc.stdout


# --- atomic writes -----------------------------------------------------------------------------


def _wait_for_any_file(directory: Path, proc: subprocess.Popen[bytes], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if directory.exists() and any(directory.iterdir()):
            return True
        time.sleep(0.0005)
    return False


def test_kill_during_writing_leaves_the_whole_file_or_none(tmp_path: Path) -> None:
    """SIGKILL the pod the moment anything appears under the output prefix.

    The output is large, so the write is still going on then: a non-atomic write would leave
    a partial outputs.pb behind. With an atomic one there is none, or a complete one.
    """
    from featherkit.testing.pod import container_args, entrypoint_command, substitute

    size = 48 * 1024 * 1024
    args, _ = container_args(ep_tasks.huge)
    inputs = tmp_path / "inputs.pb"
    inputs.write_bytes(ep_tasks.huge.inputs_to_literals({"n": size}).SerializeToString())
    outcomes = []
    for attempt in range(3):
        out = tmp_path / f"out{attempt}"
        argv = substitute(args, {"input": str(inputs), "outputPrefix": str(out),
                                 "rawOutputDataPrefix": str(tmp_path / "raw"),
                                 "checkpointOutputPrefix": str(tmp_path / "ck"),
                                 "prevCheckpointPrefix": ""})
        proc = subprocess.Popen(
            [*entrypoint_command(), *argv[1:]], cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(FIXTURES)},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            seen = _wait_for_any_file(out, proc, timeout=60)
            if seen:
                proc.send_signal(signal.SIGKILL)
        finally:
            proc.wait(timeout=60)
        outputs = out / "outputs.pb"
        if outputs.exists():
            literal_map = literals_pb2.LiteralMap()
            literal_map.ParseFromString(outputs.read_bytes())  # complete, or this raises
            assert len(literal_map.literals["o0"].scalar.primitive.string_value) == size
            outcomes.append("complete")
        else:
            outcomes.append("none" if proc.returncode == -signal.SIGKILL else "missing")
        assert not (out / "error.pb").exists()
        if outcomes[-1] == "none":
            break
    # at least one run must have been killed mid-way for the test to mean anything
    assert "none" in outcomes, outcomes


def test_kill_after_the_data_is_written_but_before_the_rename(tmp_path: Path) -> None:
    """Deterministic: the process dies right before the temporary file is renamed."""
    from featherkit.testing.pod import container_args, substitute

    args, _ = container_args(ep_tasks.add)
    inputs = tmp_path / "inputs.pb"
    inputs.write_bytes(ep_tasks.add.inputs_to_literals({"a": 1}).SerializeToString())
    out = tmp_path / "out"
    argv = substitute(args, {"input": str(inputs), "outputPrefix": str(out)})
    # a test-only wrapper: os.replace kills the process, as a node failure would
    script = (
        "import os, signal, sys\n"
        "def die(*a, **k):\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "os.replace = die\n"
        "from featherkit.entrypoint import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, *argv[1:]], cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(FIXTURES)}, capture_output=True, timeout=60,
        check=False,
    )
    assert proc.returncode == -signal.SIGKILL
    assert not (out / "outputs.pb").exists()
    leftovers = list(out.iterdir())
    assert [p.name.startswith(".outputs.pb.") for p in leftovers] == [True]


# --- every failure leaves an error document (issue 18, item 3) ----------------------------------


@pytest.mark.parametrize(
    ("kind", "code"), [("keyboard", "USER:KeyboardInterrupt"), ("own", "USER:Stop")]
)
def test_a_base_exception_from_the_task_writes_error_pb(
    tmp_path: Path, kind: str, code: str
) -> None:
    run = run_in_pod(ep_tasks.interrupted, tmp_path, {"kind": kind})
    assert run.returncode == 0, run.stderr
    error = run.error()
    assert error is not None, run.stderr
    assert (error.origin, error.kind, error.code) == (USER, NON_RECOVERABLE, code)
    assert "ep_tasks.interrupted" in error.message.splitlines()[0]
    assert not run.written("outputs.pb")


def test_sys_exit_while_the_task_module_loads_writes_error_pb(tmp_path: Path) -> None:
    run = run_in_pod(
        ep_tasks.add, tmp_path, {"a": 1},
        loader_args=["task-module", "ep_exits_on_import", "task-name", "never"],
    )
    assert run.returncode == 0, run.stderr
    error = run.error()
    assert error is not None, run.stderr
    assert (error.origin, error.code) == (USER, "USER:SystemExit")
    assert "cannot load the task" in error.message


def _plugin_distribution(site: Path, body: str) -> None:
    """A featherkit plugin distribution on ``site`` whose module runs ``body`` on import."""
    info = site / "fk_exiting_plugin-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fk-exiting-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[featherkit]\nexiting = fk_exiting_plugin\n")
    (site / "fk_exiting_plugin.py").write_text(body)


@pytest.mark.parametrize("body", ["import sys\nsys.exit(5)\n", "raise KeyboardInterrupt\n"])
def test_a_plugin_that_exits_while_loading_still_gets_error_pb(tmp_path: Path, body: str) -> None:
    site = tmp_path / "site"
    _plugin_distribution(site, body)
    marker = tmp_path / "side-effect"
    run = run_in_pod(
        ep_tasks.touches, tmp_path / "pod", {"marker": str(marker)},
        env={"PYTHONPATH": os.pathsep.join([str(site), str(FIXTURES)])},
    )
    assert run.returncode == 0, run.stderr
    error = run.error()
    assert error is not None, run.stderr
    assert error.origin == USER
    assert error.kind == NON_RECOVERABLE
    assert "plugins" in error.message.splitlines()[0]
    assert not marker.exists()


# --- errors no retry can cure are NON_RECOVERABLE (issue 18, item 4) ---------------------------


@pytest.mark.parametrize(
    ("name", "cause"),
    [
        ("surrogate_output", "UnicodeEncodeError"),
        ("surrogate_key", "UnicodeEncodeError"),
        ("before_year_one", "between years 1 and 9999"),
        ("too_deep", "RecursionError"),
    ],
)
def test_an_output_no_retry_can_encode_is_a_non_recoverable_output_error(
    tmp_path: Path, name: str, cause: str
) -> None:
    run = run_in_pod(getattr(ep_tasks, name), tmp_path, {})
    assert run.returncode == 0, run.stderr
    error = run.error()
    assert error is not None, run.stderr
    assert (error.origin, error.kind, error.code) == (
        SYSTEM, NON_RECOVERABLE, "SYSTEM:TaskOutputError"
    ), error.message
    headline = error.message.splitlines()[0]
    assert f"ep_tasks.{name}" in headline and "output 'o0'" in headline, headline
    assert cause in headline


# --- the output prefix is checked before the task runs (issue 18, item 5) ----------------------


def test_an_unwritable_local_prefix_stops_before_the_task_runs(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the output directory should be")
    marker = tmp_path / "side-effect"
    run = run_in_pod(
        ep_tasks.touches, tmp_path / "pod", {"marker": str(marker)},
        output_prefix=str(blocker / "out"),
    )
    assert run.returncode == 1, run.stderr
    assert "cannot write under" in run.stderr
    assert not marker.exists(), "the task ran although its outputs could not be written"
def test_checkpoint_is_read_from_the_previous_attempt(tmp_path: Path) -> None:
    first_cp, second_cp = tmp_path / "cp1", tmp_path / "cp2"
    run = run_in_pod(
        ep_tasks.resumable, tmp_path / "a1", {"steps": 2},
        values={"checkpointOutputPrefix": str(first_cp), "prevCheckpointPrefix": ""},
    )
    assert run.returncode == 0, run.stderr
    error = run.error()
    assert error is not None and error.kind == RECOVERABLE
    assert error.code == "USER:RecoverableError"
    # flytekit's SyncCheckpoint.write stores the bytes as <prefix>/_dst_cp
    assert (first_cp / "_dst_cp").read_bytes() == b"1"
    run = run_in_pod(
        ep_tasks.resumable, tmp_path / "a2", {"steps": 2},
        values={"checkpointOutputPrefix": str(second_cp), "prevCheckpointPrefix": str(first_cp)},
    )
    assert run.returncode == 0, run.stderr
    assert run.outputs() == 2
    assert (second_cp / "_dst_cp").read_bytes() == b"2"
