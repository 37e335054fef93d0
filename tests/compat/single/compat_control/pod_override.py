"""``with_overrides(pod_template=...)`` on a task node and a map task node, written once.

The pod template's class differs between the SDKs (flytekit's takes a kubernetes
``V1PodSpec``, featherkit-pod's a plain dict), so this module picks it by the SDK it was
imported for; everything else is the same source.
"""

from __future__ import annotations

import functools

from featherkit import map_task, task, workflow

SDK = task.__module__.split(".")[0]
SPEC = {
    "containers": [{"name": "main", "env": [{"name": "FROM_TEMPLATE", "value": "1"}]}],
    "nodeSelector": {"pool": "gpu"},
    "tolerations": [{"key": "gpu", "operator": "Exists"}],
}
if SDK == "flytekit":
    from flytekit import PodTemplate
    from kubernetes.client import ApiClient

    _spec = ApiClient()._ApiClient__deserialize(SPEC, "V1PodSpec")
else:
    from featherkit_pod import PodTemplate

    _spec = SPEC

TEMPLATE = PodTemplate(
    pod_spec=_spec,
    labels={"team": "ml"},
    annotations={"owner": "alice"},
    primary_container_name="main",
)


@task
def scale(x: int, factor: int) -> int:
    return x * factor


@workflow
def overridden_pods(x: int, xs: list[int]) -> list[int]:
    scale(x=x, factor=2).with_overrides(pod_template=TEMPLATE)
    return map_task(functools.partial(scale, factor=3))(x=xs).with_overrides(
        pod_template=TEMPLATE
    )
