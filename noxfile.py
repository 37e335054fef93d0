"""The only entry point for tests, lint, demo and benchmarks.

``nox`` with no arguments runs the whole matrix (the README's test command): core alone, each
plugin package with core, everything together, the flytekit compatibility suite and lint.
``nox -s demo`` runs the examples; ``nox -s bench`` measures against flytekit and Flyte 2.

Packages under ``packages/plugins/*`` and ``packages/resolvers/*`` join the matrix by
existing: each gets a ``plugin(name)`` session with core from this checkout and that package
only, and then with the lowest core the package declares (``featherkit>=X``, built from the
commit where core's version became X) when that is not this checkout's. A package that
needs a system program (a Redis server, a browser) says so in its pyproject.toml::

    [tool.featherkit.system-requires]
    redis-server = "redis-server"      # program = Debian package providing it

and the session installs it with apt when it is missing and we are root (as in CI).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nox

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - nox runs on 3.11 in CI
    import tomli as tomllib

ROOT = Path(__file__).parent
sys.path.insert(0, str(ROOT / "tools"))
import lowest_core  # noqa: E402 - the lowest declared core of each plugin (tools/)

CORE = ROOT / "packages" / "core"
FLYTEKIT_VERSION = "1.16.31"
FLYTE2_VERSION = "2.12.1"  # the Flyte 2 SDK (PyPI `flyte`), the bench's second peer

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["lint", "core", "plugin", "tests", "compat"]

# our own runs fail when a test leaves anything in the system temp dir (a user's do not)
TEST_ENV = {
    "FEATHERKIT_STRICT_PLUGINS": "1",
    "PYTHONHASHSEED": "random",
    "FEATHERKIT_LEFTOVERS": os.environ.get("FEATHERKIT_LEFTOVERS", "fail"),
}


def _pyproject(path: Path) -> dict:
    with open(path / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)


def plugin_packages() -> dict[str, Path]:
    """Every plugin and resolver package, by directory name, in a stable order."""
    found = {}
    for group in ("plugins", "resolvers"):
        for path in sorted((ROOT / "packages" / group).glob("*/pyproject.toml")):
            name = path.parent.name if group == "plugins" else f"resolver-{path.parent.name}"
            found[name] = path.parent
    return found


def _has_extra(path: Path, extra: str) -> bool:
    return extra in _pyproject(path).get("project", {}).get("optional-dependencies", {})


def _spec(path: Path, *extras: str) -> str:
    wanted = [e for e in extras if _has_extra(path, e)]
    return f"{path}[{','.join(wanted)}]" if wanted else str(path)


def _import_name(path: Path) -> str:
    src = path / "src"
    packages = [p.name for p in src.iterdir() if (p / "__init__.py").exists()]
    if len(packages) != 1:
        raise RuntimeError(f"{path}: expected one package under src/, found {packages}")
    return packages[0]


def ensure_system_programs(session: nox.Session, path: Path) -> None:
    needs = _pyproject(path).get("tool", {}).get("featherkit", {}).get("system-requires", {})
    missing = {program: package for program, package in needs.items()
               if shutil.which(program) is None}
    if not missing:
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        session.error(
            f"{path.name} needs {', '.join(missing)}; install the Debian package(s) "
            f"{' '.join(sorted(set(missing.values())))}"
        )
    session.log(f"installing {' '.join(sorted(set(missing.values())))} with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends",
         *sorted(set(missing.values()))],
        check=True, env=env,
    )


def _pytest(session: nox.Session, *paths: str) -> None:
    session.run(
        "python", "-m", "pytest", *paths, *session.posargs,
        env=TEST_ENV,
    )


@nox.session(python="3.11")
def core(session: nox.Session) -> None:
    """Core alone, with no plugin installed."""
    session.install(_spec(CORE, "test"))
    session.run("python", "-c", "import featherkit, featherkit.base_task")
    _pytest(session, str(CORE / "tests"))


@nox.session(python="3.11")
@nox.parametrize("name", list(plugin_packages()))
def plugin(session: nox.Session, name: str) -> None:
    """One plugin or resolver package with core from this checkout, nothing else; then with
    the lowest core it declares (``featherkit>=X``), built from the commit of this repository
    where core's version became X, when X is not this checkout's version."""
    path = plugin_packages()[name]
    ensure_system_programs(session, path)
    session.install(_spec(CORE, "test"), _spec(path, "test"))
    _plugin_checks(session, path)
    lowest = lowest_core.declared_lowest(_pyproject(path))
    if lowest is None:
        session.error(f"{path.name}: its dependencies need a featherkit>=X bound")
    current = lowest_core.core_version((CORE / "pyproject.toml").read_text())
    if lowest_core._same_version(lowest, current):
        session.log(f"{path.name} declares featherkit>={lowest}: this checkout's core")
        return
    commit = lowest_core.commit_for_core_version(ROOT, lowest)
    if commit is None:
        session.error(
            f"{path.name} declares featherkit>={lowest}, but no commit of this repository "
            f"has core at version {lowest}"
        )
    old_core = lowest_core.export_core(ROOT, commit, Path(session.create_tmp()) / "lowest")
    session.log(f"{path.name}: again with featherkit {lowest} (commit {commit[:12]})")
    session.install("--reinstall", _spec(old_core, "test"), _spec(path, "test"))
    _plugin_checks(session, path)


def _plugin_checks(session: nox.Session, path: Path) -> None:
    session.run("python", "-c", f"import {_import_name(path)}")
    session.run("featherkit", "plugins")
    _pytest(session, str(path / "tests"))


@nox.session(python="3.11")
def tests(session: nox.Session) -> None:
    """Every package installed together: all unit tests plus the cross-package tests."""
    packages = plugin_packages()
    for path in packages.values():
        ensure_system_programs(session, path)
    session.install(_spec(CORE, "test"), *[_spec(p, "test", "all") for p in packages.values()])
    test_dirs = [str(CORE / "tests")] + [str(p / "tests") for p in packages.values()]
    _pytest(session, *test_dirs, str(ROOT / "tests"))


@nox.session(python="3.11")
def compat(session: nox.Session) -> None:
    """Wire compatibility with flytekit: same tasks, same protobuf; literals read both ways."""
    packages = plugin_packages()
    session.install(
        _spec(CORE, "test"), *[_spec(p, "compat") for p in packages.values()],
        f"flytekit=={FLYTEKIT_VERSION}",
    )
    _pytest(session, str(ROOT / "tests" / "compat"))


#: core's layers, top to bottom (``:`` joins modules of one layer, which may import each
#: other); a module may import only from its own layer and the layers below. Every module of
#: ``featherkit`` must be in a layer (``exhaustive``); a ``(name)`` layer may be missing.
CORE_LAYERS = (
    "cli",
    "packaging : testing : extend",
    "discovery",
    "loader",
    "workflow : entrypoint",
    "container : function_task : resolvers : serialization : template : map_resolver"
    " : template_resolver : targets",
    "base_task",
    "interface",
    "type_registry : flyte_error : values",
    "local : types",
    "context",
    "checkpoint",
    "cache : images : storage",
    "plugins : error_document",
    "hookspecs : errors : redact : docs : docstring : metadata : resources : security : _records"
    " : _entry_points : install_hints : _hookcall",
)

#: import edges allowed to close a cycle in core (lint passes with them listed; a new cycle
#: fails). None are left: a new entry needs a comment saying why the cycle cannot be broken.
KNOWN_CYCLES: tuple[str, ...] = ()


def _inside_one_package(edge: str) -> bool:
    """Both ends of ``a.b.c -> a.b.d`` in one subpackage of featherkit (no layer crossed)."""
    importer, imported = (side.strip().split(".") for side in edge.split("->"))
    return len(importer) > 2 and len(imported) > 2 and importer[1] == imported[1]


def _core_children(package: str) -> list[str]:
    """The modules and subpackages directly inside a core package (for contracts)."""
    root = CORE / "src" / Path(*package.split("."))
    names = [p.stem for p in root.glob("*.py") if p.stem != "__init__"]
    names += [p.name for p in root.iterdir() if (p / "__init__.py").exists()]
    return sorted(f"{package}.{name}" for name in names)


def import_contracts() -> str:
    """The import-linter configuration the lint session checks (generated, so that a new
    plugin package or core module is covered by existing):

    * plugin packages are independent of each other;
    * plugin packages import from core only ``featherkit``, ``featherkit.extend`` and
      ``featherkit.testing``;
    * core's modules keep their layers (:data:`CORE_LAYERS`);
    * no import cycles among core's modules at any depth, deferred imports included (type-only
      imports under ``TYPE_CHECKING`` are left out, as hookspecs need them).
    """
    plugins = [_import_name(path) for path in plugin_packages().values()]
    internals = [
        m for m in _core_children("featherkit")
        if m not in ("featherkit.extend", "featherkit.testing")
    ] + [m for m in _core_children("featherkit.testing")]
    lines = [
        "[importlinter]",
        "root_packages =",
        *[f"    {name}" for name in ["featherkit", *plugins]],
        "include_external_packages = False",
        "exclude_type_checking_imports = True",
        "",
    ]
    if len(plugins) > 1:
        lines += [
            "[importlinter:contract:plugins-independent]",
            "name = Plugin packages never import each other",
            "type = independence",
            "modules =",
            *[f"    {name}" for name in plugins],
            "",
        ]
    lines += [
        "[importlinter:contract:plugin-api]",
        "name = Plugins import only featherkit, featherkit.extend and featherkit.testing",
        "type = forbidden",
        "allow_indirect_imports = True",
        "source_modules =",
        *[f"    {name}" for name in plugins],
        "forbidden_modules =",
        *[f"    {name}" for name in internals],
        "",
        "[importlinter:contract:core-layers]",
        "name = Core keeps its layers",
        "type = layers",
        "containers = featherkit",
        "exhaustive = True",
        "layers =",
        *[f"    {layer}" for layer in CORE_LAYERS],
        "ignore_imports =",
        *[f"    {edge}" for edge in KNOWN_CYCLES if not _inside_one_package(edge)],
        "",
        "[importlinter:contract:core-acyclic]",
        "name = No import cycles in core",
        "type = acyclic_siblings",
        "ancestors = featherkit",
        "ignore_imports =",
        *[f"    {edge}" for edge in KNOWN_CYCLES],
        "",
    ]
    return "\n".join(lines)


@nox.session(python="3.11")
def lint(session: nox.Session) -> None:
    """ruff on everything; mypy (strict) on core and every plugin package's src; the import
    contracts of :func:`import_contracts` (import-linter)."""
    packages = plugin_packages()
    session.install(
        "ruff", "mypy", "import-linter>=2.2", _spec(CORE, "test"),
        *[_spec(p, "test") for p in packages.values()],
    )
    session.run("ruff", "check", ".")
    session.run("mypy")
    config = Path(session.create_tmp()) / "importlinter.ini"
    config.write_text(import_contracts())
    session.run("lint-imports", str(config))


@nox.session(python="3.11")
def demo(session: nox.Session) -> None:
    """The main job on the embedded defaults: the README's first command."""
    session.install(str(CORE), *[str(p) for p in plugin_packages().values()])
    session.run("python", str(ROOT / "examples" / "demo.py"), *session.posargs)


