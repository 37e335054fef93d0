"""ContainerTask: definition checks, serialization, and local runs through a real podman."""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path
from typing import Any

import pytest
from featherkit_container import ContainerTask, ContainerTaskError
from featherkit_container.engine import (
    command_line,
    from_text,
    go_duration,
    parse_go_duration,
    to_text,
)

from featherkit import Resources, SerializationSettings, kwtypes, serialize
from featherkit.extend import FeatherkitUserError, TaskOutputError

SETTINGS = SerializationSettings(image="ghcr.io/acme/default:1", version="v1", env={"E": "1"})


def square(image: str, **options: Any) -> ContainerTask:
    return ContainerTask(
        name="square",
        image=image,
        command=["sh", "-c",
                 "echo $(( {{.inputs.val}} * {{ .inputs.val }} )) > /var/outputs/out"],
        inputs=kwtypes(val=int),
        outputs=kwtypes(out=int),
        input_data_dir="/var/inputs",
        output_data_dir="/var/outputs",
        **options,
    )


# -- definition ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"command": "echo"}, "command must be a list of strings"),
        ({"arguments": [1]}, "arguments must be a list of strings"),
        ({"image": ""}, "image is required"),
        ({"input_data_dir": "var/inputs"}, "input_data_dir must be an absolute path"),
        ({"output_data_dir": None}, "output_data_dir, which is not set"),
        ({"metadata_format": "XML"}, "metadata_format 'XML'"),
        ({"command": ["echo", "{{.inputs.nope}}"]}, r"\{\{.inputs.nope\}\} in the command"),
        ({"container_image": "x:1"}, "give the image as image="),
    ],
)
def test_bad_definitions_are_named(changes: dict[str, Any], message: str) -> None:
    options: dict[str, Any] = {
        "name": "t", "image": "busybox:1", "command": ["true"], "inputs": kwtypes(val=int),
        "outputs": kwtypes(out=int), "input_data_dir": "/var/inputs",
        "output_data_dir": "/var/outputs",
    }
    options.update(changes)
    with pytest.raises(ContainerTaskError, match=message):
        ContainerTask(**options)


# -- serialization ------------------------------------------------------------------------


def test_serializes_as_a_raw_container() -> None:
    task = square("ghcr.io/acme/tools:3", arguments=["--label", "{{.inputs.val}}"],
                  requests=Resources(cpu="1"), limits=Resources(mem="1Gi"),
                  environment={"MODE": "x"}, metadata_format="yaml")
    template = serialize(task, SETTINGS)
    assert template.type == "raw-container"
    container = template.container
    assert container.image == "ghcr.io/acme/tools:3"
    assert list(container.command) == list(task.command)  # templates left to propeller
    assert list(container.args) == ["--label", "{{.inputs.val}}"]
    assert [(e.key, e.value) for e in container.env] == [("E", "1"), ("MODE", "x")]
    config = container.data_config
    assert config.enabled and config.input_path == "/var/inputs"
    assert config.output_path == "/var/outputs"
    assert config.format == config.YAML
    assert [r.value for r in container.resources.requests] == ["1"]
    assert not template.HasField("custom")


def test_an_image_no_plugin_knows_is_named() -> None:
    task = square(object())  # type: ignore[arg-type]
    with pytest.raises(FeatherkitUserError, match="task 'square': image: object is not an image"):
        serialize(task, SETTINGS)


# -- text forms ---------------------------------------------------------------------------


def test_text_of_values_and_back() -> None:
    assert to_text(True) == "true" and to_text(False) == "false"
    assert to_text(1e-05) == "0.00001" and to_text(2.5) == "2.5"
    assert to_text(datetime.datetime(2024, 1, 2, 3, 4, 5)) == "2024-01-02T03:04:05"
    assert go_duration(datetime.timedelta(hours=1, minutes=2, seconds=3.5)) == "1h2m3.5s"
    assert go_duration(datetime.timedelta(milliseconds=250)) == "250ms"
    assert go_duration(datetime.timedelta(0)) == "0s"
    assert parse_go_duration("1h2m3.5s") == datetime.timedelta(hours=1, minutes=2, seconds=3.5)
    assert from_text(" T\n", bool) is True and from_text("0", bool) is False
    assert from_text("42\n", int) == 42 and from_text("hello\n", str) == "hello\n"
    with pytest.raises(ValueError, match="not true or false"):
        from_text("yes", bool)
    with pytest.raises(ValueError, match="cannot be read"):
        from_text("[]", list)


def test_command_line_replaces_the_entrypoint_like_kubernetes(tmp_path: Path) -> None:
    task = square("busybox:1", environment={"A": "b c"})
    line = command_line("podman", task, "busybox:1", {"val": 3}, tmp_path / "in",
                        tmp_path / "out")
    assert line == [
        "podman", "run", "--rm",
        "-v", f"{tmp_path / 'in'}:/var/inputs", "-v", f"{tmp_path / 'out'}:/var/outputs",
        "-e", "A=b c", "--entrypoint", "sh", "busybox:1",
        "-c", "echo $(( 3 * 3 )) > /var/outputs/out",
    ]


