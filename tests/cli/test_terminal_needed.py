"""The apps need a terminal. Started without one (input from /dev/null, a pipe or a file), Textual
would wait on an input that has ended and use a whole CPU until killed: readtui refuses instead,
in one line, once the input files have been checked, and leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_readtui, write_three_readers

REFUSAL = "the app needs a terminal, and its input is not one (run it in a terminal)"


def test_reading_without_a_terminal_is_refused_and_writes_nothing(tmp_path: Path, small_essay_file: Path) -> None:
    out = tmp_path / "mine.readtui.toml"
    result = run_readtui("read", str(small_essay_file), "--out", str(out), cwd=tmp_path)
    assert (result.returncode, result.stderr.splitlines()) == (2, [REFUSAL])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["essay.txt"]


@pytest.mark.parametrize("command", [["compare", "--tui"], ["adjudicate", "--out", "key.toml"]])
def test_the_other_apps_too(tmp_path: Path, command: list[str]) -> None:
    readers = [str(path) for path in write_three_readers(tmp_path)]
    result = run_readtui(*command, *readers, cwd=tmp_path)
    assert (result.returncode, result.stderr.splitlines()[-1:]) == (2, [REFUSAL])
    assert not (tmp_path / "key.toml").exists()


def test_bad_input_is_still_named_first(tmp_path: Path) -> None:
    (tmp_path / "essay.txt").write_bytes(b"\xff\xfe not text")
    result = run_readtui("read", "essay.txt", "--encoding", "utf-8", cwd=tmp_path)
    assert result.returncode == 2
    assert REFUSAL not in result.stderr and "essay.txt" in result.stderr
