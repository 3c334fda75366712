"""The files of ``readtui score``'s tests (tests/unit/test_score.py and tests/cli/test_score_cli.py): a
checklist, an answer key and a class of three learners worked out by hand, and readers of the table report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from readtui.core.assessment import (
    Assessment,
    ChecklistInfo,
    EssayInfo,
    Highlight,
    KeyInfo,
    Overall,
    ParagraphRecord,
    Reader,
    Training,
    TrainingRecord,
)
from readtui.core.storage import AssessmentWriter, file_sha256
from tests.conftest import sha, write_checklist

CHECKLIST_ID = "scoring"


CHECKLIST = """\
format = "readtui-checklist/1"
id = "{id}"
title = "Scoring test"
version = "2"

[[label]]
id = "loaded-word"
title = "Loaded word"

[[section]]
id = "content"
title = "Each paragraph's content"

  [[section.item]]
  id = "claim"
  prompt = "What kind of claim?"
  kind = "choice"
  options = [{{ id = "fact", label = "Fact" }}, {{ id = "opinion", label = "Opinion" }}, {{ id = "mixed", label = "Mixed" }}]

  [[section.item]]
  id = "strength"
  prompt = "How strong is the support?"
  kind = "scale"
  min = 1
  max = 5

  [[section.item]]
  id = "fallacies"
  prompt = "Which fallacies?"
  kind = "multi"
  options = [{{ id = "a", label = "A" }}, {{ id = "b", label = "B" }}, {{ id = "c", label = "C" }}]

  [[section.item]]
  id = "summary"
  prompt = "The paragraph in a sentence"
  kind = "text"

[[section]]
id = "whole"
title = "The essay as a whole"

  [[section.item]]
  id = "verdict"
  prompt = "Is the essay convincing?"
  kind = "choice"
  scope = "essay"
  options = [{{ id = "yes", label = "Yes" }}, {{ id = "no", label = "No" }}]

  [[section.item]]
  id = "rating"
  prompt = "How fair is it?"
  kind = "scale"
  scope = "essay"
  min = 1
  max = 5

  [[section.item]]
  id = "comment"
  prompt = "Why?"
  kind = "text"
  scope = "essay"
"""


PERFECT = {
    1: {"claim": "opinion", "strength": 4, "fallacies": ["a", "b"]},
    2: {"claim": "fact", "fallacies": []},
    3: {"claim": "fact"},
    0: {"verdict": "no", "rating": 3},
}
"""The key's scored answers (paragraph index → answers; 0 is the essay as a whole)."""


def scoring_checklist(directory: Path, checklist_id: str = CHECKLIST_ID) -> Path:
    """The test checklist as ``<id>.toml`` in ``directory``."""
    return write_checklist(directory / f"{checklist_id}.toml", CHECKLIST.format(id=checklist_id))


def span(start: int, end: int, label: str = "loaded-word", stale: bool = False) -> Highlight:
    return Highlight(start=start, end=end, label=label, quote="x" * (end - start), stale=stale)


def paragraph(
    index: int, answers: dict[str, Any], spans: tuple[tuple[int, int], ...] = (), **extras
) -> ParagraphRecord:
    return ParagraphRecord(
        index=index,
        sha256=sha(f"paragraph {index}"),
        chars=100,
        answers=answers,
        highlight=[span(start, end) for start, end in spans],
        **extras,
    )


def save(
    path: Path,
    reader: str,
    paragraphs: list[ParagraphRecord],
    overall: dict[str, Any],
    *,
    essay: str = "Essay",
    checklist_id: str = CHECKLIST_ID,
    key: KeyInfo | None = None,
    training: Training | None = None,
) -> Path:
    AssessmentWriter().save(
        path,
        Assessment(
            created_by="readtui tests",
            reader=Reader(name=reader),
            essay=EssayInfo(title=essay, sha256=sha(essay), paragraphs=3),
            checklist=ChecklistInfo(id=checklist_id, version="2"),
            paragraph=paragraphs,
            overall=Overall(answers=overall),
            key=key,
            training=training,
        ),
    )
    return path


