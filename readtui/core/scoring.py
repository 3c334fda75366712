"""Scoring a learner's answers against an answer key.

The rules, per item kind (docs/formats.md, "Answer keys and training"):

- choice: 1 when the answer is the key's or one it accepts, else 0;
- scale: 1 when equal (a match) or within the key's tolerance (a near match), else 0;
- multi: the Jaccard index of the ticked options, |A ∩ B| / |A ∪ B| (both empty: 1), the best
  over the key's answer and the answers it accepts; 1 is a match, between 0 and 1 a near match;
- text: not scored; the key's answer is shown as a model.

Unanswered and unsure score 0. Items the key leaves unanswered or lists in ``no_consensus`` are
skipped. Highlights: a key span is found when the learner marked an overlapping span with the
same label.

A learner's first tries make a `Scorecard`; ``readtui score`` ranks a class of learners (`Scores`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from readtui.core.assessment import ESSAY, Answers, Assessment, Before, Highlight, KeyInfo
from readtui.core.checklist import Checklist, MultiItem, ScaleItem, Section

MATCH = "match"
NEAR = "near"
MISS = "miss"
UNANSWERED = "unanswered"
MODEL = "model"
"""A text item: nothing to score, the key's answer is a model to compare with."""
NO_CONSENSUS = "no-consensus"
"""The key sets the item aside: not scored; its explanation says why."""


@dataclass(frozen=True)
class ItemResult:
    """One item of one paragraph: the learner's answer against the key's."""

    item: Any
    given: Any
    """The learner's answer (None: unanswered or unsure)."""
    expected: Any
    accepted: list[Any]
    verdict: str
    credit: float | None
    """0 to 1; None for text items."""
    explanation: str = ""


def credit_for(item: Any, given: Any, expected: Any, accepted: list[Any], tolerance: int = 0) -> tuple[float, str]:
    """(credit, verdict) of ``given`` for ``item`` against the key's ``expected`` and ``accepted``."""
    if given is None:
        return 0.0, UNANSWERED
    candidates = [expected, *accepted]
    if isinstance(item, ScaleItem):
        distance = min(abs(given - c) for c in candidates)
        if distance == 0:
            return 1.0, MATCH
        return (1.0, NEAR) if distance <= tolerance else (0.0, MISS)
    if isinstance(item, MultiItem):
        best = max(jaccard(set(given), set(c)) for c in candidates)
        return best, MATCH if best == 1 else NEAR if best > 0 else MISS
    return (1.0, MATCH) if given in candidates else (0.0, MISS)


def jaccard(first: set[str], second: set[str]) -> float:
    """|A ∩ B| / |A ∪ B|; two empty sets agree fully."""
    union = first | second
    return len(first & second) / len(union) if union else 1.0


def keyed_items(checklist: Checklist, key_record: Answers | None, scope: str) -> list[Any]:
    """The items of ``scope`` the key answers or sets aside as no-consensus."""
    if key_record is None:
        return []
    return [
        item
        for item in checklist.items.values()
        if item.scope == scope and (item.id in key_record.answers or item.id in key_record.no_consensus)
    ]


def compare_answers(
    checklist: Checklist, key_record: Answers | None, answers: dict[str, Any], scope: str, key: KeyInfo | None
) -> list[ItemResult]:
    """The learner's ``answers`` (item id → answer) item by item against the key's record."""
    results = []
    for item in keyed_items(checklist, key_record, scope):
        expected = key_record.answers.get(item.id)
        accepted = key_record.accept.get(item.id, [])
        given = answers.get(item.id)
        explanation = key_record.explain.get(item.id, "")
        if item.id in key_record.no_consensus:
            results.append(ItemResult(item, given, expected, accepted, NO_CONSENSUS, None, explanation))
            continue
        if item.kind == "text":
            results.append(ItemResult(item, given, expected, accepted, MODEL, None, explanation))
            continue
        tolerance = key.tolerance_for(item.id) if key else 0
        credit, verdict = credit_for(item, given, expected, accepted, tolerance)
        results.append(ItemResult(item, given, expected, accepted, verdict, credit, explanation))
    return results


# --- highlights -----------------------------------------------------------------------------


@dataclass
class SpanTally:
    """Key spans the learner found or missed; the learner's spans that match a key span or not."""

    found: int = 0
    missed: int = 0
    matching: int = 0
    extra: int = 0

    def add(self, other: SpanTally) -> None:
        self.found += other.found
        self.missed += other.missed
        self.matching += other.matching
        self.extra += other.extra

    @property
    def f1(self) -> float | None:
        """Overlap F1 of the learner's spans against the key's (None when neither has any)."""
        if not (self.found + self.missed) or not (self.matching + self.extra):
            return None if not (self.found + self.missed + self.extra) else 0.0
        recall = self.found / (self.found + self.missed)
        precision = self.matching / (self.matching + self.extra)
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _overlaps(a: Highlight, b: Highlight) -> bool:
    return a.label == b.label and a.start < b.end and b.start < a.end


