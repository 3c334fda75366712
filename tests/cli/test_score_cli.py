"""``readtui score`` as a command: the ranking of a class in every output format, and bad input (one
line per problem, status 2). The scoring rules: tests/unit/test_score.py."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from readtui.cli import main
from readtui.core.scoring import MATCH, MISS, NEAR, UNANSWERED
from readtui.core.storage import file_sha256
from readtui.reports.text import md
from tests.conftest import lines_wider_than, position_of
from tests.score_class import save, scoring_checklist, squeezed, table_rows, write_class, write_key


def score(*args: str | Path):
    return CliRunner().invoke(main, ["score", *map(str, args)], catch_exceptions=False)


def test_score_ranks_a_class_in_every_format(tmp_path: Path) -> None:
    key, learners = write_class(tmp_path)
    run = score(key, *learners)
    assert run.exit_code == 0, run.output
    text = run.stdout
    assert text.startswith("readtui score: Essay (3 ¶)\n  key")
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
    assert lines_wider_than(80, text, [key, *learners]) == []

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
    assert re.match(rf"{re.escape(str(broken))}:\d+:\d+: TOML syntax error", lines[1])
    assert lines[2] == (
        f"{other_essay}:{position_of(other_essay, 'sha256 = ', after='[essay]')}: essay.sha256: assesses another essay than the key ('Another essay', not 'Essay'; sha256 differs)"
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
    scoring_checklist(other, "another")
    key = write_key(other, checklist_id="another")
    run = score(key, ana, ben)
    assert run.exit_code == 2
    assert run.stderr.splitlines() == [
        f"{path}:{position_of(path, 'id = ', after='[checklist]')}: checklist.id: uses checklist 'scoring', the key uses 'another'"
        for path in (ana, ben)
    ]
    run = score(key, ana, "--checklist", tmp_path / "scoring.toml")
    assert run.exit_code == 2
    assert run.stderr.splitlines() == [
        f"{key}:{position_of(key, 'id = ', after='[checklist]')}: checklist.id: uses checklist 'another', not 'scoring'",
        f"{ana}:{position_of(ana, 'id = ', after='[checklist]')}: checklist.id: uses checklist 'scoring', the key uses 'another'",
    ]
