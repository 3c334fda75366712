"""One reader's assessment as the document they hand in (``readtui report``): what to show, computed.

The paragraphs' text comes from the essay (``--essay``, else the ``source`` the file records,
relative to the file, else the bundled sample, each only when its sha256 is the file's); without
it the excerpts the file keeps stand in, and the report says so. A training file's feedback and
score need its answer key (``--key``, else the key the file records, else the bundled one, each
only when its sha256 is the one trained against).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

from readtui.core.assessment import (
    BEFORE,
    ESSAY,
    Answers,
    Assessment,
    Highlight,
    ParagraphRecord,
    checklist_changed,
    checklist_problems,
    essay_problems,
    key_problems,
)
from readtui.core.checklist import Checklist, answer_label, resolve_checklist
from readtui.core.corpus import retire_and_say
from readtui.core.errors import ReadtuiError, ReadtuiErrors
from readtui.core.essay import Essay, load_essay, sample_essay_path
from readtui.core.launch import bundled_key_path
from readtui.core.session import ReadingSession
from readtui.core.storage import file_sha256, load_assessment, load_checklist
from readtui.core.training import Feedback, Trainer
from readtui.core.upgrade import upgrade


@dataclass(frozen=True)
class Mark:
    """A highlight as the report shows it: numbered through the whole report (a footnote)."""

    number: int
    highlight: Highlight
    label: str
    """The label's title (its id when the checklist no longer has it)."""
    slot: int
    """The label's colour slot: its place in the checklist's labels."""


@dataclass(frozen=True)
class Run:
    """A stretch of paragraph text and the marks covering all of it (none: plain text)."""

    text: str
    marks: tuple[Mark, ...]
    ends: tuple[Mark, ...] = ()
    """The marks that end with this stretch (where their footnote goes)."""


@dataclass(frozen=True)
class AnswerLine:
    """One answered (or unsure) item, in words."""

    question: str
    answer: str
    """Option titles, a number or the text; "" when unsure."""
    unsure: bool = False


@dataclass
class Block:
    """Answers, note and unsure marks of a paragraph, the essay or before reading."""

    answers: list[AnswerLine]
    note: str = ""


@dataclass
class ParagraphPart:
    """One paragraph of the report: its text with the highlights, and the reader's work on it."""

    index: int
    runs: list[Run]
    whole: bool
    """False: the text is the excerpt the file keeps (the essay was not found)."""
    marks: list[Mark]
    block: Block
    flagged: bool = False
    stale: bool = False
    """The reader's answers are to an earlier version of this paragraph."""
    stale_marks: list[Mark] = field(default_factory=list)
    """Highlights whose words were not found again in an edited essay: listed, not marked."""
    feedback: Feedback | None = None


@dataclass
class Summary:
    """What the reader answered, marked unsure, flagged and left out (required items unanswered)."""

    answered: int
    unsure: int
    flagged: int
    left_out: int
    highlights: int
    paragraphs: int
    paragraphs_with_work: int


@dataclass
class HandIn:
    """Everything ``readtui report`` shows of one assessment."""

    path: Path
    assessment: Assessment
    checklist: Checklist
    title: str
    author: str
    date: str
    paragraphs: list[ParagraphPart]
    overall: Block
    before: Block | None
    summary: Summary
    labels: list[tuple[str, str, int]]
    """The labels used: (title, help, colour slot), in checklist order."""
    trainer: Trainer | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def whole_text(self) -> bool:
        """Whether the paragraphs are the essay's (else the file's excerpts)."""
        return all(part.whole for part in self.paragraphs)

    @property
    def training(self) -> bool:
        return self.assessment.training is not None

    def feedback_for_essay(self) -> Feedback | None:
        """The key's feedback on the overall answers (training files, key found)."""
        return self.trainer.feedback(ESSAY) if self.trainer and self.trainer.checked(ESSAY) else None


