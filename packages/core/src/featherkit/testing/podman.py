"""A real podman for tests, kept inside one directory, with a busybox base image.

For plugins that build images or run containers (featherkit-imagespec, featherkit-container)
and want to test against a real engine without a registry or the network:
:func:`sandboxed_podman` points podman at configuration files under ``root`` (vfs storage
there, its ``TMPDIR`` there too, so nothing is written elsewhere), sets
``FEATHERKIT_IMAGE_BUILDER`` and ``FEATHERKIT_CONTAINER_ENGINE`` to ``podman`` so a docker on
the machine is not used, and imports the image :data:`BASE_IMAGE` from a root filesystem made
of the ``busybox-static`` binary. The engine settings are the ones a CI sandbox needs: runc as
the OCI runtime (crun cannot run under hybrid cgroups) and default ulimits no higher than the
sandbox's own (raising them is refused). A package whose tests use it declares ``podman``,
``runc`` and ``busybox-static`` under ``[tool.featherkit.system-requires]``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BASE_IMAGE = "localhost/featherkit-test-busybox:1"


def _busybox_rootfs(root: Path) -> Path:
    busybox = shutil.which("busybox")
    if busybox is None:
        raise RuntimeError(
            "busybox-static is required (pyproject: tool.featherkit.system-requires)"
        )
    bin_dir = root / "rootfs" / "bin"
    bin_dir.mkdir(parents=True)
    shutil.copy2(busybox, bin_dir / "busybox")
    applets = subprocess.run([busybox, "--list"], capture_output=True, text=True, check=True)
    for applet in applets.stdout.split():
        if applet != "busybox":
            (bin_dir / applet).symlink_to("busybox")
    (root / "rootfs" / "tmp").mkdir()
    archive = root / "rootfs.tar"
    subprocess.run(["tar", "-C", str(root / "rootfs"), "-cf", str(archive), "."], check=True)
    return archive


@contextmanager
def sandboxed_podman(root: Path) -> Iterator[str]:
    """Podman confined to ``root`` (an empty directory) for the ``with`` block; yields the
    name of the imported busybox base image. The environment is restored afterwards."""
    if shutil.which("podman") is None:
        raise RuntimeError("podman is required (pyproject: tool.featherkit.system-requires)")
    (root / "tmp").mkdir()
    (root / "containers.conf").write_text(
        '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n'
        f'[engine]\nruntime = "runc"\ntmp_dir = "{root / "libpod"}"\n'
    )
    (root / "storage.conf").write_text(
        f'[storage]\ndriver = "vfs"\ngraphroot = "{root / "graph"}"\n'
        f'runroot = "{root / "run"}"\n'
    )
    env = {
        "CONTAINERS_CONF": str(root / "containers.conf"),
        "CONTAINERS_STORAGE_CONF": str(root / "storage.conf"),
        "TMPDIR": str(root / "tmp"),
        "FEATHERKIT_IMAGE_BUILDER": "podman",
        "FEATHERKIT_CONTAINER_ENGINE": "podman",
    }
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        archive = _busybox_rootfs(root)
        subprocess.run(["podman", "import", str(archive), BASE_IMAGE],
                       check=True, capture_output=True)
        yield BASE_IMAGE
    finally:
        subprocess.run(["podman", "rm", "--all", "--force"], capture_output=True, check=False)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
