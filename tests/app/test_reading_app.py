"""The app driven by keys through Pilot, checked against its state and the TOML it writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from readtui.core.assessment import BEFORE, ESSAY
from readtui.core.checklist import bundled_checklists
from readtui.core.config import Config
from readtui.core.errors import ReadtuiError
from readtui.core.launch import prepare_session
from readtui.tui.app import ReadtuiApp, make_app
from readtui.tui.keys import key_hints, key_rows
from readtui.tui.screens.overall import OverallScreen
from readtui.tui.screens.reading import ReadingScreen
from readtui.tui.widgets.checklist_view import ChecklistView
from readtui.tui.widgets.paragraph import ParagraphView
from tests.app.conftest import screen_text
from tests.conftest import read_toml, write_checklist

SIZES = [(120, 40), (80, 24)]


def open_app(essay: Path | None, out: Path, config: Config | None = None, **options) -> ReadtuiApp:
    """The app exactly as the CLI builds it."""
    return make_app(prepare_session(essay, checklist_spec=None, reader="tester", out=out, **options), config)


def answers_of(data: dict, index: int) -> dict:
    return next(p for p in data.get("paragraph", []) if p["index"] == index).get("answers", {})


def paragraph_lines(app: ReadtuiApp) -> str:
    view = app.screen.query_one(ParagraphView)
    return "\n".join(line.plain for line in view._lines)


async def quit_app(app: ReadtuiApp, pilot) -> None:
    await pilot.press("q")
    await pilot.pause()
    app.prepared.close()


@pytest.mark.parametrize("size", SIZES)
async def test_answers_on_several_paragraphs_are_saved(tmp_path: Path, size: tuple[int, int]) -> None:
    out = tmp_path / "alice.toml"
    app = open_app(None, out)
    async with app.run_test(size=size) as pilot:
        await pilot.press("2", "j", "1", "3")  # partly; multi: statistics + example
        await pilot.press("n", "3", "j", "0")  # ¶2: no, just asserted; none of these
        await pilot.press("n", "n", "f")  # ¶4 flagged
        await quit_app(app, pilot)
    data = read_toml(out)
    assert answers_of(data, 1) == {"claims-supported": "partly", "evidence-kinds": ["statistics", "example"]}
    assert answers_of(data, 2) == {"claims-supported": "no", "evidence-kinds": []}
    flagged = [p["index"] for p in data["paragraph"] if p["flagged"]]
    assert flagged == [4]
    assert data["session"]["position"] == 4
    assert data["reader"]["name"] == "tester"
    assert data["essay"]["paragraphs"] == 6


async def test_resume_restores_answers_and_position(tmp_path: Path) -> None:
    out = tmp_path / "a.toml"
    app = open_app(None, out)
    async with app.run_test() as pilot:
        await pilot.press("n", "n", "1")
        await quit_app(app, pilot)
    again = open_app(None, out)
    async with again.run_test() as pilot:
        assert again.session.position == 3
        assert "¶ 3 / 6" in screen_text(again)
        assert again.screen.query_one(ChecklistView).record.answers == {"claims-supported": "yes"}
        await pilot.press("p")
        assert again.session.position == 2
        await quit_app(again, pilot)


async def test_second_session_on_same_file_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "a.toml"
    app = open_app(None, out)
    async with app.run_test() as pilot:
        with pytest.raises(ReadtuiError, match="already open"):
            prepare_session(None, checklist_spec=None, reader="tester", out=out)
        await quit_app(app, pilot)
    open_app(None, out).prepared.close()  # free again once the first one quit


async def test_unsure_clear_and_undo(tmp_path: Path) -> None:
    out = tmp_path / "a.toml"
    app = open_app(None, out)
    async with app.run_test() as pilot:
        await pilot.press("1", "u")
        record = app.session.answers(1)
        assert record.unsure == ["claims-supported"] and "claims-supported" not in record.answers
        await pilot.press("ctrl+z")
        assert app.session.answers(1).answers == {"claims-supported": "yes"}
        await pilot.press("backspace")
        assert app.session.record(1) is None or not app.session.record(1).answers
        await pilot.press("ctrl+z")
        await quit_app(app, pilot)
    assert answers_of(read_toml(out), 1) == {"claims-supported": "yes"}


async def test_note_is_saved_while_typing_and_keys_are_text_while_editing(tmp_path: Path) -> None:
    out = tmp_path / "a.toml"
    app = open_app(None, out)
    async with app.run_test() as pilot:
        await pilot.press("t")
        await pilot.press(*"made by whom? n [b]x[/b]", "enter", *"q second line")
        assert app.session.position == 1, "'n' while typing must not move on"
        assert app.is_running, "'q' while typing must not quit"
        await pilot.pause(1.2)  # autosave: on disk within a second, before the note is committed
        paragraph = read_toml(out)["paragraph"][0]
        assert paragraph["note"] == "made by whom? n [b]x[/b]\nq second line"
        await pilot.press("escape", "n")
        assert app.session.position == 2
        assert "Note: made by whom?" not in paragraph_lines(app)
        await pilot.press("p")
        assert "Note: made by whom? n [b]x[/b]\nq second line" in paragraph_lines(app), "its lines, as typed"
        await quit_app(app, pilot)


async def test_text_answer_commits_on_escape(tmp_path: Path) -> None:
    out = tmp_path / "a.toml"
    app = open_app(None, out)
    async with app.run_test() as pilot:
        await pilot.press("n", "n", "n", "n", "n", "n")
        assert isinstance(app.screen, OverallScreen)
        view = app.screen.query_one(ChecklistView)
        main_claim = next(n for n, item in enumerate(view.items) if item.id == "main-claim")
        view.move_cursor(to=main_claim)
        await pilot.press("enter", *"Iran is blameless", "escape")
        assert app.session.assessment.overall.answers["main-claim"] == "Iran is blameless"
        await quit_app(app, pilot)
    assert read_toml(out)["overall"]["answers"]["main-claim"] == "Iran is blameless"


async def test_go_to_dialog(tmp_path: Path) -> None:
    app = open_app(None, tmp_path / "a.toml")
    async with app.run_test() as pilot:
        await pilot.press("g", "5", "enter")
        assert app.session.position == 5
        assert "¶ 5 / 6" in paragraph_lines(app)
        await quit_app(app, pilot)


async def test_click_on_an_option_answers_it(tmp_path: Path) -> None:
    app = open_app(None, tmp_path / "a.toml")
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.screen.query_one(ChecklistView)
        row, hits = next((row, hits) for row, hits in sorted(view._hits.items()) if hits[0].item == 0)
        second = hits[1]
        await pilot.click(view, offset=(view.gutter.left + second.start, view.gutter.top + row - view.scroll_offset.y))
        assert app.session.answers(1).answers == {"claims-supported": "partly"}
        await quit_app(app, pilot)


def answer_everything_required(session) -> None:
    """Every paragraph item and every required essay and before-reading item of the sample's checklist, answered."""
    for item in session.before_items:
        session.choose(BEFORE, item, 3)
    for index in range(1, session.paragraph_count + 1):
        for item in session.paragraph_items:
            session.choose(index, item, 1)
    for item in session.essay_items:
        if item.required:
            if item.id in ("main-claim", "summary"):
                session.set_answer(ESSAY, item.id, f"my {item.id}")
            else:
                session.choose(ESSAY, item, 2)


