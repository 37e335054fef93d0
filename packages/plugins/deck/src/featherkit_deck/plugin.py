"""The deck plugin's hook implementations (entry point ``deck = featherkit_deck.plugin``).

Kept light: importing it loads no renderer; pygments and markdown-it load only when a deck is
built at the end of an execution that makes one.
"""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeGuard

from featherkit.extend import hookimpl, redact_location
from featherkit_deck import hookspecs as featherkit_hookspecs

if TYPE_CHECKING:
    import logging

    from featherkit.extend import ExecutionParameters, Task
    from featherkit_deck.timeline import DeckRun

__all__ = ["DECK_FILE", "PATH_KEY", "featherkit_hookspecs"]


def _log() -> logging.Logger:
    """Logger ``featherkit.deck`` (:mod:`logging` loads at the first message only)."""
    import logging

    return logging.getLogger("featherkit.deck")

DECK_FILE = "deck.html"
#: ``params.attributes`` key holding where the deck of an execution was written.
PATH_KEY = "deck_path"
#: :data:`featherkit_deck.timeline.RUN_KEY`, spelled out: the timeline (and the deck fields)
#: are imported only by a task that makes a deck, not by every pod's start that loads this
#: plugin (a test checks the two are the same)
RUN_KEY = "featherkit_deck.run"


def _is_deck_run(run: Any) -> TypeGuard[DeckRun]:
    if run is None:  # no deck is being made: the timeline need not be imported
        return False
    from featherkit_deck.timeline import DeckRun

    return isinstance(run, DeckRun)


def _makes_deck(task: Task) -> bool:
    return bool(getattr(task.metadata, "generates_deck", False))


def _validate_deck_fields(value: Any) -> Any:
    """:func:`featherkit_deck.fields.validate_deck_fields`, imported when first used."""
    from featherkit_deck.fields import validate_deck_fields

    return validate_deck_fields(value)


@hookimpl
def register_task_arguments(register: Callable[..., None]) -> None:
    register("deck_fields", _validate_deck_fields)
    # core's own @task(enable_deck=...) needs a deck maker: this plugin is one
    register("enable_deck")


@hookimpl
def pre_execute(task: Task, params: ExecutionParameters) -> None:
    # (_makes_deck, inlined: this runs on every task call)
    if getattr(task.metadata, "generates_deck", False):
        from featherkit_deck.timeline import DeckRun

        params.attributes.setdefault(RUN_KEY, DeckRun())
        return
    options = getattr(task, "plugin_options", None)
    if options and "deck_fields" in options:
        warnings.warn(
            f"task {task.name!r} sets deck_fields but not enable_deck=True: no deck is written",
            UserWarning,
            stacklevel=2,
        )


@hookimpl
def post_execute(task: Task, params: ExecutionParameters, outputs: Any) -> None:
    run = params.attributes.get(RUN_KEY)
    if run is not None and _is_deck_run(run):  # (None first: the usual case, no call)
        run.executed = time.perf_counter()
        run.inputs_loaded = getattr(params, "inputs_loaded_at", None)


@hookimpl
def execution_finished(
    task: Task, params: ExecutionParameters, outputs: Any, error: BaseException | None
) -> None:
    run = params.attributes.get(RUN_KEY)
    if run is None or not _is_deck_run(run):
        if params.decks and not _makes_deck(task):
            warnings.warn(
                f"task {task.name!r} added {len(params.decks)} deck(s) but does not have "
                "enable_deck=True: no deck is written",
                UserWarning,
                stacklevel=2,
            )
        return
    run.finished = time.perf_counter()
    try:
        from featherkit_deck.build import build_deck

        page = build_deck(task, params, outputs, error, run)
        where = write_deck(params, page)
    except Exception as exc:
        _log().warning(
            "deck of task %r could not be written: %s: %s", task.name, type(exc).__name__, exc,
            exc_info=True,
        )
        return
    params.attributes[PATH_KEY] = where
    if params.output_prefix:
        _log().info("deck of task %r written to %s", task.name, redact_location(where))
    else:
        # WARNING so that `featherkit run` (logging at WARNING) shows where the deck is
        _log().warning("deck written to %s", redact_location(where))


def write_deck(params: ExecutionParameters, page: str) -> str:
    """Write the page atomically: under the output prefix in a container, else the working dir."""
    from featherkit import extend

    if params.output_prefix:
        where = extend.join(params.output_prefix, DECK_FILE)
    else:
        where = os.path.join(params.working_dir, DECK_FILE)
    extend.write_bytes(where, page.encode("utf-8"))
    return where
