"""Assembling the deck of one execution: the task's own decks, then the built-in fields.

Every tab is rendered on its own: an exception shows as an error box in that tab's place
(and in a table cell for a single value) and is logged as a warning; the page is still
written and the task's result is never affected.
"""

from __future__ import annotations

import importlib.metadata
import logging
import platform
import sys
import traceback
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from featherkit_deck.fields import DEFAULT_FIELDS, DeckField
from featherkit_deck.page import Tab, page_html
from featherkit_deck.renderers import HIGHLIGHT_CLASS, highlight_css, source_html
from featherkit_deck.timeline import DeckRun, timeline_html
from featherkit_deck.values import ValueRenderer, error_html, escape, type_name

if TYPE_CHECKING:
    from featherkit.extend import ExecutionParameters, Task

log = logging.getLogger("featherkit.deck")

#: ``params.attributes`` keys where core leaves the native inputs and outputs of an execution.
NATIVE_INPUTS = "native_inputs"
NATIVE_OUTPUTS = "native_outputs"


def deck_fields(task: Task) -> tuple[DeckField, ...]:
    options: Mapping[str, Any] = getattr(task, "plugin_options", None) or {}
    fields: tuple[DeckField, ...] = options.get("deck_fields", DEFAULT_FIELDS)
    return fields


def _guarded(task: Task, tab: str, render: Callable[[], str]) -> str:
    try:
        return render()
    except Exception as exc:
        log.warning(
            "deck of task %r: the %r tab could not be rendered: %s: %s",
            task.name, tab, type(exc).__name__, exc,
        )
        return error_html(f"{type(exc).__name__}: {exc}")


def _values_table(values: Mapping[str, Any], types: Mapping[str, Any]) -> str:
    renderer = ValueRenderer()
    rows = []
    for name, tp in types.items():
        if name in values:
            shown = renderer.cell(values[name], tp, 0)
        else:
            shown = '<span class="fk-note">(not available)</span>'
        rows.append(
            f'<tr><th scope="row">{escape(name)}</th><td><code>{escape(type_name(tp))}</code>'
            f"</td><td>{shown}</td></tr>"
        )
    return (
        '<table class="fk-table fk-io"><thead><tr><th>name</th><th>type</th><th>value</th>'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _inputs(task: Task, params: ExecutionParameters, error: BaseException | None) -> str:
    types = task.python_interface.inputs
    if not types:
        return '<p class="fk-note">This task has no inputs.</p>'
    values = params.attributes.get(NATIVE_INPUTS)
    if not isinstance(values, Mapping):
        why = "the execution failed before they were read" if error else "they were not recorded"
        return f'<p class="fk-note">The inputs are not available: {escape(why)}.</p>'
    return _values_table(values, types)


def _failure(error: BaseException) -> str:
    trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return (
        f'<div class="fk-failed" role="alert"><strong>The task failed</strong>'
        f"<pre>{escape(type(error).__name__)}: {escape(error)}</pre>"
        f"<details><summary>Traceback</summary><pre>{escape(trace)}</pre></details></div>"
    )


def _outputs(
    task: Task, params: ExecutionParameters, outputs: Any, error: BaseException | None
) -> str:
    if error is not None:
        return _failure(error)
    types = task.python_interface.outputs
    if not types:
        return '<p class="fk-note">This task has no outputs.</p>'
    if outputs is None and NATIVE_OUTPUTS not in params.attributes:
        return '<p class="fk-note">The task produced no outputs (IgnoreOutputs).</p>'
    values = {next(iter(types)): outputs} if len(types) == 1 else dict(zip(types, outputs))
    return _values_table(values, types)


def _source(task: Task) -> str:
    function = getattr(task, "task_function", None)
    return source_html(function if function is not None else type(task))


def _dependencies() -> str:
    found: dict[str, tuple[str, str]] = {}
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            found.setdefault(name.lower().replace("_", "-"), (name, dist.version))
    rows = "".join(
        f"<tr><td>{escape(name)}</td><td><code>{escape(version)}</code></td></tr>"
        for name, version in sorted(found.values(), key=lambda nv: nv[0].lower())
    )
    return (
        f'<p class="fk-note">Python {escape(platform.python_version())} '
        f"({escape(sys.implementation.name)}) on {escape(platform.platform())}; "
        f"{len(found)} distributions installed.</p>"
        '<table class="fk-table fk-grid"><thead><tr><th>distribution</th><th>version</th>'
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )


def _user_deck(deck: Any) -> Tab:
    name = getattr(deck, "name", None)
    label = name if isinstance(name, str) and name else repr(deck)
    try:
        body = deck.html
        if not isinstance(body, str):
            raise TypeError(f"deck {label!r} has html of type {type(body).__name__}, not str")
    except Exception as exc:
        log.warning("deck %r could not be rendered: %s: %s", label, type(exc).__name__, exc)
        body = error_html(f"{type(exc).__name__}: {exc}")
    return Tab(label, body)


def build_deck(
    task: Task,
    params: ExecutionParameters,
    outputs: Any,
    error: BaseException | None,
    run: DeckRun,
) -> str:
    """The deck page of one finished execution."""
    tabs = [_user_deck(deck) for deck in params.decks]
    renderers: dict[DeckField, Callable[[], str]] = {
        DeckField.INPUT: lambda: _inputs(task, params, error),
        DeckField.OUTPUT: lambda: _outputs(task, params, outputs, error),
        DeckField.SOURCE_CODE: lambda: _source(task),
        DeckField.TIMELINE: lambda: timeline_html(run),
        DeckField.DEPENDENCIES: _dependencies,
    }
    for field in deck_fields(task):
        tabs.append(Tab(field.value, _guarded(task, field.value, renderers[field])))
    extra_css = ""
    if any(f'class="{HIGHLIGHT_CLASS}"' in tab.body for tab in tabs):
        extra_css = highlight_css()
    execution = params.execution_id
    meta = [
        f"execution {execution.project}/{execution.domain}/{execution.name}",
        f"task type {task.task_type}",
    ]
    status = "succeeded" if error is None else "failed"
    return page_html(task.name, status, meta, tabs, extra_css)