async def test_finishing_needs_every_required_answer(tmp_path: Path) -> None:
    out = tmp_path / "a.toml"
    app = open_app(None, out)
    async with app.run_test() as pilot:
        session = app.session
        await pilot.press("o")
        assert isinstance(app.screen, OverallScreen)
        await pilot.press("d")
        assert session.assessment.session.status == "in-progress"
        assert app.is_running
        answer_everything_required(session)
        app.screen.refresh_views()
        await pilot.press("d")
        await pilot.pause()
        app.prepared.close()
    assert read_toml(out)["session"]["status"] == "complete"


async def test_finishing_names_the_paragraphs_still_flagged_and_asks_again(tmp_path: Path) -> None:
    out = tmp_path / "a.toml"
    app = open_app(None, out)
    async with app.run_test() as pilot:
        session = app.session
        answer_everything_required(session)
        await pilot.press("g", "3", "enter", "f", "n", "n", "f", "o")  # ¶ 3 and ¶ 5 flagged
        await pilot.press("d")
        assert session.assessment.session.status == "in-progress"
        assert any(
            n.title == "Flagged paragraphs" and n.message.startswith("¶ 3, 5 still flagged") for n in app._notifications
        )
        await pilot.press("d")
        await pilot.pause()
        app.prepared.close()
    assert read_toml(out)["session"]["status"] == "complete"


async def test_g_on_the_overall_screen_goes_to_a_paragraph(tmp_path: Path) -> None:
    app = open_app(None, tmp_path / "a.toml")
    async with app.run_test() as pilot:
        await pilot.press("o", "g", "4", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReadingScreen)
        assert app.session.position == 4
        await quit_app(app, pilot)


async def test_markup_and_escapes_in_an_essay_are_shown_literally(tmp_path: Path) -> None:
    essay = tmp_path / "hostile.txt"
    essay.write_text(
        "[b]Title[/b] [@click=app.quit]\n\n"
        "Click [@click=app.quit]here[/] or [link=https://x]there[/link]. Bold [b]x[/b] and a stray [/].\n\n"
        "An escape \x1b[31mred\x1b[0m and a bell \x07.\n",
        encoding="utf-8",
    )
    out = tmp_path / "a.toml"
    app = open_app(essay, out)
    async with app.run_test(size=(120, 40)) as pilot:
        text = screen_text(app)
        assert "[@click=app.quit]here[/]" in paragraph_lines(app)
        assert "[b]Title[/b]" in text
        await pilot.click(ParagraphView, offset=(10, 3))  # a click starts selection mode
        await pilot.press("n")
        assert app.session.position == 1, "n is not 'next' while selecting"
        await pilot.press("escape", "n")
        assert app.is_running
        assert "\u241b[31mred\u241b[0m" in paragraph_lines(app)
        await quit_app(app, pilot)
    assert read_toml(out)["essay"]["title"] == "[b]Title[/b] [@click=app.quit]"


async def test_keys_can_be_remapped_in_config(tmp_path: Path) -> None:
    app = open_app(None, tmp_path / "a.toml", Config(keymap={"next": "space", "flag": "x"}))
    async with app.run_test() as pilot:
        await pilot.press("space")
        assert app.session.position == 2
        await pilot.press("x")
        assert app.session.is_flagged(2)
        assert "space next" in key_hints(app.screen).plain
        await quit_app(app, pilot)


