"""`readtui serve` in a real terminal, as the teacher sees it: the address with its QR code, then a
live table of the students' files (who has a tab open, how far each has got)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from readtui.core.essay import sample_essay_path
from readtui.core.launch import prepare_session
from tests.conftest import free_port
from tests.terminal.conftest import READTUI, needs_command

pexpect = pytest.importorskip("pexpect")

pytestmark = [needs_command, pytest.mark.terminal]


def spawn_serve(tmp_path: Path, size: tuple[int, int], *args: str):
    """`readtui serve --token t0ken ARGS` in a terminal of ``size`` (rows, columns)."""
    return pexpect.spawn(
        READTUI,
        ["serve", "--token", "t0ken", *args],
        cwd=str(tmp_path),
        env=os.environ | {"TERM": "xterm-256color"},
        dimensions=size,
        timeout=30,
        encoding="utf-8",
    )


def test_the_teacher_sees_the_address_as_a_qr_code_and_a_live_table(tmp_path: Path) -> None:
    port = free_port()
    child = spawn_serve(tmp_path, (40, 100), "--dir", "class", "--port", str(port), "--checklist", "quick")
    child.expect_exact("▀▀▀▀▀▀▀▀▀▀")  # the QR code's last row, then the address
    child.expect_exact(f"readtui serve: http://127.0.0.1:{port}/?token=t0ken")
    child.expect_exact("0 students, 0 with a tab open · files in class")
    essay = sample_essay_path()
    out = tmp_path / "class" / f"{essay.stem}.Ana.readtui.toml"
    ana = prepare_session(essay, checklist_spec="quick", reader="Ana", out=out)  # as a tab opens it
    try:
        ana.session.assessment.session.position = 2
        ana.save()
        child.expect_exact("1 student, 1 with a tab open")
        child.expect(r"Ana\s+2/6\s+0/6\s+tab open")
    finally:
        ana.close(remember=False)
    child.expect(r"Ana\s+2/6\s+0/6\s+no tab")
    child.sendintr()
    child.expect_exact("Stopped. 1 student file in class")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_a_terminal_too_short_for_the_qr_code_keeps_the_address_on_screen(tmp_path: Path) -> None:
    child = spawn_serve(tmp_path, (24, 80), "--port", str(free_port()))
    child.logfile_read = shown = io.StringIO()
    child.expect_exact("0 students")
    child.sendintr()
    child.expect(pexpect.EOF)
    assert "readtui serve: http://127.0.0.1:" in shown.getvalue()
    assert "▀▀▀▀" not in shown.getvalue()
