"""One-line bars: the essay header and the key hints."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget


class InfoBar(Widget):
    """A one-line bar of plain (untrusted) text, never parsed as markup.

    The left part is cut with an ellipsis when the line is too narrow; the right part always shows.
    Updating it repaints the line without a layout.
    """

    DEFAULT_CSS = """
    InfoBar { height: 1; width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.left = Content("")
        self.right = Content("")

    def show(self, *parts: Content | str, right: Content | str = "") -> None:
        """Show ``parts`` side by side on the left and ``right`` at the right edge."""
        self.left = Content("").join(part if isinstance(part, Content) else Content(part) for part in parts)
        self.right = right if isinstance(right, Content) else Content(right)
        self.refresh()

    def render(self) -> Content:
        width = self.content_region.width
        room = max(width - self.right.cell_length - (2 if self.right.cell_length else 0), 1)
        left = self.left.truncate(room, ellipsis=True) if self.left.cell_length > room else self.left
        gap = max(width - left.cell_length - self.right.cell_length, 0)
        return left + Content(" " * gap) + self.right
