"""featherkit-imagespec and featherkit-container against flytekit.

* The same ``ImageSpec`` arguments give the same image name, tag and id in both SDKs, for
  specs using every field that counts (packages, a requirements file, ``copy`` files, a
  source root in both copy modes, a spec as base image, ``tag_format``...). The files are
  made once in a pytest tmp directory and both SDKs hash the same paths in this process.
* A task with ``container_image=ImageSpec(...)`` serializes with that name in both SDKs.
* ``ContainerTask`` serializes to the same ``TaskSpec`` (raw container, command and
  ``{{.inputs.x}}`` templates untouched, ``DataLoadingConfig``, resources, env), the only
  difference being the SDK version in ``metadata.runtime``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from featherkit_container import ContainerTask
from featherkit_imagespec import CopyFileDetection, ImageSpec
from flytekit import ContainerTask as FlyteContainerTask
from flytekit import Resources as FlyteResources
from flytekit import TaskMetadata as FlyteTaskMetadata
from flytekit import kwtypes as flyte_kwtypes
from flytekit import task as flyte_task
from flytekit.constants import CopyFileDetection as FlyteCopy
from flytekit.image_spec.image_spec import ImageSpec as FlyteImageSpec

from featherkit import Resources, TaskMetadata, kwtypes, task


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("image-files")
    (root / "requirements.txt").write_text("numpy==2.0\n  pandas>=2\n\n")
    data = root / "data"
    (data / "nested").mkdir(parents=True)
    (data / "a.csv").write_text("x,y\n1,2\n")
    (data / "nested" / "b.txt").write_text("b")
    project = root / "project"
    (project / "pkg" / "__pycache__").mkdir(parents=True)
    (project / "pkg" / "__init__.py").write_text("")
    (project / "pkg" / "mod.py").write_text("VALUE = 1\n")
    (project / "pkg" / "__pycache__" / "mod.cpython-311.pyc").write_bytes(b"\0\1")
    (project / "notes.md").write_text("# notes\n")
    return root


def cases(root: Path) -> list[dict[str, Any]]:
    return [
        {},
        {"name": "My-Image", "registry": "ghcr.io/Acme", "packages": ["numpy", "pandas>=2"],
         "python_version": "3.11"},
        {"name": "img", "apt_packages": ["git", "curl"], "env": {"A": "1", "B": "two"},
         "commands": ["echo hi > /hi"], "tag_format": "{spec_hash}-dev"},
        {"name": "img", "base_image": "python:3.12-slim", "platform": "linux/arm64",
         "pip_index": "https://pypi.example/simple", "pip_extra_index_url": ["https://x/simple"],
         "pip_extra_args": "--pre", "entrypoint": ["/bin/sh"]},
        {"name": "img", "requirements": str(root / "requirements.txt"),
         "registry": "localhost:30000", "builder": "docker", "runtime_packages": ["tqdm"]},
        {"name": "img", "copy": [str(root / "data"), str(root / "requirements.txt")],
         "python_exec": "/usr/bin/python3", "registry_config": "/etc/registry.json"},
        {"name": "img", "source_root": str(root / "project"), "source_copy_mode": "ALL"},
        {"name": "img", "source_root": str(root / "project"), "source_copy_mode": "NO_COPY"},
        {"name": "img", "builder_options": {"k": [1, 2]}, "builder_config": {"uv_image": "u"},
         "conda_packages": ["c"], "conda_channels": ["ch"], "cuda": "12.4", "cudnn": "9"},
        {"name": "img", "base_image": "ghcr.io/acme/base:1",
         "pip_secret_mounts": [(".gitconfig", "/etc/gitconfig")]},
    ]


def _pair(arguments: dict[str, Any]) -> tuple[Any, ImageSpec]:
    theirs, ours = dict(arguments), dict(arguments)
    mode = arguments.get("source_copy_mode")
    if mode is not None:
        theirs["source_copy_mode"] = getattr(FlyteCopy, mode)
        ours["source_copy_mode"] = getattr(CopyFileDetection, mode)
    return FlyteImageSpec(**theirs), ImageSpec(**ours)


def test_image_names_tags_and_ids_equal_flytekits(files: Path) -> None:
    for arguments in cases(files):
        theirs, ours = _pair(arguments)
        assert ours.image_name() == theirs.image_name(), arguments
        assert ours.tag == theirs.tag, arguments
        assert ours.id == theirs.id, arguments


def test_source_root_with_loaded_modules(files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the default mode for a source root copies the modules imported from it
    monkeypatch.syspath_prepend(str(files / "project"))
    import pkg.mod  # noqa: F401

    try:
        theirs = FlyteImageSpec(name="img", source_root=str(files / "project"))
        ours = ImageSpec(name="img", source_root=str(files / "project"))
        assert ours.source_copy_mode is CopyFileDetection.LOADED_MODULES
        assert ours.image_name() == theirs.image_name()
    finally:
        for name in ("pkg.mod", "pkg"):
            sys.modules.pop(name, None)


def test_nested_specs_and_builder_methods(files: Path) -> None:
    theirs = FlyteImageSpec(name="child", packages=["b"],
                            base_image=FlyteImageSpec(name="parent", packages=["a"]))
    ours = ImageSpec(name="child", packages=["b"],
                     base_image=ImageSpec(name="parent", packages=["a"]))
    assert ours.image_name() == theirs.image_name()
    assert ours.id == theirs.id
    assert (ImageSpec(name="a", packages=["x"]).with_packages(["y", "z"]).image_name()
            == FlyteImageSpec(name="a", packages=["x"]).with_packages(["y", "z"]).image_name())
    assert (ImageSpec(name="a").with_apt_packages("git").with_commands("true").image_name()
            == FlyteImageSpec(name="a").with_apt_packages("git").with_commands("true")
            .image_name())


@flyte_task(container_image=FlyteImageSpec(name="app", registry="ghcr.io/acme",
                                           packages=["numpy"]))
def flyte_add(a: int, b: int) -> int:
    return a + b


@task(container_image=ImageSpec(name="app", registry="ghcr.io/acme", packages=["numpy"]))
def our_add(a: int, b: int) -> int:
    return a + b


def test_a_task_with_an_image_spec_serializes_with_its_name(flytekit_spec, featherkit_spec):
    flyte_image = flytekit_spec(flyte_add).template.container.image
    assert flyte_image.startswith("ghcr.io/acme/app:")
    assert featherkit_spec(our_add).template.container.image == flyte_image


def _container_pair(**shared: Any) -> tuple[Any, Any]:
    def make(cls: type, kw: Any, res: type, meta: type, fmt: Any) -> Any:
        return cls(
            name="images_compat.square",
            image="ghcr.io/acme/tools:3",
            command=["sh", "-c",
                     "echo $(( {{.inputs.val}} * {{ .inputs.val }} )) > /var/outputs/out"],
            arguments=["--flag", "{{.inputs.label}}"],
            inputs=kw(val=int, label=str),
            outputs=kw(out=int),
            input_data_dir="/var/inputs",
            output_data_dir="/var/outputs",
            metadata_format=fmt,
            requests=res(cpu="1", mem="1Gi"),
            limits=res(mem="2Gi"),
            environment={"MODE": "fast"},
            metadata=meta(retries=2, timeout=60, cache=True, cache_version="1"),
            **shared,
        )

    theirs = make(FlyteContainerTask, flyte_kwtypes, FlyteResources, FlyteTaskMetadata,
                  FlyteContainerTask.MetadataFormat.YAML)
    ours = make(ContainerTask, kwtypes, Resources, TaskMetadata, ContainerTask.MetadataFormat.YAML)
    return theirs, ours


def test_container_task_same_spec_as_flytekit(flytekit_spec, featherkit_spec, assert_same_spec):
    theirs, ours = _container_pair()
    flyte, our = flytekit_spec(theirs), featherkit_spec(ours)
    assert our.template.type == flyte.template.type == "raw-container"
    assert our.template.container.data_config == flyte.template.container.data_config
    assert list(our.template.container.command) == list(flyte.template.container.command)
    assert_same_spec(flyte, our)


def test_container_task_without_data_dirs_or_outputs(flytekit_spec, featherkit_spec,
                                                     assert_same_spec):
    theirs = FlyteContainerTask(name="images_compat.hello", image="busybox:1",
                                command=["echo", "{{.inputs.who}}"], inputs=flyte_kwtypes(who=str))
    ours = ContainerTask(name="images_compat.hello", image="busybox:1",
                         command=["echo", "{{.inputs.who}}"], inputs=kwtypes(who=str))
    assert_same_spec(flytekit_spec(theirs), featherkit_spec(ours))


def test_container_task_with_an_image_spec(flytekit_spec, featherkit_spec):
    theirs = FlyteContainerTask(name="images_compat.tool", command=["true"],
                                image=FlyteImageSpec(name="tool", apt_packages=["jq"]))
    ours = ContainerTask(name="images_compat.tool", command=["true"],
                         image=ImageSpec(name="tool", apt_packages=["jq"]))
    assert (featherkit_spec(ours).template.container.image
            == flytekit_spec(theirs).template.container.image)


def test_container_task_with_file_and_directory_io(flytekit_spec, featherkit_spec,
                                                   assert_same_spec):
    from flytekit.types.directory import FlyteDirectory
    from flytekit.types.file import FlyteFile

    from featherkit import Directory, File

    def make(cls: type, kw: Any, file: Any, directory: Any) -> Any:
        return cls(name="images_compat.blobs", image="busybox:1",
                   command=["sh", "-c", "cp /in/table /out/copy && ls /in/tree > /out/n"],
                   inputs=kw(table=file, tree=directory), outputs=kw(copy=file, n=int),
                   input_data_dir="/in", output_data_dir="/out",
                   metadata_format=cls.MetadataFormat.PROTO)

    theirs = make(FlyteContainerTask, flyte_kwtypes, FlyteFile, FlyteDirectory)
    ours = make(ContainerTask, kwtypes, File, Directory)
    assert_same_spec(flytekit_spec(theirs), featherkit_spec(ours))
