"""``readtui score``'s rules without the command: the scoring rules, highlights, first tries against
revisions, the report of a class, a key that does not fit. Checked through real files. The command
(every output format, bad input): tests/cli/test_score_cli.py."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from readtui.core.assessment import KeyInfo
from readtui.core.errors import ReadtuiErrors
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
    load_scores,
    scorecard,
)
from readtui.core.scoring import span_tally as tally_spans
from readtui.core.storage import load_assessment, load_checklist
from readtui.reports.score import csv_columns, render_scores
from tests.conftest import lines_wider_than, write_checklist
from tests.score_class import (
    PERFECT,
    paragraph,
    save,
    scoring_checklist,
    span,
    squeezed,
    table_rows,
    trained,
    write_class,
    write_key,
)

# --- 1. the rules -----------------------------------------------------------------------------


def test_scoring_rules_item_by_item(tmp_path: Path) -> None:
    scoring_checklist(tmp_path)
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
    checklist = load_checklist(scoring_checklist(tmp_path))
    total = scorecard(load_assessment(key), load_assessment(learner), checklist).span_total
    assert total == SpanTally(found=1, missed=0, matching=1, extra=1)


@pytest.mark.parametrize("stale_first", [False, True], ids=["stale-after-live", "stale-before-live"])
def test_a_stale_record_never_replaces_the_live_one(tmp_path: Path, stale_first: bool) -> None:
    """Answers and spans kept from an earlier version of a paragraph (stale) are not scored: the
    live record of the same paragraph is, in whichever order the file holds them."""
    key = save(tmp_path / "key.toml", "Teacher", [paragraph(1, PERFECT[1], spans=((0, 5),))], PERFECT[0])
    live = paragraph(1, PERFECT[1], spans=((0, 5),))
    stale = paragraph(1, {"claim": "fact", "strength": 1, "fallacies": ["c"]}, spans=((50, 60),), stale=True)
    learner = load_assessment(save(tmp_path / "l.toml", "L", [live, stale], {}))
    assert [r.stale for r in learner.paragraph] == [False, True]  # as the writer orders them
    if stale_first:
        learner.paragraph.reverse()  # as a file edited by hand may hold them
    card = scorecard(load_assessment(key), learner, load_checklist(scoring_checklist(tmp_path)))
    assert {item: (t.credit, t.items) for item, t in card.by_item.items()} == {
        "claim": (1.0, 1),
        "strength": (1.0, 1),
        "fallacies": (1.0, 1),
        "verdict": (0.0, 1),  # the essay as a whole: unanswered
        "rating": (0.0, 1),
    }
    assert card.span_total == SpanTally(found=1, missed=0, matching=1, extra=0)


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
    scoring_checklist(tmp_path)
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
    write_checklist(
        tmp_path / "wide.toml",
        f'format = "readtui-checklist/1"\nid = "wide"\ntitle = "Wide"\nversion = "1"\n\n{sections}',
    )
    answers = {f"q{n}": "y" for n in range(1, 13)}
    key = save(tmp_path / "key.toml", "Teacher", [paragraph(1, answers)], {}, checklist_id="wide")
    learner = save(tmp_path / "one.toml", "Lee", [paragraph(1, {**answers, "q12": "n"})], {}, checklist_id="wide")
    text = render_scores(load_scores(key, [str(learner)]), "table")
    assert lines_wider_than(80, text, [key, learner]) == []
    assert text.count("First-try credit per section") == 2  # the sections in two blocks
    assert "Section number 12" in text  # legend of the cut titles
    assert [line.split()[-2:] for line in text.splitlines() if line.startswith(" 1  Lee")] == [["92%", "11/12"]] * 2
    csv_header = next(csv.reader(io.StringIO(render_scores(load_scores(key, [str(learner)]), "csv"))))
    assert csv_header == csv_columns(load_scores(key, [str(learner)]))
    assert csv_header[5:8] == ["s1_share", "s2_share", "s3_share"]


# --- 5. bad input -------------------------------------------------------------------------------------


def test_a_key_that_does_not_fit_the_checklist(tmp_path: Path) -> None:
    key, (ana, _, _) = write_class(tmp_path)
    text = key.read_text(encoding="utf-8").replace("strength = 4", "strength = 9")
    key.write_text(text, encoding="utf-8")
    with pytest.raises(ReadtuiErrors) as error:
        load_scores(key, [str(ana)])
    assert [str(p) for p in error.value.problems] == [
        f"{key}: paragraph[1].answers.strength: 9 is outside the scale 1–5"
    ]


def test_a_long_key_path_stays_whole_and_the_table_keeps_its_header(tmp_path: Path) -> None:
    """The temp directory, the user's home or a class folder can make the key's path longer than a
    line: it gets a line of its own, unbroken, and the tables below are laid out as with a short one."""
    deep = tmp_path / ("a-long-directory-name-" * 6)
    deep.mkdir()
    (tmp_path / "short").mkdir()
    short_key, short_learners = write_class(tmp_path / "short")
    long_key, long_learners = write_class(deep)
    short = render_scores(load_scores(short_key, [str(p) for p in short_learners]), "table")
    long = render_scores(load_scores(long_key, [str(p) for p in long_learners]), "table")
    assert f"    {long_key}" in long.splitlines(), "the path is whole, on a line of its own"
    title = "First-try credit per section, best total first"
    assert long[long.index(title) :] == short[short.index(title) :]
