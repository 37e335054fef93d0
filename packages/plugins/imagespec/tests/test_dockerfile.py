"""The Dockerfile and build context generated for a spec."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from featherkit_imagespec import ImageSpec, ImageSpecError, dockerfile
from featherkit_imagespec.dockerfile import DEFAULT_UV_IMAGE, prepare_context


def test_plain_spec_uses_the_python_base_and_marks_the_image() -> None:
    spec = ImageSpec(name="app", python_version="3.12")
    assert dockerfile(spec) == (
        "FROM python:3.12-slim-bookworm\n"
        f'ENV _F_IMG_ID="{spec.id}"\n'
        "WORKDIR /root\n"
    )


def test_default_python_version_is_this_interpreters() -> None:
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert dockerfile(ImageSpec(name="app")).startswith(f"FROM python:{version}-slim-bookworm\n")


def test_every_step() -> None:
    spec = ImageSpec(
        name="app",
        base_image="debian:bookworm",
        python_exec="/usr/bin/python3",
        apt_packages=["git", "curl"],
        packages=["numpy>=2", "my pkg"],
        pip_index="https://pypi.example/simple",
        pip_extra_index_url=["https://extra/simple"],
        pip_extra_args="--pre",
        commands=["echo one > /one", "mkdir -p /data"],
        env={"MODE": "fast", "QUOTED": 'a "b"'},
        entrypoint=["/bin/sh", "-c"],
        builder_config={"uv_image": "registry.local/uv:1"},
    )
    lines = dockerfile(spec, ["featherkit==0.1.0", "numpy==1.0"]).splitlines()
    assert lines == [
        "FROM debian:bookworm",
        "RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "
        "--no-install-recommends git curl && rm -rf /var/lib/apt/lists/*",
        "COPY --from=registry.local/uv:1 /uv /usr/local/bin/uv",
        "RUN uv pip install --system --no-cache --python /usr/bin/python3 "
        "--index-url https://pypi.example/simple --extra-index-url https://extra/simple "
        "'numpy>=2' 'my pkg' featherkit==0.1.0 --pre",
        "RUN echo one > /one",
        "RUN mkdir -p /data",
        'ENV MODE="fast" QUOTED="a \\"b\\""',
        f'ENV _F_IMG_ID="{spec.id}"',
        "WORKDIR /root",
        'ENV PYTHONPATH="/root"',
        'ENTRYPOINT ["/bin/sh", "-c"]',
    ]


def test_requirements_copy_and_sources_go_into_the_context(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "work"
    (work / "data" / "deep").mkdir(parents=True)
    (work / "data" / "deep" / "x.csv").write_text("x")
    (work / "notes.txt").write_text("n")
    (work / "requirements.txt").write_text("numpy\n")
    project = tmp_path / "project"
    (project / "pkg").mkdir(parents=True)
    (project / "pkg" / "mod.py").write_text("A = 1\n")
    monkeypatch.chdir(work)
    spec = ImageSpec(name="app", requirements="requirements.txt", copy=["data", "notes.txt"],
                     source_root=str(project), source_copy_mode="all")
    context = prepare_context(spec, tmp_path / "ctx")
    text = context.dockerfile.read_text()
    assert f"COPY --from={DEFAULT_UV_IMAGE} /uv /usr/local/bin/uv" in text
    assert "COPY requirements.txt /tmp/featherkit-build/requirements.txt" in text
    assert "-r /tmp/featherkit-build/requirements.txt" in text
    assert "COPY copy/ /root/\nCOPY src/ /root/\n" in text
    ctx = context.directory
    assert (ctx / "requirements.txt").read_text() == "numpy\n"
    assert (ctx / "copy" / "data" / "deep" / "x.csv").read_text() == "x"
    assert (ctx / "copy" / "notes.txt").read_text() == "n"
    assert (ctx / "src" / "pkg" / "mod.py").read_text() == "A = 1\n"


def test_copy_outside_the_current_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    spec = ImageSpec(name="app", copy=[str(tmp_path / "f")])
    with pytest.raises(ImageSpecError, match="must be a relative path"):
        prepare_context(spec, tmp_path / "ctx")


def test_base_image_spec_builds_from_its_name() -> None:
    parent = ImageSpec(name="parent", registry="ghcr.io/acme", packages=["a"])
    text = dockerfile(ImageSpec(name="child", base_image=parent))
    assert text.startswith(f"FROM {parent.image_name()}\n")


@pytest.mark.parametrize("field", ["conda_packages", "cuda", "runtime_packages"])
def test_fields_needing_another_toolchain_are_named(field: str) -> None:
    value = "12" if field == "cuda" else ["x"]
    with pytest.raises(ImageSpecError, match=field):
        dockerfile(ImageSpec(name="app", **{field: value}))  # type: ignore[arg-type]
