"""The reading session: every change a reader can make, undo, progress, and resuming a file."""

from __future__ import annotations

import copy
import errno
import os
from pathlib import Path

import pytest

from readtui.core.assessment import ParagraphRecord
from readtui.core.checklist import Checklist, checklist_from_data
from readtui.core.errors import ReadtuiError
from readtui.core.essay import parse_essay
from readtui.core.launch import default_out_path, prepare_session, safe_file_part
from readtui.core.paths import sessions_index_path
from readtui.core.resume import realign, resume_problems
from readtui.core.session import (
    COMPLETE,
    STARTED,
    UNVISITED,
    Change,
    ReadingSession,
    new_assessment,
)
from readtui.core.storage import AssessmentWriter, FileLock, load_assessment, read_sessions
from tests.conftest import FaultyOs, write_assessment, write_checklist

SHA = "ab" * 32
PARAGRAPHS = [
    "Alpha opens the essay. It states the question plainly.",
    "Bravo gives a figure. The figure comes from a report.",
    "Charlie uses loaded words. It calls them a regime.",
    "Delta draws the conclusion. It does not follow.",
]


def essay_of(paragraphs: list[str], title: str = "Edited Essay"):
    essay = parse_essay(title + "\n\n" + "\n\n".join(paragraphs))
    assert list(essay.paragraphs) == paragraphs
    return essay


@pytest.fixture
def session(small_essay, critical_checklist) -> ReadingSession:
    return ReadingSession(
        small_essay, critical_checklist, new_assessment(small_essay, critical_checklist, SHA, "tester", "essay.txt")
    )


def item(session: ReadingSession, item_id: str):
    return session.checklist.items[item_id]


def answer(session: ReadingSession, target, item_id: str):
    return session.answers(target).answers.get(item_id)


def saved_and_loaded(tmp_path: Path, session: ReadingSession):
    path = tmp_path / "s.readtui.toml"
    AssessmentWriter().save(path, session.assessment)
    return load_assessment(path)


# --- choose, per kind -----------------------------------------------------------------------


def test_choice_digit_picks_option_id(session: ReadingSession) -> None:
    claims = item(session, "claims-supported")
    assert session.choose(1, claims, 2) is True
    assert answer(session, 1, "claims-supported") == "partly"
    assert session.choose(1, claims, 4) is True
    assert answer(session, 1, "claims-supported") == "no-claims"
    before = copy.deepcopy(session.assessment)
    assert session.choose(1, claims, 5) is False, "there is no fifth option"
    assert session.choose(1, claims, 0) is False
    assert session.choose(1, claims, 4) is False, "the same answer again is no change"
    assert session.assessment == before
    assert answer(session, 1, "claims-supported") == "no-claims"


def test_scale_digit_is_the_value_within_0_to_9(session: ReadingSession) -> None:
    loaded = item(session, "loaded-words")
    assert session.choose(2, loaded, 4) and answer(session, 2, "loaded-words") == 4
    assert session.choose(2, loaded, 1) and answer(session, 2, "loaded-words") == 1
    assert not session.choose(2, loaded, 0) and not session.choose(2, loaded, 6)
    assert answer(session, 2, "loaded-words") == 1
    assert session.choose(None, item(session, "credibility"), 5)
    assert answer(session, None, "credibility") == 5


def custom_checklist() -> Checklist:
    return checklist_from_data(
        Path("scales.toml"),
        {
            "format": "readtui-checklist/1",
            "id": "scales",
            "title": "Scales",
            "version": "1",
            "section": [
                {
                    "id": "s",
                    "title": "S",
                    "item": [
                        {"id": "signed", "prompt": "p", "kind": "scale", "min": -2, "max": 2},
                        {"id": "zero", "prompt": "p", "kind": "scale", "min": 0, "max": 4},
                        {"id": "wide", "prompt": "p", "kind": "scale", "min": 10, "max": 30},
                        {"id": "opt", "prompt": "p", "kind": "text", "required": False},
                    ],
                }
            ],
        },
    )


def test_scale_digit_is_the_kth_step_outside_0_to_9(small_essay) -> None:
    checklist = custom_checklist()
    s = ReadingSession(small_essay, checklist, new_assessment(small_essay, checklist, SHA, "tester", "e.txt"))
    signed, zero, wide = (checklist.items[i] for i in ("signed", "zero", "wide"))
    assert s.choose(1, signed, 1) and answer(s, 1, "signed") == -2
    assert s.choose(1, signed, 5) and answer(s, 1, "signed") == 2
    assert s.choose(1, signed, 3) and answer(s, 1, "signed") == 0
    assert not s.choose(1, signed, 6) and not s.choose(1, signed, 0)
    assert s.choose(1, zero, 0) and answer(s, 1, "zero") == 0
    assert s.choose(1, wide, 9) and answer(s, 1, "wide") == 18
    assert not s.choose(1, wide, 0)