async def test_the_key_bar_shows_how_to_move_between_items_and_the_help_which_item(tmp_path: Path) -> None:
    app = open_app(None, tmp_path / "a.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        bar = key_hints(app.screen).plain
        assert "↓↑ item" in bar and len(bar) <= 78, bar  # fits 80 columns with the bar's padding
        help_text = str(app.screen.query_one("#item-help").render())
        assert help_text.startswith("Item 1 of 12. ")
        await pilot.press("j", "j")
        assert str(app.screen.query_one("#item-help").render()).startswith("Item 3 of 12. ")
        await quit_app(app, pilot)


async def test_auto_advance_moves_to_the_next_unanswered_item_after_a_choice(tmp_path: Path) -> None:
    app = open_app(None, tmp_path / "a.toml", Config(auto_advance=True))
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.screen.query_one(ChecklistView)
        await pilot.press("2")  # claims-supported: partly, then on to evidence-kinds
        assert app.session.answers(1).answers == {"claims-supported": "partly"}
        assert view.current_item.id == "evidence-kinds"
        await pilot.press("1", "3")  # a tick-all-that-apply item: ticking stays on it
        assert app.session.answers(1).answers["evidence-kinds"] == ["statistics", "example"]
        assert view.current_item.id == "evidence-kinds"
        await pilot.press("k", "1")  # changing an answer moves past the answered items to the next open one
        assert view.current_item.id == app.session.checklist.items_in("paragraph")[0][1][2].id
        await quit_app(app, pilot)


async def test_auto_advance_is_off_by_default_and_toggled_from_the_palette(tmp_path: Path) -> None:
    app = open_app(None, tmp_path / "a.toml")
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.screen.query_one(ChecklistView)
        await pilot.press("2", "3")  # the same item, answered again
        assert view.cursor == 0 and app.session.answers(1).answers == {"claims-supported": "no"}
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"auto-advance on")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("1")
        assert view.current_item.id == "evidence-kinds"
        await quit_app(app, pilot)


async def test_a_long_paragraph_scrolls_from_the_keyboard(tmp_path: Path) -> None:
    essay = tmp_path / "long.txt"
    sentence = "The argument goes on with claims that nobody has checked and figures nobody sourced. "
    essay.write_text(f"Long\n\nBy: Someone\n\n{sentence * 40}\n\nA short second paragraph.\n", encoding="utf-8")
    app = open_app(essay, tmp_path / "a.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.screen.query_one(ParagraphView)
        assert view.max_scroll_y > 0 and view.scroll_y == 0
        await pilot.press("pagedown")
        assert view.scroll_y == view.scrollable_content_region.height - 1  # a page, less a line to keep the place
        await pilot.press("shift+down", "pageup", "shift+up")
        assert view.scroll_y == 0
        assert app.session.position == 1 and app.screen.checklist_view.cursor == 0, "nothing else moved"
        rows = dict((description, keys) for keys, description in key_rows(app.screen))
        assert rows["Scroll a long paragraph down"] == "pgdn shift+↓"
        await quit_app(app, pilot)


async def test_a_subtitle_is_shown_above_the_first_paragraph(tmp_path: Path) -> None:
    essay = tmp_path / "oped.txt"
    essay.write_text(
        "The Title\n\nA subtitle that explains\n\nBy Jane Doe\n\nA one-line opening.\n\nThe second paragraph.\n",
        encoding="utf-8",
    )
    app = open_app(essay, tmp_path / "a.toml")
    async with app.run_test(size=(100, 30)) as pilot:
        lines = paragraph_lines(app)
        assert lines.index("A subtitle that explains") < lines.index("A one-line opening.")
        assert app.session.paragraph_count == 2, "the opening after the by-line is a paragraph"
        await pilot.press("n")
        assert "A subtitle that explains" not in paragraph_lines(app)
        await quit_app(app, pilot)


async def test_help_lists_every_screen_key(tmp_path: Path) -> None:
    app = open_app(None, tmp_path / "a.toml")
    async with app.run_test(size=(120, 40)) as pilot:
        rows = dict((description, keys) for keys, description in key_rows(app.screen))
        assert rows["Next paragraph (after the last: overall questions)"] == "n →"
        assert rows["Flag this paragraph to come back to"] == "f"
        await pilot.press("question_mark")
        await pilot.pause()
        assert "Save and quit" in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, ReadingScreen)
        await quit_app(app, pilot)


HOSTILE_CHECKLIST = """\
format = "readtui-checklist/1"
id = "hostile"
title = "[b]Hostile[/b]"
version = "1"

[[section]]
id = "s"
title = "[@click=app.quit]Section[/]"
help = "Help with [red]markup[/red] and [/]"

  [[section.item]]
  id = "many"
  prompt = "Pick one of [b]twelve[/b]"
  help = "[@click=app.quit]click me[/]"
  kind = "choice"
  options = [
    { id = "o1", label = "[b]one[/b]" }, { id = "o2", label = "two" }, { id = "o3", label = "three" },
    { id = "o4", label = "four" }, { id = "o5", label = "five" }, { id = "o6", label = "six" },
    { id = "o7", label = "seven" }, { id = "o8", label = "eight" }, { id = "o9", label = "nine" },
    { id = "o10", label = "ten" }, { id = "o11", label = "eleven" }, { id = "o12", label = "[/]twelve" },
  ]

  [[section.item]]
  id = "wide"
  prompt = "A scale from 0 to 10"
  kind = "scale"
  min = 0
  max = 10
"""


