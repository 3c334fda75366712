"""``readtui train`` and ``readtui adjudicate --majority`` as commands (the apps: tests/app/test_training_app.py)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from readtui.cli import main
from tests.conftest import read_toml, write_assessment


def test_a_key_for_another_essay_is_refused(tmp_path: Path, small_essay_file: Path, key_file: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text(small_essay_file.read_text(encoding="utf-8").replace("regime", "government"), encoding="utf-8")
    result = CliRunner().invoke(main, ["train", str(other), "--key", str(key_file)])
    assert result.exit_code == 2
    assert f"{key_file}: essay.sha256: is a key for another essay (sha256 differs)" in result.stderr


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
