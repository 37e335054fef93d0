"""The entrypoint's own reader of plain command lines against argparse's verdict.

``parse_args`` reads a plain command line itself and hands any other to argparse; on every
command line below it must answer exactly as argparse alone does (the same options, or the
same exit code and message).
"""

from __future__ import annotations

from typing import Any

import pytest

from featherkit import entrypoint

REQUIRED = ["--output-prefix", "o", "--resolver", "r"]

ARGVS: list[list[str]] = [
    REQUIRED,
    [*REQUIRED, "--", "task-module", "m"],
    ["--resolver", "r", "--output-prefix", "o", "--inputs", "i"],
    ["--output-prefix=o", "--resolver=r", "--inputs=i"],
    ["--output-prefix=", "--resolver=r"],
    ["--output-prefix", "", "--resolver", "r"],
    [*REQUIRED, "--inputs="],
    [*REQUIRED, "--inputs", ""],
    [*REQUIRED, "--inputs=a=b", "--raw-output-data-prefix=-x"],
    [*REQUIRED, "--inputs", "a", "--inputs", "b"],  # repeated: the last one counts
    ["--output-prefix", "o1", "--resolver", "r", "--output-prefix=o2"],
    [*REQUIRED, "--inputs"],  # missing value
    ["--inputs", "--output-prefix", "o", "--resolver", "r"],
    [*REQUIRED, "--inputs", "-1"],  # a negative number is a value to argparse
    [*REQUIRED, "--inputs", "-x"],
    [*REQUIRED, "--inputs", "- x"],
    ["--output-prefix", "o"],  # missing --resolver
    ["--resolver", "r"],
    [],
    [*REQUIRED, "--unknown", "v"],
    [*REQUIRED, "--unknown=v"],
    [*REQUIRED, "-x"],
    [*REQUIRED, "-"],
    ["--output", "o", "--resolver", "r"],  # abbreviations are refused
    ["--output-prefix", "o", "--res=r"],
    [*REQUIRED, "--input", "i"],
    [*REQUIRED, "task-module", "m"],  # loader args without the separator
    ["task-module", "m", *REQUIRED],
    ["--output-prefix", "o", "task-module", "--resolver", "r", "m"],
    [*REQUIRED, "--prev-checkpoint", '""', "--checkpoint-path", "{{.checkpointOutputPrefix}}"],
    ["--output-prefix", "{{.outputPrefix}}", "--resolver", "r"],
    [*REQUIRED, "--", "--inputs", "x"],
    ["--output-prefix", "o", "--", "--resolver", "r"],
]


def _verdict(parse: Any, argv: list[str], capsys: pytest.CaptureFixture[str]) -> Any:
    try:
        return ("options", parse(argv))
    except SystemExit as exc:
        captured = capsys.readouterr()
        return ("exit", exc.code, captured.out, captured.err)


@pytest.mark.parametrize("argv", ARGVS, ids=lambda argv: " ".join(argv) or "(empty)")
def test_the_same_verdict_as_argparse(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = _verdict(entrypoint.parse_args, argv, capsys)
    monkeypatch.setattr(entrypoint, "_parse_simple", lambda argv: None)
    slow = _verdict(entrypoint.parse_args, argv, capsys)
    assert fast == slow


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_is_argparse_help(flag: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        entrypoint.parse_args([*REQUIRED, flag])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: featherkit-execute")
    assert "--raw-output-data-prefix" in out


def test_plain_command_lines_need_no_argparse() -> None:
    argv = [*REQUIRED, "--inputs=i", "--checkpoint-path", "c"]
    assert entrypoint._parse_simple(argv) == {
        "output_prefix": "o", "resolver": "r", "inputs": "i", "checkpoint_path": "c",
    }
    for other in (["-h"], [*REQUIRED, "--inputs"], [*REQUIRED, "pos"], ["--output-prefix", "o"]):
        assert entrypoint._parse_simple(other) is None


def test_options_compare_by_value_and_are_immutable() -> None:
    one = entrypoint.Options("o", "r", ["a"], inputs="i")
    assert one == entrypoint.Options(output_prefix="o", resolver="r", loader_args=["a"],
                                     inputs="i")
    assert one != entrypoint.Options("o", "r", ["a"])
    assert repr(one) == (
        "Options(output_prefix='o', resolver='r', loader_args=['a'], inputs='i', "
        "raw_output_data_prefix=None, checkpoint_path=None, prev_checkpoint=None)"
    )
    with pytest.raises(AttributeError):
        one.inputs = "j"  # type: ignore[misc]
