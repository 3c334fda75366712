"""Crashes and failing disks: SIGKILL at random moments, and saves that the file system refuses.

After any of them the assessment file parses, validates, holds a state the reader really had
(with every change older than the 1 s guarantee, plus slack for a noisy machine), and opens again.
"""

from __future__ import annotations

import errno
import os
import random
import re
import resource
import shutil
import signal
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from readtui.tui.app import ReadtuiApp, make_app
from readtui.core.assessment import checklist_problems
from readtui.core.errors import ReadtuiError
from readtui.core.launch import prepare_session
from readtui.core.storage import load_assessment

pexpect = pytest.importorskip("pexpect")

READTUI = shutil.which("readtui") or str(Path(sys.executable).with_name("readtui"))
needs_command = pytest.mark.skipif(not Path(READTUI).exists(), reason="the readtui command is not installed")

SEED = 20240611
KILLS = 100
GUARANTEE = 2.0
"""Seconds after which a change must be on disk: the app promises 1 s; the rest is for a noisy machine."""
OPTIONS = ["yes", "partly", "no", "no-claims"]
"""The first item, ``claims-supported``: digit n chooses OPTIONS[n - 1]."""
PARAGRAPHS = 6


# --- the reader, as the test models them -------------------------------------------------------------


@dataclass
class Reader:
    """What the reader has done: every key the test sends changes exactly one of these."""

    position: int = 1
    answers: dict[int, str] = field(default_factory=dict)
    flagged: set[int] = field(default_factory=set)

    @classmethod
    def from_file(cls, data: dict) -> Reader:
        reader = cls(position=data["session"]["position"])
        for record in data.get("paragraph", []):
            if "claims-supported" in record.get("answers", {}):
                reader.answers[record["index"]] = record["answers"]["claims-supported"]
            if record["flagged"]:
                reader.flagged.add(record["index"])
        return reader

    def state(self) -> tuple:
        answers = tuple((index, (("claims-supported", option),)) for index, option in sorted(self.answers.items()))
        return self.position, answers, tuple(sorted(self.flagged))

    def press(self, rng: random.Random) -> str:
        """Pick a key that changes something, apply it here, and return it."""
        keys = ["digit"] * 6 + ["f"] * 2
        keys += ["n"] * 2 if self.position < PARAGRAPHS else []  # past the last: the overall screen
        keys += ["p"] if self.position > 1 else []
        key = rng.choice(keys)
        if key == "n":
            self.position += 1
        elif key == "p":
            self.position -= 1
        elif key == "f":
            self.flagged ^= {self.position}
        else:
            current = self.answers.get(self.position)
            option = rng.choice([option for option in OPTIONS if option != current])
            self.answers[self.position] = option
            key = str(OPTIONS.index(option) + 1)
        return key


def file_state(data: dict) -> tuple:
    """The parts of a saved file the reader changes, in the shape of `Reader.state`."""
    records = data.get("paragraph", [])
    answers = tuple(
        (record["index"], tuple(sorted(record["answers"].items())))
        for record in sorted(records, key=lambda record: record["index"])
        if record.get("answers")
    )
    flagged = tuple(sorted(record["index"] for record in records if record["flagged"]))
    return data["session"]["position"], answers, flagged