async def test_hostile_checklist_is_literal_and_long_lists_use_the_picker(tmp_path: Path) -> None:
    checklist = tmp_path / "hostile.toml"
    write_checklist(checklist, HOSTILE_CHECKLIST)
    out = tmp_path / "a.toml"
    app = make_app(prepare_session(None, checklist_spec=str(checklist), reader="tester", out=out))
    async with app.run_test(size=(120, 40)) as pilot:
        text = screen_text(app)
        for literal in (
            "[@click=app.quit]Section[/]",
            "Pick one of [b]twelve[/b]",
            "[b]one[/b]",
            "[@click=app.quit]click me[/]",
        ):
            assert literal in text
        await pilot.press("enter")
        await pilot.pause()
        assert "[/]twelve" in screen_text(app)
        await pilot.press("end", "enter")
        await pilot.pause()
        assert app.session.answers(1).answers == {"many": "o12"}
        await pilot.press("j", "enter", "down", "down", "enter")  # the 11-step scale: third step is 2
        await pilot.pause()
        assert app.session.answers(1).answers["wide"] == 2
        await pilot.press("7")  # 0..10 does not fit in 0-9, so digit 7 is the 7th step: 6
        assert app.session.answers(1).answers["wide"] == 6
        assert app.is_running
        await quit_app(app, pilot)
    assert read_toml(out)["paragraph"][0]["answers"] == {"many": "o12", "wide": 6}


async def test_edited_essay_realigns_and_marks_changed_paragraphs_stale(tmp_path: Path) -> None:
    from readtui.core.essay import sample_essay_path

    essay = tmp_path / "essay.txt"
    original = sample_essay_path().read_text(encoding="utf-8")
    essay.write_text(original, encoding="utf-8")
    out = tmp_path / "a.toml"
    app = open_app(essay, out)
    async with app.run_test() as pilot:
        await pilot.press("1", "n", "2", "n", "3")
        await quit_app(app, pilot)
    paragraphs = original.split("\n\n")
    paragraphs[3] = "An inserted paragraph. It has two sentences.\n\n" + paragraphs[3]  # before body paragraph 1
    paragraphs[4] = paragraphs[4].replace("formal request", "a formal request")  # body paragraph 2 edited
    essay.write_text("\n\n".join(paragraphs), encoding="utf-8")
    again = open_app(essay, out)
    assert again.prepared.notices and "1 paragraph(s) changed" in again.prepared.notices[0]
    async with again.run_test() as pilot:
        assert again.session.answers(2).answers == {"claims-supported": "yes"}  # moved from 1 to 2
        assert again.session.is_stale(2) is False
        assert again.session.is_stale(3)  # paragraph 3 is the edited old 2: its answers are kept
        assert again.session.answers(3).answers == {"claims-supported": "partly"}
        assert again.session.answers(4).answers == {"claims-supported": "no"}  # old 3, moved
        await pilot.press("g", "3", "enter")
        assert "changed since answered" in paragraph_lines(again)
        await pilot.press("j", "1")  # answering it again makes it current
        assert not again.session.is_stale(3)
        await quit_app(again, pilot)
    data = read_toml(out)
    assert [p["index"] for p in data["paragraph"]] == [2, 3, 4]
    assert not any(p.get("stale") for p in data["paragraph"])


def key_event(name: str):
    from textual import events

    return events.Key(name, name if len(name) == 1 else None)


async def test_fast_typing_lands_where_it_was_meant(tmp_path: Path) -> None:
    """Keys sent in one burst (a fast typist, a paste of keystrokes): text goes into the editor,
    editing keys edit, and keys after enter/escape act as commands again."""
    out = tmp_path / "a.toml"
    app = open_app(None, out)
    async with app.run_test() as pilot:
        await pilot.press("o")
        burst = [
            "enter",
            *"Iran acts",
            "left",
            "backspace",
            "end",
            "enter",
            *"as a victim",
            "escape",
            "j",
            "j",
            "2",
            "j",
            "enter",
            *"Partisan.",
            "escape",
            "t",
            *"An overall note",
            "escape",
            "p",
        ]
        for name in burst:
            app.post_message(key_event(name))
        await pilot.pause(0.5)
        overall = app.session.assessment.overall
        assert overall.answers == {"main-claim": "Iran acs\nas a victim", "credibility": 2, "summary": "Partisan."}
        assert overall.note == "An overall note"
        assert isinstance(app.screen, ReadingScreen), "'p' after escape went back to the paragraphs"
        await quit_app(app, pilot)


async def test_a_full_disk_keeps_the_old_file_and_quitting_asks_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import os

    out = tmp_path / "a.toml"
    app = open_app(None, out)
    async with app.run_test() as pilot:
        await pilot.press("1")
        await pilot.press("ctrl+s")
        saved = out.read_bytes()
        assert answers_of(read_toml(out), 1) == {"claims-supported": "yes"}

        def no_space(fd: int) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        real_fsync = os.fsync
        monkeypatch.setattr("readtui.core.storage.os.fsync", no_space)
        await pilot.press("j", "2")
        await pilot.pause(1.2)
        assert out.read_bytes() == saved, "a failed save leaves the last saved file as it was"
        assert app.save_error and "No space left on device" in app.save_error
        assert not list(tmp_path.glob(".a.toml.*.tmp")), "no temporary file is left behind"
        await pilot.press("q")
        assert app.is_running, "the first q does not throw away unsaved answers"
        monkeypatch.setattr("readtui.core.storage.os.fsync", real_fsync)  # space freed
        await pilot.press("ctrl+s")
        assert app.save_error is None
        assert answers_of(read_toml(out), 1) == {"claims-supported": "yes", "evidence-kinds": ["documents"]}
        await quit_app(app, pilot)


