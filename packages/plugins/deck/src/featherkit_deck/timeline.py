"""The Timeline tab: when each phase of an execution ran, as a small inline SVG chart.

Phases come from the hooks the plugin sees: ``pre_execute`` (before inputs are read),
core's ``params.inputs_loaded_at`` mark (inputs converted), ``post_execute`` (the task's code
returned) and ``execution_finished`` (outputs converted); :func:`timeit` lets a task mark
spans of its own.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

#: ``params.attributes`` key of the :class:`DeckRun` of an execution that makes a deck.
RUN_KEY = "featherkit_deck.run"


@dataclass(frozen=True)
class Span:
    label: str
    start: float
    end: float
    kind: str = "phase"

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)


@dataclass
class DeckRun:
    """What the plugin records about one execution (lives on ``params.attributes``)."""

    started: float = field(default_factory=time.perf_counter)
    started_wall: float = field(default_factory=time.time)
    inputs_loaded: float | None = None
    executed: float | None = None
    finished: float | None = None
    marks: list[Span] = field(default_factory=list)

    def spans(self) -> list[Span]:
        end = self.finished if self.finished is not None else time.perf_counter()
        bounds = [("load inputs", self.inputs_loaded), ("execute", self.executed),
                  ("convert outputs", end)]
        phases = []
        start = self.started
        for label, stop in bounds:
            if stop is None:
                continue
            phases.append(Span(label, start, stop))
            start = stop
        return phases + sorted(self.marks, key=lambda s: s.start)


@contextmanager
def timeit(label: str) -> Iterator[None]:
    """Mark a span of a task's own work on its deck's timeline (a ``with`` block or decorator).

    Outside an execution that makes a deck it only runs the block.
    """
    from featherkit.extend import current_context

    run = current_context().attributes.get(RUN_KEY)
    start = time.perf_counter()
    try:
        yield
    finally:
        if isinstance(run, DeckRun):
            run.marks.append(Span(str(label), start, time.perf_counter(), kind="mark"))


def format_duration(seconds: float) -> str:
    if seconds < 1.0:
        return f"{seconds * 1000:.3g} ms"
    if seconds < 120:
        return f"{seconds:.3g} s"
    return f"{seconds / 60:.3g} min"


_ROW = 26
_LABEL = 200
_BAR = 470
_TOP = 24


def timeline_html(run: DeckRun) -> str:
    """An SVG Gantt chart of the spans and the same numbers as a table (for screen readers)."""
    from featherkit_deck.values import escape

    spans = run.spans()
    origin = run.started
    total = max([s.end for s in spans] + [origin]) - origin or 1e-9
    height = _TOP + _ROW * len(spans) + 8
    width = _LABEL + _BAR + 110
    parts = [
        f'<svg class="fk-timeline" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="Timeline of the execution">'
    ]
    for step in range(5):
        x = _LABEL + _BAR * step / 4
        parts.append(
            f'<line x1="{x:.1f}" y1="{_TOP - 6}" x2="{x:.1f}" y2="{height - 4}" '
            'class="fk-grid-line"/>'
            f'<text x="{x:.1f}" y="{_TOP - 10}" text-anchor="middle" class="fk-axis">'
            f"{escape(format_duration(total * step / 4))}</text>"
        )
    for row, span in enumerate(spans):
        y = _TOP + row * _ROW
        x = _LABEL + _BAR * (span.start - origin) / total
        w = max(1.5, _BAR * span.duration / total)
        label = span.label if len(span.label) <= 30 else span.label[:29] + "…"
        parts.append(
            f'<g class="fk-span fk-{escape(span.kind)}"><title>{escape(span.label)}: '
            f"{escape(format_duration(span.duration))}</title>"
            f'<text x="{_LABEL - 8}" y="{y + 16}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{_ROW - 8}" rx="3"/>'
            f'<text x="{x + w + 6:.1f}" y="{y + 16}" class="fk-duration">'
            f"{escape(format_duration(span.duration))}</text></g>"
        )
    parts.append("</svg>")
    started = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(run.started_wall))
    parts.append(
        f'<p class="fk-note">Started {escape(started)} UTC; {escape(format_duration(total))} '
        "from the first hook to the last.</p>"
        '<table class="fk-table fk-grid"><thead><tr><th>span</th><th>starts after</th>'
        "<th>duration</th></tr></thead><tbody>"
    )
    for span in spans:
        parts.append(
            f"<tr><td>{escape(span.label)}</td>"
            f"<td>{escape(format_duration(span.start - origin))}</td>"
            f"<td>{escape(format_duration(span.duration))}</td></tr>"
        )
    parts.append("</tbody></table>")
    return "".join(parts)
