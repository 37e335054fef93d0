"""The main job on the embedded defaults, in four steps.

1. define tasks (examples/pipeline.py) and run them locally, with the embedded SQLite cache;
2. serialize them to Flyte TaskSpecs and a registration package, as a CI job would;
3. run one task the way a Flyte pod does: through the container entrypoint, with the args
   written in its serialized TaskTemplate, on local files;
4. read back what the entrypoint wrote;
5. run a workflow (examples/workflows.py): its cache plan, the graph run locally, its specs.

Everything it writes goes under build/demo/ (``FEATHERKIT_DEMO_DIR`` to put it elsewhere):
the cache (so a second run of the demo hits the cache from the first), the local runs' working
directories with their decks (runs/), the serialized specs, the package and the pod's files.
Whether a call was a cache hit is the cache's own answer (``featherkit.cache.cache_outcomes``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = Path(os.environ.get("FEATHERKIT_DEMO_DIR") or HERE.parent / "build" / "demo").resolve()
os.environ.setdefault("FEATHERKIT_CACHE_DIR", str(OUT / "cache"))
# local runs keep their working directory (and a deck-enabled task its deck.html) here
os.environ.setdefault("FEATHERKIT_LOCAL_DIR", str(OUT / "runs"))
# and whatever else makes a temporary file, here or in the commands it starts, does it here
(OUT / "tmp").mkdir(parents=True, exist_ok=True)
os.environ["TMPDIR"] = str(OUT / "tmp")
sys.path.insert(0, str(HERE))

import pipeline  # noqa: E402
from flyteidl.admin import task_pb2  # noqa: E402
from flyteidl.core import literals_pb2  # noqa: E402

from featherkit.cache import cache_outcomes  # noqa: E402
from featherkit.type_registry import type_engine  # noqa: E402

TEXT = "The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs."


def step(title: str) -> None:
    print(f"\n== {title}")


def run_locally() -> None:
    step("1. run locally (cache in build/demo/cache)")
    words = pipeline.tokenize(text=TEXT)
    print(f"tokenize -> {len(words)} words: {words[:6]} ...")
    for attempt in ("first call", "second call"):
        start = time.perf_counter()
        with cache_outcomes() as seen:
            summary = pipeline.count_words(words=words)
        elapsed = time.perf_counter() - start
        status = seen[-1].status if seen else "off"
        how = {"hit": "cache hit", "miss": "ran the body, stored it", "off": "cache off",
               "overwrite": "ran the body, replaced the entry"}.get(status, status)
        print(f"count_words, {attempt}: {elapsed * 1000:.1f} ms ({how}) -> {summary}")


def featherkit(*args: str) -> None:
    command = [sys.executable, "-m", "featherkit.cli", *args]
    print("$ featherkit " + " ".join(args))
    subprocess.run(command, check=True, cwd=HERE.parent)


def serialize() -> Path:
    step("2. serialize for a Flyte cluster")
    specs = OUT / "specs"
    shutil.rmtree(specs, ignore_errors=True)
    settings = ["--image", "ghcr.io/acme/text:v1", "--project", "demo", "--domain",
                "development", "--version", "v1"]
    featherkit("serialize", "examples/pipeline.py", *settings, "-o", str(specs))
    featherkit("package", "examples/pipeline.py", *settings, "-o", str(OUT / "flyte-package.tgz"))
    return specs


def run_in_container(specs: Path) -> None:
    step("3. run count_words through the container entrypoint, as a pod would")
    spec_file = next(p for p in specs.iterdir() if "count_words" in p.name and p.suffix == ".pb")
    spec = task_pb2.TaskSpec.FromString(spec_file.read_bytes())
    template = spec.template
    work = OUT / "pod"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    engine = type_engine()
    inputs = literals_pb2.LiteralMap(
        literals={
            "words": engine.to_literal(["a", "b", "a"], list[str]),
            "top_n": engine.to_literal(2, int),
        }
    )
    (work / "inputs.pb").write_bytes(inputs.SerializeToString())
    substitutions = {
        "{{.input}}": str(work / "inputs.pb"),
        "{{.outputPrefix}}": str(work / "outputs"),
        "{{.rawOutputDataPrefix}}": str(work / "raw"),
        "{{.checkpointOutputPrefix}}": str(work / "checkpoint"),
        "{{.prevCheckpointPrefix}}": "",
    }
    args = [substitutions.get(a, a) for a in template.container.args]
    print("$ " + " ".join(args))
    env = {**os.environ, "PYTHONPATH": str(HERE), "FEATHERKIT_CACHE": "off"}
    env.update({kv.key: kv.value for kv in template.container.env})
    bindir = Path(sys.executable).parent
    subprocess.run([str(bindir / args[0]), *args[1:]], check=True, env=env)

    step("4. what the entrypoint wrote")
    for path in sorted((work / "outputs").iterdir()):
        print(f"  {path.relative_to(OUT)} ({path.stat().st_size} bytes)")
    outputs = literals_pb2.LiteralMap.FromString((work / "outputs" / "outputs.pb").read_bytes())
    total = engine.to_python_value(outputs.literals["total"], int)
    top = engine.to_python_value(outputs.literals["top"], list[pipeline.WordCount])
    print(f"outputs.pb: total={total}, top={top}")


def run_workflow() -> None:
    """A workflow (examples/workflows.py): its cache plan, a run, the plan again, its specs."""
    step("5. a workflow: plan, run the graph (independent nodes at once), plan again")
    featherkit("run", "examples/workflows.py", "compare", "--plan")
    start = time.perf_counter()
    featherkit("run", "examples/workflows.py", "compare")
    print(f"({time.perf_counter() - start:.1f} s, process start included; the counts overlap)")
    featherkit("run", "examples/workflows.py", "compare", "--plan")
    settings = ["--image", "ghcr.io/acme/app:v1", "--version", "v1"]
    featherkit("serialize", "examples/workflows.py", *settings, "-o", str(OUT / "workflow-specs"))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    run_locally()
    specs = serialize()
    run_in_container(specs)
    run_workflow()
    print(f"\ndone: see {OUT}")


if __name__ == "__main__":
    main()
