"""The comparison itself: it sees every kind of difference, and the allowed ones are narrow."""

from __future__ import annotations

import copy

import flytekit
import pytest
from spec_diff import assert_same, differences

import featherkit

FLYTEKIT_ARGS = [
    "pyflyte-execute", "--inputs", "{{.input}}", "--output-prefix", "{{.outputPrefix}}",
    "--raw-output-data-prefix", "{{.rawOutputDataPrefix}}", "--checkpoint-path",
    "{{.checkpointOutputPrefix}}", "--prev-checkpoint", "{{.prevCheckpointPrefix}}",
    "--resolver", "flytekit.core.python_auto_container.default_task_resolver", "--",
    "task-module", "m", "task-name", "t",
]


def _featherkit_args() -> list[str]:
    args = list(FLYTEKIT_ARGS)
    args[0] = "featherkit-execute"
    args[12] = "featherkit.resolvers.module"
    return args


def _spec(args: list[str], version: str = flytekit.__version__) -> dict:
    return {
        "template": {
            "metadata": {"runtime": {"version": version}, "retries": {}},
            "container": {"args": args, "resources": {}, "env": [{"key": "A", "value": "1"}]},
        }
    }


def test_identical_messages_have_no_differences():
    assert differences(_spec(FLYTEKIT_ARGS), _spec(FLYTEKIT_ARGS)) == []


def test_the_allowed_differences_pass():
    found = assert_same(_spec(FLYTEKIT_ARGS), _spec(_featherkit_args(), featherkit.__version__))
    assert {d.rule.name for d in found} == {"runtime-version", "entrypoint-and-resolver"}


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda s: s["template"]["container"].pop("resources"), "template.container.resources"),
        (lambda s: s["template"]["metadata"]["retries"].update(retries=1),
         "template.metadata.retries.retries"),
        (lambda s: s["template"]["container"]["env"].append({"key": "B", "value": "2"}),
         "template.container.env"),
        (lambda s: s["template"]["container"]["env"][0].update(value="x"),
         "template.container.env[0].value"),
        (lambda s: s["template"]["container"]["args"].__setitem__(15, "other.module"),
         "template.container.args"),
        (lambda s: s["template"]["container"]["args"].__setitem__(12, "some.resolver"),
         "template.container.args"),
        (lambda s: s["template"]["container"]["args"].__setitem__(2, "{{.inputs}}"),
         "template.container.args"),
        (lambda s: s["template"]["metadata"]["runtime"].update(version="0.0.1"),
         "template.metadata.runtime.version"),
    ],
    ids=["presence", "value", "list-length", "list-item", "loader-args", "resolver",
         "template", "runtime-version"],
)
def test_any_other_difference_fails(change, path):
    theirs = _spec(FLYTEKIT_ARGS)
    ours = copy.deepcopy(_spec(_featherkit_args(), featherkit.__version__))
    change(ours)
    with pytest.raises(AssertionError, match="not listed") as failure:
        assert_same(theirs, ours)
    assert f"{path}:" in str(failure.value)


def test_descriptions_must_be_equal():
    """No rule covers docstring text: featherkit splits and keeps line breaks as flytekit."""
    theirs = {"description": {"short_description": "Summary over",
                              "long_description": {"value": "two lines.", "format": "RST"}}}
    ours = {"description": {"short_description": "Summary over two lines.",
                            "long_description": {"format": "RST"}}}
    with pytest.raises(AssertionError, match="description"):
        assert_same(theirs, ours)
    assert assert_same(theirs, theirs) == []


def test_package_version_rule_only_fills_an_empty_version():
    assert [d.rule.name for d in assert_same({"template": {"id": {}}},
                                             {"template": {"id": {"version": "v1"}}})] == [
        "package-version"
    ]
    with pytest.raises(AssertionError, match=r"template\.id\.version"):
        assert_same(
            {"template": {"id": {"version": "v0"}}}, {"template": {"id": {"version": "v1"}}}
        )
