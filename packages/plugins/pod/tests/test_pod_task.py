"""@task(pod_template=...): the argument, the k8s_pod target, config, and a local run."""

from __future__ import annotations

import copy

import pytest
from featherkit_pod import PodTemplate, pod_spec_for
from google.protobuf import json_format

from featherkit import Resources, serialize, task

SPEC = {
    "containers": [
        {"name": "main", "env": [{"name": "MODE", "value": "pod"}],
         "volumeMounts": [{"name": "scratch", "mountPath": "/scratch"}]},
        {"name": "side", "image": "busybox"},
    ],
    "volumes": [{"name": "scratch", "emptyDir": {}}],
    "nodeSelector": {"gpu": "a100"},
}


def gpu_pod() -> PodTemplate:
    return PodTemplate(SPEC, "main", labels={"team": "ml"}, annotations={"cost-center": "42"})


def test_plugin_is_loaded_from_its_entry_point():
    from featherkit.extend import get_plugin_manager, hooks

    infos = get_plugin_manager().report.infos
    assert infos["pod"].distribution == "featherkit-pod"
    assert set(infos["pod"].hooks) == {
        "get_config", "get_k8s_pod", "register_node_overrides", "register_task_arguments",
        "register_task_types",
    }
    assert "pod_template" in hooks().task_arguments()


def test_pod_template_lands_in_plugin_options(resolver):
    template = gpu_pod()

    @task(pod_template=template, task_resolver=resolver)
    def t(x: int) -> int:
        return x

    assert t.plugin_options["pod_template"] is template


@pytest.mark.parametrize("value", [{"containers": []}, "main", None])
def test_pod_template_must_be_a_pod_template(value):
    with pytest.raises(TypeError) as info:

        @task(pod_template=value)
        def t() -> None:
            pass

    message = str(info.value)
    assert "test_pod_task.t'" in message
    assert "'pod_template'" in message
    assert f"expected a featherkit_pod.PodTemplate, got {type(value).__name__}" in message


def test_serializes_as_a_k8s_pod(settings, resolver):
    @task(
        pod_template=gpu_pod(),
        requests=Resources(cpu="2", mem="4Gi"),
        limits=Resources(gpu=1),
        environment={"MODE": "task"},
        task_resolver=resolver,
    )
    def train(epochs: int) -> float:
        return float(epochs)

    template = serialize(train, settings)
    assert template.type == "python-task"
    assert template.task_type_version == 0
    assert template.WhichOneof("target") == "k8s_pod"
    assert not template.HasField("container")
    assert dict(template.config) == {"primary_container_name": "main"}
    pod = template.k8s_pod
    assert dict(pod.metadata.labels) == {"team": "ml"}
    assert dict(pod.metadata.annotations) == {"cost-center": "42"}
    assert pod.primary_container_name == ""  # flytekit leaves it to config too
    spec = json_format.MessageToDict(pod.pod_spec)
    main, side = spec["containers"]
    assert main == {
        "name": "main",
        "image": settings.image,
        "command": [],
        "args": [
            "featherkit-execute", "--inputs", "{{.input}}", "--output-prefix",
            "{{.outputPrefix}}", "--raw-output-data-prefix", "{{.rawOutputDataPrefix}}",
            "--checkpoint-path", "{{.checkpointOutputPrefix}}", "--prev-checkpoint",
            "{{.prevCheckpointPrefix}}", "--resolver", "tests.name_resolver", "--",
            "task-name", train.name,
        ],
        "resources": {"requests": {"cpu": "2", "memory": "4Gi"}, "limits": {"gpu": "1"}},
        "env": [
            {"name": "FROM_SETTINGS", "value": "1"},
            {"name": "MODE", "value": "task"},
            {"name": "MODE", "value": "pod"},
        ],
        "volumeMounts": [{"name": "scratch", "mountPath": "/scratch"}],
    }
    assert side == {"name": "side", "image": "busybox"}
    assert spec["nodeSelector"] == {"gpu": "a100"}
    assert spec["volumes"] == [{"name": "scratch", "emptyDir": {}}]
    assert spec == pod_spec_for(train, settings)


