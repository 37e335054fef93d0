"""Resource requests and limits (featherkit side)."""

from featherkit import Resources, task


@task(requests=Resources(cpu="1", mem="512Mi"))
def requests_only(a: int) -> int:
    return a


@task(limits=Resources(cpu="2", mem="1Gi", gpu="1", ephemeral_storage="10Gi"))
def limits_only(a: int) -> int:
    return a


@task(
    requests=Resources(cpu="500m", mem="256Mi", ephemeral_storage="1Gi"),
    limits=Resources(cpu="1", mem="512Mi", gpu="2"),
)
def requests_and_limits(a: int) -> int:
    return a
