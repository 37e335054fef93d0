from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE = str(Path(__file__).parent / "fixtures" / "cli_tasks.py")


def featherkit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "featherkit.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_run_prints_result():
    result = featherkit("run", FIXTURE, "summarize", "--xs", "[1, 2, 3]")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Stats(mean=2.0, n=3)"


def test_run_json_and_structured_inputs():
    result = featherkit(
        "run", FIXTURE, "describe", "--json",
        "--box", '{"w": 2, "h": 3}', "--when", "2024-05-01T10:00:00",
        "--color", "blue", "--flag", "true", "--scale=2",
    )
    assert result.returncode == 0, result.stderr
    # naive datetimes are read as UTC, as flytekit does
    assert json.loads(result.stdout) == "4.0x6.0 blue 2024-05-01T10:00:00+00:00 True"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "nope.py", "summarize"], "no such file: nope.py"),
        (
            ["run", FIXTURE, "missing"],
            "no task, workflow or launch plan 'missing'; found: describe, fails, labelled",
        ),
        (["run", FIXTURE, "summarize", "--xs", "[1,"], "input --xs: expected JSON"),
        (["run", FIXTURE, "summarize", "--ys", "[1]"], "has no input 'ys'; inputs: --xs, --label"),
        (["run", FIXTURE, "summarize"], "missing input 'xs'"),
        (["run", FIXTURE, "describe", "--color", "green"], "expected one of 'red', 'blue'"),
    ],
)
def test_run_errors_are_one_line_exit_2(args, expected):
    result = featherkit(*args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ") and expected in line


def test_user_error_in_task_is_reported_without_traceback():
    result = featherkit("run", FIXTURE, "fails", "--n", "3")
    assert result.returncode == 1
    assert "RuntimeError: failing on 3" in result.stderr
    assert "Traceback" not in result.stderr


def test_verbose_shows_traceback():
    result = featherkit("--verbose", "run", FIXTURE, "fails", "--n", "3")
    assert result.returncode == 1
    assert "Traceback" in result.stderr


def test_plugins_lists_builtins():
    result = featherkit("plugins", "--json")
    assert result.returncode == 0, result.stderr
    names = {p["name"] for p in json.loads(result.stdout)["plugins"]}
    assert "featherkit.builtin.container" in names
    text = featherkit("plugins").stdout
    assert "featherkit.builtin.types" in text and "hooks: register_type_transformers" in text


def test_inputs_named_like_run_options_go_after_double_dash():
    result = featherkit("run", FIXTURE, "labelled", "--json", "--", "--json", "hi", "--cache", "3")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == "hi-3"


@pytest.mark.parametrize(
    "args",
    [
        ["--json", "hi"],                   # the value is left over as a stray argument
        ["--json"],                         # the required input is missing
        ["--cache", "3", "--", "--json", "hi"],
    ],
)
def test_input_taken_by_a_run_option_says_to_use_double_dash(args):
    result = featherkit("run", FIXTURE, "labelled", *args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    [line] = result.stderr.splitlines()
    assert "has an input" in line and "featherkit run FILE TASK --" in line


def test_run_option_with_a_defaulted_input_of_its_name_keeps_the_default():
    result = featherkit("run", FIXTURE, "labelled", "--no-cache", "--", "--json", "hi")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "'hi-1'"


# --- issue 18, item 14 -------------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_after_the_task_lists_its_inputs(flag):
    result = featherkit("run", FIXTURE, "with_docs", flag)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Make labelled items." in out
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip().startswith("--")}
    assert "int" in lines["--count"] and "how many items to make" in lines["--count"]
    assert "[required]" in lines["--count"]
    assert "str" in lines["--prefix"] and "[default: 'item']" in lines["--prefix"]
    assert "list[int]" in lines["--sizes"] and "[default: [1, 2]]" in lines["--sizes"]
    assert "--overwrite-cache" not in out  # the task's help, not run's


def test_help_without_a_task_is_runs_own():
    result = featherkit("run", "--help")
    assert result.returncode == 0
    assert "--cache-backend" in result.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", FIXTURE, "with_docs", "--count", "1", "--count", "2"],
         "input --count is given twice"),
        (["run", FIXTURE, "with_docs", "--count=1", "--count", "2"],
         "input --count is given twice"),
        (["run", FIXTURE, "plain_function", "--n", "1"],
         "'plain_function' in " + FIXTURE + " is a function, not a task: it lacks @task"),
        (["run", FIXTURE, "Color"], "is a EnumType, not a task"),
    ],
)
def test_more_run_errors_are_one_line_exit_2(args, expected):
    result = featherkit(*args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ") and expected in line, line


def test_a_type_error_is_said_once():
    from featherkit import task
    from featherkit.errors import TaskInputError

    @task
    def total(xs: list[float], n: int = 1) -> float:
        return sum(xs) * n

    for kwargs, where in (({"xs": [1.0], "n": "2"}, "input 'n'"),
                          ({"xs": [1.0, "a"]}, "input 'xs' (list[float]): [1]")):
        with pytest.raises(TaskInputError) as info:
            total(**kwargs)
        message = str(info.value)
        assert message.count("expected") == 1, message
        assert where in message, message


def test_a_task_that_raised_is_named_in_the_one_line_error():
    result = featherkit("run", FIXTURE, "fails", "--n", "3")
    assert result.returncode == 1
    assert "Error: task 'cli_tasks.fails' raised RuntimeError: failing on 3" in result.stderr
