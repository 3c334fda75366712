"""The installed command in a real pseudo-terminal: what a new user does, and what a crash does."""

from __future__ import annotations

import os
import signal
import tomllib
from pathlib import Path

import pytest

from tests.conftest import position_of
from tests.terminal.conftest import READTUI, needs_command

pexpect = pytest.importorskip("pexpect")

pytestmark = [needs_command, pytest.mark.terminal]


def spawn(tmp_path: Path, *args: str, size: tuple[int, int] = (24, 80)):
    env = os.environ | {"TERM": "xterm-256color", "READTUI_READER": "smoke"}
    child = pexpect.spawn(
        READTUI, list(args), cwd=str(tmp_path), env=env, dimensions=size, timeout=30, encoding="utf-8"
    )
    child.expect("Rapprochement between Iran")
    if child.expect(["Are the factual claims", "Before you read:"]) == 1:
        child.send("n")  # a new session opens on the before-reading questions: n goes on to ¶ 1
        child.expect("Are the factual claims")
    return child


def run_to_the_end(tmp_path: Path, *args: str) -> tuple[str, int]:
    """`readtui ARGS` in a terminal, left to end by itself: what it printed, and its exit status."""
    return pexpect.run(
        " ".join([READTUI, *args]),
        cwd=str(tmp_path),
        withexitstatus=True,
        encoding="utf-8",
        timeout=30,
        env=os.environ | {"TERM": "xterm-256color", "READTUI_READER": "smoke"},
    )


def wait_for_file(path: Path, predicate, seconds: float = 10) -> dict:
    import time

    deadline = time.monotonic() + seconds
    while True:
        if path.exists():
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            if predicate(data):
                return data
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} never reached the expected state")
        time.sleep(0.05)


def test_answer_two_items_quit_and_find_the_file(tmp_path: Path) -> None:
    child = spawn(tmp_path)
    child.send("2")
    child.send("j")
    child.send("1")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    out = tmp_path / "rapprochement-iran-isis.smoke.readtui.toml"
    data = tomllib.loads(out.read_text(encoding="utf-8"))
    assert data["paragraph"][0]["answers"] == {"claims-supported": "partly", "evidence-kinds": ["statistics"]}
    assert not (tmp_path / (out.name + ".lock")).exists()


def test_sigterm_saves_and_sigkill_never_locks_the_reader_out(tmp_path: Path) -> None:
    out = tmp_path / "a.toml"
    child = spawn(tmp_path, "--out", str(out))
    child.send("n")
    child.send("3")
    wait_for_file(out, lambda data: any(p.get("answers") for p in data.get("paragraph", [])))
    child.kill(signal.SIGKILL)
    child.close(force=True)
    again = spawn(tmp_path, "--out", str(out))  # the kernel released the lock
    again.expect("¶ 2 / 6")
    again.send("f")
    again.expect("flagged")  # on screen: the change is made, maybe not yet saved
    again.kill(signal.SIGTERM)
    again.expect(pexpect.EOF)
    again.close()
    data = tomllib.loads(out.read_text(encoding="utf-8"))
    second = next(p for p in data["paragraph"] if p["index"] == 2)
    assert second["answers"] == {"claims-supported": "no"}
    assert second["flagged"] is True
    assert not Path(str(out) + ".lock").exists()


def test_bad_essay_is_one_line_and_status_2(tmp_path: Path) -> None:
    output, status = pexpect.run(
        f"{READTUI} {tmp_path / 'missing.txt'}", withexitstatus=True, encoding="utf-8", timeout=30
    )
    assert status == 2
    assert output.strip() == f"{tmp_path / 'missing.txt'}: no such file"


