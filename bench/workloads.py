"""One benchmark workload in one SDK; prints its measurements as JSON on stdout.

    python workloads.py SDK WORKLOAD [--samples N]

SDK is ``featherkit``, ``flytekit`` or ``flyte`` (the Flyte 2 SDK). Every workload warms up
first, then takes ``N`` samples; a sample is the mean time of one operation over a batch sized
so that a sample lasts long enough to time reliably. The driver (run.py) alternates SDKs and
takes medians across processes.

Flyte 2 runs a task locally the way its docs show: ``flyte.init()`` then ``flyte.run(task,
...)``; a task called inside a running task is one sub-action of that run. Its per-call
workloads time one run of a driver task that makes ``batch`` calls, divided by ``batch`` (the
run's own set-up, about 3 ms, is spread over the batch). A workload Flyte 2 cannot express
returns ``{"unsupported": reason}`` and the report prints the reason in its cell.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import types
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))


def sample(op: Callable[[], object], samples: int, batch: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        op()
    out = []
    for _ in range(samples):
        start = time.perf_counter()
        for _ in range(batch):
            op()
        out.append((time.perf_counter() - start) / batch)
    return out


def _flyte_init() -> None:
    import flyte

    flyte.init()  # no endpoint: local mode


def flyte_run(task: object, **inputs: object) -> object:
    """Run one Flyte 2 task locally and return its first output."""
    import flyte

    return flyte.run(task, **inputs).outputs()[0]  # type: ignore[arg-type]


def flyte_sample(driver: object, samples: int, batch: int, **inputs: object) -> list[float]:
    """Time one local run of a driver making ``batch`` calls; a sample is the time per call."""
    _flyte_init()
    flyte_run(driver, n=2, **inputs)
    out = []
    for _ in range(samples):
        start = time.perf_counter()
        flyte_run(driver, n=batch, **inputs)
        out.append((time.perf_counter() - start) / batch)
    return out


def unsupported(reason: str) -> dict:
    return {"samples": [], "unsupported": reason}


def w_call(sdk: str, samples: int) -> dict:
    import bench_tasks

    if sdk == "flyte":
        return {"samples": flyte_sample(bench_tasks.repeat_add, samples, batch=100)}
    return {"samples": sample(lambda: bench_tasks.add(a=1, b=2), samples, batch=200)}


def w_list(sdk: str, samples: int) -> dict:
    import bench_tasks

    xs = list(range(10_000))
    if sdk == "flyte":
        _flyte_init()
        assert flyte_run(bench_tasks.echo_list, xs=xs) == xs
        return {"samples": sample(lambda: flyte_run(bench_tasks.echo_list, xs=xs), samples,
                                  batch=1, warmup=1)}
    assert bench_tasks.echo_list(xs=xs) == xs
    return {"samples": sample(lambda: bench_tasks.echo_list(xs=xs), samples, batch=1, warmup=1)}


def w_dataclass(sdk: str, samples: int) -> dict:
    import bench_tasks

    if sdk == "flyte":
        return {"samples": flyte_sample(bench_tasks.repeat_record, samples, batch=50)}
    record = bench_tasks.Record(1, "alpha", 0.5, ["a", "b", "c"])
    assert bench_tasks.echo_record(r=record) == record
    return {"samples": sample(lambda: bench_tasks.echo_record(r=record), samples, batch=50)}


def w_cache_hit(sdk: str, samples: int) -> dict:
    import bench_tasks

    if sdk == "flyte":
        return {"samples": flyte_sample(bench_tasks.repeat_cached, samples, batch=100, first=0)}
    bench_tasks.cached_square(n=7)
    return {"samples": sample(lambda: bench_tasks.cached_square(n=7), samples, batch=100)}


def _fresh_keys() -> int:
    """A start for cache keys no earlier process used (the cache outlives processes)."""
    return time.time_ns() // 1000 % 10**9 * 2  # squares stay within a Flyte integer


def w_cache_miss(sdk: str, samples: int) -> dict:
    import bench_tasks

    if sdk == "flyte":
        _flyte_init()
        start = _fresh_keys()
        out = []
        for index in range(samples + 1):
            begin = time.perf_counter()
            flyte_run(bench_tasks.repeat_cached, n=20, first=start + index * 100)
            out.append((time.perf_counter() - begin) / 20)
        return {"samples": out[1:]}
    counter = iter(range(_fresh_keys(), 10**18))
    return {
        "samples": sample(lambda: bench_tasks.cached_square(n=next(counter)), samples,
                          batch=20, warmup=2)
    }


def _generated_source(count: int) -> str:
    lines = [
        "import os",
        "if os.environ.get('BENCH_SDK') == 'flytekit':",
        "    from flytekit import task",
        "elif os.environ.get('BENCH_SDK') == 'flyte':",
        "    import flyte",
        "    task = flyte.TaskEnvironment(name='generated').task",
        "else:",
        "    from featherkit import task",
    ]
    for i in range(count):
        lines += [
            "",
            "@task",
            f"def t{i}(a: int, b: str, c: list[float]) -> int:",
            f"    '''Task {i}.\n\n    :param a: an int\n    :param b: a str\n    '''",
            "    return a",
        ]
    return "\n".join(lines) + "\n"


def _generated_code(count: int) -> tuple[types.CodeType, str]:
    """Compile the generated tasks from a real file: flytekit reads a function's source."""
    path = Path(tempfile.mkdtemp(prefix="bench-generated-")) / "generated_tasks.py"
    path.write_text(_generated_source(count))
    return compile(path.read_text(), str(path), "exec", dont_inherit=True), str(path)


