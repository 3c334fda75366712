"""Crashes and failing disks in a real terminal: SIGKILL at random moments, a write the kernel
refuses, and a lock holder killed. (Saves that the file system refuses, in the app itself:
tests/app/test_refused_saves.py.)

After any of them the assessment file parses, validates, holds a state the reader really had
(with every change older than the 1 s guarantee, plus slack for a noisy machine), and opens again.
"""

from __future__ import annotations

import os
import random
import re
import resource
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from readtui.core.errors import ReadtuiError
from readtui.core.storage import FileLock
from tests.conftest import valid_data
from tests.terminal.conftest import READTUI, needs_command

pexpect = pytest.importorskip("pexpect")

pytestmark = pytest.mark.terminal

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
    seen = child.expect(["Are the factual claims", "Before you read:", pexpect.EOF])
    if seen == 1:  # a new session opens on the before-reading questions: n goes on to ¶ 1
        child.send("n")
        seen = child.expect(["Are the factual claims", pexpect.EOF]) * 2
    if seen == 2:
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


# --- a lock holder killed (from tests/unit/test_storage.py) -------------------------------------------


def test_lock_is_freed_when_the_holder_is_killed(tmp_path: Path) -> None:
    target = tmp_path / "a.readtui.toml"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                from readtui.core.storage import FileLock
                FileLock({str(target)!r}).acquire()
                print("locked", flush=True)
                time.sleep(600)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(ReadtuiError) as caught:
            FileLock(target).acquire()
        assert f"already open in another readtui (pid {holder.pid})" in str(caught.value)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    assert holder.returncode == -signal.SIGKILL
    assert (tmp_path / "a.readtui.toml.lock").exists(), "SIGKILL leaves the lock file behind"
    with FileLock(target) as lock:
        assert lock.path.read_text() == f"{os.getpid()}\n"
