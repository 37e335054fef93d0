"""``PodTemplate``: a Kubernetes pod spec, a primary container name, labels and annotations.

The pod spec is kept as a plain dict in the Kubernetes API's camelCase form (what
``kubectl get pod -o json`` shows under ``spec``), because that is what a Flyte backend reads
from ``TaskTemplate.k8s_pod.pod_spec``. A ``kubernetes`` client ``V1PodSpec`` is accepted too
and converted with the client's own serializer; the ``kubernetes`` package is imported only
then, so plain dicts never need it.

Everything is validated and copied when the template is created: a mistake is reported where
the template is written, not when a task is serialized, and mutating the dict you passed in
afterwards does not change the template (nor does serializing a task change the template).
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Mapping
from typing import Any

PRIMARY_CONTAINER_DEFAULT_NAME = "primary"

#: Kubernetes container names are DNS-1123 labels; a pod with another name is rejected.
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS_LABEL_MAX = 63

#: Keys of a whole manifest (Pod, PodTemplate, Deployment...) rather than of a pod spec.
_MANIFEST_KEYS = frozenset({"apiVersion", "kind", "metadata", "spec", "template"})

#: Pod spec fields holding containers, each of which needs a unique name.
_CONTAINER_LISTS = ("containers", "initContainers")


def _is_kubernetes_model(value: object) -> bool:
    """A model object of the ``kubernetes`` client (V1PodSpec, V1Container, ...)."""
    return type(value).__module__.startswith("kubernetes.") and hasattr(value, "openapi_types")


def _sanitize_kubernetes(value: object) -> Any:
    """The camelCase JSON form of a ``kubernetes`` client object, by the client itself."""
    from kubernetes.client import ApiClient

    client: Any = ApiClient()  # the client is untyped
    try:
        return client.sanitize_for_serialization(value)
    finally:
        client.close()


def _plain(value: Any, path: str) -> Any:
    """A deep copy of ``value`` made of JSON types only (what a protobuf Struct can hold)."""
    if _is_kubernetes_model(value):
        return _plain(_sanitize_kubernetes(value), path)
    if isinstance(value, Mapping):
        plain: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(
                    f"PodTemplate {path}: keys must be strings, got {type(key).__name__} {key!r}"
                )
            plain[key] = _plain(item, f"{path}.{key}")
        return plain
    if isinstance(value, (list, tuple)):
        return [_plain(item, f"{path}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"PodTemplate {path}: {value!r} is not a finite number")
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    raise TypeError(
        f"PodTemplate {path}: expected JSON values (dict, list, str, number, bool, None) "
        f"in the Kubernetes camelCase form, got {type(value).__name__} {value!r}"
    )


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _check_camel_case(keys: Mapping[str, Any], path: str) -> None:
    """Kubernetes field names never contain ``_``; a backend would drop such a key silently."""
    for key in keys:
        if "_" in key:
            raise ValueError(
                f"PodTemplate {path}: field {key!r} is not in the Kubernetes camelCase form; "
                f"did you mean {_camel(key)!r}?"
            )


def check_container_name(name: object, what: str) -> str:
    if not isinstance(name, str) or not name:
        raise ValueError(f"PodTemplate {what} must be a non-empty string, got {name!r}")
    if len(name) > _DNS_LABEL_MAX or not _DNS_LABEL.match(name):
        raise ValueError(
            f"PodTemplate {what} {name!r} is not a valid Kubernetes container name: expected "
            f"a DNS-1123 label (at most {_DNS_LABEL_MAX} lowercase letters, digits and '-', "
            "starting and ending with a letter or digit), e.g. 'primary'"
        )
    return name


def _check_containers(spec: Mapping[str, Any], field: str) -> None:
    containers = spec.get(field)
    if containers is None:
        return
    path = f"pod_spec.{field}"
    if not isinstance(containers, list):
        raise TypeError(
            f"PodTemplate {path}: expected a list of containers, got {type(containers).__name__}"
        )
    seen: set[str] = set()
    for i, container in enumerate(containers):
        where = f"{path}[{i}]"
        if not isinstance(container, dict):
            raise TypeError(
                f"PodTemplate {where}: expected a container (a dict with a 'name'), "
                f"got {type(container).__name__} {container!r}"
            )
        _check_camel_case(container, where)
        name = check_container_name(container.get("name"), f"{where}.name")
        if name in seen:
            raise ValueError(f"PodTemplate {path}: two containers are named {name!r}")
        seen.add(name)
        image = container.get("image")
        if image is not None and not isinstance(image, str):
            raise TypeError(f"PodTemplate {where}.image: expected a string, got {image!r}")
        env = container.get("env")
        if env is not None and not (
            isinstance(env, list) and all(isinstance(e, dict) and "name" in e for e in env)
        ):
            raise TypeError(
                f"PodTemplate {where}.env: expected a list of {{'name': ..., 'value': ...}} "
                f"dicts, got {env!r}"
            )


def normalize_pod_spec(pod_spec: Any) -> dict[str, Any]:
    """Validate ``pod_spec`` and return it as a new plain camelCase dict."""
    if pod_spec is None:
        return {"containers": []}
    if _is_kubernetes_model(pod_spec) and type(pod_spec).__name__ != "V1PodSpec":
        hint = " (pass its .spec)" if type(pod_spec).__name__ == "V1Pod" else ""
        raise TypeError(
            f"PodTemplate pod_spec: expected a pod spec (a dict or a kubernetes V1PodSpec), "
            f"got a kubernetes {type(pod_spec).__name__}{hint}"
        )
    if not isinstance(pod_spec, Mapping) and not _is_kubernetes_model(pod_spec):
        raise TypeError(
            "PodTemplate pod_spec: expected a pod spec (a dict in the Kubernetes camelCase "
            "form, e.g. {'containers': [{'name': 'primary'}], 'nodeSelector': {...}}, or a "
            f"kubernetes V1PodSpec), got {type(pod_spec).__name__}"
        )
    spec: dict[str, Any] = _plain(pod_spec, "pod_spec")
    manifest = sorted(_MANIFEST_KEYS & set(spec))
    if manifest:
        raise ValueError(
            f"PodTemplate pod_spec has {', '.join(map(repr, manifest))}: that is a whole "
            "manifest, not a pod spec; pass the pod spec itself (a Pod's 'spec', a "
            "PodTemplate's 'template.spec')"
        )
    _check_camel_case(spec, "pod_spec")
    for field in _CONTAINER_LISTS:
        _check_containers(spec, field)
    return spec


def _string_map(value: Any, what: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(
            f"PodTemplate {what} must be a dict of strings to strings, got {type(value).__name__}"
        )
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            raise TypeError(
                f"PodTemplate {what} must map strings to strings, got {key!r}: {item!r}"
            )
    return dict(value)


class PodTemplate:
    """A Kubernetes pod for a task: ``@task(pod_template=PodTemplate(...))``.

    ``pod_spec`` is a dict in the Kubernetes camelCase form or a ``kubernetes`` client
    ``V1PodSpec`` (``None``: a pod with only the primary container). The container named
    ``primary_container_name`` runs the task; see the package README for the merge rules.
    ``labels`` and ``annotations`` go to the pod's metadata.

    The template is validated and copied when created and never changes afterwards; its
    properties return copies.
    """

    __slots__ = ("_annotations", "_labels", "_pod_spec", "_primary_container_name")

    def __init__(
        self,
        pod_spec: Mapping[str, Any] | Any | None = None,
        primary_container_name: str = PRIMARY_CONTAINER_DEFAULT_NAME,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
    ) -> None:
        self._primary_container_name = check_container_name(
            primary_container_name, "primary_container_name"
        )
        self._pod_spec = normalize_pod_spec(pod_spec)
        self._labels = _string_map(labels, "labels")
        self._annotations = _string_map(annotations, "annotations")

    @property
    def pod_spec(self) -> dict[str, Any]:
        """A copy of the pod spec, as a camelCase dict."""
        return copy.deepcopy(self._pod_spec)

    @property
    def primary_container_name(self) -> str:
        return self._primary_container_name

    @property
    def labels(self) -> dict[str, str]:
        return dict(self._labels)

    @property
    def annotations(self) -> dict[str, str]:
        return dict(self._annotations)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PodTemplate):
            return NotImplemented
        return (
            self._primary_container_name == other._primary_container_name
            and self._pod_spec == other._pod_spec
            and self._labels == other._labels
            and self._annotations == other._annotations
        )

    __hash__ = None  # type: ignore[assignment]  # equal by value, holds dicts

    def __repr__(self) -> str:
        return (
            f"PodTemplate(pod_spec={self._pod_spec!r}, "
            f"primary_container_name={self._primary_container_name!r}, "
            f"labels={self._labels!r}, annotations={self._annotations!r})"
        )


def validate_pod_template(value: Any) -> PodTemplate:
    """The ``@task(pod_template=...)`` check (core prefixes the task's name to the error)."""
    if not isinstance(value, PodTemplate):
        raise TypeError(
            f"expected a featherkit_pod.PodTemplate, got {type(value).__name__}; "
            "e.g. pod_template=PodTemplate(pod_spec={'nodeSelector': {...}})"
        )
    return value