def _decorate(compiled: tuple[types.CodeType, str], name: str) -> types.ModuleType:
    code, path = compiled
    module = types.ModuleType(name)
    module.__file__ = path
    sys.modules[name] = module
    exec(code, module.__dict__)
    return module


def w_decorate(sdk: str, samples: int) -> dict:
    code = _generated_code(200)
    counter = iter(range(10**9))
    return {
        "samples": sample(lambda: _decorate(code, f"generated_{next(counter)}"), samples,
                          batch=1, warmup=1)
    }


def w_serialize(sdk: str, samples: int) -> dict:
    if sdk == "flyte":
        return unsupported(
            "no local serialize: `flyte deploy --dry-run` connects to a control plane first"
        )
    module = _decorate(_generated_code(200), "generated_serialize")
    tasks = [getattr(module, f"t{i}") for i in range(200)]
    if sdk == "flytekit":
        from flytekit.configuration import Image, ImageConfig, SerializationSettings
        from flytekit.tools.translator import get_serializable

        image = Image(name="default", fqn="ghcr.io/acme/app", tag="v1")
        settings = SerializationSettings(
            ImageConfig(default_image=image, images=[image]), project="p", domain="d",
            version="v1",
        )

        def op() -> None:
            for t in tasks:
                get_serializable(OrderedDict(), settings, t).to_flyte_idl().SerializeToString()
    else:
        from featherkit import SerializationSettings, serialize

        settings = SerializationSettings(
            image="ghcr.io/acme/app:v1", project="p", domain="d", version="v1"
        )

        def op() -> None:
            for t in tasks:
                serialize(t, settings).SerializeToString()

    return {"samples": sample(op, samples, batch=1, warmup=1)}


def w_wf_chain(sdk: str, samples: int) -> dict:
    """A 50-node chain workflow run locally (one trivial task per node).

    Flyte 2 has no workflow graph; its form of one is a task calling tasks (one local run).
    """
    import bench_tasks

    if sdk == "flyte":
        _flyte_init()
        assert flyte_run(bench_tasks.chain, n=50) == 50
        return {"samples": sample(lambda: flyte_run(bench_tasks.chain, n=50), samples, batch=2,
                                  warmup=1)}

    assert bench_tasks.chain50(x=0) == 50
    return {"samples": sample(lambda: bench_tasks.chain50(x=0), samples, batch=10)}


def w_wf_fanout(sdk: str, samples: int) -> dict:
    """16 independent tasks sleeping 50 ms, then one gathering them: the parallel run shows.

    Flyte 2: an async task gathering the 16 (``nap.aio``), then the gathering task.
    """
    import bench_tasks

    if sdk == "flyte":
        _flyte_init()
        assert flyte_run(bench_tasks.fan_out, n=16) == 16
        return {"samples": sample(lambda: flyte_run(bench_tasks.fan_out, n=16), samples,
                                  batch=1, warmup=1)}

    assert bench_tasks.fanout16() == 16
    return {"samples": sample(bench_tasks.fanout16, samples, batch=1, warmup=1)}