def load_handin(
    path: Path,
    *,
    essay_path: Path | None = None,
    key_path: Path | None = None,
    checklist_spec: str | None = None,
    encoding: str | None = None,
) -> HandIn:
    """Load and check an assessment, its checklist, essay and key; raise ReadtuiError(s) for bad input.

    An essay or key that cannot be found is a warning (in ``warnings``), not an error; one given
    with ``--essay`` or ``--key`` must fit the file."""
    path = Path(path)
    assessment = load_assessment(path)
    checklist_path = resolve_checklist(checklist_spec, checklist_id=assessment.checklist.id, beside=path)
    checklist = load_checklist(checklist_path)
    changed = checklist_changed(assessment.checklist, checklist, file_sha256(checklist_path))
    warnings = retire_and_say(path, assessment, checklist) if changed else []
    problems = checklist_problems(path, assessment, checklist, changed=changed)
    if problems:
        raise ReadtuiErrors(problems)
    essay = _find_essay(path, assessment, essay_path, encoding, warnings)
    if essay is not None:
        upgrade(assessment, essay)
        problems = essay_problems(path, assessment, essay)
        if problems:
            raise ReadtuiErrors(problems)
    session = ReadingSession(essay or _excerpts(assessment), checklist, assessment)
    trainer = (
        _trainer(path, session, key_path, essay is not None, warnings) if assessment.training is not None else None
    )
    return _build(path, session, essay is not None, trainer, warnings)


def _find_essay(
    path: Path, assessment: Assessment, given: Path | None, encoding: str | None, warnings: list[str]
) -> Essay | None:
    if given is not None:
        essay = load_essay(given, encoding=encoding)
        if essay.sha256 != assessment.essay.sha256:
            raise ReadtuiError(given, f"is not the essay {path.name} assesses (sha256 differs)")
        return essay
    candidates = [path.parent / assessment.essay.source] if assessment.essay.source else []
    for candidate in [*candidates, sample_essay_path()]:
        try:
            essay = load_essay(candidate, encoding=encoding)
        except ReadtuiError:
            continue
        if essay.sha256 == assessment.essay.sha256:
            return essay
    recorded = f" ({assessment.essay.source})" if assessment.essay.source else ""
    warnings.append(
        f"{path}: the essay{recorded} was not found: the report shows the excerpts the file keeps; "
        "give --essay PATH for the whole text"
    )
    return None


def _excerpts(assessment: Assessment) -> Essay:
    """A stand-in essay of the file's excerpts, for a report without the essay."""
    records = {r.index: r for r in assessment.paragraph}
    count = assessment.essay.paragraphs  # no record is past it (checked)
    return Essay(paragraphs=[records[i].excerpt if i in records else "" for i in range(1, count + 1)])


def _trainer(
    path: Path, session: ReadingSession, given: Path | None, whole: bool, warnings: list[str]
) -> Trainer | None:
    training = session.assessment.training
    candidates = [given] if given is not None else []
    if given is None and training.key:
        candidates.append(path.parent / training.key)
    if given is None:
        candidates.append(bundled_key_path())
    for candidate in candidates:
        try:
            sha = file_sha256(candidate)
        except OSError as error:
            if candidate is given:
                raise ReadtuiError(given, f"cannot be read: {error.strerror}") from None
            continue
        if sha != training.key_sha256:
            if candidate == given:
                raise ReadtuiError(given, f"is not the answer key {path.name} was trained against (sha256 differs)")
            continue
        key = load_assessment(candidate)
        if whole:
            upgrade(key, session.essay)  # only in memory: the key is never written
        problems = key_problems(candidate, key, session.assessment.essay.sha256, session.checklist.id)
        if problems:
            raise ReadtuiErrors(problems)
        return Trainer(session, key, sha, training.key)
    warnings.append(
        f"{path}: the answer key ({training.key or 'not recorded'}) was not found: "
        "the report leaves out the score and the key's feedback; give --key PATH"
    )
    return None


# --- what to show ----------------------------------------------------------------------------


