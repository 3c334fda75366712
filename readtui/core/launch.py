"""Everything that happens before the app starts, and the sessions index."""

from __future__ import annotations

import errno
import functools
import os
import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from readtui.core.assessment import (
    MARKDOWN_SOURCE_FORMAT,
    Assessment,
    assessment_from_data,
    checklist_changed,
    checklist_problems,
    key_problems,
    quick_assessment,
)
from readtui.core.checklist import bundled_checklist_dir, checklist_from_data, quick_checklist, resolve_checklist
from readtui.core.errors import ReadtuiError, ReadtuiErrors
from readtui.core.essay import load_essay, sample_essay_path
from readtui.core.paths import sessions_index_path
from readtui.core.resume import resume_problems
from readtui.core.session import ReadingSession, new_assessment
from readtui.core.storage import (
    AssessmentWriter,
    FileLock,
    file_sha256,
    load_assessment,
    parse_toml,
    preview_assessment,
    read_sessions,
    record_session,
    remove_stale_temps,
)
from readtui.core.upgrade import upgrade
from readtui.core.versions import ChecklistChanges, checklist_changes

if TYPE_CHECKING:
    from readtui.core.training import Trainer


@dataclass
class PreparedSession:
    """A session ready for the app: loaded, checked, and locked for writing."""

    session: ReadingSession
    out_path: Path
    essay_path: Path
    checklist_path: Path
    lock: FileLock
    writer: AssessmentWriter = field(default_factory=AssessmentWriter)
    notices: list[str] = field(default_factory=list)
    encoding: str | None = None
    unchecked: list[tuple[Callable[[Path, dict[str, Any]], Any], Path, dict[str, Any]]] = field(default_factory=list)
    """Files built without pydantic for the first frame, to validate right after it."""
    trainer: Trainer | None = None
    """In training (``readtui train``): the key and the learner's progress against it."""
    key_path: Path | None = None
    rest: Callable[[], Resumed] | None = None
    """A session opened from a preview of its file (`prepare_session`'s ``preview``): resumes the
    whole file (`load`)."""

    _checking: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _problems: list[ReadtuiError] | None = field(default=None, repr=False)

    def check(self) -> list[ReadtuiError]:
        """Validate the files that were built without pydantic: one error per problem. Done once,
        from any thread: the app starts it in a worker after the first frame, and a save that
        comes sooner waits for it."""
        with self._checking:
            if self._problems is None:
                problems: list[ReadtuiError] = []
                try:
                    self.load()
                except ReadtuiErrors as errors:
                    problems += errors.problems
                except ReadtuiError as error:
                    problems.append(error)
                for from_data, path, data in self.unchecked:
                    try:
                        from_data(path, data)
                    except ReadtuiErrors as errors:
                        problems += errors.problems
                    except ReadtuiError as error:
                        problems.append(error)
                self.unchecked.clear()
                self._problems = problems
            return list(self._problems)

    def load(self) -> list[str]:
        """Resume the whole file in place of the preview the session was opened from (nothing to do
        otherwise), as `prepare_session` resumes one; the notices it brings. Raises ReadtuiError(s)
        as that does. Call it on the thread that changes the session, before any change is made."""
        if self.rest is None:
            return []
        rest, self.rest = self.rest, None
        resumed = rest()
        self.unchecked.insert(0, (assessment_from_data, self.out_path, resumed.data))
        self.session.adopt(resumed.assessment, resumed.changes)
        self.notices += resumed.notices
        return resumed.notices

    def save(self) -> None:
        """Write the assessment now (atomically)."""
        self.load()
        self.session.identify()
        self.writer.save(self.out_path, self.session.assessment)

    def index_entry(self) -> dict[str, Any]:
        """This session as a line of the sessions index."""
        assessment = self.session.assessment
        return {
            "path": str(self.out_path.resolve()),
            "essay": str(self.essay_path.resolve()),
            "checklist": str(self.checklist_path.resolve()),
            "encoding": self.encoding,
            "title": assessment.essay.title or self.essay_path.name,
            "reader": assessment.reader.name,
            "paragraphs": self.session.paragraph_count,
            "answered": self.session.answered_paragraphs(),
            "status": assessment.session.status,
            "updated": assessment.session.updated.isoformat(),
        } | ({"key": str(self.key_path.resolve())} if self.key_path else {})

    def remember_in_index(self) -> None:
        """Record the session in the index (best effort: the index is a convenience)."""
        try:
            record_session(sessions_index_path(), self.index_entry())
        except Exception:  # noqa: BLE001 - a broken index must never cost the reader their session
            pass

    def close(self, *, remember: bool = True) -> None:
        """Update the sessions index (if ``remember``) and release the lock (once; later calls do nothing)."""
        if self.lock.held:
            if remember:
                self.remember_in_index()
            self.lock.release()