def test_multi_digits_toggle_and_zero_means_none(session: ReadingSession) -> None:
    kinds = item(session, "evidence-kinds")
    assert session.choose(1, kinds, 3)
    assert answer(session, 1, "evidence-kinds") == ["example"]
    assert session.choose(1, kinds, 1)
    assert answer(session, 1, "evidence-kinds") == ["statistics", "example"], "kept in option order"
    assert session.choose(1, kinds, 3)
    assert answer(session, 1, "evidence-kinds") == ["statistics"]
    assert session.choose(1, kinds, 0)
    assert answer(session, 1, "evidence-kinds") == [], "0 is 'none of these', an answer"
    assert session.paragraph_state(1) == STARTED
    assert session.choose(1, kinds, 0) is False
    assert session.choose(1, kinds, 2)
    assert answer(session, 1, "evidence-kinds") == ["documents"]
    assert not session.choose(1, kinds, 6)


def test_unticking_the_last_option_clears_the_answer(session: ReadingSession) -> None:
    kinds = item(session, "evidence-kinds")
    session.choose(2, kinds, 5)
    assert session.record(2) is not None
    session.choose(2, kinds, 5)
    assert "evidence-kinds" not in session.answers(2).answers
    assert session.record(2) is None, "an empty record is dropped"
    assert session.assessment.paragraph == []


# --- unsure, clear, notes, flags ------------------------------------------------------------


def test_toggle_unsure_drops_the_answer(session: ReadingSession) -> None:
    session.choose(1, item(session, "checkable"), 1)
    assert session.toggle_unsure(1, "checkable")
    record = session.record(1)
    assert record is not None
    assert "checkable" not in record.answers and record.unsure == ["checkable"]
    assert record.is_answered("checkable")
    assert session.toggle_unsure(1, "checkable")
    assert session.record(1) is None


def test_an_answer_replaces_an_unsure_mark(session: ReadingSession) -> None:
    session.toggle_unsure(None, "credibility")
    assert session.assessment.overall.unsure == ["credibility"]
    session.choose(None, item(session, "credibility"), 2)
    assert session.assessment.overall.unsure == []
    assert session.assessment.overall.answers == {"credibility": 2}


def test_clear(session: ReadingSession) -> None:
    session.choose(1, item(session, "claims-supported"), 1)
    session.toggle_unsure(1, "checkable")
    assert session.clear(1, "claims-supported")
    assert session.clear(1, "checkable"), "clear removes an unsure mark too"
    assert session.record(1) is None
    assert session.clear(1, "claims-supported") is False
    assert session.clear(None, "summary") is False


def test_text_answers_and_notes(session: ReadingSession) -> None:
    main_claim = item(session, "main-claim")
    assert session.set_text(None, main_claim, "It says X.\nAnd Y.")
    assert answer(session, None, "main-claim") == "It says X.\nAnd Y."
    assert session.set_text(None, main_claim, "  \n ")
    assert "main-claim" not in session.assessment.overall.answers, "blank text clears"
    assert session.set_note(2, "check this [b]later[/b]")
    assert session.record(2).note == "check this [b]later[/b]"
    assert session.set_note(2, "check this [b]later[/b]") is False
    assert session.set_note(None, "overall thoughts")
    assert session.assessment.overall.note == "overall thoughts"
    assert session.set_note(2, "")
    assert session.record(2) is None


def test_flags(session: ReadingSession) -> None:
    assert session.toggle_flag(3)
    assert session.is_flagged(3) and session.flagged_paragraphs() == [3]
    assert session.paragraph_state(3) == STARTED
    session.toggle_flag(1)
    assert session.flagged_paragraphs() == [1, 3]
    session.toggle_flag(3)
    assert not session.is_flagged(3) and session.record(3) is None


# --- undo -----------------------------------------------------------------------------------


def test_undo_restores_each_change_in_turn(session: ReadingSession) -> None:
    claims, kinds = item(session, "claims-supported"), item(session, "evidence-kinds")
    session.choose(1, claims, 1)
    session.choose(1, claims, 3)
    session.choose(1, kinds, 2)
    session.toggle_unsure(1, "claims-supported")
    session.toggle_flag(1)

    assert session.undo() == Change(1)
    assert not session.is_flagged(1)
    session.undo()
    assert answer(session, 1, "claims-supported") == "no" and session.record(1).unsure == []
    session.undo()
    assert "evidence-kinds" not in session.answers(1).answers
    session.undo()
    assert answer(session, 1, "claims-supported") == "yes"
    session.undo()
    assert session.record(1) is None
    assert session.assessment.paragraph == []
    assert session.undo() is None