def span_tally(key_spans: list[Highlight], learner_spans: list[Highlight]) -> dict[str, SpanTally]:
    """Per label: key spans the learner overlapped (found) or not (missed), and learner spans that
    overlap a key span (matching) or none (extra)."""
    key_spans = [h for h in key_spans if not h.stale]
    learner_spans = [h for h in learner_spans if not h.stale]
    tallies: dict[str, SpanTally] = {}
    for h in key_spans:
        tally = tallies.setdefault(h.label, SpanTally())
        if any(_overlaps(h, mine) for mine in learner_spans):
            tally.found += 1
        else:
            tally.missed += 1
    for mine in learner_spans:
        tally = tallies.setdefault(mine.label, SpanTally())
        if any(_overlaps(mine, h) for h in key_spans):
            tally.matching += 1
        else:
            tally.extra += 1
    return tallies


def span_matches(spans: list[Highlight], others: list[Highlight]) -> list[tuple[Highlight, bool]]:
    """Each of ``spans`` (the key's, say) and whether one of ``others`` (the learner's) overlaps
    it with the same label; stale highlights are left out."""
    live = [h for h in others if not h.stale]
    return [(h, any(_overlaps(h, other) for other in live)) for h in spans if not h.stale]


# --- a learner's whole file -----------------------------------------------------------------


def first_try_answers(learner: Assessment, target: int | None) -> dict[str, Any]:
    """The answers to score in one paragraph (or ESSAY): the first try where feedback was shown,
    else the current answers (which are then the first try)."""
    record = learner.training.record(target) if learner.training else None
    if record is not None and record.feedback:
        return record.first_try
    if target is ESSAY:
        return learner.overall.answers
    current = next((r for r in learner.paragraph if r.index == target and not r.stale), None)
    return current.answers if current else {}


@dataclass
class Tally:
    """Credit earned out of items scored."""

    credit: float = 0.0
    items: int = 0

    def add(self, credit: float) -> None:
        self.credit += credit
        self.items += 1

    @property
    def share(self) -> float | None:
        return self.credit / self.items if self.items else None


@dataclass
class Scorecard:
    """A learner's first-try score against a key: overall, per section, per kind, per item."""

    learner: str
    total: Tally = field(default_factory=Tally)
    by_section: dict[str, Tally] = field(default_factory=dict)
    by_kind: dict[str, Tally] = field(default_factory=dict)
    by_item: dict[str, Tally] = field(default_factory=dict)
    verdicts: Counter = field(default_factory=Counter)
    spans: dict[str, SpanTally] = field(default_factory=dict)

    def add(self, section: str, result: ItemResult) -> None:
        if result.credit is None:
            return
        for tally in (
            self.total,
            self.by_section.setdefault(section, Tally()),
            self.by_kind.setdefault(result.item.kind, Tally()),
            self.by_item.setdefault(result.item.id, Tally()),
        ):
            tally.add(result.credit)
        self.verdicts[result.verdict] += 1

    @property
    def missed_most(self) -> list[tuple[str, float]]:
        """Items by credit lost, most first: (item id, credit lost)."""
        lost = [(item_id, tally.items - tally.credit) for item_id, tally in self.by_item.items()]
        return sorted((pair for pair in lost if pair[1] > 0), key=lambda pair: -pair[1])

    @property
    def span_total(self) -> SpanTally:
        total = SpanTally()
        for tally in self.spans.values():
            total.add(tally)
        return total


def section_of(checklist: Checklist) -> dict[str, str]:
    """Item id → id of its section."""
    return {item.id: section.id for section in checklist.section for item in section.item}


def scorecard(
    key: Assessment, learner: Assessment, checklist: Checklist, *, only: Collection[int | None] | None = None
) -> Scorecard:
    """Score every paragraph and the essay as a whole at the first try (with ``only``: just those
    targets, paragraph indexes or ESSAY)."""
    card = Scorecard(learner.reader.name)
    sections = section_of(checklist)
    key_records = {r.index: r for r in key.paragraph if not r.stale}
    learner_records = {r.index: r for r in learner.paragraph if not r.stale}
    # Only paragraphs with a record can score: the count in the key is not trusted to be small.
    present = sorted(i for i in key_records.keys() | learner_records.keys() if 1 <= i <= key.essay.paragraphs)
    if only is not None:
        present = [index for index in present if index in only]
    for index in present:
        key_record = key_records.get(index)
        for result in compare_answers(checklist, key_record, first_try_answers(learner, index), "paragraph", key.key):
            card.add(sections[result.item.id], result)
        mine = learner_records.get(index)
        key_spans = key_record.highlight if key_record else []
        for label, tally in span_tally(key_spans, mine.highlight if mine else []).items():
            card.spans.setdefault(label, SpanTally()).add(tally)
    if only is None or ESSAY in only:
        for result in compare_answers(checklist, key.overall, first_try_answers(learner, ESSAY), "essay", key.key):
            card.add(sections[result.item.id], result)
    return card


