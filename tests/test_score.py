"""``readtui score``: the scoring rules, first tries against revisions, the ranking of a class in
every output format, and bad input (one line per problem, status 2). Checked through real files."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

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
from readtui.cli import main
from readtui.reports.text import md
from readtui.core.errors import ReadtuiErrors
from readtui.core.scoring import load_scores
from readtui.reports.score import csv_columns, render_scores
from readtui.core.scoring import (
    MATCH,
    MISS,
    MODEL,
    NEAR,
    NO_CONSENSUS,
    UNANSWERED,
    SpanTally,
    compare_answers,
    credit_for,
    scorecard,
)
from readtui.core.scoring import span_tally as tally_spans
from readtui.core.storage import AssessmentWriter, file_sha256, load_assessment, load_checklist

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


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def write_checklist(directory: Path, checklist_id: str = CHECKLIST_ID) -> Path:
    path = directory / f"{checklist_id}.toml"
    path.write_text(CHECKLIST.format(id=checklist_id), encoding="utf-8")
    return path


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
    write_checklist(directory)
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


def score(*args: str | Path):
    return CliRunner().invoke(main, ["score", *map(str, args)], catch_exceptions=False)


def squeezed(text: str) -> str:
    """``text`` without white space (the table wraps long lines, paths too)."""
    return "".join(text.split())


def table_rows(text: str, heading: str) -> list[str]:
    """The rows under ``heading`` of a table report, up to the next blank line."""
    lines = text.splitlines()
    start = lines.index(heading) + 2
    end = lines.index("", start) if "" in lines[start:] else len(lines)
    return lines[start:end]


# --- 1. the rules -----------------------------------------------------------------------------


def test_scoring_rules_item_by_item(tmp_path: Path) -> None:
    write_checklist(tmp_path)
    checklist = load_checklist(tmp_path / "scoring.toml")
    key = load_assessment(write_key(tmp_path))
    items = checklist.items
    claim, strength, fallacies = items["claim"], items["strength"], items["fallacies"]

    assert credit_for(claim, "opinion", "opinion", []) == (1.0, MATCH)
    assert credit_for(claim, "fact", "opinion", []) == (0.0, MISS)
    assert credit_for(claim, "mixed", "fact", ["mixed"]) == (1.0, MATCH)  # an accepted alternative
    assert credit_for(claim, None, "fact", ["mixed"]) == (0.0, UNANSWERED)

    assert credit_for(strength, 4, 4, [], 1) == (1.0, MATCH)
    assert credit_for(strength, 5, 4, [], 1) == (1.0, NEAR)
    assert credit_for(strength, 3, 4, [], 1) == (1.0, NEAR)
    assert credit_for(strength, 2, 4, [], 1) == (0.0, MISS)
    assert credit_for(strength, 5, 4, [], 0) == (0.0, MISS)
    assert credit_for(strength, 1, 4, [2], 1) == (1.0, NEAR)  # near an accepted value
    # the [key.tolerance] table: "*" is the default, an item id overrides it
    assert (key.key.tolerance_for("strength"), key.key.tolerance_for("rating")) == (1, 0)
    assert KeyInfo(tolerance=2).tolerance_for("rating") == 2

    # multi: the Jaccard index, the best over the key's answer and the accepted ones
    assert credit_for(fallacies, ["a"], ["a", "b"], []) == (0.5, NEAR)
    assert credit_for(fallacies, ["a", "c"], ["a", "b"], []) == (pytest.approx(1 / 3), NEAR)
    assert credit_for(fallacies, ["b", "a"], ["a", "b"], []) == (1.0, MATCH)
    assert credit_for(fallacies, ["c"], ["a", "b"], []) == (0.0, MISS)
    assert credit_for(fallacies, [], [], []) == (1.0, MATCH)
    assert credit_for(fallacies, ["a"], [], []) == (0.0, MISS)
    assert credit_for(fallacies, ["c"], ["a", "b"], [["c"]]) == (1.0, MATCH)

    # whole records: ¶ 2 sets strength aside (no consensus) and leaves summary unanswered
    results = compare_answers(checklist, key.paragraph[1], {"claim": "mixed", "strength": 5}, "paragraph", key.key)
    assert [(r.item.id, r.given, r.verdict, r.credit) for r in results] == [
        ("claim", "mixed", MATCH, 1.0),
        ("strength", 5, NO_CONSENSUS, None),
        ("fallacies", None, UNANSWERED, 0.0),
    ]
    results = compare_answers(
        checklist, key.paragraph[0], {"claim": "fact", "strength": 2, "summary": "Mine."}, "paragraph", key.key
    )
    assert [(r.item.id, r.verdict, r.credit) for r in results] == [
        ("claim", MISS, 0.0),
        ("strength", MISS, 0.0),  # 2 from 4 is beyond the default tolerance of 1
        ("fallacies", UNANSWERED, 0.0),
        ("summary", MODEL, None),  # text: the key's answer is a model, not scored
    ]
    assert results[0].explanation == "It says what should happen."
    assert results[3].expected == "An opinion resting on two fallacies."
    essay = compare_answers(checklist, key.overall, {"verdict": "no", "rating": 4}, "essay", key.key)
    assert [(r.item.id, r.verdict, r.credit) for r in essay] == [
        ("verdict", MATCH, 1.0),
        ("rating", MISS, 0.0),  # rating's own tolerance is 0
        ("comment", MODEL, None),
    ]
    assert compare_answers(checklist, None, {"claim": "fact"}, "paragraph", key.key) == []


# --- 2. highlights ------------------------------------------------------------------------------


def test_span_scoring_worked_example() -> None:
    key = [span(0, 10, "L"), span(20, 30, "L"), span(40, 50, "L"), span(60, 70, "M"), span(80, 90, "L", stale=True)]
    learner = [
        span(5, 8, "L"),  # inside key span 1
        span(30, 35, "L"),  # touches key span 2 at its (exclusive) end: no overlap
        span(45, 60, "L"),  # overlaps key span 3
        span(48, 49, "L"),  # so does this one
        span(60, 65, "L"),  # where key span 4 is, with another label
        span(80, 90, "L"),  # where the stale key span was: nothing to match
        span(0, 100, "L", stale=True),  # stale: ignored
    ]
    tallies = tally_spans(key, learner)
    # L: key spans 1 and 3 found, 2 missed; learner spans 1, 3, 4 match, 2, 5, 6 are extra
    assert tallies["L"] == SpanTally(found=2, missed=1, matching=3, extra=3)
    # precision 3/6, recall 2/3: F1 = 2 · 1/2 · 2/3 / (1/2 + 2/3) = 4/7
    assert tallies["L"].f1 == pytest.approx(4 / 7)
    assert tallies["M"] == SpanTally(found=0, missed=1, matching=0, extra=0)
    assert tallies["M"].f1 == 0.0
    assert SpanTally(found=0, missed=0, matching=0, extra=2).f1 == 0.0
    assert SpanTally().f1 is None


def test_span_totals_of_a_whole_file(tmp_path: Path) -> None:
    key, (ana, ben, chloe) = write_class(tmp_path)
    checklist = load_checklist(tmp_path / "scoring.toml")
    key_file = load_assessment(key)
    totals = [scorecard(key_file, load_assessment(p), checklist).span_total for p in (ana, ben, chloe)]
    assert totals == [
        SpanTally(found=3, missed=0, matching=3, extra=0),
        SpanTally(found=1, missed=2, matching=1, extra=1),
        SpanTally(found=0, missed=3, matching=0, extra=0),
    ]
    # Ben: precision 1/2, recall 1/3 → F1 = (1/3) / (5/6) = 0.4
    assert [t.f1 for t in totals] == [1.0, pytest.approx(0.4), 0.0]


def test_extra_spans_count_where_the_key_has_no_record(tmp_path: Path) -> None:
    """A learner's span in a paragraph the key never wrote a record for is still an extra span."""
    key = save(tmp_path / "key.toml", "Teacher", [paragraph(1, PERFECT[1], spans=((0, 5),))], PERFECT[0])
    learner = save(
        tmp_path / "l.toml", "L", [paragraph(1, PERFECT[1], spans=((0, 5),)), paragraph(3, {}, spans=((1, 4),))], {}
    )
    checklist = load_checklist(write_checklist(tmp_path))
    total = scorecard(load_assessment(key), load_assessment(learner), checklist).span_total
    assert total == SpanTally(found=1, missed=0, matching=1, extra=1)


