"""What the eye must see, read back from a real terminal (tmux `capture-pane -e`), in 256 colours
and in truecolor: the selection, the caret and the current cell of the progress strip are drawn in
reverse video, over plain text and over a highlight alike; in training, the key's highlights are
underlined in the paragraph, found and missed in colours of their own."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from readtui.core.essay import sample_essay_path
from tests.conftest import ESSAY_TEXT, phrase, write_assessment
from tests.terminal.conftest import READTUI, needs_command

pytestmark = [
    needs_command,
    pytest.mark.terminal,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

SGR = re.compile(r"\x1b\[([0-9;:]*)m")
HIGHLIGHTED = "rub salt"
"""Words of ¶ 4 ("Israeli media rub salt into …") that the file marks as loaded."""


@dataclass(frozen=True)
class Cell:
    char: str
    reverse: bool = False
    bold: bool = False
    italic: bool = False
    underline: bool = False
    foreground: str = ""
    background: str = ""


def cells(line: str) -> list[Cell]:
    """A captured line as cells with the SGR attributes in force (enough of SGR for these checks)."""
    found, state = [], Cell("")
    position = 0
    for match in SGR.finditer(line + "\x1b[m"):
        found += [replace(state, char=char) for char in line[position : match.start()]]
        position = match.end()
        params = [p for p in re.split("[;:]", match.group(1))] or ["0"]
        i = 0
        while i < len(params):
            code = int(params[i] or 0)
            if code == 0:
                state = Cell("")
            elif code in (1, 22):
                state = replace(state, bold=code == 1)
            elif code in (3, 23):
                state = replace(state, italic=code == 3)
            elif code in (4, 24):
                state = replace(state, underline=code == 4)
            elif code in (7, 27):
                state = replace(state, reverse=code == 7)
            elif code == 39:
                state = replace(state, foreground="")
            elif code == 49:
                state = replace(state, background="")
            elif code in (38, 48):
                size = 3 if params[i + 1] == "5" else 5
                colour = ";".join(params[i + 1 : i + size])
                state = replace(state, **{"foreground" if code == 38 else "background": colour})
                i += size - 1
            i += 1
    return found


def text_of(row: list[Cell]) -> str:
    return "".join(cell.char for cell in row)


class Terminal:
    """readtui in a private tmux server, driven by keys and read back with its SGR attributes."""

    def __init__(self, tmp_path: Path, env: dict[str, str], *args: str, size: tuple[int, int] = (100, 30)) -> None:
        self.socket = f"readtui-test-{os.getpid()}-{time.monotonic_ns()}"
        environment = " ".join(f"{key}={value}" for key, value in env.items())
        command = f"cd {tmp_path} && exec env {environment} {READTUI} {' '.join(args)}"
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", str(size[0]), "-y", str(size[1]), command)

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True).stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "t", key)
            time.sleep(0.15)

    def screen(self) -> list[list[Cell]]:
        return [cells(line) for line in self.tmux("capture-pane", "-e", "-p", "-t", "t").splitlines()]

    def wait_for(self, text: str, seconds: float = 20) -> list[list[Cell]]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            screen = self.screen()
            if any(text in text_of(row) for row in screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared:\n" + "\n".join(text_of(row) for row in self.screen()))

    def close(self) -> None:
        self.tmux("kill-server")


COLOURS = {
    "256-colour": {"TERM": "xterm-256color", "COLORTERM": ""},
    "truecolor": {"TERM": "xterm-256color", "COLORTERM": "truecolor"},
}


@pytest.mark.parametrize("colours", list(COLOURS))
def test_selection_caret_and_current_cell_are_visible(tmp_path: Path, critical_checklist, colours: str) -> None:
    essay = sample_essay_path()
    out = write_assessment(
        tmp_path / "a.toml", essay, critical_checklist, "eye", {4: {}}, highlight={4: [phrase(essay, 4, HIGHLIGHTED)]}
    )
    env = {
        **COLOURS[colours],
        "READTUI_DATA_DIR": str(tmp_path / "data"),
        "READTUI_CONFIG": str(tmp_path / "config.toml"),
        "READTUI_READER": "eye",
    }
    terminal = Terminal(tmp_path, env, "--out", str(out))
    try:
        terminal.wait_for("¶ 1 / 6")
        terminal.keys("g", "4", "Enter")
        terminal.wait_for("¶ 4 / 6")
        terminal.keys("v", "w", "w", "w")  # select "Israeli media rub": over the start of the highlight
        time.sleep(0.5)
        screen = terminal.screen()
    finally:
        terminal.close()
    row = next(row for row in screen if "Israeli media" in text_of(row))
    start = text_of(row).index("Israeli media")
    selected = row[start : start + len("Israeli media ru")]
    assert all(cell.reverse for cell in selected), [c for c in selected if not c.reverse]
    caret = row[start + len("Israeli media ru")]
    assert caret.char == "b" and caret.reverse and caret.underline, caret
    after = row[start + len("Israeli media rub") :][: len(" salt into the Middle East")]
    assert not any(cell.reverse for cell in after), "only the selection is reversed"
    highlighted_only = after[1 : len(" salt")]  # the rest of the highlight, outside the selection
    assert all(cell.background for cell in highlighted_only), "the highlight keeps its colour beside the selection"

    strip = next(row for row in screen if "/6 done" in text_of(row))
    marks = [cell for cell in strip if cell.char in "·▪■⚑"]
    assert [cell.reverse for cell in marks[:6]] == [False, False, False, True, False, False], "¶ 4 is current"


@pytest.mark.parametrize("colours", list(COLOURS))
def test_the_keys_highlights_are_underlined_found_and_missed(tmp_path: Path, critical_checklist, colours: str) -> None:
    essay = tmp_path / "essay.txt"
    essay.write_text(ESSAY_TEXT, encoding="utf-8")
    spans = [phrase(essay, 3, "loaded words"), phrase(essay, 3, "regime")]
    key = write_assessment(
        tmp_path / "key.toml", essay, critical_checklist, "teacher", {3: {"loaded-words": 4}}, highlight={3: spans}
    )
    mine = write_assessment(tmp_path / "mine.toml", essay, critical_checklist, "eye", {3: {}}, highlight={3: spans[1:]})
    env = {
        **COLOURS[colours],
        "READTUI_DATA_DIR": str(tmp_path / "data"),
        "READTUI_CONFIG": str(tmp_path / "config.toml"),
        "READTUI_READER": "eye",
    }
    terminal = Terminal(tmp_path, env, "train", str(essay), "--key", str(key), "--out", str(mine))
    try:
        terminal.wait_for("/4 done")
        terminal.keys("g", "3", "Enter")
        terminal.wait_for("¶ 3 / 4")
        terminal.keys("c")
        screen = terminal.wait_for("1 found, 1 missed")
    finally:
        terminal.close()
    text = "".join(text_of(row) for row in screen)
    rows = [cell for row in screen for cell in row]
    loaded = text.index("loaded", text.index("The third"))
    regime = text.index("regime.")
    plain = rows[text.index("The third")]
    missed = [cell for cell in rows[loaded : loaded + len("loaded")]]
    found = rows[regime : regime + len("regime")]
    assert all(cell.underline for cell in missed + found), "the key's spans are underlined"
    assert len({cell.foreground for cell in missed}) == 1 and len({cell.foreground for cell in found}) == 1
    assert len({plain.foreground, missed[0].foreground, found[0].foreground}) == 3, (plain, missed[0], found[0])
    assert found[0].background, "a found span keeps the colour of the reader's own highlight"
    after = rows[regime + len("regime")]
    assert after.char == "." and not after.underline


def test_markdown_emphasis_quotes_and_headings_are_styled(tmp_path: Path) -> None:
    essay = tmp_path / "essay.md"
    essay.write_text(
        "# Title\n\nPlain words, **strong words**, _emphasised words_.\n\n"
        "## Heading words\n\n> Quoted words\n> wrapped.\n",
        encoding="utf-8",
    )
    env = {
        **COLOURS["256-colour"],
        "READTUI_DATA_DIR": str(tmp_path / "data"),
        "READTUI_CONFIG": str(tmp_path / "config.toml"),
        "READTUI_READER": "eye",
    }
    terminal = Terminal(tmp_path, env, str(essay), "--out", str(tmp_path / "a.toml"))
    try:
        terminal.wait_for("Before you read:")  # a new session: n goes on to ¶ 1
        terminal.keys("n")
        first = terminal.wait_for("¶ 1 / 2")
        terminal.keys("n")
        second = terminal.wait_for("¶ 2 / 2")
    finally:
        terminal.close()

    def words(screen: list[list[Cell]], text: str) -> list[Cell]:
        row = next(row for row in screen if text in text_of(row))
        start = text_of(row).index(text)
        return row[start : start + len(text)]

    shown = "\n".join(text_of(row) for row in first + second)
    assert "**" not in shown and "> Quoted" not in shown, shown
    plain = words(first, "Plain words")  # "P" too: no caret, the checklist has focus from the first frame
    assert not any(cell.bold or cell.italic or cell.reverse for cell in plain), plain
    assert all(cell.bold and not cell.italic for cell in words(first, "strong words"))
    assert all(cell.italic and not cell.bold for cell in words(first, "emphasised words"))
    assert all(cell.bold for cell in words(second, "Heading words"))
    assert all(cell.italic for cell in words(second, "Quoted words wrapped."))
