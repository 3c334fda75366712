"""Training and adjudication without the apps: where a learner's file goes, what is refused, and the
key that adjudication resumes and writes (the apps: tests/app/test_training_app.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from readtui.core.adjudication import prepare_adjudication
from readtui.core.assessment import KeyInfo
from readtui.core.errors import ReadtuiError
from readtui.core.launch import prepare_training
from readtui.core.storage import AssessmentWriter
from tests.conftest import phrase, write_assessment


def test_training_output_name_and_refusals(tmp_path: Path, small_essay_file: Path, key_file: Path) -> None:
    prepared = prepare_training(small_essay_file, key_path=key_file, checklist_spec=None, reader="Lea", out=None)
    try:
        assert prepared.out_path == tmp_path / "essay.Lea.train.readtui.toml"
    finally:
        prepared.close()
    with pytest.raises(ReadtuiError, match="is the answer key"):
        prepare_training(small_essay_file, key_path=key_file, checklist_spec=None, reader="Lea", out=key_file)
    with pytest.raises(ReadtuiError, match="training needs an answer key"):
        prepare_training(small_essay_file, key_path=None, checklist_spec=None, reader="Lea", out=None)


def test_adjudicate_resumes_the_key(tmp_path: Path, three_files: list[Path]) -> None:
    key = tmp_path / "key.toml"
    first = prepare_adjudication([str(p) for p in three_files], key)
    first.decide(first.disputes[0], 4)
    AssessmentWriter().save(key, first.key)
    again = prepare_adjudication([str(p) for p in three_files], key)
    assert again.decision(again.disputes[0]) == ("answer", 4)
    assert len(again.open_disputes) == 2


def test_key_extras_are_written_and_read_back(tmp_path: Path, key_file: Path) -> None:
    from readtui.core.storage import load_assessment

    key = load_assessment(key_file)
    assert key.key == KeyInfo(tolerance=1)
    assert key.paragraph[0].explain == {"claims-supported": "It offers no support for it."}


def test_one_readers_answer_is_not_agreement(tmp_path: Path, small_essay_file: Path, critical_checklist) -> None:
    """An item only one reader answered is a dispute left open, never an agreed answer in the key."""
    answers = {
        "A": {1: {"claims-supported": "no", "loaded-words": 2}},
        "B": {1: {"loaded-words": 2}},
        "C": {1: {"loaded-words": 2}},
    }
    files = [
        write_assessment(tmp_path / f"{reader}.readtui.toml", small_essay_file, critical_checklist, reader, given)
        for reader, given in answers.items()
    ]
    adjudication = prepare_adjudication([str(p) for p in files], tmp_path / "key.toml")
    assert adjudication.agreed == 1  # loaded-words, which all three gave
    assert [(d.index, d.item.id, d.answers) for d in adjudication.disputes] == [(1, "claims-supported", {"A": "no"})]
    assert adjudication.decision(adjudication.disputes[0]) == ("open", None)
    assert [(r.index, r.answers) for r in adjudication.key.paragraph] == [(1, {"loaded-words": 2})]
    assert adjudication.fill_majority() == adjudication.disputes  # one answer is no majority either


def test_only_highlights_two_readers_marked_alike_go_into_the_key(
    tmp_path: Path, small_essay_file: Path, critical_checklist
) -> None:
    """A span one reader marked alone stays out of the key; one two readers marked alike goes in."""
    regime, words, other_side = (phrase(small_essay_file, 3, w) for w in ("regime", "loaded words", "other side"))
    marks = {"A": [regime, words], "B": [regime], "C": [other_side]}
    files = [
        write_assessment(
            tmp_path / f"{reader}.readtui.toml",
            small_essay_file,
            critical_checklist,
            reader,
            {3: {"loaded-words": 4}},
            highlight={3: spans},
        )
        for reader, spans in marks.items()
    ]
    adjudication = prepare_adjudication([str(p) for p in files], tmp_path / "key.toml")
    [record] = adjudication.key.paragraph
    assert [(h.quote, h.start, h.end, h.label) for h in record.highlight] == [
        ("regime", regime.start, regime.end, "loaded-word")
    ]