# --- 3. first tries -------------------------------------------------------------------------------


def test_first_tries_count_not_revisions(tmp_path: Path) -> None:
    key, (_, _, chloe) = write_class(tmp_path)
    checklist = load_checklist(tmp_path / "scoring.toml")
    key_file, learner = load_assessment(key), load_assessment(chloe)
    card = scorecard(key_file, learner, checklist)
    assert (card.by_item["claim"].credit, card.by_item["claim"].items) == (2.0, 3)  # ¶ 1 wrong at first
    assert card.by_item["strength"].credit == 0.0  # 1 at first; 4 (right) only after the feedback
    assert card.by_item["fallacies"].credit == pytest.approx(2 / 3 + 1)
    assert card.by_item["verdict"].credit == 0.0
    assert card.total.credit == pytest.approx(4 + 2 / 3)
    assert card.verdicts == {MATCH: 4, NEAR: 1, MISS: 3}

    # the same answers without the [training] table: all right
    learner.training = None
    assert scorecard(key_file, learner, checklist).total.credit == 8.0


# --- 4. a class -------------------------------------------------------------------------------------


def test_score_ranks_a_class_in_every_format(tmp_path: Path) -> None:
    key, learners = write_class(tmp_path)
    run = score(key, *learners)
    assert run.exit_code == 0, run.output
    text = run.stdout
    assert text.startswith("readtui score: Essay (3 ¶)\n  key ")
    assert squeezed(f"key {key} by Teacher checklist scoring 2 · 3 learners · first tries count:") in squeezed(text)
    assert squeezed(f"warning: {learners[1]}: never checked a paragraph against the key") in squeezed(text)
    assert text.count("warning:") == 1
    assert table_rows(text, "First-try credit per section, best total first") == [
        " 1  Ana                         100%                     100%   100%       8/8",
        " 2  Chloé                        61%                      50%    58%    4.67/8",
        " 3  Ben                          58%                      50%    56%     4.5/8",
    ]
    header = text.splitlines()[text.splitlines().index("First-try credit per section, best total first") + 1]
    assert header.split() == [
        "#",
        "learner",
        "Each",
        "paragraph's",
        "content",
        "The",
        "essay",
        "as",
        "a",
        "whole",
        "total",
        "credit",
    ]
    assert table_rows(text, "Highlights: the key's spans found (same label, overlapping), and extra spans") == [
        " 1  Ana        3/3      0   1.00",
        " 2  Chloé      0/3      0   0.00",
        " 3  Ben        1/3      1   0.40",
    ]
    missed = table_rows(text, "Items missed most: learners who lost credit on the item, their mean credit")
    assert [line.split()[:5] for line in missed] == [
        ["fallacies", "2", "of", "3", "69%"],
        ["claim", "2", "of", "3", "78%"],
        ["strength", "1", "of", "3", "67%"],
        ["verdict", "1", "of", "3", "67%"],
        ["rating", "1", "of", "3", "67%"],
    ]
    assert max(len(line) for line in text.splitlines()) <= 80

    rows = list(csv.DictReader(io.StringIO(score(key, *learners, "--format", "csv").stdout)))
    assert list(rows[0]) == [
        "learner", "file", "total_credit", "total_items", "total_share", "content_share", "whole_share",
        "choice_share", "scale_share", "multi_share", "spans_found", "spans_missed", "span_f1",
    ]  # fmt: skip
    assert [row["learner"] for row in rows] == ["Ana", "Chloé", "Ben"]
    ben = rows[2]
    assert ben["file"] == str(learners[1])
    assert {k: float(v) for k, v in ben.items() if k not in ("learner", "file")} == pytest.approx(
        {
            "total_credit": 4.5,
            "total_items": 8,
            "total_share": 4.5 / 8,
            "content_share": 3.5 / 6,
            "whole_share": 0.5,
            "choice_share": 0.75,
            "scale_share": 0.5,
            "multi_share": 0.25,
            "spans_found": 1,
            "spans_missed": 2,
            "span_f1": 0.4,
        }
    )
    assert float(rows[1]["total_credit"]) == pytest.approx(4 + 2 / 3)

    document = json.loads(score(key, *learners, "--format", "json").stdout)
    assert [(one["rank"], one["name"]) for one in document["learners"]] == [(1, "Ana"), (2, "Chloé"), (3, "Ben")]
    ben = document["learners"][2]
    assert ben["total"] == {"credit": 4.5, "items": 8, "share": 0.5625}
    assert ben["by_section"]["whole"] == {"credit": 1.0, "items": 2, "share": 0.5}
    assert ben["by_kind"]["multi"] == {"credit": 0.5, "items": 2, "share": 0.25}
    assert ben["by_item"]["claim"] == {"credit": 2.0, "items": 3, "share": pytest.approx(2 / 3)}
    assert ben["verdicts"] == {MATCH: 3, NEAR: 2, MISS: 2, UNANSWERED: 1}
    assert ben["spans"]["by_label"] == {
        "loaded-word": {"found": 1, "missed": 2, "matching": 1, "extra": 1, "f1": pytest.approx(0.4)}
    }
    assert [(m["item"], m["missed_by"]) for m in document["missed_most"]] == [
        ("fallacies", 2),
        ("claim", 2),
        ("strength", 1),
        ("verdict", 1),
        ("rating", 1),
    ]
    assert document["missed_most"][0]["mean_credit"] == pytest.approx((1 + 0.25 + 5 / 6) / 3)
    assert document["warnings"] == [
        f"{learners[1]}: never checked a paragraph against the key; its current answers count"
    ]
    assert document["checklist"] == {"id": "scoring", "version": "2"}
    assert document["key"] == {"file": str(key), "sha256": file_sha256(key), "reader": "Teacher"}

    handout = score(key, *learners, "--format", "markdown").stdout
    assert handout.startswith("# Scores: Essay\n")
    assert "| # | learner | Each paragraph's content | The essay as a whole | total | credit |" in handout
    ranking = [
        line
        for line in handout.splitlines()
        if line.startswith("| 1 |") or line.startswith("| 2 |") or line.startswith("| 3 |")
    ]
    assert ranking[:3] == [
        "| 1 | Ana | 100% | 100% | 100% | 8/8 |",
        "| 2 | Chloé | 61% | 50% | 58% | 4.67/8 |",
        "| 3 | Ben | 58% | 50% | 56% | 4.5/8 |",
    ]
    assert "| 3 | Ben | 1 of 3 | 1 | 0.40 |" in handout
    assert "| fallacies | Which fallacies? | 2 of 3 | 69% |" in handout
    assert f"> **Warning:** {md(str(learners[1]))}: never checked" in handout

    out = tmp_path / "scores.csv"
    assert score(key, *learners, "--format", "csv", "--out", out).exit_code == 0
    assert out.read_text(encoding="utf-8").splitlines()[1].startswith("Ana,")


