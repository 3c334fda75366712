"""The teacher's view of `readtui serve` (core.classroom): each student's file in the class
directory, how far they have got, and whether a tab holds it; and `lock_holder`, which tells
without taking the lock."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from readtui.core.checklist import TextItem
from readtui.core.classroom import ClassDirectory
from readtui.core.launch import default_out_path, prepare_session
from readtui.core.storage import FileLock, lock_holder


def student(essay: Path, into: Path, name: str, answer_first: int = 0, position: int = 1):
    """A student's session as a tab opens it (locked), with ``answer_first`` paragraphs fully answered."""
    prepared = prepare_session(essay, checklist_spec=None, reader=name, out=into / default_out_path(essay, name).name)
    for index in range(1, answer_first + 1):
        answer_all(prepared.session, index)
    prepared.session.assessment.session.position = position
    prepared.save()
    return prepared


def answer_all(session, index: int) -> None:
    for item in session.paragraph_items:
        if isinstance(item, TextItem):
            session.set_text(index, item, "because")
        else:
            session.choose(index, item, 1)


def class_of(essay: Path, into: Path, *, training: bool = False) -> ClassDirectory:
    probe = prepare_session(essay, checklist_spec=None, reader="probe", out=into.parent / "probe.toml")
    probe.close(remember=False)
    return ClassDirectory(into, essay.stem, probe.session.essay, probe.session.checklist, training=training)


def test_each_students_progress_and_open_tab(tmp_path: Path, small_essay_file: Path) -> None:
    into = tmp_path / "class"
    into.mkdir()
    ana = student(small_essay_file, into, "Ana", answer_first=2, position=3)
    bo = student(small_essay_file, into, "bo")
    bo.close(remember=False)
    (into / "other-essay.Cy.readtui.toml").write_text("not this essay's", encoding="utf-8")
    (into / "essay.Di.train.readtui.toml").write_text("a training file", encoding="utf-8")
    try:
        rows = class_of(small_essay_file, into).students()
    finally:
        ana.close(remember=False)
    assert [(s.name, s.position, s.done, s.connected, s.problem) for s in rows] == [
        ("Ana", 3, 2, True, None),
        ("bo", 1, 0, False, None),
    ]


def test_a_changed_file_is_read_again_and_an_unreadable_one_says_why(tmp_path: Path, small_essay_file: Path) -> None:
    into = tmp_path / "class"
    into.mkdir()
    watched = class_of(small_essay_file, into)
    assert watched.students() == []
    ana = student(small_essay_file, into, "Ana")
    assert [s.done for s in watched.students()] == [0]
    answer_all(ana.session, 1)
    ana.save()
    ana.close(remember=False)
    assert [(s.done, s.connected) for s in watched.students()] == [(1, False)]
    (into / "essay.Ana.readtui.toml").write_text("format = [", encoding="utf-8")
    (row,) = watched.students()
    assert row.name == "essay.Ana.readtui.toml" and row.problem and "TOML syntax error" in row.problem


def test_training_files_when_training(tmp_path: Path, small_essay_file: Path) -> None:
    into = tmp_path / "class"
    into.mkdir()
    student(small_essay_file, into, "Ana").close(remember=False)
    (into / "essay.Ana.readtui.toml").rename(into / "essay.Ana.train.readtui.toml")
    assert [s.name for s in class_of(small_essay_file, into, training=True).students()] == ["Ana"]
    assert class_of(small_essay_file, into).students() == []


def test_lock_holder_reads_the_pid_without_taking_the_lock(tmp_path: Path) -> None:
    target = tmp_path / "a.readtui.toml"
    assert lock_holder(target) is None
    with FileLock(target):
        assert lock_holder(target) == os.getpid()
    assert lock_holder(target) is None
    # A process killed while holding it leaves the lock file; its lock went with it.
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (tmp_path / "a.readtui.toml.lock").write_text(gone.stdout, encoding="utf-8")
    assert lock_holder(target) is None
    other = FileLock(target)
    other.acquire()  # nothing was taken by asking
    other.release()
