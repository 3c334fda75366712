"""ESSAY is the one name of the essay as a whole where a paragraph index could stand (a session's
target, a training record, a dispute): code compares with it, never with a bare 0 or None."""

from __future__ import annotations

import re
from pathlib import Path

import readtui
from readtui.core.assessment import ESSAY, Training, TrainingRecord

BARE = re.compile(r"\b(target|index)\s*(==|!=|is not|is)\s*(0|None)\b|\b(0|None)\s*(==|!=)\s*(target|index)\b")
PACKAGES = ("core", "reports", "cli", "tui")


def test_targets_are_compared_with_essay_not_a_bare_value() -> None:
    root = Path(readtui.__file__).parent
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for package in PACKAGES
        for path in sorted((root / package).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if BARE.search(line)
    ]
    assert found == []


def test_the_essay_is_training_record_index_0_in_the_file() -> None:
    essay, third = TrainingRecord.for_target(ESSAY), TrainingRecord.for_target(3)
    assert (essay.index, essay.target) == (0, ESSAY)
    assert (third.index, third.target) == (3, 3)
    training = Training(key_sha256="ab" * 32, paragraph=[third, essay])
    assert training.record(ESSAY) is essay and training.record(3) is third and training.record(1) is None
