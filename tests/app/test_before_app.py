"""The before-reading questions: the first screen of a new session, skipped and come back to,
asked for by `d`, and written to the ``[before]`` table."""

from __future__ import annotations

from pathlib import Path

import pytest

from readtui.core.assessment import BEFORE
from readtui.core.launch import prepare_session
from readtui.tui.app import make_app
from readtui.tui.keys import key_rows
from readtui.tui.screens.before import BeforeScreen
from readtui.tui.screens.overall import OverallScreen
from readtui.tui.screens.reading import ReadingScreen
from tests.app.conftest import screen_text
from tests.app.test_reading_app import answer_everything_required, open_app, quit_app
from tests.conftest import MINI, read_toml, write_checklist

pytestmark = pytest.mark.before_screen


def shown_words(app) -> str:
    """What the screen shows, its words joined by single spaces (wrapped lines read as one)."""
    return " ".join(screen_text(app).split())


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_a_new_session_opens_on_the_before_questions_n_skips_and_b_comes_back(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    out = tmp_path / "a.toml"
    app = open_app(None, out)
    async with app.run_test(size=size) as pilot:
        assert isinstance(app.screen, BeforeScreen)
        shown = shown_words(app)
        assert "Before you read:" in shown
        assert "What do you already believe about this topic?" in shown
        assert "How much do you know about it?" in shown
        assert "n goes to the essay" in shown and "b there brings you back" in shown
        assert "n to the essay" in shown, "the key bar says how to skip"
        await pilot.press("4", "j", "t", *"From the news", "escape")
        assert "Your note: From the news" in shown_words(app)
        await pilot.press("n")
        assert isinstance(app.screen, ReadingScreen)
        assert "¶ 1 / 6" in screen_text(app)
        await pilot.press("b")
        assert isinstance(app.screen, BeforeScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, ReadingScreen)
        await quit_app(app, pilot)
    data = read_toml(out)
    assert data["format"] == "readtui-assessment/3"
    assert data["before"] == {"answers": {"prior-stance": 4}, "note": "From the news"}


async def test_a_resumed_session_opens_where_it_was(tmp_path: Path) -> None:
    out = tmp_path / "a.toml"
    app = open_app(None, out)
    async with app.run_test() as pilot:
        await pilot.press("n", "n", "1")  # skipped; ¶ 2 answered
        await quit_app(app, pilot)
    again = open_app(None, out)
    async with again.run_test() as pilot:
        assert isinstance(again.screen, ReadingScreen)
        assert again.session.position == 2
        await quit_app(again, pilot)


async def test_an_answer_given_after_reading_began_is_recorded_as_such(tmp_path: Path) -> None:
    out = tmp_path / "a.toml"
    app = open_app(None, out)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("3", "n", "1", "b")  # stance before reading; ¶ 1 answered; back
        assert "answers given now are recorded as given after" in shown_words(app)
        await pilot.press("j", "5")
        await quit_app(app, pilot)
    before = read_toml(out)["before"]
    assert before["answers"] == {"prior-stance": 3, "prior-knowledge": 5}
    assert before["after_reading"] == ["prior-knowledge"]


async def test_d_asks_for_missing_before_answers_and_the_list_goes_there(tmp_path: Path) -> None:
    out = tmp_path / "a.toml"
    app = open_app(None, out)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        answer_everything_required(app.session)
        for item in app.session.before_items:
            app.session.clear(BEFORE, item.id)
        await pilot.press("o", "d")
        assert isinstance(app.screen, OverallScreen)
        assert app.session.assessment.session.status == "in-progress"
        assert any(
            "2 required answer(s) still missing, 2 of them before reading" in n.message for n in app._notifications
        )
        first = app.screen.query_one("#missing").get_option_at_index(0)
        assert (
            str(first.prompt)
            == "Before reading: What do you already believe about this topic?, How much do you know about it?"
        )
        await pilot.press("tab", "tab", "enter")  # the first row of what is missing
        assert isinstance(app.screen, BeforeScreen)
        await pilot.press("2", "j", "u", "n")
        assert isinstance(app.screen, OverallScreen), "leaving the questions comes back to where they were asked"
        await pilot.press("d")
        await pilot.pause()
        app.prepared.close()
    data = read_toml(out)
    assert data["session"]["status"] == "complete"
    assert data["before"] == {
        "answers": {"prior-stance": 2},
        "unsure": ["prior-knowledge"],
        "after_reading": ["prior-stance", "prior-knowledge"],
    }
    assert data["overall"]["answers"]["main-claim"] == "my main-claim"


async def test_the_palette_and_the_help_offer_the_before_questions(tmp_path: Path) -> None:
    app = open_app(None, tmp_path / "a.toml")
    async with app.run_test() as pilot:
        await pilot.press("n")
        commands = {command.title: command for command in app.get_system_commands(app.screen)}
        assert "Before-reading questions" in commands
        commands["Before-reading questions"].callback()
        await pilot.pause()
        assert isinstance(app.screen, BeforeScreen)
        await pilot.press("n")
        assert ("b", "Before-reading questions: what you thought before the essay") in key_rows(app.screen)
        await quit_app(app, pilot)


async def test_a_checklist_without_before_questions_opens_on_the_first_paragraph(tmp_path: Path) -> None:
    checklist = write_checklist(tmp_path / "mini.toml", MINI)
    app = make_app(prepare_session(None, checklist_spec=str(checklist), reader="tester", out=tmp_path / "a.toml"))
    async with app.run_test() as pilot:
        assert isinstance(app.screen, ReadingScreen)
        await pilot.press("b")
        assert isinstance(app.screen, ReadingScreen)
        assert any(n.message == "This checklist has no before-reading questions." for n in app._notifications)
        await quit_app(app, pilot)
