"""The app of ``readtui adjudicate``: settle the readers' disagreements into an answer key."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding

from readtui.core.adjudication import Adjudication
from readtui.core.config import Config
from readtui.tui.screens.adjudication import AdjudicationScreen
from readtui.core.storage import AssessmentWriter


class AdjudicateApp(App):
    """One disagreement at a time; the key is saved (atomically) after every decision."""

    TITLE = "readtui adjudicate"
    BINDINGS = [Binding("q,ctrl+q", "quit", "Save and quit", id="quit")]

    def __init__(self, adjudication: Adjudication, out: Path, config: Config | None = None) -> None:
        super().__init__()
        self.adjudication = adjudication
        self.out = out
        self.writer = AssessmentWriter()
        self.save_error: str | None = None
        self._quit_unsaved = False
        if config and config.theme and config.theme in self.available_themes:
            self.theme = config.theme

    def on_mount(self) -> None:
        self.push_screen(AdjudicationScreen(self.adjudication))

    def save(self) -> bool:
        """Write the key now; on failure keep the old file and say so."""
        try:
            self.writer.save(self.out, self.adjudication.key)
        except OSError as error:
            self.save_error = error.strerror or str(error)
            self.notify(f"{self.out}: {self.save_error}", title="Not saved", severity="error", markup=False)
            return False
        self.save_error = None
        return True

    async def action_quit(self) -> None:
        """Save and quit; if saving fails, quit only when asked again."""
        if self.save() or self._quit_unsaved:
            self.exit()
            return
        self._quit_unsaved = True
        self.notify("Press q again to quit without saving the last decisions.", severity="error", markup=False)