def test_directory_ties_same_names_and_warnings(tmp_path: Path) -> None:
    """A directory holding the checklist and the key; two readers called Dee who tie; a file
    trained against another key; the key given again as a learner."""
    key, _ = write_class(tmp_path)
    (tmp_path / "other").mkdir()
    other_key = save(tmp_path / "other" / "key.toml", "Someone", [], {"verdict": "yes"})
    half = {"verdict": "no"}  # 1 of 8
    save(tmp_path / "dee1.readtui.toml", "Dee", [], half, training=trained(other_key, {0: half}))
    save(tmp_path / "dee2.readtui.toml", "Dee", [], half, training=trained(key, {0: half}))
    scores = load_scores(key, [str(tmp_path), str(key)])
    assert [(one.rank, one.name) for one in scores.learners] == [
        (1, "Ana"),
        (2, "Chloé"),
        (3, "Ben"),
        (4, "Dee (dee1.readtui.toml)"),
        (4, "Dee (dee2.readtui.toml)"),
    ]
    assert scores.warnings == [
        f"{key}: is the answer key; skipped",
        f"{tmp_path / 'ben.readtui.toml'}: never checked a paragraph against the key; its current answers count",
        f"{tmp_path / 'dee1.readtui.toml'}: trained against another answer key (its key_sha256 is not key.readtui.toml's)",
    ]
    text = render_scores(scores, "table")
    assert table_rows(text, "First-try credit per section, best total first")[3:] == [
        " 4  Dee (dee1.readtui.toml)                0%               50%    12%       1/8",
        " 4  Dee (dee2.readtui.toml)                0%               50%    12%       1/8",
        "  Each paragraph's…\u00a0=\u00a0Each paragraph's content · The essay as a w…\u00a0=\u00a0The essay",
        "    as a whole",
    ]
    assert squeezed(f"warning: {tmp_path / 'dee1.readtui.toml'}: trained against another answer key") in squeezed(text)


