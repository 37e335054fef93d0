"""ImageSpec: validation, names and tags that follow the content, variants, where we run."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from featherkit_imagespec import CopyFileDetection, ImageSpec, ImageSpecError


def test_defaults_and_normalisation() -> None:
    spec = ImageSpec(name="My-App", registry="GHCR.io/Acme")
    assert spec.name == "my-app"
    assert spec.registry == "ghcr.io/acme"
    assert spec.platform in ("linux/amd64", "linux/arm64")
    assert spec.image_name().startswith("ghcr.io/acme/my-app:")
    assert ImageSpec().image_name().startswith("flytekit:")


def test_tag_is_a_digest_of_the_content_not_of_the_builder() -> None:
    base = ImageSpec(name="app", packages=["numpy"])
    assert ImageSpec(name="app", packages=["numpy"]).tag == base.tag
    assert ImageSpec(name="app", packages=["numpy"], builder="podman").tag == base.tag
    assert ImageSpec(name="app", packages=["numpy"], runtime_packages=["x"]).tag == base.tag
    assert ImageSpec(name="app", packages=["pandas"]).tag != base.tag
    assert ImageSpec(name="app", packages=["numpy"], python_version="3.12").tag != base.tag
    assert "-" not in base.tag
    assert ImageSpec(name="app", tag_format="{spec_hash}-dev").tag.endswith("-dev")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"name": ""}, "non-empty"),
        ({"registry": "https://bad"}, "not a registry name"),
        ({"packages": "numpy"}, "packages must be a list of strings"),
        ({"apt_packages": [1]}, "apt_packages must be a list of strings"),
        ({"env": {"A": 1}}, "env must map strings to strings"),
        ({"pip_secret_mounts": [("a",)]}, "pip_secret_mounts"),
        ({"base_image": 3}, "base_image must be an image name or an ImageSpec"),
        ({"source_root": ".", "source_copy_mode": "sometimes"}, "source_copy_mode"),
    ],
)
def test_bad_fields_are_named(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(ImageSpecError, match=message):
        ImageSpec(**arguments)  # type: ignore[arg-type]


def test_bad_tag_format_is_named() -> None:
    with pytest.raises(ImageSpecError, match="tag_format"):
        ImageSpec(name="app", tag_format="{version}").image_name()


def test_requirements_file_content_counts(tmp_path: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("numpy\n")
    spec = ImageSpec(name="app", requirements=str(requirements))
    first = spec.image_name()
    requirements.write_text("numpy\n\n")  # stripped: same content
    assert spec.image_name() == first
    requirements.write_text("numpy\npandas\n")
    assert spec.image_name() != first
    with pytest.raises(ImageSpecError, match="cannot read requirements file"):
        ImageSpec(name="app", requirements=str(tmp_path / "missing.txt")).image_name()


def test_copied_files_and_source_files_count(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.csv").write_text("1")
    copying = ImageSpec(name="app", copy=[str(tmp_path / "data")])
    before = copying.tag
    (tmp_path / "data" / "a.csv").write_text("2")
    assert copying.tag != before

    project = tmp_path / "project"
    (project / "__pycache__").mkdir(parents=True)
    (project / "main.py").write_text("x = 1\n")
    source = ImageSpec(name="app", source_root=str(project), source_copy_mode="all")
    assert source.source_copy_mode is CopyFileDetection.ALL
    before = source.tag
    (project / "__pycache__" / "main.cpython-311.pyc").write_bytes(b"ignored")
    (project / "x.pyc").write_bytes(b"ignored")
    assert source.tag == before
    (project / "main.py").write_text("x = 2\n")
    assert source.tag != before
    (project / ".dockerignore").write_text("*.md\n")
    with pytest.raises(ImageSpecError, match=r"\.dockerignore"):
        source.image_name()


def test_copy_mode_without_source_root_is_an_error() -> None:
    with pytest.raises(ImageSpecError, match="source_root, which is not set"):
        ImageSpec(name="app", source_copy_mode=CopyFileDetection.ALL).image_name()


def test_source_root_from_settings(tmp_path: Path) -> None:
    spec = ImageSpec(name="app")
    adjusted = spec.for_source_root(str(tmp_path))
    assert adjusted is not spec
    assert adjusted.source_root == str(tmp_path)
    assert adjusted.source_copy_mode is CopyFileDetection.LOADED_MODULES
    assert spec.source_root is None
    assert spec.for_source_root(None) is spec
    no_copy = ImageSpec(name="app", source_copy_mode="none")
    assert no_copy.for_source_root(str(tmp_path)) is no_copy


def test_variants_leave_the_original_alone() -> None:
    spec = ImageSpec(name="app", packages=["numpy"])
    more = spec.with_packages(["pandas", "polars"]).with_packages("duckdb")
    assert spec.packages == ["numpy"]
    assert more.packages == ["numpy", "pandas", "polars", "duckdb"]
    assert spec.with_apt_packages("git").apt_packages == ["git"]
    assert spec.with_commands(["a", "b"]).commands == ["a", "b"]
    assert spec.with_copy("f.txt").copy == ["f.txt"]
    assert spec.with_builder_options({"args": ["--pull"]}).builder_options == {
        "args": ["--pull"]
    }
    with pytest.raises(ImageSpecError, match="packages takes a string or a list"):
        spec.with_packages(3)  # type: ignore[arg-type]


def test_equality_and_hash_follow_the_content() -> None:
    a = ImageSpec(name="app", packages=["x"])
    b = ImageSpec(name="app", packages=["x"])
    assert a == b and hash(a) == hash(b)
    assert a != ImageSpec(name="app", packages=["y"])
    assert len({a, b}) == 1


def test_base_image_spec_is_named_by_its_image_name() -> None:
    parent = ImageSpec(name="parent", packages=["a"])
    child = ImageSpec(name="child", base_image=parent)
    other_parent = dataclasses.replace(child, base_image=parent.with_packages("b"))
    assert child.tag != other_parent.tag


def test_is_container(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = ImageSpec(name="app", packages=["x"])
    monkeypatch.delenv("_F_IMG_ID", raising=False)
    monkeypatch.delenv("FLYTE_INTERNAL_EXECUTION_ID", raising=False)
    assert spec.is_container()  # locally every spec is "ours"
    monkeypatch.setenv("_F_IMG_ID", spec.id)
    assert spec.is_container()
    assert not ImageSpec(name="other").is_container()
    monkeypatch.delenv("_F_IMG_ID")
    monkeypatch.setenv("FLYTE_INTERNAL_EXECUTION_ID", "abc")
    assert not spec.is_container()


def test_from_file(tmp_path: Path) -> None:
    path = tmp_path / "image.yaml"
    path.write_text(
        "name: app\nregistry: ghcr.io/acme\npackages: [numpy]\n"
        "base_image:\n  name: base\n  apt_packages: [git]\n"
    )
    spec = ImageSpec.from_file(path)
    assert spec == ImageSpec(
        name="app", registry="ghcr.io/acme", packages=["numpy"],
        base_image=ImageSpec(name="base", apt_packages=["git"]),
    )
    path.write_text("name: app\npackage: [numpy]\n")
    with pytest.raises(ImageSpecError, match=r"unknown field.*package"):
        ImageSpec.from_file(path)
    path.write_text("- a\n")
    with pytest.raises(ImageSpecError, match="mapping"):
        ImageSpec.from_file(path)


def test_from_env_pins_installed_versions() -> None:
    from importlib.metadata import version

    spec = ImageSpec.from_env(name="app", pinned_packages=["pyyaml"], packages=["x"])
    assert spec.packages == ["x", f"pyyaml=={version('pyyaml')}"]
    assert spec.python_version
    with pytest.raises(ImageSpecError, match="python_version"):
        ImageSpec.from_env(python_version="3.9")
