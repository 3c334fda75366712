"""Training against a key (``readtui train``) and making a key (``readtui adjudicate``): driven by
keys, checked against the TOML written. Without the apps: tests/unit/test_training.py,
tests/cli/test_training_cli.py, tests/snapshots/test_training_snapshots.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from readtui.cli import main
from readtui.core.adjudication import prepare_adjudication
from readtui.core.checklist import bundled_checklists
from readtui.core.essay import sample_essay_path
from readtui.core.launch import prepare_training
from readtui.core.storage import file_sha256
from readtui.tui.adjudicate_app import AdjudicateApp
from readtui.tui.screens.training import ScoreScreen, TrainingScreen
from readtui.tui.widgets.paragraph import ParagraphView
from tests.conftest import open_training, phrase, read_toml, write_assessment, write_three_readers


def feedback_text(app) -> str:
    return str(app.screen.query_one("#feedback").render())


# --- train ----------------------------------------------------------------------------------


async def test_learner_gets_feedback_on_two_paragraphs_and_revises_one(
    tmp_path: Path, small_essay_file: Path, key_file: Path
) -> None:
    out = tmp_path / "learner.toml"
    app = open_training(small_essay_file, key_file, out)
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, TrainingScreen)
        await pilot.press("3")  # ¶1 claims-supported: "no", as the key
        await pilot.press("n")  # unchecked: n shows the feedback instead of moving on
        assert app.session.position == 1
        assert app.screen.showing_feedback
        text = feedback_text(app)
        assert "✓ Are the factual claims backed by evidence?" in text
        assert "you: No, just asserted · key: No, just asserted" in text
        assert "It offers no support for it." in text
        assert "✗ How loaded is the wording?" in text  # not answered: a miss
        await pilot.press("1")  # digits do nothing while the feedback shows
        assert app.session.answers(1).answers == {"claims-supported": "no"}
        await pilot.press("a", "2")  # answer again: "partly"
        assert app.session.answers(1).answers == {"claims-supported": "partly"}
        await pilot.press("c")  # back to the feedback: the revision is shown, the score is not changed
        assert "answered again: Partly ✗" in feedback_text(app)
        await pilot.press("n")  # checked: n moves on
        assert app.session.position == 2
        assert not app.screen.showing_feedback
        await pilot.press("3", "c")  # ¶2: "no", the key says "yes"
        assert "✗ Are the factual claims backed by evidence?" in feedback_text(app)
        await pilot.press("q")
        await pilot.pause()
    app.prepared.close()
    training = read_toml(out)["training"]
    assert training["key_sha256"] == file_sha256(key_file)
    first, second = training["paragraph"]
    assert first == {
        "index": 1,
        "feedback": True,
        "revised": ["claims-supported"],
        "first_try": {"claims-supported": "no"},
        "score": {"claims-supported": 1.0, "loaded-words": 0.0},
    }
    assert second == {
        "index": 2,
        "feedback": True,
        "first_try": {"claims-supported": "no"},
        "score": {"claims-supported": 0.0},
    }
    assert "training" not in read_toml(key_file)  # the key is only read


async def test_score_screen_counts_first_tries(tmp_path: Path, small_essay_file: Path, key_file: Path) -> None:
    out = tmp_path / "learner.toml"
    app = open_training(small_essay_file, key_file, out)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("3", "c", "a", "2")  # right first, then revised to a wrong answer
        await pilot.press("n", "n", "n")  # to ¶2, its feedback (nothing answered), to ¶3
        await pilot.press("j", "j", "j", "j", "j", "j", "3")  # ¶3 loaded-words 3: within ± 1 of 4
        await pilot.press("s")  # mid-exercise: only the paragraphs checked so far count
        assert isinstance(app.screen, ScoreScreen)
        text = str(app.screen.query_one("#score").render())
        assert "learner: 33% at the first try" in text  # ¶1 ✓ and ✗, ¶2 ✗: 1 of 3; ¶3 is not checked yet
        assert "So far: ¶ 1–2 of 4, as checked against the key" in text
        await pilot.press("escape", "c", "s")  # ¶3 checked: ≈ (within the tolerance, counts 1)
        text = str(app.screen.query_one("#score").render())
        assert "learner: 50% at the first try" in text  # 2 of 4
        assert "So far: ¶ 1–3 of 4" in text
        assert "Highlights: found 0 of the key's 1" in text
        await pilot.press("escape", "q")
        await pilot.pause()
    app.prepared.close()


# --- adjudicate -----------------------------------------------------------------------------


async def test_adjudication_carries_agreement_and_writes_decisions(
    tmp_path: Path, small_essay_file: Path, three_files: list[Path]
) -> None:
    key = tmp_path / "key.toml"
    adjudication = prepare_adjudication([str(p) for p in three_files], key)
    assert adjudication.agreed == 1  # ¶1 claims-supported: everyone said "no"
    assert [(d.index, d.item.id) for d in adjudication.disputes] == [
        (1, "loaded-words"),
        (2, "claims-supported"),
        (2, "sources-named"),
    ]
    app = AdjudicateApp(adjudication, key)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("3")  # ¶1 loaded-words: the 3rd value of the scale, 3
        await pilot.press("e", *"Some loaded words", "enter")
        await pilot.press("o", "x")  # ¶2 claims-supported: no consensus
        await pilot.press("o", "2")  # ¶2 sources-named: "some"
        await pilot.press("q")
        await pilot.pause()
    data = read_toml(key)
    first, second, third = data["paragraph"]
    assert first["answers"] == {"claims-supported": "no", "loaded-words": 3}
    assert first["explain"] == {"loaded-words": "Some loaded words"}
    assert second["answers"] == {"sources-named": "some"}
    assert second["no_consensus"] == ["claims-supported"]
    assert third["highlight"] == [{"start": 65, "end": 71, "label": "loaded-word", "quote": "regime"}]
    assert data["session"]["status"] == "complete"
    # the key trains
    prepared = prepare_training(
        small_essay_file, key_path=key, checklist_spec=None, reader="L", out=tmp_path / "l.toml"
    )
    prepared.close()


async def test_finishing_shows_the_score_and_the_essay_feedback(
    tmp_path: Path, small_essay_file: Path, critical_checklist
) -> None:
    key = write_assessment(
        tmp_path / "key.toml",
        small_essay_file,
        critical_checklist,
        "teacher",
        {1: {"claims-supported": "no"}},
        overall={"credibility": 2, "main-claim": "The other side is a regime."},
    )
    out = tmp_path / "learner.toml"
    app = open_training(small_essay_file, key, out)
    async with app.run_test(size=(100, 40)) as pilot:
        session = app.session
        for index in [*range(1, session.paragraph_count + 1), None, "before"]:
            scope = {None: "essay", "before": "before"}.get(index, "paragraph")
            for item in (i for i in critical_checklist.items.values() if i.scope == scope and i.required):
                session.toggle_unsure(index, item.id)
        await pilot.press("s")
        text = str(app.screen.query_one("#score").render())
        assert "Finish on the overall screen (d)" in text  # the essay's feedback waits for the end
        await pilot.press("escape", "o", "d")
        assert isinstance(app.screen, ScoreScreen)
        text = str(app.screen.query_one("#score").render())
        assert "The essay as a whole: 0 of 1 at the first try" in text
        assert "model answer: The other side is a regime." in text
        await pilot.press("q")
        await pilot.pause()
    app.prepared.close()
    essay_record = next(r for r in read_toml(out)["training"]["paragraph"] if r["index"] == 0)
    assert essay_record["feedback"] is True and essay_record["score"] == {"credibility": 0.0}


async def test_feedback_lists_the_keys_highlights_and_the_learners_others(
    tmp_path: Path, small_essay_file: Path, key_file: Path
) -> None:
    app = open_training(small_essay_file, key_file, tmp_path / "learner.toml")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n", "n", "n", "n")  # check ¶1, on to ¶2, check it, on to ¶3
        text = app.session.text(3)
        app.session.add_highlight(3, text.index("loaded"), text.index("loaded") + 6, "loaded-word")
        await pilot.press("c")
        feedback = feedback_text(app)
        assert "The key's highlights: you marked 0 of 1\n(underlined in the paragraph: ✓ found, ✗ missed)" in feedback
        assert "✗ Loaded word or phrase: “regime”" in feedback
        assert "Yours that the key does not mark:" in feedback
        assert "· Loaded word or phrase: “loaded”" in feedback
        await pilot.press("q")
        await pilot.pause()
    app.prepared.close()


def underlined_words(app) -> dict[str, str]:
    """The words of the shown paragraph that are underlined in a colour of their own, by colour."""
    view = app.screen.query_one(ParagraphView)
    marked = view._marked_text()
    found: dict[str, str] = {}
    for span in marked.spans:
        style = span.style
        if getattr(style, "underline", False) and style.foreground is not None:
            found[str(style.foreground)] = marked.plain[span.start : span.end]
    return found


async def test_the_keys_highlights_are_underlined_in_the_paragraph_found_and_missed(
    tmp_path: Path, small_essay_file: Path, critical_checklist
) -> None:
    key = write_assessment(
        tmp_path / "key.toml",
        small_essay_file,
        critical_checklist,
        "teacher",
        {3: {"loaded-words": 4}},
        highlight={3: [phrase(small_essay_file, 3, "loaded words"), phrase(small_essay_file, 3, "regime")]},
    )
    app = open_training(small_essay_file, key, tmp_path / "learner.toml")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("g", "3", "enter")
        text = app.session.text(3)
        app.session.add_highlight(3, text.index("regime"), text.index("regime") + 6, "loaded-word")
        app.screen.refresh_views()
        assert underlined_words(app) == {}, "the key stays hidden until the paragraph is checked"
        await pilot.press("c")
        await pilot.pause()
        view = app.screen.query_one(ParagraphView)
        found_colour = str(view.style_of("paragraph--key-found").foreground)
        missed_colour = str(view.style_of("paragraph--key-missed").foreground)
        assert found_colour != missed_colour
        assert underlined_words(app) == {found_colour: "regime", missed_colour: "loaded words"}
        assert "key: 1 found, 1 missed" in view.badges
        await pilot.press("n")  # to ¶ 4, which the key does not mark
        await pilot.pause()
        assert app.session.position == 4 and underlined_words(app) == {}
        await pilot.press("q")
        await pilot.pause()
    app.prepared.close()


async def test_adjudication_of_a_multi_item_with_another_combination(
    tmp_path: Path, small_essay_file: Path, critical_checklist
) -> None:
    files = [
        write_assessment(
            tmp_path / f"{r}.toml", small_essay_file, critical_checklist, r, {1: {"evidence-kinds": ticks}}
        )
        for r, ticks in (("A", ["statistics"]), ("B", ["documents"]), ("C", []))
    ]
    key = tmp_path / "key.toml"
    app = AdjudicateApp(prepare_adjudication([str(p) for p in files], key), key)
    async with app.run_test(size=(100, 30)) as pilot:
        choices = app.screen.query_one("#choices")
        assert [str(choices.get_option_at_index(n).prompt) for n in range(choices.option_count)] == [
            "1 Statistics or figures  — A",
            "2 Documents or records  — B",
            "3 none of these  — C",
            "  another combination…",
        ]
        choices.highlighted = 3
        await pilot.press("enter")  # opens the tick list
        await pilot.press("space", "down", "space", "enter")  # statistics and documents
        await pilot.press("q")
        await pilot.pause()
    assert read_toml(key)["paragraph"][0]["answers"] == {"evidence-kinds": ["statistics", "documents"]}


def test_checked_paragraphs_are_named_as_ranges() -> None:
    from readtui.tui.screens.training import paragraph_ranges

    assert paragraph_ranges([5, 1, 2, 3, 7, 8]) == "1–3, 5, 7–8"
    assert paragraph_ranges([1]) == "1"


async def test_feedback_names_the_items_the_key_leaves_open(
    tmp_path: Path, small_essay_file: Path, key_file: Path
) -> None:
    """¶ 2's key answers only claims-supported: the other choice, scale and multi items are named as
    not scored, so '1 of 1' does not read as a whole paragraph."""
    app = open_training(small_essay_file, key_file, tmp_path / "learner.toml")
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.press("n", "n", "n")  # check ¶1, on to ¶2, check it
        feedback = feedback_text(app)
        items = app.session.checklist.items
        open_items = [i for i in app.session.paragraph_items if i.id != "claims-supported" and i.kind != "text"]
        assert f"Not scored: the key gives no answer for {len(open_items)} items" in feedback
        for item in open_items:
            assert f"? {item.prompt}" in feedback
        assert f"? {items['claims-supported'].prompt}" not in feedback
        await pilot.press("q")
        await pilot.pause()
    app.prepared.close()


async def test_a_markdown_paragraph_keeps_its_lines_in_adjudication(tmp_path: Path, critical_checklist) -> None:
    from readtui.core.essay import load_essay

    essay_path = tmp_path / "essay.md"
    essay_path.write_text("# Title\n\n## Three claims\n\n- one **bold**\n- two\n", encoding="utf-8")
    files = [
        write_assessment(tmp_path / f"{reader}.toml", essay_path, critical_checklist, reader, {1: {"loaded-words": n}})
        for reader, n in (("ann", 1), ("ben", 4))
    ]
    key = tmp_path / "key.toml"
    app = AdjudicateApp(prepare_adjudication([str(f) for f in files], key, essays=[load_essay(essay_path)]), key)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        text = str(app.screen.query_one("#text").render())
        assert text.splitlines()[:3] == ["Three claims", "• one bold", "• two"]


# --- every bundled pack -----------------------------------------------------------------------


@pytest.mark.parametrize("checklist_id", sorted(bundled_checklists()))
async def test_every_pack_trains_against_a_key_adjudicated_from_its_readers(tmp_path: Path, checklist_id: str) -> None:
    """Three readers of the sample with the pack, settled by majority into a key; a learner
    answers an item the key settled and gets feedback on it (the paragraph's, or the essay's at
    the end)."""
    readers = tmp_path / "readers"
    readers.mkdir()
    key = tmp_path / "key.toml"
    files = [str(path) for path in write_three_readers(readers, checklist_id)]
    result = CliRunner().invoke(main, ["adjudicate", *files, "--out", str(key), "--majority"])
    assert result.exit_code == 0, result.output
    settled = {p["index"]: p.get("answers", {}) for p in read_toml(key).get("paragraph", [])}
    settled[0] = read_toml(key).get("overall", {}).get("answers", {})
    out = tmp_path / "learner.toml"
    app = open_training(sample_essay_path(), key, out)
    checklist = app.session.checklist
    scope = "paragraph" if checklist.items_in("paragraph") else "essay"
    items = [item for _, items in checklist.items_in(scope) for item in items]
    index, item = next((i, item) for i, answers in sorted(settled.items()) for item in items if item.id in answers)
    assert (index == 0) == (scope == "essay")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*(["g", *str(index), "enter"] if index else ["o"]))
        app.screen.checklist_view.move_cursor(to=items.index(item))
        await pilot.press(*(["enter", "enter"] if getattr(item, "steps", 0) > 9 else ["1"]))
        await pilot.pause()
        if index:
            await pilot.press("c")
            assert item.prompt.split()[0] in feedback_text(app)
        else:
            for other in items:
                if other.required and other is not item:
                    app.session.toggle_unsure(None, other.id)
            await pilot.press("d")
            assert isinstance(app.screen, ScoreScreen)
            assert "The essay as a whole" in str(app.screen.query_one("#score").render())
        await pilot.press("q")
        await pilot.pause()
    app.prepared.close()
    [record] = [r for r in read_toml(out)["training"]["paragraph"] if r["index"] == index]
    assert record["feedback"] is True
    assert item.id in record["first_try"] and item.id in record["score"]