def test_undefined_figures_and_untrusted_names(tmp_path: Path) -> None:
    """A key that answers only text items scores nothing: — in the table and markdown, empty in
    CSV, null in JSON, never NaN. Names with control characters and markup stay harmless."""
    write_checklist(tmp_path)
    key = save(tmp_path / "key.toml", "Teacher", [paragraph(1, {"summary": "A model."})], {"comment": "Why."})
    name = "Eve\x1b[2J [b]a very long name indeed"
    learner = save(tmp_path / "eve.toml", name, [paragraph(1, {"claim": "fact"})], {})
    outputs = {f: render_scores(load_scores(key, [str(learner)]), f) for f in ("table", "markdown", "csv", "json")}
    for text in outputs.values():
        assert not re.search(r"\bnan\b", text, re.IGNORECASE)
    assert all("\x1b" not in outputs[f] for f in ("table", "markdown", "json"))  # CSV keeps the name as it is
    row = table_rows(outputs["table"], "First-try credit per section, best total first")
    assert row == [" 1  Eve␛[2J [b]a very long …      —       0/0"]
    assert "No item was missed" in outputs["table"]
    assert "| 1 | Eve␛\\[2J \\[b\\]a very long name indeed | — | 0/0 |" in outputs["markdown"]
    cells = list(csv.DictReader(io.StringIO(outputs["csv"])))[0]
    assert (cells["total_share"], cells["content_share"], cells["multi_share"], cells["span_f1"]) == ("", "", "", "")
    learner_json = json.loads(outputs["json"])["learners"][0]
    assert learner_json["total"] == {"credit": 0.0, "items": 0, "share": None}
    assert learner_json["spans"]["total"]["f1"] is None
    assert learner_json["name"] == name