# --- a class of learners against one key -------------------------------------------------------


@dataclass
class LearnerScore:
    """One learner's file and first-try scorecard."""

    name: str
    """The reader's name, followed by the file name when another learner has the same name."""
    path: Path
    card: Scorecard
    before: Before = field(default_factory=Before)
    """The learner's answers before reading (never scored: shown beside the score)."""
    rank: int = 0
    """1 for the best; learners with the same total share the rank."""


@dataclass
class MissedItem:
    """An item some learners lost credit on."""

    item_id: str
    missed_by: int
    """Learners who lost credit on it (in any paragraph)."""
    mean_credit: float
    """The mean over the learners of their share of the item's credit."""


@dataclass
class Scores:
    """Everything ``readtui score`` reports."""

    key_path: Path
    key_sha256: str
    key: Assessment
    checklist: Checklist
    learners: list[LearnerScore]
    """Best first."""
    warnings: list[str] = field(default_factory=list)

    @property
    def before_items(self) -> list[Any]:
        """The checklist's before-reading items, shown beside the scores."""
        return [item for item in self.checklist.items.values() if item.scope == "before"]

    @property
    def scored_sections(self) -> list[Section]:
        """Every section whose items can be scored (all but the before-reading ones)."""
        return [s for s in self.checklist.section if s.scope != "before"]

    @property
    def sections(self) -> list[Section]:
        """The checklist's sections with items the key scores."""
        return [s for s in self.checklist.section if any(s.id in learner.card.by_section for learner in self.learners)]

    @property
    def key_spans(self) -> int:
        """The key's highlights (every learner is scored on the same ones)."""
        total = self.learners[0].card.span_total
        return total.found + total.missed

    @property
    def has_spans(self) -> bool:
        """Whether the key or any learner marked a highlight that was scored."""
        return bool(self.key_spans) or any(learner.card.span_total.extra for learner in self.learners)

    @property
    def missed_most(self) -> list[MissedItem]:
        """Items lost by the most learners first, then by the lowest mean credit (checklist order on ties)."""
        missed = Counter(item_id for learner in self.learners for item_id, _ in learner.card.missed_most)
        found = []
        for item_id in self.checklist.items:
            if missed[item_id]:
                shares = [
                    learner.card.by_item[item_id].share for learner in self.learners if item_id in learner.card.by_item
                ]
                found.append(MissedItem(item_id, missed[item_id], sum(shares) / len(shares)))
        return sorted(found, key=lambda m: (-m.missed_by, round(m.mean_credit, 9)))


def load_scores(key_path: Path, specs: list[str], checklist_spec: str | None = None) -> Scores:
    """Load and check the key and the learners' files (files, directories or globs, see
    `load_learners`) and score every learner's first tries; raise ReadtuiErrors naming every problem."""
    from readtui.core.corpus import load_learners  # only `readtui score` loads files; `train` starts without it

    files = load_learners(key_path, specs, checklist_spec)
    names = Counter(learner.reader.name for _, learner in files.learners)
    learners = [
        LearnerScore(
            f"{learner.reader.name} ({path.name})" if names[learner.reader.name] > 1 else learner.reader.name,
            path,
            scorecard(files.key, learner, files.checklist),
            learner.before,
        )
        for path, learner in files.learners
    ]
    return Scores(files.key_path, files.key_sha256, files.key, files.checklist, ranked(learners), files.warnings)


def ranked(learners: list[LearnerScore]) -> list[LearnerScore]:
    """Best total share first (nothing scored last), ties by name; tied learners share a rank."""

    def standing(learner: LearnerScore) -> tuple[bool, float]:
        share = learner.card.total.share
        return share is None, -round(share or 0.0, 9)

    order = sorted(learners, key=lambda learner: (standing(learner), learner.name.casefold(), learner.name))
    for position, learner in enumerate(order, start=1):
        before = order[position - 2] if position > 1 else None
        learner.rank = before.rank if before and standing(before) == standing(learner) else position
    return order
