"""Environment (overlaid on the settings' env) and secret requests (featherkit side)."""

from featherkit import Secret, task


@task(environment={"B": "task", "SHARED": "task"})
def with_env(a: int) -> int:
    return a


@task(secret_requests=[Secret(group="db", key="password")])
def one_secret(a: int) -> int:
    return a


@task(
    secret_requests=[
        Secret(
            group="api",
            key="token",
            group_version="3",
            mount_requirement=Secret.MountType.ENV_VAR,
            env_var="API_TOKEN",
        ),
        Secret(group="certs", mount_requirement=Secret.MountType.FILE),
        Secret(group="any", key="k", mount_requirement=Secret.MountType.ANY),
    ],
    environment={"Z": "last", "A": "first"},
)
def secrets_and_env(a: int) -> int:
    return a
