"""A real podman, kept inside pytest's tmp directory, with a busybox base image.

``podman`` (session): podman configured by ``CONTAINERS_CONF``/``CONTAINERS_STORAGE_CONF``
files under a tmp directory (vfs storage there, ``TMPDIR`` there too, so nothing is written
elsewhere), ``FEATHERKIT_CONTAINER_ENGINE=podman`` so a docker on the machine is not used, and
the image ``localhost/featherkit-test-busybox:1`` imported from a root filesystem made of the
``busybox-static`` binary (no registry needed). The engine settings are the ones this
project's CI sandbox needs: runc as OCI runtime (crun cannot run with its hybrid cgroups)
and default ulimits no higher than the sandbox's own (raising them is refused).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

BASE_IMAGE = "localhost/featherkit-test-busybox:1"


def _busybox_rootfs(root: Path) -> Path:
    busybox = shutil.which("busybox")
    assert busybox, "busybox-static is required (pyproject: tool.featherkit.system-requires)"
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


@pytest.fixture(scope="session")
def podman(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    assert shutil.which("podman"), "podman is required (pyproject: tool.featherkit.system-requires)"
    root = tmp_path_factory.mktemp("podman")
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