def w_map1000(sdk: str, samples: int) -> dict:
    """map_task of a trivial task over 1,000 elements, run locally (flytekit: one by one).

    Flyte 2: ``flyte.map`` of the task over the 1,000 elements inside one local run (each
    element one action; it runs them one by one locally, and says so).
    """
    import bench_tasks

    if sdk == "flyte":
        _flyte_init()
        assert flyte_run(bench_tasks.flyte_map, n=1000) == list(range(1, 1001))
        return {"samples": sample(lambda: flyte_run(bench_tasks.flyte_map, n=1000), samples,
                                  batch=1, warmup=0)}

    xs = list(range(1000))
    assert bench_tasks.map_inc(a=xs) == [x + 1 for x in xs]
    return {"samples": sample(lambda: bench_tasks.map_inc(a=xs), samples, batch=3, warmup=1)}


def w_dynamic100(sdk: str, samples: int) -> dict:
    """A dynamic workflow building and running a 100-node chain locally.

    Flyte 2: every task may call tasks; its form of this is a task calling 100 tasks.
    """
    import bench_tasks

    if sdk == "flyte":
        _flyte_init()
        assert flyte_run(bench_tasks.chain, n=100) == 100
        return {"samples": sample(lambda: flyte_run(bench_tasks.chain, n=100), samples,
                                  batch=1, warmup=1)}

    assert bench_tasks.dynamic100(x=0) == 100
    return {"samples": sample(lambda: bench_tasks.dynamic100(x=0), samples, batch=3, warmup=1)}


_BIG_WORKFLOW = """
import os
if os.environ.get('BENCH_SDK') == 'flytekit':
    from flytekit import workflow
else:
    from featherkit import workflow
from bench_tasks import inc


@workflow
def big(x: int) -> int:
    for _ in range(200):
        x = inc(a=x)
    return x
"""


def w_wf_serialize(sdk: str, samples: int) -> dict:
    """Decorate a 200-node workflow and serialize it (with its task)."""
    if sdk == "flyte":
        return unsupported("Flyte 2 has no workflows: a task calling tasks is its form of one")
    path = Path(tempfile.mkdtemp(prefix="bench-workflow-")) / "big_workflow.py"
    path.write_text(_BIG_WORKFLOW)
    code = (compile(_BIG_WORKFLOW, str(path), "exec", dont_inherit=True), str(path))
    counter = iter(range(10**9))
    if sdk == "flytekit":
        from flytekit.configuration import Image, ImageConfig, SerializationSettings
        from flytekit.tools.translator import get_serializable

        image = Image(name="default", fqn="ghcr.io/acme/app", tag="v1")
        settings = SerializationSettings(
            ImageConfig(default_image=image, images=[image]), project="p", domain="d",
            version="v1",
        )

        def op() -> None:
            module = _decorate(code, f"big_{next(counter)}")
            entities: OrderedDict = OrderedDict()
            get_serializable(entities, settings, module.big)
            for spec in entities.values():
                spec.to_flyte_idl().SerializeToString()
    else:
        from featherkit import SerializationSettings
        from featherkit.serialization import task_spec
        from featherkit.workflow.serialize import workflow_spec

        settings = SerializationSettings(
            image="ghcr.io/acme/app:v1", project="p", domain="d", version="v1"
        )

        def op() -> None:
            module = _decorate(code, f"big_{next(counter)}")
            task_spec(module.inc, settings).SerializeToString()
            workflow_spec(module.big, settings).SerializeToString()

    return {"samples": sample(op, samples, batch=1, warmup=1)}