def test_undo_of_a_note_edit(session: ReadingSession) -> None:
    session.set_note(2, "first")
    session.set_note(2, "second")
    assert session.undo() == Change(2)
    assert session.record(2).note == "first"
    session.undo()
    assert session.record(2) is None


def test_undo_of_a_text_edit_as_one_step(session: ReadingSession) -> None:
    session.set_note(None, "before")
    session.remember(None)
    for text in ("b", "be", "bet", "better"):
        session.set_note(None, text, undoable=False)
    assert session.undo() == Change(None)
    assert session.assessment.overall.note == "before"


def test_undo_across_paragraphs_and_the_essay(session: ReadingSession) -> None:
    session.choose(1, item(session, "loaded-words"), 2)
    session.choose(None, item(session, "credibility"), 4)
    session.choose(2, item(session, "loaded-words"), 5)
    assert session.undo() == Change(2)
    assert session.record(2) is None
    assert session.undo() == Change(None)
    assert session.assessment.overall.answers == {}
    assert answer(session, 1, "loaded-words") == 2


def test_undo_restores_a_cleared_record_and_it_is_saved(tmp_path: Path, session: ReadingSession) -> None:
    session.choose(3, item(session, "claims-supported"), 2)
    session.set_note(3, "keep me")
    session.set_note(3, "")
    session.clear(3, "claims-supported")
    assert session.record(3) is None
    session.undo()
    session.undo()
    loaded = saved_and_loaded(tmp_path, session)
    assert [(r.index, r.note, r.answers) for r in loaded.paragraph] == [(3, "keep me", {"claims-supported": "partly"})]


# --- progress -------------------------------------------------------------------------------


def required_paragraph_items(session: ReadingSession) -> list[str]:
    return [i.id for i in session.paragraph_items if i.required]


def answer_paragraph(session: ReadingSession, index: int) -> None:
    for item_id in required_paragraph_items(session):
        session.choose(index, item(session, item_id), 1)


def test_paragraph_state(session: ReadingSession) -> None:
    assert session.paragraph_state(1) == UNVISITED
    session.choose(1, item(session, "claims-supported"), 1)
    assert session.paragraph_state(1) == STARTED
    answer_paragraph(session, 1)
    assert session.paragraph_state(1) == COMPLETE
    session.toggle_unsure(1, "dodges")
    assert session.paragraph_state(1) == COMPLETE, "unsure counts as answered"
    session.clear(1, "dodges")
    assert session.paragraph_state(1) == STARTED
    assert session.answered_paragraphs() == 0


def test_unanswered_required(session: ReadingSession) -> None:
    required = required_paragraph_items(session)
    assert len(required) == 12
    missing = session.unanswered_required()
    assert missing[:2] == [("before", "prior-stance"), ("before", "prior-knowledge")], "in reading order"
    assert missing[2 : 2 + len(required)] == [(1, item_id) for item_id in required]
    assert missing[-3:] == [(None, "main-claim"), (None, "credibility"), (None, "summary")]
    assert len(missing) == 2 + 4 * 12 + 3, "would-convince is optional"
    answer_paragraph(session, 2)
    assert all(index != 2 for index, _ in session.unanswered_required())
    assert len(session.unanswered_required()) == 2 + 3 * 12 + 3


def test_finish_only_when_nothing_required_is_missing(session: ReadingSession) -> None:
    missing = session.finish()
    assert len(missing) == 53
    assert session.assessment.session.status == "in-progress"
    for index in range(1, 5):
        answer_paragraph(session, index)
    session.set_answer("before", "prior-stance", 3)
    session.toggle_unsure("before", "prior-knowledge")
    session.set_text(None, item(session, "main-claim"), "It claims X.")
    session.toggle_unsure(None, "credibility")
    assert session.finish() == [(None, "summary")]
    assert session.assessment.session.status == "in-progress"
    session.set_text(None, item(session, "summary"), "Weak.")
    assert session.finish() == []
    assert session.assessment.session.status == "complete"
    assert session.answered_paragraphs() == 4
    session.set_note(2, "a note leaves no gap")
    assert session.assessment.session.status == "complete"
    session.clear(3, "checkable")
    assert session.assessment.session.status == "in-progress", "a change that leaves a gap reopens it"
    session.choose(3, item(session, "checkable"), 1)
    assert session.finish() == []
    session.clear(None, "summary")
    assert session.assessment.session.status == "in-progress", "an essay answer cleared reopens it too"


def test_go_to_and_seconds(session: ReadingSession) -> None:
    session.go_to(3)
    assert session.position == 3
    session.go_to(99)
    assert session.position == 4
    session.go_to(-5)
    assert session.position == 1
    session.go_to(2)
    session.add_seconds(30)
    session.add_seconds(15)
    assert session.record(2).seconds == 45
    assert session.assessment.session.seconds == 45
    assert session.paragraph_state(2) == STARTED


