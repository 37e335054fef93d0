"""Tasks run through the entrypoint with S3 prefixes (this directory is on PYTHONPATH)."""

from __future__ import annotations

from featherkit import current_context, task


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
