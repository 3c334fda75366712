"""Every bundled pack end to end on the sample essay: three readers compared in every format,
adjudicated into a key that validates, and a learner scored against it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from readtui.cli import main
from readtui.core.checklist import bundled_checklists
from readtui.core.storage import load_checklist
from tests.conftest import read_toml, write_three_readers

PACKS = sorted(bundled_checklists())


def run(*args: str | Path):
    return CliRunner().invoke(main, list(map(str, args)), catch_exceptions=False)


@pytest.fixture(params=PACKS)
def readers(request, tmp_path: Path) -> tuple[str, list[Path]]:
    directory = tmp_path / "readers"
    directory.mkdir()
    return request.param, write_three_readers(directory, request.param)


def test_readers_compare_in_every_format(readers: tuple[str, list[Path]]) -> None:
    checklist_id, files = readers
    checklist = load_checklist(bundled_checklists()[checklist_id])
    for name in ("table", "markdown", "csv"):
        result = run("compare", *files, "--format", name, "--bootstrap", "0")
        assert result.exit_code == 0, result.output
    document = json.loads(run("compare", *files, "--format", "json", "--bootstrap", "0").stdout)
    compared = json.dumps(document)
    for item in checklist.items.values():
        if item.kind != "text" and item.scope != "before":  # free text is listed, not measured; before: grouped by
            assert f'"{item.id}"' in compared, f"{item.id} is compared"


def test_readers_adjudicate_into_a_key_a_learner_is_scored_against(
    readers: tuple[str, list[Path]], tmp_path: Path
) -> None:
    checklist_id, files = readers
    key = tmp_path / "key.readtui.toml"
    result = run("adjudicate", *files, "--out", key, "--majority")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Saved {key}: ")
    data = read_toml(key)
    assert data["checklist"]["id"] == checklist_id
    decided = [p.get("answers", {}) for p in data.get("paragraph", [])] + [data.get("overall", {}).get("answers", {})]
    assert any(decided), "the majority settled something"
    checked = run("validate", key)
    assert checked.exit_code == 0, checked.output
    scored = run("score", key, files[0], "--format", "json")
    assert scored.exit_code == 0, scored.output
    assert json.loads(scored.stdout)
