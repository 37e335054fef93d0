"""featherkit-pod against flytekit: the same pod templates serialize to the same k8s_pod.

For each case the same task (same function, template, resources, environment, image) is
serialized by flytekit's ``get_serializable`` and by ``featherkit.serialization.serialize``
with equivalent settings, and the pod-related fields of the two ``TaskTemplate`` protos are
compared one by one. The only documented difference is the primary container's ``args``:
flytekit runs ``pyflyte-execute`` with its resolver, featherkit ``featherkit-execute`` with
its own; the entrypoint options between (inputs, output prefix, ...) must be equal.

flytekit's ``PodTemplate`` needs the ``kubernetes`` package, so this module does too; our side
is checked with the template given both as a camelCase dict and as a ``V1PodSpec``.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

try:
    from kubernetes.client import (
        V1Container,
        V1EnvVar,
        V1PodSpec,
        V1ResourceRequirements,
        V1Toleration,
        V1Volume,
        V1VolumeMount,
    )
except ImportError as exc:  # pragma: no cover - an environment problem, said clearly
    raise ImportError(
        "the pod compatibility tests need the kubernetes package beside flytekit (flytekit's "
        "PodTemplate imports it): install featherkit-pod[kubernetes] in this environment"
    ) from exc

import flytekit
from featherkit_pod import PodTemplate
from flytekit.configuration import Image, ImageConfig
from flytekit.configuration import SerializationSettings as FlyteSettings
from flytekit.tools.translator import get_serializable
from google.protobuf import json_format

import featherkit
from featherkit.serialization import SerializationSettings, serialize

os.environ.setdefault("FEATHERKIT_STRICT_PLUGINS", "1")

IMAGE_FQN, IMAGE_TAG = "ghcr.io/acme/app", "v1"
IMAGE = f"{IMAGE_FQN}:{IMAGE_TAG}"
ENV = {"FROM_SETTINGS": "1", "SHARED": "settings"}
#: args[0] is the entrypoint and args[11:] the resolver and its loader args; between them
#: the entrypoint options both SDKs give the same Flyte templates
OPTIONS = slice(1, 11)


def fn(x: int) -> int:
    return x


class NameResolver:
    """Locates the task by name; the compared options do not depend on the resolver."""

    location = "compat.name_resolver"
    name = "name"

    def load_task(self, loader_args: list[str]) -> Any:
        raise LookupError(loader_args)

    def loader_args(self, settings: Any, task: Any) -> list[str]:
        return ["task-name", task.name]

    def get_all_tasks(self) -> list[Any]:
        return []

    def task_name(self, task: Any) -> str:
        return str(task.name)


@dataclass
class Case:
    """One pod template and task options, spelled for both SDKs.

    ``spec`` builds a fresh V1PodSpec (flytekit's side, and ours as a V1PodSpec); ``dict_spec``
    is the same spec in the camelCase dict form our users write.
    """

    spec: Callable[[], V1PodSpec | None]
    dict_spec: dict[str, Any] | None
    primary: str = "primary"
    labels: dict[str, str] | None = None
    annotations: dict[str, str] | None = None
    requests: dict[str, str] = field(default_factory=dict)
    limits: dict[str, str] = field(default_factory=dict)
    environment: dict[str, str] = field(default_factory=dict)
    container_image: str | None = None
    pod_template_name: str | None = None


CASES = {
    "empty-template": Case(spec=lambda: None, dict_spec=None),
    "full": Case(
        spec=lambda: V1PodSpec(
            containers=[
                V1Container(
                    name="main",
                    env=[V1EnvVar(name="SHARED", value="pod"), V1EnvVar(name="P", value="1")],
                    volume_mounts=[V1VolumeMount(name="scratch", mount_path="/scratch")],
                ),
                V1Container(name="side", image="busybox", args=["sleep", "infinity"]),
            ],
            volumes=[V1Volume(name="scratch", empty_dir={})],
            node_selector={"gpu": "a100"},
            tolerations=[V1Toleration(key="gpu", operator="Exists", effect="NoSchedule")],
        ),
        dict_spec={
            "containers": [
                {
                    "name": "main",
                    "env": [{"name": "SHARED", "value": "pod"}, {"name": "P", "value": "1"}],
                    "volumeMounts": [{"name": "scratch", "mountPath": "/scratch"}],
                },
                {"name": "side", "image": "busybox", "args": ["sleep", "infinity"]},
            ],
            "volumes": [{"name": "scratch", "emptyDir": {}}],
            "nodeSelector": {"gpu": "a100"},
            "tolerations": [{"key": "gpu", "operator": "Exists", "effect": "NoSchedule"}],
        },
        primary="main",
        labels={"team": "ml"},
        annotations={"cost-center": "42"},
        requests={"cpu": "2", "mem": "4Gi"},
        limits={"cpu": "3", "mem": "8Gi"},
        environment={"SHARED": "task", "T": "t"},
    ),
    "own-image-and-resources-kept": Case(
        spec=lambda: V1PodSpec(
            containers=[
                V1Container(
                    name="primary",
                    image="own/img:2",
                    resources=V1ResourceRequirements(limits={"cpu": "9"}),
                )
            ]
        ),
        dict_spec={
            "containers": [
                {"name": "primary", "image": "own/img:2", "resources": {"limits": {"cpu": "9"}}}
            ]
        },
    ),
    "task-resources-replace-the-templates": Case(
        spec=lambda: V1PodSpec(
            containers=[
                V1Container(
                    name="primary", resources=V1ResourceRequirements(limits={"cpu": "9"})
                )
            ]
        ),
        dict_spec={"containers": [{"name": "primary", "resources": {"limits": {"cpu": "9"}}}]},
        requests={"mem": "1Gi", "gpu": "1", "ephemeral_storage": "2Gi"},
    ),
    "side-without-image-and-task-image": Case(
        spec=lambda: V1PodSpec(containers=[V1Container(name="side")]),
        dict_spec={"containers": [{"name": "side"}]},
        container_image="other/img:3",
    ),
    "template-command-args-replaced-init-kept": Case(
        spec=lambda: V1PodSpec(
            containers=[V1Container(name="primary", command=["sh"], args=["-c", "true"])],
            init_containers=[V1Container(name="init", image="busybox", command=["true"])],
        ),
        dict_spec={
            "containers": [{"name": "primary", "command": ["sh"], "args": ["-c", "true"]}],
            "initContainers": [{"name": "init", "image": "busybox", "command": ["true"]}],
        },
        labels={"only": "labels"},
    ),
    "with-pod-template-name": Case(
        spec=lambda: V1PodSpec(containers=[], host_network=True),
        dict_spec={"containers": [], "hostNetwork": True},
        pod_template_name="cluster-template",
        annotations={"a": "b"},
    ),
}


def flytekit_template(case: Case) -> Any:
    settings = FlyteSettings(
        image_config=ImageConfig(
            default_image=Image(name="default", fqn=IMAGE_FQN, tag=IMAGE_TAG)
        ),
        project="p", domain="d", version="v1", env=dict(ENV),
    )
    pod = flytekit.PodTemplate(
        pod_spec=case.spec(), primary_container_name=case.primary,
        labels=case.labels, annotations=case.annotations,
    )
    kwargs: dict[str, Any] = {"pod_template": pod}
    if case.requests:
        kwargs["requests"] = flytekit.Resources(**case.requests)
    if case.limits:
        kwargs["limits"] = flytekit.Resources(**case.limits)
    if case.environment:
        kwargs["environment"] = case.environment
    if case.container_image:
        kwargs["container_image"] = case.container_image
    if case.pod_template_name:
        kwargs["pod_template_name"] = case.pod_template_name
    task = flytekit.task(**kwargs)(fn)
    return get_serializable(OrderedDict(), settings, task).template.to_flyte_idl()


def featherkit_template(case: Case, pod_spec: Any) -> Any:
    settings = SerializationSettings(
        image=IMAGE, version="v1", project="p", domain="d", env=dict(ENV)
    )
    pod = PodTemplate(pod_spec, case.primary, labels=case.labels, annotations=case.annotations)
    task = featherkit.task(
        pod_template=pod,
        requests=featherkit.Resources(**case.requests) if case.requests else None,
        limits=featherkit.Resources(**case.limits) if case.limits else None,
        environment=case.environment,
        container_image=case.container_image,
        pod_template_name=case.pod_template_name,
        task_resolver=NameResolver(),
    )(fn)
    return serialize(task, settings)


def primary_args(template: Any, primary: str) -> list[str]:
    """The primary container's args, removed from the template's pod spec."""
    for container in template.k8s_pod.pod_spec["containers"]:
        if container["name"] == primary:
            args = list(container["args"])
            del container["args"]
            return args
    raise AssertionError(f"no primary container {primary!r} in the pod spec")


@pytest.mark.parametrize("form", ["dict", "V1PodSpec"])
@pytest.mark.parametrize("name", list(CASES))
def test_k8s_pod_task_template_matches_flytekit(name: str, form: str) -> None:
    case = CASES[name]
    theirs = flytekit_template(case)
    ours = featherkit_template(case, case.dict_spec if form == "dict" else case.spec())

    assert ours.type == theirs.type == "python-task"
    assert ours.task_type_version == theirs.task_type_version
    assert ours.WhichOneof("target") == theirs.WhichOneof("target") == "k8s_pod"
    assert dict(ours.config) == dict(theirs.config) == {"primary_container_name": case.primary}
    assert ours.metadata.pod_template_name == theirs.metadata.pod_template_name
    assert ours.k8s_pod.metadata == theirs.k8s_pod.metadata
    assert ours.k8s_pod.HasField("metadata") == theirs.k8s_pod.HasField("metadata")
    assert ours.k8s_pod.primary_container_name == theirs.k8s_pod.primary_container_name
    assert ours.k8s_pod.HasField("data_config") == theirs.k8s_pod.HasField("data_config")

    our_args, their_args = primary_args(ours, case.primary), primary_args(theirs, case.primary)
    assert (our_args[0], their_args[0]) == ("featherkit-execute", "pyflyte-execute")
    assert our_args[OPTIONS] == their_args[OPTIONS]
    assert our_args[11] == their_args[11] == "--resolver"

    our_spec = json_format.MessageToDict(ours.k8s_pod.pod_spec)
    their_spec = json_format.MessageToDict(theirs.k8s_pod.pod_spec)
    assert our_spec.keys() == their_spec.keys()
    for key in their_spec:
        if key != "containers":
            assert our_spec[key] == their_spec[key], key
    assert [c["name"] for c in our_spec["containers"]] == [
        c["name"] for c in their_spec["containers"]
    ]
    for our_container, their_container in zip(our_spec["containers"], their_spec["containers"]):
        assert our_container == their_container, our_container["name"]
    assert ours.k8s_pod.pod_spec == theirs.k8s_pod.pod_spec


# -- the legacy task_config=Pod(...) of flytekitplugins-pod ----------------------------------

try:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # "this pod plugin is no longer necessary"
        from flytekitplugins.pod import Pod as FlytePod
except ImportError as exc:  # pragma: no cover - an environment problem, said clearly
    raise ImportError(
        "the legacy pod compatibility tests need flytekitplugins-pod beside flytekit: install "
        "featherkit-pod[compat]"
    ) from exc

from featherkit_pod import Pod  # noqa: E402

#: flytekit's Pod needs a pod spec, so the case without one is not a legacy case
LEGACY_CASES = [name for name, case in CASES.items() if case.dict_spec is not None]


def flytekit_legacy_template(case: Case) -> Any:
    settings = FlyteSettings(
        image_config=ImageConfig(
            default_image=Image(name="default", fqn=IMAGE_FQN, tag=IMAGE_TAG)
        ),
        project="p", domain="d", version="v1", env=dict(ENV),
    )
    config = FlytePod(pod_spec=case.spec(), primary_container_name=case.primary,
                      labels=case.labels, annotations=case.annotations)
    kwargs: dict[str, Any] = {"task_config": config}
    if case.requests:
        kwargs["requests"] = flytekit.Resources(**case.requests)
    if case.limits:
        kwargs["limits"] = flytekit.Resources(**case.limits)
    if case.environment:
        kwargs["environment"] = case.environment
    if case.container_image:
        kwargs["container_image"] = case.container_image
    if case.pod_template_name:
        kwargs["pod_template_name"] = case.pod_template_name
    task = flytekit.task(**kwargs)(fn)
    return get_serializable(OrderedDict(), settings, task).template.to_flyte_idl()


def featherkit_legacy_template(case: Case, pod_spec: Any) -> Any:
    settings = SerializationSettings(
        image=IMAGE, version="v1", project="p", domain="d", env=dict(ENV)
    )
    config = Pod(pod_spec=pod_spec, primary_container_name=case.primary, labels=case.labels,
                 annotations=case.annotations)
    task = featherkit.task(
        task_config=config,
        requests=featherkit.Resources(**case.requests) if case.requests else None,
        limits=featherkit.Resources(**case.limits) if case.limits else None,
        environment=case.environment,
        container_image=case.container_image,
        pod_template_name=case.pod_template_name,
        task_resolver=NameResolver(),
    )(fn)
    return serialize(task, settings)


@pytest.mark.parametrize("form", ["dict", "V1PodSpec"])
@pytest.mark.parametrize("name", LEGACY_CASES)
def test_legacy_pod_task_template_matches_flytekit(name: str, form: str) -> None:
    case = CASES[name]
    theirs = flytekit_legacy_template(case)
    ours = featherkit_legacy_template(case, case.dict_spec if form == "dict" else case.spec())

    assert ours.type == theirs.type == "sidecar"
    assert ours.task_type_version == theirs.task_type_version == 2
    assert ours.WhichOneof("target") == theirs.WhichOneof("target") == "k8s_pod"
    assert dict(ours.config) == dict(theirs.config) == {"primary_container_name": case.primary}
    assert ours.metadata.pod_template_name == theirs.metadata.pod_template_name
    assert ours.k8s_pod.metadata == theirs.k8s_pod.metadata
    assert ours.k8s_pod.HasField("metadata") == theirs.k8s_pod.HasField("metadata")
    assert ours.k8s_pod.primary_container_name == theirs.k8s_pod.primary_container_name

    our_args, their_args = primary_args(ours, case.primary), primary_args(theirs, case.primary)
    assert (our_args[0], their_args[0]) == ("featherkit-execute", "pyflyte-execute")
    assert our_args[OPTIONS] == their_args[OPTIONS]
    assert json_format.MessageToDict(ours.k8s_pod.pod_spec) == json_format.MessageToDict(
        theirs.k8s_pod.pod_spec
    )
    assert ours.k8s_pod.pod_spec == theirs.k8s_pod.pod_spec
