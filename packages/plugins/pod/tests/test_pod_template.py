"""PodTemplate: validation at definition, snapshots, kubernetes objects."""

from __future__ import annotations

import copy
import subprocess
import sys

import pytest
from featherkit_pod import PRIMARY_CONTAINER_DEFAULT_NAME, PodTemplate


def test_defaults():
    template = PodTemplate()
    assert template.primary_container_name == PRIMARY_CONTAINER_DEFAULT_NAME == "primary"
    assert template.pod_spec == {"containers": []}
    assert template.labels == {}
    assert template.annotations == {}


def test_keeps_what_it_is_given():
    spec = {
        "containers": [{"name": "main", "volumeMounts": [{"name": "v", "mountPath": "/v"}]}],
        "nodeSelector": {"gpu": "a100"},
        "tolerations": [{"key": "gpu", "operator": "Exists"}],
        "terminationGracePeriodSeconds": 30,
        "hostNetwork": False,
    }
    template = PodTemplate(spec, "main", labels={"team": "ml"}, annotations={"c": "42"})
    assert template.pod_spec == spec
    assert template.primary_container_name == "main"
    assert template.labels == {"team": "ml"}
    assert template.annotations == {"c": "42"}
    assert template == PodTemplate(copy.deepcopy(spec), "main", {"team": "ml"}, {"c": "42"})
    assert template != PodTemplate(spec, "main")
    assert "nodeSelector" in repr(template)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "primary_container_name must be a non-empty string, got ''"),
        (None, "primary_container_name must be a non-empty string, got None"),
        ("Main", "primary_container_name 'Main' is not a valid Kubernetes container name"),
        ("a_b", "primary_container_name 'a_b' is not a valid Kubernetes container name"),
        ("x" * 64, "is not a valid Kubernetes container name"),
    ],
)
def test_bad_primary_container_name(name, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        PodTemplate(primary_container_name=name)


@pytest.mark.parametrize(
    ("spec", "error", "message"),
    [
        ("nodeSelector: x", TypeError, "expected a pod spec .* got str"),
        ([{"name": "c"}], TypeError, "expected a pod spec .* got list"),
        ({"containers": {"name": "c"}}, TypeError,
         r"pod_spec.containers: expected a list of containers, got dict"),
        ({"containers": ["c"]}, TypeError,
         r"pod_spec.containers\[0\]: expected a container \(a dict with a 'name'\), got str"),
        ({"containers": [{"image": "x"}]}, ValueError,
         r"pod_spec.containers\[0\].name must be a non-empty string, got None"),
        ({"containers": [{"name": "a"}, {"name": "a"}]}, ValueError,
         "two containers are named 'a'"),
        ({"initContainers": [{"name": "Init"}]}, ValueError,
         r"pod_spec.initContainers\[0\].name 'Init' is not a valid Kubernetes container name"),
        ({"node_selector": {"a": "b"}}, ValueError,
         "field 'node_selector' is not in the Kubernetes camelCase form; did you mean "
         "'nodeSelector'"),
        ({"containers": [{"name": "c", "volume_mounts": []}]}, ValueError,
         r"pod_spec.containers\[0\]: field 'volume_mounts' .* did you mean 'volumeMounts'"),
        ({"containers": [{"name": "c", "image": 3}]}, TypeError,
         r"containers\[0\].image: expected a string"),
        ({"containers": [{"name": "c", "env": {"A": "1"}}]}, TypeError,
         r"containers\[0\].env: expected a list of"),
        ({"apiVersion": "v1", "kind": "Pod", "spec": {}}, ValueError,
         "'apiVersion', 'kind', 'spec': that is a whole manifest, not a pod spec"),
        ({"nodeSelector": {1: "a"}}, TypeError, r"pod_spec.nodeSelector: keys must be strings"),
        ({"volumes": [{"name": "v", "x": object()}]}, TypeError,
         r"pod_spec.volumes\[0\].x: expected JSON values"),
        ({"priority": float("nan")}, ValueError, r"pod_spec.priority: nan is not a finite"),
    ],
)
def test_bad_pod_spec(spec, error, message):
    with pytest.raises(error, match=f"PodTemplate .*{message}"):
        PodTemplate(spec)


@pytest.mark.parametrize("field", ["labels", "annotations"])
def test_bad_labels_and_annotations(field):
    with pytest.raises(TypeError, match=f"PodTemplate {field} must be a dict"):
        PodTemplate(**{field: ["a"]})
    with pytest.raises(TypeError, match=f"PodTemplate {field} must map strings to strings"):
        PodTemplate(**{field: {"a": 1}})


def test_template_is_a_snapshot():
    spec = {"containers": [{"name": "primary", "env": [{"name": "A", "value": "1"}]}]}
    labels = {"team": "ml"}
    template = PodTemplate(spec, labels=labels)
    spec["containers"][0]["env"].append({"name": "B", "value": "2"})
    spec["nodeSelector"] = {"x": "y"}
    labels["other"] = "x"
    assert template.pod_spec == {
        "containers": [{"name": "primary", "env": [{"name": "A", "value": "1"}]}]
    }
    assert template.labels == {"team": "ml"}
    # the properties return copies
    template.pod_spec["containers"].clear()
    template.labels.clear()
    assert template.pod_spec["containers"]
    assert template.labels
    with pytest.raises(AttributeError):
        template.primary_container_name = "other"  # type: ignore[misc]


def test_tuples_become_lists():
    template = PodTemplate({"containers": ({"name": "primary", "args": ("a", "b")},)})
    assert template.pod_spec == {"containers": [{"name": "primary", "args": ["a", "b"]}]}


def test_plain_dicts_never_import_kubernetes():
    code = (
        "import sys\n"
        "from featherkit_pod import PodTemplate, merge_pod_spec\n"
        "from flyteidl.core import tasks_pb2\n"
        "t = PodTemplate({'containers': [{'name': 'primary'}], 'nodeSelector': {'a': 'b'}})\n"
        "merge_pod_spec(t, tasks_pb2.Container(image='i'), 'i')\n"
        "assert 'kubernetes' not in sys.modules, 'kubernetes was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- kubernetes client objects (the `kubernetes` extra, installed with the test extra) ----


def test_v1_pod_spec_becomes_camel_case_dict():
    from kubernetes.client import (
        V1Container,
        V1EnvVar,
        V1PodSpec,
        V1Toleration,
        V1Volume,
        V1VolumeMount,
    )

    spec = V1PodSpec(
        containers=[
            V1Container(
                name="main",
                env=[V1EnvVar(name="A", value="1")],
                volume_mounts=[V1VolumeMount(name="v", mount_path="/v")],
            )
        ],
        node_selector={"gpu": "a100"},
        tolerations=[V1Toleration(key="gpu", operator="Exists")],
        volumes=[V1Volume(name="v", empty_dir={})],
    )
    before = copy.deepcopy(spec)
    template = PodTemplate(spec, "main")
    assert template.pod_spec == {
        "containers": [
            {
                "name": "main",
                "env": [{"name": "A", "value": "1"}],
                "volumeMounts": [{"name": "v", "mountPath": "/v"}],
            }
        ],
        "nodeSelector": {"gpu": "a100"},
        "tolerations": [{"key": "gpu", "operator": "Exists"}],
        "volumes": [{"name": "v", "emptyDir": {}}],
    }
    assert spec == before


def test_kubernetes_objects_inside_a_dict():
    from kubernetes.client import V1Container, V1Toleration

    template = PodTemplate(
        {"containers": [V1Container(name="side", image="busybox")],
         "tolerations": [V1Toleration(key="k", operator="Exists")]}
    )
    assert template.pod_spec == {
        "containers": [{"name": "side", "image": "busybox"}],
        "tolerations": [{"key": "k", "operator": "Exists"}],
    }


def test_v1_pod_spec_is_validated_too():
    from kubernetes.client import V1Container, V1PodSpec

    with pytest.raises(ValueError, match="two containers are named 'a'"):
        PodTemplate(V1PodSpec(containers=[V1Container(name="a"), V1Container(name="a")]))


def test_other_kubernetes_objects_are_refused():
    from kubernetes.client import V1Container, V1Pod, V1PodSpec

    with pytest.raises(TypeError, match=r"got a kubernetes V1Pod \(pass its .spec\)"):
        PodTemplate(V1Pod(spec=V1PodSpec(containers=[])))
    with pytest.raises(TypeError, match=r"got a kubernetes V1Container$"):
        PodTemplate(V1Container(name="c"))
