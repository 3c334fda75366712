"""A text answer of several lines in a real terminal (tmux) at 80×24: the whole prompt above the
editor, every line on screen while writing and after, and all of it saved on SIGHUP."""

from __future__ import annotations

import shutil
import time
import tomllib
from pathlib import Path

import pytest

from tests.terminal.conftest import needs_command
from tests.terminal.test_visible_styles import Terminal, text_of

pytestmark = [
    needs_command,
    pytest.mark.terminal,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

PROMPT = "In one sentence, what is the essay's main claim?"


def rows(terminal: Terminal) -> list[str]:
    return [text_of(row) for row in terminal.screen()]


def test_a_text_answer_of_several_lines_at_80_by_24(tmp_path: Path) -> None:
    out = tmp_path / "a.toml"
    env = {
        "TERM": "xterm-256color",
        "READTUI_DATA_DIR": str(tmp_path / "data"),
        "READTUI_CONFIG": str(tmp_path / "config.toml"),
        "READTUI_READER": "writer",
    }
    terminal = Terminal(tmp_path, env, "--out", str(out), size=(80, 24))
    try:
        terminal.wait_for("Before you read:")  # a new session: n goes on to ¶ 1
        terminal.keys("n")
        terminal.wait_for("¶ 1 / 6")
        terminal.keys("o")
        terminal.wait_for("Overall:")
        terminal.keys("Enter")  # the first item: the main claim
        terminal.tmux("send-keys", "-t", "t", "-l", "Iran acts alone against ISIS, the essay says.")
        terminal.keys("Enter")
        terminal.tmux("send-keys", "-t", "t", "-l", "Says who?")
        terminal.wait_for("Says who?")
        writing = rows(terminal)
        terminal.keys("Escape")
        time.sleep(0.5)
        written = rows(terminal)
        terminal.keys("Enter")
        terminal.tmux("send-keys", "-t", "t", "-l", " Nobody.")
        terminal.wait_for("Says who? Nobody.")
    finally:
        terminal.close()  # SIGHUP, with the editor open
    assert any(row.strip() == PROMPT for row in writing), "the whole prompt, above the editor"
    editor = [row for row in writing if row.startswith("│")]
    assert [row.strip("│ ") for row in editor[:2]] == ["Iran acts alone against ISIS, the essay says.", "Says who?"]
    assert "escape when done" in writing[-1]
    pane = [row[: row.index("▏")].strip() for row in written if "▏" in row]
    first = next(n for n, row in enumerate(pane) if row.endswith("main claim?")) + 1
    answer = pane[first : pane.index("What would the author need to show")]
    assert " ".join(answer) == "Iran acts alone against ISIS, the essay says. Says who?", "all of it, wrapped"
    assert len(answer) == 3 and answer[-1] == "Says who?", "its second line starts a line"
    deadline = time.monotonic() + 10
    while True:
        data = tomllib.loads(out.read_text(encoding="utf-8"))
        if data.get("overall", {}).get("answers", {}).get("main-claim", "").endswith("Nobody."):
            break
        assert time.monotonic() < deadline, data.get("overall")
        time.sleep(0.1)
    assert (
        data["overall"]["answers"]["main-claim"] == "Iran acts alone against ISIS, the essay says.\nSays who? Nobody."
    )