def test_without_an_engine_the_error_names_the_engines(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("FEATHERKIT_CONTAINER_ENGINE", raising=False)
    with pytest.raises(ContainerTaskError, match="looked for docker or podman on PATH"):
        square("busybox:1")(val=2)


# -- local runs with podman ---------------------------------------------------------------


def test_runs_locally_and_reads_typed_outputs(podman: str) -> None:
    assert square(podman)(val=7) == 49


def test_inputs_are_written_in_the_declared_format(podman: str) -> None:
    task = ContainerTask(
        name="echo_inputs",
        image=podman,
        command=["sh", "-c", "cat /in/name > /out/name_file; cat /in/inputs.json > /out/doc; "
                 "echo {{.inputs.flag}} > /out/flag; echo {{.inputs.ratio}} > /out/ratio; "
                 "ls /in | tr '\\n' ' ' > /out/listing"],
        inputs=kwtypes(name=str, flag=bool, ratio=float, when=datetime.datetime),
        outputs=kwtypes(name_file=str, doc=str, flag=bool, ratio=float, listing=str),
        input_data_dir="/in",
        output_data_dir="/out",
    )
    when = datetime.datetime(2024, 5, 6, 7, 8, 9)
    result = task(name="Ada", flag=True, ratio=0.25, when=when)
    assert result.name_file == "Ada"
    assert result.flag is True and result.ratio == 0.25
    assert result.listing.split() == ["flag", "inputs.json", "name", "ratio", "when"]
    literals = json.loads(result.doc)["literals"]
    assert literals["name"]["scalar"]["primitive"]["stringValue"] == "Ada"
    assert literals["ratio"]["scalar"]["primitive"]["floatValue"] == 0.25


@pytest.mark.parametrize(("fmt", "file"), [("PROTO", "inputs.pb"), ("YAML", "inputs.yaml")])
def test_other_metadata_formats(podman: str, fmt: str, file: str) -> None:
    task = ContainerTask(
        name="formats", image=podman,
        command=["sh", "-c", f"cat /in/{file} > /out/raw; wc -c < /in/{file} > /out/size"],
        inputs=kwtypes(n=int), outputs=kwtypes(raw=str, size=int), input_data_dir="/in",
        output_data_dir="/out", metadata_format=fmt,
    )
    result = task(n=5)
    if fmt == "YAML":  # written as JSON, which is YAML
        import yaml

        doc = yaml.safe_load(result.raw)
        assert doc["literals"]["n"]["scalar"]["primitive"]["integer"] == "5"
    else:
        expected = task.inputs_to_literals({"n": 5}).SerializeToString(deterministic=True)
        assert result.size == len(expected)


def test_bad_outputs_and_failures_are_named(podman: str) -> None:
    wrong = ContainerTask(name="wrong", image=podman,
                          command=["sh", "-c", "echo not-a-number > /out/n"],
                          outputs=kwtypes(n=int), output_data_dir="/out")
    with pytest.raises(TaskOutputError, match=r"task 'wrong': output 'n' should be a int"):
        wrong()
    missing = ContainerTask(name="missing", image=podman, command=["true"],
                            outputs=kwtypes(n=int), output_data_dir="/out")
    with pytest.raises(TaskOutputError, match=r"output 'n' was not written.*/out/n"):
        missing()
    failing = ContainerTask(name="failing", image=podman,
                            command=["sh", "-c", "echo broken >&2; exit 4"])
    with pytest.raises(ContainerTaskError, match=r"(?s)exited with status 4.*broken"):
        failing()


def test_no_outputs_and_logs(podman: str, capsys: pytest.CaptureFixture[str]) -> None:
    hello = ContainerTask(name="hello", image=podman, command=["echo", "{{.inputs.who}}"],
                          inputs=kwtypes(who=str), local_logs=True)
    assert hello(who="world") is None
    assert "[hello] world" in capsys.readouterr().out


def test_files_and_directories_in_and_out(podman: str, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    from featherkit import Directory, File

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "scratch"))
    (tmp_path / "scratch").mkdir()
    (tmp_path / "data.csv").write_text("a,b\n1,2\n")
    (tmp_path / "tree" / "sub").mkdir(parents=True)
    (tmp_path / "tree" / "sub" / "x.txt").write_text("x")
    task = ContainerTask(
        name="blobs",
        image=podman,
        command=["sh", "-c", "wc -l < /in/table > /out/lines; cp /in/table /out/copy; "
                 "mkdir /out/listing; ls /in/tree/sub > /out/listing/names"],
        inputs=kwtypes(table=File, tree=Directory),
        outputs=kwtypes(lines=int, copy=File, listing=Directory),
        input_data_dir="/in",
        output_data_dir="/out",
    )
    result = task(table=File(str(tmp_path / "data.csv")), tree=Directory(str(tmp_path / "tree")))
    assert result.lines == 2
    assert Path(result.copy).read_text() == "a,b\n1,2\n"
    assert (Path(result.listing) / "names").read_text() == "x.txt\n"
    assert str(tmp_path / "scratch") in os.fspath(result.copy)  # kept in the working dir

    templated = ContainerTask(name="templated", image=podman, command=["cat", "{{.inputs.f}}"],
                              inputs=kwtypes(f=File), input_data_dir="/in")
    with pytest.raises(ContainerTaskError, match="by its path, /in/f"):
        templated(f=File(str(tmp_path / "data.csv")))
