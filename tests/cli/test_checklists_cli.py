"""Choosing a checklist: `readtui checklists` describes each pack, and `--checklist ID` works for
every bundled id in every command that takes one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from readtui.core.checklist import (
    ChoiceItem,
    MultiItem,
    ScaleItem,
    answers_estimate,
    bundled_checklists,
)
from readtui.core.storage import load_checklist
from readtui.tui.app import ReadtuiApp
from tests.conftest import cli, write_assessment, write_checklist

BUNDLED = sorted(bundled_checklists())


def test_checklists_describes_each_pack_at_80_columns(isolated_dirs: Path) -> None:
    user_dir = isolated_dirs / "checklists"
    user_dir.mkdir(parents=True)
    write_checklist(
        user_dir / "mine.toml",
        'format = "readtui-checklist/1"\nid = "mine"\ntitle = "Mine\\u001b[2J"\nversion = "2"\n'
        'description = "My own.\\nSecond sentence."\n[[section]]\nid = "s"\ntitle = "S"\n'
        '[[section.item]]\nid = "a"\nprompt = "A?"\nkind = "text"\nrequired = false\n'
        '[[section.item]]\nid = "b"\nprompt = "B?"\nkind = "text"\nscope = "essay"\n',
    )
    result = cli("checklists")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert max(map(len, lines[:-1])) <= 80, "readable at 80 columns (the last line is a path)"
    blocks = {block.split("  ", 1)[0]: block for block in result.output.split("\n\n")}
    for checklist_id, path in bundled_checklists().items():
        checklist = load_checklist(path)
        block = blocks[checklist_id]
        first, *rest = block.splitlines()
        assert first == f"{checklist_id}  {checklist.version}  {checklist.title}  [bundled]"
        assert rest[0].startswith("    ") and checklist.description.split()[0] in rest[0]
        assert " ".join(line.strip() for line in rest).endswith(answers_estimate(checklist))
    assert blocks["mine"].splitlines() == [
        "mine  2  Mine␛[2J  [user]",
        "    My own.",
        "    1 item per paragraph, 1 once per essay: ≈ 1 answer on a 6-paragraph essay",
        "    (0 required × 6 + 1 once, and 1 optional item)",
    ]
    assert lines[-1] == f"Your own checklists go in: {user_dir}"


def test_the_estimate_of_the_default_pack() -> None:
    checklist = load_checklist(bundled_checklists()["critical-reading"])
    assert answers_estimate(checklist) == (
        "12 items per paragraph, 4 once per essay, 2 before reading: ≈ 77 answers on a 6-paragraph essay "
        "(12 required × 6 + 5 once, and 1 optional item)"
    )


def some_answer(item: Any) -> Any:
    if isinstance(item, ChoiceItem):
        return item.options[0].id
    if isinstance(item, MultiItem):
        return [item.options[0].id]
    if isinstance(item, ScaleItem):
        return item.min
    return "an answer"


def assessment_with(pack: str, tmp_path: Path, essay: Path, reader: str) -> Path:
    """A file of ``pack`` with an answer to every paragraph item of ¶ 1–2 and every essay item."""
    checklist = load_checklist(bundled_checklists()[pack])
    per_paragraph = {i.id: some_answer(i) for i in checklist.items.values() if i.scope == "paragraph"}
    overall = {i.id: some_answer(i) for i in checklist.items.values() if i.scope == "essay"}
    return write_assessment(
        tmp_path / f"{reader}.readtui.toml",
        essay,
        checklist,
        reader,
        {1: per_paragraph, 2: per_paragraph},
        overall=overall,
    )


@pytest.mark.parametrize("pack", BUNDLED)
def test_read_with_every_bundled_id(
    pack: str, tmp_path: Path, small_essay_file: Path, monkeypatch, as_in_a_terminal
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(ReadtuiApp, "run", lambda app: opened.append(app.session.checklist.id) or app.prepared.check())
    out = tmp_path / "mine.readtui.toml"
    result = cli("read", small_essay_file, "--checklist", pack, "--out", out)
    assert result.exit_code == 0, result.output
    assert opened == [pack]


@pytest.mark.parametrize("pack", BUNDLED)
def test_train_with_every_bundled_id(
    pack: str, tmp_path: Path, small_essay_file: Path, monkeypatch, as_in_a_terminal
) -> None:
    key = assessment_with(pack, tmp_path, small_essay_file, "key")
    opened: list[tuple[str, bool]] = []
    monkeypatch.setattr(
        ReadtuiApp, "run", lambda app: opened.append((app.session.checklist.id, app.prepared.trainer is not None))
    )
    out = tmp_path / "learner.readtui.toml"
    result = cli("train", small_essay_file, "--key", key, "--checklist", pack, "--out", out)
    assert result.exit_code == 0, result.output
    assert opened == [(pack, True)]


@pytest.mark.parametrize("pack", BUNDLED)
def test_compare_and_validate_with_every_bundled_id(pack: str, tmp_path: Path, small_essay_file: Path) -> None:
    files = [assessment_with(pack, tmp_path, small_essay_file, reader) for reader in ("ana", "ben")]
    result = cli("compare", *files, "--checklist", pack, "--format", "json")
    assert result.exit_code == 0, result.output
    result = cli("validate", pack, *files, "--checklist", pack)
    assert result.exit_code == 0, result.output
    assert result.stdout.count(": ok (") == 3
