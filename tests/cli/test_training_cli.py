"""``readtui train`` and ``readtui adjudicate --majority`` as commands (the apps: tests/app/test_training_app.py)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from readtui.cli import main
from tests.conftest import read_toml


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
