"""``readtui adjudicate`` on screen: accepting every majority and going through the ties, a multi
item's majority per option, a scale item's tolerance; checked against the key written (more in
tests/app/test_training_app.py; without the app: tests/unit/test_adjudication.py)."""

from __future__ import annotations

from pathlib import Path

from readtui.core.adjudication import prepare_adjudication
from readtui.tui.adjudicate_app import AdjudicateApp
from tests.app.conftest import screen_text
from tests.conftest import read_toml, write_readers

FOUR_READERS = {
    "A": {1: {"claims-supported": "yes", "evidence-kinds": ["documents"], "sources-named": "all", "loaded-words": 2}},
    "B": {1: {"claims-supported": "yes", "evidence-kinds": ["statistics"], "sources-named": "all", "loaded-words": 2}},
    "C": {1: {"claims-supported": "yes", "evidence-kinds": ["statistics", "documents"], "sources-named": "some"}},
    "D": {1: {"claims-supported": "no", "evidence-kinds": [], "sources-named": "some", "loaded-words": 4}},
}
"""¶1: claims-supported 3–1 and loaded-words 2–1 have a majority; sources-named splits 2–2 and
evidence-kinds 2–2 on statistics and on documents."""


def open_app(tmp_path: Path, essay: Path, checklist, given: dict) -> tuple[AdjudicateApp, Path]:
    key = tmp_path / "key.toml"
    files = write_readers(tmp_path, essay, checklist, given)
    return AdjudicateApp(prepare_adjudication(files, key), key), key


def counts(app: AdjudicateApp) -> str:
    return str(app.screen.query_one("#title").right)


def notices(app: AdjudicateApp) -> list[str]:
    return [notification.message for notification in app._notifications]


def where(app: AdjudicateApp) -> str:
    return str(app.screen.query_one("#where").render())


async def test_accepting_every_majority_leaves_only_the_ties_and_can_be_undone(
    tmp_path: Path, small_essay_file: Path, critical_checklist
) -> None:
    app, key = open_app(tmp_path, small_essay_file, critical_checklist, FOUR_READERS)
    async with app.run_test(size=(100, 30)) as pilot:
        assert counts(app) == "1 of 4 · 4 open · 0 agreed"
        await pilot.press("a")
        assert read_toml(key)["paragraph"][0]["answers"] == {"claims-supported": "yes", "loaded-words": 2}
        assert counts(app) == "1 of 2 left · 2 open · 2 by majority"
        assert notices(app)[-1].startswith("Accepted 2 majorities; showing only the 2 left open (ties, no majority)")
        text = screen_text(app)
        assert "¶ 1 · What kinds of evidence are given?" in where(app)
        assert "No majority per option: tied on Statistics or figures, Documents or records" in text
        await pilot.press("n")
        assert "¶ 1 · Are the sources named?" in where(app)
        await pilot.press("n")  # only the ties: back to the first
        assert "What kinds of evidence are given?" in where(app)
        await pilot.press("1")  # a tie decided by hand: documents
        assert counts(app) == "1 of 2 left · 1 open · 2 by majority"
        await pilot.press("escape", "p", "3")  # every disagreement; a majority overruled by hand: no
        assert counts(app) == "1 of 4 · 1 open · 0 agreed"
        await pilot.press("u")  # the majorities reopened, but not what was decided by hand
        assert read_toml(key)["paragraph"][0]["answers"] == {"claims-supported": "no", "evidence-kinds": ["documents"]}
        assert notices(app)[-1] == "Reopened 1 decided by majority."
        assert counts(app) == "1 of 4 · 2 open · 0 agreed"
        await pilot.press("a", "escape")  # every disagreement again, at the one shown
        assert counts(app) == "3 of 4 · 1 open · 0 agreed"
        assert "Are the sources named?" in where(app)
        await pilot.press("q")
        await pilot.pause()
    assert read_toml(key)["paragraph"][0]["answers"] == {
        "claims-supported": "no",
        "evidence-kinds": ["documents"],
        "loaded-words": 2,
    }


async def test_nothing_is_saved_before_majorities_are_accepted(
    tmp_path: Path, small_essay_file: Path, critical_checklist
) -> None:
    """Accepting the majorities is one decision, saved like the others; before it, the key is not
    written, and quitting writes only what was agreed."""
    app, key = open_app(tmp_path, small_essay_file, critical_checklist, FOUR_READERS)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "n")
        assert not key.exists()
        await pilot.press("q")
        await pilot.pause()
    assert "answers" not in read_toml(key)["paragraph"][0]


