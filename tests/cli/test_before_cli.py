"""Before-reading answers in the reports: ``compare --group-by before:ITEM`` in every format, with
a warning for groups too small for a figure, and ``score`` showing them beside the scores."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from readtui.cli import main
from tests.conftest import write_assessment

GROUPED = ["--group-by", "before:prior-stance", "--bootstrap", "0"]
ANSWERS = {
    "A": {1: {"claims-supported": "no", "loaded-words": 2}, 2: {"claims-supported": "yes", "loaded-words": 4}},
    "B": {1: {"claims-supported": "no", "loaded-words": 3}, 2: {"claims-supported": "partly", "loaded-words": 4}},
    "C": {1: {"claims-supported": "yes", "loaded-words": 5}, 2: {"claims-supported": "yes", "loaded-words": 1}},
    "D": {1: {"claims-supported": "no", "loaded-words": 2}},
}
STANCE = {"A": {"prior-stance": 4}, "B": {"prior-stance": 4, "prior-knowledge": 2}, "C": {"prior-stance": 2}, "D": {}}


def run(command: str, *args: str | Path):
    return CliRunner().invoke(main, [command, *map(str, args)], catch_exceptions=False)


@pytest.fixture
def readers(tmp_path: Path, small_essay_file: Path, critical_checklist) -> dict[str, Path]:
    """Two readers who agreed with the essay's side before reading, one who disagreed (and said so
    only after starting it), one who did not say."""
    return {
        name: write_assessment(
            tmp_path / f"{name}.readtui.toml",
            small_essay_file,
            critical_checklist,
            name,
            ANSWERS[name],
            before=STANCE[name],
            after_reading=["prior-stance"] if name == "C" else None,
        )
        for name in ANSWERS
    }


TOO_SMALL = [
    "warning: group prior-stance = 2 is too small for agreement (1 file, no two of one essay: agreement needs "
    "two readers of the same essay); its answers are shown",
    "warning: group prior-stance = no answer is too small for agreement (1 file, no two of one essay: "
    "agreement needs two readers of the same essay); its answers are shown",
]


def test_group_by_in_json_matches_a_comparison_of_the_group_alone(readers: dict[str, Path]) -> None:
    grouped = run("compare", *readers.values(), *GROUPED, "--format", "json")
    assert grouped.exit_code == 0, grouped.output
    assert grouped.stderr.splitlines() == TOO_SMALL
    document = json.loads(grouped.stdout)
    assert document["group_by"] == {
        "item": "prior-stance",
        "prompt": "What do you already believe about this topic?",
        "kind": "scale",
        "scope": "before",
    }
    assert [(g["value"], g["label"], g["files"], g["answered_after_reading"]) for g in document["groups"]] == [
        (2, "2", 1, 1),
        (4, "4", 2, 0),
        ("no answer", "no answer", 1, 0),
    ]
    assert [w for w in document["warnings"] if w.startswith("group")] == [
        w.removeprefix("warning: ") for w in TOO_SMALL
    ]
    agreeing = document["groups"][1]
    alone = json.loads(run("compare", readers["A"], readers["B"], "--bootstrap", "0", "--format", "json").stdout)
    for mine, theirs in zip(agreeing["items"], [s for s in alone["items"] if s["option"] is None], strict=True):
        assert mine["item"] == theirs["item"]
        assert (mine["alpha"], mine["agreement"], mine["n_units"]) == (
            theirs["alpha"],
            theirs["agreement"],
            theirs["n_units"],
        ), mine["item"]
    words = next(i for i in agreeing["items"] if i["item"] == "loaded-words")
    assert words["answers"] == {"2": 1, "3": 1, "4": 2}
    small = document["groups"][0]
    assert small["too_small"] and all(i["alpha"] is None for i in small["items"])
    assert next(i for i in small["items"] if i["item"] == "claims-supported")["answers"] == {"yes": 2}


def test_group_by_as_a_table_markdown_and_csv(readers: dict[str, Path]) -> None:
    table = run("compare", *readers.values(), *GROUPED)
    assert table.exit_code == 0, table.output
    text = table.stdout
    assert "prior-stance = 4: 2 files" in text
    assert "prior-stance = 2: 1 file, 1 of them answered after starting the essay" in text
    assert "  too small for agreement: 1 file, no two of one essay" in text
    assert max(len(line) for line in text.splitlines()) <= 80
    assert text.count("warning: group") == 2, "in the report too, not only on stderr"
    markdown = run("compare", *readers.values(), *GROUPED, "--format", "markdown").stdout
    assert "## prior-stance = 4: 2 files" in markdown
    assert "> **Warning:** group prior-stance = 2 is too small for agreement" in markdown
    rows = list(csv.DictReader(io.StringIO(run("compare", *readers.values(), *GROUPED, "--format", "csv").stdout)))
    words = [(r["group"], r["answer"], r["count"]) for r in rows if r["item"] == "loaded-words"]
    assert words == [
        ("2", "1", "1"),
        ("2", "5", "1"),
        ("4", "2", "1"),
        ("4", "3", "1"),
        ("4", "4", "2"),
        ("no answer", "2", "1"),
    ]
    assert {r["alpha_undefined"] for r in rows if r["group"] == "2"} == {"no unit has answers from two readers"}


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            "prior-stance",
            "expected before:ITEM, got 'prior-stance' (before-reading items: prior-stance, prior-knowledge)",
        ),
        (
            "before:loaded-words",
            "'loaded-words' is a paragraph-scope item, not a before-reading one (before-reading items: prior-stance, prior-knowledge)",
        ),
        ("before:nope", "'nope' is no item (before-reading items: prior-stance, prior-knowledge)"),
    ],
)
def test_a_bad_group_by_is_one_line_and_status_2(readers: dict[str, Path], spec: str, message: str) -> None:
    result = run("compare", *readers.values(), "--group-by", spec, "--bootstrap", "0")
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"--group-by: {message}\n")


def test_group_by_is_refused_with_tui(readers: dict[str, Path]) -> None:
    result = run("compare", *readers.values(), "--group-by", "before:prior-stance", "--tui")
    assert (result.exit_code, result.stderr) == (
        2,
        "--group-by: not shown in --tui: leave out --tui for the grouped report\n",
    )


def test_score_shows_the_before_answers_beside_the_scores(readers: dict[str, Path], key_file: Path) -> None:
    learners = [readers["A"], readers["C"], readers["D"]]
    table = run("score", key_file, *learners)
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    start = lines.index("Before reading (not scored), beside the total")
    assert lines[start + 1].split() == ["#", "learner", "total", "prior-stance", "prior-knowledge"]
    rows = {line.split()[1]: line.split()[2:] for line in lines[start + 2 : start + 5]}
    assert rows["A"][1:] == ["4", "—"]
    assert rows["C"][1:] == ["2*", "—"]
    assert rows["D"][1:] == ["—", "—"]
    assert "*: answered after the learner had started the essay" in table.stdout
    document = json.loads(run("score", key_file, *learners, "--format", "json").stdout)
    by_name = {learner["name"]: learner for learner in document["learners"]}
    assert by_name["C"]["before"] == {
        "answers": {"prior-stance": 2},
        "unsure": [],
        "note": "",
        "after_reading": ["prior-stance"],
    }
    assert [s["id"] for s in document["sections"]] == [
        "evidence",
        "sourcing",
        "loaded-language",
        "logical-leaps",
        "overall",
    ]
    rows = list(csv.DictReader(io.StringIO(run("score", key_file, *learners, "--format", "csv").stdout)))
    assert sorted((r["learner"], r["before:prior-stance"], r["before_after_reading"]) for r in rows) == [
        ("A", "4", ""),
        ("C", "2", "prior-stance"),
        ("D", "", ""),
    ]
    assert "before-reading_share" not in rows[0], "the before section is never scored"
    markdown = run("score", key_file, *learners, "--format", "markdown").stdout
    assert "## Before reading" in markdown
    assert "| What do you already believe about this topic? | How much do you know about it? |" in markdown


def test_validate_says_a_file_has_before_reading_answers_and_which_format(readers: dict[str, Path]) -> None:
    result = run("validate", readers["B"], readers["D"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{readers['B']}: ok (assessment by B, 2/4 paragraphs with answers, checklist critical-reading 1.2, "
        "2 before-reading answer(s) (readtui-assessment/3: older readtuis read /2 only))",
        f"{readers['D']}: ok (assessment by D, 1/4 paragraphs with answers, checklist critical-reading 1.2)",
    ]
