"""A pytest plugin: a test run leaves nothing in the system's temporary directory.

Two parts:

1. **Everything temporary goes under pytest's own temporary paths.** When the plugin is
   enabled, ``tempfile``'s directory and ``TMPDIR`` (which child processes inherit) point at a
   directory inside pytest's ``basetemp`` for the whole run. Whatever a test, featherkit or a
   library creates with :mod:`tempfile` lands there, and pytest cleans old basetemps itself.
   This is what used to leave 34 ``featherkit-*`` directories in ``/tmp`` per ``nox`` run:
   every local run of a task with a deck creates its execution's working directory
   (``ExecutionParameters.working_dir``, where the local ``deck.html`` goes) with
   ``tempfile.mkdtemp``, and it must outlive the run so the user can open the deck.

2. **A check.** The system's temporary directory is listed when the plugin is enabled and
   again when the session ends; an entry that appeared in between (other than pytest's own
   ``pytest-of-<user>``) fails the run (exit status 1), with the entries named in the summary.
   That catches anything writing to a hard-coded ``/tmp/...`` path.

Enable it from a ``conftest.py`` (it registers once, however many conftests ask)::

    from featherkit.testing.leftovers import start

    start()  # at import: conftests imported after this one already write under it


    def pytest_configure(config):
        from featherkit.testing.leftovers import enable

        enable(config)

or with ``-p featherkit.testing.leftovers`` (or as an installed pytest plugin), which starts
before any conftest is imported. Until the session starts (conftests importing libraries
that make temporary directories at import, as flytekit does), temporary files go to a
directory of the plugin's own, removed when pytest exits; from the session's start on, to
``<basetemp>/tmp``. The check runs only when
``FEATHERKIT_LEFTOVERS`` asks for it: ``fail`` (featherkit's own nox sessions set it) fails the
run, ``warn`` only reports (a machine where unrelated processes share ``/tmp``); unset or
``off``, as in a user's project, there is no check (the redirection stays).
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

#: entries of the system temp dir a run may create: pytest's own basetemp root, and this
#: plugin's early directory (its own, and those of other pytest runs at the same time)
IGNORED = ("pytest-of-*", "pytest-featherkit-*")


class _State:
    def __init__(self, system_tmp: Path, before: set[str], early: Path) -> None:
        self.system_tmp = system_tmp
        self.before = before
        self.early = early  # the plugin's own directory until the session starts
        self.private: Path | None = None  # <basetemp>/tmp once the session started
        self.previous_env = os.environ.get("TMPDIR")
        self.previous_temproot = os.environ.get("PYTEST_DEBUG_TEMPROOT")
        self.previous_tempdir = tempfile.tempdir
        self.leftovers: list[str] = []


_state: _State | None = None


def _mode() -> str:
    """``fail``, ``warn`` or ``off`` (the default: a user's own test run, where other
    processes may share ``/tmp``, is never failed by this check unless it asks for it)."""
    return os.environ.get("FEATHERKIT_LEFTOVERS", "off").strip().lower() or "off"


def _listing(directory: Path) -> set[str]:
    try:
        return set(os.listdir(directory))
    except OSError:
        return set()


def _point_at(directory: Path) -> None:
    os.environ["TMPDIR"] = str(directory)
    tempfile.tempdir = str(directory)


def start() -> None:
    """List the system temp dir and send temporary files elsewhere; idempotent."""
    global _state
    if _state is not None:
        return
    system_tmp = Path(tempfile.gettempdir()).resolve()
    before = _listing(system_tmp)
    early = Path(tempfile.mkdtemp(prefix="pytest-featherkit-", dir=system_tmp))
    _state = _State(system_tmp, before, early)
    # pytest computes its basetemp from tempfile's directory when first asked: keep it in the
    # system temp dir (pytest-of-<user>/pytest-<n>), not inside our early directory
    os.environ.setdefault("PYTEST_DEBUG_TEMPROOT", str(system_tmp))
    _point_at(early)


def enable(config: pytest.Config) -> None:
    """Register this module as a plugin of ``config`` (once) and start watching."""
    import sys

    start()
    module = sys.modules[__name__]
    if not config.pluginmanager.is_registered(module):
        config.pluginmanager.register(module, __name__)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests() -> None:
    # loaded with -p or as an installed plugin: before any conftest is imported
    start()


def pytest_configure(config: pytest.Config) -> None:
    start()


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """From here on, temporary files go under pytest's basetemp."""
    state = _state
    factory = getattr(session.config, "_tmp_path_factory", None)
    if state is None or state.private is not None or factory is None:
        return
    state.private = Path(factory.getbasetemp()) / "tmp"
    state.private.mkdir(parents=True, exist_ok=True)
    _point_at(state.private)


def _new_entries(state: _State) -> list[str]:
    new = sorted(_listing(state.system_tmp) - state.before)
    return [
        name for name in new
        if not any(fnmatch.fnmatch(name, pattern) for pattern in IGNORED)
        and state.system_tmp / name != state.early
    ]


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    state = _state
    if state is None or _mode() == "off":
        return
    state.leftovers = _new_entries(state)
    if state.leftovers and _mode() != "warn" and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    state = _state
    if state is None or not state.leftovers:
        return
    verdict = "warning" if _mode() == "warn" else "FAILED"
    terminalreporter.section(f"files left in {state.system_tmp} ({verdict})", red=True)
    for name in state.leftovers:
        terminalreporter.line(f"  {state.system_tmp / name}")
    terminalreporter.line(
        "tests must write under pytest's temporary paths (tmp_path, tmp_path_factory); "
        "tempfile already points there during the run"
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    global _state
    state, _state = _state, None
    if state is None:
        return
    for name, previous in (("TMPDIR", state.previous_env),
                           ("PYTEST_DEBUG_TEMPROOT", state.previous_temproot)):
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous
    tempfile.tempdir = state.previous_tempdir
    shutil.rmtree(state.early, ignore_errors=True)
