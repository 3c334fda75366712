"""The editor: shown only while editing, for a note, a text answer or an explanation; one line
(an Input) or several (a TextArea)."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from readtui.tui.widgets.inputs import EditorInput

ONE_LINE_HINTS = "typing: enter or escape when done · ctrl+s save · ctrl+q quit"
SEVERAL_LINES_HINTS = "typing: enter new line · escape when done · ctrl+s save · ctrl+q quit"


class LineEditor(Vertical):
    """Posts `Changed` on every change and `Closed` when editing ends (the end key, or focus
    moving away). Text answers and notes get several lines; a highlight's note and an
    explanation one.

    The screen applies each change at once, so closing never discards anything.
    """

    DEFAULT_CSS = """
    LineEditor {
        layout: horizontal;
        height: auto;
        display: none;
        background: $boost;
        & > #editor-label { width: auto; max-width: 40%; color: $text-accent; text-style: bold; text-wrap: nowrap; text-overflow: ellipsis; }
        & > EditorInput, & > EditorInput:focus { border: none; height: 1; padding: 0 1; width: 1fr; }
        & > EditorTextArea { display: none; }
        &.-several-lines {
            layout: vertical;
            & > #editor-label { width: 1fr; max-width: 100%; padding: 0 1; text-wrap: wrap; }
            & > EditorInput { display: none; }
            & > EditorTextArea, & > EditorTextArea:focus {
                display: block;
                height: auto;
                min-height: 5;
                max-height: 40vh;
                border: round $accent;
                border-subtitle-color: $text-muted;
            }
        }
    }
    """

    class Changed(Message):
        """The text is now ``value``; ``apply`` (given to `start`) stores it."""

        def __init__(self, value: str, apply: Callable[[str], bool]) -> None:
            super().__init__()
            self.value = value
            self.apply = apply

    class Closed(Message):
        """Editing ended."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._return_focus: Widget | None = None
        self._apply: Callable[[str], bool] = lambda value: False

    def compose(self) -> ComposeResult:
        yield Static(id="editor-label", markup=False)
        yield EditorInput(select_on_focus=False)

    @property
    def several_lines(self) -> bool:
        return self.has_class("-several-lines")

    @property
    def hints(self) -> Content:
        """The key bar while editing."""
        return Content(SEVERAL_LINES_HINTS if self.several_lines else ONE_LINE_HINTS)

    def start(self, label: str, value: str, apply: Callable[[str], bool], *, several_lines: bool = False) -> None:
        """Show the editor with ``value`` and focus it; each change is sent with ``apply``, so a
        change still on its way after the editor closed (or reopened) goes to the right place."""
        self._apply = apply
        self.set_class(several_lines, "-several-lines")
        self.query_one("#editor-label", Static).update(Content(label))
        editor: Widget
        if several_lines:
            from readtui.tui.widgets.text_area import EditorTextArea  # on first use: not for the first frame

            areas = self.query(EditorTextArea)
            if areas:
                editor = areas.first()
                editor.load_text(value)
            else:
                editor = EditorTextArea(value)
                self.mount(editor)  # keys typed meanwhile wait in its queue, after its mounting
            editor.move_cursor(editor.document.end)
        else:
            editor = self.query_one(EditorInput)
            editor.value = value
            editor.cursor_position = len(value)
        self._return_focus = self.screen.focused
        self.display = True
        self.screen.set_focus(editor)

    def report(self, before: str, after: str) -> None:
        """The text went from ``before`` to ``after`` (by a key or a paste): say so if it changed."""
        if after != before:
            self.post_message(self.Changed(after, self._apply))

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        # Not when the whole terminal lost focus: editing goes on when it comes back.
        if self.app.app_focus and event.widget is not self.screen.focused:
            self.action_close()

    def action_close(self) -> None:
        if self.display:
            self.display = False
            # Synchronously, so that keys already queued after the end key are commands again.
            self.screen.set_focus(self._return_focus)
            self.post_message(self.Closed())
