"""A file made with critical-reading 1.2, opened with a 1.3 in a real terminal (tmux) at 80×24:
the notice says what changed, Checklist info lists it, and the retired answers stay in the file."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from readtui.core.essay import sample_essay_path
from tests.conftest import pack, release_1_3, write_assessment, write_checklist
from tests.terminal.conftest import needs_command
from tests.terminal.test_visible_styles import Terminal, text_of

pytestmark = [
    needs_command,
    pytest.mark.terminal,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def test_a_newer_checklist_at_80_by_24(tmp_path: Path, critical_checklist) -> None:
    out = write_assessment(
        tmp_path / "a.toml",
        sample_essay_path(),
        critical_checklist,
        "reader",
        {1: {"checkable": "easily", "claims-supported": "partly", "loaded-words": 2}},
    )
    write_checklist(tmp_path / "critical-reading.toml", pack("1.3", release_1_3))
    env = {
        "TERM": "xterm-256color",
        "READTUI_DATA_DIR": str(tmp_path / "data"),
        "READTUI_CONFIG": str(tmp_path / "config.toml"),
        "READTUI_READER": "reader",
    }
    args = ("--checklist", "./critical-reading.toml", "--out", str(out))
    terminal = Terminal(tmp_path, env, *args, size=(80, 24))
    try:
        terminal.wait_for("¶ 1 / 6")
        rows = [text_of(row) for row in terminal.wait_for("→ 1.3 since")]
        notice = " ".join(row.split("▌")[-1].strip() for row in rows if "▌" in row)  # the toast, right
        terminal.keys("C-p")
        terminal.tmux("send-keys", "-t", "t", "-l", "checklist info")
        terminal.wait_for("The checklist: its source")
        terminal.keys("Enter", "End")
        dialog = [text_of(row) for row in terminal.wait_for("escape closes this")]
        terminal.keys("Escape", "n")
        terminal.wait_for("¶ 2 / 6")
        terminal.keys("1")
        deadline = time.monotonic() + 10
        while 'claims-supported = "yes"' not in out.read_text(encoding="utf-8"):  # saved within a second
            assert time.monotonic() < deadline, "¶ 2's answer never saved"
            time.sleep(0.1)
        terminal.keys("q")
    finally:
        terminal.close()
    for words in ["Checklist critical-reading 1.2 → 1.3", "(new-question)", "(checkable)", "Checklist info."]:
        assert words in notice, (words, notice)
    assert any("retired: checkable" in row for row in dialog)
    assert any("Retired answers (2)" in row for row in dialog)
    assert any("¶ 1  Could you check the key claim yourself?" in row for row in dialog)
    text = out.read_text(encoding="utf-8")
    assert 'checkable = "easily"' in text and 'claims-supported = "partly"' in text
