"""The paragraph pane: the current paragraph, wrapped at a comfortable reading width."""

from __future__ import annotations

from textual.content import Content

from readtui.widgets.lines import LineView

READING_WIDTH = 72


def wrap_text(text: str, width: int, style: str = "") -> list[Content]:
    """Word-wrap untrusted text to ``width`` cells; the text is never parsed as markup."""
    if not text:
        return []
    return Content.styled(text, style).wrap(max(width, 8))


class ParagraphView(LineView):
    """Shows one paragraph, its flag, staleness and note. Scrolls when it is long."""

    COMPONENT_CLASSES = {"paragraph--heading", "paragraph--flag", "paragraph--note"}
    DEFAULT_CSS = """
    ParagraphView {
        padding: 0 1;
        & > .paragraph--heading { color: $text-muted; text-style: bold; }
        & > .paragraph--flag { color: $warning; text-style: bold; }
        & > .paragraph--note { color: $text-muted; text-style: italic; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.heading = ""
        self.text = ""
        self.note = ""
        self.badges: list[str] = []

    def show(
        self, heading: str, text: str, *, note: str = "", badges: list[str] | None = None, scroll_home: bool = True
    ) -> None:
        """Show a paragraph (with a heading such as "¶ 3 / 6") and redraw."""
        self.heading, self.text, self.note, self.badges = heading, text, note, badges or []
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
        lines += wrap_text(self.text, width)
        if self.note:
            lines.append(Content(""))
            lines += wrap_text(f"Note: {self.note}", width, self.style_of("paragraph--note"))
        return lines
