"""The progress strip: one line showing every paragraph's state, however many there are."""

from __future__ import annotations

from collections.abc import Callable

from textual.content import Content
from textual.strip import Strip
from textual.widget import Widget

from readtui.core.session import COMPLETE, STARTED
from readtui.tui.widgets.lines import component_style

CELLS = {"unvisited": "·", STARTED: "▪", COMPLETE: "■", "flagged": "⚑"}
LEGEND = "Progress strip: · not started  ▪ started  ■ complete  ⚑ flagged; for long essays a cell is a group of paragraphs, shaded by how many are complete."
SHADES = " ░▒▓█"


class ProgressStrip(Widget):
    """A cell per paragraph when they fit; otherwise each cell is a bucket of paragraphs, shaded
    by how many of them are complete. The current paragraph (or bucket) is reversed."""

    COMPONENT_CLASSES = {
        "progress--started",
        "progress--complete",
        "progress--flagged",
        "progress--current",
        "progress--label",
    }
    DEFAULT_CSS = """
    ProgressStrip {
        height: 1;
        & > .progress--started { color: $text-warning; }
        & > .progress--complete { color: $text-success; }
        & > .progress--flagged { color: $text-error; text-style: bold; }
        & > .progress--current { text-style: reverse bold; }
        & > .progress--label { color: $text-muted; }
    }
    """

    def __init__(self, count: int, states: Callable[[], dict[int, str]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.count = count
        self.states = states
        """Returns the state of every paragraph that is not unvisited: started, complete or flagged."""
        self.position = 1
        self.summary = ""

    def show(self, position: int, summary: str) -> None:
        self.position, self.summary = position, summary
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        label = Content.styled(f" {self.summary}", component_style(self, "progress--label"))
        cells_width = max(width - label.cell_length - 1, 1)
        line = self._cells(cells_width) + label
        return Strip(line.render_segments(self.visual_style), line.cell_length).crop_extend(0, width, self.rich_style)

    def _cells(self, width: int) -> Content:
        style = {
            name: component_style(self, f"progress--{name}") for name in ("started", "complete", "flagged", "current")
        }
        states = self.states()
        parts = []
        if self.count <= width:
            for index in range(1, self.count + 1):
                state = states.get(index, "unvisited")
                cell = Content.styled(CELLS[state], style.get(state, ""))
                parts.append(cell.stylize(style["current"]) if index == self.position else cell)
            return Content("").join(parts)
        # Integers only: paragraph k (from 0) is in cell k * width // count, so cell c holds the
        # paragraphs from ceil(c * count / width) on, and its size agrees with what it holds.
        count = self.count
        buckets: list[list[str]] = [[] for _ in range(width)]
        for index, state in states.items():
            buckets[(index - 1) * width // count].append(state)
        current = (self.position - 1) * width // count
        for cell_index, bucket in enumerate(buckets):
            size = -(-(cell_index + 1) * count // width) + (cell_index * count // -width)
            done = bucket.count(COMPLETE) / size
            shade = SHADES[max(1, round(done * (len(SHADES) - 1)))] if bucket else "·"
            state = "flagged" if "flagged" in bucket else COMPLETE if done >= 1 else STARTED if bucket else ""
            cell = Content.styled(shade, style.get(state, ""))
            parts.append(cell.stylize(style["current"]) if cell_index == current else cell)
        return Content("").join(parts)
