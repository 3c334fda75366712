"""Saves that the file system refuses, in every app that writes a file (reading, training,
adjudicating), driven by Pilot: the old file stays byte for byte, the user is told why, quitting
asks twice, and once the fault is gone ctrl+s saves the latest state. (SIGKILL and a
kernel-refused write in a real terminal: tests/terminal/test_crash.py.)"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from readtui.core.adjudication import prepare_adjudication
from readtui.core.assessment import ESSAY
from readtui.core.launch import prepare_session, prepare_training
from readtui.tui.adjudicate_app import AdjudicateApp
from readtui.tui.app import make_app
from readtui.tui.base import ReadtuiBaseApp
from tests.conftest import FaultyOs, read_toml, write_three_readers

FAULTS = {
    "full-disk": ("fsync", errno.ENOSPC),
    "read-only-file-system": ("open", errno.EROFS),
    "unwritable-directory": ("open", errno.EACCES),
    "refused-rename": ("replace", errno.EACCES),
}
QUIT_NOTICE = ("Not saved: still here", "Press q again to quit without saving, or free the space and press ctrl+s.")


@dataclass
class SavingApp:
    """One app that writes a file: how to build it, and how to read back the change the key "2" made."""

    build: Callable[[Path, Path], ReadtuiBaseApp]
    saves_at_start: bool
    """Whether the app writes its file right after the first frame."""
    second_change: Callable[[ReadtuiBaseApp, dict], tuple[Any, Any]]
    """(what the file holds, what it should hold) for the change made by "2"."""


def reading_app(tmp_path: Path, out: Path) -> ReadtuiBaseApp:
    return make_app(prepare_session(None, checklist_spec=None, reader="tester", out=out))


def training_app(tmp_path: Path, out: Path) -> ReadtuiBaseApp:
    return make_app(prepare_training(None, key_path=None, checklist_spec=None, reader="tester", out=out))


def adjudicate_app(tmp_path: Path, out: Path) -> ReadtuiBaseApp:
    readers = tmp_path / "readers"
    readers.mkdir()
    return AdjudicateApp(prepare_adjudication([str(p) for p in write_three_readers(readers)], out), out)


def first_paragraph_answer(app: ReadtuiBaseApp, data: dict) -> tuple[Any, Any]:
    """ "2" on the first item of ¶ 1: claims-supported, "partly"."""
    return data["paragraph"][0]["answers"].get("claims-supported"), "partly"


def first_dispute_decision(app: ReadtuiBaseApp, data: dict) -> tuple[Any, Any]:
    """ "2" on the first dispute: the second candidate answer, as the adjudication holds it."""
    dispute = app.adjudication.disputes[0]
    record = (
        data["overall"] if dispute.index == ESSAY else next(r for r in data["paragraph"] if r["index"] == dispute.index)
    )
    return record["answers"].get(dispute.item.id), app.adjudication.decision(dispute)[1]


APPS = {
    "read": SavingApp(reading_app, saves_at_start=True, second_change=first_paragraph_answer),
    "train": SavingApp(training_app, saves_at_start=True, second_change=first_paragraph_answer),
    "adjudicate": SavingApp(adjudicate_app, saves_at_start=False, second_change=first_dispute_decision),
}
REFUSED_SAVES = [
    pytest.param(kind, function, code, when, id=f"{kind}-{name}-{when}")
    for kind in APPS
    for name, (function, code) in FAULTS.items()
    for when in ("first-write", "after-a-save")
]


async def wait_for(pilot, condition, seconds: float = 5.0) -> None:
    """Let the app run until ``condition()`` holds."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the app never got there"
        await pilot.pause(0.05)


def notices(app: ReadtuiBaseApp) -> list[tuple[str, str]]:
    """(title, message) of the notifications on screen."""
    return [(notification.title, notification.message) for notification in app._notifications]


async def break_a_save(app: ReadtuiBaseApp, pilot, fault: FaultyOs, key: str) -> None:
    """Press ``key`` (a change) and wait until its save has failed and been reported."""
    failures = fault.failures
    await pilot.press(key)
    await wait_for(pilot, lambda: fault.failures > failures and app.save_error is not None)
    await pilot.pause()


def close(app: ReadtuiBaseApp) -> None:
    """Let go of the reading apps' lock (the CLI does this after the app)."""
    if hasattr(app, "prepared"):
        app.prepared.close()