def test_answer_counts(session: ReadingSession) -> None:
    kinds = item(session, "evidence-kinds")
    session.choose(1, kinds, 1)
    session.choose(1, kinds, 2)
    session.choose(2, kinds, 1)
    session.choose(3, kinds, 0)
    session.toggle_unsure(4, "evidence-kinds")
    counts = session.answer_counts()["evidence-kinds"]
    assert counts == {"statistics": 2, "documents": 1, "none of these": 1, "unsure": 1}


def test_changes_reach_the_saved_file(tmp_path: Path, session: ReadingSession) -> None:
    session.choose(2, item(session, "claims-supported"), 3)
    session.choose(2, item(session, "evidence-kinds"), 0)
    session.toggle_flag(4)
    session.set_text(None, item(session, "main-claim"), 'A "claim".')
    session.go_to(4)
    loaded = saved_and_loaded(tmp_path, session)
    assert loaded == session.assessment
    assert [(r.index, r.answers, r.flagged) for r in loaded.paragraph] == [
        (2, {"claims-supported": "no", "evidence-kinds": []}, False),
        (4, {}, True),
    ]
    assert loaded.paragraph[0].sha256 == session.essay.paragraph_sha256(1)
    assert loaded.paragraph[0].chars == len(session.essay.paragraphs[1])
    assert loaded.session.position == 4
    assert loaded.overall.answers == {"main-claim": 'A "claim".'}


# --- resuming and realigning ----------------------------------------------------------------


def answered_session(essay, checklist) -> ReadingSession:
    """Every paragraph of ``essay`` gets its own note, so records can be told apart."""
    s = ReadingSession(essay, checklist, new_assessment(essay, checklist, SHA, "tester", "essay.txt"))
    for index, text in enumerate(essay.paragraphs, start=1):
        s.set_note(index, f"note on {text.split()[0]}")
        s.choose(index, checklist.items["loaded-words"], index)
    return s


def test_same_essay_resumes_without_notices(critical_checklist) -> None:
    essay = essay_of(PARAGRAPHS)
    s = answered_session(essay, critical_checklist)
    assert resume_problems(Path("a.toml"), s.assessment, essay_of(PARAGRAPHS), "tester") == []


def test_edited_essay_moves_records_and_marks_the_changed_one_stale(tmp_path: Path, critical_checklist) -> None:
    old = essay_of(PARAGRAPHS)
    s = answered_session(old, critical_checklist)
    s.go_to(4)
    assessment = saved_and_loaded(tmp_path, s)

    edited = [
        PARAGRAPHS[0],
        "Echo is new. It was inserted later.",
        PARAGRAPHS[1],
        "Charlie was reworded. It is milder now.",
        PARAGRAPHS[3],
    ]
    new = essay_of(edited)
    notices = resume_problems(Path("a.toml"), assessment, new, "tester")
    assert notices == [
        "The essay was edited since this file was saved: 2 paragraph(s) moved; "
        "1 paragraph(s) changed; their answers are kept and marked stale."
    ]
    by_note = {r.note: r for r in assessment.paragraph}
    assert (by_note["note on Alpha"].index, by_note["note on Alpha"].stale) == (1, False)
    assert (by_note["note on Bravo"].index, by_note["note on Bravo"].stale) == (3, False)
    assert (by_note["note on Delta"].index, by_note["note on Delta"].stale) == (5, False)
    assert (by_note["note on Charlie"].index, by_note["note on Charlie"].stale) == (4, True), (
        "stale, at its old place shifted like the paragraphs before it (the reworded paragraph's place)"
    )
    assert by_note["note on Bravo"].sha256 == new.paragraph_sha256(2)
    assert assessment.essay.sha256 == new.sha256 and assessment.essay.paragraphs == 5

    resumed = ReadingSession(new, critical_checklist, assessment)
    assert resumed.record(3).note == "note on Bravo"
    assert resumed.record(5).note == "note on Delta"
    assert resumed.record(2) is None, "the inserted paragraph has no answers"
    assert resumed.is_stale(4) and resumed.record(4).note == "note on Charlie"
    assert not resumed.is_stale(3)
    assert resumed.answers(5).answers == {"loaded-words": 4}

    # The stale record survives a save and the file still loads.
    reloaded = saved_and_loaded(tmp_path, resumed)
    assert sorted((r.index, r.stale, r.note) for r in reloaded.paragraph) == [
        (1, False, "note on Alpha"),
        (3, False, "note on Bravo"),
        (4, True, "note on Charlie"),
        (5, False, "note on Delta"),
    ]


