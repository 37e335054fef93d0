"""Image builders: what turns a build context into an image, found through a hook.

A builder is any object with the :class:`ImageBuilder` methods. Plugins register builders
with the ``register_image_builders`` hook this package declares
(:mod:`featherkit_imagespec.hookspecs`); this package registers three that drive a CLI:
``docker``, ``podman`` and ``buildah``, in that order, after the builders of other plugins.
The first *available* one builds unless a spec (``builder=``), the ``--builder`` option or
``FEATHERKIT_IMAGE_BUILDER`` names one.

The command lines (``IMG`` the image name, ``P`` the platform, ``DF`` the Dockerfile, ``CTX``
the context directory)::

    exists, local:   docker image inspect IMG | podman image exists IMG
                     | buildah inspect --type image IMG
    exists, remote:  docker manifest inspect IMG | podman manifest inspect IMG | (buildah: unknown)
    build:           <program> build --platform P -t IMG -f DF CTX
    push:            <program> push IMG            (only for a spec with a registry)

Extra arguments go after the program name from ``builder_options["args"]`` of the spec
(e.g. ``["--isolation", "chroot"]``); the environment (``CONTAINERS_CONF``,
``DOCKER_HOST``...) is passed through unchanged.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from featherkit_imagespec.spec import ImageSpecError

if TYPE_CHECKING:
    from featherkit_imagespec.dockerfile import BuildContext

BUILDER_ENV = "FEATHERKIT_IMAGE_BUILDER"
_NOT_FOUND = ("not found", "no such", "manifest unknown", "does not exist", "unknown:")


class ImageBuildError(ImageSpecError):
    """A builder failed; the message has its command line and the end of its output."""


@runtime_checkable
class ImageBuilder(Protocol):
    """What ``featherkit build`` needs of a builder."""

    name: str

    def available(self) -> bool:
        """Whether this builder can run here (its program is installed)."""

    def exists(self, image: str, *, remote: bool) -> bool | None:
        """Whether ``image`` exists (in its registry when ``remote``); ``None``: unknown."""

    def build(
        self,
        context: BuildContext,
        image: str,
        *,
        platform: str | None,
        push: bool,
        extra_args: Sequence[str],
        echo: Callable[[str], None],
    ) -> None:
        """Build ``image`` from ``context`` (and push it when ``push``); raise on failure."""


class CLIBuilder:
    """A builder driving a docker-compatible command line program."""

    def __init__(self, name: str, program: str) -> None:
        self.name = name
        self.program = program

    def __repr__(self) -> str:
        return f"CLIBuilder({self.name!r})"

    def _exe(self) -> str:
        found = shutil.which(self.program)
        if found is None:
            raise ImageBuildError(f"builder {self.name!r}: {self.program!r} is not on PATH")
        return found

    def available(self) -> bool:
        return shutil.which(self.program) is not None

    def exists_command(self, image: str, *, remote: bool) -> list[str] | None:
        if self.name == "docker":
            return ["image", "inspect", image] if not remote else ["manifest", "inspect", image]
        if self.name == "podman":
            return ["image", "exists", image] if not remote else ["manifest", "inspect", image]
        if remote:
            return None
        return ["inspect", "--type", "image", image]

    def exists(self, image: str, *, remote: bool) -> bool | None:
        args = self.exists_command(image, remote=remote)
        if args is None:
            return None
        done = subprocess.run(
            [self._exe(), *args], capture_output=True, text=True, check=False
        )
        if done.returncode == 0:
            return True
        message = (done.stderr or "").lower()
        if not remote or any(marker in message for marker in _NOT_FOUND):
            return False
        return None

    def build_command(
        self, context: BuildContext, image: str, platform: str | None, extra_args: Sequence[str]
    ) -> list[str]:
        command = [self._exe(), "build", *extra_args]
        if platform:
            command += ["--platform", platform]
        return [*command, "-t", image, "-f", str(context.dockerfile), str(context.directory)]

    def build(
        self,
        context: BuildContext,
        image: str,
        *,
        platform: str | None,
        push: bool,
        extra_args: Sequence[str],
        echo: Callable[[str], None],
    ) -> None:
        self._run(self.build_command(context, image, platform, extra_args), echo)
        if push:
            self._run([self._exe(), "push", image], echo)

    def _run(self, command: list[str], echo: Callable[[str], None]) -> None:
        echo("$ " + " ".join(command))
        tail: list[str] = []
        with subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            errors="replace",
        ) as process:
            assert process.stdout is not None
            for line in process.stdout:
                line = line.rstrip("\n")
                echo("  " + line)
                tail = [*tail[-19:], line]
            code = process.wait()
        if code != 0:
            raise ImageBuildError(
                f"builder {self.name!r} failed (exit status {code}): {' '.join(command)}\n"
                + "\n".join(tail)
            )


BUILTIN_BUILDERS = (
    CLIBuilder("docker", "docker"),
    CLIBuilder("podman", "podman"),
    CLIBuilder("buildah", "buildah"),
)


def registered_builders() -> dict[str, ImageBuilder]:
    """Every builder plugins register, in preference order (other plugins' first)."""
    from featherkit.extend import get_plugin_manager

    manager = get_plugin_manager()
    found: dict[str, ImageBuilder] = {}
    owners: dict[str, str] = {}
    caller = getattr(manager.pm.hook, "register_image_builders", None)
    if caller is None:
        raise ImageSpecError(
            "featherkit-imagespec's plugin is not loaded (see FEATHERKIT_PLUGINS and "
            "FEATHERKIT_DISABLE_PLUGINS), so no image builder is registered"
        )
    for impl in reversed(caller.get_hookimpls()):
        plugin = impl.plugin_name

        def register(builder: ImageBuilder, _plugin: str = plugin) -> None:
            if not isinstance(builder, ImageBuilder):
                raise ImageSpecError(
                    f"plugin {_plugin!r} registered {builder!r} as an image builder; it "
                    "needs name, available(), exists() and build()"
                )
            if builder.name in owners:
                raise ImageSpecError(
                    f"image builder {builder.name!r} is registered by both plugin "
                    f"{owners[builder.name]!r} and plugin {_plugin!r}"
                )
            owners[builder.name] = _plugin
            found[builder.name] = builder

        impl.function(register)
    own = {b.name for b in BUILTIN_BUILDERS}
    return {
        **{k: v for k, v in found.items() if k not in own},
        **{k: v for k, v in found.items() if k in own},
    }


def choose_builder(name: str | None = None, *, required: bool = True) -> ImageBuilder | None:
    """The builder named ``name`` (or by ``FEATHERKIT_IMAGE_BUILDER``), else the first
    available one. ``required``: raise when there is none, naming what was looked for."""
    builders = registered_builders()
    wanted = name if name not in (None, "", "default") else os.environ.get(BUILDER_ENV) or None
    if wanted is not None:
        builder = builders.get(wanted)
        if builder is None:
            raise ImageSpecError(
                f"image builder {wanted!r} is not registered; registered: "
                f"{', '.join(builders) or 'none'}"
            )
        if not builder.available():
            if not required:
                return None
            raise ImageSpecError(f"image builder {wanted!r} is not available here")
        return builder
    for builder in builders.values():
        if builder.available():
            return builder
    if required:
        raise ImageSpecError(
            "no image builder is available: install one of "
            f"{', '.join(builders) or 'docker, podman, buildah'} (looked for on PATH)"
        )
    return None
