"""Files, directories and data frames cross between flytekit and featherkit.

* literal types are equal (dataclasses holding files included);
* a literal one SDK writes, as a pod would (a raw output prefix set), has the same shape as
  the other's (equal once the random upload names are set aside) and the other SDK reads the
  bytes behind it;
* through the entrypoints: flytekit's ``inputs.pb`` runs through ``featherkit-execute`` and
  flytekit reads the ``outputs.pb``; featherkit's ``inputs.pb`` runs through
  ``pyflyte-execute`` and featherkit reads its ``outputs.pb``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import pytest
from flyteidl.core import literals_pb2
from flytekit import StructuredDataset as fk_StructuredDataset
from flytekit import kwtypes as fk_kwtypes
from flytekit.types.directory import FlyteDirectory as FkDirectory
from flytekit.types.file import FlyteFile as FkFile
from google.protobuf import json_format

from featherkit import Directory, File, StructuredDataset, kwtypes
from featherkit.context import ExecutionParameters, execution
from featherkit.testing.pod import entrypoint_command

FRAME = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})


@dataclass
class FkReport:
    summary: FkFile
    images: FkDirectory
    rows: int


@dataclass
class Report:
    summary: File
    images: Directory
    rows: int


@dataclass
class FkTable:
    sd: fk_StructuredDataset
    n: int


@dataclass
class Table:
    sd: StructuredDataset
    n: int


@pytest.fixture(autouse=True)
def _scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "scratch").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "scratch"))


@contextmanager
def flytekit_pod(raw: Path, sandbox: Path) -> Iterator[Any]:
    """flytekit's context inside a pod: task execution mode, the given raw output prefix."""
    from flytekit.core.context_manager import ExecutionState, FlyteContextManager
    from flytekit.core.data_persistence import FileAccessProvider

    ctx = FlyteContextManager.current_context()
    access = FileAccessProvider(local_sandbox_dir=str(sandbox), raw_output_prefix=str(raw))
    state = ctx.new_execution_state().with_params(mode=ExecutionState.Mode.TASK_EXECUTION)
    with FlyteContextManager.with_context(
        ctx.with_file_access(access).with_execution_state(state)
    ) as pod:
        yield pod


def _fk_to_literal(value: Any, tp: Any, raw: Path, sandbox: Path) -> literals_pb2.Literal:
    from flytekit.core.type_engine import TypeEngine

    with flytekit_pod(raw, sandbox) as ctx:
        literal = TypeEngine.to_literal(ctx, value, tp, TypeEngine.to_literal_type(tp))
    return literals_pb2.Literal.FromString(literal.to_flyte_idl().SerializeToString())


def _fk_read(literal: literals_pb2.Literal, tp: Any, raw: Path, sandbox: Path) -> Any:
    from flytekit.core.type_engine import TypeEngine
    from flytekit.models.literals import Literal

    with flytekit_pod(raw, sandbox) as ctx:
        return TypeEngine.to_python_value(ctx, Literal.from_flyte_idl(literal), tp)


def _ours_to_literal(value: Any, tp: Any, raw: Path) -> literals_pb2.Literal:
    from featherkit.type_registry import type_engine

    with execution(ExecutionParameters(raw_output_prefix=str(raw))):
        return type_engine().to_literal(value, tp)


def _ours_read(literal: literals_pb2.Literal, tp: Any) -> Any:
    from featherkit.type_registry import type_engine

    return type_engine().to_python_value(literal, tp)


def _shape(literal: literals_pb2.Literal) -> dict[str, Any]:
    """The literal as a dict with the random upload names set aside."""
    shaped = json_format.MessageToDict(literal)
    scalar = shaped.get("scalar", {})
    for kind in ("blob", "structuredDataset"):
        if kind in scalar:
            scalar[kind]["uri"] = "<uri>"
    return shaped


