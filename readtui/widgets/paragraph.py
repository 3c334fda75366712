"""The paragraph pane: the current paragraph, wrapped at a comfortable reading width."""

from __future__ import annotations

from textual.content import Content

from readtui.widgets.lines import LineView

READING_WIDTH = 72
MARK_COLOURS = 5
"""Highlight colours; labels take them in checklist order, round again after the fifth."""


def wrap_text(text: str, width: int, style: str = "") -> list[Content]:
    """Word-wrap untrusted text to ``width`` cells; the text is never parsed as markup."""
    if not text:
        return []
    return Content.styled(text, style).wrap(max(width, 8))


class ParagraphView(LineView):
    """Shows one paragraph, its flag, staleness and note. Scrolls when it is long."""

    COMPONENT_CLASSES = {
        "paragraph--heading",
        "paragraph--flag",
        "paragraph--note",
        "paragraph--overlap",
        *(f"paragraph--mark-{slot}" for slot in range(MARK_COLOURS)),
    }
    DEFAULT_CSS = """
    ParagraphView {
        padding: 0 1;
        & > .paragraph--heading { color: $text-muted; text-style: bold; }
        & > .paragraph--flag { color: $warning; text-style: bold; }
        & > .paragraph--note { color: $text-muted; text-style: italic; }
        & > .paragraph--mark-0 { background: $error 35%; }
        & > .paragraph--mark-1 { background: $warning 35%; }
        & > .paragraph--mark-2 { background: $success 35%; }
        & > .paragraph--mark-3 { background: $primary 45%; }
        & > .paragraph--mark-4 { background: $secondary 45%; }
        & > .paragraph--overlap { text-style: bold underline; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.heading = ""
        self.text = ""
        self.note = ""
        self.badges: list[str] = []
        self.marks: list[tuple[int, int, int]] = []

    def show(
        self,
        heading: str,
        text: str,
        *,
        note: str = "",
        badges: list[str] | None = None,
        marks: list[tuple[int, int, int]] | None = None,
        scroll_home: bool = True,
    ) -> None:
        """Show a paragraph (with a heading such as "¶ 3 / 6") and redraw.

        ``marks`` are highlights as (start, end, colour) in code points of ``text``.
        """
        self.heading, self.text, self.note, self.badges = heading, text, note, badges or []
        self.marks = marks or []
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
        lines = [heading, Content("")]
        lines += self._marked_text().wrap(max(width, 8)) if self.text else []
        if self.note:
            lines.append(Content(""))
            lines += wrap_text(f"Note: {self.note}", width, self.style_of("paragraph--note"))
        return lines

    def _marked_text(self) -> Content:
        """The paragraph with its highlights; where two overlap, the text is also underlined."""
        text = Content(self.text)
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
        return text
