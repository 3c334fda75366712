"""HTML of the reports: one self-contained page (inline CSS, no scripts, no external assets) that
reads on a phone and prints well.

Every text in a page comes from other people's files (essays, notes, checklists, reader names):
it goes through `esc`, which escapes it for HTML text and attribute values alike and makes
control characters visible. Nothing here builds a URL from such text, so no `javascript:` link
can be made from it.
"""

from __future__ import annotations

import html

from readtui.core.errors import visible_controls

MARK_COLOURS = ("#f4b6b6", "#f7d98b", "#b9e4b0", "#b3d4f5", "#d9c2f0")
"""Highlight backgrounds, label by label in checklist order (round again after the fifth): light
enough to read black text on, distinct in print (pages print them: `print-color-adjust`)."""

BASE_CSS = """
:root { color-scheme: light; --ink: #1b1b1b; --muted: #5f5f5f; --rule: #d0d0d0; --accent: #1f5fa8; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 46rem; padding: 1rem; color: var(--ink); background: #fff;
       font: 1rem/1.55 Georgia, "Times New Roman", serif; -webkit-text-size-adjust: 100%; }
h1, h2, h3 { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; line-height: 1.25; }
h1 { font-size: 1.6rem; margin: 0.5rem 0; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid var(--rule); }
h3 { font-size: 1.05rem; }
.meta, .muted { color: var(--muted); }
.meta { font-family: system-ui, sans-serif; font-size: 0.9rem; }
table { border-collapse: collapse; width: 100%; font-family: system-ui, sans-serif; font-size: 0.9rem; }
th, td { border: 1px solid var(--rule); padding: 0.25rem 0.4rem; text-align: left; vertical-align: top; }
.scroll { overflow-x: auto; }
mark { color: inherit; padding: 0 0.05em; border-radius: 2px; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-after: avoid; }
  section, figure, tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  .no-print { display: none; }
}
"""


def esc(text: object) -> str:
    """Other people's text, safe in HTML text and in a quoted attribute value."""
    return html.escape(visible_controls(str(text)), quote=True)


def mark_colour(slot: int) -> str:
    """The background of highlight colour ``slot`` (labels take slots in checklist order)."""
    return MARK_COLOURS[slot % len(MARK_COLOURS)]


def page(title: str, body: str, css: str = "") -> str:
    """A whole HTML document: ``title`` is escaped here; ``body`` is HTML already escaped by the
    caller with `esc`; ``css`` is the report's own, after the base styles."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # No scripts, no requests: a report read from anywhere runs nothing and fetches nothing.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">\n"
        f"<title>{esc(title)}</title>\n<style>{BASE_CSS}{css}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