def w_import_stats(sdk: str, samples: int) -> dict:
    import resource

    before = len(sys.modules)
    start = time.perf_counter()
    __import__(sdk)
    elapsed = time.perf_counter() - start
    return {
        "samples": [elapsed],
        "modules": len(sys.modules) - before,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def w_entrypoint_inputs(sdk: str, samples: int) -> dict:
    """Write inputs.pb for add(a=1, b=2) and print the command line that runs it."""
    if sdk == "flyte":
        return unsupported(
            "no local equivalent: its container entrypoint (`a0`) connects a controller to "
            "the control plane before it loads the task"
        )
    from flyteidl.core import literals_pb2

    directory = Path(tempfile.mkdtemp(prefix=f"bench-{sdk}-"))
    literals = {
        name: literals_pb2.Literal(
            scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive(integer=value))
        )
        for name, value in (("a", 1), ("b", 2))
    }
    inputs = directory / "inputs.pb"
    inputs.write_bytes(literals_pb2.LiteralMap(literals=literals).SerializeToString())
    bindir = Path(sys.executable).parent
    if sdk == "flytekit":
        command = [
            str(bindir / "pyflyte-execute"), "--inputs", str(inputs),
            "--output-prefix", str(directory / "out"),
            "--raw-output-data-prefix", str(directory / "raw"),
            "--resolver", "flytekit.core.python_auto_container.default_task_resolver",
            "--", "task-module", "entry_tasks", "task-name", "add",
        ]
    else:
        command = [
            str(bindir / "featherkit-execute"), "--inputs", str(inputs),
            "--output-prefix", str(directory / "out"),
            "--raw-output-data-prefix", str(directory / "raw"),
            "--checkpoint-path", "{{.checkpointOutputPrefix}}",
            "--prev-checkpoint", "{{.prevCheckpointPrefix}}",
            "--resolver", "featherkit.resolvers.module",
            "--", "task-module", "entry_tasks", "task-name", "add",
        ]
    return {"command": command, "outputs": str(directory / "out" / "outputs.pb")}


FILE_BYTES = 100 * 10**6
FRAME_ROWS = 10**6