def test_deleted_paragraph_keeps_its_answers_as_stale(tmp_path: Path, critical_checklist) -> None:
    s = answered_session(essay_of(PARAGRAPHS), critical_checklist)
    assessment = s.assessment
    new = essay_of([PARAGRAPHS[0], PARAGRAPHS[2], PARAGRAPHS[3]])
    notices = resume_problems(Path("a.toml"), assessment, new, "tester")
    assert notices == [
        "The essay was edited since this file was saved: 2 paragraph(s) moved; "
        "1 paragraph(s) changed; their answers are kept and marked stale."
    ]
    live = sorted((r.index, r.note) for r in assessment.paragraph if not r.stale)
    assert live == [(1, "note on Alpha"), (2, "note on Charlie"), (3, "note on Delta")]
    (stale,) = [r for r in assessment.paragraph if r.stale]
    assert stale.note == "note on Bravo" and 1 <= stale.index <= 3
    resumed = ReadingSession(new, critical_checklist, assessment)
    assert resumed.record(2).note == "note on Charlie", "a live record wins over a stale one at the same place"
    reloaded = saved_and_loaded(tmp_path, resumed)
    assert sorted(r.note for r in reloaded.paragraph) == [
        "note on Alpha",
        "note on Bravo",
        "note on Charlie",
        "note on Delta",
    ]


def test_answering_a_stale_paragraph_makes_it_current(critical_checklist) -> None:
    old = essay_of(PARAGRAPHS)
    s = answered_session(old, critical_checklist)
    edited = [*PARAGRAPHS[:2], "Charlie was reworded. It is milder now.", PARAGRAPHS[3]]
    new = essay_of(edited)
    assessment = copy.deepcopy(s.assessment)
    notices = resume_problems(Path("a.toml"), assessment, new, "tester")
    assert notices == [
        "The essay was edited since this file was saved: 0 paragraph(s) moved; "
        "1 paragraph(s) changed; their answers are kept and marked stale."
    ]
    resumed = ReadingSession(new, critical_checklist, assessment)
    assert resumed.is_stale(3) and not resumed.is_stale(2)
    assert resumed.record(3).note == "note on Charlie"
    resumed.choose(3, critical_checklist.items["loaded-words"], 1)
    record = resumed.record(3)
    assert not record.stale and not resumed.is_stale(3)
    assert record.sha256 == new.paragraph_sha256(2)
    assert record.excerpt.startswith("Charlie was reworded")
    assert record.answers["loaded-words"] == 1 and record.note == "note on Charlie"


def test_a_different_essay_is_refused(critical_checklist) -> None:
    s = answered_session(essay_of(PARAGRAPHS), critical_checklist)
    other = essay_of(
        [PARAGRAPHS[0], "Other text here. Nothing alike.", "More other text. Still different.", "Last of it. The end."]
    )
    with pytest.raises(ReadtuiError) as caught:
        resume_problems(Path("a.toml"), s.assessment, other, "tester")
    assert str(caught.value) == (
        "a.toml: was written for a different essay ('Edited Essay', 1 of 4 paragraphs match); use --out to start a new file"
    )


def test_half_the_paragraphs_shared_is_still_the_same_essay(critical_checklist) -> None:
    s = answered_session(essay_of(PARAGRAPHS), critical_checklist)
    half = essay_of([PARAGRAPHS[0], PARAGRAPHS[1], "Changed one. Quite new.", "Changed two. Also new."])
    assert resume_problems(Path("a.toml"), s.assessment, half, "tester")


def test_another_readers_file_is_refused(critical_checklist) -> None:
    essay = essay_of(PARAGRAPHS)
    s = answered_session(essay, critical_checklist)
    s.assessment.reader.name = "alice"
    with pytest.raises(ReadtuiError) as caught:
        resume_problems(Path("a.toml"), s.assessment, essay, "tester")
    assert str(caught.value) == (
        "a.toml: belongs to reader 'alice', not 'tester'; use --reader alice to resume it, or --out to start another file"
    )


def test_realign_clamps_position_and_stale_indexes(critical_checklist) -> None:
    s = answered_session(essay_of(PARAGRAPHS), critical_checklist)
    s.go_to(4)
    shorter = essay_of([PARAGRAPHS[0], PARAGRAPHS[1], PARAGRAPHS[2]])
    assessment = s.assessment
    realign(Path("a.toml"), assessment, shorter)
    assert assessment.session.position == 3
    assert assessment.essay.paragraphs == 3
    assert all(r.index <= 3 for r in assessment.paragraph)
    assert [r.note for r in assessment.paragraph if r.stale] == ["note on Delta"]


# --- launch: preparing, resuming and closing a session --------------------------------------


