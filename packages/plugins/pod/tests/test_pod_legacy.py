"""The legacy @task(task_config=Pod(...)) of flytekit's pod plugin: type sidecar, its rules."""

from __future__ import annotations

import pytest
from featherkit_pod import Pod, PodFunctionTask, PodTemplate
from google.protobuf import json_format

from featherkit import serialize, task

SPEC = {
    "containers": [
        {"name": "main", "image": "own/image:1", "env": [{"name": "MODE", "value": "pod"}]},
        {"name": "side"},
    ],
    "nodeSelector": {"gpu": "a100"},
}


def test_legacy_pod_task_serializes_as_sidecar(resolver, settings):
    config = Pod(pod_spec=SPEC, primary_container_name="main", labels={"team": "ml"})

    @task(task_config=config, task_resolver=resolver, environment={"T": "1"})
    def t(x: int) -> int:
        return x + 1

    assert isinstance(t, PodFunctionTask)
    assert t(x=1) == 2
    template = serialize(t, settings)
    assert (template.type, template.task_type_version) == ("sidecar", 2)
    assert template.WhichOneof("target") == "k8s_pod"
    assert dict(template.config) == {"primary_container_name": "main"}
    assert dict(template.k8s_pod.metadata.labels) == {"team": "ml"}
    spec = json_format.MessageToDict(template.k8s_pod.pod_spec)
    main, side = spec["containers"]
    # legacy rules: the primary always gets the task's image; others are left alone
    assert main["image"] == settings.image
    assert [e["name"] for e in main["env"]] == ["FROM_SETTINGS", "T", "MODE"]
    assert main["args"][0] == "featherkit-execute"
    assert side == {"name": "side"}
    assert config.pod_spec == SPEC  # never modified


def test_same_template_as_pod_template_differs_only_by_the_legacy_rules(resolver, settings):
    def body(x: int) -> int:
        return x

    legacy = task(task_config=Pod(SPEC, "main"), task_resolver=resolver)(body)
    modern = task(pod_template=PodTemplate(SPEC, "main"), task_resolver=resolver)(body)
    ours, theirs = serialize(legacy, settings), serialize(modern, settings)
    assert (ours.type, theirs.type) == ("sidecar", "python-task")
    modern_spec = json_format.MessageToDict(theirs.k8s_pod.pod_spec)
    assert modern_spec["containers"][0]["image"] == "own/image:1"
    assert modern_spec["containers"][1]["image"] == settings.image


def test_bad_legacy_configuration_is_refused(resolver):
    with pytest.raises(ValueError, match="needs a pod_spec"):
        Pod(pod_spec=None)
    with pytest.raises(ValueError, match="primary_container_name"):
        Pod(pod_spec=SPEC, primary_container_name="")
    with pytest.raises(TypeError, match="not both"):

        @task(task_config=Pod(SPEC), pod_template=PodTemplate(SPEC), task_resolver=resolver)
        def both(x: int) -> int:
            return x
