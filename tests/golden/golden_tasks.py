"""A broad set of tasks whose serialized ``TaskTemplate`` bytes are pinned (``golden.json``).

Every kind of target (python container, pod, legacy pod, raw container, SQL, embedded SQL,
image spec, map, dynamic) and every option that reaches the template; see
``tests/test_serialized_bytes.py``.
"""

from __future__ import annotations

import datetime
from typing import NamedTuple

from featherkit_container import ContainerTask
from featherkit_imagespec import ImageSpec
from featherkit_pod import Pod, PodTemplate
from featherkit_sql import DuckDBConfig, DuckDBTask, SQLite3Config, SQLite3Task

from featherkit import Documentation, Resources, Secret, dynamic, kwtypes, map_task, task

POD_SPEC = {
    "containers": [
        {"name": "main", "env": [{"name": "MODE", "value": "pod"}],
         "volumeMounts": [{"name": "scratch", "mountPath": "/scratch"}]},
        {"name": "side", "image": "busybox"},
    ],
    "volumes": [{"name": "scratch", "emptyDir": {}}],
    "nodeSelector": {"gpu": "a100"},
}


class Pair(NamedTuple):
    total: int
    label: str


@task
def plain(a: int, b: str, c: list[float]) -> int:
    """Task plain.

    A longer description.

    :param a: an int
    :param b: a str
    :return: the int
    """
    return a


@task
def no_doc(a: int = 3, *, b: str = "x") -> None:
    pass


@task
def several(a: int) -> tuple[int, str]:
    return a, str(a)


@task
def named(a: int) -> Pair:
    """Named outputs.

    :param a: the input
    :return: a pair
    """
    return Pair(a, "x")


@task(
    cache=True, cache_version="1.2", cache_serialize=True, cache_ignore_input_vars=("b",),
    retries=3, interruptible=True, deprecated="use plain", timeout=datetime.timedelta(minutes=5),
)
def knobs(a: int, b: str) -> int:
    return a


@task(timeout=90, interruptible=False, pod_template_name="base-template")
def knobs_int_timeout(a: int) -> int:
    return a


@task(
    environment={"B": "2", "A": "1"},
    requests=Resources(cpu="1", mem="2Gi", gpu="1", ephemeral_storage="1Gi"),
    limits=Resources(cpu="2", mem="4Gi"),
    container_image="ghcr.io/acme/other:v2",
)
def resourced(a: int) -> int:
    return a


@task(secret_requests=[
    Secret(group="db", key="password"),
    Secret(group="api", key="token", mount_requirement=Secret.MountType.FILE),
])
def secretive(a: int) -> int:
    return a


@task(enable_deck=True)
def decked(a: int) -> int:
    return a


@task(docs=Documentation(short_description="short", long_description="long"))
def documented(a: int) -> int:
    return a


@task(pod_template=PodTemplate(POD_SPEC, "main", labels={"team": "ml"},
                               annotations={"cost-center": "42"}),
      requests=Resources(cpu="1"), environment={"E": "1"})
def podded(x: int) -> int:
    return x


@task(task_config=Pod(pod_spec={"containers": [{"name": "primary"}]}))
def legacy_pod(x: int) -> int:
    return x


@task(container_image=ImageSpec(name="app", registry="ghcr.io/acme", packages=["numpy"]))
def with_spec(a: int) -> int:
    return a


raw = ContainerTask(
    name="square",
    image="ghcr.io/acme/tools:3",
    command=["sh", "-c", "echo $(( {{.inputs.val}} * {{ .inputs.val }} )) > /var/outputs/out"],
    arguments=["--label", "{{.inputs.val}}"],
    inputs=kwtypes(val=int),
    outputs=kwtypes(out=int),
    input_data_dir="/var/inputs",
    output_data_dir="/var/outputs",
    requests=Resources(cpu="1"),
    limits=Resources(mem="1Gi"),
    environment={"MODE": "x"},
    metadata_format="yaml",
)

sqlite = SQLite3Task(
    "golden.top_customers",
    query_template="SELECT * FROM customers WHERE total > {{ .inputs.min_total }} "
    "LIMIT {{ .inputs.n }}",
    inputs=kwtypes(min_total=float, n=int),
    task_config=SQLite3Config(uri="s3://bucket/shop.tar.gz", compressed=True),
)

duck = DuckDBTask("golden.duck", "SELECT {{ .inputs.x }} AS x", inputs=kwtypes(x=int),
                  task_config=DuckDBConfig(uri="s3://b/x.duckdb"))

mapped = map_task(plain, concurrency=2, min_success_ratio=0.5)


@dynamic
def dyn(n: int) -> int:
    return plain(a=n, b="x", c=[1.0])


@dynamic(retries=2, requests=Resources(mem="1Gi"))
def dyn_knobs(n: int) -> int:
    return n


@task
def mutated(a: int) -> int:
    return a


# set after decoration: serialization must see the task as it is now
mutated.metadata.retries = 4
mutated.metadata.cache = True
mutated.metadata.cache_version = "late"
mutated.environment["LATE"] = "1"
mutated.container_image = "ghcr.io/acme/late:v3"
mutated.requests = Resources(cpu="3")