def _build(path: Path, session: ReadingSession, whole: bool, trainer: Trainer | None, warnings: list[str]) -> HandIn:
    assessment, checklist = session.assessment, session.checklist
    slots = {label_id: n for n, label_id in enumerate(checklist.labels)}
    numbers = itertools.count(1)

    def mark(highlight: Highlight) -> Mark:
        label = checklist.labels.get(highlight.label)
        slot = slots.setdefault(highlight.label, len(slots))
        return Mark(next(numbers), highlight, label.title if label else highlight.label, slot)

    parts = []
    records = {r.index: r for r in assessment.paragraph if not r.stale}
    stale = {r.index: r for r in assessment.paragraph if r.stale}
    for index in range(1, session.paragraph_count + 1):
        record = records.get(index) or stale.get(index)
        text = session.text(index)
        live = [h for h in record.highlight if not h.stale and not record.stale] if record and whole else []
        marks = [mark(h) for h in live]
        other = [mark(h) for h in record.highlight if h not in live] if record else []
        feedback = trainer.feedback(index) if trainer and trainer.checked(index) else None
        parts.append(
            ParagraphPart(
                index=index,
                runs=runs(text, marks),
                whole=whole,
                marks=marks,
                block=_block(checklist, record, "paragraph"),
                flagged=bool(record and record.flagged),
                stale=bool(record and record.stale),
                stale_marks=other,
                feedback=feedback,
            )
        )
    used = {m.highlight.label for part in parts for m in [*part.marks, *part.stale_marks]}
    labels = [(label.title, label.help, slots[label.id]) for label in checklist.labels.values() if label.id in used] + [
        (label_id, "", slots[label_id]) for label_id in slots if label_id in used and label_id not in checklist.labels
    ]
    before = _block(checklist, assessment.before, BEFORE) if checklist.items_in(BEFORE) else None
    info = assessment.essay
    essay = session.essay
    return HandIn(
        path=path,
        assessment=assessment,
        checklist=checklist,
        title=info.title or essay.title,
        author=info.author or essay.author,
        date=info.date or essay.date,
        paragraphs=parts,
        overall=_block(checklist, assessment.overall, "essay"),
        before=before,
        summary=_summary(session, parts),
        labels=labels,
        trainer=trainer,
        warnings=warnings,
    )


def _block(checklist: Checklist, record: Answers | None, scope: str) -> Block:
    """The answered and unsure items of ``record``, in checklist order, in words."""
    if record is None:
        return Block([])
    lines = []
    for _, items in checklist.items_in(scope):
        for item in items:
            if item.id in record.unsure:
                lines.append(AnswerLine(item.prompt, "", unsure=True))
            elif item.id in record.answers:
                lines.append(AnswerLine(item.prompt, answer_label(item, record.answers[item.id])))
    return Block(lines, record.note)


def _summary(session: ReadingSession, parts: list[ParagraphPart]) -> Summary:
    assessment = session.assessment
    records: list[Answers] = [r for r in assessment.paragraph if not r.stale]
    records += [assessment.overall, assessment.before]
    return Summary(
        answered=sum(len(r.answers) for r in records),
        unsure=sum(len(r.unsure) for r in records),
        flagged=sum(1 for part in parts if part.flagged),
        left_out=len(session.unanswered_required()),
        highlights=sum(len(part.marks) + len(part.stale_marks) for part in parts),
        paragraphs=session.paragraph_count,
        paragraphs_with_work=sum(1 for r in assessment.paragraph if not r.stale and _has_work(r)),
    )


def _has_work(record: ParagraphRecord) -> bool:
    return bool(record.answers or record.unsure or record.note or record.flagged or record.highlight)


def runs(text: str, marks: list[Mark]) -> list[Run]:
    """``text`` cut wherever a highlight starts or ends: overlapping highlights give stretches
    covered by both, each stretch knowing every mark over it."""
    cuts = sorted({0, len(text), *(m.highlight.start for m in marks), *(m.highlight.end for m in marks)})
    cuts = [c for c in cuts if 0 <= c <= len(text)]
    found = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        over = tuple(m for m in marks if m.highlight.start <= start and end <= m.highlight.end)
        ends = tuple(m for m in over if m.highlight.end == end)
        found.append(Run(text[start:end], over, ends))
    return found