async def test_command_palette_runs_reading_actions(tmp_path: Path) -> None:
    app = open_app(None, tmp_path / "a.toml")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"flag paragraph")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.is_flagged(1)
        await quit_app(app, pilot)


async def test_the_palette_has_one_keys_command_and_it_opens_the_help(tmp_path: Path) -> None:
    """Textual's own "Keys" opened a panel that squeezed the reading screen; ours is the help."""
    from readtui.tui.screens.dialogs import HelpDialog

    app = open_app(None, tmp_path / "a.toml")
    async with app.run_test(size=(120, 40)) as pilot:
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert titles.count("Keys") == 1 and titles.count("Save") == 1, titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"keys")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HelpDialog)
        await pilot.press("escape")
        await quit_app(app, pilot)


async def test_a_file_that_fails_validation_after_the_first_frame_exits_2_untouched(tmp_path: Path) -> None:
    """Files are built without pydantic for the first frame and validated right after it."""
    out = tmp_path / "a.toml"
    app = open_app(None, out)
    async with app.run_test() as pilot:
        await pilot.press("1")
        await quit_app(app, pilot)
    text = out.read_text(encoding="utf-8").replace("chars = ", "chars = -")
    out.write_text(text, encoding="utf-8")
    again = open_app(None, out)  # the shape is right, so this does not validate yet
    async with again.run_test() as pilot:
        await pilot.pause()
        assert not again.is_running
        assert again.return_code == 2
        assert [str(problem) for problem in again.bad_input] == [
            f"{out}: paragraph[1].chars: Input should be greater than or equal to 0 (got -401)"
        ]
    again.prepared.close(remember=False)
    assert out.read_text(encoding="utf-8") == text, "an invalid file is never written over"


async def test_reading_time_counts_on_screen_and_stops_when_idle(tmp_path: Path) -> None:
    import time

    from readtui.tui.app import IDLE_AFTER

    app = open_app(None, tmp_path / "a.toml")
    async with app.run_test() as pilot:
        record_seconds = lambda: app.session.record(1).seconds if app.session.record(1) else 0  # noqa: E731
        before = record_seconds()
        app.last_input = time.monotonic()
        app._count_reading_time()
        assert record_seconds() == before + 1
        app.last_input = time.monotonic() - IDLE_AFTER - 1  # two idle minutes: the reader is away
        app._count_reading_time()
        assert record_seconds() == before + 1
        await pilot.press("o")
        app.last_input = time.monotonic()
        app._count_reading_time()  # not on the reading screen: not paragraph time
        assert record_seconds() == before + 1
        await quit_app(app, pilot)


PHRASE = "rub salt into the Middle East’s wounds"


async def test_highlight_a_phrase_with_the_keyboard_alone(tmp_path: Path) -> None:
    out = tmp_path / "a.toml"
    app = open_app(None, out)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("g", "4", "enter", "v")
        text = app.session.text(4)
        start = text.index(PHRASE)
        await pilot.press(*["right"] * start)  # the caret to the 'r' of "rub"
        await pilot.press(*["w"] * 7)  # rub salt into the Middle East’s wounds
        view = app.screen.query_one(ParagraphView)
        assert view.selection == (start, start + len(PHRASE))
        await pilot.press("h")
        await pilot.pause()
        await pilot.press("l")  # the loaded-word label's key
        await pilot.pause()
        await pilot.press(*"metaphor of injury", "enter")  # the note, right after
        await pilot.pause()
        assert view.selection is None and view.has_focus
        await pilot.press("escape", "n")
        assert app.session.position == 5, "after escape, n is 'next' again"
        await quit_app(app, pilot)
    highlight = next(p for p in read_toml(out)["paragraph"] if p["index"] == 4)["highlight"]
    assert highlight == [
        {
            "start": start,
            "end": start + len(PHRASE),
            "label": "loaded-word",
            "quote": PHRASE,
            "note": "metaphor of injury",
        }
    ]
    again = open_app(None, out)
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.press("g", "4", "enter")
        assert again.screen.query_one(ParagraphView).marks == [(start, start + len(PHRASE), 0)]
        await quit_app(again, pilot)


async def test_highlight_a_phrase_with_the_mouse_alone(tmp_path: Path) -> None:
    out = tmp_path / "a.toml"
    app = open_app(None, out)
    async with app.run_test(size=(120, 40)) as pilot:
        app.screen.go_to(4)
        await pilot.pause()
        view = app.screen.query_one(ParagraphView)
        text = app.session.text(4)
        start = text.index(PHRASE)
        end = start + len(PHRASE) - 1

        def cell_of(offset: int) -> tuple[int, int]:
            line = next(n for n, (a, b) in enumerate(view._ranges) if a <= offset < b)
            a, _ = view._ranges[line]
            return len(text[a:offset]), view._text_row + line  # in the content area

        def widget_cell(offset: int) -> tuple[int, int]:
            x, y = cell_of(offset)
            return view.gutter.left + x, view.gutter.top + y  # pilot offsets include the padding

        assert view.offset_at(*cell_of(start)) == start and view.offset_at(*cell_of(end)) == end
        await pilot.mouse_down(view, offset=widget_cell(start))
        await pilot.hover(view, offset=widget_cell(end))
        await pilot.mouse_up(view, offset=widget_cell(end))
        await pilot.pause()
        await pilot.click("LabelPicker OptionList", offset=(4, 1))  # the first label: loaded word
        await pilot.pause()
        await pilot.press("enter")  # no note
        record = app.session.record(4)
        assert [(h.start, h.end, h.label, h.quote) for h in record.highlight] == [
            (start, start + len(PHRASE), "loaded-word", PHRASE)
        ]
        await quit_app(app, pilot)


