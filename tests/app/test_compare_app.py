"""``readtui compare --tui``: the disagreement map and the readers side by side, driven by keys (snapshots:
tests/snapshots/test_compare_snapshots.py)."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from readtui.tui.compare_app import CompareApp
from readtui.tui.screens.comparison import MapScreen, ReadersScreen


def cell_text(table: DataTable, row: int, column: int) -> str:
    return str(table.get_cell_at((row, column))).strip()


async def test_the_map_shows_each_paragraph_most_contested_first(comparison) -> None:
    app = CompareApp(comparison)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MapScreen)
        table = screen.query_one("#map", DataTable)
        assert table.row_count == 6
        assert len(table.columns) == 2 + len(comparison.map_items)
        expected = comparison.contested[0]
        assert cell_text(table, 0, 0) == str(expected.index)
        # every cell is the share of pairs that differ, as the report computes it
        for r, row in enumerate(screen.rows()):
            for c in range(len(comparison.map_items)):
                shown = cell_text(table, r, c + 2)
                if not row.pairs[c]:
                    assert shown == ""
                elif not row.disagreeing[c]:
                    assert shown == "·"
                else:
                    assert shown == f"{row.disagreeing[c] / row.pairs[c] * 100:.0f}"
        await pilot.press("s")
        assert [cell_text(table, r, 0) for r in range(6)] == ["1", "2", "3", "4", "5", "6"]
        await pilot.press("s")
        assert cell_text(table, 0, 0) == str(expected.index)


async def test_the_item_under_the_cursor_is_explained(comparison) -> None:
    app = CompareApp(comparison)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("right", "right", "right")
        text = str(app.screen.query_one("#item", Static).render())
        variable = comparison.map_items[1]
        assert text.startswith(f"2 {variable.key}: alpha ")
        assert "Ana [b]" in text  # literal, not markup


async def test_enter_opens_the_readers_side_by_side(comparison) -> None:
    app = CompareApp(comparison)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("right", "right", "enter")
        screen = app.screen
        assert isinstance(screen, ReadersScreen)
        row = comparison.contested[0]
        title = screen.query_one("#title")
        assert str(title.left).startswith(f"¶ {row.index} · Rapprochement")
        assert str(title.right).startswith("1 of 6 most contested first")  # what n and p follow
        answers = screen.query_one("#answers", DataTable)
        assert [str(c.label) for c in answers.columns.values()] == ["item", "Ana [b]", "Ben", "Chloé"]
        # the cursor starts on the item the map's cursor was on
        assert answers.cursor_row == 0
        first_item = comparison.map_items[0].key
        files = comparison.input.essays[0].files
        for column, file in enumerate(files, start=1):
            record = file.record(row.index)
            expected = record.answers.get(first_item, "unsure" if first_item in record.unsure else "—")
            if isinstance(expected, list):
                expected = "+".join(expected) or "none"
            assert cell_text(answers, 0, column) == str(expected)
        notes = str(screen.query_one("#notes", Static).render())
        assert "marked loaded-word" in notes
        await pilot.press("n")
        second = comparison.contested[1]
        assert str(title.left).startswith(f"¶ {second.index} · ")
        assert str(title.right).startswith("2 of 6 most contested first")
        await pilot.press("escape")
        assert isinstance(app.screen, MapScreen)


async def test_q_quits_from_the_map_and_goes_back_from_a_paragraph(comparison) -> None:
    app = CompareApp(comparison)
    async with app.run_test() as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, ReadersScreen)
        await pilot.press("q")
        assert isinstance(app.screen, MapScreen)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_a_markdown_paragraph_keeps_its_lines_side_by_side(tmp_path, critical_checklist) -> None:
    from readtui.core.compare import compare
    from readtui.core.corpus import load_comparison
    from readtui.core.essay import load_essay
    from tests.conftest import write_assessment

    essay_path = tmp_path / "essay.md"
    essay_path.write_text("# Title\n\n## Three claims\n\n- one **bold**\n- two\n", encoding="utf-8")
    files = [
        write_assessment(tmp_path / f"{reader}.toml", essay_path, critical_checklist, reader, {1: {"loaded-words": n}})
        for reader, n in (("ann", 1), ("ben", 4))
    ]
    comparison = compare(load_comparison([str(f) for f in files], essays=[load_essay(essay_path)]), bootstrap=0)
    app = CompareApp(comparison)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, ReadersScreen)
        text = str(app.screen.query_one("#text", Static).render())
        assert text.splitlines()[:3] == ["Three claims", "• one bold", "• two"]
