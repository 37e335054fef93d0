"""The merge rules, on a task's container given directly (no task, no type engine)."""

from __future__ import annotations

import copy

from featherkit_pod import PodTemplate, merge_pod_spec
from flyteidl.core import literals_pb2, tasks_pb2

R = tasks_pb2.Resources
SECRET_REF = {"secretKeyRef": {"name": "s", "key": "k"}}


def container(image="task/img:1", env=None, requests=(), limits=()):
    return tasks_pb2.Container(
        image=image,
        args=["featherkit-execute", "--inputs", "{{.input}}"],
        resources=R(
            requests=[R.ResourceEntry(name=n, value=v) for n, v in requests],
            limits=[R.ResourceEntry(name=n, value=v) for n, v in limits],
        ),
        env=[literals_pb2.KeyValuePair(key=k, value=v) for k, v in (env or {}).items()],
    )


def test_missing_primary_container_is_appended_last():
    template = PodTemplate({"containers": [{"name": "side", "image": "busybox"}]})
    spec = merge_pod_spec(template, container(), "default/img:1")
    assert [c["name"] for c in spec["containers"]] == ["side", "primary"]
    assert spec["containers"][1] == {
        "name": "primary",
        "image": "task/img:1",
        "command": [],
        "args": ["featherkit-execute", "--inputs", "{{.input}}"],
        "env": [],
    }


def test_no_containers_key_at_all():
    spec = merge_pod_spec(PodTemplate({"nodeSelector": {"a": "b"}}), container(), "d")
    assert spec["nodeSelector"] == {"a": "b"}
    assert [c["name"] for c in spec["containers"]] == ["primary"]


def test_primary_gets_task_image_unless_it_sets_its_own():
    plain = PodTemplate({"containers": [{"name": "primary"}]})
    own = PodTemplate({"containers": [{"name": "primary", "image": "own/img:2"}]})
    assert merge_pod_spec(plain, container(), "d")["containers"][0]["image"] == "task/img:1"
    assert merge_pod_spec(own, container(), "d")["containers"][0]["image"] == "own/img:2"


def test_primary_command_and_args_are_the_tasks():
    template = PodTemplate(
        {"containers": [{"name": "primary", "command": ["sh"], "args": ["-c", "echo"]}]}
    )
    primary = merge_pod_spec(template, container(), "d")["containers"][0]
    assert primary["command"] == []
    assert primary["args"] == ["featherkit-execute", "--inputs", "{{.input}}"]


def test_task_resources_replace_the_templates():
    template = PodTemplate(
        {"containers": [{"name": "primary", "resources": {"limits": {"cpu": "9"}}}]}
    )
    merged = merge_pod_spec(
        template,
        container(
            requests=[(R.CPU, "2"), (R.MEMORY, "4Gi"), (R.GPU, "1"), (R.EPHEMERAL_STORAGE, "1Gi")],
        ),
        "d",
    )
    assert merged["containers"][0]["resources"] == {
        "limits": {},
        "requests": {"cpu": "2", "memory": "4Gi", "gpu": "1", "ephemeral-storage": "1Gi"},
    }
    limited = merge_pod_spec(template, container(limits=[(R.MEMORY, "1Gi")]), "d")
    assert limited["containers"][0]["resources"] == {"limits": {"memory": "1Gi"}, "requests": {}}


def test_template_resources_stay_when_the_task_sets_none():
    template = PodTemplate(
        {"containers": [{"name": "primary", "resources": {"limits": {"cpu": "9"}}}]}
    )
    merged = merge_pod_spec(template, container(), "d")
    assert merged["containers"][0]["resources"] == {"limits": {"cpu": "9"}}


def test_env_is_the_tasks_then_the_templates():
    template = PodTemplate(
        {
            "containers": [
                {
                    "name": "primary",
                    "env": [
                        {"name": "A", "value": "pod"},
                        {"name": "SECRET", "valueFrom": SECRET_REF},
                    ],
                }
            ]
        }
    )
    merged = merge_pod_spec(template, container(env={"A": "task", "B": "b"}), "d")
    assert merged["containers"][0]["env"] == [
        {"name": "A", "value": "task"},
        {"name": "B", "value": "b"},
        {"name": "A", "value": "pod"},
        {"name": "SECRET", "valueFrom": SECRET_REF},
    ]


def test_other_containers_keep_theirs():
    side = {
        "name": "side",
        "image": "busybox",
        "command": ["sleep"],
        "args": ["infinity"],
        "env": [{"name": "S", "value": "1"}],
        "resources": {"limits": {"cpu": "1"}},
    }
    template = PodTemplate(
        {"containers": [side, {"name": "bare"}], "initContainers": [{"name": "init"}]}
    )
    merged = merge_pod_spec(
        template, container(env={"A": "1"}, requests=[(R.CPU, "2")]), "default/img:1"
    )
    by_name = {c["name"]: c for c in merged["containers"]}
    assert by_name["side"] == side
    # a container without an image gets the settings' default image, as in flytekit
    assert by_name["bare"] == {"name": "bare", "image": "default/img:1"}
    assert merged["initContainers"] == [{"name": "init"}]


def test_primary_keeps_its_other_fields():
    mounts = [{"name": "v", "mountPath": "/v"}]
    template = PodTemplate(
        {"containers": [{"name": "main", "volumeMounts": mounts, "workingDir": "/w"}]},
        "main",
    )
    primary = merge_pod_spec(template, container(), "d")["containers"][0]
    assert primary["volumeMounts"] == mounts
    assert primary["workingDir"] == "/w"


def test_merging_never_mutates_the_template():
    spec = {
        "containers": [
            {"name": "primary", "env": [{"name": "A", "value": "1"}], "image": ""},
            {"name": "side"},
        ],
    }
    original = copy.deepcopy(spec)
    template = PodTemplate(spec)
    snapshot = template.pod_spec
    first = merge_pod_spec(template, container(env={"B": "2"}, requests=[(R.CPU, "1")]), "d")
    second = merge_pod_spec(template, container(env={"B": "2"}, requests=[(R.CPU, "1")]), "d")
    assert first == second
    assert template.pod_spec == snapshot
    assert spec == original
    first["containers"][0]["env"].append({"name": "X", "value": "x"})
    assert template.pod_spec == snapshot