async def test_keys_typed_before_the_go_to_dialog_opens_land_in_it(tmp_path: Path) -> None:
    app = open_app(None, tmp_path / "a.toml")
    async with app.run_test() as pilot:
        for name in ["g", "4", "enter"]:
            app.post_message(key_event(name))
        await pilot.pause(0.5)
        assert app.session.position == 4
        await quit_app(app, pilot)


async def test_an_answer_that_claims_a_problem_asks_gently_for_a_quote(tmp_path: Path) -> None:
    app = open_app(None, tmp_path / "a.toml")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("g", "4", "enter")
        await pilot.pause()
        await pilot.press("3")  # claims: "No, just asserted" – needs evidence
        view = app.screen.query_one(ChecklistView)
        lines = "\n".join(line.plain for line in view._lines)
        assert "↳ quote it: v, select the words, h → Unsourced claim" in lines
        await pilot.press("n")
        assert app.session.position == 5, "the prompt never blocks the reader"
        await pilot.press("p")
        text = app.session.text(4)
        app.session.add_highlight(4, 0, text.index(" "), "unsourced-claim")
        app.screen.refresh_views()
        assert "quote it" not in "\n".join(line.plain for line in view._lines)
        await quit_app(app, pilot)


async def test_the_highlight_list_jumps_edits_relabels_and_deletes(tmp_path: Path) -> None:
    out = tmp_path / "a.toml"
    app = open_app(None, out)
    async with app.run_test(size=(120, 40)) as pilot:
        session = app.session
        await pilot.press("g", "4", "enter")
        text = session.text(4)
        start = text.index(PHRASE)
        session.add_highlight(4, 0, 13, "named-source")
        session.add_highlight(4, start, start + len(PHRASE), "loaded-word")
        app.screen.refresh_views()
        await pilot.press("m", "down", "e")  # the second highlight's note
        await pilot.pause()
        await pilot.press(*"injury metaphor", "enter")
        assert session.record(4).highlight[1].note == "injury metaphor"
        await pilot.press("m", "l")  # relabel the first
        await pilot.pause()
        await pilot.press("u")  # unsourced claim
        await pilot.pause()
        assert session.record(4).highlight[0].label == "unsourced-claim"
        await pilot.press("m", "d")  # delete the first
        await pilot.pause()
        assert [h.quote for h in session.record(4).highlight] == [PHRASE]
        await pilot.press("m", "enter")  # jump: selection mode, the highlight selected
        await pilot.pause()
        view = app.screen.query_one(ParagraphView)
        assert view.has_focus and view.selection == (start, start + len(PHRASE))
        await pilot.press("escape")
        await quit_app(app, pilot)
    highlight = next(p for p in read_toml(out)["paragraph"] if p["index"] == 4)["highlight"]
    assert highlight == [
        {"start": start, "end": start + len(PHRASE), "label": "loaded-word", "quote": PHRASE, "note": "injury metaphor"}
    ]


async def test_highlights_in_persian_and_combining_text_use_code_point_offsets(tmp_path: Path) -> None:
    essay = tmp_path / "fa.txt"
    paragraph = "این یک متن فارسی است که ادعاهای بی‌منبع دارد. Café naïve e\u0301 日本語 text."
    essay.write_text("عنوان\n\n" + paragraph + "\n", encoding="utf-8")
    out = tmp_path / "a.toml"
    app = open_app(essay, out)
    async with app.run_test(size=(100, 30)) as pilot:
        text = app.session.text(1)
        target = "ادعاهای بی‌منبع"
        start = text.index(target)
        await pilot.press("v", *["right"] * start, "w", "w")
        view = app.screen.query_one(ParagraphView)
        assert view.selection == (start, start + len(target))
        await pilot.press("h")
        await pilot.pause()
        await pilot.press("u", "enter")
        await pilot.pause()
        await pilot.press("escape")
        await quit_app(app, pilot)
    highlight = read_toml(out)["paragraph"][0]["highlight"][0]
    assert highlight["quote"] == target == text[highlight["start"] : highlight["end"]]
    from readtui.core.essay import load_essay
    from readtui.core.validation import validate_file

    assert validate_file(str(out), essay=load_essay(essay)).problems == []


def contrast_ratio(first, second) -> float:
    """WCAG contrast ratio of two textual Colors."""

    def luminance(colour) -> float:
        def channel(value: int) -> float:
            value /= 255
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


async def test_highlight_colours_are_readable_in_every_bundled_theme(tmp_path: Path) -> None:
    from readtui.tui.widgets.paragraph import MARK_COLOURS

    app = open_app(None, tmp_path / "a.toml")
    async with app.run_test() as pilot:
        view = app.screen.query_one(ParagraphView)
        worst = []
        for theme in sorted(app.available_themes):
            app.theme = theme
            await pilot.pause()
            for slot in range(MARK_COLOURS):
                style = view.get_visual_style(f"paragraph--mark-{slot}")
                worst.append((contrast_ratio(style.foreground, style.background), theme, slot))
        assert min(worst) >= (3.5, "", 0), min(worst)
        await quit_app(app, pilot)


