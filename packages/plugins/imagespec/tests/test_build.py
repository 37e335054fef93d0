"""``featherkit build`` end to end with a real podman (see conftest), and builder choice.

The images are built from a busybox root filesystem imported into a podman store under the
test's tmp directory; nothing is pulled or pushed.
"""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from featherkit_imagespec import CLIBuilder, ImageSpec, ImageSpecError
from featherkit_imagespec.builders import choose_builder, registered_builders

from featherkit.extend import cli, hookimpl
from featherkit.testing import registered


def _tasks_file(tmp_path: Path, base: str, marker: str) -> Path:
    path = tmp_path / "build_tasks.py"
    path.write_text(textwrap.dedent(f'''
        from featherkit import task
        from featherkit_imagespec import ImageSpec

        tools = ImageSpec(name="fk-test-tools", base_image="{base}",
                          commands=["echo {marker} > /marker"], env={{"GREETING": "hi"}})
        # the same spec twice and a raw-container-free Python task: built once
        @task(container_image=tools)
        def first(a: int) -> int:
            return a

        @task(container_image=ImageSpec(name="fk-test-tools", base_image="{base}",
                                        commands=["echo {marker} > /marker"],
                                        env={{"GREETING": "hi"}}))
        def second(a: int) -> int:
            return a

        @task
        def plain(a: int) -> int:
            return a
    '''))
    return path


def _run(image: str, *command: str) -> str:
    done = subprocess.run(["podman", "run", "--rm", image, *command],
                          capture_output=True, text=True, check=True)
    return done.stdout


