"""The app of ``readtui compare --tui``: read-only, over a computed `Comparison`."""

from __future__ import annotations

from textual.app import App

from readtui.core.compare import Comparison
from readtui.core.config import Config
from readtui.tui.screens.comparison import MapScreen


class CompareApp(App):
    """The disagreement map of a comparison; enter shows a paragraph's readers side by side."""

    TITLE = "readtui compare"

    def __init__(self, comparison: Comparison, config: Config | None = None) -> None:
        super().__init__()
        self.comparison = comparison
        if config and config.theme and config.theme in self.available_themes:
            self.theme = config.theme

    def on_mount(self) -> None:
        self.push_screen(MapScreen(self.comparison))