async def test_selection_caret_and_current_cell_are_reversed_in_every_bundled_theme(tmp_path: Path) -> None:
    """Reverse video shows in any theme and colour depth; Textual's visual style drops it, so the
    line widgets must keep it (the real-terminal check: tests/terminal/test_visible_styles.py)."""
    from readtui.tui.widgets.lines import component_style
    from readtui.tui.widgets.progress import ProgressStrip

    app = open_app(None, tmp_path / "a.toml")
    async with app.run_test() as pilot:
        view, strip = app.screen.query_one(ParagraphView), app.screen.query_one(ProgressStrip)
        for theme in sorted(app.available_themes):
            app.theme = theme
            await pilot.pause()
            assert component_style(view, "paragraph--selection").reverse, theme
            caret = component_style(view, "paragraph--caret")
            assert caret.reverse and caret.underline, theme  # told apart from the selection it ends
            assert component_style(strip, "progress--current").reverse, theme
            for component in ("paragraph--mark-0", "paragraph--heading", "paragraph--selection"):
                assert view.style_of(component) == component_style(view, component), "the cache follows the theme"
        await quit_app(app, pilot)


async def test_a_long_essay_is_hashed_after_the_first_frame_and_saved_with_its_sha256(tmp_path: Path) -> None:
    from readtui.core.essay import load_essay

    essay = tmp_path / "long.txt"
    essay.write_text("Long\n\n" + "\n\n".join(f"Paragraph {n} says something." for n in range(3000)), encoding="utf-8")
    out = tmp_path / "long.toml"
    app = open_app(essay, out)
    assert app.session.assessment.essay.sha256 == ""  # not yet: the first frame comes first
    async with app.run_test() as pilot:
        await pilot.pause(0.5)
        assert read_toml(out)["essay"]["sha256"] == load_essay(essay).sha256
        await quit_app(app, pilot)


async def test_enter_on_a_missing_paragraph_goes_there_at_its_first_missing_item(tmp_path: Path) -> None:
    """The overall screen asks for the paragraph (a message); the app pops back to the reading
    screen, which shows it with the cursor on the first required item still unanswered."""
    app = open_app(None, tmp_path / "a.toml")
    async with app.run_test(size=(120, 40)) as pilot:
        for item in app.session.before_items:  # answered, so that ¶ 1 is the first row
            app.session.choose(BEFORE, item, 3)
        await pilot.press("1", "n", "n", "o")  # ¶ 1 answers its first item; then to the overall screen
        assert isinstance(app.screen, OverallScreen)
        await pilot.press("tab", "tab")  # past the summary, to the list of what is missing
        assert app.focused is app.screen.query_one("#missing")
        await pilot.press("enter")  # its first row, ¶ 1: highlighted already, no arrow needed
        await pilot.pause()
        assert isinstance(app.screen, ReadingScreen)
        assert app.session.position == 1
        view = app.screen.query_one(ChecklistView)
        first_missing = next(n for n, item in enumerate(view.items) if item.required and n > 0)
        assert view.cursor == first_missing
        await quit_app(app, pilot)


async def test_enter_on_the_essay_row_of_the_missing_list_goes_to_its_first_missing_item(tmp_path: Path) -> None:
    app = open_app(None, tmp_path / "a.toml")
    async with app.run_test(size=(120, 40)) as pilot:
        app.session.set_answer(ESSAY, "main-claim", "It says Iran does not back ISIS.")
        await pilot.press("o", "tab", "tab")
        missing = app.screen.query_one("#missing")
        assert app.focused is missing
        missing.highlighted = missing.option_count - 1  # the last row: the essay's own items
        await pilot.press("enter")
        view = app.screen.query_one(ChecklistView)
        assert app.focused is view
        essay = app.session.assessment.overall
        expected = next(n for n, item in enumerate(view.items) if item.required and not essay.is_answered(item.id))
        assert expected > 0 and view.cursor == expected
        await quit_app(app, pilot)


async def test_highlights_in_a_markdown_paragraph_land_on_the_words_shown(tmp_path: Path) -> None:
    essay = tmp_path / "essay.md"
    essay.write_text(
        "# Title\n\n## A section\n\nIt is **very** bad, and _they_ know\nit.\n\n- first item\n- second item\n",
        encoding="utf-8",
    )
    out = tmp_path / "a.toml"
    app = open_app(essay, out)
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.screen.query_one(ParagraphView)
        shown = [line.plain for line in view._lines]
        assert shown[2:4] == ["A section", "It is very bad, and they know it."]
        text = app.session.text(1)
        start = text.index("they know")
        await pilot.press("v", *["right"] * start, "w", "w")
        assert view.selection == (start, start + len("they know"))
        await pilot.press("h")
        await pilot.pause()
        await pilot.press("l", "enter")  # loaded word, no note
        await pilot.pause()
        await pilot.press("escape", "n", "v", "w", "w")  # ¶ 2: "• first item"
        assert [line.plain for line in view._lines][2:4] == ["• first item", "• second item"]
        await pilot.press("w")  # on to the next line: "item\n• "
        assert view.selection == (0, len("• first item\n•"))
        await pilot.press("escape")
        await quit_app(app, pilot)
    record = read_toml(out)["paragraph"][0]
    assert record["sha256"] == app.session.essay.paragraph_sha256(0)
    assert [(h["start"], h["end"], h["quote"]) for h in record["highlight"]] == [
        (start, start + len("they know"), "they know")
    ]
    from readtui.core.essay import load_essay
    from readtui.core.validation import validate_file

    assert validate_file(str(out), essay=load_essay(essay)).problems == []


