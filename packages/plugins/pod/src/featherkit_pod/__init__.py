"""featherkit-pod: run any featherkit task in a Kubernetes pod built from a template.

    from featherkit import task
    from featherkit_pod import PodTemplate

    @task(pod_template=PodTemplate(pod_spec={"nodeSelector": {"gpu": "a100"}}))
    def train() -> None: ...
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: public name -> its module; imported at first use, so that loading the plugin (every pod's
#: start does) does not import the task model's legacy subclass or the template code
_EXPORTS: dict[str, str] = {
    "PRIMARY_CONTAINER_DEFAULT_NAME": "featherkit_pod.template",
    "Pod": "featherkit_pod.legacy",
    "PodFunctionTask": "featherkit_pod.legacy",
    "PodTemplate": "featherkit_pod.template",
    "merge_pod_spec": "featherkit_pod.merge",
    "pod_spec_for": "featherkit_pod.merge",
}

__all__ = [
    "PRIMARY_CONTAINER_DEFAULT_NAME",
    "Pod",
    "PodFunctionTask",
    "PodTemplate",
    "merge_pod_spec",
    "pod_spec_for",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'featherkit_pod' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:
    from featherkit_pod.legacy import Pod, PodFunctionTask
    from featherkit_pod.merge import merge_pod_spec, pod_spec_for
    from featherkit_pod.template import PRIMARY_CONTAINER_DEFAULT_NAME, PodTemplate
