"""The palette's "Checklist info", and retired answers shown on the overall screen."""

from __future__ import annotations

from pathlib import Path

from readtui.core.checklist import bundled_checklists
from readtui.core.launch import prepare_session
from readtui.tui.app import ReadtuiApp, make_app
from readtui.tui.compare_app import CompareApp
from readtui.tui.screens.dialogs import InfoDialog
from readtui.tui.screens.overall import OverallScreen
from tests.app.conftest import screen_text
from tests.conftest import answered_with_1_2, pack, release_1_3, write_checklist


async def run_checklist_info(app, pilot) -> InfoDialog:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*"checklist info")
    await pilot.pause(0.5)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, InfoDialog)
    return app.screen


def one_line(app) -> str:
    return " ".join(" ".join(screen_text(app).split("│")).split())


async def test_checklist_info_names_the_pack_its_source_version_and_file(tmp_path: Path) -> None:
    app = make_app(prepare_session(None, checklist_spec=None, reader="tester", out=tmp_path / "a.toml"))
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await run_checklist_info(app, pilot)
        shown = one_line(app)
        assert "Checklist info" in shown
        assert "Critical reading (critical-reading, version 1.2)" in shown
        assert "Draws on SIFT, CRAAP and the common informal fallacies." in shown
        assert "12 items per paragraph, 4 once per essay, 2 before reading: ≈ 77 answers" in " ".join(dialog.text_lines)
        assert f"File: {bundled_checklists()['critical-reading'].resolve()} (bundled with readtui)" in dialog.text_lines
        await pilot.press("escape")
        assert not isinstance(app.screen, InfoDialog)
        await pilot.press("q")
        await pilot.pause()
    app.prepared.close()


async def test_a_newer_pack_says_what_changed_and_shows_retired_answers(tmp_path: Path, small_essay_file: Path) -> None:
    out = tmp_path / "mine.readtui.toml"
    answered_with_1_2(small_essay_file, out)
    newer = write_checklist(tmp_path / "critical-reading.toml", pack("1.3", release_1_3))
    prepared = prepare_session(small_essay_file, checklist_spec=str(newer), reader="tester", out=out)
    app: ReadtuiApp = make_app(prepared)
    notices: list[str] = []
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        notices += [n.message for n in app._notifications]
        dialog = await run_checklist_info(app, pilot)
        assert "Checklist critical-reading 1.2 → 1.3 since this file was saved" in dialog.text_lines
        assert "  retired: checkable" in dialog.text_lines
        assert (
            "  ¶ 1  Are the factual claims backed by evidence?: Partly  (option 'partly' removed)" in dialog.text_lines
        )
        shown = one_line(app)
        assert "added: new-question" in shown and "Retired answers (3)" in shown
        await pilot.press("escape")
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, OverallScreen)
        summary = str(app.screen.query_one("#summary").render())
        assert "Retired answers (from version 1.2)" in summary
        assert "¶ 1  Could you check the key claim yourself?: Yes, easily  (item removed)" in summary
        await pilot.press("q")
        await pilot.pause()
    prepared.close()
    assert notices and notices[0].startswith("Checklist critical-reading 1.2 → 1.3 since this file was saved")


async def test_checklist_text_is_never_markup(tmp_path: Path, small_essay_file: Path) -> None:
    own = write_checklist(
        tmp_path / "own.toml",
        pack("1", lambda data: data.update(id="own", title="[b]Own[/b]", description="From [red]x[/red].")),
    )
    app = make_app(prepare_session(small_essay_file, checklist_spec=str(own), reader="tester", out=tmp_path / "o.toml"))
    async with app.run_test(size=(80, 24)) as pilot:
        await run_checklist_info(app, pilot)
        shown = one_line(app)
        assert "[b]Own[/b] (own, version 1)" in shown and "From [red]x[/red]." in shown
        await pilot.press("escape", "q")
        await pilot.pause()
    app.prepared.close()


async def test_the_compare_app_has_checklist_info(comparison) -> None:
    app = CompareApp(comparison)
    async with app.run_test(size=(120, 40)) as pilot:
        await run_checklist_info(app, pilot)
        assert "Critical reading (critical-reading, version 1.2)" in one_line(app)
        await pilot.press("escape")
