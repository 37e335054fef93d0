"""Tasks run through the entrypoint with S3 prefixes (this directory is on PYTHONPATH)."""

from __future__ import annotations

from featherkit import Directory, File, current_context, task


@task
def greet(name: str, times: int) -> list[str]:
    return [f"hello {name}"] * times


@task
def explode(name: str) -> str:
    raise RuntimeError(f"cannot greet {name}")


@task
def where() -> str:
    return current_context().raw_output_prefix


@task
def touch(marker: str) -> str:
    """A side effect: the file at ``marker`` exists once the task ran."""
    with open(marker, "w") as handle:
        handle.write("ran")
    return marker


@task
def upper(f: File, d: Directory) -> tuple[File, File, list[str]]:
    """Streams ``f`` from storage into a new remote file, writes a local file (uploaded
    when the outputs are made) and lists ``d`` without downloading it."""
    streamed = File.new_remote("upper.txt")
    with f.open("rb") as src, streamed.open("wb") as dst:
        dst.write(src.read().upper())
    local = File.new("local.txt")
    with local.open("w") as fh:
        fh.write("made in the pod")
    return streamed, local, sorted(x.remote_source or x.path for x in d.walk())
