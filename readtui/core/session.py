"""A reading session: the assessment being edited, and every change a reader can make.

The app is a thin layer over this class; tests drive it directly too.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass
from typing import Any

from readtui import __version__
from readtui.core.assessment import (
    BEFORE,
    ESSAY,
    Answers,
    Assessment,
    ChecklistInfo,
    EssayInfo,
    Highlight,
    ParagraphRecord,
    Reader,
    excerpt,
    utc_now,
)
from readtui.core.checklist import Checklist, ChoiceItem, MultiItem, ScaleItem, TextItem
from readtui.core.versions import ChecklistChanges

Target = int | str | None
"""Where an answer goes: a 1-based paragraph index, ESSAY for the essay as a whole, or BEFORE
for the before-reading questions."""

UNVISITED, STARTED, COMPLETE = "unvisited", "started", "complete"
UNDO_DEPTH = 200


@dataclass(frozen=True)
class Change:
    """What a change touched, so the screen knows what to redraw."""

    target: Target


def _by_index(assessment: Assessment) -> dict[int, ParagraphRecord]:
    """The records by paragraph: the live one where a stale one has the same index."""
    records = {record.index: record for record in assessment.paragraph if not record.stale}
    for record in assessment.paragraph:
        if record.stale:
            records.setdefault(record.index, record)
    return records


class ReadingSession:
    """The essay, the checklist and the assessment being written, with the reader's actions."""

    def __init__(self, essay, checklist: Checklist, assessment: Assessment) -> None:
        self.essay = essay
        self.checklist = checklist
        self.assessment = assessment
        self._records = _by_index(assessment)
        self.preview = False
        """Whether ``assessment`` is the preview of a long file (only the paragraph it was left at),
        until `adopt` gives the whole of it: the first frame is drawn from it, nothing more."""
        self._undo: list[tuple[Target, Answers]] = []
        self.paragraph_items = [item for _, items in checklist.items_in("paragraph") for item in items]
        self.essay_items = [item for _, items in checklist.items_in("essay") for item in items]
        self._required_paragraph = [item.id for item in self.paragraph_items if item.required]
        self._required_set = frozenset(self._required_paragraph)
        self._required_essay = [item.id for item in self.essay_items if item.required]
        self.changes: ChecklistChanges | None = None
        """Set on resuming a file made with another version of the checklist."""
        self.before_items = [item for _, items in checklist.items_in("before") for item in items]
        self._required_before = [item.id for item in self.before_items if item.required]

    def adopt(self, assessment: Assessment, changes: ChecklistChanges | None) -> None:
        """Go on with ``assessment``, the whole file, in place of the preview it was opened with."""
        self.assessment = assessment
        self._records = _by_index(assessment)
        self.changes = changes
        self.preview = False

    # --- reading state ---------------------------------------------------------------------

    @property
    def paragraph_count(self) -> int:
        return len(self.essay.paragraphs)

    def identify(self) -> None:
        """Record the essay's sha256 in the assessment, if it is not there yet (see `new_assessment`)."""
        if not self.assessment.essay.sha256:
            self.assessment.essay.sha256 = self.essay.sha256

    @property
    def position(self) -> int:
        """The 1-based paragraph on screen."""
        return self.assessment.session.position

    def text(self, index: int) -> str:
        """The normalised text of paragraph ``index`` (1-based)."""
        return self.essay.paragraphs[index - 1]

    def record(self, index: int) -> ParagraphRecord | None:
        """The reader's record of paragraph ``index``, if there is one."""
        return self._records.get(index)

    def answers(self, target: Target) -> Answers:
        """Answers for a paragraph (an empty record if none yet) or for the essay."""
        if target is ESSAY:
            return self.assessment.overall
        if target == BEFORE:
            return self.assessment.before
        return self._records.get(target) or self._new_record(target)

    def paragraph_state(self, index: int) -> str:
        """``unvisited``, ``started`` or ``complete`` (every required item answered or unsure)."""
        record = self._records.get(index)
        if record is None or not record.has_content():
            return UNVISITED
        if record.stale:
            return STARTED  # answers to text that has since changed: to be reviewed
        # Set operations in C: the progress strip asks this of every answered paragraph on each key.
        missing = self._required_set - record.answers.keys()
        if not missing or missing.issubset(record.unsure):
            return COMPLETE
        return STARTED

    def paragraph_states(self) -> dict[int, str]:
        """The state of every paragraph that is not unvisited; flagged ones read ``flagged``."""
        states = {}
        for index, record in self._records.items():
            state = "flagged" if record.flagged else self.paragraph_state(index)
            if state != UNVISITED:
                states[index] = state
        return states

    def is_flagged(self, index: int) -> bool:
        record = self._records.get(index)
        return record is not None and record.flagged

    def is_stale(self, index: int) -> bool:
        record = self._records.get(index)
        return record is not None and record.stale

    def answered_paragraphs(self) -> int:
        """How many paragraphs have every required item answered."""
        return sum(1 for index in self._records if self.paragraph_state(index) == COMPLETE)

    def unanswered_required(self) -> list[tuple[Target, str]]:
        """Every (BEFORE, paragraph or ESSAY, item id) still needing an answer, in reading order."""
        missing: list[tuple[Target, str]] = [
            (BEFORE, item_id) for item_id in self._required_before if not self.assessment.before.is_answered(item_id)
        ]
        for index in range(1, self.paragraph_count + 1):
            record = self._records.get(index)
            for item_id in self._required_paragraph:
                if record is None or record.stale or not record.is_answered(item_id):
                    missing.append((index, item_id))
        missing += [
            (ESSAY, item_id) for item_id in self._required_essay if not self.assessment.overall.is_answered(item_id)
        ]
        return missing

    def opens_before_reading(self) -> bool:
        """Whether the session starts on the before-reading questions: the checklist has some, and
        the reader has done nothing yet (no answer, note or reading time, still at ¶ 1), as in a
        new session; any other session opens where the reader was."""
        assessment = self.assessment
        return bool(self.before_items) and not (
            assessment.paragraph
            or assessment.before.has_content()
            or assessment.overall.answers
            or assessment.overall.unsure
            or assessment.overall.note
            or assessment.session.position != 1
        )

    def reading_started(self) -> bool:
        """Whether the reader has begun answering the essay (a paragraph or the essay as a whole)."""
        overall = self.assessment.overall
        return bool(overall.answers or overall.unsure) or any(
            record.answers or record.unsure or record.highlight for record in self._records.values()
        )

    def answer_counts(self) -> dict[str, Counter]:
        """For each paragraph item, how often each answer was given (multi: each option ticked)."""
        counts: dict[str, Counter] = {item.id: Counter() for item in self.paragraph_items}
        for record in self._records.values():
            for item_id, value in record.answers.items():
                if item_id in counts:
                    counts[item_id].update(value if isinstance(value, list) else [value])
                    if value == []:
                        counts[item_id]["none of these"] += 1
            for item_id in record.unsure:
                if item_id in counts:
                    counts[item_id]["unsure"] += 1
        return counts

    def text_answers(self, item_id: str) -> list[tuple[int, str]]:
        """Each paragraph's answer to a text item, as (paragraph, text), in essay order."""
        answers = ((index, self._records[index].answers.get(item_id)) for index in sorted(self._records))
        return [(index, text) for index, text in answers if isinstance(text, str)]

    def flagged_paragraphs(self) -> list[int]:
        return sorted(index for index, record in self._records.items() if record.flagged)

    # --- changes ---------------------------------------------------------------------------

    def go_to(self, index: int) -> None:
        """Move to paragraph ``index`` (clamped to the essay)."""
        self.assessment.session.position = max(1, min(index, self.paragraph_count))

    def choose(self, target: Target, item: Any, digit: int) -> bool:
        """Digit key ``digit`` on ``item``: pick an option or scale value, toggle a multi option."""
        if isinstance(item, ChoiceItem):
            if 1 <= digit <= len(item.options):
                return self.set_answer(target, item.id, item.options[digit - 1].id)
        elif isinstance(item, MultiItem):
            if digit == 0:
                return self.set_answer(target, item.id, [])
            if 1 <= digit <= len(item.options):
                return self.toggle_option(target, item, item.options[digit - 1].id)
        elif isinstance(item, ScaleItem):
            value = item.value_for_key(digit)
            if value is not None:
                return self.set_answer(target, item.id, value)
        return False

    def toggle_option(self, target: Target, item: MultiItem, option_id: str) -> bool:
        """Tick or untick one option of a multi item; unticking the last one clears the answer."""
        current = self.answers(target).answers.get(item.id)
        ticked = list(current) if isinstance(current, list) else []
        if option_id in ticked:
            ticked.remove(option_id)
            return self.set_answer(target, item.id, ticked or None)
        order = [option.id for option in item.options]
        return self.set_answer(target, item.id, sorted([*ticked, option_id], key=order.index))

    def set_answer(self, target: Target, item_id: str, value: Any, *, undoable: bool = True) -> bool:
        """Set (or with None, clear) an answer; an answer replaces an unsure mark."""
        record = self.answers(target)
        unchanged = record.answers.get(item_id) == value and item_id not in record.unsure
        if isinstance(target, int) and self.is_stale(target):
            unchanged = False  # choosing the same answer again confirms it for the edited text
        if unchanged or (value is None and not record.is_answered(item_id)):
            return False
        self._before_change(target, undoable)
        record = self.answers(target)
        if value is None:
            record.answers.pop(item_id, None)
        else:
            record.answers[item_id] = value
        if item_id in record.unsure:
            record.unsure.remove(item_id)
        self._mark_when(target, item_id)
        return self._after_change(target)

    def clear(self, target: Target, item_id: str) -> bool:
        """Remove the answer and any unsure mark."""
        return self.set_answer(target, item_id, None)

    def toggle_unsure(self, target: Target, item_id: str) -> bool:
        """Mark the item unsure (dropping its answer), or unmark it."""
        self._before_change(target, True)
        record = self.answers(target)
        if item_id in record.unsure:
            record.unsure.remove(item_id)
        else:
            record.answers.pop(item_id, None)
            record.unsure.append(item_id)
        self._mark_when(target, item_id)
        return self._after_change(target)

    def set_text(self, target: Target, item: TextItem, text: str, *, undoable: bool = True) -> bool:
        """Set a text item's answer; blank text clears it."""
        return self.set_answer(target, item.id, text if text.strip() else None, undoable=undoable)

    def set_note(self, target: Target, text: str, *, undoable: bool = True) -> bool:
        """Set the paragraph's (or the essay's) note."""
        if self.answers(target).note == text:
            return False
        self._before_change(target, undoable)
        self.answers(target).note = text
        return self._after_change(target)

    def toggle_flag(self, index: int) -> bool:
        """Flag or unflag a paragraph (to come back to it)."""
        self._before_change(index, True)
        record = self.answers(index)
        record.flagged = not record.flagged
        return self._after_change(index)

    def add_highlight(self, index: int, start: int, end: int, label: str, note: str = "") -> Highlight:
        """Mark ``text[start:end]`` of paragraph ``index`` with ``label``."""
        text = self.text(index)
        if not 0 <= start < end <= len(text):
            raise ValueError(f"no text at {start}–{end} in a paragraph of {len(text)} characters")
        self._before_change(index, True)
        highlight = Highlight(start=start, end=end, label=label, quote=text[start:end], note=note)
        record = self.answers(index)
        record.highlight.append(highlight)
        record.highlight.sort(key=lambda h: (h.start, h.end))
        self._after_change(index)
        return highlight

    def edit_highlight(
        self, index: int, number: int, *, label: str | None = None, note: str | None = None, undoable: bool = True
    ) -> bool:
        """Change the label or note of highlight ``number`` (0-based, in text order) of paragraph ``index``."""
        self._before_change(index, undoable)
        highlight = self.answers(index).highlight[number]
        if label is not None:
            highlight.label = label
        if note is not None:
            highlight.note = note
        return self._after_change(index)

    def remove_highlight(self, index: int, number: int) -> bool:
        """Delete highlight ``number`` (0-based, in text order) of paragraph ``index``."""
        self._before_change(index, True)
        del self.answers(index).highlight[number]
        return self._after_change(index)

    def highlights_by_label(self) -> dict[str, list[tuple[int, Highlight]]]:
        """Every highlight of the essay as (paragraph, highlight), grouped by label in checklist order."""
        grouped: dict[str, list[tuple[int, Highlight]]] = {label: [] for label in self.checklist.labels}
        for index in sorted(self._records):
            for highlight in self._records[index].highlight:
                grouped.setdefault(highlight.label, []).append((index, highlight))
        return {label: found for label, found in grouped.items() if found}

    def evidence_wanted(self, index: int) -> dict[str, list[str]]:
        """Items of paragraph ``index`` answered with options that claim a problem, with the labels
        of the highlights that would show it and that the paragraph does not have yet."""
        record = self._records.get(index)
        if record is None:
            return {}
        shown = {highlight.label for highlight in record.highlight}
        wanted = {}
        for item in self.paragraph_items:
            options = getattr(item, "options", None)
            value = record.answers.get(item.id)
            if options is None or value is None:
                continue
            chosen = set(value) if isinstance(value, list) else {value}
            labels = (option.wanted_label(item.evidence) for option in options if option.id in chosen)
            missing = list(dict.fromkeys(label for label in labels if label is not None and label not in shown))
            if missing:
                wanted[item.id] = missing
        return wanted

    def remember(self, target: Target) -> None:
        """Record an undo point now, e.g. when a text edit starts (its keystrokes are not undone one by one)."""
        self._undo.append((target, copy.deepcopy(self.answers(target))))
        del self._undo[:-UNDO_DEPTH]

    def undo(self) -> Change | None:
        """Undo the last change to an answer, flag or note."""
        if not self._undo:
            return None
        target, previous = self._undo.pop()
        if target is ESSAY:
            self.assessment.overall = previous
        elif target == BEFORE:
            self.assessment.before = previous
        else:
            current = self._records.get(target)
            if current is not None:
                previous.seconds = current.seconds  # reading time is not an answer: undo keeps it
            self._store(previous)
        self._after_change(target)
        return Change(target)

    def add_seconds(self, seconds: int) -> None:
        """Count reading time on the current paragraph (not an undoable change)."""
        record = self.answers(self.position)
        self._store(record)
        record.seconds += seconds
        self.assessment.session.seconds += seconds

    def finish(self) -> list[tuple[Target, str]]:
        """Mark the assessment complete if nothing required is missing; returns what is missing."""
        missing = self.unanswered_required()
        if not missing:
            self.assessment.session.status = "complete"
            self._touch()
        return missing

    # --- internals -------------------------------------------------------------------------

    def _new_record(self, index: int) -> ParagraphRecord:
        text = self.text(index)
        return ParagraphRecord(
            index=index, sha256=self.essay.paragraph_sha256(index - 1), chars=len(text), excerpt=excerpt(text)
        )

    def _store(self, record: ParagraphRecord) -> None:
        current = self._records.get(record.index)
        if current is record:
            return
        paragraphs = self.assessment.paragraph
        if current is not None and not current.stale:
            paragraphs.remove(current)
        self._records[record.index] = record
        paragraphs.append(record)

    def _mark_when(self, target: Target, item_id: str) -> None:
        """Record a before-reading answer given (or changed) once reading had begun; a cleared one
        is no longer listed."""
        if target != BEFORE:
            return
        before = self.assessment.before
        late = self.reading_started() and before.is_answered(item_id)
        if item_id in before.after_reading:
            before.after_reading.remove(item_id)
        if late:
            before.after_reading.append(item_id)

    def _before_change(self, target: Target, undoable: bool) -> None:
        if undoable:
            self.remember(target)
        if isinstance(target, int):
            record = self.answers(target)
            if record.stale:
                # The reader is now answering the edited paragraph: the record is current again.
                fresh = self._new_record(target)
                record.sha256, record.chars, record.excerpt = fresh.sha256, fresh.chars, fresh.excerpt
                record.stale = False
            self._store(record)

    def _after_change(self, target: Target) -> bool:
        if isinstance(target, int):
            record = self._records[target]
            if not record.has_content():
                self._records.pop(target)
                self.assessment.paragraph.remove(record)
        if self.assessment.session.status == "complete" and self._misses_required(target):
            self.assessment.session.status = "in-progress"
        self._touch()
        return True

    def _misses_required(self, target: Target) -> bool:
        """Whether ``target`` lacks a required answer: after a change to a complete assessment
        only the changed target needs looking at, not every paragraph of the essay."""
        if target is ESSAY:
            return not all(self.assessment.overall.is_answered(item_id) for item_id in self._required_essay)
        if target == BEFORE:
            return not all(self.assessment.before.is_answered(item_id) for item_id in self._required_before)
        return bool(self._required_paragraph) and self.paragraph_state(target) != COMPLETE

    def _touch(self) -> None:
        self.assessment.session.updated = utc_now()


# --- opening ---------------------------------------------------------------------------------


def new_assessment(
    essay, checklist: Checklist, checklist_sha256: str, reader: str, source: str, *, identify: bool = True
) -> Assessment:
    """An empty assessment of ``essay`` by ``reader``.

    With ``identify=False`` the essay's sha256 is left for `ReadingSession.identify` (hashing a
    long essay means normalising every paragraph: the app does it after the first frame).
    """
    return Assessment(
        created_by=f"readtui {__version__}",
        reader=Reader(name=reader),
        essay=EssayInfo(
            title=essay.title,
            author=essay.author,
            date=essay.date,
            source=source,
            sha256=essay.sha256 if identify else "",
            paragraphs=len(essay.paragraphs),
        ),
        checklist=ChecklistInfo(id=checklist.id, version=checklist.version, sha256=checklist_sha256),
    )
