"""``with_overrides(pod_template=...)``: the plugin's node override hook."""

from __future__ import annotations

from typing import Any

import pytest
from featherkit_pod import PodTemplate
from google.protobuf import json_format

from featherkit import task, workflow
from featherkit.extend import WorkflowCompileError, workflow_template


def test_node_override_merges_the_task_container(resolver: Any, settings: Any) -> None:
    template = PodTemplate(
        pod_spec={"containers": [{"name": "main", "env": [{"name": "T", "value": "1"}]}]},
        labels={"team": "ml"},
        primary_container_name="main",
    )

    @task(task_resolver=resolver, environment={"OWN": "2"})
    def work(x: int) -> int:
        return x

    @workflow
    def wf(x: int) -> int:
        return work(x=x).with_overrides(pod_template=template)

    pod = workflow_template(wf, settings).nodes[0].task_node.overrides.pod_template
    assert pod.primary_container_name == "main"
    assert dict(pod.metadata.labels) == {"team": "ml"}
    spec = json_format.MessageToDict(pod.pod_spec)
    (main,) = spec["containers"]
    assert main["image"] == "ghcr.io/acme/app:v1"
    assert main["args"][-2:] == ["task-name", work.name]
    assert [e["name"] for e in main["env"]] == ["FROM_SETTINGS", "OWN", "T"]
    # the task itself keeps its plain container
    assert wf(x=3) == 3


def test_node_override_needs_a_pod_template(resolver: Any) -> None:
    @task(task_resolver=resolver)
    def work(x: int) -> int:
        return x

    with pytest.raises(WorkflowCompileError, match=r"expected a featherkit_pod\.PodTemplate"):

        @workflow
        def wf(x: int) -> int:
            return work(x=x).with_overrides(pod_template={"containers": []})
