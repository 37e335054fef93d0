"""End to end: tasks no container could import, pickled at serialization and run as a pod
would, through ``featherkit-execute --resolver featherkit.resolvers.pickle -- <uri> <digest>``,
in a fresh process whose working directory does not hold the code."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from featherkit_resolver_pickle import PickleResolver
from flyteidl.core import execution_pb2, literals_pb2, tasks_pb2

from featherkit import SerializationSettings, serialize, task
from featherkit.testing import run_container

SETTINGS = SerializationSettings(image="ghcr.io/featherkit/notebook:1", version="v1")

SCRIPT = textwrap.dedent(
    '''
    import sys
    from pathlib import Path

    from featherkit.function_task import task
    from featherkit.serialization import SerializationSettings, serialize
    from featherkit_resolver_pickle import PickleResolver

    OFFSET = 100


    def helper(x):
        return x + OFFSET


    @task(task_resolver=PickleResolver(sys.argv[2]))
    def compute(x: int, name: str = "n") -> str:
        return f"{name}={helper(x)}"


    if __name__ == "__main__":
        out = Path(sys.argv[1])
        template = serialize(compute, SerializationSettings(image="i:1", version="v1"))
        (out / "task.pb").write_bytes(template.SerializeToString())
        inputs = compute.inputs_to_literals({"x": 5, "name": "answer"})
        (out / "inputs.pb").write_bytes(inputs.SerializeToString())
    '''
)


def _empty_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize("how", ["script", "interactive"])
def test_main_task_runs_through_the_entrypoint(tmp_path: Path, how: str) -> None:
    """A task defined in a script's ``__main__`` or typed at ``python -c``/a notebook."""
    code = tmp_path / "code"
    code.mkdir()
    out = _empty_dir(tmp_path / "out")
    prefix = str(tmp_path / "bucket" / "pickles")
    if how == "script":
        (code / "job.py").write_text(SCRIPT)
        command = [sys.executable, "job.py", str(out), prefix]
    else:
        command = [sys.executable, "-c", SCRIPT, str(out), prefix]
    subprocess.run(command, cwd=code, check=True, capture_output=True)

    template = tasks_pb2.TaskTemplate()
    template.ParseFromString((out / "task.pb").read_bytes())
    args = list(template.container.args)
    assert template.id.name == "__main__.compute"
    assert args[args.index("--resolver") + 1] == "featherkit.resolvers.pickle"
    inputs = literals_pb2.LiteralMap()
    inputs.ParseFromString((out / "inputs.pb").read_bytes())

    run = run_container(args, inputs, tmp_path / "pod", cwd=_empty_dir(tmp_path / "elsewhere"))
    assert run.error is None, run.stderr
    assert run.returncode == 0, run.stderr
    assert run.outputs is not None
    assert run.outputs.literals["o0"].scalar.primitive.string_value == "answer=105"


def make_tasks(resolver: PickleResolver) -> tuple[object, object]:
    threshold = 10

    @task(task_resolver=resolver)
    def classify(x: int) -> str:
        return "big" if x > threshold else "small"

    @task(task_resolver=resolver)
    def explode(x: int) -> int:
        raise ValueError(f"cannot handle {x}")

    return classify, explode


def test_nested_task_runs_through_the_entrypoint(tmp_path: Path) -> None:
    classify, _ = make_tasks(PickleResolver(str(tmp_path / "pickles")))
    template = serialize(classify, SETTINGS)  # type: ignore[arg-type]
    run = run_container(
        list(template.container.args),
        classify.inputs_to_literals({"x": 11}),  # type: ignore[attr-defined]
        tmp_path / "pod",
        cwd=_empty_dir(tmp_path / "elsewhere"),
    )
    assert run.outputs is not None, run.stderr
    assert run.outputs.literals["o0"].scalar.primitive.string_value == "big"


def test_user_error_in_a_pickled_task(tmp_path: Path) -> None:
    _, explode = make_tasks(PickleResolver(str(tmp_path / "pickles")))
    template = serialize(explode, SETTINGS)  # type: ignore[arg-type]
    run = run_container(
        list(template.container.args),
        explode.inputs_to_literals({"x": 3}),  # type: ignore[attr-defined]
        tmp_path / "pod",
        cwd=_empty_dir(tmp_path / "elsewhere"),
    )
    assert run.outputs is None
    assert run.error is not None, run.stderr
    assert run.error.error.origin == execution_pb2.ExecutionError.USER
    assert "cannot handle 3" in run.error.error.message


def test_tampered_pickle_is_refused_by_the_entrypoint(tmp_path: Path) -> None:
    classify, _ = make_tasks(PickleResolver(str(tmp_path / "pickles")))
    template = serialize(classify, SETTINGS)  # type: ignore[arg-type]
    args = list(template.container.args)
    uri = args[args.index("--") + 1]
    Path(uri).write_bytes(Path(uri).read_bytes() + b"\x00")
    run = run_container(
        args,
        classify.inputs_to_literals({"x": 1}),  # type: ignore[attr-defined]
        tmp_path / "pod",
        cwd=_empty_dir(tmp_path / "elsewhere"),
    )
    assert run.outputs is None
    assert run.error is not None, run.stderr
    assert run.error.error.origin == execution_pb2.ExecutionError.USER
    assert "changed after serialization; refusing to load it" in run.error.error.message
