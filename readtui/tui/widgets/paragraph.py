"""The paragraph pane: the current paragraph, wrapped at a comfortable reading width."""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Region
from textual.message import Message

from readtui.core.errors import visible_controls, visible_controls_in_lines
from readtui.core.markdown import STYLES, Span
from readtui.tui.widgets.lines import LineView

READING_WIDTH = 72
MARK_COLOURS = 5
"""Highlight colours; labels take them in checklist order, round again after the fifth."""


def wrap_offsets(text: str, width: int) -> list[tuple[int, int]]:
    """Word-wrap ``text`` (single spaces, as normalised paragraphs have) to ``width`` cells, as
    (start, end) code-point ranges of ``text``; the space at a line break belongs to no line.
    A "\n" (between the lines of a Markdown paragraph: list items, headings) always breaks."""
    if "\n" not in text:
        return _wrap_line(text, max(width, 8))
    ranges: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        ranges += [(start + offset, end + offset) for start, end in _wrap_line(line, max(width, 8))]
        offset += len(line) + 1
    return ranges


def _wrap_line(text: str, width: int) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    start = position = 0
    line_cells = 0
    for word in text.split(" "):
        cells = cell_len(word)
        if line_cells and line_cells + 1 + cells > width:
            ranges.append((start, position - 1))
            start, line_cells = position, 0
        while cells > width:  # a word longer than a line: split it
            cut = _cut_at_cells(word, width)
            ranges.append((position, position + cut))
            position, word = position + cut, word[cut:]
            start, cells = position, cell_len(word)
        line_cells += (1 if line_cells else 0) + cells
        position += len(word) + 1
    ranges.append((start, len(text)))
    return ranges


def _cut_at_cells(word: str, width: int) -> int:
    cells = 0
    for n, character in enumerate(word):
        cells += cell_len(character)
        if cells > width:
            return max(n, 1)
    return len(word)


def wrap_text(text: str, width: int, style: str = "") -> list[Content]:
    """Word-wrap untrusted text to ``width`` cells; the text is never parsed as markup."""
    if not text:
        return []
    return Content.styled(text, style).wrap(max(width, 8))


