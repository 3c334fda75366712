"""A few snapshots guard the look of the screens (update with `pytest --snapshot-update`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from readtui.core.launch import prepare_session
from readtui.tui.app import make_app


@pytest.fixture
def fresh_app(tmp_path: Path):
    """The app on the sample essay with a new assessment; the lock is released afterwards."""
    app = make_app(prepare_session(None, checklist_spec=None, reader="tester", out=tmp_path / "snap.toml"))
    yield app
    app.prepared.close()


@pytest.mark.parametrize("size", [(120, 40), (80, 24), (70, 30)], ids=["wide", "80x24", "stacked"])
def test_reading_screen(snap_compare, fresh_app, size) -> None:
    # A new session opens on the before-reading questions: n goes on to ¶ 1.
    assert snap_compare(fresh_app, press=["n", "2", "j", "1", "3", "j", "j", "f"], terminal_size=size)


def test_before_reading_screen_at_80x24(snap_compare, fresh_app) -> None:
    """The first screen of a new session of critical-reading: what it is for, how to skip it."""
    assert snap_compare(fresh_app, press=["4", "j"], terminal_size=(80, 24))


def test_overall_screen(snap_compare, fresh_app) -> None:
    assert snap_compare(fresh_app, press=["n", "1", "o", "j", "j", "4"], terminal_size=(120, 40))


def test_a_text_answer_being_written_at_80x24(snap_compare, fresh_app) -> None:
    """The whole prompt above an editor of several lines, with how to end it, and the checklist above."""
    from textual.widgets import TextArea

    async def steady_cursor(pilot) -> None:
        await pilot.press("n", "o", "enter")
        pilot.app.screen.query_one(TextArea).cursor_blink = False  # the picture must not depend on the moment

    keys = [*"Iran acts alone.", "enter", *"Says who?"]
    assert snap_compare(fresh_app, press=keys, run_before=steady_cursor, terminal_size=(80, 24))


def test_help_dialog(snap_compare, fresh_app) -> None:
    assert snap_compare(fresh_app, press=["n", "question_mark"], terminal_size=(100, 40))


def test_reading_screen_in_a_light_theme(snap_compare, tmp_path) -> None:
    from readtui.core.config import Config

    app = make_app(
        prepare_session(None, checklist_spec=None, reader="tester", out=tmp_path / "light.toml"),
        Config(theme="textual-light"),
    )
    try:
        assert snap_compare(app, press=["n", "2", "j", "1", "f"], terminal_size=(100, 30))
    finally:
        app.prepared.close()


def test_overlapping_highlights_and_the_overall_list(snap_compare, fresh_app) -> None:
    session = fresh_app.session
    text = session.text(4)
    phrase = "rub salt into the Middle East’s wounds"
    start = text.index(phrase)
    session.add_highlight(4, start, start + len(phrase), "loaded-word", note="metaphor of injury")
    session.add_highlight(4, start + 9, start + 40, "unsourced-claim")  # overlaps the first
    session.add_highlight(4, 0, 13, "named-source")
    session.go_to(4)
    assert snap_compare(fresh_app, terminal_size=(120, 40))


def test_overall_screen_lists_highlights_by_label(snap_compare, fresh_app) -> None:
    session = fresh_app.session
    text = session.text(4)
    start = text.index("propaganda")
    session.add_highlight(4, start, start + len("propaganda"), "loaded-word")
    session.add_highlight(1, 0, 32, "unsourced-claim", note="made by whom?")
    assert snap_compare(fresh_app, press=["o"], terminal_size=(120, 40))