# --- every bundled pack -----------------------------------------------------------------------


@pytest.mark.parametrize("checklist_id", sorted(bundled_checklists()))
async def test_every_pack_opens_on_the_sample_and_saves_an_answer(tmp_path: Path, checklist_id: str) -> None:
    """At 80×24: the first item of the paragraphs (or, for a pack about the whole essay, of the
    overall screen) shows its prompt and help, takes the first option, and the file has it."""
    out = tmp_path / "a.toml"
    app = make_app(prepare_session(None, checklist_spec=checklist_id, reader="tester", out=out))
    checklist = app.session.checklist
    paragraph_items = [item for _, items in checklist.items_in("paragraph") for item in items]
    item = (paragraph_items or [item for _, items in checklist.items_in("essay") for item in items])[0]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        if not paragraph_items:
            assert "This checklist asks nothing for each" in screen_text(app)
            await pilot.press("o")
            assert isinstance(app.screen, OverallScreen)
        shown = screen_text(app)
        assert item.prompt.split()[0] in shown and item.help.split()[0] in shown
        if getattr(item, "steps", 0) > 9:
            await pilot.press("enter")  # the picker
            await pilot.pause()
        await pilot.press("1" if getattr(item, "steps", 0) <= 9 else "enter")
        await pilot.pause()
        await quit_app(app, pilot)
    data = read_toml(out)
    saved = answers_of(data, 1) if paragraph_items else data["overall"]["answers"]
    first = item.options[0].id if hasattr(item, "options") else 1
    assert saved == {item.id: [first] if item.kind == "multi" else first}
    assert data["checklist"]["id"] == checklist_id


async def test_a_long_multi_is_ticked_from_the_picker_and_asks_for_each_techniques_quote(tmp_path: Path) -> None:
    out = tmp_path / "a.toml"
    app = make_app(prepare_session(None, checklist_spec="propaganda-techniques", reader="tester", out=out))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("g", "4", "enter", "enter", "enter")  # ¶4: the list, its first: loaded language
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        listed = screen_text(app)
        assert "✓ Loaded language" in listed and "✓ Doubt" not in listed, "the list shows what is ticked"
        await pilot.press(*["down"] * 5, "enter")  # fear or prejudice
        await pilot.pause()
        assert app.session.answers(4).answers == {"techniques": ["loaded-language", "appeal-to-fear"]}
        view = app.screen.query_one(ChecklistView)
        lines = " ".join(line.plain.strip() for line in view._lines)
        assert "↳ quote it: v, select the words, h → Loaded language, Appeal to fear or prejudice" in lines
        text = app.session.text(4)
        app.session.add_highlight(4, 0, text.index(" "), "appeal-to-fear")
        app.screen.refresh_views()
        lines = " ".join(line.plain.strip() for line in view._lines)
        assert "h → Loaded language" in lines and "Appeal to fear" not in lines
        await quit_app(app, pilot)
    assert answers_of(read_toml(out), 4) == {"techniques": ["loaded-language", "appeal-to-fear"]}


async def test_a_pack_without_essay_questions_says_so_on_the_overall_screen(tmp_path: Path) -> None:
    app = make_app(prepare_session(None, checklist_spec="fallacies", reader="tester", out=tmp_path / "a.toml"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, OverallScreen)
        assert "This checklist asks nothing about the" in screen_text(app)
        await quit_app(app, pilot)


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_an_items_help_is_never_cut_without_saying_where_the_rest_is(tmp_path: Path, size) -> None:
    """Under the checklist, the help that fits, ending in "… i: all of it" when some does not;
    i shows all of it, with the answers the item takes."""
    from textual.widgets import Static

    from readtui.tui.screens.dialogs import TextDialog

    app = open_app(None, tmp_path / "a.toml")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        item = app.screen.checklist_view.current_item
        pane = app.screen.query_one("#item-help")
        shown = " ".join(str(pane.render()).split())
        whole = " ".join(f"Item 1 of 12. {item.help}".split())
        if shown.endswith("… i: all of it"):
            assert size == (80, 24)
            assert whole.startswith(shown.removesuffix("… i: all of it").rstrip())
        else:
            assert size == (160, 50) and shown == whole
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)
        text = " ".join(str(app.screen.query_one(Static).render()).split())
        assert " ".join(item.help.split()) in text
        assert all(option.label in text for option in item.options)
        await pilot.press("escape")
        await quit_app(app, pilot)


async def test_the_paragraph_never_has_focus_on_the_way_to_the_first_frame(tmp_path: Path, monkeypatch) -> None:
    """Focus goes straight to the checklist: the paragraph, focused first and then left, put the
    caret of selection mode on the first frame in a real terminal."""
    focused: list[str] = []
    monkeypatch.setattr(ParagraphView, "on_focus", lambda view: focused.append("paragraph"))
    app = open_app(None, tmp_path / "a.toml")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.focused, ChecklistView) and focused == []
        await quit_app(app, pilot)
