"""Text helpers of the reports: figures, answers and other people's text as lines.

Names, titles, notes and quotes come from other people's files: `fit` and `wrap` make control
characters visible, `md` escapes what would change markdown's structure.
"""

from __future__ import annotations

import math
import textwrap
import unicodedata
from typing import Any

from readtui.core.assessment import Answers
from readtui.core.checklist import answer_label
from readtui.core.errors import visible_controls

WIDTH = 80
"""The terminal width the table reports fit."""


def fmt(value: float | None, digits: int = 2) -> str:
    """A figure for people: fixed digits, or an em dash when undefined (never 'nan')."""
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:.{digits}f}"


def percent(value: float | None) -> str:
    """A share as a whole percentage, or an em dash when undefined."""
    return "—" if value is None else f"{value:.0%}"


def split_items(count: int) -> str:
    """ "1 item split", "3 items split"."""
    return f"{count} item{'' if count == 1 else 's'} split"


def answer_text(record: Answers, item_id: str) -> str:
    """An answer as one line: options joined by '+', 'none', 'unsure', or '' when unanswered."""
    if item_id in record.unsure:
        return "unsure"
    value = record.answers.get(item_id)
    return "" if value is None else value_text(value)


def answer_title(record: Answers | None, item: Any) -> str:
    """An answer as a reader reads it: option titles, a number or the text; 'unsure'; '' when unanswered."""
    if record is None:
        return ""
    if item.id in record.unsure:
        return "unsure"
    value = record.answers.get(item.id)
    return "" if value is None else answer_label(item, value)


def value_text(value: Any) -> str:
    """A stored answer as one line: options joined by '+' ('none' for no option ticked)."""
    if isinstance(value, list):
        return "+".join(value) or "none"
    return str(value)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1 for ch in text)


def fit(text: str, width: int) -> str:
    """``text`` cut (with …) or padded to ``width`` terminal columns, control characters made visible."""
    text = visible_controls(text)
    if _width(text) <= width:
        return text + " " * (width - _width(text))
    cut = ""
    for ch in text:
        if _width(cut + ch) > width - 1:
            break
        cut += ch
    return cut + "…" + " " * (width - 1 - _width(cut))


def wrap(text: str, indent: int = 4) -> list[str]:
    """``text`` as lines of at most WIDTH columns, indented (control characters made visible); a word
    longer than that (a long path) gets a line of its own, whole."""
    return textwrap.wrap(
        visible_controls(text),
        WIDTH,
        initial_indent=" " * indent,
        subsequent_indent=" " * (indent + 2),
        break_on_hyphens=False,  # file names and item ids stay whole,
        break_long_words=False,  # even when longer than a line (a path under a deep directory)
    )


def md(text: str) -> str:
    """Text safe inside markdown (and a table cell): no structure, no HTML, one line."""
    text = visible_controls(text.replace("\n", " "))
    for ch in "\\`*_[]<>|#":
        text = text.replace(ch, "\\" + ch)
    return text
