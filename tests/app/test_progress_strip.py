"""The progress strip of a long essay: each cell a group of paragraphs, shaded by how many of them
are complete; the groups' sizes must agree with what they hold, at any width."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from readtui.core.session import COMPLETE
from readtui.tui.widgets.progress import SHADES, ProgressStrip


class StripApp(App[None]):
    def __init__(self, count: int, states: dict[int, str]) -> None:
        super().__init__()
        self.strip = ProgressStrip(count, lambda: states)

    def compose(self) -> ComposeResult:
        yield self.strip


@pytest.mark.parametrize(("count", "width"), [(400, 80), (401, 80), (2000, 80), (20000, 120), (97, 80)])
async def test_every_paragraph_complete_fills_every_cell(count: int, width: int) -> None:
    """A cell of 7 paragraphs counted as 6 once overflowed the shades (IndexError at 80 columns)."""
    app = StripApp(count, dict.fromkeys(range(1, count + 1), COMPLETE))
    async with app.run_test(size=(width, 3)) as pilot:
        app.strip.show(count, f"{count}/{count} done")
        await pilot.pause()
        line = "".join(segment.text for segment in app.strip.render_line(0))
    cells = line.partition(" ")[0]
    assert set(cells) == {SHADES[-1]}, line


async def test_half_done_cells_are_shaded_by_how_many_are_complete() -> None:
    count = 400
    app = StripApp(count, {index: COMPLETE for index in range(1, count + 1) if index % 2})
    async with app.run_test(size=(80, 3)) as pilot:
        await pilot.pause()
        cells = "".join(segment.text for segment in app.strip.render_line(0)).partition(" ")[0]
    assert set(cells) <= {SHADES[2], SHADES[3]}, cells