def test_container_image_goes_to_the_primary_only(settings, resolver):
    template = PodTemplate({"containers": [{"name": "side"}]})

    @task(pod_template=template, container_image="other/img:2", task_resolver=resolver)
    def t() -> None:
        pass

    spec = json_format.MessageToDict(serialize(t, settings).k8s_pod.pod_spec)
    assert [(c["name"], c["image"]) for c in spec["containers"]] == [
        ("side", settings.image),
        ("primary", "other/img:2"),
    ]


def test_empty_labels_still_give_pod_metadata(settings, resolver):
    @task(pod_template=PodTemplate(), task_resolver=resolver)
    def t() -> None:
        pass

    pod = serialize(t, settings).k8s_pod
    assert pod.HasField("metadata")
    assert pod.HasField("pod_spec")
    assert not pod.metadata.labels
    assert not pod.metadata.annotations


def test_pod_template_name_is_kept(settings, resolver):
    @task(pod_template_name="cluster-template", task_resolver=resolver)
    def plain() -> None:
        pass

    @task(pod_template=gpu_pod(), pod_template_name="cluster-template", task_resolver=resolver)
    def both() -> None:
        pass

    plain_tt = serialize(plain, settings)
    assert plain_tt.metadata.pod_template_name == "cluster-template"
    assert plain_tt.WhichOneof("target") == "container"
    assert not plain_tt.config
    both_tt = serialize(both, settings)
    assert both_tt.metadata.pod_template_name == "cluster-template"
    assert both_tt.WhichOneof("target") == "k8s_pod"


def test_tasks_without_a_template_keep_the_container(settings, resolver):
    @task(requests=Resources(cpu="1"), task_resolver=resolver)
    def plain() -> None:
        pass

    tt = serialize(plain, settings)
    assert tt.WhichOneof("target") == "container"
    assert tt.container.image == settings.image
    assert not tt.config
    assert not tt.HasField("k8s_pod")


def test_serialization_never_mutates_the_template(settings, resolver):
    spec = copy.deepcopy(SPEC)
    template = PodTemplate(spec, "main", labels={"team": "ml"})
    snapshot = (template.pod_spec, template.labels, template.annotations)

    @task(pod_template=template, environment={"A": "1"}, requests=Resources(cpu="1"),
          task_resolver=resolver)
    def t() -> None:
        pass

    first = serialize(t, settings)
    second = serialize(t, settings)
    assert first == second
    assert (template.pod_spec, template.labels, template.annotations) == snapshot
    assert spec == SPEC


def test_v1_pod_spec_task_serializes_like_the_dict(settings, resolver):
    from kubernetes.client import V1Container, V1EnvVar, V1PodSpec, V1Volume, V1VolumeMount

    k8s_spec = V1PodSpec(
        containers=[
            V1Container(name="main", env=[V1EnvVar(name="MODE", value="pod")],
                        volume_mounts=[V1VolumeMount(name="scratch", mount_path="/scratch")]),
            V1Container(name="side", image="busybox"),
        ],
        volumes=[V1Volume(name="scratch", empty_dir={})],
        node_selector={"gpu": "a100"},
    )
    before = copy.deepcopy(k8s_spec)

    @task(pod_template=PodTemplate(k8s_spec, "main"), task_resolver=resolver)
    def from_k8s() -> None:
        pass

    @task(pod_template=PodTemplate(SPEC, "main"), task_resolver=resolver)
    def from_dict() -> None:
        pass

    a = serialize(from_k8s, settings).k8s_pod
    b = serialize(from_dict, settings).k8s_pod
    for pod, fn in ((a, from_k8s), (b, from_dict)):  # only the loader args differ
        args = pod.pod_spec["containers"][0]["args"]
        assert args[-1] == fn.name
        del args[-1]
    assert a == b
    assert k8s_spec == before


def test_local_run_is_unaffected(resolver):
    @task(pod_template=gpu_pod(), requests=Resources(cpu="2"), task_resolver=resolver)
    def double(x: int) -> int:
        return 2 * x

    assert double(x=21) == 42
