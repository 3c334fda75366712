"""``readtui compare --tui``: the disagreement map and the readers side by side, driven by keys (snapshots:
tests/snapshots/test_compare_snapshots.py)."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from readtui.core.compare import compare
from readtui.core.corpus import load_comparison
from readtui.tui.compare_app import CompareApp
from readtui.tui.screens.comparison import MapScreen, ReadersScreen
from tests.app.conftest import screen_text


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
        assert text.startswith("2 What kinds of evidence are given? · alpha ")
        assert "Ana [b]: " in text  # literal, not markup


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
        item = comparison.map_items[0].item
        assert cell_text(answers, 0, 0).endswith(item.prompt)
        titles = {option.id: option.label for option in item.options}
        files = comparison.input.essays[0].files
        for column, file in enumerate(files, start=1):
            record = file.record(row.index)
            expected = titles.get(record.answers.get(item.id), "unsure" if item.id in record.unsure else "—")
            assert cell_text(answers, 0, column) == expected
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


async def test_the_map_names_its_columns_when_they_fit_else_shows_a_legend(comparison) -> None:
    """At 160 columns each question stands above its column; at 80 they do not fit, and a legend
    below the map lists them by number, following the cursor. A resize decides again."""
    questions = [variable.item.prompt for variable in comparison.map_items]
    app = CompareApp(comparison)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        lines = screen_text(app).splitlines()
        header = next(n for n, line in enumerate(lines) if line.lstrip().startswith("¶  differ"))
        names = lines[header - len(questions) : header]
        for n, (line, question) in enumerate(zip(names, questions, strict=True), start=1):
            assert line.rstrip().endswith(f"╭ {question}"), line
            # the name's line goes down to its column's number in the map's header
            x = line.index("╭")
            assert lines[header][x - len(str(n)) + 1 : x + 1] == str(n)
            assert all(below[x] == "│" for below in names[n:])
        assert not app.screen.query_one("#legend-scroll").display

        await pilot.resize_terminal(80, 24)
        await pilot.press("right", "right", "right")
        text = screen_text(app)
        assert "╭" not in text
        assert app.screen.query_one("#legend-scroll").display
        legend = str(app.screen.query_one("#legend", Static).render()).splitlines()
        assert legend == [f"{n:>3} {question}" for n, question in enumerate(questions, start=1)]
        assert "  2 What kinds of evidence are given?" in text  # visible, not only in the widget
        await pilot.press("end")  # the last column: the legend scrolls to its question
        assert f" 12 {questions[-1]}" in screen_text(app)

        await pilot.resize_terminal(160, 50)
        assert "╭ Are the factual claims backed by evidence?" in screen_text(app)


async def test_the_readers_side_by_side_show_titles_and_the_whole_paragraph(comparison) -> None:
    """Every answer by its option's title, wrapped rather than cut, and the whole paragraph."""
    app = CompareApp(comparison)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("enter")
        row = comparison.contested[0]
        essay = comparison.input.essays[0]
        text = " ".join(screen_text(app).split())
        assert " ".join(essay.paragraph_text(row.index).split()) in text
        items = app.screen.items
        for file in essay.files:
            record = file.record(row.index)
            for item in items:
                value = record.answers.get(item.id)
                titles = {option.id: option.label for option in getattr(item, "options", [])}
                for option in value if isinstance(value, list) else [value]:
                    if option in titles:
                        assert titles[option] in text, (file.reader, item.id, option)
        # a reader who ticked several options: one title a line, none cut
        answers = app.screen.query_one("#answers", DataTable)
        many = max(
            (
                (len(value), r, c)
                for r, item in enumerate(items)
                for c, file in enumerate(essay.files, start=1)
                if isinstance(value := file.record(row.index).answers.get(item.id), list)
            ),
        )
        assert many[0] >= 3
        cell = answers.get_cell_at((many[1], many[2]))
        item = items[many[1]]
        ticked = essay.files[many[2] - 1].record(row.index).answers[item.id]
        assert str(cell).splitlines() == [next(o.label for o in item.options if o.id == v) for v in ticked]
        for item in items:
            assert item.prompt in text
        # narrower, the columns share the new width again
        await pilot.resize_terminal(80, 24)
        assert sum(column.get_render_width(answers) for column in answers.ordered_columns) <= 80


async def test_without_the_essay_the_excerpt_says_so(three_readers) -> None:
    comparison = compare(load_comparison([str(p) for p in three_readers]), bootstrap=0)
    app = CompareApp(comparison)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        text = str(app.screen.query_one("#text", Static).render())
        assert text.endswith("give the essay with --essay to read the whole paragraph)")


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
