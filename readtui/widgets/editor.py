"""The editor line: one Input for notes and text answers, shown only while editing."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static


class LineEditor(Horizontal):
    """Posts `Changed` on every keystroke and `Closed` on enter, escape or focus loss.

    The screen applies each change at once, so closing never discards anything.
    """

    DEFAULT_CSS = """
    LineEditor {
        height: 1;
        display: none;
        background: $boost;
        & > #editor-label { width: auto; max-width: 40%; color: $text-accent; text-style: bold; text-wrap: nowrap; text-overflow: ellipsis; }
        & > Input { border: none; height: 1; padding: 0 1; width: 1fr; }
    }
    """
    BINDINGS = [Binding("escape", "close", "Done", id="editor-done")]

    class Changed(Message):
        def __init__(self, value: str, item: Any | None) -> None:
            super().__init__()
            self.value = value
            self.item = item
            """The text item being answered, or None for a note."""

    class Closed(Message):
        """Editing ended."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.item: Any | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="editor-label", markup=False)
        yield Input(select_on_focus=False)

    def start(self, label: str, value: str, item: Any | None) -> None:
        """Show the editor with ``value`` and focus it."""
        self.item = item
        self.query_one("#editor-label", Static).update(Content(label))
        editor = self.query_one(Input)
        with editor.prevent(Input.Changed):
            editor.value = value
        editor.cursor_position = len(value)
        self.display = True
        editor.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(event.value, self.item))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_close()

    def on_input_blurred(self, event: Input.Blurred) -> None:
        event.stop()
        self.action_close()

    def action_close(self) -> None:
        if self.display:
            self.display = False
            self.post_message(self.Closed())
