"""Shared fixtures: every test runs isolated from the user's real readtui directories."""

from __future__ import annotations

from pathlib import Path

import pytest

from readtui.checklist import bundled_checklists
from readtui.essay import parse_essay
from readtui.storage import load_checklist

ESSAY_TEXT = """\
A Small Test Essay

By: Test Author

The first paragraph makes a claim. It offers no support for it.

The second paragraph cites a figure. The figure comes from a named report.

The third paragraph uses loaded words. It calls the other side a regime.

The fourth paragraph draws a conclusion. It does not follow from the rest.
"""


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point readtui's data dir, config file and reader at the test's tmp_path; run in tmp_path."""
    data = tmp_path / "readtui-data"
    monkeypatch.setenv("READTUI_DATA_DIR", str(data))
    monkeypatch.setenv("READTUI_CONFIG", str(tmp_path / "readtui-config" / "config.toml"))
    monkeypatch.setenv("READTUI_READER", "tester")
    monkeypatch.chdir(tmp_path)
    return data


@pytest.fixture(scope="session")
def critical_checklist_path() -> Path:
    """The bundled ``critical-reading`` checklist file."""
    return bundled_checklists()["critical-reading"]


@pytest.fixture(scope="session")
def critical_checklist(critical_checklist_path: Path):
    """The bundled ``critical-reading`` checklist, loaded and validated."""
    return load_checklist(critical_checklist_path)


@pytest.fixture(scope="session")
def small_essay():
    """A four-paragraph essay with a title and author (built with ``parse_essay``)."""
    essay = parse_essay(ESSAY_TEXT)
    assert len(essay.paragraphs) == 4, essay.paragraphs
    return essay


@pytest.fixture
def small_essay_file(tmp_path: Path) -> Path:
    """``ESSAY_TEXT`` written to ``essay.txt`` in tmp_path."""
    path = tmp_path / "essay.txt"
    path.write_text(ESSAY_TEXT, encoding="utf-8")
    return path
