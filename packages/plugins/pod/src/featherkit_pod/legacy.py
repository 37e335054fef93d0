"""The legacy pod task: ``@task(task_config=Pod(pod_spec=..., primary_container_name=...))``.

flytekit's pod plugin (flytekitplugins-pod) predates ``pod_template=``; code written for it
keeps working here. Such a task serializes as flytekit's ``PodFunctionTask`` does: task type
``sidecar``, task type version 2, a ``k8s_pod`` target and ``config["primary_container_name"]``,
with the legacy merge rules, which differ from ``pod_template=``'s in two places:

* the primary container always gets the task's image (a ``pod_template`` keeps one the
  template sets);
* other containers are left exactly as they are (a ``pod_template`` gives one without an
  image the default image).

Everything else (the primary container appended when missing, the task's command, args and
resources, the task's environment before the container's) is the same. ``pod_spec`` is a
``kubernetes`` ``V1PodSpec`` as in flytekit, or the camelCase dict :class:`PodTemplate`
takes. The ``Pod`` is never modified (flytekit's is).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from featherkit.extend import PythonFunctionTask
from featherkit_pod.template import PRIMARY_CONTAINER_DEFAULT_NAME, PodTemplate

#: flytekit's task type and version for the legacy pod task
SIDECAR_TASK_TYPE = "sidecar"
SIDECAR_TASK_TYPE_VERSION = 2


class Pod:
    """flytekit's ``Pod(pod_spec, primary_container_name="primary", labels, annotations)``."""

    def __init__(
        self,
        pod_spec: Any,
        primary_container_name: str = PRIMARY_CONTAINER_DEFAULT_NAME,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
    ) -> None:
        if not pod_spec:
            raise ValueError("Pod needs a pod_spec (a V1PodSpec or a camelCase dict)")
        if not primary_container_name:
            raise ValueError("Pod needs a primary_container_name")
        self.template = PodTemplate(
            pod_spec, primary_container_name, labels=labels, annotations=annotations
        )

    @property
    def pod_spec(self) -> dict[str, Any]:
        return self.template.pod_spec

    @property
    def primary_container_name(self) -> str:
        return self.template.primary_container_name

    @property
    def labels(self) -> dict[str, str]:
        return self.template.labels

    @property
    def annotations(self) -> dict[str, str]:
        return self.template.annotations

    def __repr__(self) -> str:
        return f"Pod({self.template!r})"


class PodFunctionTask(PythonFunctionTask):
    """The task ``@task(task_config=Pod(...))`` builds (flytekit's class name)."""

    #: read by the merge: the legacy rules apply
    legacy_pod = True

    def __init__(
        self, task_function: Callable[..., Any], task_config: Pod, **kwargs: Any
    ) -> None:
        name = f"{task_function.__module__}.{getattr(task_function, '__name__', '?')}"
        if not isinstance(task_config, Pod):
            raise TypeError(
                f"task {name!r}: task_config must be a featherkit_pod.Pod, "
                f"got {type(task_config).__name__}"
            )
        options = dict(kwargs.pop("plugin_options", None) or {})
        if "pod_template" in options:
            raise TypeError(
                f"task {name!r}: give task_config=Pod(...) or pod_template=PodTemplate(...), "
                "not both"
            )
        options["pod_template"] = task_config.template
        kwargs.setdefault("task_type", SIDECAR_TASK_TYPE)
        kwargs.setdefault("task_type_version", SIDECAR_TASK_TYPE_VERSION)
        super().__init__(task_function, task_config, plugin_options=options, **kwargs)