@pytest.mark.parametrize(("kind", "function", "code", "when"), REFUSED_SAVES)
async def test_a_refused_save_keeps_the_old_file_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, function: str, code: int, when: str
) -> None:
    """The previous file stays byte for byte, no temporary file is left, the user is told why,
    q asks before leaving, and once the fault is gone ctrl+s saves."""
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
        await break_a_save(app, pilot, fault, "2")
        assert (out.read_bytes() if out.exists() else None) == before, "the old file is kept byte for byte"
        assert not list(tmp_path.glob(".out.toml.*.tmp")), "no temporary file is left behind"
        reason = os.strerror(code)
        assert reason in app.save_error
        assert any(title == "Not saved" and reason in text and "intact" in text for title, text in notices(app))
        await pilot.press("q")
        assert app.is_running, "the first q does not throw the work away"
        assert QUIT_NOTICE in notices(app)
        fault.healed = True
        await pilot.press("ctrl+s")
        assert app.save_error is None
        assert any(text == "Saved again." for _, text in notices(app))
        assert not list(tmp_path.glob(".out.toml.*.tmp"))
        on_disk, expected = spec.second_change(app, read_toml(out))
        assert on_disk == expected
        await pilot.press("q")
        assert not app.is_running
    close(app)


@pytest.mark.parametrize("kind", list(APPS))
@pytest.mark.parametrize(("function", "code"), list(FAULTS.values()), ids=list(FAULTS))
async def test_quitting_while_saves_fail_takes_a_second_q_and_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, function: str, code: int
) -> None:
    out = tmp_path / "out.toml"
    app = APPS[kind].build(tmp_path, out)
    fault = FaultyOs(function, code, tmp_path)
    async with app.run_test() as pilot:
        await pilot.press("1", "ctrl+s")
        saved = out.read_bytes()
        monkeypatch.setattr("readtui.core.storage.os", fault)
        await break_a_save(app, pilot, fault, "2")
        await pilot.press("q")
        assert app.is_running
        await pilot.press("q")
        assert not app.is_running
    close(app)
    assert out.read_bytes() == saved
    assert not list(tmp_path.glob(".out.toml.*.tmp"))


@pytest.mark.parametrize("kind", list(APPS))
async def test_quitting_asks_again_when_saving_fails_again_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    out = tmp_path / "out.toml"
    app = APPS[kind].build(tmp_path, out)
    fault = FaultyOs("fsync", errno.ENOSPC, tmp_path)
    monkeypatch.setattr("readtui.core.storage.os", fault)
    async with app.run_test() as pilot:
        await break_a_save(app, pilot, fault, "1")
        await pilot.press("q")  # warned: still here
        fault.healed = True  # the user frees space, saves, and goes on
        await pilot.press("ctrl+s")
        assert app.save_error is None
        fault.healed = False  # the disk fills up again
        await break_a_save(app, pilot, fault, "2")
        await pilot.press("q")
        assert app.is_running, "one q quit without saving, with no warning about this failure"
        fault.healed = True
        await pilot.press("q")
    close(app)


async def test_text_typed_while_saves_fail_is_kept_and_saved_once_they_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the editor of several lines: q is typing, ctrl+q asks before quitting unsaved, and
    ctrl+s saves every line once the disk takes it again."""
    out = tmp_path / "out.toml"
    app = reading_app(tmp_path, out)
    fault = FaultyOs("fsync", errno.ENOSPC, tmp_path)
    async with app.run_test() as pilot:
        await pilot.press("1", "ctrl+s")
        saved = out.read_bytes()
        monkeypatch.setattr("readtui.core.storage.os", fault)
        await pilot.press("t", *"Who says so?", "enter")
        await break_a_save(app, pilot, fault, "q")
        assert app.is_running and app.screen.editing, "q is typed into the note"
        await pilot.press("ctrl+q")
        assert app.is_running and QUIT_NOTICE in notices(app)
        assert out.read_bytes() == saved
        fault.healed = True
        await pilot.press("ctrl+s")
        assert app.save_error is None
        assert read_toml(out)["paragraph"][0]["note"] == "Who says so?\nq"
        await pilot.press("escape", "q")
        assert not app.is_running
    close(app)
