"""Adjudication without the app: majorities (per option and of whole sets), the tolerance a key
gets, and the order the key is written in (the app: tests/app/test_adjudication_app.py)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from readtui.core.adjudication import PER_OPTION, WHOLE_SET, Adjudication, prepare_adjudication
from readtui.core.storage import AssessmentWriter
from tests.conftest import write_readers


def adjudicate(tmp_path: Path, essay: Path, checklist, given: dict, **extras: dict) -> Adjudication:
    """An adjudication of `write_readers`' files."""
    files = write_readers(tmp_path, essay, checklist, given, **extras)
    return prepare_adjudication(files, tmp_path / "key.toml")


def dispute_of(adjudication: Adjudication, index: int, item_id: str):
    return next(d for d in adjudication.disputes if d.index == index and d.item.id == item_id)


# --- a multi item's majority ----------------------------------------------------------------------


def test_per_option_majority_can_be_a_set_no_reader_ticked(
    tmp_path: Path, small_essay_file: Path, critical_checklist
) -> None:
    """Each option ticked by two of the three who answered is in; D, unsure, and E, who did not
    answer the item, do not vote (counted, each option would split 2–2)."""
    given = {
        "A": {1: {"evidence-kinds": ["documents", "statistics"]}},
        "B": {1: {"evidence-kinds": ["documents", "eyewitness"]}},
        "C": {1: {"evidence-kinds": ["statistics", "eyewitness"]}},
        "D": {1: {}},
        "E": {1: {"claims-supported": "no"}},
    }
    adjudication = adjudicate(
        tmp_path, small_essay_file, critical_checklist, given, unsure={"D": {1: ["evidence-kinds"]}}
    )
    dispute = dispute_of(adjudication, 1, "evidence-kinds")
    assert [(option.id, ticked) for option, ticked in dispute.ticks()] == [
        ("statistics", 2),
        ("documents", 2),
        ("example", 0),
        ("expert", 0),
        ("eyewitness", 2),
    ]
    assert dispute.majority(PER_OPTION) == ["statistics", "documents", "eyewitness"]
    assert dispute.majority(WHOLE_SET) is None  # three sets, one reader each
    assert adjudication.fill_majority() == [dispute_of(adjudication, 1, "claims-supported")]
    assert adjudication.key.paragraph[0].answers == {"evidence-kinds": ["statistics", "documents", "eyewitness"]}


def test_an_even_split_on_one_option_leaves_the_item_open(
    tmp_path: Path, small_essay_file: Path, critical_checklist
) -> None:
    """Four readers: statistics 3 of 4 is in, documents 2 of 4 is a tie, so per option there is no
    majority; of whole sets, ["statistics"] (A and D) is one."""
    ticks = {"A": ["statistics"], "B": ["statistics", "documents"], "C": ["documents"], "D": ["statistics"]}
    given = {reader: {1: {"evidence-kinds": t}} for reader, t in ticks.items()}
    adjudication = adjudicate(tmp_path, small_essay_file, critical_checklist, given)
    [dispute] = adjudication.disputes
    assert [option.id for option in dispute.tied_options()] == ["documents"]
    assert dispute.majority(PER_OPTION) is None
    assert dispute.majority(WHOLE_SET) == ["statistics"]
    assert adjudication.fill_majority() == [dispute]
    adjudication.multi_rule = WHOLE_SET
    assert adjudication.fill_majority() == []
    assert adjudication.decision(dispute) == ("answer", ["statistics"])


def test_one_reader_is_no_majority_per_option(tmp_path: Path, small_essay_file: Path, critical_checklist) -> None:
    given = {"A": {1: {"evidence-kinds": ["statistics"]}}, "B": {1: {}}, "C": {1: {}}}
    adjudication = adjudicate(tmp_path, small_essay_file, critical_checklist, given)
    [dispute] = adjudication.disputes
    assert dispute.majority(PER_OPTION) is None
    assert adjudication.fill_majority() == [dispute]


def test_undoing_the_majorities_keeps_what_was_decided_again_since(
    tmp_path: Path, small_essay_file: Path, critical_checklist
) -> None:
    given = {
        reader: {1: {"claims-supported": supported, "loaded-words": loaded}}
        for reader, supported, loaded in (("A", "yes", 2), ("B", "yes", 2), ("C", "no", 3))
    }
    adjudication = adjudicate(tmp_path, small_essay_file, critical_checklist, given)
    supported, loaded = adjudication.disputes
    open_before = adjudication.open_disputes
    assert adjudication.fill_majority() == []
    decided = [(d, adjudication.decision(d)[1]) for d in open_before]
    assert adjudication.key.session.status == "complete"
    adjudication.decide(loaded, 3)  # overruled by hand
    assert adjudication.reopen_unchanged(decided) == 1
    assert adjudication.decision(supported) == ("open", None)
    assert adjudication.decision(loaded) == ("answer", 3)
    assert adjudication.key.session.status == "in-progress"


