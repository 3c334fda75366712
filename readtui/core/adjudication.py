"""``readtui adjudicate``: settle several readers' assessments into an answer key.

An item is agreed when at least two readers answered it and everyone who answered gave the same
answer (unsure and unanswered do not count); agreed answers go into the key as they are. Every
other item someone answered is a dispute for the instructor: pick an answer, enter another, or
mark it "no consensus", or take the majority. Highlights that two or more readers marked with the
same bounds and label go into the key too. The key is an ordinary assessment, saved atomically
after every decision, so adjudication can stop and resume at any point; its answers are kept in
checklist order.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from readtui import __version__
from readtui.core.assessment import (
    ESSAY,
    Answers,
    Assessment,
    ChecklistInfo,
    Highlight,
    KeyInfo,
    ParagraphRecord,
    Reader,
    checklist_problems,
)
from readtui.core.checklist import Checklist, ChoiceItem, MultiItem, ScaleItem
from readtui.core.corpus import ComparisonInput, EssayGroup, ReaderFile, load_comparison, real_path
from readtui.core.errors import ReadtuiError, ReadtuiErrors
from readtui.core.storage import load_assessment

PER_OPTION, WHOLE_SET = "per-option", "whole-set"
"""How a multi item's majority is taken: each option on its own (the default), or the whole set."""
MULTI_RULES = (PER_OPTION, WHOLE_SET)


def same_answer(item: Any, first: Any, second: Any) -> bool:
    """Whether two answers are the same (a multi item's ticks in any order)."""
    if isinstance(item, MultiItem):
        return set(first) == set(second)
    return first == second


@dataclass
class Dispute:
    """An item of one paragraph (or of the essay) the readers did not agree on."""

    index: int | None
    """The paragraph, or ESSAY."""
    item: Any
    answers: dict[str, Any]
    """Reader → answer, for the readers who answered."""
    unsure: list[str]

    @property
    def choices(self) -> list[tuple[Any, list[str]]]:
        """The distinct answers given, each with its readers, the most given first."""
        grouped: list[tuple[Any, list[str]]] = []
        for reader, answer in self.answers.items():
            for given, readers in grouped:
                if same_answer(self.item, given, answer):
                    readers.append(reader)
                    break
            else:
                grouped.append((answer, [reader]))
        return sorted(grouped, key=lambda pair: -len(pair[1]))

    def ticks(self) -> list[tuple[Any, int]]:
        """A multi item's options, each with how many of the readers who answered ticked it."""
        return [(option, sum(option.id in answer for answer in self.answers.values())) for option in self.item.options]

    def tied_options(self) -> list[Any]:
        """A multi item's options that exactly half of the readers who answered ticked."""
        return [option for option, ticked in self.ticks() if 2 * ticked == len(self.answers)]

    def majority(self, rule: str = PER_OPTION) -> Any | None:
        """The majority answer, None on a tie or when fewer than two readers answered.

        Choice and scale items, and multi items by ``WHOLE_SET``: the answer two or more readers
        gave and more than gave any other. Multi items by ``PER_OPTION``: every option ticked by
        more than half of the readers who answered (unsure and unanswered do not vote), None when
        an option splits them evenly."""
        if rule == PER_OPTION and isinstance(self.item, MultiItem):
            if len(self.answers) < 2 or self.tied_options():
                return None
            return [option.id for option, ticked in self.ticks() if 2 * ticked > len(self.answers)]
        choices = self.choices
        if not choices or len(choices[0][1]) < 2:
            return None
        if len(choices) > 1 and len(choices[1][1]) == len(choices[0][1]):
            return None
        return choices[0][0]