async def test_a_multi_item_by_majority_per_option_or_of_whole_sets(
    tmp_path: Path, small_essay_file: Path, critical_checklist
) -> None:
    """labels and emotive are each ticked by 3 of 5 (absolutes by 2): a set no reader gave, offered as a
    choice; of whole sets, [labels] (A and B) is the majority."""
    ticks = {
        "A": ["labels"],
        "B": ["labels"],
        "C": ["labels", "emotive", "absolutes"],
        "D": ["absolutes", "emotive"],
        "E": ["emotive", "us-vs-them"],
    }
    given = {reader: {1: {"wording-tactics": t}} for reader, t in ticks.items()}
    app, key = open_app(tmp_path, small_essay_file, critical_checklist, given)
    async with app.run_test(size=(120, 30)) as pilot:
        choices = app.screen.query_one("#choices")
        prompts = [str(choices.get_option_at_index(n).prompt) for n in range(choices.option_count)]
        assert prompts[-2:] == [
            "5 Emotive imagery, Labels, name-calling  — majority per option",
            "  another combination…",
        ]
        votes = str(app.screen.query_one("#votes").render())
        assert "Ticks, of the 5 who answered: Emotive imagery 3 (in) · Us versus them 1 (out)" in votes
        assert "Majority per option: Emotive imagery, Labels, name-calling (r: whole sets instead)" in votes
        await pilot.press("r")
        votes = str(app.screen.query_one("#votes").render())
        assert "Majority of whole sets: Labels, name-calling (r: per option instead)" in votes
        await pilot.press("a")
        assert read_toml(key)["paragraph"][0]["answers"] == {"wording-tactics": ["labels"]}
        await pilot.press("u", "r", "a")
        assert read_toml(key)["paragraph"][0]["answers"] == {"wording-tactics": ["emotive", "labels"]}
        await pilot.press("q")
        await pilot.pause()


async def test_tolerance_of_a_scale_item_is_set_on_screen(
    tmp_path: Path, small_essay_file: Path, critical_checklist
) -> None:
    app, key = open_app(tmp_path, small_essay_file, critical_checklist, FOUR_READERS)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("+")  # claims-supported is not a scale item
        assert not key.exists()
        assert notices(app) == ["Only scale items have a tolerance."]
        await pilot.press("p")  # loaded-words, the last
        decision = str(app.screen.query_one("#decision").render())
        assert "Tolerance 0: only the exact answer is right · +/- (every paragraph)" in decision
        await pilot.press("+", "=")
        assert read_toml(key)["key"] == {"tolerance": {"loaded-words": 2}}
        decision = str(app.screen.query_one("#decision").render())
        assert "Tolerance ± 2: answers up to 2 away are right too" in decision
        await pilot.press("+", "+", "+")  # a 1–5 scale: at most 4
        assert read_toml(key)["key"] == {"tolerance": {"loaded-words": 4}}
        assert notices(app)[-1] == "Tolerance: 5 is wider than the scale of 'loaded-words' (1 to 5: at most 4)"
        await pilot.press(*["minus"] * 5)
        assert read_toml(key)["key"] == {"tolerance": 0}
        await pilot.press("q")
        await pilot.pause()


async def test_the_keys_and_the_palette_offer_the_majorities(
    tmp_path: Path, small_essay_file: Path, critical_checklist
) -> None:
    app, _ = open_app(tmp_path, small_essay_file, critical_checklist, FOUR_READERS)
    async with app.run_test(size=(80, 24)) as pilot:
        bar = screen_text(app).splitlines()[-1]
        assert bar.strip() == "1-9 pick · a majorities · x no consensus · e explain · n/p · ? help · q quit"
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Accept every majority" in titles and "Multi-select majority: whole sets" in titles
        await pilot.resize_terminal(160, 40)
        await pilot.pause()
        assert "a accept every majority, then the ties" in screen_text(app).splitlines()[-1]
        await pilot.press("question_mark")
        help_text = screen_text(app)
        assert "Accept every majority, then show only the ties" in help_text
        assert "Scale item: widen the key's tolerance" in help_text
        await pilot.press("escape", "q")
        await pilot.pause()


def test_the_app_refuses_readers_who_all_agree(tmp_path: Path, small_essay_file: Path, critical_checklist) -> None:
    """With nothing to settle, the app says why at once (the command writes the key without it)."""
    import pytest

    agreed = {"claims-supported": "no"}
    with pytest.raises(ValueError, match="every reader agreed"):
        open_app(tmp_path, small_essay_file, critical_checklist, {"ann": {1: agreed}, "bo": {1: agreed}})


async def test_a_readers_note_of_several_lines_keeps_its_lines(
    tmp_path: Path, small_essay_file, critical_checklist
) -> None:
    """In adjudication and in compare's readers side by side: lines, not a ␊ picture."""
    from readtui.core.compare import compare
    from readtui.core.corpus import load_comparison
    from readtui.core.essay import load_essay
    from readtui.tui.compare_app import CompareApp

    given = {"ann": {1: {"claims-supported": "no"}}, "bo": {1: {"claims-supported": "yes"}}}
    note = {"ann": {1: "First line of the note.\nSecond line."}}
    files = write_readers(tmp_path, small_essay_file, critical_checklist, given, note=note)
    key = tmp_path / "key.toml"
    app = AdjudicateApp(prepare_adjudication(files, key), key)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        assert "First line of the note." in shown and "␊" not in shown
        assert any(line.strip() == "Second line." for line in shown.splitlines())
    comparison = compare(load_comparison(files, essays=[load_essay(small_essay_file)]), bootstrap=0)
    app = CompareApp(comparison)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        notes = str(app.screen.query_one("#notes").render())
        assert "ann: First line of the note.\nSecond line." in notes and "␊" not in notes
