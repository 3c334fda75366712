"""Saves that the file system refuses, in the app itself (driven by Pilot): the old file stays, the
reader is told why, quitting asks twice. (SIGKILL and a kernel-refused write in a real terminal:
tests/terminal/test_crash.py.)"""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

import pytest

from readtui.tui.app import ReadtuiApp, make_app
from readtui.core.launch import prepare_session
from tests.conftest import FaultyOs, valid_data


# --- saves that the file system refuses, in the app itself ----------------------------------------


FAULTS = {
    "full-disk": ("fsync", errno.ENOSPC),
    "read-only-file-system": ("open", errno.EROFS),
    "unwritable-directory": ("open", errno.EACCES),
    "refused-rename": ("replace", errno.EACCES),
}
REFUSED_SAVES = [
    pytest.param(function, code, when, id=f"{name}-{when}")
    for name, (function, code) in FAULTS.items()
    for when in ("first-write", "after-a-save")
    # A full disk after a successful save: test_reading_app's test_a_full_disk_keeps_the_old_file_and_quitting_asks_twice.
    if (name, when) != ("full-disk", "after-a-save")
]


def open_app(out: Path) -> ReadtuiApp:
    """The app on the sample essay, as the CLI builds it."""
    return make_app(prepare_session(None, checklist_spec=None, reader="tester", out=out))


async def wait_for(pilot, condition, seconds: float = 5.0) -> None:
    """Let the app run until ``condition()`` holds."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the app never got there"
        await pilot.pause(0.05)


def notices(app: ReadtuiApp) -> list[tuple[str, str]]:
    """(title, message) of the notifications on screen."""
    return [(notification.title, notification.message) for notification in app._notifications]


async def break_a_save(app: ReadtuiApp, pilot, fault: FaultyOs, key: str) -> None:
    """Press ``key`` (a change) and wait until its autosave has failed and been reported."""
    failures = fault.failures
    await pilot.press(key)
    await wait_for(pilot, lambda: fault.failures > failures and app.save_error is not None)
    await pilot.pause()


@pytest.mark.parametrize(("function", "code", "when"), REFUSED_SAVES)
async def test_a_refused_save_keeps_the_old_file_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, critical_checklist, function: str, code: int, when: str
) -> None:
    """The previous file stays byte for byte, no temporary file is left, the reader is told why,
    q asks before leaving, and once the fault is gone ctrl+s saves."""
    out = tmp_path / "a.toml"
    app = open_app(out)
    fault = FaultyOs(function, code, tmp_path)
    if when == "first-write":
        monkeypatch.setattr("readtui.core.storage.os", fault)
    async with app.run_test() as pilot:
        if when == "first-write":
            await wait_for(pilot, lambda: app.save_error is not None)  # the save right after the first frame
        else:
            await pilot.press("1", "ctrl+s")
            monkeypatch.setattr("readtui.core.storage.os", fault)
        before = out.read_bytes() if out.exists() else None
        await break_a_save(app, pilot, fault, "2")
        assert (out.read_bytes() if out.exists() else None) == before
        assert not list(tmp_path.glob(".a.toml.*.tmp")), "no temporary file is left behind"
        reason = os.strerror(code)
        assert reason in app.save_error
        assert any(
            title == "Not saved" and reason in message and "intact" in message for title, message in notices(app)
        )
        await pilot.press("q")
        assert app.is_running, "the first q does not throw the answers away"
        assert (
            "Not saved: still here",
            "Press q again to quit without saving, or free the space and press ctrl+s.",
        ) in notices(app)
        fault.healed = True
        await pilot.press("ctrl+s")
        assert app.save_error is None
        assert any(message == "Saved again." for _, message in notices(app))
        assert not list(tmp_path.glob(".a.toml.*.tmp"))
        data = valid_data(out, critical_checklist)
        assert data["paragraph"][0]["answers"] == {"claims-supported": "partly"}
        await pilot.press("q")
        assert not app.is_running
    app.prepared.close()


@pytest.mark.parametrize(("function", "code"), list(FAULTS.values()), ids=list(FAULTS))
async def test_quitting_while_saves_fail_takes_a_second_q_and_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, function: str, code: int
) -> None:
    out = tmp_path / "a.toml"
    app = open_app(out)
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
    app.prepared.close()
    assert out.read_bytes() == saved
    assert not list(tmp_path.glob(".a.toml.*.tmp"))


async def test_quitting_asks_again_when_saving_fails_again_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "a.toml"
    app = open_app(out)
    fault = FaultyOs("fsync", errno.ENOSPC, tmp_path)
    monkeypatch.setattr("readtui.core.storage.os", fault)
    async with app.run_test() as pilot:
        await break_a_save(app, pilot, fault, "1")
        await pilot.press("q")  # warned: still here
        fault.healed = True  # the reader frees space, saves, and reads on
        await pilot.press("ctrl+s")
        assert app.save_error is None
        fault.healed = False  # the disk fills up again
        await break_a_save(app, pilot, fault, "2")
        await pilot.press("q")
        assert app.is_running, "one q quit without saving, with no warning about this failure"
        fault.healed = True
        await pilot.press("q")
    app.prepared.close()
