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
            "--", "task-module", "bench_tasks", "task-name", "add",
        ]
    else:
        command = [
            str(bindir / "featherkit-execute"), "--inputs", str(inputs),
            "--output-prefix", str(directory / "out"),
            "--raw-output-data-prefix", str(directory / "raw"),
            "--checkpoint-path", "{{.checkpointOutputPrefix}}",
            "--prev-checkpoint", "{{.prevCheckpointPrefix}}",
            "--resolver", "featherkit.resolvers.module",
            "--", "task-module", "bench_tasks", "task-name", "add",
        ]
    return {"command": command, "outputs": str(directory / "out" / "outputs.pb")}


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