def write_key(directory: Path, checklist_id: str = CHECKLIST_ID) -> Path:
    """The answer key: explanations, an accepted alternative, an item without consensus, items it
    leaves unanswered, a tolerance table and three highlights."""
    return save(
        directory / "key.readtui.toml",
        "Teacher",
        [
            paragraph(
                1,
                {**PERFECT[1], "summary": "An opinion resting on two fallacies."},
                spans=((0, 5), (10, 15)),
                explain={"claim": "It says what should happen."},
            ),
            paragraph(
                2,
                PERFECT[2],
                accept={"claim": ["mixed"]},
                no_consensus=["strength"],
                explain={"strength": "The readers were split."},
            ),
            paragraph(3, PERFECT[3], spans=((20, 30),)),
        ],
        {**PERFECT[0], "comment": "One-sided."},
        checklist_id=checklist_id,
        key=KeyInfo(tolerance={"*": 1, "rating": 0}),
    )


def trained(key: Path, first_tries: dict[int, dict[str, Any]]) -> Training:
    """A [training] table against ``key``: feedback shown for every paragraph in ``first_tries``."""
    return Training(
        key=key.name,
        key_sha256=file_sha256(key),
        paragraph=[
            TrainingRecord(index=index, feedback=True, first_try=answers)
            for index, answers in sorted(first_tries.items())
        ],
    )


def write_class(directory: Path) -> tuple[Path, list[Path]]:
    """The checklist, the key and three learners: Ana (all right, trained), Ben (never checked a
    paragraph) and Chloé (right now, after revising wrong first tries). Worked out by hand:

    item (¶)        key       Ana   Ben                  Chloé (first try)
    claim (1)       opinion   1     opinion   1          fact       0
    strength (1)    4 ± 1     1     5 near    1          1          0
    fallacies (1)   a+b       1     a         1/2        a+b+c      2/3
    claim (2)       fact      1     mixed     1 (accept) fact       1 (not checked: current)
    fallacies (2)   none      1     c         0          none       1
    claim (3)       fact      1     unsure    0          fact       1
    verdict         no        1     no        1          yes        0
    rating          3 ± 0     1     4         0          3          1
    total                     8/8   4.5/8                4.67/8
    """
    scoring_checklist(directory)
    key = write_key(directory)
    ana = save(
        directory / "ana.readtui.toml",
        "Ana",
        [
            paragraph(1, PERFECT[1], spans=((2, 4), (12, 20))),
            paragraph(2, PERFECT[2]),
            paragraph(3, PERFECT[3], spans=((20, 30),)),
        ],
        PERFECT[0],
        training=trained(key, PERFECT),
    )
    ben = save(
        directory / "ben.readtui.toml",
        "Ben",
        [
            paragraph(1, {"claim": "opinion", "strength": 5, "fallacies": ["a"]}, spans=((40, 50),)),
            paragraph(2, {"claim": "mixed", "fallacies": ["c"]}),
            paragraph(3, {}, spans=((25, 26),), unsure=["claim"]),
        ],
        {"verdict": "no", "rating": 4},
    )
    chloe = save(
        directory / "chloe.readtui.toml",
        "Chloé",
        [paragraph(1, PERFECT[1]), paragraph(2, PERFECT[2]), paragraph(3, PERFECT[3])],
        PERFECT[0],
        training=Training(
            key=key.name,
            key_sha256=file_sha256(key),
            paragraph=[
                TrainingRecord(index=0, feedback=True, first_try={"verdict": "yes", "rating": 3}, revised=["verdict"]),
                TrainingRecord(
                    index=1,
                    feedback=True,
                    first_try={"claim": "fact", "strength": 1, "fallacies": ["a", "b", "c"]},
                    revised=["claim", "fallacies", "strength"],
                ),
                # feedback not shown: whatever first_try says, the current answers count
                TrainingRecord(index=2, feedback=False, first_try={"claim": "opinion"}),
            ],
        ),
    )
    return key, [ana, ben, chloe]


def squeezed(text: str) -> str:
    """``text`` without white space (the table wraps long lines, paths too)."""
    return "".join(text.split())


def table_rows(text: str, heading: str) -> list[str]:
    """The rows under ``heading`` of a table report, up to the next blank line."""
    lines = text.splitlines()
    start = lines.index(heading) + 2
    end = lines.index("", start) if "" in lines[start:] else len(lines)
    return lines[start:end]
