"""Tasks using an ImageSpec serialize with its image name; --image takes a spec file."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from click.testing import CliRunner
from featherkit_imagespec import CopyFileDetection, ImageSpec

from featherkit import SerializationSettings, serialize, task
from featherkit.extend import cli

SPEC = ImageSpec(name="app", registry="ghcr.io/acme", packages=["numpy"])


@task(container_image=SPEC)
def with_spec(a: int) -> int:
    return a


def test_task_serializes_with_the_spec_name() -> None:
    settings = SerializationSettings(image="ghcr.io/acme/default:1", version="v1")
    assert serialize(with_spec, settings).container.image == SPEC.image_name()


def test_settings_source_root_is_applied_as_flytekit_does(tmp_path: Path) -> None:
    settings = SerializationSettings(image="x:1", version="v1", source_root=str(tmp_path))
    expected = ImageSpec(name="app", registry="ghcr.io/acme", packages=["numpy"],
                         source_root=str(tmp_path),
                         source_copy_mode=CopyFileDetection.LOADED_MODULES).image_name()
    assert serialize(with_spec, settings).container.image == expected
    assert SPEC.source_root is None  # the task's spec is not modified


def test_image_option_takes_a_spec_file(tmp_path: Path) -> None:
    (tmp_path / "image.yaml").write_text("name: fromfile\nregistry: ghcr.io/acme\n"
                                         "packages: [numpy]\n")
    (tmp_path / "plain_tasks.py").write_text(textwrap.dedent('''
        from featherkit import task

        @task
        def plain(a: int) -> int:
            return a
    '''))
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, [
        "serialize", str(tmp_path / "plain_tasks.py"), "--image", str(tmp_path / "image.yaml"),
        "--version", "v1", "-o", str(out), "--format", "json",
    ])
    assert result.exit_code == 0, result.output
    (written,) = out.glob("*.json")
    spec = json.loads(written.read_text())
    expected = ImageSpec(name="fromfile", registry="ghcr.io/acme", packages=["numpy"])
    assert spec["template"]["container"]["image"] == expected.image_name()
