"""Highlights (issue 4, the core): labels in checklists, highlights in assessments, their checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readtui.core.assessment import Highlight, essay_problems
from readtui.core.checklist import bundled_checklists
from readtui.core.essay import load_essay, parse_essay, sample_essay_path
from readtui.core.launch import prepare_session
from readtui.core.resume import reanchor
from readtui.core.session import ReadingSession, new_assessment
from readtui.core.storage import AssessmentWriter, file_sha256, load_assessment
from readtui.core.validation import validate_file
from tests.conftest import write_checklist

SHA = file_sha256(bundled_checklists()["critical-reading"])
"""The checklist the files record is the one they are checked against: nothing is retired."""
PHRASE = "rub salt into the Middle East’s wounds"


def sample_session(critical_checklist) -> ReadingSession:
    essay = load_essay(sample_essay_path())
    return ReadingSession(essay, critical_checklist, new_assessment(essay, critical_checklist, SHA, "tester", "e.txt"))


def saved(tmp_path: Path, session: ReadingSession) -> Path:
    path = tmp_path / "a.readtui.toml"
    AssessmentWriter().save(path, session.assessment)
    return path


def problems(path: Path, **options) -> list[str]:
    return [str(problem) for problem in validate_file(str(path), **options).problems]


# --- labels in the checklist ------------------------------------------------------------------


def test_default_checklist_has_the_labels_the_issue_asks_for(critical_checklist) -> None:
    assert set(critical_checklist.labels) >= {
        "loaded-word",
        "unsourced-claim",
        "named-source",
        "logical-leap",
        "evidence-offered",
    }
    keys = [label.key for label in critical_checklist.label]
    assert len(set(keys)) == len(keys) and all(keys)
    for item in critical_checklist.items.values():
        assert item.evidence is None or item.evidence in critical_checklist.labels
    assert critical_checklist.items["loaded-words"].evidence == "loaded-word"


def checklist_with_labels(tmp_path: Path, labels: list[dict], evidence: str | None = "a") -> Path:
    item = {
        "id": "pick",
        "prompt": "Pick?",
        "kind": "choice",
        "options": [{"id": "y", "label": "Y", "needs_evidence": True}, {"id": "n", "label": "N"}],
    }
    if evidence is not None:
        item["evidence"] = evidence
    return one_item_checklist(tmp_path, item, labels)


def one_item_checklist(tmp_path: Path, item: dict, labels: list[dict]) -> Path:
    data = {
        "format": "readtui-checklist/1",
        "id": "mini",
        "title": "Mini",
        "version": "1",
        "section": [{"id": "s", "title": "S", "item": [item]}],
        "label": labels,
    }
    return write_checklist(tmp_path / "mini.toml", data)


def test_label_problems_are_one_line_each(tmp_path: Path) -> None:
    path = checklist_with_labels(
        tmp_path,
        [
            {"id": "a", "title": "A", "key": "x"},
            {"id": "a", "title": "Again", "key": "y"},
            {"id": "b", "title": "B", "key": "x"},
            {"id": "c", "title": "C", "key": "long"},
        ],
        evidence="missing",
    )
    assert problems(path) == [
        f"{path}: label[4].key: bad key 'long': a label's key is one lowercase letter",
        f"{path}: label[2].id: duplicate label id 'a' (first used at label[1])",
        f"{path}: label[3].key: key 'x' is already the key of label[1]",
        f"{path}: section[1].item[1].evidence: unknown label 'missing' (labels: a, b, c)",
    ]


def test_labels_are_optional(tmp_path: Path) -> None:
    assert problems(checklist_with_labels(tmp_path, [], evidence=None)) == []


# --- highlights in the assessment --------------------------------------------------------------


def test_highlights_round_trip_with_odd_quotes(tmp_path: Path, critical_checklist) -> None:
    session = sample_session(critical_checklist)
    text = session.text(4)
    start = text.index(PHRASE)
    session.add_highlight(4, start, start + len(PHRASE), "loaded-word", note='metaphor "of injury" \\ [b]no[/b]')
    session.add_highlight(4, 0, 5, "unsourced-claim")
    path = saved(tmp_path, session)
    loaded = load_assessment(path)
    record = next(r for r in loaded.paragraph if r.index == 4)
    assert [(h.start, h.end, h.label, h.quote) for h in record.highlight] == [
        (0, 5, "unsourced-claim", text[:5]),
        (start, start + len(PHRASE), "loaded-word", PHRASE),
    ]
    assert record.highlight[1].note == 'metaphor "of injury" \\ [b]no[/b]'
    assert loaded == session.assessment
    assert problems(path, essay=session.essay) == []


@settings(max_examples=60, deadline=None)
@given(quote=st.text(min_size=1, max_size=40), note=st.text(max_size=40))
def test_any_quote_and_note_round_trip(tmp_path_factory, quote: str, note: str) -> None:
    from readtui.core.assessment import Assessment, ChecklistInfo, EssayInfo, ParagraphRecord, Reader

    highlight = Highlight(start=2, end=2 + len(quote), label="loaded-word", quote=quote, note=note)
    record = ParagraphRecord(index=1, sha256=SHA, chars=len(quote) + 10, highlight=[highlight])
    assessment = Assessment(
        reader=Reader(name="r"),
        essay=EssayInfo(sha256=SHA, paragraphs=1),
        checklist=ChecklistInfo(id="c"),
        paragraph=[record],
    )
    path = tmp_path_factory.mktemp("h") / "a.toml"
    AssessmentWriter().save(path, assessment)
    assert load_assessment(path) == assessment


def tamper(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def test_validate_refuses_a_zero_width_highlight(tmp_path: Path, critical_checklist) -> None:
    """A highlight of no characters (end == start, empty quote) is a problem naming where it is, not a mark."""
    session = sample_session(critical_checklist)
    start = session.text(4).index(PHRASE)
    session.add_highlight(4, start, start + len(PHRASE), "loaded-word")
    path = saved(tmp_path, session)
    tamper(path, f"end = {start + len(PHRASE)}", f"end = {start}")
    tamper(path, f'quote = "{PHRASE}"', 'quote = ""')
    assert problems(path) == [f"{path}: paragraph[1].highlight[1]: end ({start}) must be greater than start ({start})"]


def test_validate_catches_tampered_offsets_and_unknown_labels(tmp_path: Path, critical_checklist) -> None:
    session = sample_session(critical_checklist)
    text = session.text(4)
    start = text.index(PHRASE)
    session.add_highlight(4, start, start + len(PHRASE), "loaded-word")
    path = saved(tmp_path, session)
    content = path.read_text(encoding="utf-8")

    tamper(path, f"start = {start}", f"start = {start + 1}")
    assert problems(path) == [
        f"{path}: paragraph[1].highlight[1]: quote has {len(PHRASE)} characters, but end - start is {len(PHRASE) - 1}"
    ]
    path.write_text(content, encoding="utf-8")
    tamper(
        path, f"start = {start}\nend = {start + len(PHRASE)}", f"start = {start + 1}\nend = {start + 1 + len(PHRASE)}"
    )
    assert problems(path) == [], "without the essay only the lengths can be checked"
    assert problems(path, essay=session.essay) == [
        f"{path}: paragraph[1].highlight[1]: quote 'rub salt into the Middle East’s wounds' is not the text at "
        f"{start + 1}–{start + 1 + len(PHRASE)}, which is 'ub salt into the Middle East’s wounds '"
    ]
    path.write_text(content, encoding="utf-8")
    tamper(path, f"end = {start + len(PHRASE)}", "end = 9999")
    tamper(path, f'quote = "{PHRASE}"', 'quote = "' + "x" * (9999 - start) + '"')
    assert problems(path) == [
        f"{path}: paragraph[1]: highlight[1] ends at 9999, past the paragraph's {len(text)} characters"
    ]
    path.write_text(content, encoding="utf-8")
    tamper(path, 'label = "loaded-word"', 'label = "nonsense"')
    assert problems(path) == [
        f"{path}: paragraph[1].highlight[1].label: unknown label 'nonsense' in checklist 'critical-reading' "
        "(labels: loaded-word, unsourced-claim, named-source, logical-leap, evidence-offered)"
    ]


def test_essay_problems_name_a_different_essay(critical_checklist) -> None:
    session = sample_session(critical_checklist)
    other = parse_essay("Title\n\nSomething else entirely. Two sentences.")
    assert [str(p) for p in essay_problems(Path("a.toml"), session.assessment, other)] == [
        "a.toml: essay.sha256: was written for another version of this essay (sha256 differs)"
    ]


# --- the session -------------------------------------------------------------------------------


def test_highlights_edit_remove_and_undo(critical_checklist) -> None:
    session = sample_session(critical_checklist)
    session.add_highlight(2, 0, 9, "named-source")
    assert session.record(2).highlight[0].quote == session.text(2)[:9]
    session.edit_highlight(2, 0, label="unsourced-claim", note="who?")
    assert (session.record(2).highlight[0].label, session.record(2).highlight[0].note) == ("unsourced-claim", "who?")
    session.remove_highlight(2, 0)
    assert session.record(2) is None, "an empty record is not kept"
    session.undo()
    assert session.record(2).highlight[0].label == "unsourced-claim"
    session.undo()
    assert session.record(2).highlight[0].label == "named-source"
    with pytest.raises(ValueError):
        session.add_highlight(2, 5, 5, "named-source")
    with pytest.raises(ValueError):
        session.add_highlight(2, 0, len(session.text(2)) + 1, "named-source")


def test_evidence_is_wanted_until_a_highlight_of_the_label_exists(critical_checklist) -> None:
    session = sample_session(critical_checklist)
    session.choose(4, critical_checklist.items["claims-supported"], 1)  # yes: no problem claimed
    assert session.evidence_wanted(4) == {}
    session.choose(4, critical_checklist.items["claims-supported"], 3)  # no, just asserted
    session.choose(4, critical_checklist.items["wording-tactics"], 1)  # emotive imagery
    assert session.evidence_wanted(4) == {"claims-supported": ["unsourced-claim"], "wording-tactics": ["loaded-word"]}
    start = session.text(4).index(PHRASE)
    session.add_highlight(4, start, start + len(PHRASE), "loaded-word")
    assert session.evidence_wanted(4) == {"claims-supported": ["unsourced-claim"]}


def techniques_checklist(tmp_path: Path, fear_label: str = "fear") -> Path:
    """A multi item whose options each want a highlight of their own label."""
    item = {
        "id": "techniques",
        "prompt": "Which techniques?",
        "kind": "multi",
        "evidence": "loaded",
        "options": [
            {"id": "loaded", "label": "Loaded", "needs_evidence": True},
            {"id": "fear", "label": "Fear", "evidence": fear_label},
            {"id": "doubt", "label": "Doubt", "evidence": "doubt", "needs_evidence": True},
            {"id": "other", "label": "Other"},
        ],
    }
    labels = [{"id": "loaded", "title": "Loaded"}, {"id": "fear", "title": "Fear"}, {"id": "doubt", "title": "Doubt"}]
    return one_item_checklist(tmp_path, item, labels)


def test_each_option_can_want_a_highlight_of_its_own_label(tmp_path: Path) -> None:
    from readtui.core.storage import load_checklist

    checklist = load_checklist(techniques_checklist(tmp_path))
    essay = load_essay(sample_essay_path())
    session = ReadingSession(essay, checklist, new_assessment(essay, checklist, SHA, "tester", "e.txt"))
    item = checklist.items["techniques"]
    session.choose(4, item, 4)  # other: no quote asked for
    assert session.evidence_wanted(4) == {}
    for digit in (2, 3, 1):
        session.choose(4, item, digit)
    assert session.evidence_wanted(4) == {"techniques": ["loaded", "fear", "doubt"]}, "in option order"
    session.add_highlight(4, 0, 7, "fear")
    assert session.evidence_wanted(4) == {"techniques": ["loaded", "doubt"]}, "each label is wanted until quoted"
    session.add_highlight(4, 8, 12, "loaded")
    session.add_highlight(4, 13, 20, "doubt")
    assert session.evidence_wanted(4) == {}


def test_an_options_evidence_must_name_a_label(tmp_path: Path) -> None:
    path = techniques_checklist(tmp_path, fear_label="scare")
    assert problems(path) == [
        f"{path}: section[1].item[1].options[2].evidence: unknown label 'scare' (labels: loaded, fear, doubt)"
    ]


def test_highlights_by_label_across_the_essay(critical_checklist) -> None:
    session = sample_session(critical_checklist)
    session.add_highlight(4, 0, 7, "loaded-word")
    session.add_highlight(1, 0, 5, "unsourced-claim")
    session.add_highlight(6, 0, 4, "loaded-word")
    grouped = session.highlights_by_label()
    assert list(grouped) == ["loaded-word", "unsourced-claim"]
    assert [(index, h.quote) for index, h in grouped["loaded-word"]] == [
        (4, session.text(4)[:7]),
        (6, session.text(6)[:4]),
    ]


# --- an edited essay ------------------------------------------------------------------------------


def test_reanchor_finds_the_quote_again_or_marks_it_stale() -> None:
    kept = Highlight(start=10, end=15, label="x", quote="salty")
    lost = Highlight(start=0, end=4, label="x", quote="gone")
    reanchor([kept, lost], "Now a salty sea and more salty words.")
    assert (kept.start, kept.end, kept.stale) == (6, 11, False)
    assert lost.stale and (lost.start, lost.end) == (0, 4)


def test_resume_after_an_edit_reanchors_highlights(tmp_path: Path, critical_checklist) -> None:
    text = sample_essay_path().read_text(encoding="utf-8")
    essay_path = tmp_path / "essay.txt"
    essay_path.write_text(text, encoding="utf-8")
    out = tmp_path / "a.toml"
    prepared = prepare_session(essay_path, checklist_spec=None, reader="tester", out=out)
    session = prepared.session
    for index in (1, 2, 3):  # enough unchanged paragraphs for an edited essay, not another one
        session.choose(index, critical_checklist.items["claims-supported"], 1)
    start = session.text(4).index(PHRASE)
    session.add_highlight(4, start, start + len(PHRASE), "loaded-word")
    session.add_highlight(4, 0, 14, "logical-leap")  # "Israeli media " – about to be reworded
    prepared.save()
    prepared.close()
    essay_path.write_text(text.replace("Israeli media rub", "Some Israeli outlets rub"), encoding="utf-8")
    again = prepare_session(essay_path, checklist_spec=None, reader="tester", out=out)
    try:
        record = again.session.record(4)
        new_text = again.session.text(4)
        by_label = {highlight.label: highlight for highlight in record.highlight}
        phrase, leap = by_label["loaded-word"], by_label["logical-leap"]
        assert new_text[phrase.start : phrase.end] == PHRASE and not phrase.stale
        assert leap.stale, "'Israeli media ' is no longer there"
        assert again.check() == []
        again.save()
    finally:
        again.close()
    assert problems(out, essay=load_essay(essay_path)) == []
