"""SIGTERM and SIGHUP end every app cleanly: the file saved, the lock let go, the exit status 128 + the
signal. (The reading app: test_smoke.py.)"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from tests.conftest import read_toml, write_three_readers
from tests.terminal.conftest import READTUI, needs_command

pexpect = pytest.importorskip("pexpect")

pytestmark = [needs_command, pytest.mark.terminal]


def spawn(tmp_path: Path, *args: str):
    env = os.environ | {"TERM": "xterm-256color", "READTUI_READER": "teacher"}
    return pexpect.spawn(
        READTUI, list(args), cwd=str(tmp_path), env=env, dimensions=(24, 80), timeout=30, encoding="utf-8"
    )


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_adjudicate_keeps_its_decisions_and_lets_go_on_a_signal(tmp_path: Path, signum: int) -> None:
    readers = tmp_path / "readers"
    readers.mkdir()
    out = tmp_path / "key.toml"
    child = spawn(tmp_path, "adjudicate", *map(str, write_three_readers(readers)), "--out", str(out))
    child.expect("44 open")
    child.send("2")  # the first dispute (the essay's credibility): the second candidate answer
    child.expect("43 open")
    child.kill(signum)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 128 + signum
    assert "credibility" in read_toml(out)["overall"]["answers"]
    assert not Path(f"{out}.lock").exists()


def test_compare_leaves_on_sigterm(tmp_path: Path) -> None:
    readers = tmp_path / "readers"
    readers.mkdir()
    child = spawn(tmp_path, "compare", *map(str, write_three_readers(readers)), "--tui", "--bootstrap", "0")
    child.expect("3 readers")
    child.kill(signal.SIGTERM)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 128 + signal.SIGTERM
