"""A tab of `readtui serve`: the app asks the student's name first, then opens (or resumes) their
file in the teacher's directory; a name another tab holds is refused on screen; and when the web
driver ends the app (tab closed, server stopped) the answers are saved."""

from __future__ import annotations

import re
from pathlib import Path

from textual import messages

from readtui.core.launch import default_out_path, prepare_session
from readtui.tui.app import make_served_app
from readtui.tui.screens.name import NameScreen
from readtui.tui.screens.reading import ReadingScreen
from tests.app.conftest import screen_text
from tests.conftest import read_toml


def served(essay: Path, into: Path):
    """The app as `readtui serve` runs it in each tab (`cli.reading.run_served`)."""

    def open_named(name: str):
        return prepare_session(essay, checklist_spec=None, reader=name, out=into / default_out_path(essay, name).name)

    return make_served_app(open_named, essay.name)


async def type_name(pilot, name: str) -> None:
    await pilot.press(*name, "enter")
    await pilot.pause()


async def test_the_name_opens_the_students_file_in_the_directory(tmp_path: Path, small_essay_file: Path) -> None:
    into = tmp_path / "class"
    into.mkdir()
    app = served(small_essay_file, into)
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, NameScreen)
        assert "Your name" in screen_text(app)
        await type_name(pilot, "Ana/Lima")
        assert isinstance(app.screen, ReadingScreen)
        await pilot.press("1", "ctrl+s")
        await pilot.press("q")
    saved = read_toml(into / "essay.Ana-Lima.readtui.toml")
    assert saved["reader"]["name"] == "Ana/Lima"
    assert saved["paragraph"][0]["answers"]
    assert [p.name for p in into.iterdir() if p.suffix == ".toml"] == ["essay.Ana-Lima.readtui.toml"]


async def test_an_empty_name_is_asked_again(tmp_path: Path, small_essay_file: Path) -> None:
    app = served(small_essay_file, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await type_name(pilot, "  ")
        assert isinstance(app.screen, NameScreen)
        assert "Type your name" in screen_text(app)


async def test_a_name_open_in_another_tab_is_refused_on_screen_and_its_lock_kept(
    tmp_path: Path, small_essay_file: Path
) -> None:
    other = prepare_session(small_essay_file, checklist_spec=None, reader="Bo", out=tmp_path / "essay.Bo.readtui.toml")
    try:
        app = served(small_essay_file, tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await type_name(pilot, "Bo")
            assert isinstance(app.screen, NameScreen)
            assert "Bo is open in another tab or window" in screen_text(app)
            assert other.lock.held
            await pilot.press(*["backspace"] * 2)
            await type_name(pilot, "Cy")
            assert isinstance(app.screen, ReadingScreen)
            assert app.saved_path == tmp_path / "essay.Cy.readtui.toml"
    finally:
        other.close(remember=False)


async def test_the_same_name_again_resumes_the_file(tmp_path: Path, small_essay_file: Path) -> None:
    first = served(small_essay_file, tmp_path)
    async with first.run_test(size=(100, 30)) as pilot:
        await type_name(pilot, "Di")
        await pilot.press("2", "q")
    first.prepared.close(remember=False)  # as `run_served` does when the app has ended
    second = served(small_essay_file, tmp_path)
    async with second.run_test(size=(100, 30)) as pilot:
        await type_name(pilot, "Di")
        assert isinstance(second.screen, ReadingScreen)
        assert second.session.assessment.paragraph[0].answers
        await pilot.press("q")
    second.prepared.close(remember=False)


async def test_a_file_that_fails_validation_is_explained_on_the_name_screen_and_kept(
    tmp_path: Path, small_essay_file: Path
) -> None:
    """In a terminal the command prints the problem when the app has ended; a tab would just close."""
    first = served(small_essay_file, tmp_path)
    async with first.run_test(size=(100, 30)) as pilot:
        await type_name(pilot, "Fa")
        await pilot.press("1", "q")
    first.prepared.close(remember=False)
    out = tmp_path / "essay.Fa.readtui.toml"
    text = re.sub(r"(?m)^seconds = \d+$", "seconds = -5", out.read_text(encoding="utf-8"))
    out.write_text(text, encoding="utf-8")
    again = served(small_essay_file, tmp_path)
    async with again.run_test(size=(100, 30)) as pilot:
        await type_name(pilot, "Fa")
        assert isinstance(again.screen, NameScreen)
        shown = screen_text(again)
        assert "essay.Fa.readtui.toml: session.seconds: Input should be" in shown  # not the teacher's path
        assert "ask your teacher" in shown
        await pilot.press(*["backspace"] * 2)
        await type_name(pilot, "Go")  # the tab goes on under another name
        assert isinstance(again.screen, ReadingScreen)
        await pilot.press("q")
    again.prepared.close(remember=False)
    assert out.read_text(encoding="utf-8") == text, "an invalid file is never written over"
    assert not (tmp_path / "essay.Fa.readtui.toml.lock").exists()


async def test_leaving_as_the_web_driver_asks_saves_the_answers(tmp_path: Path, small_essay_file: Path) -> None:
    """A closed tab or a stopped server ends the app with Textual's ExitApp, not `q`."""
    app = served(small_essay_file, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await type_name(pilot, "Ed")
        await pilot.pause(0.1)  # the first save, after the first frame
        await pilot.press("1")
        app.post_message(messages.ExitApp())
        await pilot.pause()
    saved = read_toml(tmp_path / "essay.Ed.readtui.toml")
    assert saved["paragraph"][0]["answers"]


async def test_no_name_asked_nothing_saved(tmp_path: Path, small_essay_file: Path) -> None:
    app = served(small_essay_file, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        app.post_message(messages.ExitApp())
        await pilot.pause()
    assert not list(tmp_path.glob("*.readtui.toml"))
