"""The editor's several lines: a TextArea, imported and mounted on first use (not for the first frame)."""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.widgets import TextArea

from readtui.core.errors import visible_controls_in_lines
from readtui.tui.widgets.inputs import EditorKeys


class EditorTextArea(EditorKeys, TextArea):
    """Several lines, soft-wrapped: enter starts a new line, escape ends it."""

    DONE_KEYS = frozenset({"escape"})

    def __init__(self, text: str) -> None:
        super().__init__(text, soft_wrap=True, show_line_numbers=False, highlight_cursor_line=False)
        self.border_subtitle = Content("enter new line · escape done")

    @property
    def edited_text(self) -> str:
        return self.text

    def get_line(self, line_index: int) -> Text:
        """The line as shown: control characters (other than tabs) made visible, never sent raw."""
        return Text(visible_controls_in_lines(self.document.get_line(line_index)), end="", no_wrap=True)
