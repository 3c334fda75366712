"""What every app gets from `ReadtuiBaseApp`: the user's theme and keymap, the help with the keys as
mapped. (Refused saves: test_refused_saves.py; SIGTERM and SIGHUP: tests/terminal/test_signals.py.)"""

from __future__ import annotations

from pathlib import Path

from readtui.core.adjudication import prepare_adjudication
from readtui.core.config import Config
from readtui.tui.adjudicate_app import AdjudicateApp
from readtui.tui.compare_app import CompareApp
from readtui.tui.keys import key_rows
from readtui.tui.screens.dialogs import HelpDialog
from tests.conftest import read_toml, write_three_readers

CONFIG = Config(theme="gruvbox", keymap={"next": "space", "quit": "z"})


def adjudication(tmp_path: Path):
    readers = tmp_path / "readers"
    readers.mkdir()
    return prepare_adjudication([str(p) for p in write_three_readers(readers)], tmp_path / "key.toml")


async def test_the_adjudicate_app_takes_the_users_theme_and_keys(tmp_path: Path) -> None:
    app = AdjudicateApp(adjudication(tmp_path), tmp_path / "key.toml", CONFIG)
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.theme == "gruvbox"
        first = app.screen.dispute
        await pilot.press("space")  # "next" remapped from n
        assert app.screen.dispute is not first
        rows = dict((description, keys) for keys, description in key_rows(app.screen))
        assert rows["Next disagreement"].split()[0] == "space"
        await pilot.press("z")  # "quit" remapped from q
        assert not app.is_running


async def test_the_compare_app_takes_the_users_theme_and_keys_and_has_help(comparison) -> None:
    app = CompareApp(comparison, Config(theme="gruvbox"))
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.theme == "gruvbox"
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpDialog)
        assert "Sort by contention" in " ".join(description for _, description in app.screen.rows)
        assert not any("Save now" in description for _, description in app.screen.rows), "nothing to save here"
        await pilot.press("escape", "q")
        assert not app.is_running


async def test_the_adjudication_key_bar_fits_80_columns_and_offers_help(tmp_path: Path) -> None:
    from tests.app.conftest import screen_text

    app = AdjudicateApp(adjudication(tmp_path), tmp_path / "key.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        last = screen_text(app).splitlines()[-1]
        assert last.strip().endswith("? help · q quit"), last
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpDialog)
        rows = dict((description, keys) for keys, description in app.screen.rows)
        assert rows["Undo the decision on this item"] == "⌫"


async def test_keys_typed_after_q_change_nothing(tmp_path: Path) -> None:
    """Keys already on their way when q quits are dropped: what is on screen when the app ends,
    what the summary counts and what the file holds stay the same."""
    from textual import events

    from readtui.core.launch import prepare_session
    from readtui.tui.app import make_app

    out = tmp_path / "fast.toml"
    app = make_app(prepare_session(None, checklist_spec=None, reader="tester", out=out))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        for key in ("q", "1", "n", "f"):  # typed in one burst: all queued before q is handled
            app.post_message(events.Key(key, key))
        await pilot.pause()
    app.prepared.close()
    session = app.session
    assert session.answers(1).answers == {"claims-supported": "partly"}
    assert session.position == 1 and not session.answers(1).flagged
    saved = read_toml(out)
    assert saved["paragraph"][0]["answers"] == {"claims-supported": "partly"}
    assert saved["session"]["position"] == 1