@dataclass
class Adjudication:
    """The readers' files, the disputes among them, and the key being written."""

    group: EssayGroup
    checklist: Checklist
    key: Assessment
    disputes: list[Dispute] = field(default_factory=list)
    agreed: int = 0
    """Answers taken into the key because everyone who answered agreed."""
    warnings: list[str] = field(default_factory=list)
    multi_rule: str = PER_OPTION
    """How `fill_majority` takes a multi item's majority: PER_OPTION or WHOLE_SET."""

    def record(self, index: int | None) -> Answers:
        """The key's record for ``index`` (created when missing; ESSAY: ``[overall]``)."""
        if index is ESSAY:
            return self.key.overall
        for record in self.key.paragraph:
            if record.index == index and not record.stale:
                return record
        record = _blank_record(self.group, index)
        self.key.paragraph.append(record)
        self.key.paragraph.sort(key=lambda r: r.index)
        return record

    def decision(self, dispute: Dispute) -> tuple[str, Any]:
        """("answer", value), ("no-consensus", None) or ("open", None)."""
        record = self.record(dispute.index)
        if dispute.item.id in record.no_consensus:
            return "no-consensus", None
        if dispute.item.id in record.answers:
            return "answer", record.answers[dispute.item.id]
        return "open", None

    def decided(self, dispute: Dispute) -> bool:
        return self.decision(dispute)[0] != "open"

    @property
    def open_disputes(self) -> list[Dispute]:
        return [d for d in self.disputes if not self.decided(d)]

    def decide(self, dispute: Dispute, answer: Any) -> None:
        """Put ``answer`` in the key (instead of any earlier decision)."""
        self._answer(dispute, answer)
        self._update_status()

    def _answer(self, dispute: Dispute, answer: Any) -> None:
        record = self.record(dispute.index)
        record.no_consensus = [i for i in record.no_consensus if i != dispute.item.id]
        record.answers[dispute.item.id] = in_option_order(dispute.item, answer)
        self._tidy(record)

    def set_no_consensus(self, dispute: Dispute) -> None:
        """The item has no right answer in the key: scoring skips it."""
        record = self.record(dispute.index)
        record.answers.pop(dispute.item.id, None)
        if dispute.item.id not in record.no_consensus:
            record.no_consensus.append(dispute.item.id)
        self._tidy(record)
        self._update_status()

    def reopen(self, dispute: Dispute) -> None:
        """Undo the decision on ``dispute``."""
        self._reopen(dispute)
        self._update_status()

    def reopen_unchanged(self, decided: list[tuple[Dispute, Any]]) -> int:
        """Reopen each dispute still decided with the answer given (as `fill_majority` decided
        it, say); how many were."""
        reopened = [dispute for dispute, answer in decided if self.decision(dispute) == ("answer", answer)]
        for dispute in reopened:
            self._reopen(dispute)
        self._update_status()
        return len(reopened)

    def _reopen(self, dispute: Dispute) -> None:
        record = self.record(dispute.index)
        record.answers.pop(dispute.item.id, None)
        record.no_consensus = [i for i in record.no_consensus if i != dispute.item.id]

    def explanation(self, dispute: Dispute) -> str:
        return self.record(dispute.index).explain.get(dispute.item.id, "")

    def explain(self, dispute: Dispute, text: str) -> bool:
        """Set the explanation learners will read (empty: none); whether it changed."""
        record = self.record(dispute.index)
        if record.explain.get(dispute.item.id, "") == text:
            return False
        if text:
            record.explain[dispute.item.id] = text
        else:
            record.explain.pop(dispute.item.id, None)
        self._tidy(record)
        return True

    def fill_majority(self) -> list[Dispute]:
        """Decide every open dispute by majority (multi items by `multi_rule`); the ones left open
        (ties, single answers)."""
        left = []
        for dispute in self.open_disputes:
            answer = dispute.majority(self.multi_rule)
            if answer is None:
                left.append(dispute)
            else:
                self._answer(dispute, answer)
        self._update_status()  # once: after each answer, it would go through every dispute again
        return left

    def tolerance(self, item_id: str) -> int:
        """How far a scale answer to ``item_id`` may be from the key's and still count as right."""
        return self.key.key.tolerance_for(item_id) if self.key.key else 0

    def set_tolerance(self, item_id: str, value: int) -> None:
        """Set the tolerance of one scale item in every paragraph, or with ``"*"`` of every scale
        item without one of its own; ValueError when ``value`` is negative or wider than a scale."""
        scales = [
            item for item in self.checklist.items.values() if isinstance(item, ScaleItem) and item.scope != "before"
        ]
        if item_id == "*" and not scales:
            raise ValueError(f"checklist {self.checklist.id!r} has no scale items")
        if item_id != "*" and item_id not in {item.id for item in scales}:
            raise ValueError(f"{item_id!r} is not a scale item of checklist {self.checklist.id!r}")
        if value < 0:
            raise ValueError(f"{value} is negative; a tolerance is 0 (exact) or more")
        key = self.key.key = self.key.key or KeyInfo()
        table = dict(key.tolerance) if isinstance(key.tolerance, dict) else {"*": key.tolerance}
        for item in scales:
            if (item.id == item_id or (item_id == "*" and item.id not in table)) and value > item.max - item.min:
                span = f"{item.min} to {item.max}: at most {item.max - item.min}"
                raise ValueError(f"{value} is wider than the scale of {item.id!r} ({span})")
        table[item_id] = value
        default = table.get("*", 0)
        exceptions = {item.id: table[item.id] for item in scales if table.get(item.id, default) != default}
        if not exceptions:
            key.tolerance = default
        else:
            key.tolerance = ({"*": default} if default else {}) | exceptions

    def _tidy(self, record: Answers) -> None:
        """Keep a record's answers and the tables beside them in checklist order."""
        order = {item_id: n for n, item_id in enumerate(self.checklist.items)}

        def position(item_id: str) -> int:
            return order.get(item_id, len(order))

        record.answers = {k: record.answers[k] for k in sorted(record.answers, key=position)}
        record.explain = {k: record.explain[k] for k in sorted(record.explain, key=position)}
        record.accept = {k: record.accept[k] for k in sorted(record.accept, key=position)}
        record.no_consensus = sorted(record.no_consensus, key=position)

    def _update_status(self) -> None:
        self.key.session.status = "complete" if not self.open_disputes else "in-progress"

    def text(self, index: int | None) -> str:
        """The paragraph's text (with --essay) or the excerpt the files keep."""
        return self.group.paragraph_text(index) if index is not ESSAY else "The essay as a whole"


