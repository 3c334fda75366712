"""Markdown paragraphs rendered: the text the reader sees (and offsets and hashes cover), and its styles.

The rule is documented in ``docs/formats.md`` (section "Markdown"). In short: block markers
(``>``, list bullets) and inline markers (``**``, ``_``, backquotes, links) are removed; list items,
headings and a change between quoted and unquoted text each start a line of their own ("\\n");
every line is normalised like a plain-text paragraph. What the markers meant is kept as `Span`s.
Inline syntax is read by markdown-it-py (imported only for a paragraph that has some).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

Span = tuple[int, int, str]
"""(start, end, style) in code points of a rendered paragraph, end exclusive."""
STYLES = ("strong", "em", "code", "link", "quote", "heading", "marker")
"""The styles a span can have: "marker" is a list item's bullet or number."""
BULLETS = ("•", "◦")
"""A list item's bullet, and a nested item's."""
HEADING_LINE = re.compile(r"#{1,6} ")
"""How `parse_essay` puts a heading at the top of the paragraph that follows it."""

_QUOTE_MARKER = re.compile(r"[ \t]{0,3}> ?")
_LIST_ITEM = re.compile(r"(?P<indent>[ \t]*)(?:(?P<bullet>[-*+])|(?P<number>\d{1,9}[.)]))(?:[ \t]+|$)")
_INLINE_SYNTAX = re.compile(r"[*_`\\<\[]")
_INLINE_STYLES = {"strong_open": "strong", "em_open": "em", "link_open": "link"}


class _Line:
    __slots__ = ("heading", "marker", "parts", "quoted")

    def __init__(self, *, quoted: bool = False, marker: str = "", heading: bool = False) -> None:
        self.quoted, self.marker, self.heading = quoted, marker, heading
        self.parts: list[str] = []


def render_block(block: str, normalise: Callable[[str], str]) -> tuple[str, tuple[Span, ...]]:
    """One Markdown block as the paragraph text the reader sees, and its style spans.

    ``normalise`` turns the raw text of each line into one normalised line (`normalise_paragraph`).
    """
    text: list[str] = []
    spans: list[Span] = []
    length = 0
    for line in _block_lines(block):
        body, inline_spans = render_inline(normalise(" ".join(line.parts)))
        if not body:
            continue
        if text:
            text.append("\n")
            length += 1
        start = length
        if line.marker:
            text.append(line.marker + " ")
            spans.append((start, start + len(line.marker), "marker"))
            length += len(line.marker) + 1
        spans += [(length + s, length + e, style) for s, e, style in inline_spans]
        text.append(body)
        length += len(body)
        if line.heading or line.quoted:
            spans.append((start, length, "heading" if line.heading else "quote"))
    return "".join(text), tuple(spans)


def _block_lines(block: str) -> list[_Line]:
    """The block's lines as the reader sees them: a hard-wrapped line joins the one before it."""
    lines: list[_Line] = []
    current: _Line | None = None
    first_indent: int | None = None
    for raw in block.split("\n"):
        if heading := HEADING_LINE.match(raw):
            current = _Line(heading=True)
            current.parts.append(raw[heading.end() :])
            lines.append(current)
            current = None  # what follows a heading starts a line of its own
            continue
        line, quoted = raw, False
        while marker := _QUOTE_MARKER.match(line):
            line, quoted = line[marker.end() :], True
        if not line.strip():
            current = None  # a blank line inside a quote: what follows starts a line
            continue
        item = _LIST_ITEM.match(line)
        # A numbered line interrupts running text only as "1." (as in CommonMark): a hard-wrapped
        # sentence can put "2020. It" at the start of a line.
        if item and (item["bullet"] or current is None or current.marker or item["number"][:-1] == "1"):
            indent = len(item["indent"].expandtabs(4))
            first_indent = indent if first_indent is None else min(first_indent, indent)
            marker = item["number"] or BULLETS[indent > first_indent]
            current = _Line(quoted=quoted, marker=marker)
            lines.append(current)
            line = line[item.end() :]
        elif current is None or (quoted and not current.quoted):  # an unquoted line after a quote continues it
            current = _Line(quoted=quoted)
            lines.append(current)
        current.parts.append(line)
    return lines


@cache
def _parser() -> Any:
    from markdown_it import MarkdownIt  # only Markdown essays with inline syntax need it

    # No raw HTML and no entities: `<b>` and `&amp;` stay as they are written.
    return MarkdownIt("commonmark", {"html": False}).disable("entity")


def render_inline(text: str) -> tuple[str, list[Span]]:
    """One normalised line without its inline markers (``**``, ``_``, backquotes, links), and
    the spans they marked."""
    if not _INLINE_SYNTAX.search(text):
        return text, []
    pieces: list[str] = []
    spans: list[Span] = []
    _walk(_parser().parseInline(text)[0].children or [], pieces, spans, [])
    rendered = "".join(pieces)
    if not rendered.strip():
        return text, []  # nothing of the file may vanish: keep it as written
    if "  " in rendered or rendered[0] == " " or rendered[-1] == " ":
        rendered, spans = _squeeze(rendered, spans)
    return rendered, [(s, e, style) for s, e, style in spans if s < e]


def _squeeze(text: str, spans: list[Span]) -> tuple[str, list[Span]]:
    """Single spaces and no space at the ends, where removed markers left more (`a [](url) b`)."""
    kept = [i for i, ch in enumerate(text) if ch != " " or (0 < i < len(text) - 1 and text[i - 1] != " ")]
    if kept and text[kept[-1]] == " ":
        kept.pop()
    new_offset = [0] * (len(text) + 1)
    position = 0
    for i in range(len(text)):
        new_offset[i] = position
        if position < len(kept) and kept[position] == i:
            position += 1
    new_offset[len(text)] = position
    return "".join(text[i] for i in kept), [(new_offset[s], new_offset[e], style) for s, e, style in spans]


def _walk(tokens: list[Any], pieces: list[str], spans: list[Span], opened: list[tuple[str, int]]) -> None:
    length = sum(map(len, pieces))
    for token in tokens:
        kind = token.type
        if kind in _INLINE_STYLES:
            opened.append((_INLINE_STYLES[kind], length))
            continue
        if kind.endswith("_close") and opened:
            style, start = opened.pop()
            spans.append((start, length, style))
            continue
        if kind == "image":
            _walk(token.children or [], pieces, spans, opened)  # its description
            length = sum(map(len, pieces))
            continue
        if kind == "code_inline":
            piece = " ".join(token.content.split())
            spans.append((length, length + len(piece), "code"))
        elif kind in ("softbreak", "hardbreak"):
            piece = " "
        else:
            piece = token.content
        pieces.append(piece)
        length += len(piece)
