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
from tests.conftest import write_three_readers

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
