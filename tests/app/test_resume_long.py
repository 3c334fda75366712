"""Resuming a long, fully answered file: the first frame comes before the file is validated and
its paragraphs serialised for saving (`ReadtuiApp._settle`); nothing may be lost or written
half-done meanwhile."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from readtui.core.checklist import ChoiceItem, bundled_checklists
from readtui.core.launch import PreparedSession, prepare_session
from readtui.core.storage import load_checklist
from readtui.tui.app import ReadtuiApp, make_app
from readtui.tui.autosave import SAVE_MAX_WAIT
from tests.app.conftest import screen_text
from tests.conftest import read_toml, write_assessment

PARAGRAPHS = 2_000
SIZE = (120, 40)


def choice_items() -> list[ChoiceItem]:
    checklist = load_checklist(bundled_checklists()["critical-reading"])
    return [item for item in checklist.items.values() if item.scope == "paragraph" and isinstance(item, ChoiceItem)]


@pytest.fixture
def long_file(tmp_path: Path) -> tuple[Path, Path]:
    """A 2,000-paragraph essay and a file that answers the choice items of every paragraph (each
    paragraph its own answers) with a note on each."""
    essay = tmp_path / "long.txt"
    body = (
        f"Paragraph {i} makes claim {i} about the budget. The minister said so twice." for i in range(1, PARAGRAPHS + 1)
    )
    essay.write_text("A Long Essay\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")
    items = choice_items()
    answers = {
        i: {item.id: item.options[(i + n) % len(item.options)].id for n, item in enumerate(items)}
        for i in range(1, PARAGRAPHS + 1)
    }
    notes = {i: f"Note {i}: check the figures." for i in range(1, PARAGRAPHS + 1)}
    checklist = load_checklist(bundled_checklists()["critical-reading"])
    return essay, write_assessment(tmp_path / "long.readtui.toml", essay, checklist, "tester", answers, note=notes)


@pytest.fixture
def held_check(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The validation after the first frame waits in its worker until the event is set, so a test
    can act before the session has settled."""
    release = threading.Event()
    check = PreparedSession.check

    def held(self: PreparedSession):
        if threading.current_thread() is not threading.main_thread():
            release.wait(30)
        return check(self)

    monkeypatch.setattr(PreparedSession, "check", held)
    yield release
    release.set()


def open_app(essay: Path, out: Path) -> ReadtuiApp:
    """As `readtui read` opens it: its first frame from the preview of the file."""
    prepared = prepare_session(essay, checklist_spec=None, reader="tester", out=out, preview=True)
    assert prepared.session.preview and len(prepared.session.assessment.paragraph) == 1
    return make_app(prepared)


async def settle(app: ReadtuiApp, pilot) -> None:
    for _ in range(600):
        if app.settled and not app.workers:
            return
        await pilot.pause(0.05)
    raise AssertionError("the session never settled")


async def test_a_resumed_long_file_shows_its_answers_on_the_first_and_a_far_paragraph(long_file) -> None:
    essay, out = long_file
    written = read_toml(out)["paragraph"]
    app = open_app(essay, out)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "¶ 1 / 2000" in screen_text(app)
        assert "Note 1: check the figures." in screen_text(app)
        assert app.session.answers(1).answers == written[0]["answers"]
        await pilot.press("g", *"1500", "enter")
        await pilot.pause()
        assert "¶ 1500 / 2000" in screen_text(app)
        assert "Note 1500: check the figures." in screen_text(app)
        assert app.session.answers(1500).answers == written[1499]["answers"]
        await settle(app, pilot)
        await pilot.press("q")
        await pilot.pause()
    app.prepared.close(remember=False)


async def test_opening_a_long_file_saves_it_whole_and_unchanged(long_file) -> None:
    """The save right after opening uses the paragraphs serialised in the worker: the file comes
    back byte for byte."""
    essay, out = long_file
    original = out.read_bytes()
    app = open_app(essay, out)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert out.read_bytes() == original
        await pilot.press("q")
        await pilot.pause()
    app.prepared.close(remember=False)
    assert out.read_bytes() == original