def clean_reader_name(name: str) -> str:
    """A reader's name as given, without control characters or surrounding space ("" if none is left)."""
    return "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()


def safe_file_part(name: str) -> str:
    """A reader name made safe for a file name: no separators, controls or leading dots."""
    name = unicodedata.normalize("NFC", name)
    name = "".join("-" if unicodedata.category(ch)[0] in "CZ" else ch for ch in name)
    name = re.sub(r"[/\\:*?\"<>|]+", "-", name).strip("-. ")
    return re.sub(r"-{2,}", "-", name)[:64] or "reader"


def default_out_path(essay_path: Path, reader: str, kind: str = "") -> Path:
    """``<essay-stem>.<reader>.readtui.toml`` in the current directory (``kind`` "train":
    ``<essay-stem>.<reader>.train.readtui.toml``, so training never mixes with reading)."""
    return Path.cwd() / f"{essay_path.stem}.{safe_file_part(reader)}.{kind + '.' if kind else ''}readtui.toml"


def refuse_symlink_loop(path: Path) -> None:
    """A one-line error for an output file that is a symlink loop (resolving it would raise)."""
    try:
        os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise ReadtuiError(path, "symlink loop (too many levels of symbolic links)") from None


def bundled_key_path() -> Path:
    """The answer key of the sample essay (the bundled exercise of ``readtui train``)."""
    return sample_essay_path().with_name("rapprochement-iran-isis.key.readtui.toml")


def prepare_training(
    essay_path: Path | None,
    *,
    key_path: Path | None,
    checklist_spec: str | None,
    reader: str,
    out: Path | None,
    encoding: str | None = None,
) -> PreparedSession:
    """Like `prepare_session`, for a learner training against an answer key.

    Without a key, the bundled exercise: the sample essay and its key. The key is only read.
    """
    from readtui.core.training import Trainer  # only training needs it

    if key_path is None:
        if essay_path is not None and essay_path.resolve() != sample_essay_path().resolve():
            raise ReadtuiError(
                essay_path, "training needs an answer key: --key KEY.toml (the bundled key is for the sample essay)"
            )
        key_path = bundled_key_path()
    key = load_assessment(key_path)
    if essay_path is None:
        if key.essay.sha256 != load_essay(sample_essay_path()).sha256:
            raise ReadtuiError(key_path, "give the essay this key is for: readtui train ESSAY --key KEY.toml")
        essay_path = sample_essay_path()
    out = out or default_out_path(essay_path, reader, "train")
    refuse_symlink_loop(out)
    if out.resolve() == key_path.resolve():
        raise ReadtuiError(out, "is the answer key: training never writes over it; choose another --out")
    checklist_spec = checklist_spec or str(resolve_checklist(None, checklist_id=key.checklist.id, beside=key_path))
    prepared = prepare_session(essay_path, checklist_spec=checklist_spec, reader=reader, out=out, encoding=encoding)
    try:
        session = prepared.session
        # The key is checked against the checklist: validate the checklist first (now, not after
        # the first frame), or a broken checklist would show as a key that does not fit it.
        checked = prepared.check()
        if checked:
            raise ReadtuiErrors(checked)
        upgrade(key, session.essay)  # only in memory: the key is never written
        problems = key_problems(key_path, key, session.essay.sha256, session.checklist.id)
        problems += checklist_problems(key_path, key, session.checklist)
        if problems:
            raise ReadtuiErrors(problems)
        key_sha = file_sha256(key_path)
        training = session.assessment.training
        if training is not None and training.key_sha256 != key_sha:
            raise ReadtuiError(out, "was trained against another answer key; use --out to start a new file")
        prepared.trainer = Trainer(session, key, key_sha, source_name(key_path, out))
        prepared.key_path = key_path
        return prepared
    except BaseException:
        prepared.lock.release()
        raise


