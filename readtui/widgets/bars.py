"""One-line bars: the essay header and the key hints."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class InfoBar(Static):
    """A one-line bar of plain (untrusted) text, updated without a layout."""

    DEFAULT_CSS = """
    InfoBar { height: 1; width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def show(self, *parts: Content | str) -> None:
        """Show parts side by side; strings are literal text, never markup."""
        line = Content("").join(part if isinstance(part, Content) else Content(part) for part in parts)
        self.update(line, layout=False)
