"""The container entrypoint against flytekit's: the same files cross between the two.

* an ``inputs.pb`` written with flytekit's type engine runs through ``featherkit-execute``, and
  flytekit's type engine reads our ``outputs.pb`` back;
* the same task written for each SDK, run by each SDK's entrypoint on the same ``inputs.pb``,
  leaves equal ``outputs.pb`` literal maps;
* failures: both write an ``ErrorDocument`` that flytekit's model reads, with the same kind
  and origin. Codes differ on purpose (documented in docs/entrypoint.md): flytekit reports
  every user exception as ``USER:RuntimeError`` and a recoverable one as
  ``USER:Recoverable``; featherkit names the exception type (``USER:ValueError``,
  ``USER:RecoverableError``). Both honour an ``error_code`` attribute.

Each test writes a user module under one name for both SDKs into its own directory, so task
names and loader args are the same on both sides, and runs both entrypoints as subprocesses.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Optional

import pytest
from flyteidl.core import errors_pb2, literals_pb2

from featherkit.testing.pod import entrypoint_command

MODULE = "compat_entrypoint_tasks"
FLYTEKIT_RESOLVER = "flytekit.core.python_auto_container.default_task_resolver"
FEATHERKIT_RESOLVER = "featherkit.resolvers.module"

INPUT_TYPES: dict[str, Any] = {
    "i": int,
    "f": float,
    "s": str,
    "b": bool,
    "xs": list[int],
    "m": dict[str, float],
    "when": datetime.datetime,
    "gap": datetime.timedelta,
    "maybe": Optional[int],
}
INPUTS: dict[str, Any] = {
    "i": 7,
    "f": 2.5,
    "s": "héllo",
    "b": True,
    "xs": [3, 1, 2],
    "m": {"a": 1.5, "b": -2.0},
    "when": datetime.datetime(2024, 2, 29, 23, 59, 58, 123456, tzinfo=datetime.timezone.utc),
    "gap": datetime.timedelta(minutes=90, microseconds=5),
    "maybe": None,
}
OUTPUT_TYPES: dict[str, Any] = {
    "total": int,
    "half": float,
    "shout": str,
    "flipped": bool,
    "ordered": list[int],
    "scaled": dict[str, float],
    "later": datetime.datetime,
    "longer": datetime.timedelta,
    "filled": Optional[int],
}
EXPECTED: dict[str, Any] = {
    "total": 13,
    "half": 1.25,
    "shout": "HÉLLO",
    "flipped": False,
    "ordered": [1, 2, 3],
    "scaled": {"a": 3.0, "b": -4.0},
    "later": INPUTS["when"] + datetime.timedelta(days=1),
    "longer": INPUTS["gap"] * 2,
    "filled": -1,
}

BODY = '''
class Out(NamedTuple):
    total: int
    half: float
    shout: str
    flipped: bool
    ordered: list[int]
    scaled: dict[str, float]
    later: datetime.datetime
    longer: datetime.timedelta
    filled: Optional[int]


@task
def echo(
    i: int, f: float, s: str, b: bool, xs: list[int], m: dict[str, float],
    when: datetime.datetime, gap: datetime.timedelta, maybe: Optional[int],
) -> Out:
    return Out(
        total=i + sum(xs),
        half=f / 2,
        shout=s.upper(),
        flipped=not b,
        ordered=sorted(xs),
        scaled={k: v * 2 for k, v in m.items()},
        later=when + datetime.timedelta(days=1),
        longer=gap * 2,
        filled=-1 if maybe is None else maybe,
    )


@task
def fail(x: int) -> int:
    raise ValueError(f"x={x} is not allowed")


class Quota(Exception):
    error_code = "USER:QuotaExceeded"


@task
def coded(x: int) -> int:
    raise Quota("over quota")
'''

HEADERS = {
    "flytekit": (
        "import datetime\nfrom typing import NamedTuple, Optional\n"
        "from flytekit import task\n"
        "from flytekit.exceptions.user import FlyteRecoverableException as Recoverable\n"
    ),
    "featherkit": (
        "import datetime\nfrom typing import NamedTuple, Optional\n"
        "from featherkit import task\n"
        "from featherkit import RecoverableError as Recoverable\n"
    ),
}
RECOVERABLE_TASK = '''

@task
def flaky(x: int) -> int:
    raise Recoverable(f"busy for x={x}")
'''


def _write_module(directory: Path, sdk: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    source = HEADERS[sdk] + textwrap.dedent(BODY) + RECOVERABLE_TASK
    (directory / f"{MODULE}.py").write_text(source, encoding="utf-8")
    return directory


def _flytekit_literal_map(values: dict[str, Any], types: dict[str, Any]) -> bytes:
    from flytekit.core.context_manager import FlyteContextManager
    from flytekit.core.type_engine import TypeEngine

    ctx = FlyteContextManager.current_context()
    literal_map = TypeEngine.dict_to_literal_map(ctx, values, types)
    data: bytes = literal_map.to_flyte_idl().SerializeToString()
    return data


def _flytekit_read(data: bytes, types: dict[str, Any]) -> dict[str, Any]:
    from flytekit.core.context_manager import FlyteContextManager
    from flytekit.core.type_engine import TypeEngine
    from flytekit.models.literals import LiteralMap

    idl = literals_pb2.LiteralMap()
    idl.ParseFromString(data)
    ctx = FlyteContextManager.current_context()
    native: dict[str, Any] = TypeEngine.literal_map_to_kwargs(
        ctx, LiteralMap.from_flyte_idl(idl), types
    )
    return native


def _run(
    sdk: str, code_dir: Path, inputs: Path, out: Path, task_name: str
) -> subprocess.CompletedProcess[str]:
    if sdk == "flytekit":
        command = [os.path.join(os.path.dirname(sys.executable), "pyflyte-execute")]
        resolver = FLYTEKIT_RESOLVER
    else:
        command = entrypoint_command()
        resolver = FEATHERKIT_RESOLVER
    args = [
        "--inputs", str(inputs), "--output-prefix", str(out),
        "--raw-output-data-prefix", str(out.parent / f"{sdk}-raw"),
        "--checkpoint-path", "{{.checkpointOutputPrefix}}",
        "--prev-checkpoint", "{{.prevCheckpointPrefix}}",
        "--resolver", resolver, "--", "task-module", MODULE, "task-name", task_name,
    ]
    env = {**os.environ, "PYTHONPATH": str(code_dir)}
    env.pop("FLYTE_FAIL_ON_ERROR", None)
    return subprocess.run(
        [*command, *args], cwd=code_dir, env=env, capture_output=True, text=True,
        timeout=180, check=False,
    )


@pytest.fixture(scope="module")
def pods(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("entrypoint-compat")
    return {sdk: _write_module(root / sdk, sdk) for sdk in ("flytekit", "featherkit")}


def test_flytekit_inputs_run_through_our_entrypoint_and_flytekit_reads_our_outputs(
    pods: dict[str, Path], tmp_path: Path
) -> None:
    inputs = tmp_path / "inputs.pb"
    inputs.write_bytes(_flytekit_literal_map(INPUTS, INPUT_TYPES))
    out = tmp_path / "featherkit-out"
    proc = _run("featherkit", pods["featherkit"], inputs, out, "echo")
    assert proc.returncode == 0, proc.stderr
    assert not (out / "error.pb").exists(), proc.stderr
    assert _flytekit_read((out / "outputs.pb").read_bytes(), OUTPUT_TYPES) == EXPECTED


def test_both_entrypoints_write_equal_outputs_for_the_same_inputs(
    pods: dict[str, Path], tmp_path: Path
) -> None:
    inputs = tmp_path / "inputs.pb"
    inputs.write_bytes(_flytekit_literal_map(INPUTS, INPUT_TYPES))
    maps = {}
    for sdk in ("flytekit", "featherkit"):
        out = tmp_path / f"{sdk}-out"
        proc = _run(sdk, pods[sdk], inputs, out, "echo")
        assert proc.returncode == 0, f"{sdk}: {proc.stderr}"
        literal_map = literals_pb2.LiteralMap()
        literal_map.ParseFromString((out / "outputs.pb").read_bytes())
        maps[sdk] = literal_map
    assert sorted(maps["featherkit"].literals) == sorted(OUTPUT_TYPES)
    for name in OUTPUT_TYPES:
        assert maps["featherkit"].literals[name] == maps["flytekit"].literals[name], name


@pytest.mark.parametrize(
    ("task_name", "flytekit_code", "featherkit_code", "recoverable", "text"),
    [
        ("fail", "USER:RuntimeError", "USER:ValueError", False, "x=3 is not allowed"),
        ("flaky", "USER:Recoverable", "USER:RecoverableError", True, "busy for x=3"),
        ("coded", "USER:QuotaExceeded", "USER:QuotaExceeded", False, "over quota"),
    ],
)
def test_error_documents_agree_on_kind_and_origin(
    pods: dict[str, Path], tmp_path: Path, task_name: str, flytekit_code: str,
    featherkit_code: str, recoverable: bool, text: str,
) -> None:
    from flytekit.models.core.errors import ContainerError, ErrorDocument

    inputs = tmp_path / "inputs.pb"
    inputs.write_bytes(_flytekit_literal_map({"x": 3}, {"x": int}))
    documents = {}
    for sdk in ("flytekit", "featherkit"):
        out = tmp_path / f"{sdk}-out"
        proc = _run(sdk, pods[sdk], inputs, out, task_name)
        assert proc.returncode == 0, f"{sdk}: {proc.stderr}"
        assert not (out / "outputs.pb").exists()
        idl = errors_pb2.ErrorDocument()
        idl.ParseFromString((out / "error.pb").read_bytes())
        documents[sdk] = ErrorDocument.from_flyte_idl(idl).error  # flytekit's model reads both
    theirs, ours = documents["flytekit"], documents["featherkit"]
    assert (ours.kind, ours.origin) == (theirs.kind, theirs.origin)
    expected_kind = ContainerError.Kind.RECOVERABLE if recoverable else (
        ContainerError.Kind.NON_RECOVERABLE
    )
    assert ours.kind == expected_kind
    assert (theirs.code, ours.code) == (flytekit_code, featherkit_code)
    assert text in theirs.message
    assert text in ours.message
    assert f"{MODULE}.py" in ours.message  # the user's traceback