def valid_data(path: Path, checklist) -> dict:
    """The file's TOML, after checking that it validates as readtui's own validation does."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assessment = load_assessment(path)
    assert checklist_problems(path, assessment, checklist) == []
    return data


# --- the installed command in a pseudo-terminal ---------------------------------------------------


def spawn(out: Path, **options):
    """``readtui --out OUT`` on the sample essay, in OUT's directory (so messages name it
    briefly), once its first screen is up (fails if it never is)."""
    env = os.environ | {"TERM": "xterm-256color", "READTUI_READER": "crash"}
    child = pexpect.spawn(
        READTUI,
        ["--out", out.name],
        cwd=str(out.parent),
        env=env,
        dimensions=(24, 80),
        timeout=30,
        encoding="utf-8",
        **options,
    )
    child.delaybeforesend = None  # keys go when sent: the test times them
    child.ptyproc.delayafterclose = 0  # a killed child needs no grace period, and there are many
    if child.expect(["Are the factual claims", pexpect.EOF]) == 1:
        pytest.fail(f"readtui did not open {out}:\n{child.before}")
    return child


def on_screen(text: str) -> str:
    """A pattern for ``text`` on the terminal, where escape sequences may come between its letters."""
    return r"(?:\x1b\[[0-9;?]*[A-Za-z])*".join(map(re.escape, text))


def pause(child, seconds: float) -> None:
    """Wait, reading the screen meanwhile, so the app never blocks on a full terminal."""
    child.expect(pexpect.TIMEOUT, timeout=seconds)


def kill(child) -> None:
    """SIGKILL, and return once the process is gone."""
    child.kill(signal.SIGKILL)
    child.wait()
    child.close(force=True)


def plan(rng: random.Random) -> tuple[list[float], float]:
    """One launch: the pause before each key, and the wait after the last one before the kill."""
    kind = rng.random()
    if kind < 0.2:  # during the save right after the first frame
        return [], rng.uniform(0, 0.4)
    if kind < 0.7:  # a few keys; during the debounce or the write, or just after
        return [rng.uniform(0, 0.4) for _ in range(rng.randint(1, 4))], rng.uniform(0, 0.6)
    pauses: list[float] = []  # typing on: the first keys are old enough to be saved, the last in flight
    while sum(pauses) < 1.6:
        pauses.append(rng.uniform(0, 0.4))
    return pauses, rng.uniform(0.2, 1.0)


@needs_command
def test_sigkill_never_loses_or_corrupts(tmp_path: Path, critical_checklist) -> None:
    """KILLS launches, each killed at a random moment (see `plan`). After each: the file is valid,
    holds a state the reader had, with every key older than GUARANTEE, and opens again."""
    rng = random.Random(SEED)
    out = tmp_path / "a.toml"
    reader = Reader()
    for launch in range(KILLS):
        had_file = out.exists()
        child = spawn(out)
        states, sent = [reader.state()], []
        pauses, wait = plan(rng)
        for seconds in pauses:
            pause(child, seconds)
            child.send(reader.press(rng))
            sent.append(time.monotonic())
            states.append(reader.state())
        pause(child, wait)
        killed = time.monotonic()
        kill(child)
        settled = sum(killed - at > GUARANTEE for at in sent)
        ages = ", ".join(f"{killed - at:.2f}" for at in sent)
        story = f"launch {launch} (seed {SEED}): keys sent {ages} s before the kill, {settled} older than {GUARANTEE} s"
        if not out.exists():
            assert not had_file and settled == 0, f"{story}: the file is gone"
            continue
        data = valid_data(out, critical_checklist)
        assert file_state(data) in states[settled:], f"{story}\nfile: {file_state(data)}\nthe reader had: {states}"
        reader = Reader.from_file(data)
    child = spawn(out)  # the last kill left no lock behind either
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert file_state(valid_data(out, critical_checklist)) == reader.state()


# --- saves that the file system refuses, in the app itself ----------------------------------------


class FaultyOs:
    """``os`` as `readtui.core.storage` sees it, except that ``function`` fails with ``code`` on files
    in ``directory`` (named, or open as a descriptor) until ``healed``."""

    def __init__(self, function: str, code: int, directory: Path) -> None:
        self.function, self.code, self.directory = function, code, directory
        self.failures = 0
        self.healed = False

    def __getattr__(self, name: str):
        real = getattr(os, name)
        if name != self.function:
            return real

        def failing(*args, **kwargs):
            named = args[:2] if name == "replace" else args[:1]  # a path, or for fsync a descriptor
            paths = [Path(os.readlink(f"/proc/self/fd/{arg}")) if isinstance(arg, int) else Path(arg) for arg in named]
            if not self.healed and any(path.parent == self.directory for path in paths):
                self.failures += 1
                raise OSError(self.code, os.strerror(self.code))
            return real(*args, **kwargs)

        return failing


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
    # A full disk after a successful save: test_app's test_a_full_disk_keeps_the_old_file_and_quitting_asks_twice.
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


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES], ids=["read-only-file-system", "unwritable-directory"])
def test_a_directory_that_refuses_the_lock_is_reported_before_the_app_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    """Already read-only at launch: a one-line error (the CLI exits 2 with it), the file untouched."""
    out = tmp_path / "a.toml"
    prepared = prepare_session(None, checklist_spec=None, reader="tester", out=out)
    prepared.save()
    prepared.close()
    saved = out.read_bytes()
    monkeypatch.setattr("readtui.core.storage.os", FaultyOs("open", code, tmp_path))
    with pytest.raises(ReadtuiError, match=f"a.toml: cannot create lock file: {os.strerror(code)}$"):
        prepare_session(None, checklist_spec=None, reader="tester", out=out)
    assert out.read_bytes() == saved


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


# --- a real write failure, in a terminal ------------------------------------------------------------


@needs_command
def test_a_write_the_kernel_refuses_is_reported_and_the_file_kept(tmp_path: Path, critical_checklist) -> None:
    """A file-size limit (RLIMIT_FSIZE) makes the kernel refuse the larger file even to root:
    the reader sees why, q asks first, and the file keeps its last saved state."""
    out = tmp_path / "a.toml"
    child = spawn(out)
    child.send("1")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    limit = out.stat().st_size + 20  # room for the resumed session's first save, not for another answer

    def limit_file_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    child = spawn(out, preexec_fn=limit_file_size)
    child.send("j")
    child.send("1")  # evidence-kinds: statistics
    child.expect(on_screen("a.toml: could not save: File too large"))
    child.send("q")
    child.expect(on_screen("Not saved: still here"))
    assert child.isalive()
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert file_state(valid_data(out, critical_checklist)) == Reader(answers={1: "yes"}).state()
    assert not list(tmp_path.glob(".a.toml.*.tmp"))