def test_resume_reopens_the_latest_session_from_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "data"
    (tmp_path / "one").mkdir()
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.setenv("READTUI_DATA_DIR", str(data_dir))
    child = spawn(tmp_path / "one")
    child.send("n")
    child.send("n")
    child.expect("¶ 3 / 6")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    listing, status = pexpect.run(
        f"{READTUI} sessions", withexitstatus=True, encoding="utf-8", cwd=str(tmp_path / "elsewhere")
    )
    assert status == 0
    assert "0/6" in listing and "smoke" in listing
    assert str(tmp_path / "one" / "rapprochement-iran-isis.smoke.readtui.toml") in listing
    resumed = pexpect.spawn(
        READTUI,
        ["resume"],
        cwd=str(tmp_path / "elsewhere"),
        env=os.environ | {"TERM": "xterm-256color"},
        dimensions=(24, 80),
        timeout=30,
        encoding="utf-8",
    )
    resumed.expect("¶ 3 / 6")
    resumed.send("q")
    resumed.expect(pexpect.EOF)
    resumed.close()
    assert resumed.exitstatus == 0
    assert not list((tmp_path / "elsewhere").iterdir()), "resume writes to the original file, not here"


def test_hangup_right_after_first_paint_saves_and_exits(tmp_path: Path) -> None:
    """A closed terminal (SIGHUP) must never leave a stuck process holding the lock."""
    out = tmp_path / "a.toml"
    child = spawn(tmp_path, "--out", str(out))
    child.kill(signal.SIGHUP)
    child.expect(pexpect.EOF, timeout=15)
    child.close()
    assert not Path(str(out) + ".lock").exists()
    assert tomllib.loads(out.read_text(encoding="utf-8"))["essay"]["paragraphs"] == 6
    spawn(tmp_path, "--out", str(out)).kill(signal.SIGKILL)  # and it can be opened again


def test_an_invalid_assessment_is_reported_in_one_line_per_problem_and_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "a.toml"
    child = spawn(tmp_path, "--out", str(out))
    child.send("1")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    damaged = out.read_text(encoding="utf-8").replace("chars = ", "chars = -")
    out.write_text(damaged, encoding="utf-8")
    output, status = run_to_the_end(tmp_path, "--out", str(out))
    assert status == 2
    where = position_of(out, "chars = -")
    assert f"{out}:{where}: paragraph[1].chars: Input should be greater than or equal to 0 (got -401)" in output
    assert "Traceback" not in output
    assert out.read_text(encoding="utf-8") == damaged


def test_bad_toml_past_the_paragraph_shown_is_one_line_and_status_2_after_the_first_frame(tmp_path: Path) -> None:
    """A resumed file is first read only as far as the first frame shows (¶ 1 here): bad TOML in
    ¶ 3's record is found right after it, said in one line, and the file is left alone."""
    out = tmp_path / "a.toml"
    child = spawn(tmp_path, "--out", str(out))
    for key in "1n1n1pp":
        child.send(key)
    child.expect("¶ 1 / 6")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    damaged = out.read_text(encoding="utf-8").replace("index = 3\n", "index = 3\nindex = 3\n")
    out.write_text(damaged, encoding="utf-8")
    output, status = run_to_the_end(tmp_path, "--out", str(out))
    assert status == 2
    assert "¶ 1 / 6" in output, "the first frame, from the preview"
    line = damaged[: damaged.index("index = 3\nindex")].count("\n") + 2
    (problem,) = [text[text.index(f"{out}:") :] for text in output.splitlines() if f"{out}:" in text]
    assert problem.startswith(f"{out}:{line}:") and "TOML syntax error" in problem
    assert "Traceback" not in output
    assert out.read_text(encoding="utf-8") == damaged


def test_the_bundled_exercise_gives_feedback(tmp_path: Path) -> None:
    child = spawn(tmp_path, "train")
    child.send("3")  # ¶1: "No, just asserted", the model answer
    child.send("n")  # unchecked: shows the feedback
    child.expect("at the first try")
    child.expect("also right")  # the key accepts another answer too
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    data = tomllib.loads((tmp_path / "rapprochement-iran-isis.smoke.train.readtui.toml").read_text(encoding="utf-8"))
    first = data["training"]["paragraph"][0]
    assert first["first_try"] == {"claims-supported": "no"}
    assert first["score"]["claims-supported"] == 1.0
