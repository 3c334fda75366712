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