async def test_a_change_before_the_file_is_checked_is_saved_once_it_is(long_file, held_check) -> None:
    essay, out = long_file
    original, data = out.read_bytes(), read_toml(out)
    first = choice_items()[0]
    app = open_app(essay, out)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app.settled
        await pilot.press("1")  # ¶ 1's first item had option 2
        await pilot.pause(SAVE_MAX_WAIT + 0.5)
        assert out.read_bytes() == original, "nothing is saved before the file is validated"
        held_check.set()
        await settle(app, pilot)
        saved = read_toml(out)
        data["paragraph"][0]["answers"][first.id] = first.options[0].id
        data["paragraph"][0]["seconds"] = saved["paragraph"][0]["seconds"]  # reading time counts on
        assert saved["paragraph"] == data["paragraph"], "every paragraph, and the change"
        assert {key: value for key, value in saved.items() if key != "session"} == {
            key: value for key, value in data.items() if key != "session"
        }
        await pilot.press("q")
        await pilot.pause()
    app.prepared.close(remember=False)


async def test_an_invalid_file_changed_before_it_is_checked_exits_2_untouched(long_file, held_check) -> None:
    essay, out = long_file
    text = out.read_text(encoding="utf-8").replace("chars = ", "chars = -", 1)
    out.write_text(text, encoding="utf-8")
    app = open_app(essay, out)  # the shape is right: it opens, and is validated after the first frame
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("1", "n", "1")
        await pilot.pause(SAVE_MAX_WAIT + 0.5)
        held_check.set()
        for _ in range(200):
            if not app.is_running:
                break
            await pilot.pause(0.05)
        assert not app.is_running
        assert app.return_code == 2
        assert [str(problem) for problem in app.bad_input] == [
            f"{out}: paragraph[1].chars: Input should be greater than or equal to 0 (got -{len(app.session.text(1))})"
        ]
    app.prepared.close(remember=False)
    assert out.read_text(encoding="utf-8") == text, "an invalid file is never written over"


async def test_a_key_before_the_whole_file_is_read_acts_on_the_whole_file(long_file, monkeypatch) -> None:
    """A key that comes before the first frame is followed (as one typed during start-up would be)
    first reads the whole file: it never acts on the preview."""
    monkeypatch.setattr(ReadtuiApp, "_after_first_frame", lambda app: None)
    essay, out = long_file
    written = read_toml(out)["paragraph"]
    app = open_app(essay, out)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.session.preview
        assert "…/2000 done" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert not app.session.preview
        assert "¶ 2 / 2000" in screen_text(app) and "Note 2: check the figures." in screen_text(app)
        assert app.session.answers(2).answers == written[1]["answers"]
        assert f"0/{PARAGRAPHS} done" in screen_text(app)
    app.prepared.close(remember=False)


async def test_a_file_broken_past_its_preview_exits_2_untouched_after_the_first_frame(long_file) -> None:
    """The preview reads only ¶ 1's record: bad TOML in ¶ 1500's is found when the whole file is
    read, right after the first frame, and said in one line."""
    essay, out = long_file
    text = out.read_text(encoding="utf-8").replace("index = 1500\n", "index = 1500\nindex = 1500\n")
    out.write_text(text, encoding="utf-8")
    app = open_app(essay, out)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            if not app.is_running:
                break
            await pilot.pause(0.05)
        assert not app.is_running and app.return_code == 2
        (problem,) = [str(problem) for problem in app.bad_input]
        line = text[: text.index("index = 1500\nindex") + 13].count("\n") + 1
        assert problem.startswith(f"{out}:{line}:") and "TOML syntax error" in problem and "\n" not in problem
    app.prepared.close(remember=False)
    assert out.read_text(encoding="utf-8") == text, "a broken file is never written over"