def test_prepare_new_session(tmp_path: Path, small_essay_file: Path, critical_checklist_path: Path) -> None:
    out = tmp_path / "mine.readtui.toml"
    prepared = prepare_session(small_essay_file, checklist_spec=None, reader="tester", out=out)
    try:
        assert not out.exists(), "nothing is written before the reader does anything"
        assert prepared.checklist_path == critical_checklist_path
        assert prepared.notices == []
        assert prepared.session.assessment.essay.source == "essay.txt"
        with pytest.raises(ReadtuiError, match="already open"):
            prepare_session(small_essay_file, checklist_spec=None, reader="tester", out=out)
        prepared.session.choose(1, prepared.session.checklist.items["claims-supported"], 1)
        prepared.save()
        assert load_assessment(out).paragraph[0].answers == {"claims-supported": "yes"}
    finally:
        prepared.close()
    assert not FileLock(out).path.exists()
    entries = read_sessions(sessions_index_path())
    assert len(entries) == 1
    assert entries[0]["path"] == str(out.resolve())
    assert entries[0]["essay"] == str(small_essay_file.resolve())
    assert entries[0]["title"] == "A Small Test Essay"
    assert entries[0]["reader"] == "tester"
    assert (entries[0]["paragraphs"], entries[0]["answered"], entries[0]["status"]) == (4, 0, "in-progress")


def test_prepare_resumes_answers_and_position(tmp_path: Path, small_essay_file: Path) -> None:
    out = tmp_path / "mine.readtui.toml"
    first = prepare_session(small_essay_file, checklist_spec=None, reader="tester", out=out)
    first.session.choose(2, first.session.checklist.items["loaded-words"], 4)
    first.session.set_note(None, "so far")
    first.session.go_to(3)
    first.save()
    first.close()

    second = prepare_session(small_essay_file, checklist_spec=None, reader="tester", out=out)
    try:
        assert second.notices == []
        assert second.session.position == 3
        assert second.session.answers(2).answers == {"loaded-words": 4}
        assert second.session.assessment.overall.note == "so far"
    finally:
        second.close()


def test_prepare_defaults(tmp_path: Path, small_essay_file: Path) -> None:
    prepared = prepare_session(small_essay_file, checklist_spec=None, reader="Ann O'Neil/x", out=None)
    try:
        assert prepared.out_path == tmp_path / "essay.Ann-O'Neil-x.readtui.toml"
        assert prepared.out_path == default_out_path(small_essay_file, "Ann O'Neil/x")
    finally:
        prepared.close()
    assert safe_file_part("../..") == "reader"
    assert safe_file_part("a\tb\nc") == "a-b-c"


def test_prepare_refuses_another_readers_file_and_releases_the_lock(tmp_path: Path, small_essay_file: Path) -> None:
    out = tmp_path / "alice.readtui.toml"
    prepared = prepare_session(small_essay_file, checklist_spec=None, reader="alice", out=out)
    prepared.session.set_note(1, "alice's")
    prepared.save()
    prepared.close()
    with pytest.raises(ReadtuiError, match="belongs to reader 'alice', not 'tester'"):
        prepare_session(small_essay_file, checklist_spec=None, reader="tester", out=out)
    assert not FileLock(out).path.exists()
    again = prepare_session(small_essay_file, checklist_spec=None, reader="alice", out=out)
    again.close()


def test_prepare_bad_essay_fails_before_locking(tmp_path: Path) -> None:
    out = tmp_path / "x.readtui.toml"
    with pytest.raises(ReadtuiError) as caught:
        prepare_session(tmp_path / "missing.txt", checklist_spec=None, reader="tester", out=out)
    assert str(caught.value) == f"{tmp_path / 'missing.txt'}: no such file"
    assert not out.exists() and not FileLock(out).path.exists()


def test_prepare_edited_essay_gives_a_notice(tmp_path: Path, small_essay_file: Path, small_essay) -> None:
    out = tmp_path / "mine.readtui.toml"
    first = prepare_session(small_essay_file, checklist_spec=None, reader="tester", out=out)
    for index in range(1, 5):
        first.session.set_note(index, f"n{index}")
    first.save()
    first.close()
    text = small_essay_file.read_text(encoding="utf-8")
    small_essay_file.write_text(
        text.replace("It calls the other side a regime.", "It calls them a government."), encoding="utf-8"
    )
    second = prepare_session(small_essay_file, checklist_spec=None, reader="tester", out=out)
    try:
        assert second.notices == [
            "The essay was edited since this file was saved: 0 paragraph(s) moved; "
            "1 paragraph(s) changed; their answers are kept and marked stale."
        ]
        assert second.session.is_stale(3)
        assert second.session.record(3).note == "n3"
    finally:
        second.close()


