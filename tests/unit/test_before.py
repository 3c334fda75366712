"""Before-reading questions in the core: the section scope, the ``[before]`` table and its
format, its validation, and what a session records about when they were answered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from readtui.core.assessment import BEFORE, Before, checklist_problems
from readtui.core.session import ReadingSession, new_assessment
from readtui.core.storage import AssessmentWriter, load_assessment, load_checklist
from tests.conftest import MINI, write_checklist
from tests.unit.test_assessment import assessment_with, paragraph
from tests.unit.test_checklist import item, only_problem, valid_data

SHA = "ab" * 32


def before_section(**extra: Any) -> dict[str, Any]:
    return {
        "id": "prior",
        "title": "Before you read",
        "scope": "before",
        "item": [{"id": "stance", "prompt": "Agree?", "kind": "scale", "min": 1, "max": 5, **extra}],
    }


# --- the checklist ---------------------------------------------------------------------------


def test_the_items_of_a_before_section_take_its_scope(tmp_path: Path) -> None:
    data = valid_data()
    data["section"].insert(0, before_section())
    checklist = load_checklist(write_checklist(tmp_path / "mine.toml", data))
    assert checklist.items["stance"].scope == "before"
    assert checklist.items["pick"].scope == "paragraph"
    assert [item.id for _, items in checklist.items_in("before") for item in items] == ["stance"]


def test_before_on_an_item_is_refused_with_where_it_belongs(tmp_path: Path) -> None:
    data = valid_data()
    item(data, 1, 1)["scope"] = "before"
    assert only_problem(tmp_path, data) == (
        f'{tmp_path / "mine.toml"}: section[1].item[1].scope: scope "before" is set on a section, not an item: '
        'put the item in a [[section]] with scope = "before"'
    )


@pytest.mark.parametrize("scope", ["essay", "before"])
def test_an_item_of_a_before_section_says_no_scope_of_its_own(tmp_path: Path, scope: str) -> None:
    data = valid_data()
    data["section"].append(before_section(scope=scope))
    assert only_problem(tmp_path, data) == (
        f'{tmp_path / "mine.toml"}: section[3].item[1].scope: an item of a scope = "before" section takes '
        "the section's scope: remove this key"
    )


def test_a_section_scope_other_than_before_is_refused(tmp_path: Path) -> None:
    data = valid_data()
    data["section"][0]["scope"] = "essay"
    assert only_problem(tmp_path, data) == (
        f"{tmp_path / 'mine.toml'}: section[1].scope: unknown scope 'essay': a section's scope can only be "
        '"before" (paragraph and essay are set on its items)'
    )


# --- the [before] table ------------------------------------------------------------------------


def test_a_before_table_round_trips_and_makes_the_file_format_3(tmp_path: Path) -> None:
    assessment = assessment_with([paragraph(1, answers={"claims-supported": "yes"})])
    assessment.before = Before(
        answers={"prior-stance": 4}, unsure=["prior-knowledge"], note="From the news\nmostly", after_reading=["x"]
    )
    path = tmp_path / "a.toml"
    AssessmentWriter().save(path, assessment)
    text = path.read_text(encoding="utf-8")
    assert text.startswith('format = "readtui-assessment/3"\n')
    assert text.index("[before]") < text.index("[[paragraph]]")
    loaded = load_assessment(path)
    assert loaded.before == assessment.before
    loaded.before = Before()
    AssessmentWriter().save(path, loaded)
    assert path.read_text(encoding="utf-8").startswith('format = "readtui-assessment/2"\n'), "no [before]: format 2"
    assert "[before]" not in path.read_text(encoding="utf-8")


def test_a_file_without_before_answers_stays_format_2(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    AssessmentWriter().save(path, assessment_with([paragraph(1, answers={"claims-supported": "yes"})]))
    assert path.read_text(encoding="utf-8").startswith('format = "readtui-assessment/2"\n')
    assert load_assessment(path).before == Before()


def test_before_answers_are_checked_against_the_checklist(critical_checklist) -> None:
    assessment = assessment_with(
        [paragraph(1, answers={"prior-stance": 3})],
        None,
    )
    assessment.overall.answers = {"prior-knowledge": 2}
    assessment.before = Before(
        answers={"prior-stance": 9, "loaded-words": 2, "nope": 1},
        unsure=["prior-stance"],
        after_reading=["credibility"],
    )
    found = [str(p) for p in checklist_problems(Path("a.toml"), assessment, critical_checklist)]
    assert found == [
        "a.toml: paragraph[1].answers.prior-stance: item 'prior-stance' is before-scope and belongs under [before]",
        "a.toml: overall.answers.prior-knowledge: item 'prior-knowledge' is before-scope and belongs under [before]",
        "a.toml: before.answers.prior-stance: 9 is outside the scale 1–5",
        "a.toml: before.answers.loaded-words: item 'loaded-words' is paragraph-scope and belongs under [[paragraph]]",
        "a.toml: before.answers.nope: unknown item id 'nope' in checklist 'critical-reading'",
        "a.toml: before.unsure: item 'prior-stance' is both answered and marked unsure",
        "a.toml: before.after_reading: item 'credibility' is essay-scope and belongs under [overall]",
    ]


# --- the session ---------------------------------------------------------------------------------


@pytest.fixture
def session(small_essay, critical_checklist) -> ReadingSession:
    return ReadingSession(
        small_essay, critical_checklist, new_assessment(small_essay, critical_checklist, SHA, "tester", "essay.txt")
    )


def test_only_a_session_with_nothing_done_opens_on_the_before_questions(session: ReadingSession) -> None:
    assert session.opens_before_reading()
    session.go_to(2)
    assert not session.opens_before_reading(), "the reader moved on: open where they were"
    session.go_to(1)
    session.set_answer(BEFORE, "prior-stance", 3)
    assert not session.opens_before_reading()
    session.clear(BEFORE, "prior-stance")
    assert session.opens_before_reading()
    session.set_note(1, "hm")
    assert not session.opens_before_reading()


def test_a_checklist_without_before_questions_never_opens_on_them(tmp_path: Path, small_essay) -> None:
    checklist = load_checklist(write_checklist(tmp_path / "mini.toml", MINI))
    session = ReadingSession(small_essay, checklist, new_assessment(small_essay, checklist, SHA, "t", "e.txt"))
    assert session.before_items == [] and not session.opens_before_reading()


def test_answers_given_after_reading_began_are_listed(session: ReadingSession) -> None:
    before = session.assessment.before
    session.set_answer(BEFORE, "prior-stance", 3)
    assert before.after_reading == []
    session.set_answer(1, "claims-supported", "yes")
    session.set_answer(BEFORE, "prior-stance", 5)
    session.toggle_unsure(BEFORE, "prior-knowledge")
    assert before.after_reading == ["prior-stance", "prior-knowledge"]
    session.clear(BEFORE, "prior-knowledge")
    assert before.after_reading == ["prior-stance"], "a cleared answer is no longer listed"
    for _ in range(3):  # the clear, the unsure mark, the change to 5
        session.undo()
    before = session.assessment.before
    assert before.answers == {"prior-stance": 3} and before.after_reading == []


def test_required_before_answers_block_finishing_and_come_first(session: ReadingSession) -> None:
    assert session.unanswered_required()[:2] == [(BEFORE, "prior-stance"), (BEFORE, "prior-knowledge")]
    session.set_answer(BEFORE, "prior-stance", 2)
    session.toggle_unsure(BEFORE, "prior-knowledge")
    assert all(target != BEFORE for target, _ in session.unanswered_required())