def _big_file() -> Path:
    """A 100 MB file of incompressible bytes in the run's temporary directory (made once)."""
    path = Path(tempfile.gettempdir()) / "bench-100MB.bin"
    if not path.exists() or path.stat().st_size != FILE_BYTES:
        block = os.urandom(1 << 20)
        with open(path, "wb") as fh:
            for _ in range(FILE_BYTES // len(block)):
                fh.write(block)
            fh.write(block[: FILE_BYTES % len(block)])
    return path


def _frame() -> object:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    return pd.DataFrame({
        "id": np.arange(FRAME_ROWS),
        "x": rng.random(FRAME_ROWS),
        "label": rng.choice(["alpha", "beta", "gamma"], FRAME_ROWS),
    })


def w_file_copy_floor(sdk: str, samples: int) -> dict:
    """The physical limit: copying the 100 MB file once with the standard library (the copy
    the task rows make too) into a new file, removed again as theirs is."""
    import shutil

    source = _big_file()
    target = source.with_suffix(".floor")

    def once() -> None:
        shutil.copyfile(source, target)
        target.unlink()

    return {"samples": sample(once, samples, batch=1, warmup=1), "bytes": FILE_BYTES}


def w_frame_floor(sdk: str, samples: int) -> dict:
    """The frame's physical limit: pandas alone moving it through storage as a local call
    must, twice (the input crosses into the task, the output back to the caller: each written
    as parquet and read back), with nothing around it. A frame, unlike a file, has no path to
    pass along, so neither crossing can be skipped."""
    import pandas as pd

    frame = _frame()
    path = Path(tempfile.mkdtemp(prefix="bench-frame-floor-")) / "frame.parquet"

    def once() -> None:
        for _ in range(2):  # the input's crossing, then the output's
            frame.to_parquet(path)  # type: ignore[attr-defined]
            assert len(pd.read_parquet(path)) == FRAME_ROWS

    result = {"samples": sample(once, samples, batch=1, warmup=1), "rows": FRAME_ROWS}
    path.unlink()
    return result


def w_file_task(sdk: str, samples: int) -> dict:
    """A 100 MB file through a task that copies it (one copy, like the floor), locally.

    Flyte 2: the same task on its ``flyte.io.File`` (``open_sync``, ``from_local_sync``), run
    by ``flyte.run`` on a ``File`` referencing the local file.
    """
    import bench_tasks

    source = str(_big_file())
    if sdk == "flyte":
        from flyte.io import File

        _flyte_init()
        reference = File.from_existing_remote(source)

        def once_flyte() -> None:
            out = flyte_run(bench_tasks.copy_file, f=reference)
            os.unlink(out.path)  # type: ignore[attr-defined]

        return {"samples": sample(once_flyte, samples, batch=1, warmup=1), "bytes": FILE_BYTES}

    def once() -> None:
        out = bench_tasks.copy_file(f=source)
        os.unlink(os.fspath(out))

    return {"samples": sample(once, samples, batch=1, warmup=1), "bytes": FILE_BYTES}


def w_frame_task(sdk: str, samples: int) -> dict:
    """A 1M-row pandas frame (int, float, str columns) into a task and back, locally."""
    if sdk == "flyte":
        return unsupported(
            "not measured: Flyte 2's flyte.io.DataFrame (its bench env has no pandas)"
        )
    os.environ["BENCH_FRAMES"] = "1"
    import bench_tasks

    frame = _frame()
    assert len(bench_tasks.frame_pass(df=frame)) == FRAME_ROWS
    return {"samples": sample(lambda: bench_tasks.frame_pass(df=frame), samples, batch=1,
                              warmup=1), "rows": FRAME_ROWS}


def _offloaded_inputs(sdk: str, name: str, value: object, python_type: object,
                      directory: Path) -> bytes:
    """inputs.pb holding ``value`` as the SDK writes it upstream (bytes under ``directory``)."""
    if sdk == "flytekit":
        from flytekit.core.context_manager import ExecutionState, FlyteContextManager
        from flytekit.core.data_persistence import FileAccessProvider
        from flytekit.core.type_engine import TypeEngine
        from flytekit.models.literals import LiteralMap

        ctx = FlyteContextManager.current_context()
        access = FileAccessProvider(local_sandbox_dir=str(directory / "sandbox"),
                                    raw_output_prefix=str(directory / "upstream"))
        state = ctx.new_execution_state().with_params(mode=ExecutionState.Mode.TASK_EXECUTION)
        with FlyteContextManager.with_context(
            ctx.with_file_access(access).with_execution_state(state)
        ) as pod:
            literal = TypeEngine.to_literal(pod, value, python_type,
                                            TypeEngine.to_literal_type(python_type))
        return LiteralMap(literals={name: literal}).to_flyte_idl().SerializeToString()
    from flyteidl.core import literals_pb2

    from featherkit.context import ExecutionParameters, execution
    from featherkit.type_registry import type_engine

    with execution(ExecutionParameters(raw_output_prefix=str(directory / "upstream"))):
        literal = type_engine().to_literal(value, python_type)
    return literals_pb2.LiteralMap(literals={name: literal}).SerializeToString()


def _entrypoint_command(sdk: str, task_name: str, directory: Path) -> list[str]:
    bindir = Path(sys.executable).parent
    common = [
        "--inputs", str(directory / "inputs.pb"), "--output-prefix", str(directory / "out"),
        "--raw-output-data-prefix", str(directory / "raw"),
    ]
    if sdk == "flytekit":
        return [str(bindir / "pyflyte-execute"), *common, "--resolver",
                "flytekit.core.python_auto_container.default_task_resolver",
                "--", "task-module", "bench_tasks", "task-name", task_name]
    return [str(bindir / "featherkit-execute"), *common,
            "--checkpoint-path", "{{.checkpointOutputPrefix}}",
            "--prev-checkpoint", "{{.prevCheckpointPrefix}}",
            "--resolver", "featherkit.resolvers.module",
            "--", "task-module", "bench_tasks", "task-name", task_name]


_NO_ENTRYPOINT = (
    "no local equivalent: its container entrypoint (`a0`) connects a controller to the control "
    "plane before it loads the task"
)


def w_file_entrypoint_inputs(sdk: str, samples: int) -> dict:
    """inputs.pb with the 100 MB file uploaded under a raw prefix, and the command running
    copy_file on it as a pod (its output is uploaded to the pod's raw output prefix)."""
    if sdk == "flyte":
        return unsupported(_NO_ENTRYPOINT)
    import bench_tasks

    directory = Path(tempfile.mkdtemp(prefix=f"bench-file-{sdk}-"))
    (directory / "inputs.pb").write_bytes(
        _offloaded_inputs(sdk, "f", str(_big_file()), bench_tasks.File, directory)
    )
    return {"command": _entrypoint_command(sdk, "copy_file", directory),
            "outputs": str(directory / "out" / "outputs.pb"), "bytes": FILE_BYTES,
            "env": {"BENCH_SDK": sdk}}


def w_frame_entrypoint_inputs(sdk: str, samples: int) -> dict:
    """inputs.pb with the 1M-row frame written as parquet under a raw prefix, and the
    command running frame_pass on it as a pod (reads it, writes it back)."""
    if sdk == "flyte":
        return unsupported(_NO_ENTRYPOINT)
    import pandas as pd

    directory = Path(tempfile.mkdtemp(prefix=f"bench-frame-{sdk}-"))
    (directory / "inputs.pb").write_bytes(
        _offloaded_inputs(sdk, "df", _frame(), pd.DataFrame, directory)
    )
    return {"command": _entrypoint_command(sdk, "frame_pass", directory),
            "outputs": str(directory / "out" / "outputs.pb"), "rows": FRAME_ROWS,
            "env": {"BENCH_SDK": sdk, "BENCH_FRAMES": "1"}}


def w_rss(sdk: str, samples: int) -> dict:
    """Peak RSS of this whole process: import the SDK, run one 10k-element list[int] task."""
    import resource

    import bench_tasks

    xs = list(range(10_000))
    if sdk == "flyte":
        _flyte_init()
        assert flyte_run(bench_tasks.echo_list, xs=xs) == xs
    else:
        assert bench_tasks.echo_list(xs=xs) == xs
    return {"samples": [resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]}


def w_async_gather(sdk: str, samples: int) -> dict:
    """100 calls of an async task gathered concurrently (one sample = all 100)."""
    import asyncio

    import bench_tasks

    if sdk == "flyte":
        _flyte_init()
        assert flyte_run(bench_tasks.gather_driver, n=100) == 5050
        return {"samples": sample(lambda: flyte_run(bench_tasks.gather_driver, n=100), samples,
                                  batch=1, warmup=1)}
    assert asyncio.run(bench_tasks.gather_async_add(100)) == 5050
    return {"samples": sample(lambda: asyncio.run(bench_tasks.gather_async_add(100)), samples,
                              batch=1, warmup=1)}


def w_footprint(sdk: str, samples: int) -> dict:
    """Distributions installed (besides the installers) and their bytes on disk.

    A distribution's files are every file under the top-level entries its RECORD names
    (packages, modules, scripts), walked on disk: that counts the bytecode a user's install
    compiled, which RECORD may or may not list depending on the installer.
    """
    import importlib.metadata
    import site

    tools = {"pip", "setuptools", "wheel"}
    names = []
    roots: set[Path] = set()
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"].lower()
        if name in tools:
            continue
        names.append(name)
        base = Path(str(dist.locate_file(""))).resolve()
        for file in dist.files or []:
            path = Path(str(dist.locate_file(file))).resolve()
            try:
                top = base / path.relative_to(base).parts[0]
            except ValueError:  # outside site-packages (a script in bin/): the file itself
                top = path
            roots.add(top)
    files: set[Path] = set()
    site_dirs = {Path(d).resolve() for d in site.getsitepackages()}
    for root in roots:
        if root in site_dirs:
            continue
        if root.is_dir():
            for directory, _, filenames in os.walk(root):
                files.update(Path(directory, f) for f in filenames)
        elif root.exists():
            files.add(root)
    total = sum(f.stat().st_size for f in files if f.is_file())
    return {"samples": [0.0], "distributions": len(names), "names": sorted(names),
            "megabytes": total / 1e6}


WORKLOADS = {
    name[2:]: fn for name, fn in globals().items() if name.startswith("w_") and callable(fn)
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sdk", choices=["featherkit", "flytekit", "flyte"])
    parser.add_argument("workload", choices=sorted(WORKLOADS))
    parser.add_argument("--samples", type=int, default=7)
    args = parser.parse_args()
    os.environ["BENCH_SDK"] = args.sdk
    result = WORKLOADS[args.workload](args.sdk, args.samples)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
