"""Text answers and notes: written on several lines, saved as typed, and read back whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widget import Widget
from textual.widgets import TextArea

from readtui.core.assessment import Highlight
from readtui.core.essay import sample_essay_path
from readtui.core.launch import prepare_session
from readtui.tui.app import ReadtuiApp, make_app
from readtui.tui.screens.overall import OverallScreen
from readtui.tui.screens.training import ScoreScreen
from readtui.tui.widgets.checklist_view import ChecklistView
from readtui.tui.widgets.editor import LineEditor
from tests.app.conftest import screen_text
from tests.app.test_reading_app import open_app, quit_app
from tests.conftest import cli, open_training, read_toml, write_assessment, write_checklist

VERDICT = [
    "Argues that Iran and ISIS are enemies.",
    "Its best point is the record of Iranian advisers fighting ISIS, but most claims rest on unnamed officials.",
    "Worth reading, not believing.",
]
"""A verdict of three sentences, each on a line of its own."""


def region_lines(app: ReadtuiApp, widget: Widget) -> list[str]:
    """What the terminal shows where ``widget`` is, one string per row."""
    region = widget.region
    rows = screen_text(app).splitlines()[region.y : region.bottom]
    return [row[region.x : region.right] for row in rows]


def words(lines: list[str]) -> str:
    return " ".join(" ".join(lines).split())


async def type_fast(app: ReadtuiApp, pilot, *keys: str) -> None:
    """Keys sent in one burst, as a fast typist sends them, then handled."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))
    await pilot.pause(0.5)


async def to_overall_item(app: ReadtuiApp, pilot, item_id: str) -> ChecklistView:
    """The overall screen, its cursor on item ``item_id``."""
    await pilot.press("o")
    assert isinstance(app.screen, OverallScreen)
    view = app.screen.query_one(ChecklistView)
    view.move_cursor(to=next(n for n, item in enumerate(view.items) if item.id == item_id))
    await pilot.pause()
    return view


@pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])
async def test_a_text_answer_takes_several_lines_and_the_overall_screen_shows_it_whole(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    out = tmp_path / "a.toml"
    app = open_app(None, out)
    typed = f"{VERDICT[0]}\n{VERDICT[1]}\n{VERDICT[2]}"
    async with app.run_test(size=size) as pilot:
        view = await to_overall_item(app, pilot, "summary")
        await pilot.press("enter")
        await type_fast(app, pilot, *VERDICT[0], "enter", *VERDICT[1], "enter", *VERDICT[2])
        assert app.session.assessment.overall.answers["summary"] == typed, "enter starts a new line"
        await pilot.press("escape")
        assert not app.screen.editing
        await pilot.pause()
        shown = region_lines(app, view)
        assert words(typed.splitlines()) in words(shown), "the whole answer, wrapped"
        assert not any("…" in line for line in shown)
        assert all(any(line.strip().startswith(first) for line in shown) for first in ("Its best", "Worth reading")), (
            "each line of the answer starts a line"
        )
        await quit_app(app, pilot)
    assert read_toml(out)["overall"]["answers"]["summary"] == typed
    assert cli("validate", out).exit_code == 0

    again = open_app(None, out)
    async with again.run_test(size=size) as pilot:
        await to_overall_item(again, pilot, "summary")
        await pilot.press("enter", "enter", *"More.", "escape")
        await quit_app(again, pilot)
    assert read_toml(out)["overall"]["answers"]["summary"] == typed + "\nMore.", "resumed at the end of the text"


@pytest.mark.parametrize("item_id", ["main-claim", "would-convince"])
async def test_the_editor_shows_the_whole_prompt_at_80_columns_and_fits_24_rows(tmp_path: Path, item_id: str) -> None:
    app = open_app(None, tmp_path / "a.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        view = await to_overall_item(app, pilot, item_id)
        prompt = view.current_item.prompt
        await pilot.press("enter", *"One line.", "enter", *"Another.")
        editor = app.screen.query_one(LineEditor)
        area = editor.query_one(TextArea)
        assert prompt in words(region_lines(app, editor))
        assert words(region_lines(app, area)).startswith("╭"), "the text area is drawn whole"
        assert "One line." in region_lines(app, area)[1] and "Another." in region_lines(app, area)[2]
        keys = app.screen.query_one("#keys")
        assert area.region.bottom <= keys.region.y, "the editor stays above the key bar"
        assert "escape when done" in screen_text(app).splitlines()[-1]
        assert view.region.height >= 5, "the checklist stays in view above the editor"
        await pilot.press("escape")
        await quit_app(app, pilot)


async def test_a_note_on_the_essay_is_written_on_several_lines_and_shown_on_the_overall_screen(tmp_path: Path) -> None:
    out = tmp_path / "a.toml"
    app = open_app(None, out)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("o", "t", *"Check the figures.", "enter", *"Ask about the sources.", "escape")
        summary = app.screen.query_one("#summary")
        shown = region_lines(app, summary)
        assert [line.strip() for line in shown[:3]] == [
            "Your note on the essay",
            "Check the figures.",
            "Ask about the sources.",
        ]
        await quit_app(app, pilot)
    assert read_toml(out)["overall"]["note"] == "Check the figures.\nAsk about the sources."


async def test_the_editor_stays_open_while_the_terminal_is_away(tmp_path: Path) -> None:
    """Switching to another window (the terminal loses focus) does not end editing: the reader
    comes back to the editor, typing into the same answer."""
    out = tmp_path / "a.toml"
    app = open_app(None, out)
    async with app.run_test() as pilot:
        await to_overall_item(app, pilot, "main-claim")
        await pilot.press("enter", *"Iran acts")
        app.post_message(events.AppBlur())
        await pilot.pause()
        app.post_message(events.AppFocus())
        await pilot.pause()
        assert app.screen.editing
        await pilot.press(*" alone", "escape")
        assert app.session.assessment.overall.answers["main-claim"] == "Iran acts alone"
        await quit_app(app, pilot)


async def test_an_answer_typed_just_before_the_editor_moves_on_lands_in_its_own_item(tmp_path: Path) -> None:
    """Keys in one burst over two text items: each text goes to its own item, even when the
    editor has closed and opened again before the first change is handled."""
    out = tmp_path / "a.toml"
    app = open_app(None, out)
    async with app.run_test() as pilot:
        await to_overall_item(app, pilot, "main-claim")
        await type_fast(app, pilot, "enter", *"first", "escape", "j", "enter", *"second", "escape")
        answers = app.session.assessment.overall.answers
        assert (answers.get("main-claim"), answers.get("would-convince")) == ("first", "second")
        await quit_app(app, pilot)


async def test_control_characters_in_a_text_answer_or_note_are_shown_not_sent(
    tmp_path: Path, critical_checklist
) -> None:
    """Line breaks and tabs are kept; escape sequences from a file are drawn as symbols, in the
    checklist, in the note, and in the editors (several lines, and one)."""
    essay = sample_essay_path()
    out = write_assessment(
        tmp_path / "a.toml",
        essay,
        critical_checklist,
        "tester",
        {1: {}},
        overall={"main-claim": "Red \x1b[31malert\x1b[0m\n\tand a bell \x07"},
        note={1: "Note \x1b[2J"},
        highlight={1: [Highlight(start=0, end=5, label="loaded-word", quote="These", note="Why \x1b[2J")]},
    )
    app = open_app(essay, out)
    async with app.run_test(size=(100, 30)) as pilot:
        shown = [screen_text(app)]
        await pilot.press("t")
        shown.append(screen_text(app))
        await pilot.press("escape", "m", "e")
        shown.append(screen_text(app))
        await pilot.press("escape")
        await to_overall_item(app, pilot, "main-claim")
        shown.append(screen_text(app))
        await pilot.press("enter")
        shown.append(screen_text(app))
        await pilot.press("escape")
        await quit_app(app, pilot)
    assert all("\x1b" not in text and "\x07" not in text for text in shown), "control characters reach the terminal"
    assert "Note ␛[2J" in shown[0] and "Note ␛[2J" in shown[1], "the note, and the note in the editor"
    assert "Why ␛[2J" in shown[2], "a highlight's note in its one-line editor"
    assert "Red ␛[31malert␛[0m" in shown[3] and "Red ␛[31malert␛[0m" in shown[4]
    assert "and a bell ␇" in shown[3], "the second line, its tab kept as space"
    assert read_toml(out)["overall"]["answers"]["main-claim"] == "Red \x1b[31malert\x1b[0m\n\tand a bell \x07", (
        "showing it changes nothing"
    )


async def test_the_essay_feedback_shows_both_text_answers_line_by_line(
    tmp_path: Path, small_essay_file: Path, critical_checklist
) -> None:
    key = write_assessment(
        tmp_path / "key.toml",
        small_essay_file,
        critical_checklist,
        "teacher",
        {1: {"claims-supported": "no"}},
        overall={"main-claim": "The other side is a regime.\nSo talks are pointless."},
    )
    app = open_training(small_essay_file, key, tmp_path / "learner.toml")
    async with app.run_test(size=(100, 40)) as pilot:
        session = app.session
        for index in range(1, session.paragraph_count + 1):
            for item in (i for i in critical_checklist.items.values() if i.scope == "paragraph" and i.required):
                session.toggle_unsure(index, item.id)
        for item in session.before_items:
            session.toggle_unsure("before", item.id)
        view = await to_overall_item(app, pilot, "credibility")
        await pilot.press("2", "j", "enter", *"Partisan.", "escape")
        view.move_cursor(to=0)
        await pilot.press("enter", *"Iran helps Iraq.", "enter", *"Not ISIS.", "escape", "d")
        assert isinstance(app.screen, ScoreScreen)
        lines = [line.strip() for line in str(app.screen.query_one("#score").render()).splitlines()]
        await pilot.press("q")
        await pilot.pause()
    app.prepared.close()
    start = lines.index("you: Iran helps Iraq.")
    assert lines[start + 1] == "Not ISIS.", "each line of the answer on its own line"
    assert lines[start + 2 : start + 4] == ["model answer: The other side is a regime.", "So talks are pointless."]


PARAGRAPH_TEXT_CHECKLIST = """\
format = "readtui-checklist/1"
id = "gist"
title = "Gist"
version = "1"

[[section]]
id = "s"
title = "Each paragraph"

  [[section.item]]
  id = "gist"
  prompt = "The paragraph's point, in your words"
  kind = "text"
"""


async def test_the_overall_screen_lists_each_paragraphs_text_answer_whole(tmp_path: Path) -> None:
    checklist = write_checklist(tmp_path / "gist.toml", PARAGRAPH_TEXT_CHECKLIST)
    app = make_app(prepare_session(None, checklist_spec=str(checklist), reader="tester", out=tmp_path / "a.toml"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter", *"Iran stays out of it,", "enter", *"it says.", "escape")
        await pilot.press("n", "n", "enter", *"No source.", "escape", "o")
        shown = [line.strip() for line in region_lines(app, app.screen.query_one("#summary"))]
        await quit_app(app, pilot)
    item = shown.index("The paragraph's point, in your words")
    assert shown[item + 1 : item + 4] == ["¶ 1: Iran stays out of it,", "it says.", "¶ 3: No source."]


async def test_a_paste_is_kept_like_typing_in_both_editors(tmp_path: Path) -> None:
    """Several lines pasted into a note stay several lines; into a highlight's note (one line),
    the first line."""
    out = tmp_path / "a.toml"
    app = open_app(None, out)
    async with app.run_test() as pilot:
        await pilot.press("t")
        app.post_message(events.Paste("From the essay:\nsome allegations"))
        await pilot.press("escape", "v", "w", "h", "enter")  # highlight a word, then its note
        app.post_message(events.Paste("vague\nsecond line"))
        await pilot.press("escape")
        await quit_app(app, pilot)
    paragraph = read_toml(out)["paragraph"][0]
    assert paragraph["note"] == "From the essay:\nsome allegations"
    assert paragraph["highlight"][0]["note"] == "vague"
