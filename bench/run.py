"""Run every workload in featherkit, flytekit and Flyte 2 side by side and report ratios.

    python run.py --featherkit PY --flytekit PY --flyte PY --core-only PY [--rounds N]

Each round runs each workload once per SDK in fresh processes, rotating which SDK goes first,
so drift of the machine cancels out. Within a process a workload takes several samples and
keeps the fastest (the one least disturbed by other jobs on the machine, as ``timeit``
advises); a row reports the median of those over rounds (with min and max),
the ratios flytekit/featherkit and Flyte 2/featherkit, the budget of DESIGN section 7 (over
flytekit, in this same run) and whether it is met. A workload Flyte 2 cannot express says why
in its cell. A missed budget is reported, never fatal; a workload that breaks exits non-zero.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent
SDKS = ("featherkit", "flytekit", "flyte")
LABEL = {"featherkit": "featherkit", "flytekit": "flytekit", "flyte": "Flyte 2"}


@dataclass(frozen=True)
class Row:
    title: str
    unit: str
    #: flytekit's value / featherkit's must be at least this (None: no budget); for a row with
    #: a ``floor``, featherkit's value / the floor's must be at most this
    budget: float | None = None
    #: how the budget reads in the table (default ">= {budget}x")
    budget_text: str = ""
    #: how the row is measured: "inprocess" (workloads.py samples), "process" (``import``, a
    #: whole process timed from outside), "command" (a workload writes the inputs and names
    #: the command, timed from outside), "sum" (of other rows), "value" (one number per
    #: process), "floor" (an SDK-independent physical limit, measured in featherkit's env)
    kind: str = "inprocess"
    parts: tuple[str, ...] = ()
    #: the workload behind the row (default: the row's key)
    workload: str = ""
    #: the floor row this row's budget is measured against
    floor: str = ""
    #: samples per process (fewer for the rows that move 100 MB per sample)
    samples: int = 5
    #: runs flytekit in the env that also has pandas and pyarrow (the frame rows)
    frames: bool = False
    #: runs of a whole-process row per round, the fastest kept (1 for the multi-second ones)
    repeat: int = 3


ROWS: dict[str, Row] = {
    "import": Row("`import` as a whole process", "ms", 30.0, kind="process"),
    "call": Row("trivial typed task, per call", "us", 100.0),
    "list": Row("10k-element list[int] in and out", "ms", 30.0),
    "dataclass": Row("dataclass in and out", "us"),
    "cache_miss": Row("cached task, miss", "us"),
    "cache_hit": Row("cached task, hit", "us", 20.0),
    "async_gather": Row("100 async tasks gathered concurrently", "ms"),
    "decorate": Row("decorate 200 tasks", "ms"),
    "serialize": Row("serialize 200 tasks", "ms"),
    "decorate_serialize": Row("decorate + serialize 200 tasks", "ms", 20.0, kind="sum",
                              parts=("decorate", "serialize")),
    "wf_chain": Row("50-node chain workflow, local run", "ms", 30.0),
    "wf_fanout": Row("fan-out of 16 tasks sleeping 50 ms, local run", "ms", 4.0,
                     budget_text="wall time <= 1/4 of flytekit's"),
    "map1000": Row("map a trivial task over 1,000 elements, local", "ms", 30.0),
    "dynamic100": Row("dynamic workflow of 100 nodes, local", "ms"),
    "wf_serialize": Row("decorate + serialize a 200-node workflow", "ms"),
    "entrypoint": Row("entrypoint, trivial task, whole process", "ms", 10.0, kind="command",
                      workload="entrypoint_inputs"),
    "file_floor": Row("raw copy of a 100 MB file (the floor)", "ms", kind="floor",
                      workload="file_copy_floor", samples=3),
    "file_task": Row("100 MB file through a task, local", "ms", 1.5,
                     budget_text="<= 1.5x the raw copy", floor="file_floor", samples=3),
    "file_entrypoint": Row("100 MB file through a task, entrypoint process", "ms",
                           kind="command", workload="file_entrypoint_inputs", repeat=1),
    "frame_floor": Row("1M-row frame to parquet and back twice, pandas alone (the floor)", "ms",
                       kind="floor", samples=5),
    "frame_task": Row("1M-row frame through a task, local", "ms", 1.5,
                      budget_text="<= 1.5x pandas alone", floor="frame_floor", samples=5,
                      frames=True),
    "frame_entrypoint": Row("1M-row frame through a task, entrypoint process", "ms",
                            kind="command", workload="frame_entrypoint_inputs", frames=True,
                            repeat=1),
    "rss": Row("peak RSS, import + one 10k list[int] task", "MB", 2.0,
               budget_text="<= 1/2 of flytekit's", kind="value"),
}
SCALE = {"ms": 1e3, "us": 1e6, "MB": 1.0}


class WorkloadFailed(RuntimeError):
    pass


def child_env(sdk: str, scratch: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FEATHERKIT_", "FLYTE"))}
    env["BENCH_SDK"] = sdk
    env["PYTHONPATH"] = str(HERE)
    env["HOME"] = str(scratch / f"home-{sdk}")  # flytekit's and Flyte 2's local caches live there
    env["FEATHERKIT_CACHE_DIR"] = str(scratch / "featherkit-cache")
    env["FEATHERKIT_CACHE"] = "sqlite"
    env["TMPDIR"] = str(scratch / "tmp")  # the workloads' temporary files go when the run ends
    for directory in (env["HOME"], env["TMPDIR"]):
        Path(directory).mkdir(parents=True, exist_ok=True)
    return env


def run_workload(python: str, sdk: str, workload: str, scratch: Path, samples: int = 7) -> dict:
    result = subprocess.run(
        [python, str(HERE / "workloads.py"), sdk, workload, "--samples", str(samples)],
        capture_output=True, text=True, env=child_env(sdk, scratch), cwd=scratch,
    )
    if result.returncode != 0:
        raise WorkloadFailed(f"{workload} failed for {sdk}:\n{result.stderr[-3000:]}")
    data: dict = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def time_process(command: list[str], env: dict[str, str], cwd: Path, repeat: int = 3) -> float:
    """The fastest of ``repeat`` runs of a whole process (as for in-process samples)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd)
        elapsed = time.perf_counter() - start
        if result.returncode != 0:
            raise WorkloadFailed(f"{' '.join(command)} failed:\n{result.stderr[-3000:]}")
        best = min(best, elapsed)
    return best


