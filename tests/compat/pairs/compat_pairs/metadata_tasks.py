"""Every TaskMetadata field, one task each, then all at once (featherkit side)."""

from datetime import timedelta

from featherkit import PythonFunctionTask, TaskMetadata, task


@task
def plain(a: int, b: int = 2) -> int:
    return a + b


@task(cache=True, cache_version="1.0")
def cached(a: int) -> int:
    return a


@task(cache=True, cache_version="2", cache_serialize=True)
def cached_serialized(a: int) -> int:
    return a


@task(cache=True, cache_version="3", cache_ignore_input_vars=("noise",))
def cached_ignoring(a: int, noise: str) -> int:
    return a


@task(retries=3)
def retried(a: int) -> int:
    return a


@task(interruptible=True)
def interruptible_on(a: int) -> int:
    return a


@task(interruptible=False)
def interruptible_off(a: int) -> int:
    return a


@task(deprecated="use plain instead")
def deprecated_task(a: int) -> int:
    return a


@task(timeout=90)
def timeout_seconds(a: int) -> int:
    return a


@task(timeout=timedelta(hours=1, seconds=5, microseconds=250))
def timeout_delta(a: int) -> int:
    return a


@task(pod_template_name="shared-template")
def pod_template_named(a: int) -> int:
    return a


@task(enable_deck=True)
def with_deck(a: int) -> int:
    return a


def labelled(a: int) -> int:
    return a


# featherkit's @task takes no labels/annotations (yet): TaskMetadata carries them, in both SDKs
# (keywords: the two PythonFunctionTask signatures order task_config and task_function apart)
labelled = PythonFunctionTask(
    task_config=None,
    task_function=labelled,
    metadata=TaskMetadata(labels={"team": "ml", "tier": "gold"}, annotations={"cost-center": "42"}),
)


@task(container_image="ghcr.io/acme/other:v2")
def own_image(a: int) -> int:
    return a


@task(
    cache=True,
    cache_version="9",
    cache_serialize=True,
    cache_ignore_input_vars=("b",),
    retries=2,
    interruptible=True,
    deprecated="old",
    timeout=timedelta(minutes=5),
    pod_template_name="tpl",
    enable_deck=True,
)
def everything(a: int, b: str) -> int:
    return a