# --- the tolerance ---------------------------------------------------------------------------------


def test_tolerance_is_kept_in_its_shortest_form(tmp_path: Path, three_files: list[Path]) -> None:
    adjudication = prepare_adjudication([str(p) for p in three_files], tmp_path / "key.toml")
    key = adjudication.key.key
    adjudication.set_tolerance("loaded-words", 1)
    assert key.tolerance == {"loaded-words": 1}
    adjudication.set_tolerance("*", 1)
    assert key.tolerance == 1  # loaded-words is the default now
    adjudication.set_tolerance("credibility", 0)
    assert key.tolerance == {"*": 1, "credibility": 0}
    assert (adjudication.tolerance("loaded-words"), adjudication.tolerance("credibility")) == (1, 0)
    adjudication.set_tolerance("credibility", 1)
    assert key.tolerance == 1
    adjudication.set_tolerance("*", 4)  # the whole of a 1–5 scale
    assert key.tolerance == 4


@pytest.mark.parametrize(
    ("item_id", "value", "message"),
    [
        ("loaded-words", -1, "-1 is negative; a tolerance is 0 (exact) or more"),
        ("loaded-words", 5, "5 is wider than the scale of 'loaded-words' (1 to 5: at most 4)"),
        ("*", 5, "5 is wider than the scale of 'loaded-words' (1 to 5: at most 4)"),
        ("claims-supported", 1, "'claims-supported' is not a scale item of checklist 'critical-reading'"),
        ("nonsense", 1, "'nonsense' is not a scale item of checklist 'critical-reading'"),
    ],
)
def test_a_bad_tolerance_is_refused_and_the_key_unchanged(
    tmp_path: Path, three_files: list[Path], item_id: str, value: int, message: str
) -> None:
    adjudication = prepare_adjudication([str(p) for p in three_files], tmp_path / "key.toml")
    adjudication.set_tolerance("credibility", 2)
    with pytest.raises(ValueError) as error:
        adjudication.set_tolerance(item_id, value)
    assert str(error.value) == message
    assert adjudication.key.key.tolerance == {"credibility": 2}


# --- the order of the key --------------------------------------------------------------------------


def test_the_key_is_written_in_checklist_order_whatever_the_order_of_files_and_decisions(
    tmp_path: Path, small_essay_file: Path, critical_checklist
) -> None:
    """The readers' files list answers (and ticks) backwards; disputes are decided backwards
    too, and paragraph 3 before 1; the key's answers, ticks, no_consensus and explanations
    still come out in the checklist's order, and its paragraphs in theirs."""
    order = list(critical_checklist.items)
    backwards = {
        "dodges": ["whataboutism", "straw-man"],
        "loaded-words": 2,
        "evidence-kinds": ["eyewitness", "documents"],
        "claims-supported": "no",
    }
    other = {"dodges": ["bandwagon"], "loaded-words": 4, "evidence-kinds": ["expert"], "claims-supported": "yes"}
    given = {
        "A": {3: dict(backwards), 1: dict(backwards)},
        "B": {3: dict(backwards), 1: dict(reversed(other.items()))},
        "C": {3: {"conclusion-follows": "no", "said-as-fact": "yes"}, 1: dict(other)},
    }
    adjudication = adjudicate(tmp_path, small_essay_file, critical_checklist, given)
    for dispute in reversed(adjudication.disputes):
        adjudication.explain(dispute, f"why {dispute.item.id}")
        if dispute.item.id in ("claims-supported", "dodges"):
            adjudication.set_no_consensus(dispute)
        else:
            adjudication.decide(dispute, dispute.choices[0][0])
    data = tomllib.loads(AssessmentWriter().dumps(adjudication.key))
    assert [p["index"] for p in data["paragraph"]] == [1, 3]
    for paragraph in data["paragraph"]:
        for table in ("answers", "explain"):
            assert list(paragraph[table]) == sorted(paragraph[table], key=order.index)
        for item_id, answer in paragraph["answers"].items():
            if isinstance(answer, list):
                options = [o.id for o in critical_checklist.items[item_id].options]
                assert answer == sorted(answer, key=options.index)
    first, third = data["paragraph"]
    assert first["no_consensus"] == ["claims-supported", "dodges"]
    assert list(first["answers"]) == ["evidence-kinds", "loaded-words"]
    assert list(third["answers"]) == [
        "claims-supported",
        "evidence-kinds",
        "said-as-fact",
        "loaded-words",
        "dodges",
        "conclusion-follows",
    ]
    assert third["answers"]["dodges"] == ["straw-man", "whataboutism"]
