"""Every app that writes a file, with the same faults injected into its writes: the old file is
kept byte for byte, the user is told why, q asks before leaving, and once the fault is gone
ctrl+s saves the latest state."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from test_crash import FAULTS, FaultyOs, notices, wait_for

from readtui.core.adjudication import ESSAY, prepare_adjudication
from readtui.core.launch import prepare_session, prepare_training
from readtui.tui.adjudicate_app import AdjudicateApp
from readtui.tui.app import make_app
from readtui.tui.base import ReadtuiBaseApp


@dataclass
class SavingApp:
    """How to build one app that saves, and how to read its latest change back from the file."""

    build: Any  # (tmp_path, out) -> app
    saves_at_start: bool
    """Whether the app writes its file right after the first frame."""
    last_change: Any  # (file data) -> the value the second change ("2") wrote


def reading(tmp_path: Path, out: Path) -> ReadtuiBaseApp:
    return make_app(prepare_session(None, checklist_spec=None, reader="tester", out=out))


def training(tmp_path: Path, out: Path) -> ReadtuiBaseApp:
    return make_app(prepare_training(None, key_path=None, checklist_spec=None, reader="tester", out=out))


def adjudicating(tmp_path: Path, out: Path) -> ReadtuiBaseApp:
    from conftest import write_three_readers

    readers = tmp_path / "readers"
    readers.mkdir()
    adjudication = prepare_adjudication([str(p) for p in write_three_readers(readers)], out)
    return AdjudicateApp(adjudication, out)


def first_paragraph_claims(data: dict) -> Any:
    return data["paragraph"][0]["answers"].get("claims-supported")


def first_dispute_answer(app: AdjudicateApp) -> Any:
    dispute = app.adjudication.disputes[0]
    return app.adjudication.decision(dispute)[1]


APPS = {
    "read": SavingApp(reading, saves_at_start=True, last_change=first_paragraph_claims),
    "train": SavingApp(training, saves_at_start=True, last_change=first_paragraph_claims),
    "adjudicate": SavingApp(adjudicating, saves_at_start=False, last_change=None),
}
REFUSED_SAVES = [
    pytest.param(kind, function, code, when, id=f"{kind}-{name}-{when}")
    for kind in APPS
    for name, (function, code) in FAULTS.items()
    for when in ("first-write", "after-a-save")
]


def last_change_on_disk(kind: str, app: ReadtuiBaseApp, out: Path) -> tuple[Any, Any]:
    """(what the file holds, what the app holds) for the change made by the key "2"."""
    data = tomllib.loads(out.read_text())
    if kind == "adjudicate":
        dispute = app.adjudication.disputes[0]
        if dispute.index == ESSAY:
            record = data["overall"]
        else:
            record = next(r for r in data["paragraph"] if r["index"] == dispute.index)
        return record["answers"].get(dispute.item.id), first_dispute_answer(app)
    return first_paragraph_claims(data), "partly"


@pytest.mark.parametrize(("kind", "function", "code", "when"), REFUSED_SAVES)
async def test_a_refused_save_keeps_the_old_file_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, function: str, code: int, when: str
) -> None:
    out = tmp_path / "out.toml"
    spec = APPS[kind]
    app = spec.build(tmp_path, out)
    fault = FaultyOs(function, code, tmp_path)
    if when == "first-write":
        monkeypatch.setattr("readtui.core.storage.os", fault)
    async with app.run_test() as pilot:
        if when == "first-write" and spec.saves_at_start:
            await wait_for(pilot, lambda: app.save_error is not None)  # the save right after the first frame
        if when == "after-a-save":
            await pilot.press("1", "ctrl+s")
            assert out.exists() and app.save_error is None
            monkeypatch.setattr("readtui.core.storage.os", fault)
        before = out.read_bytes() if out.exists() else None
        failures = fault.failures
        await pilot.press("2")
        await wait_for(pilot, lambda: fault.failures > failures and app.save_error is not None)
        await pilot.pause()
        assert (out.read_bytes() if out.exists() else None) == before, "the old file is kept byte for byte"
        assert not list(tmp_path.glob(".out.toml.*.tmp")), "no temporary file is left behind"
        reason = os.strerror(code)
        assert reason in app.save_error
        assert any(title == "Not saved" and reason in text and "intact" in text for title, text in notices(app))
        await pilot.press("q")
        assert app.is_running, "the first q does not throw the work away"
        assert ("Not saved: still here", QUIT_NOTICE) in notices(app)
        fault.healed = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.save_error is None
        assert any(text == "Saved again." for _, text in notices(app))
        on_disk, in_app = last_change_on_disk(kind, app, out)
        assert on_disk == in_app
        await pilot.press("q")
        assert not app.is_running
    if hasattr(app, "prepared"):
        app.prepared.close()


QUIT_NOTICE = "Press q again to quit without saving, or free the space and press ctrl+s."


@pytest.mark.parametrize("kind", list(APPS))
async def test_a_second_q_quits_without_saving_and_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    out = tmp_path / "out.toml"
    app = APPS[kind].build(tmp_path, out)
    fault = FaultyOs("fsync", 28, tmp_path)  # ENOSPC
    async with app.run_test() as pilot:
        await pilot.press("1", "ctrl+s")
        saved = out.read_bytes()
        monkeypatch.setattr("readtui.core.storage.os", fault)
        await pilot.press("2")
        await wait_for(pilot, lambda: app.save_error is not None)
        await pilot.press("q")
        assert app.is_running
        await pilot.press("q")
        assert not app.is_running
    if hasattr(app, "prepared"):
        app.prepared.close()
    assert out.read_bytes() == saved
    assert not list(tmp_path.glob(".out.toml.*.tmp"))