TYPE_PAIRS = [
    (FkFile, File),
    (FkFile["csv"], File["csv"]),
    (FkFile[typing.TypeVar("jpeg")], File[typing.TypeVar("jpeg")]),
    (FkDirectory, Directory),
    (FkDirectory["png"], Directory["png"]),
    (typing.Optional[FkFile], typing.Optional[File]),
    (typing.List[FkFile], list[File]),  # noqa: UP006
    (FkReport, Report),
    (FkTable, Table),
    (pd.DataFrame, pd.DataFrame),
    (
        Annotated[pd.DataFrame, fk_kwtypes(a=int, b=str)],
        Annotated[pd.DataFrame, kwtypes(a=int, b=str)],
    ),
]


@pytest.mark.parametrize(
    ("theirs", "ours"), TYPE_PAIRS, ids=lambda t: getattr(t, "__name__", str(t))
)
def test_literal_types_are_equal(theirs: Any, ours: Any, flytekit_literals: Any,
                                 featherkit_literals: Any) -> None:
    expected = flytekit_literals.literal_type(theirs)
    actual = featherkit_literals.literal_type(ours)
    if theirs in (FkReport, FkTable):
        expected.metadata["title"] = ours.__name__  # the classes' names differ, nothing else
    assert json_format.MessageToDict(actual) == json_format.MessageToDict(expected)


def test_structured_dataset_literal_type_is_equal(flytekit_literals: Any,
                                                  featherkit_literals: Any) -> None:
    import flytekit

    import featherkit

    theirs = flytekit_literals.literal_type(flytekit.StructuredDataset)
    ours = featherkit_literals.literal_type(featherkit.StructuredDataset)
    assert ours.SerializeToString() == theirs.SerializeToString()


def _tree(tmp_path: Path) -> tuple[str, str]:
    (tmp_path / "in" / "dir" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "data.csv").write_text("a,b\n1,x\n")
    (tmp_path / "in" / "dir" / "top.txt").write_text("top")
    (tmp_path / "in" / "dir" / "sub" / "deep.txt").write_text("deep")
    return str(tmp_path / "in" / "data.csv"), str(tmp_path / "in" / "dir")


def _files_under(root: str) -> dict[str, str]:
    found = {}
    for base, _, names in os.walk(root):
        for name in names:
            path = os.path.join(base, name)
            found[os.path.relpath(path, root)] = Path(path).read_text()
    return found


def test_files_flytekit_writes_featherkit_reads(tmp_path: Path) -> None:
    csv, folder = _tree(tmp_path)
    raw, sandbox = tmp_path / "fk-raw", tmp_path / "fk-sandbox"
    file_literal = _fk_to_literal(FkFile(csv), FkFile["csv"], raw, sandbox)
    dir_literal = _fk_to_literal(FkDirectory(folder), FkDirectory, raw, sandbox)
    frame_literal = _fk_to_literal(FRAME, pd.DataFrame, raw, sandbox)
    report_literal = _fk_to_literal(FkReport(FkFile(csv), FkDirectory(folder), 3), FkReport,
                                    raw, sandbox)

    ours_file = _ours_to_literal(csv, File["csv"], tmp_path / "ours-raw")
    assert _shape(ours_file) == _shape(file_literal)
    ours_dir = _ours_to_literal(folder, Directory, tmp_path / "ours-raw")
    assert _shape(ours_dir) == _shape(dir_literal)
    ours_frame = _ours_to_literal(FRAME, pd.DataFrame, tmp_path / "ours-raw")
    assert _shape(ours_frame) == _shape(frame_literal)
    assert os.listdir(frame_literal.scalar.structured_dataset.uri) == os.listdir(
        ours_frame.scalar.structured_dataset.uri
    ) == ["00000"]

    with open(_ours_read(file_literal, File["csv"])) as fh:
        assert fh.read() == "a,b\n1,x\n"
    assert _files_under(_ours_read(dir_literal, Directory).download()) == _files_under(folder)
    pd.testing.assert_frame_equal(_ours_read(frame_literal, pd.DataFrame), FRAME)
    subset = _ours_read(frame_literal, Annotated[pd.DataFrame, kwtypes(b=str)])
    assert list(subset.columns) == ["b"]
    report = _ours_read(report_literal, Report)
    assert Path(report.summary.download()).read_text() == "a,b\n1,x\n"
    assert _files_under(report.images.download()) == _files_under(folder)