def _side_env(session: nox.Session, name: str, *requirements: str) -> str:
    """A separate virtualenv beside the session's (for the peer SDK, or core alone)."""
    location = ROOT / ".nox" / name
    python = location / "bin" / "python"
    uv = shutil.which("uv")
    if uv:
        if not python.exists():
            session.run(uv, "venv", "--quiet", "--python", "3.11", str(location), external=True)
        session.run(uv, "pip", "install", "--quiet", "--python", str(python), *requirements,
                    external=True)
    else:
        if not python.exists():
            session.run(sys.executable, "-m", "venv", str(location), external=True)
        session.run(str(python), "-m", "pip", "install", "--quiet", *requirements,
                    external=True)
    return str(python)


_COMPILE_SITE_PACKAGES = (
    "import compileall, site, sys; "
    "sys.exit(0 if all(compileall.compile_dir(d, quiet=1, workers=0) "
    "for d in site.getsitepackages()) else 1)"
)


@nox.session(python="3.11")
def bench(session: nox.Session) -> None:
    """featherkit against flytekit and Flyte 2, same workloads, alternating; writes
    docs/benchmarks.md and docs/benchmarks.json."""
    session.install(str(CORE), *[str(p) for p in plugin_packages().values()])
    flytekit = _side_env(session, "bench-flytekit", f"flytekit=={FLYTEKIT_VERSION}")
    # the frame rows need pandas and pyarrow, which flytekit does not depend on: a second
    # flytekit env for them, so that flytekit's footprint row stays flytekit's own
    flytekit_frames = _side_env(session, "bench-flytekit-frames",
                                f"flytekit=={FLYTEKIT_VERSION}", "pandas", "pyarrow")
    flyte = _side_env(session, "bench-flyte", f"flyte=={FLYTE2_VERSION}")
    core_only = _side_env(session, "bench-core-only", str(CORE))
    # a container image ships bytecode; without it every cold start measures the compiler
    # (and PYTHONDONTWRITEBYTECODE may be set), so every SDK is measured precompiled
    for python in ("python", flytekit, flytekit_frames, flyte, core_only):
        session.run(python, "-c", _COMPILE_SITE_PACKAGES, external=True, silent=True)
    session.run(
        "python", str(ROOT / "bench" / "run.py"),
        "--featherkit", "python", "--flytekit", flytekit, "--flyte", flyte,
        "--flytekit-frames", flytekit_frames, "--core-only", core_only,
        *session.posargs,
    )