def test_build_skip_and_exist(podman: str, tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = _tasks_file(tmp_path, podman, "built-by-featherkit")
    spec = ImageSpec(name="fk-test-tools", base_image=podman,
                     commands=["echo built-by-featherkit > /marker"], env={"GREETING": "hi"})
    assert spec.exist() is False

    runner = CliRunner()
    # a Python task needs featherkit in the image, which busybox cannot install; the
    # Dockerfile says so and only a raw-container image is built below
    shown = runner.invoke(cli, ["build", str(path), "--dockerfile"])
    assert shown.exit_code == 0, shown.output
    assert f"# {spec.image_name()}" in shown.output
    assert "featherkit==" in shown.output
    assert shown.output.count("FROM ") == 1

    from featherkit_imagespec.command import build_images

    lines: list[str] = []
    built = build_images({spec.image_name(): (spec, False)}, echo=lines.append)
    assert built == [spec.image_name()]
    assert lines[0] == f"[1/1] building {spec.image_name()} with podman"
    assert any(line.startswith("$ ") and " build " in line for line in lines)
    assert lines[-1] == f"[1/1] built {spec.image_name()}"
    assert spec.exist() is True
    assert _run(spec.image_name(), "cat", "/marker") == "built-by-featherkit\n"
    assert _run(spec.image_name(), "sh", "-c", "echo $GREETING $_F_IMG_ID") == (
        f"hi {spec.id}\n"
    )

    lines.clear()
    assert build_images({spec.image_name(): (spec, False)}, echo=lines.append) == []
    assert lines == [f"[1/1] {spec.image_name()} exists; skipped"]


def test_build_command_builds_raw_container_images(podman: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "raw_tasks.py"
    path.write_text(textwrap.dedent(f'''
        from featherkit import kwtypes
        from featherkit.extend import PythonTask, Interface
        from featherkit_imagespec import ImageSpec

        class Raw(PythonTask):
            def __init__(self, name, image):
                super().__init__("raw-container", name, Interface(), container_image=image)

        raw = Raw("raw_tasks.raw", ImageSpec(name="fk-test-raw", base_image="{podman}",
                                             commands=["touch /raw"]))
    '''))
    runner = CliRunner()
    result = runner.invoke(cli, ["build", str(path)])
    assert result.exit_code == 0, result.output
    assert "[1/1] building localhost" not in result.output  # no registry: a local name
    assert "[1/1] building fk-test-raw:" in result.output
    assert "1 image(s) built, 0 already there" in result.output
    again = runner.invoke(cli, ["build", str(path)])
    assert again.exit_code == 0, again.output
    assert "exists; skipped" in again.output
    assert "0 image(s) built, 1 already there" in again.output


def test_failed_build_names_the_command(podman: str, tmp_path: Path) -> None:
    from featherkit_imagespec import ImageBuildError
    from featherkit_imagespec.command import build_images

    spec = ImageSpec(name="fk-test-broken", base_image=podman, commands=["exit 3"])
    with pytest.raises(ImageBuildError, match=r"podman.*failed"):
        build_images({spec.image_name(): (spec, False)}, echo=lambda line: None)


class FakeBuilder:
    """A registered builder that records what it is asked."""

    name = "fake"

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def available(self) -> bool:
        return True

    def exists(self, image: str, *, remote: bool) -> bool | None:
        self.calls.append(("exists", (image, remote)))
        return None

    def build(self, context: Any, image: str, **options: Any) -> None:
        self.calls.append(("build", (image, context.dockerfile.read_text(), options)))


def test_plugin_builders_come_first_and_unknown_existence_builds(tmp_path: Path) -> None:
    from featherkit_imagespec.command import build_images

    fake = FakeBuilder()

    class Plugin:
        @staticmethod
        @hookimpl
        def register_image_builders(register: Any) -> None:
            register(fake)

    with registered(Plugin, "fake-builder"):
        assert list(registered_builders())[:4] == ["fake", "docker", "podman", "buildah"]
        os.environ.pop("FEATHERKIT_IMAGE_BUILDER", None)
        assert choose_builder() is fake
        spec = ImageSpec(name="app", registry="ghcr.io/acme", packages=["numpy"],
                         builder_options={"args": ["--pull=never"]})
        lines: list[str] = []
        build_images({spec.image_name(): (spec, True)}, echo=lines.append)
    assert fake.calls[0] == ("exists", (spec.image_name(), True))
    kind, (image, text, options) = fake.calls[1]
    assert kind == "build" and image == spec.image_name()
    assert "numpy featherkit==" in text and "featherkit-imagespec==" in text
    assert options["push"] is True and options["extra_args"] == ["--pull=never"]
    assert options["platform"] == spec.platform
    assert "cannot tell whether it exists; building" in lines[0]


def test_no_builder_available_names_what_it_looked_for(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("FEATHERKIT_IMAGE_BUILDER", raising=False)
    with pytest.raises(ImageSpecError, match="install one of docker, podman, buildah"):
        choose_builder()
    assert ImageSpec(name="app").exist() is None
    with pytest.raises(ImageSpecError, match="'kaniko' is not registered"):
        choose_builder("kaniko")


def test_builders_command_lines() -> None:
    docker, podman, buildah = (CLIBuilder(n, n) for n in ("docker", "podman", "buildah"))
    assert docker.exists_command("a:1", remote=False) == ["image", "inspect", "a:1"]
    assert docker.exists_command("r/a:1", remote=True) == ["manifest", "inspect", "r/a:1"]
    assert podman.exists_command("a:1", remote=False) == ["image", "exists", "a:1"]
    assert buildah.exists_command("a:1", remote=False) == ["inspect", "--type", "image", "a:1"]
    assert buildah.exists_command("r/a:1", remote=True) is None


def test_builders_need_the_plugin_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    from featherkit.extend import reset_plugin_manager

    monkeypatch.setenv("FEATHERKIT_DISABLE_PLUGINS", "featherkit-imagespec")
    reset_plugin_manager()
    try:
        with pytest.raises(ImageSpecError, match="plugin is not loaded"):
            registered_builders()
    finally:
        monkeypatch.delenv("FEATHERKIT_DISABLE_PLUGINS")
        reset_plugin_manager()