def test_files_featherkit_writes_flytekit_reads(tmp_path: Path) -> None:
    csv, folder = _tree(tmp_path)
    raw = tmp_path / "ours-raw"
    file_literal = _ours_to_literal(File(csv), File["csv"], raw)
    dir_literal = _ours_to_literal(Directory(folder), Directory, raw)
    frame_literal = _ours_to_literal(FRAME, pd.DataFrame, raw)
    report_literal = _ours_to_literal(Report(File(csv), Directory(folder), 3), Report, raw)
    fk_raw, sandbox = tmp_path / "fk-raw", tmp_path / "fk-sandbox"

    theirs = _fk_read(file_literal, FkFile["csv"], fk_raw, sandbox)
    assert Path(theirs.download()).read_text() == "a,b\n1,x\n"
    theirs_dir = _fk_read(dir_literal, FkDirectory, fk_raw, sandbox)
    assert _files_under(theirs_dir.download()) == _files_under(folder)
    pd.testing.assert_frame_equal(_fk_read(frame_literal, pd.DataFrame, fk_raw, sandbox), FRAME)
    subset = _fk_read(frame_literal, Annotated[pd.DataFrame, fk_kwtypes(a=int)], fk_raw, sandbox)
    assert list(subset.columns) == ["a"]
    report = _fk_read(report_literal, FkReport, fk_raw, sandbox)
    assert Path(report.summary.download()).read_text() == "a,b\n1,x\n"
    assert report.rows == 3


# -- through the entrypoints ----------------------------------------------------------------------

MODULE = "compat_data_tasks"
BODY = '''

@task
def grow(f: File, d: Directory, df: pd.DataFrame) -> Tuple[File, Directory, pd.DataFrame]:
    out = os.path.join(os.path.dirname(os.fspath(f)), "grown.txt")
    with open(f) as src, open(out, "w") as dst:
        dst.write(src.read() * 2)
    names = sorted(os.path.relpath(os.path.join(b, n), os.fspath(d))
                   for b, _, ns in os.walk(os.fspath(d)) for n in ns)
    listing = os.path.join(os.path.dirname(out), "listing")
    os.makedirs(listing, exist_ok=True)
    with open(os.path.join(listing, "names.txt"), "w") as fh:
        fh.write(",".join(names))
    return File(out), Directory(listing), df.assign(c=df["a"] * 10)
'''
HEADERS = {
    "flytekit": (
        "import os\nfrom typing import Tuple\nimport pandas as pd\nfrom flytekit import task\n"
        "from flytekit.types.file import FlyteFile as File\n"
        "from flytekit.types.directory import FlyteDirectory as Directory\n"
    ),
    "featherkit": (
        "import os\nfrom typing import Tuple\nimport pandas as pd\n"
        "from featherkit import Directory, File, task\n"
    ),
}


