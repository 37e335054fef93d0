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

    def pytest_configure(config):
        from featherkit.testing.leftovers import enable

        enable(config)

or with ``-p featherkit.testing.leftovers``. ``FEATHERKIT_LEFTOVERS=warn`` reports leftovers
without failing (a machine where unrelated processes share ``/tmp``), ``=off`` disables the
check (the redirection stays).
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

#: entries of the system temp dir a run may create: pytest's own basetemp root
IGNORED = ("pytest-of-*",)

_STATE_KEY = "featherkit_leftovers"


class _State:
    def __init__(self, system_tmp: Path, before: set[str]) -> None:
        self.system_tmp = system_tmp
        self.before = before
        self.private: Path | None = None
        self.owned = False  # the private directory is ours to remove (not in basetemp)
        self.previous_env = os.environ.get("TMPDIR")
        self.previous_tempdir = tempfile.tempdir
        self.leftovers: list[str] = []


def _mode() -> str:
    return os.environ.get("FEATHERKIT_LEFTOVERS", "fail").strip().lower() or "fail"


def _listing(directory: Path) -> set[str]:
    try:
        return set(os.listdir(directory))
    except OSError:
        return set()


def _private_dir(config: pytest.Config) -> tuple[Path, bool]:
    factory = getattr(config, "_tmp_path_factory", None)
    if factory is not None:
        return Path(factory.getbasetemp()) / "tmp", False
    return Path(tempfile.mkdtemp(prefix="pytest-featherkit-tmp-")), True


def enable(config: pytest.Config) -> None:
    """Register this module as a plugin of ``config`` once, and start watching."""
    import sys

    module = sys.modules[__name__]
    manager = config.pluginmanager
    if not manager.is_registered(module):
        manager.register(module, __name__)
    if getattr(config, _STATE_KEY, None) is None:
        _start(config)


def _start(config: pytest.Config) -> None:
    system_tmp = Path(tempfile.gettempdir()).resolve()
    setattr(config, _STATE_KEY, _State(system_tmp, _listing(system_tmp)))
    if getattr(config, "_tmp_path_factory", None) is not None:
        _redirect(config)


def _redirect(config: pytest.Config) -> None:
    """Point tempfile and TMPDIR at ``<basetemp>/tmp`` (once pytest's factory exists)."""
    state: _State | None = getattr(config, _STATE_KEY, None)
    if state is None or state.private is not None:
        return
    state.private, state.owned = _private_dir(config)
    state.private.mkdir(parents=True, exist_ok=True)
    os.environ["TMPDIR"] = str(state.private)
    tempfile.tempdir = str(state.private)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    _redirect(session.config)


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    # loaded with -p or as an entry point: start here (enable() started already otherwise)
    if getattr(config, _STATE_KEY, None) is None:
        _start(config)


def _new_entries(state: _State) -> list[str]:
    after = _listing(state.system_tmp)
    new = sorted(after - state.before)
    return [
        name for name in new
        if not any(fnmatch.fnmatch(name, pattern) for pattern in IGNORED)
        and (state.system_tmp / name) != state.private
    ]


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    state: _State | None = getattr(session.config, _STATE_KEY, None)
    if state is None or _mode() == "off":
        return
    state.leftovers = _new_entries(state)
    if state.leftovers and _mode() != "warn" and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    state: _State | None = getattr(config, _STATE_KEY, None)
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
    state: _State | None = getattr(config, _STATE_KEY, None)
    if state is None:
        return
    setattr(config, _STATE_KEY, None)
    if state.previous_env is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = state.previous_env
    tempfile.tempdir = state.previous_tempdir
    if state.owned and state.private is not None:
        shutil.rmtree(state.private, ignore_errors=True)