def measure_round(pythons: dict[str, str], scratch: Path, order: list[str]) -> dict:
    """One value per row and SDK (or the reason the SDK cannot run that workload)."""
    values: dict[str, dict[str, float | str]] = {key: {} for key in ROWS}
    extras: dict[str, dict] = {}
    for key, row in ROWS.items():
        if row.kind == "floor":
            data = run_workload(pythons["featherkit"], "featherkit", row.workload or key, scratch,
                                row.samples)
            values[key] = {sdk: min(data["samples"]) for sdk in SDKS}
    for sdk in order:
        env = child_env(sdk, scratch)
        for key, row in ROWS.items():
            python = pythons[sdk]
            if row.frames and sdk == "flytekit":
                python = pythons.get("flytekit-frames", python)
            if row.kind == "inprocess":
                data = run_workload(python, sdk, row.workload or key, scratch, row.samples)
                values[key][sdk] = data.get("unsupported") or min(data["samples"])
            elif row.kind == "value":
                values[key][sdk] = run_workload(python, sdk, key, scratch)["samples"][0]
            elif row.kind == "command":
                values[key][sdk] = time_command(python, sdk, row.workload, scratch, row.repeat)
        python = pythons[sdk]
        values["import"][sdk] = time_process([python, "-c", f"import {sdk}"], env, scratch)
        for key, row in ROWS.items():
            if row.kind == "sum":
                parts = [values[part][sdk] for part in row.parts]
                strings = [p for p in parts if isinstance(p, str)]
                values[key][sdk] = strings[0] if strings else sum(parts)  # type: ignore[arg-type]
        extras[sdk] = run_workload(python, sdk, "import_stats", scratch)
    return {"values": values, "extras": extras}


def time_command(
    python: str, sdk: str, workload: str, scratch: Path, repeat: int = 3
) -> float | str:
    """Time the command a workload prepared (its inputs written), checking it wrote outputs."""
    entry = run_workload(python, sdk, workload, scratch)
    if "unsupported" in entry:
        return str(entry["unsupported"])
    env = {**child_env(sdk, scratch), **entry.get("env", {})}
    elapsed = time_process(entry["command"], env, scratch, repeat)
    if not Path(entry["outputs"]).exists():
        raise WorkloadFailed(f"{workload}: the {sdk} command wrote no outputs.pb")
    return elapsed


