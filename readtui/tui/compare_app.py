"""The app of ``readtui compare --tui``: read-only, over a computed `Comparison`."""

from __future__ import annotations

from readtui.core.compare import Comparison
from readtui.core.config import Config
from readtui.tui.base import ReadtuiBaseApp, describe_checklist
from readtui.tui.screens.comparison import MapScreen


class CompareApp(ReadtuiBaseApp):
    """The disagreement map of a comparison; enter shows a paragraph's readers side by side."""

    TITLE = "readtui compare"

    def __init__(self, comparison: Comparison, config: Config | None = None) -> None:
        super().__init__(config)
        self.comparison = comparison

    def on_mount(self) -> None:
        self.push_screen(MapScreen(self.comparison))

    def checklist_info(self) -> list[str]:
        return describe_checklist(self.comparison.input.checklist)
