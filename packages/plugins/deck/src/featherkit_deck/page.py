"""The deck page: one self-contained HTML document with inline CSS and a tiny tab switcher.

Nothing is fetched when the page is viewed (no CDN, fonts or images by URL). Without
JavaScript every tab shows, one under the other, with the tab bar as links to them; the
script turns that into a keyboard-accessible tab switcher (WAI-ARIA tabs pattern).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from featherkit_deck.values import escape


@dataclass(frozen=True)
class Tab:
    name: str
    body: str


CSS = """
:root { color-scheme: light; --fk-accent: #3a63c8; --fk-line: #d9dde5; --fk-muted: #5c6370; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #1d2129; background: #fff; }
header { padding: 16px 24px 10px; border-bottom: 1px solid var(--fk-line); background: #f7f8fa; }
header h1 { margin: 0 0 4px; font-size: 18px; font-weight: 600; word-break: break-all; }
.fk-meta { margin: 0; color: var(--fk-muted); font-size: 12.5px; }
.fk-status { display: inline-block; padding: 0 8px; border-radius: 10px; font-weight: 600;
  font-size: 12px; margin-right: 8px; }
.fk-status-ok { background: #dff3e4; color: #17692f; }
.fk-status-failed { background: #fbe2e2; color: #9b1c1c; }
nav { display: flex; gap: 2px; padding: 0 16px; border-bottom: 1px solid var(--fk-line);
  overflow-x: auto; background: #f7f8fa; }
nav a { padding: 9px 14px; color: var(--fk-muted); text-decoration: none; white-space: nowrap;
  border-bottom: 2px solid transparent; font-weight: 500; }
nav a:hover { color: #1d2129; }
nav a[aria-selected="true"] { color: var(--fk-accent); border-bottom-color: var(--fk-accent); }
nav a:focus-visible { outline: 2px solid var(--fk-accent); outline-offset: -2px; }
main { padding: 16px 24px 32px; }
section { margin-bottom: 28px; overflow-x: auto; }
.fk-js section { margin-bottom: 0; }
.fk-js .fk-panel-title { display: none; }
.fk-panel-title { font-size: 16px; margin: 0 0 10px; }
.fk-table { border-collapse: collapse; margin: 4px 0; font-size: 13px; }
.fk-table caption { text-align: left; color: var(--fk-muted); font-size: 12px; padding: 2px 0; }
.fk-table th, .fk-table td { border: 1px solid var(--fk-line); padding: 4px 8px;
  text-align: left; vertical-align: top; }
.fk-table thead th { background: #eef1f6; font-weight: 600; }
.fk-table tbody tr:nth-child(even) > * { background: #fafbfc; }
.fk-table .fk-table { font-size: 12.5px; }
.fk-kv > tbody > tr > th { font-weight: 500; background: #f4f6f9; }
.fk-io > tbody > tr > th { font-weight: 600; }
.fk-index { color: var(--fk-muted); text-align: right; }
.fk-text, .fk-scalar, .fk-key, code { font-family: ui-monospace, SFMono-Regular, Menlo,
  Consolas, monospace; font-size: 12.5px; }
.fk-text { white-space: pre-wrap; word-break: break-word; }
.fk-none, .fk-note { color: var(--fk-muted); }
.fk-note { font-size: 12.5px; }
.fk-error, .fk-failed { border: 1px solid #e3a5a5; background: #fdf1f1; color: #7a1414;
  border-radius: 4px; padding: 8px 12px; margin: 4px 0; }
.fk-error pre, .fk-failed pre { margin: 6px 0 0; white-space: pre-wrap; word-break: break-word;
  font-size: 12.5px; }
.fk-highlight { border: 1px solid var(--fk-line); border-radius: 4px; padding: 0 12px;
  background: #fbfbfd; overflow-x: auto; }
.fk-markdown table { border-collapse: collapse; }
.fk-markdown th, .fk-markdown td { border: 1px solid var(--fk-line); padding: 4px 8px; }
.fk-timeline { max-width: 100%; height: auto; font-size: 12px; }
.fk-timeline text { fill: #1d2129; }
.fk-timeline .fk-axis, .fk-timeline .fk-duration { fill: var(--fk-muted); font-size: 11px; }
.fk-timeline .fk-grid-line { stroke: var(--fk-line); }
.fk-timeline .fk-phase rect { fill: #5b82d6; }
.fk-timeline .fk-mark rect { fill: #e0952f; }
"""

SCRIPT = """
(function () {
  "use strict";
  var tabs = Array.prototype.slice.call(document.querySelectorAll('nav [role="tab"]'));
  if (!tabs.length) { return; }
  document.documentElement.classList.add("fk-js");
  function panelOf(tab) { return document.getElementById(tab.getAttribute("aria-controls")); }
  function select(tab, focus) {
    tabs.forEach(function (other) {
      var on = other === tab;
      other.setAttribute("aria-selected", on ? "true" : "false");
      other.tabIndex = on ? 0 : -1;
      panelOf(other).hidden = !on;
    });
    if (focus) { tab.focus(); }
  }
  tabs.forEach(function (tab, i) {
    tab.addEventListener("click", function (event) {
      event.preventDefault();
      select(tab, false);
    });
    tab.addEventListener("keydown", function (event) {
      var next = null, n = tabs.length;
      if (event.key === "ArrowRight") { next = tabs[(i + 1) % n]; }
      else if (event.key === "ArrowLeft") { next = tabs[(i + n - 1) % n]; }
      else if (event.key === "Home") { next = tabs[0]; }
      else if (event.key === "End") { next = tabs[n - 1]; }
      if (next) { event.preventDefault(); select(next, true); }
    });
  });
  var wanted = tabs.filter(function (tab) {
    return tab.getAttribute("href") === window.location.hash;
  });
  select(wanted.length ? wanted[0] : tabs[0], false);
})();
"""


def page_html(
    title: str, status: str, meta: Sequence[str], tabs: Sequence[Tab], extra_css: str = ""
) -> str:
    """The whole document. ``title`` and ``meta`` are text (escaped here); tab bodies are HTML."""
    ok = status == "succeeded"
    nav = []
    panels = []
    for index, tab in enumerate(tabs):
        tab_id, panel_id = f"fk-tab-{index}", f"fk-panel-{index}"
        name = escape(tab.name)
        nav.append(
            f'<a role="tab" id="{tab_id}" href="#{panel_id}" aria-controls="{panel_id}" '
            f'aria-selected="{"true" if index == 0 else "false"}">{name}</a>'
        )
        panels.append(
            f'<section role="tabpanel" id="{panel_id}" aria-labelledby="{tab_id}" tabindex="0">'
            f'<h2 class="fk-panel-title">{name}</h2>{tab.body}</section>'
        )
    status_class = "fk-status-ok" if ok else "fk-status-failed"
    meta_text = " · ".join(escape(m) for m in meta)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}{extra_css}</style></head><body>"
        f'<header><h1>{escape(title)}</h1><p class="fk-meta"><span class="fk-status '
        f'{status_class}">{escape(status)}</span>{meta_text}</p></header>'
        f'<nav role="tablist" aria-label="Deck">{"".join(nav)}</nav>'
        f"<main>{''.join(panels)}</main><script>{SCRIPT}</script></body></html>\n"
    )
