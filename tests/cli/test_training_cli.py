"""``readtui train`` and ``readtui adjudicate --majority`` as commands (the apps: tests/app/test_training_app.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from readtui.cli import main
from tests.conftest import position_of, read_toml, write_assessment, write_readers


def test_a_key_for_another_essay_is_refused(tmp_path: Path, small_essay_file: Path, key_file: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text(small_essay_file.read_text(encoding="utf-8").replace("regime", "government"), encoding="utf-8")
    result = CliRunner().invoke(main, ["train", str(other), "--key", str(key_file)])
    assert result.exit_code == 2
    assert (
        f"{key_file}:{position_of(key_file, 'sha256 = ', after='[essay]')}: essay.sha256: is a key for another essay (sha256 differs)"
        in result.stderr
    )


def test_majority_decides_and_lists_ties(tmp_path: Path, three_files: list[Path]) -> None:
    key = tmp_path / "key.toml"
    result = CliRunner().invoke(main, ["adjudicate", *map(str, three_files), "--out", str(key), "--majority"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "open: ¶ 1 loaded-words: 2 (A); 3 (B); 4 (C)",
        "open: ¶ 2 sources-named: all (A); some (B)",
    ]
    assert result.stdout == f"Saved {key}: 1 agreed, 1 decided, 2 still open\n"
    paragraphs = read_toml(key)["paragraph"]
    assert paragraphs[0]["answers"] == {"claims-supported": "no"}
    assert paragraphs[1]["answers"] == {"claims-supported": "yes"}  # 2 of 3


def test_majority_leaves_a_two_two_tie_open(tmp_path: Path, small_essay_file: Path, critical_checklist) -> None:
    """A 2–2 split is a tie, not settled by the order of the files; a 3–1 split is decided."""
    given = {"A": ("yes", 2), "B": ("no", 2), "C": ("yes", 2), "D": ("no", 3)}
    files = [
        write_assessment(
            tmp_path / f"{reader}.readtui.toml",
            small_essay_file,
            critical_checklist,
            reader,
            {1: {"claims-supported": supported, "loaded-words": loaded}},
        )
        for reader, (supported, loaded) in given.items()
    ]
    key = tmp_path / "key.toml"
    result = CliRunner().invoke(main, ["adjudicate", *map(str, files), "--out", str(key), "--majority"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == ["open: ¶ 1 claims-supported: yes (A, C); no (B, D)"]
    assert result.stdout == f"Saved {key}: 0 agreed, 1 decided, 1 still open\n"
    [record] = read_toml(key)["paragraph"]
    assert record["answers"] == {"loaded-words": 2}
    assert "no_consensus" not in record


def five_readers(tmp_path: Path, essay: Path, checklist) -> list[str]:
    """Five readers of ¶1, each listing answers (and ticks) in an order of their own.
    wording-tactics: labels 3 of 5, emotive 3, absolutes 2, us-vs-them 1: per option the set
    [emotive, labels], which no reader gave; of whole sets [labels] (A and B).
    evidence-kinds, of the 4 who answered: statistics 2, documents 2 (ties). loaded-words: 3 of 4."""
    given = {
        "A": {"wording-tactics": ["labels"], "loaded-words": 2, "evidence-kinds": ["documents"]},
        "B": {"evidence-kinds": ["statistics"], "loaded-words": 2, "wording-tactics": ["labels"]},
        "C": {"wording-tactics": ["labels", "emotive", "absolutes"], "evidence-kinds": [], "loaded-words": 2},
        "D": {"evidence-kinds": ["statistics", "documents"], "wording-tactics": ["absolutes", "emotive"]},
        "E": {"loaded-words": 3, "wording-tactics": ["emotive", "us-vs-them"]},
    }
    return write_readers(tmp_path, essay, checklist, {reader: {1: answers} for reader, answers in given.items()})


def test_majority_per_option_by_default_and_of_whole_sets_on_request(
    tmp_path: Path, small_essay_file: Path, critical_checklist
) -> None:
    files = five_readers(tmp_path, small_essay_file, critical_checklist)
    key = tmp_path / "key.toml"
    result = CliRunner().invoke(main, ["adjudicate", *files, "--out", str(key), "--majority"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "open: ¶ 1 evidence-kinds: documents (A); statistics (B); none (C); statistics+documents (D)"
        " · tied: statistics, documents"
    ]
    [record] = read_toml(key)["paragraph"]
    assert record["answers"] == {"loaded-words": 2, "wording-tactics": ["emotive", "labels"]}
    assert list(record["answers"]) == ["loaded-words", "wording-tactics"]  # the checklist's order

    key.unlink()
    result = CliRunner().invoke(
        main, ["adjudicate", *files, "--out", str(key), "--majority", "--multi-majority", "whole-set"]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "open: ¶ 1 evidence-kinds: documents (A); statistics (B); none (C); statistics+documents (D)"
    ]
    [record] = read_toml(key)["paragraph"]
    assert record["answers"] == {"loaded-words": 2, "wording-tactics": ["labels"]}


def test_tolerance_from_the_command_line(tmp_path: Path, three_files: list[Path], critical_checklist) -> None:
    from readtui.core.scoring import NEAR, compare_answers
    from readtui.core.storage import load_assessment

    key = tmp_path / "key.toml"
    args = ["adjudicate", *map(str, three_files), "--out", str(key), "--majority"]
    result = CliRunner().invoke(main, [*args, "--tolerance", "credibility=0", "--tolerance", "1"])
    assert result.exit_code == 0, result.output
    assert read_toml(key)["key"] == {"tolerance": {"*": 1, "credibility": 0}}
    written = load_assessment(key)
    written.paragraph[0].answers["loaded-words"] = 2
    results = compare_answers(critical_checklist, written.paragraph[0], {"loaded-words": 3}, "paragraph", written.key)
    assert next(r.verdict for r in results if r.item.id == "loaded-words") == NEAR  # scoring honours it
    result = CliRunner().invoke(main, [*args, "--tolerance", "loaded-words=2"])  # resumed: the rest is kept
    assert read_toml(key)["key"] == {"tolerance": {"*": 1, "loaded-words": 2, "credibility": 0}}


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ("-1", "-1 is negative; a tolerance is 0 (exact) or more"),
        ("loaded-words=5", "5 is wider than the scale of 'loaded-words' (1 to 5: at most 4)"),
        ("9", "9 is wider than the scale of 'loaded-words' (1 to 5: at most 4)"),
        ("dodges=1", "'dodges' is not a scale item of checklist 'critical-reading'"),
        ("one", "'one' is not N or ITEM=N (N a whole number)"),
        ("=1", "'=1' is not N or ITEM=N (N a whole number)"),
        ("loaded-words=1.5", "'loaded-words=1.5' is not N or ITEM=N (N a whole number)"),
    ],
)
@pytest.mark.parametrize("majority", [True, False])
def test_a_bad_tolerance_is_one_line_and_status_2(
    tmp_path: Path, three_files: list[Path], given: str, problem: str, majority: bool
) -> None:
    key = tmp_path / "key.toml"
    args = ["adjudicate", *map(str, three_files), "--out", str(key), "--tolerance", given]
    result = CliRunner().invoke(main, args + ["--majority"] * majority)
    assert result.exit_code == 2
    assert result.stderr == f"--tolerance: {problem}\n"
    assert not key.exists()


def test_readers_who_all_agree_make_a_key_without_the_app(
    tmp_path: Path, small_essay_file: Path, critical_checklist
) -> None:
    """No disagreement: nothing to show (the screen had nothing to draw and crashed)."""
    files = write_readers(tmp_path, small_essay_file, critical_checklist, {r: {1: {"loaded-words": 2}} for r in "AB"})
    key = tmp_path / "key.toml"
    result = CliRunner().invoke(main, ["adjudicate", *files, "--out", str(key)])
    assert result.exit_code == 0, result.output
    assert (
        result.stdout == f"Saved {key}: 1 agreed, 0 decided, 0 still open (complete: ready for readtui train --key)\n"
    )
    assert read_toml(key)["paragraph"][0]["answers"] == {"loaded-words": 2}


def test_adjudicating_readers_of_the_sample_shows_whole_paragraphs(
    tmp_path: Path, monkeypatch, as_in_a_terminal
) -> None:
    """As with compare, readers of the bundled sample need no --essay for the paragraphs' text."""
    from readtui.core.essay import load_essay, sample_essay_path
    from readtui.tui import adjudicate_app
    from tests.conftest import write_three_readers

    shown: list[str] = []
    monkeypatch.setattr(adjudicate_app.AdjudicateApp, "run", lambda app: shown.append(app.adjudication.text(1)))
    files = write_three_readers(tmp_path)
    result = CliRunner().invoke(main, ["adjudicate", *map(str, files), "--out", str(tmp_path / "key.toml")])
    assert result.exit_code == 0, result.output
    assert shown == [load_essay(sample_essay_path()).paragraphs[0]]
