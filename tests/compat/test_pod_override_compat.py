"""``with_overrides(pod_template=...)`` against flytekit: a node's pod template override (on a
task node and on a map task's mapped node) is the same ``TaskNodeOverrides.pod_template``.

The definitions are written once (``single/compat_control/pod_override.py``). The only
documented difference is in the primary container's ``args``: each SDK's entrypoint and
resolvers (rule ``entrypoint-and-resolver``); everything else in the merged pod spec, labels,
annotations and the primary container's name must be equal.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Any

import kubernetes  # noqa: F401  (flytekit's PodTemplate needs it; the compat session installs it)
from allowed_differences import _container_args
from google.protobuf import json_format
from single_source import load_module, materialize

MODULE = "compat_control.pod_override"


def _overrides(sdk: str, root: Path, settings: Any) -> list[Any]:
    with load_module(root, MODULE) as module:
        if sdk == "flytekit":
            from flytekit.tools.translator import get_serializable

            spec = get_serializable(OrderedDict(), settings, module.overridden_pods)
            nodes = spec.to_flyte_idl().template.nodes
        else:
            from featherkit.workflow.serialize import workflow_template

            nodes = workflow_template(module.overridden_pods, settings).nodes
    return [nodes[0].task_node.overrides, nodes[1].array_node.node.task_node.overrides]


def test_pod_template_override_matches_flytekit(compat_settings: Any, tmp_path: Path) -> None:
    theirs = _overrides(
        "flytekit", materialize("flytekit", tmp_path), compat_settings.flytekit()
    )
    ours = _overrides(
        "featherkit", materialize("featherkit", tmp_path), compat_settings.featherkit()
    )
    for where, their, our in zip(("task node", "map task node"), theirs, ours):
        t = json_format.MessageToDict(their, preserving_proto_field_name=True)
        o = json_format.MessageToDict(our, preserving_proto_field_name=True)
        assert "pod_template" in o, where
        t_args = t["pod_template"]["pod_spec"]["containers"][0].pop("args")
        o_args = o["pod_template"]["pod_spec"]["containers"][0].pop("args")
        assert t == o, where
        assert _container_args(t_args, o_args), (where, t_args, o_args)
