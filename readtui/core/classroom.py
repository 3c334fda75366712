"""The teacher's view of `readtui serve`: each student's file in the class directory, how far they
have got, and whether a tab has it open. Files are re-read only when they change."""

from __future__ import annotations

import glob
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from readtui.core.checklist import Checklist
from readtui.core.errors import ReadtuiError, visible_controls
from readtui.core.session import ReadingSession
from readtui.core.storage import load_assessment, lock_holder


@dataclass(frozen=True)
class Student:
    """One student's file, as last read."""

    name: str
    path: Path
    position: int
    """The paragraph on their screen (1-based)."""
    done: int
    """Paragraphs with every required item answered (the count on their progress strip)."""
    status: str
    updated: datetime | None
    connected: bool
    """A tab has the file open (its lock is held by a live process)."""
    problem: str | None = None
    """Why the file could not be read (then the counts are 0)."""


class ClassDirectory:
    """The students' files of one served essay in ``directory``: ``<stem>.<name>.readtui.toml``
    (``.train.readtui.toml`` when training)."""

    def __init__(self, directory: Path, essay_stem: str, essay, checklist: Checklist, *, training: bool) -> None:
        self.directory = directory
        self.paragraphs = len(essay.paragraphs)
        self._essay = essay
        self._checklist = checklist
        self._training = training
        self._pattern = f"{glob.escape(essay_stem)}.*.{'train.' if training else ''}readtui.toml"
        self._read: dict[Path, tuple[tuple[int, int], Student]] = {}

    def students(self) -> list[Student]:
        """Every student's file, by name; only files changed since the last call are read again."""
        seen: dict[Path, tuple[tuple[int, int], Student]] = {}
        for path in sorted(self.directory.glob(self._pattern)):
            if not self._training and path.name.endswith(".train.readtui.toml"):
                continue
            try:
                stat = path.stat()
            except OSError:
                continue  # removed since the listing
            stamp = (stat.st_mtime_ns, stat.st_size)
            cached = self._read.get(path)
            student = cached[1] if cached and cached[0] == stamp else self._student(path)
            seen[path] = (stamp, student)
        self._read = seen
        rows = [replace(student, connected=lock_holder(path) is not None) for path, (_, student) in seen.items()]
        return sorted(rows, key=lambda student: (student.name.casefold(), student.path.name))

    def _student(self, path: Path) -> Student:
        try:
            assessment = load_assessment(path)
        except ReadtuiError as error:
            return Student(path.name, path, 0, 0, "unreadable", None, False, problem=error.message)
        session = ReadingSession(self._essay, self._checklist, assessment)
        return Student(
            name=visible_controls(assessment.reader.name),
            path=path,
            position=assessment.session.position,
            done=session.answered_paragraphs(),
            status=assessment.session.status,
            updated=assessment.session.updated,
            connected=False,
        )