def source_name(essay_path: Path, out_path: Path) -> str:
    """How the assessment names its essay: relative to the assessment when that is short."""
    if essay_path.resolve() == sample_essay_path().resolve():
        return essay_path.name
    try:
        return str(essay_path.resolve().relative_to(out_path.resolve().parent))
    except ValueError:
        return str(essay_path.resolve())


def prepare_reading(
    essay_path: Path | None,
    *,
    training: bool,
    key_path: Path | None,
    checklist_spec: str | None,
    reader: str,
    out: Path | None,
    title: str | None = None,
    author: str | None = None,
    encoding: str | None = None,
    preview: bool = False,
) -> PreparedSession:
    """`prepare_training` (against ``key_path``, or the bundled exercise) when ``training``, else
    `prepare_session` (with ``preview``): what `readtui read`/`train` open, and each tab of
    `readtui serve`."""
    if training:
        return prepare_training(
            essay_path, key_path=key_path, checklist_spec=checklist_spec, reader=reader, out=out, encoding=encoding
        )
    return prepare_session(
        essay_path,
        checklist_spec=checklist_spec,
        reader=reader,
        out=out,
        title=title,
        author=author,
        encoding=encoding,
        preview=preview,
    )


def prepare_session(
    essay_path: Path | None,
    *,
    checklist_spec: str | None,
    reader: str,
    out: Path | None,
    title: str | None = None,
    author: str | None = None,
    encoding: str | None = None,
    preview: bool = False,
) -> PreparedSession:
    """Load the essay and checklist, lock and resume (or start) the assessment.

    ``preview``: a file that can be is opened from its record of the paragraph it was left at
    (`storage.preview_assessment`), for the first frame; `PreparedSession.load` resumes the whole
    file after it. Raises ReadtuiError for bad input; nothing is written here.
    """
    essay_path = essay_path or sample_essay_path()
    essay = load_essay(essay_path, encoding=encoding, title=title, author=author)
    out_path = out or default_out_path(essay_path, reader)
    refuse_symlink_loop(out_path)
    lock = FileLock(out_path)
    lock.acquire()
    remove_stale_temps(out_path)  # a save cut short by a kill leaves one; none can be running now
    try:
        # Built without pydantic when their shape is right, so the first frame comes sooner;
        # `PreparedSession.check` validates them right after it.
        unchecked = []
        existing = previewed = None
        if out_path.exists():
            previewed = _built_preview(out_path) if preview else None
            if previewed is None:
                existing_data = parse_toml(out_path)
                existing = quick_assessment(out_path, existing_data)
            else:
                existing_data, existing = previewed
        checklist_path = resolve_checklist(
            checklist_spec, checklist_id=existing.checklist.id if existing else None, beside=out_path
        )
        checklist_data = parse_toml(checklist_path)
        checklist = quick_checklist(checklist_path, checklist_data)
        if checklist_path.resolve().parent != bundled_checklist_dir().resolve():
            # A checklist readtui ships is validated by its tests: only other people's are
            # validated here, which spares the default session pydantic's time and memory.
            unchecked.append((checklist_from_data, checklist_path, checklist_data))
        checklist_sha = file_sha256(checklist_path)
        notices: list[str] = []
        changes = rest = None
        if existing is None:
            source = source_name(essay_path, out_path)
            assessment = new_assessment(essay, checklist, checklist_sha, reader, source, identify=False)
        elif previewed is not None and _fits_preview(existing, essay, reader, checklist, checklist_sha):
            assessment = existing
            rest = functools.partial(_resume_file, out_path, essay, reader, checklist, checklist_sha)
        else:
            if previewed is not None:
                existing_data = parse_toml(out_path)
                existing = quick_assessment(out_path, existing_data)
            resumed = _resume(out_path, existing_data, existing, essay, reader, checklist, checklist_sha)
            assessment, notices, changes = resumed.assessment, resumed.notices, resumed.changes
            unchecked.insert(0, (assessment_from_data, out_path, existing_data))
        session = ReadingSession(essay, checklist, assessment)
        session.changes = changes
        session.preview = rest is not None
        return PreparedSession(
            session=session,
            out_path=out_path,
            essay_path=essay_path,
            checklist_path=checklist_path,
            lock=lock,
            notices=notices,
            encoding=encoding,
            unchecked=unchecked,
            rest=rest,
        )
    except BaseException:
        lock.release()
        raise