def _run(sdk: str, code_dir: Path, inputs: Path, out: Path, raw: Path) -> None:
    if sdk == "flytekit":
        command = [os.path.join(os.path.dirname(sys.executable), "pyflyte-execute")]
        resolver = "flytekit.core.python_auto_container.default_task_resolver"
    else:
        command = entrypoint_command()
        resolver = "featherkit.resolvers.module"
    args = [
        "--inputs", str(inputs), "--output-prefix", str(out),
        "--raw-output-data-prefix", str(raw),
        "--checkpoint-path", "{{.checkpointOutputPrefix}}",
        "--prev-checkpoint", "{{.prevCheckpointPrefix}}",
        "--resolver", resolver, "--", "task-module", MODULE, "task-name", "grow",
    ]
    env = {**os.environ, "PYTHONPATH": str(code_dir), "TMPDIR": str(code_dir)}
    env.pop("FLYTE_FAIL_ON_ERROR", None)
    done = subprocess.run([*command, *args], cwd=code_dir, env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (out / "outputs.pb").exists(), done.stderr[-3000:]


def _module(tmp_path: Path, sdk: str) -> Path:
    directory = tmp_path / f"{sdk}-code"
    directory.mkdir()
    (directory / f"{MODULE}.py").write_text(HEADERS[sdk] + textwrap.dedent(BODY))
    return directory


@pytest.mark.parametrize("writer", ["flytekit", "featherkit"])
def test_entrypoints_cross(tmp_path: Path, writer: str) -> None:
    """``writer`` makes inputs.pb as a pod's upstream would; the other SDK's entrypoint runs
    the task; the writer reads outputs.pb back."""
    from flytekit.models.literals import LiteralMap

    runner = "featherkit" if writer == "flytekit" else "flytekit"
    csv, folder = _tree(tmp_path)
    raw_in = tmp_path / "upstream-raw"
    if writer == "flytekit":
        literals = {
            "f": _fk_to_literal(FkFile(csv), FkFile, raw_in, tmp_path / "s1"),
            "d": _fk_to_literal(FkDirectory(folder), FkDirectory, raw_in, tmp_path / "s1"),
            "df": _fk_to_literal(FRAME, pd.DataFrame, raw_in, tmp_path / "s1"),
        }
    else:
        literals = {
            "f": _ours_to_literal(File(csv), File, raw_in),
            "d": _ours_to_literal(Directory(folder), Directory, raw_in),
            "df": _ours_to_literal(FRAME, pd.DataFrame, raw_in),
        }
    inputs = tmp_path / "inputs.pb"
    inputs.write_bytes(literals_pb2.LiteralMap(literals=literals).SerializeToString())
    out, raw = tmp_path / "out", tmp_path / "task-raw"
    _run(runner, _module(tmp_path, runner), inputs, out, raw)

    outputs = literals_pb2.LiteralMap.FromString((out / "outputs.pb").read_bytes())
    for name in ("o0", "o1", "o2"):
        uri = (outputs.literals[name].scalar.blob.uri
               or outputs.literals[name].scalar.structured_dataset.uri)
        assert uri.startswith(str(raw) + "/"), (name, uri)
    if writer == "flytekit":
        from flytekit.core.type_engine import TypeEngine

        with flytekit_pod(tmp_path / "r2", tmp_path / "s2") as ctx:
            native = TypeEngine.literal_map_to_kwargs(
                ctx, LiteralMap.from_flyte_idl(outputs),
                {"o0": FkFile, "o1": FkDirectory, "o2": pd.DataFrame},
            )
        grown, listing, frame = native["o0"], native["o1"], native["o2"]
    else:
        grown = _ours_read(outputs.literals["o0"], File)
        listing = _ours_read(outputs.literals["o1"], Directory)
        frame = _ours_read(outputs.literals["o2"], pd.DataFrame)
    assert Path(grown.download()).read_text() == "a,b\n1,x\n" * 2
    assert Path(listing.download(), "names.txt").read_text() == "sub/deep.txt,top.txt"
    assert frame["c"].tolist() == [10, 20, 30]


def test_a_data_set_inside_a_dataclass_crosses_both_ways(tmp_path: Path) -> None:
    raw, sandbox = tmp_path / "fk-raw", tmp_path / "fk-sandbox"
    theirs = _fk_to_literal(FkTable(fk_StructuredDataset(dataframe=FRAME), 3), FkTable,
                            raw, sandbox)
    table = _ours_read(theirs, Table)
    pd.testing.assert_frame_equal(table.sd.open(pd.DataFrame).all(), FRAME)
    ours = _ours_to_literal(Table(StructuredDataset(dataframe=FRAME), 4), Table,
                            tmp_path / "ours-raw")
    back = _fk_read(ours, FkTable, raw, sandbox)
    assert back.n == 4
    pd.testing.assert_frame_equal(back.sd.open(pd.DataFrame).all(), FRAME)
