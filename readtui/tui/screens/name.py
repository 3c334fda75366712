"""The first screen of a served session (``readtui serve``): the student types their name."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static

from readtui.tui.messages import NameGiven
from readtui.tui.widgets.inputs import TaggedInput


class NameScreen(Screen[None]):
    """Ask the reader's name; the app opens (or resumes) their file, or says why it cannot."""

    CSS_PATH = "name.tcss"

    def __init__(self, essay_name: str) -> None:
        super().__init__()
        self.essay_name = essay_name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(f"readtui · {self.essay_name}"), classes="dialog-title")
            yield Static(Content("Your name, then enter (the same name again takes you back to your answers):"))
            yield TaggedInput(id="name", max_length=64)
            yield Static(id="problem")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(NameGiven(event.value))

    def show_problem(self, text: str) -> None:
        """Say why the name given cannot be used (plain text, never markup)."""
        self.query_one("#problem", Static).update(Content(text))