def test_answers_to_removed_items_are_kept(
    tmp_path: Path, small_essay_file: Path, critical_checklist_path: Path
) -> None:
    out = tmp_path / "mine.readtui.toml"
    first = prepare_session(small_essay_file, checklist_spec=None, reader="tester", out=out)
    first.session.choose(1, first.session.checklist.items["loaded-words"], 2)
    first.session.set_answer(1, "retired-item", "old answer")
    first.session.set_answer(None, "retired-essay-item", 7)
    first.save()
    first.close()
    assessment = load_assessment(out)
    assessment.checklist.version = "0.9"
    AssessmentWriter().save(out, assessment)

    second = prepare_session(small_essay_file, checklist_spec=None, reader="tester", out=out)
    try:
        assert len(second.notices) == 1
        assert second.notices[0].startswith(
            "Checklist critical-reading 0.9 → 1.2 since this file was saved: readtui keeps no copy of 0.9 to compare. "
            "2 answers no longer fit"
        )
        session = second.session
        assert "retired-item" not in [i.id for i in session.paragraph_items]
        session.choose(1, session.checklist.items["claims-supported"], 1)
        session.clear(1, "loaded-words")
        second.save()
    finally:
        second.close()
    saved = load_assessment(out)
    assert saved.checklist.version == "0.9", "the version its retired answers were given with"
    assert saved.paragraph[0].answers == {"retired-item": "old answer", "claims-supported": "yes"}
    assert saved.overall.answers == {"retired-essay-item": 7}


def test_checklist_found_beside_the_assessment(tmp_path: Path, small_essay_file: Path) -> None:
    own = write_checklist(
        tmp_path / "scales.toml",
        'format = "readtui-checklist/1"\nid = "scales"\ntitle = "S"\nversion = "1"\n'
        '[[section]]\nid = "s"\ntitle = "S"\n[[section.item]]\nid = "signed"\nprompt = "p"\nkind = "scale"\nmin = -2\nmax = 2\n',
    )
    out = tmp_path / "mine.readtui.toml"
    first = prepare_session(small_essay_file, checklist_spec=str(own), reader="tester", out=out)
    first.session.choose(1, first.session.checklist.items["signed"], 5)
    first.save()
    first.close()
    second = prepare_session(small_essay_file, checklist_spec=None, reader="tester", out=out)
    try:
        assert second.checklist_path == own
        assert second.session.answers(1).answers == {"signed": 2}
    finally:
        second.close()
    with pytest.raises(ReadtuiError, match="uses checklist 'scales', not 'critical-reading'"):
        prepare_session(small_essay_file, checklist_spec="critical-reading", reader="tester", out=out)
    assert not FileLock(out).path.exists()


def test_stale_records_load_into_a_session(small_essay, critical_checklist) -> None:
    assessment = new_assessment(small_essay, critical_checklist, SHA, "tester", "essay.txt")
    assessment.paragraph.append(ParagraphRecord(index=2, sha256="cd" * 32, chars=5, stale=True, note="old"))
    s = ReadingSession(small_essay, critical_checklist, assessment)
    assert s.is_stale(2) and s.record(2).note == "old"
    assert s.paragraph_state(2) == STARTED


def test_hand_edited_position_past_the_end_is_clamped(critical_checklist) -> None:
    essay = essay_of(PARAGRAPHS)
    s = answered_session(essay, critical_checklist)
    s.assessment.session.position = 99
    assert resume_problems(Path("a.toml"), s.assessment, essay, "tester") == []
    assert s.assessment.session.position == 4


def test_hand_edited_record_past_the_end_is_refused(critical_checklist) -> None:
    essay = essay_of(PARAGRAPHS)
    s = answered_session(essay, critical_checklist)
    s.assessment.paragraph[1].index = 9
    with pytest.raises(ReadtuiError) as caught:
        resume_problems(Path("a.toml"), s.assessment, essay, "tester")
    assert str(caught.value) == "a.toml: paragraph[2].index: index 9 is past the essay's 4 paragraphs"


def test_undo_keeps_reading_time(tmp_path: Path, session: ReadingSession) -> None:
    session.go_to(2)
    session.choose(2, item(session, "loaded-words"), 3)
    session.add_seconds(40)
    session.undo()
    assert session.record(2).seconds == 40, "time spent reading is not undone with the answer"
    assert session.answers(2).answers == {}
    assert session.assessment.session.seconds == 40
    loaded = saved_and_loaded(tmp_path, session)
    assert [(r.index, r.seconds) for r in loaded.paragraph] == [(2, 40)]