def summarize(rounds: list[dict]) -> dict:
    table = {}
    for key in ROWS:
        row: dict = {}
        for sdk in SDKS:
            series = [r["values"][key][sdk] for r in rounds]
            if any(isinstance(v, str) for v in series):
                row[sdk] = {"unsupported": next(v for v in series if isinstance(v, str))}
                continue
            row[sdk] = {
                "median": statistics.median(series), "min": min(series), "max": max(series)
            }
        base = row["featherkit"]["median"]
        for sdk in ("flytekit", "flyte"):
            if "median" in row[sdk]:
                row[f"ratio_{sdk}"] = row[sdk]["median"] / base
        row["ratio"] = row.get("ratio_flytekit")
        spec = ROWS[key]
        if spec.budget is not None:
            row["budget"] = spec.budget
            if spec.floor:
                row["vs_floor"] = row["featherkit"]["median"] / table[spec.floor]["featherkit"][
                    "median"]
                row["met"] = row["vs_floor"] <= spec.budget
            else:
                row["met"] = row["ratio"] is not None and row["ratio"] >= spec.budget
        table[key] = row
    return table


def fmt(value: float, unit: str) -> str:
    scaled = value * SCALE[unit]
    return f"{scaled:.3g}" if scaled < 100 else f"{scaled:.0f}"


def cell(stats: dict, unit: str) -> str:
    if "unsupported" in stats:
        return str(stats["unsupported"])
    return (f"{fmt(stats['median'], unit)} {unit} "
            f"({fmt(stats['min'], unit)}-{fmt(stats['max'], unit)})")