@dataclass
class Resumed:
    """An assessment file resumed: checked against its reader and essay (realigned to an edited
    one) and against the checklist (answers it has no place for set aside)."""

    assessment: Assessment
    notices: list[str]
    changes: ChecklistChanges | None
    data: dict[str, Any]
    """The parsed file, for `PreparedSession.check`."""


def _resume(
    out_path: Path, data: dict[str, Any], existing: Assessment, essay, reader: str, checklist, checklist_sha: str
) -> Resumed:
    """Resume ``existing``, built from ``data`` without pydantic."""
    try:
        notices = resume_problems(out_path, existing, essay, reader)
    except ReadtuiError:
        raise
    except Exception:
        # Data that has the right shape but not valid values (not yet validated): let
        # the validation say what is wrong, in one line per problem.
        assessment_from_data(out_path, data)
        raise
    changes = _checklist_changes(out_path, existing, checklist, checklist_sha)
    if changes is not None:
        notices.append(changes.notice())
    return Resumed(existing, notices, changes, data)


def _resume_file(out_path: Path, essay, reader: str, checklist, checklist_sha: str) -> Resumed:
    """Parse and resume the whole file (after a first frame made from its preview)."""
    data = parse_toml(out_path)
    return _resume(out_path, data, quick_assessment(out_path, data), essay, reader, checklist, checklist_sha)


def _built_preview(out_path: Path) -> tuple[dict[str, Any], Assessment] | None:
    """The preview of an assessment file (`storage.preview_assessment`), parsed and built; None if
    there is none, or if it is wrong (the whole file then says where, in its own places)."""
    data = preview_assessment(out_path)
    if data is None:
        return None
    try:
        return data, quick_assessment(out_path, data)
    except ReadtuiError:
        return None


def _fits_preview(assessment: Assessment, essay, reader: str, checklist, checklist_sha: str) -> bool:
    """Whether the first frame can show the preview of a file as resuming it would: the reader's
    own file, of this essay (the paragraph shown has the hash it had), made with this version of
    this checklist, in the current format, with a record of the paragraph it was left at."""
    record = next((record for record in assessment.paragraph if not record.stale), None)
    return (
        record is not None
        and assessment.reader.name == reader
        and assessment.format != MARKDOWN_SOURCE_FORMAT
        and assessment.essay.paragraphs == len(essay.paragraphs)
        and 1 <= record.index <= len(essay.paragraphs)
        and record.sha256 == essay.paragraph_sha256(record.index - 1)
        and assessment.checklist.id == checklist.id
        and not checklist_changed(assessment.checklist, checklist, checklist_sha)
    )


def _checklist_changes(out_path: Path, assessment, checklist, checklist_sha: str) -> ChecklistChanges | None:
    recorded = assessment.checklist
    if recorded.id != checklist.id:
        raise ReadtuiError(
            out_path,
            f"the assessment uses checklist {recorded.id!r}, not {checklist.id!r}; pass --checklist {recorded.id}",
        )
    changes = checklist_changes(assessment, checklist, checklist_sha)
    if changes is not None and not changes.retired and not changes.highlights:
        # Only then: while the file holds answers this checklist has no place for, it keeps naming
        # the version they were given with (under the same version they would be a broken file).
        recorded.version, recorded.sha256 = checklist.version, checklist_sha
    return changes


def recent_sessions() -> list[dict[str, Any]]:
    """The sessions index, newest first."""
    return read_sessions(sessions_index_path())
