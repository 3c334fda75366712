"""Training against an answer key: feedback per paragraph, first tries and revisions.

A `Trainer` sits beside the learner's `ReadingSession`. Checking a paragraph keeps the answers
given so far as the first try, scores them, and marks the feedback as shown; later changes to
those items are revisions. Everything lands in the learner's ``[training]`` table; the key is
only read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from readtui.core.assessment import ESSAY, Answers, Assessment, Highlight, Training, TrainingRecord
from readtui.core.scoring import ItemResult, Scorecard, compare_answers, keyed_items, scorecard, span_matches
from readtui.core.session import ReadingSession, Target


@dataclass
class Feedback:
    """What the learner sees after checking a paragraph."""

    items: list[ItemResult]
    """At the first try (what the score counts)."""
    now: dict[str, ItemResult]
    """Revised items as they stand now."""
    spans: list[tuple[Highlight, bool]]
    """The key's highlights, and whether the learner marked each (overlapping, same label)."""
    extra: list[Highlight]
    """The learner's highlights that overlap none of the key's with their label."""
    open_items: list[Any] = field(default_factory=list)
    """Items the key neither answers nor sets aside (a tie left open, say): not scored here."""

    @property
    def credit(self) -> tuple[float, int]:
        """First-try credit and the number of items scored."""
        scored = [r.credit for r in self.items if r.credit is not None]
        return sum(scored), len(scored)


class Trainer:
    """The learner's progress against ``key``, kept in the learner's assessment."""

    def __init__(self, session: ReadingSession, key: Assessment, key_sha256: str, key_name: str) -> None:
        self.session = session
        self.key = key
        assessment = session.assessment
        if assessment.training is None:
            assessment.training = Training(key=key_name, key_sha256=key_sha256)
        self.training = assessment.training
        self._key_records = {r.index: r for r in key.paragraph if not r.stale}

    def key_record(self, target: Target) -> Answers | None:
        """The key's answers for a paragraph, or for ESSAY."""
        return self.key.overall if target is ESSAY else self._key_records.get(target)

    def record(self, target: Target) -> TrainingRecord | None:
        """The learner's training record for a paragraph, or for ESSAY, if there is one."""
        return self.training.record(target)

    def checked(self, target: Target) -> bool:
        """Whether the feedback for ``target`` has been shown."""
        record = self.record(target)
        return record is not None and record.feedback

    def has_key(self, target: Target) -> bool:
        """Whether the key answers anything in ``target`` (else there is nothing to check)."""
        record = self.key_record(target)
        return record is not None and bool(record.answers or getattr(record, "highlight", None))

    def _scope(self, target: Target) -> str:
        return "essay" if target is ESSAY else "paragraph"

    def check(self, target: Target) -> Feedback:
        """Show the feedback for ``target``: the current answers become the first try and are scored."""
        record = self.record(target)
        if record is None:
            record = TrainingRecord.for_target(target)
            self.training.paragraph.append(record)
            self.training.paragraph.sort(key=lambda r: r.index)
        if not record.feedback:
            record.feedback = True
            record.first_try = dict(self.session.answers(target).answers)
            results = self._results(target, record.first_try)
            record.score = {r.item.id: round(r.credit, 4) for r in results if r.credit is not None}
        return self.feedback(target)

    def _results(self, target: Target, answers: dict[str, Any]) -> list[ItemResult]:
        return compare_answers(
            self.session.checklist, self.key_record(target), answers, self._scope(target), self.key.key
        )

    def feedback(self, target: Target) -> Feedback:
        """The feedback for a checked paragraph: first try, revisions as they stand, the key's spans."""
        record = self.record(target)
        first_try = record.first_try if record else {}
        current = self.session.answers(target).answers
        now = {r.item.id: r for r in self._results(target, current) if record and r.item.id in record.revised}
        key_record = self.key_record(target)
        highlights = getattr(key_record, "highlight", []) if key_record else []
        mine = self.session.answers(target).highlight if target is not ESSAY else []
        extra = [h for h, found in span_matches(mine, highlights) if not found]
        scope = self._scope(target)
        keyed = {item.id for item in keyed_items(self.session.checklist, key_record, scope)}
        in_scope = [item for _, items in self.session.checklist.items_in(scope) for item in items]
        open_items = [item for item in in_scope if item.id not in keyed and item.kind != "text"]
        results = self._results(target, first_try)
        return Feedback(results, now, span_matches(highlights, mine), extra, open_items)

    def note_changes(self, target: Target) -> None:
        """After the feedback, an item answered differently from the first try is revised."""
        record = self.record(target)
        if record is None or not record.feedback:
            return
        current = self.session.answers(target).answers
        changed = {
            item_id
            for item_id in {*record.first_try, *current}
            if current.get(item_id) != record.first_try.get(item_id)
        }
        if changed - set(record.revised):
            record.revised = sorted(set(record.revised) | changed)

    def checked_targets(self) -> list[Target]:
        """The paragraphs (and the essay, ESSAY) whose feedback has been shown, in order."""
        return [record.target for record in self.training.paragraph if record.feedback]

    def scorecard(self, *, so_far: bool = False) -> Scorecard:
        """The learner's first-try score: of everything (unchecked paragraphs count their current
        answers), or ``so_far``, of the paragraphs checked against the key."""
        only = set(self.checked_targets()) if so_far else None
        return scorecard(self.key, self.session.assessment, self.session.checklist, only=only)