def test_many_sections_fit_80_columns(tmp_path: Path) -> None:
    sections = "".join(
        f'[[section]]\nid = "s{n}"\ntitle = "Section number {n}"\n\n  [[section.item]]\n  id = "q{n}"\n'
        f'  prompt = "Question {n}?"\n  kind = "choice"\n  options = [{{ id = "y", label = "Y" }}, {{ id = "n", label = "N" }}]\n\n'
        for n in range(1, 13)
    )
    (tmp_path / "wide.toml").write_text(
        f'format = "readtui-checklist/1"\nid = "wide"\ntitle = "Wide"\nversion = "1"\n\n{sections}', encoding="utf-8"
    )
    answers = {f"q{n}": "y" for n in range(1, 13)}
    key = save(tmp_path / "key.toml", "Teacher", [paragraph(1, answers)], {}, checklist_id="wide")
    learner = save(tmp_path / "one.toml", "Lee", [paragraph(1, {**answers, "q12": "n"})], {}, checklist_id="wide")
    text = render_scores(load_scores(key, [str(learner)]), "table")
    assert max(len(line) for line in text.splitlines()) <= 80
    assert text.count("First-try credit per section") == 2  # the sections in two blocks
    assert "Section number 12" in text  # legend of the cut titles
    assert [line.split()[-2:] for line in text.splitlines() if line.startswith(" 1  Lee")] == [["92%", "11/12"]] * 2
    csv_header = next(csv.reader(io.StringIO(render_scores(load_scores(key, [str(learner)]), "csv"))))
    assert csv_header == csv_columns(load_scores(key, [str(learner)]))
    assert csv_header[5:8] == ["s1_share", "s2_share", "s3_share"]