def test_stale_answers_are_to_be_reviewed_and_the_same_answer_confirms_them(critical_checklist) -> None:
    s = answered_session(essay_of(PARAGRAPHS), critical_checklist)
    for item_id in s._required_paragraph:
        s.choose(3, critical_checklist.items[item_id], 1)
    assert s.paragraph_state(3) == COMPLETE
    new = essay_of([*PARAGRAPHS[:2], "Charlie was reworded. It is milder now.", PARAGRAPHS[3]])
    assessment = copy.deepcopy(s.assessment)
    resume_problems(Path("a.toml"), assessment, new, "tester")
    resumed = ReadingSession(new, critical_checklist, assessment)
    assert resumed.paragraph_state(3) == STARTED, "answers to changed text are not complete"
    assert (3, "claims-supported") in resumed.unanswered_required()
    previous = resumed.answers(3).answers["claims-supported"]
    assert resumed.set_answer(3, "claims-supported", previous), "the same answer again confirms it"
    assert not resumed.is_stale(3)
    assert resumed.paragraph_state(3) == COMPLETE


def test_an_edited_essay_with_only_overall_answers_resumes_by_title(critical_checklist) -> None:
    old = essay_of(PARAGRAPHS)
    s = ReadingSession(old, critical_checklist, new_assessment(old, critical_checklist, SHA, "tester", "essay.txt"))
    s.set_answer(None, "credibility", 2)
    edited = essay_of([*PARAGRAPHS[:3], "Delta rewritten. Entirely."])
    assert resume_problems(Path("a.toml"), copy.deepcopy(s.assessment), edited, "tester")
    with pytest.raises(ReadtuiError, match="different essay"):
        other = essay_of([*PARAGRAPHS[:3], "Delta rewritten. Entirely."], title="Another Title")
        resume_problems(Path("a.toml"), copy.deepcopy(s.assessment), other, "tester")


# --- a directory that refuses the lock (from tests/terminal/test_crash.py) --------------------


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES], ids=["read-only-file-system", "unwritable-directory"])
def test_a_directory_that_refuses_the_lock_is_reported_before_the_app_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    """Already read-only at launch: a one-line error (the CLI exits 2 with it), the file untouched."""
    out = tmp_path / "a.toml"
    prepared = prepare_session(None, checklist_spec=None, reader="tester", out=out)
    prepared.save()
    prepared.close()
    saved = out.read_bytes()
    monkeypatch.setattr("readtui.core.storage.os", FaultyOs("open", code, tmp_path))
    with pytest.raises(ReadtuiError, match=f"a.toml: cannot create lock file: {os.strerror(code)}$"):
        prepare_session(None, checklist_spec=None, reader="tester", out=out)
    assert out.read_bytes() == saved


# --- opening a file from its preview (`readtui read`) -------------------------------------------


def open_file(essay: Path, out: Path, *, preview: bool):
    prepared = prepare_session(essay, checklist_spec=None, reader="tester", out=out, preview=preview)
    prepared.lock.release()
    return prepared


def test_a_session_opened_from_a_preview_loads_as_one_opened_whole(
    tmp_path: Path, small_essay_file: Path, critical_checklist
) -> None:
    answers = {index: {"claims-supported": "yes", "loaded-words": index} for index in (1, 2, 3)}
    out = write_assessment(tmp_path / "a.toml", small_essay_file, critical_checklist, "tester", answers)
    whole = open_file(small_essay_file, out, preview=False)
    previewed = open_file(small_essay_file, out, preview=True)
    assert previewed.session.preview and [r.index for r in previewed.session.assessment.paragraph] == [1]
    assert previewed.load() == []
    assert not previewed.session.preview
    assert previewed.session.assessment == whole.session.assessment
    assert previewed.session.paragraph_states() == whole.session.paragraph_states()
    assert previewed.check() == [] and len(previewed.unchecked) == 0


def test_an_edited_essay_is_realigned_up_front_or_when_the_rest_is_read(
    tmp_path: Path, small_essay_file: Path, critical_checklist
) -> None:
    """Edited where the file was left: no preview (realigned before the first frame); edited
    elsewhere: the preview first, realigned with the whole file, and the reader told then."""
    answers = {index: {"claims-supported": "yes"} for index in (1, 2, 3)}
    out = write_assessment(tmp_path / "a.toml", small_essay_file, critical_checklist, "tester", answers)
    text = small_essay_file.read_text(encoding="utf-8")
    essay = parse_essay(text)
    first, third = essay.paragraphs[0], essay.paragraphs[2]
    small_essay_file.write_text(text.replace(first[:20], "Reworded: " + first[:20], 1), encoding="utf-8")
    at_once = open_file(small_essay_file, out, preview=True)
    assert not at_once.session.preview and at_once.notices and at_once.session.is_stale(1)
    small_essay_file.write_text(text.replace(third[:20], "Reworded: " + third[:20], 1), encoding="utf-8")
    later = open_file(small_essay_file, out, preview=True)
    assert later.session.preview and later.notices == []
    notices = later.load()
    assert notices and notices == later.notices and later.session.is_stale(3) and not later.session.is_stale(1)