def in_option_order(item: Any, answer: Any) -> Any:
    """A multi item's ticks in the order of its options (other answers as they are)."""
    if isinstance(item, MultiItem):
        return [option.id for option in item.options if option.id in answer]
    return answer


def _blank_record(group: EssayGroup, index: int) -> ParagraphRecord:
    """A key record for paragraph ``index``, identified as the readers' files identify it."""
    for file in group.files:
        record = file.record(index)
        if record is not None:
            return ParagraphRecord(index=index, sha256=record.sha256, chars=record.chars, excerpt=record.excerpt)
    raise ValueError(f"no reader has paragraph {index}")


def _rated(item: Any) -> bool:
    return isinstance(item, ChoiceItem | MultiItem | ScaleItem)


def new_key(group: EssayGroup, checklist: Checklist, reader: str) -> Assessment:
    """An empty key for the group's essay: the essay as the readers' files describe it."""
    return Assessment(
        created_by=f"readtui {__version__} adjudicate",
        reader=Reader(name=reader),
        essay=dataclasses.replace(group.files[0].assessment.essay),  # a copy: the key is written, the file not
        checklist=ChecklistInfo(id=checklist.id, version=checklist.version),
        key=KeyInfo(),
    )


def _responses(file: ReaderFile, index: int | None) -> Answers | None:
    return file.assessment.overall if index is ESSAY else file.record(index)


def adjudication(data: ComparisonInput, key: Assessment) -> Adjudication:
    """Find agreements and disputes, and put the agreed answers and highlights into ``key``
    (where it has no decision of its own yet, so that a resumed key keeps the instructor's)."""
    group = data.essays[0]
    result = Adjudication(group, data.checklist, key, warnings=data.warnings)
    items = [item for item in data.items if _rated(item)]
    for index in [ESSAY, *range(1, group.paragraphs + 1)]:
        scope = "essay" if index is ESSAY else "paragraph"
        records = {file.reader: _responses(file, index) for file in group.files}
        records = {reader: record for reader, record in records.items() if record is not None}
        for item in (i for i in items if i.scope == scope):
            answers = {r: rec.answers[item.id] for r, rec in records.items() if item.id in rec.answers}
            if not answers:
                continue
            unsure = [r for r, rec in records.items() if item.id in rec.unsure]
            dispute = Dispute(index, item, answers, unsure)
            if len(answers) >= 2 and len(dispute.choices) == 1:
                if not result.decided(dispute):
                    result._answer(dispute, next(iter(answers.values())))
                result.agreed += 1
            else:
                result.disputes.append(dispute)
        if index is not ESSAY and records:
            _carry_highlights(result, index, list(records.values()))
    for record in [key.overall, *key.paragraph]:  # a resumed key may have been written by hand
        result._tidy(record)
    result._update_status()
    return result


def _carry_highlights(result: Adjudication, index: int, records: list[ParagraphRecord]) -> None:
    """Spans two or more readers marked alike (bounds and label) become the key's."""
    marked: Counter = Counter()
    for record in records:
        marked.update({(h.start, h.end, h.label) for h in record.highlight if not h.stale})
    shared = {span for span, count in marked.items() if count >= 2}
    if not shared:
        return
    key_record = result.record(index)
    present = {(h.start, h.end, h.label) for h in key_record.highlight}
    for record in records:
        for h in record.highlight:
            span = (h.start, h.end, h.label)
            if span in shared and span not in present:
                key_record.highlight.append(Highlight(start=h.start, end=h.end, label=h.label, quote=h.quote))
                present.add(span)
    key_record.highlight.sort(key=lambda h: (h.start, h.end, h.label))


def prepare_adjudication(
    specs: list[str],
    out: Path,
    *,
    checklist_spec: str | None = None,
    essays: list | None = None,
    known: list | None = None,
    reader: str = "key",
) -> Adjudication:
    """Load the readers' files (one essay) and the key so far at ``out``, or a new one."""
    data = load_comparison(specs, checklist_spec, essays, known=known)
    if len(data.essays) > 1:
        raise ReadtuiErrors(
            [ReadtuiError(None, f"the files are of {len(data.essays)} essays; adjudicate one essay at a time")]
        )
    group = data.essays[0]
    if any(real_path(file.path) == real_path(out) for file in group.files):
        raise ReadtuiError(out, "is one of the readers' files; write the key to another file")
    if out.exists():
        key = load_assessment(out)
        problems = checklist_problems(out, key, data.checklist)
        if key.essay.sha256 != group.sha256:
            problems.append(ReadtuiError(out, "is a key for another essay (sha256 differs)", "essay.sha256"))
        if problems:
            raise ReadtuiErrors(problems)
        if key.key is None:
            key.key = KeyInfo()
    else:
        key = new_key(group, data.checklist, reader)
    return adjudication(data, key)