# --- 5. bad input -------------------------------------------------------------------------------------


def test_bad_learner_files_one_line_each(tmp_path: Path) -> None:
    key, (ana, _, _) = write_class(tmp_path)
    other_essay = save(tmp_path / "other-essay.toml", "Olga", [], {}, essay="Another essay")
    missing = tmp_path / "missing.toml"
    broken = tmp_path / "broken.toml"
    broken.write_text('format = "readtui-assessment/1"\nreader = {\n', encoding="utf-8")
    run = score(key, ana, other_essay, missing, broken)
    assert run.exit_code == 2
    lines = run.stderr.splitlines()
    assert len(lines) == 3
    assert lines[0] == f"{missing}: no such file"
    assert lines[1].startswith(f"{broken}: line ") and "TOML syntax error" in lines[1]
    assert lines[2] == (
        f"{other_essay}: essay.sha256: assesses another essay than the key ('Another essay', not 'Essay'; sha256 differs)"
    )
    assert run.stdout == ""

    run = score(tmp_path / "no-key.toml", ana)
    assert (run.exit_code, run.stderr) == (2, f"{tmp_path / 'no-key.toml'}: no such file\n")
    run = score(tmp_path / "no-key.toml", tmp_path / "nobody*.toml")
    assert (run.exit_code, run.stderr.splitlines()) == (
        2,
        [f"{tmp_path / 'no-key.toml'}: no such file", f"{tmp_path / 'nobody*.toml'}: no files match this pattern"],
    )
    run = score(key, key)
    assert (run.exit_code, run.stderr) == (2, "no learners' files to score\n")


def test_key_of_another_checklist(tmp_path: Path) -> None:
    _, (ana, ben, _) = write_class(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    write_checklist(other, "another")
    key = write_key(other, checklist_id="another")
    run = score(key, ana, ben)
    assert run.exit_code == 2
    assert run.stderr.splitlines() == [
        f"{path}: checklist.id: uses checklist 'scoring', the key uses 'another'" for path in (ana, ben)
    ]
    run = score(key, ana, "--checklist", tmp_path / "scoring.toml")
    assert run.exit_code == 2
    assert run.stderr.splitlines() == [
        f"{key}: checklist.id: uses checklist 'another', not 'scoring'",
        f"{ana}: checklist.id: uses checklist 'scoring', the key uses 'another'",
    ]


def test_a_key_that_does_not_fit_the_checklist(tmp_path: Path) -> None:
    key, (ana, _, _) = write_class(tmp_path)
    text = key.read_text(encoding="utf-8").replace("strength = 4", "strength = 9")
    key.write_text(text, encoding="utf-8")
    with pytest.raises(ReadtuiErrors) as error:
        load_scores(key, [str(ana)])
    assert [str(p) for p in error.value.problems] == [
        f"{key}: paragraph[1].answers.strength: 9 is outside the scale 1–5"
    ]


def test_score_report_does_not_import_textual() -> None:
    code = "import sys, readtui.reports.score; print(any(m.split('.')[0] == 'textual' for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
