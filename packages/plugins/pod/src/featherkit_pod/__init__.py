"""featherkit-pod: run any featherkit task in a Kubernetes pod built from a template.

    from featherkit import task
    from featherkit_pod import PodTemplate

    @task(pod_template=PodTemplate(pod_spec={"nodeSelector": {"gpu": "a100"}}))
    def train() -> None: ...
"""

from featherkit_pod.legacy import Pod, PodFunctionTask
from featherkit_pod.merge import merge_pod_spec, pod_spec_for
from featherkit_pod.template import PRIMARY_CONTAINER_DEFAULT_NAME, PodTemplate

__all__ = [
    "PRIMARY_CONTAINER_DEFAULT_NAME",
    "Pod",
    "PodFunctionTask",
    "PodTemplate",
    "merge_pod_spec",
    "pod_spec_for",
]