class ParagraphView(LineView, can_focus=True):
    """Shows one paragraph, its flag, staleness, highlights and note. Scrolls when it is long.

    With focus it is in selection mode: a caret moves over the text and a selection grows from
    it, by key or by dragging the mouse; `h` asks (`LabelRequested`) to highlight the selection.
    """

    BINDINGS = [
        Binding("left", "move(-1)", "Caret left", show=False),
        Binding("right", "move(1)", "Caret right", show=False),
        Binding("up", "move_line(-1)", "Caret up", show=False),
        Binding("down", "move_line(1)", "Caret down", show=False),
        Binding("shift+left", "move(-1, True)", "Select left", show=False),
        Binding("shift+right", "move(1, True)", "Select right", show=False),
        Binding("shift+up", "move_line(-1, True)", "Select up", show=False),
        Binding("shift+down", "move_line(1, True)", "Select down", show=False),
        Binding("w", "word(1)", "Select to the end of the next word", id="select-word", show=False),
        Binding("b", "word(-1)", "Select to the start of the previous word", id="select-word-back", show=False),
        Binding("h", "label", "Highlight the selection", id="highlight"),
        Binding("escape", "leave", "Leave selection mode", id="leave-selection"),
    ]

    class LabelRequested(Message):
        """Highlight ``text[start:end]``: the screen asks which label."""

        def __init__(self, start: int, end: int) -> None:
            super().__init__()
            self.start = start
            self.end = end

    class Left(Message):
        """Selection mode ended (escape)."""

    COMPONENT_CLASSES = {
        "paragraph--heading",
        "paragraph--flag",
        "paragraph--note",
        "paragraph--lead",
        "paragraph--overlap",
        "paragraph--key-found",
        "paragraph--key-missed",
        "paragraph--selection",
        "paragraph--caret",
        *(f"paragraph--mark-{slot}" for slot in range(MARK_COLOURS)),
        *(f"paragraph--md-{style}" for style in STYLES),
    }
    DEFAULT_CSS = """
    ParagraphView {
        padding: 0 1;
        & > .paragraph--heading { color: $text-muted; text-style: bold; }
        & > .paragraph--flag { color: $warning; text-style: bold; }
        & > .paragraph--note { color: $text-muted; text-style: italic; }
        & > .paragraph--lead { text-style: italic bold; }
        & > .paragraph--mark-0 { background: $error 35%; color: auto 90%; }
        & > .paragraph--mark-1 { background: $warning 35%; color: auto 90%; }
        & > .paragraph--mark-2 { background: $success 35%; color: auto 90%; }
        & > .paragraph--mark-3 { background: $primary 45%; color: auto 90%; }
        & > .paragraph--mark-4 { background: $secondary 45%; color: auto 90%; }
        & > .paragraph--overlap { text-style: bold underline; }
        & > .paragraph--key-found { color: $text-success; text-style: bold underline; }
        & > .paragraph--key-missed { color: $text-error; text-style: bold underline; }
        & > .paragraph--selection { text-style: reverse; }
        & > .paragraph--caret { text-style: reverse bold underline; }
        & > .paragraph--md-strong { text-style: bold; }
        & > .paragraph--md-em { text-style: italic; }
        & > .paragraph--md-code { color: $text-accent; }
        & > .paragraph--md-link { text-style: underline; }
        & > .paragraph--md-quote { color: $text-secondary; text-style: italic; }
        & > .paragraph--md-heading { color: $text-primary; text-style: bold; }
        & > .paragraph--md-marker { color: $text-accent; text-style: bold; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.heading = ""
        self.text = ""
        self.note = ""
        self.lead = ""
        """Shown before the text: the essay's subtitle, above ¶ 1."""
        self.badges: list[str] = []
        self.marks: list[tuple[int, int, int]] = []
        self.key_marks: list[tuple[int, int, bool]] = []
        """An answer key's highlights (training feedback): (start, end, whether the reader found it)."""
        self.spans: tuple[Span, ...] = ()
        """A Markdown paragraph's styles (bold, quote, heading...) as (start, end, style)."""
        self.caret: int | None = None
        """The caret's offset in the text while in selection mode, else None."""
        self.anchor: int | None = None
        """Where the selection started (it runs to the caret, both included), or None."""
        self._ranges: list[tuple[int, int]] = []
        self._text_row = 0

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected (start, end) offsets, end exclusive, or None."""
        if self.caret is None or self.anchor is None:
            return None
        return min(self.anchor, self.caret), max(self.anchor, self.caret) + 1

    def show(
        self,
        heading: str,
        text: str,
        *,
        note: str = "",
        lead: str = "",
        badges: list[str] | None = None,
        marks: list[tuple[int, int, int]] | None = None,
        key_marks: list[tuple[int, int, bool]] | None = None,
        spans: tuple[Span, ...] = (),
        scroll_home: bool = True,
    ) -> None:
        """Show a paragraph (with a heading such as "¶ 3 / 6") and redraw.

        ``lead`` comes before the text (the essay's subtitle, above ¶ 1); ``marks`` are highlights
        as (start, end, colour) in code points of ``text``; ``key_marks`` are an answer key's
        highlights as (start, end, found), underlined over them; ``spans`` style a Markdown paragraph.
        """
        if text != self.text:
            self.caret = 0 if self.caret is not None else None
            self.anchor = None
        self.heading, self.text, self.note, self.lead, self.badges = heading, text, note, lead, badges or []
        self.marks = marks or []
        self.key_marks = key_marks or []
        self.spans = spans
        if scroll_home:
            self.scroll_to(y=0, animate=False, immediate=True)
        self.rebuild()

    def build_lines(self, width: int) -> list[Content]:
        margin = Content(" " * max((width - READING_WIDTH) // 2, 0))
        return [margin + line for line in self._text_lines(min(width, READING_WIDTH))]

    def _text_lines(self, width: int) -> list[Content]:
        heading = Content.styled(self.heading, self.style_of("paragraph--heading"))
        for badge in self.badges:
            heading = heading + Content("  ") + Content.styled(badge, self.style_of("paragraph--flag"))
        lines = [*heading.wrap(width), Content("")]
        if self.lead:
            lines += wrap_text(visible_controls(self.lead), width, self.style_of("paragraph--lead"))
            lines.append(Content(""))
        self._text_row = len(lines)
        self._ranges = wrap_offsets(self.text, width)
        marked = self._marked_text()
        lines += [marked[start:end] for start, end in self._ranges]
        if self.note:
            lines.append(Content(""))
            lines += wrap_text(f"Note: {visible_controls_in_lines(self.note)}", width, self.style_of("paragraph--note"))
        return lines

    def _marked_text(self) -> Content:
        """The paragraph with its highlights; where two overlap, the text is also underlined.
        An answer key's highlights are underlined over them, in one colour if found, another if missed."""
        text = self._styled_text()
        covered = [0] * (len(self.text) + 1)
        for start, end, colour in self.marks:
            start, end = max(start, 0), min(end, len(self.text))
            if start < end:
                text = text.stylize(self.style_of(f"paragraph--mark-{colour % MARK_COLOURS}"), start, end)
                covered[start] += 1
                covered[end] -= 1
        depth, overlap_start = 0, None
        for offset, change in enumerate(covered):
            depth += change
            if depth > 1 and overlap_start is None:
                overlap_start = offset
            elif depth <= 1 and overlap_start is not None:
                text = text.stylize(self.style_of("paragraph--overlap"), overlap_start, offset)
                overlap_start = None
        for start, end, found in self.key_marks:
            start, end = max(start, 0), min(end, len(self.text))
            if start < end:
                text = text.stylize(self.style_of(f"paragraph--key-{'found' if found else 'missed'}"), start, end)
        if self.has_focus and self.selection is not None:
            text = text.stylize(self.style_of("paragraph--selection"), *self.selection)
        if self.has_focus and self.caret is not None and self.text:
            text = text.stylize(self.style_of("paragraph--caret"), self.caret, self.caret + 1)
        return text

    def _styled_text(self) -> Content:
        """The paragraph with its Markdown styles (under the highlights); never parsed as markup."""
        text = Content(self.text)
        for start, end, style in self.spans:
            text = text.stylize(self.style_of(f"paragraph--md-{style}"), start, end)
        return text

    # --- selection mode ------------------------------------------------------------------------

    def on_focus(self) -> None:
        if self.caret is None:
            self.caret = 0
        self.rebuild()

    def on_blur(self) -> None:
        self.rebuild()  # the caret and selection are only drawn with focus (a dialog may be on top)

    def _set_caret(self, offset: int, extend: bool) -> None:
        if not self.text:
            return
        if extend and self.anchor is None:
            self.anchor = self.caret
        elif not extend:
            self.anchor = None
        self.caret = max(0, min(offset, len(self.text) - 1))
        self.rebuild()
        row = self._text_row + self._line_of(self.caret)
        self.scroll_to_region(Region(0, row, 1, 1), animate=False, immediate=True)

    def _line_of(self, offset: int) -> int:
        for number, (_, end) in enumerate(self._ranges):
            if offset <= end:
                return number
        return len(self._ranges) - 1

    def action_move(self, delta: int, extend: bool = False) -> None:
        self._set_caret((self.caret or 0) + delta, extend)

    def action_move_line(self, delta: int, extend: bool = False) -> None:
        caret = self.caret or 0
        line = self._line_of(caret)
        target = max(0, min(line + delta, len(self._ranges) - 1))
        column = caret - self._ranges[line][0]
        start, end = self._ranges[target]
        self._set_caret(min(start + column, max(end - 1, start)), extend)

    def action_word(self, direction: int) -> None:
        """Extend the selection to the end of the next word (or the start of the previous one)."""
        text, caret = self.text, self.caret or 0
        if direction > 0:
            position = caret + 1
            while position < len(text) and text[position] in " \n":
                position += 1
            while position + 1 < len(text) and text[position + 1] not in " \n":
                position += 1
        else:
            position = caret - 1
            while position > 0 and text[position] in " \n":
                position -= 1
            while position > 0 and text[position - 1] not in " \n":
                position -= 1
        self._set_caret(position, extend=True)

    def action_label(self) -> None:
        selection = self.selection
        if selection is None:
            self.notify("Select some words first: shift+arrows, w or b, or drag with the mouse.", timeout=4)
            return
        self.post_message(self.LabelRequested(*selection))

    def action_leave(self) -> None:
        self.caret = self.anchor = None
        self.post_message(self.Left())

    def select(self, start: int, end: int) -> None:
        """Enter selection mode with ``text[start:end]`` selected (the caret on its last character)."""
        self.focus()
        self.anchor, self.caret = start, max(end - 1, start)
        self._set_caret(self.caret, extend=True)

    def clear_selection(self) -> None:
        """Keep the caret, drop the selection (after it was highlighted)."""
        self.anchor = None
        self.rebuild()

    # --- the mouse -------------------------------------------------------------------------------

    def offset_at(self, x: int, y: int) -> int | None:
        """The text offset under content cell (x, y) (padding excluded), if it is on the text."""
        line = y + self.scroll_offset.y - self._text_row
        if not 0 <= line < len(self._ranges):
            return None
        start, end = self._ranges[line]
        margin = max((self.line_width - READING_WIDTH) // 2, 0)
        column = x - margin
        cells = 0
        for offset in range(start, end):
            cells += cell_len(self.text[offset])
            if cells > column:
                return offset
        return max(end - 1, start)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        cell = event.get_content_offset(self)
        offset = None if cell is None else self.offset_at(cell.x, cell.y)
        if offset is None:
            return
        self.focus()
        self.caret, self.anchor = offset, offset
        self.capture_mouse()
        self.rebuild()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self.app.mouse_captured is self and self.anchor is not None:
            cell = event.get_content_offset_capture(self)
            offset = self.offset_at(cell.x, cell.y)
            if offset is not None and offset != self.caret:
                self.caret = offset
                self.rebuild()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self.app.mouse_captured is self:
            self.release_mouse()
            if self.anchor is not None and self.anchor != self.caret:
                self.action_label()
            elif self.anchor == self.caret:
                self.anchor = None
                self.rebuild()