def render(table: dict, footprint: dict, extras: dict, meta: dict) -> str:
    lines = [
        "# Benchmarks: featherkit vs flytekit and Flyte 2",
        "",
        f"Generated by `nox -s bench` on {meta['date']}: {meta['cpus']} CPUs, "
        f"Python {meta['python']}, {meta['platform']}; flytekit {meta['flytekit']}, "
        f"Flyte 2 (`flyte`) {meta['flyte']}; {meta['rounds']} rounds rotating which SDK goes "
        "first. Medians over rounds (of each process's fastest sample), with min-max over rounds.",
        "Ratios are the other SDK's value / featherkit's (higher is better for featherkit); "
        "budgets are over flytekit, in this run. What each row measures, and the floor that "
        "bounds it, is explained below the table.",
        "",
        "| workload | featherkit | flytekit | Flyte 2 | vs flytekit | vs Flyte 2 | budget | met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key, spec in ROWS.items():
        row = table[key]
        cells = [cell(row[sdk], spec.unit) for sdk in SDKS]
        if spec.kind == "floor":
            cells[1:] = ["(same floor)", "(same floor)"]
        ratios = [f"{row[name]:.1f}x" if name in row and spec.kind != "floor" else "-"
                  for name in ("ratio_flytekit", "ratio_flyte")]
        if spec.budget is None:
            goal, met = "-", "-"
        else:
            goal = spec.budget_text or f">= {spec.budget:g}x"
            met = "yes" if row["met"] else "**no**"
            if spec.floor:
                met += f" ({row['vs_floor']:.2f}x)"
        lines.append(f"| {spec.title} | {' | '.join(cells)} | {' | '.join(ratios)} | "
                     f"{goal} | {met} |")
    core = footprint["core"]
    dist_ok = core["distributions"] <= 8 and core["megabytes"] <= 25
    others = [f"{footprint[sdk]['distributions']} distributions, "
              f"{footprint[sdk]['megabytes']:.0f} MB" for sdk in ("flytekit", "flyte")]
    lines += [
        f"| core install footprint | {core['distributions']} distributions, "
        f"{core['megabytes']:.1f} MB | {others[0]} | {others[1]} | - | - | "
        f"<= 8, <= 25 MB | {'yes' if dist_ok else '**no**'} |",
        "",
        summary(table),
        "",
        "Import details (one process each): "
        + "; ".join(
            f"{LABEL[sdk]} loads {extras[sdk]['modules']} modules, peak RSS "
            f"{extras[sdk]['peak_rss_mb']:.0f} MB" for sdk in SDKS
        ) + ".",
        "",
        f"Core distributions: {', '.join(core['names'])}.",
        "",
    ]
    explanation = HERE / "EXPLAINED.md"
    if explanation.exists():
        lines += [explanation.read_text().rstrip(), ""]
    return "\n".join(lines)


def summary(table: dict) -> str:
    """One sentence: which budgets this run met, and by how much the others missed."""
    met, missed = [], []
    for key, spec in ROWS.items():
        row = table[key]
        if spec.budget is None:
            continue
        goal = spec.budget_text or f">= {spec.budget:g}x"
        value = f"{row['vs_floor']:.2f}x" if spec.floor else f"{row['ratio']:.1f}x"
        text = f"{spec.title} ({value}, budget {goal})"
        (met if row["met"] else missed).append(text)
    if not missed:
        return f"All {len(met)} ratio budgets are met in this run."
    return (f"{len(met)} of {len(met) + len(missed)} ratio budgets are met in this run; "
            f"missed: {'; '.join(missed)}.")


README_BEGIN = "<!-- bench:begin (written by nox -s bench) -->"
README_END = "<!-- bench:end -->"


def update_readme(path: Path, markdown: str, table: dict) -> None:
    """Put this run's table (and the one-line summary) between the README's bench markers."""
    text = path.read_text()
    if README_BEGIN not in text or README_END not in text:
        raise SystemExit(f"{path} lacks the markers {README_BEGIN!r} ... {README_END!r}")
    rows = [line for line in markdown.splitlines() if line.startswith("|")]
    head, rest = text.split(README_BEGIN, 1)
    _, tail = rest.split(README_END, 1)
    block = "\n".join([README_BEGIN, *rows, "", summary(table), README_END])
    path.write_text(head + block + tail)


def version_of(python: str, module: str) -> str:
    return subprocess.run(
        [python, "-c", f"import importlib.metadata as m; print(m.version({module!r}))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--featherkit", required=True, help="python of the featherkit env")
    parser.add_argument("--flytekit", required=True, help="python of the flytekit env")
    parser.add_argument("--flyte", required=True, help="python of the Flyte 2 (flyte) env")
    parser.add_argument("--flytekit-frames", help="python of a flytekit env with pandas and "
                        "pyarrow, for the frame rows (default: the flytekit env)")
    parser.add_argument("--core-only", required=True, help="python of a core-only env")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", default="",
                        help="comma-separated rows to measure (a quick check; writes nothing)")
    parser.add_argument("--markdown", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--json", default=str(ROOT / "docs" / "benchmarks.json"))
    parser.add_argument("--readme", default=str(ROOT / "README.md"),
                        help="README whose bench markers get the table ('' to leave it)")
    args = parser.parse_args()
    if args.only:
        keep = set(args.only.split(",")) | {"import"}
        keep |= {p for k in keep if k in ROWS for p in (*ROWS[k].parts, ROWS[k].floor) if p}
        for key in [k for k in ROWS if k not in keep]:
            del ROWS[key]
        args.markdown = args.json = args.readme = ""
    pythons = {"featherkit": args.featherkit, "flytekit": args.flytekit, "flyte": args.flyte}
    if args.flytekit_frames:
        pythons["flytekit-frames"] = args.flytekit_frames
    rounds = []
    flyte_local = Path("/tmp/flyte")  # Flyte 2's local runs write here, whatever TMPDIR says
    flyte_local_before = flyte_local.exists()
    with tempfile.TemporaryDirectory(prefix="featherkit-bench-") as tmp:
        scratch = Path(tmp)
        try:
            for index in range(args.rounds):
                shift = index % len(SDKS)
                order = list(SDKS[shift:] + SDKS[:shift])
                print(f"round {index + 1}/{args.rounds} ({' then '.join(order)})", flush=True)
                rounds.append(measure_round(pythons, scratch, order))
            footprint = {
                "core": run_workload(args.core_only, "featherkit", "footprint", scratch),
                "flytekit": run_workload(args.flytekit, "flytekit", "footprint", scratch),
                "flyte": run_workload(args.flyte, "flyte", "footprint", scratch),
            }
        except WorkloadFailed as exc:
            print(f"benchmark workload broke: {exc}", file=sys.stderr)
            return 1
        finally:
            if not flyte_local_before:  # (one that was there before the run is not ours)
                shutil.rmtree(flyte_local, ignore_errors=True)
    meta = {
        "date": time.strftime("%Y-%m-%d"),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "flytekit": version_of(args.flytekit, "flytekit"),
        "flyte": version_of(args.flyte, "flyte"),
        "rounds": args.rounds,
    }
    table = summarize(rounds)
    markdown = render(table, footprint, rounds[-1]["extras"], meta)
    if args.markdown:
        Path(args.markdown).write_text(markdown)
    if args.readme:
        update_readme(Path(args.readme), markdown, table)
    if args.json:
        Path(args.json).write_text(
            json.dumps({"meta": meta, "table": table, "footprint": footprint}, indent=2) + "\n"
        )
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
