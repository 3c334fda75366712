"""``readtui score``: learners' first tries against an answer key, ranked (no Textual).

Loading and checking the key and the learners' files, learner `Scorecard` per learner (the rules are
in `readtui.core.scoring`), and the outputs: a terminal table, a markdown handout, CSV and JSON. Every
output is made from the same `Scores`, so their figures agree; undefined figures (nothing scored)
are — in the table and markdown, empty in CSV and null in JSON.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from readtui.core.assessment import Assessment, checklist_problems
from readtui.core.checklist import Checklist, Section, resolve_checklist
from readtui.core.corpus import expand_specs, read_assessment, real_path
from readtui.core.errors import ReadtuiError, ReadtuiErrors, visible_controls
from readtui.core.scoring import MATCH, MISS, NEAR, UNANSWERED, Scorecard, SpanTally, Tally, scorecard
from readtui.core.storage import file_sha256, load_checklist
from readtui.core.training import key_problems
from readtui.reports.text import WIDTH, fit, fmt, md, percent, wrap

KINDS = ("choice", "scale", "multi")
"""The kinds of item that are scored (text items are models, not scored)."""
VERDICTS = (MATCH, NEAR, MISS, UNANSWERED)
TOP_MISSED = 5
"""How many of the items missed most the table and the handout list."""
NAME_WIDTH = (12, 24)
"""The narrowest and widest the learners' column of the table may be."""
SECTION_WIDTH = (6, 24)
"""The narrowest and widest a section's column of the table may be."""
SECTION_ROOM = 8
"""The width a section's column gets before the learners' column grows past its narrowest."""
FIXED_WIDTH = 4 + 7 + 10
"""Rank, total and credit columns of the table."""
FIRST_TRIES = "first tries count: before the key's feedback where it was shown, else the current answers"


# --- loading ----------------------------------------------------------------------------------


@dataclass
class LearnerScore:
    """One learner's file and first-try scorecard."""

    name: str
    """The reader's name, followed by the file name when another learner has the same name."""
    path: Path
    card: Scorecard
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
    """Load and check the key and the learners' files (files, directories or globs) and score every
    learner's first tries; raise ReadtuiErrors naming every problem, learner line each."""
    key_path = Path(key_path)
    _, key, problems = read_assessment(key_path, False)
    from_directory = {p for spec in specs if Path(spec).is_dir() for p in Path(spec).glob("*.toml")}
    warnings: list[str] = []
    loaded: list[tuple[Path, Assessment]] = []
    try:
        paths = expand_specs(specs)
    except ReadtuiError as error:
        problems.append(error)
        paths = []
    for path in paths:
        if real_path(path) == real_path(key_path):
            warnings.append(f"{path}: is the answer key; skipped")
            continue
        _, learner, errors = read_assessment(path, path in from_directory)
        problems += errors
        if learner is not None:
            loaded.append((path, learner))
    checklist = None
    if key is not None:
        try:
            checklist = load_checklist(
                resolve_checklist(checklist_spec, checklist_id=key.checklist.id, beside=key_path)
            )
        except ReadtuiError as error:
            problems += error.problems if isinstance(error, ReadtuiErrors) else [error]
    if key is not None and checklist is not None:
        problems += key_problems(key_path, key, key.essay.sha256, checklist.id)
        if key.checklist.id == checklist.id:
            problems += checklist_problems(key_path, key, checklist)
        for path, learner in loaded:
            problems += _learner_problems(path, learner, key, checklist)
    if problems:
        raise ReadtuiErrors(problems)
    if not loaded:
        raise ReadtuiError(None, "no learners' files to score")
    key_sha256 = file_sha256(key_path)
    warnings += _training_warnings(key_path, key_sha256, loaded)
    names = Counter(learner.reader.name for _, learner in loaded)
    learners = [
        LearnerScore(
            f"{learner.reader.name} ({path.name})" if names[learner.reader.name] > 1 else learner.reader.name,
            path,
            scorecard(key, learner, checklist),
        )
        for path, learner in loaded
    ]
    return Scores(key_path, key_sha256, key, checklist, ranked(learners), warnings)


def _learner_problems(path: Path, learner: Assessment, key: Assessment, checklist: Checklist) -> list[ReadtuiError]:
    """Why ``learner`` cannot be scored against ``key``: another essay, another checklist, or
    answers that do not fit the checklist."""
    if learner.essay.sha256 != key.essay.sha256:
        return [
            ReadtuiError(
                path,
                f"assesses another essay than the key ({learner.essay.title!r}, not {key.essay.title!r}; sha256 differs)",
                "essay.sha256",
            )
        ]
    if learner.essay.paragraphs != key.essay.paragraphs:
        return [
            ReadtuiError(
                path,
                f"says the essay has {learner.essay.paragraphs} paragraphs, the key says {key.essay.paragraphs} "
                "(same sha256)",
                "essay.paragraphs",
            )
        ]
    if learner.checklist.id != key.checklist.id:
        return [
            ReadtuiError(
                path, f"uses checklist {learner.checklist.id!r}, the key uses {key.checklist.id!r}", "checklist.id"
            )
        ]
    return checklist_problems(path, learner, checklist)


def _training_warnings(key_path: Path, key_sha256: str, loaded: list[tuple[Path, Assessment]]) -> list[str]:
    """Learners trained against another key, and learners who never saw the key's feedback."""
    warnings = []
    for path, learner in loaded:
        training = learner.training
        if training is not None and training.key_sha256 != key_sha256:
            warnings.append(f"{path}: trained against another answer key (its key_sha256 is not {key_path.name}'s)")
        if training is None or not any(record.feedback for record in training.paragraph):
            warnings.append(f"{path}: never checked a paragraph against the key; its current answers count")
    return warnings


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


# --- helpers ------------------------------------------------------------------------------------


def render_scores(scores: Scores, output_format: str) -> str:
    """The scores in learner of table, markdown, csv, json."""
    return {"table": table, "markdown": markdown, "csv": csv_text, "json": json_text}[output_format](scores)


def credit_text(tally: Tally) -> str:
    """Credit out of items, e.g. ``4.67/8``."""
    return f"{round(tally.credit, 2):g}/{tally.items}"


def _essay_title(scores: Scores) -> str:
    return scores.key.essay.title or f"untitled essay {scores.key.essay.sha256[:8]}"


def _checklist_name(scores: Scores) -> str:
    return f"{scores.checklist.id} {scores.checklist.version}"


def _learner_count(scores: Scores) -> str:
    count = len(scores.learners)
    return f"{count} learner{'' if count == 1 else 's'}"


# --- table --------------------------------------------------------------------------------------


def table(scores: Scores) -> str:
    """A report readable in a terminal 80 columns wide."""
    lines: list[str] = []
    add = lines.append
    lines += wrap(f"readtui score: {_essay_title(scores)} ({scores.key.essay.paragraphs} ¶)", 0)
    lines += wrap(f"key {scores.key_path} by {scores.key.reader.name}", 2)
    lines += wrap(f"checklist {_checklist_name(scores)} · {_learner_count(scores)} · {FIRST_TRIES}", 2)
    for warning in scores.warnings:
        lines += wrap(f"warning: {warning}", 0)
    blocks = section_blocks(scores.sections)
    longest = max(len("learner"), *(len(visible_controls(learner.name)) for learner in scores.learners))
    widest_block = max(len(block) for block in blocks)
    name_width = min(
        longest, NAME_WIDTH[1], max(NAME_WIDTH[0], WIDTH - FIXED_WIDTH - widest_block * (SECTION_ROOM + 1))
    )
    _table_ranking(scores, blocks, name_width, add, lines.extend)
    _table_spans(scores, name_width, add)
    _table_missed(scores, add)
    return "\n".join(line.rstrip() for line in lines) + "\n"


def section_blocks(sections: list[Section]) -> list[list[Section]]:
    """The sections in as few blocks of near-equal size as fit 80 columns beside the narrowest names."""
    if not sections:
        return [[]]
    per_block = (WIDTH - FIXED_WIDTH - NAME_WIDTH[0]) // (SECTION_WIDTH[0] + 1)
    count = -(-len(sections) // per_block)
    size = -(-len(sections) // count)
    return [sections[i : i + size] for i in range(0, len(sections), size)]


def _table_ranking(scores: Scores, blocks: list[list[Section]], name_width: int, add, add_all) -> None:
    """Learners × sections, in blocks of sections."""
    room = WIDTH - FIXED_WIDTH - name_width
    cut = []
    for block in blocks:
        width = min(SECTION_WIDTH[1], room // max(1, len(block)) - 1)
        heads = [abbreviated(section.title, width) for section in block]
        cut += [(head, section.title) for head, section in zip(heads, block, strict=True) if head != section.title]
        add("")
        add("First-try credit per section, best total first")
        add(" #  " + fit("learner", name_width) + "".join(f" {head:>{width}}" for head in heads) + "  total    credit")
        for learner in scores.learners:
            card = learner.card
            cells = "".join(f" {percent(card.by_section.get(s.id, Tally()).share):>{width}}" for s in block)
            add(
                f"{learner.rank:>2}  {fit(learner.name, name_width)}{cells} "
                f"{percent(card.total.share):>6} {credit_text(card.total):>9}"
            )
    if cut:
        add_all(wrap(" · ".join(f"{head}\u00a0=\u00a0{title}" for head, title in cut), 2))


def abbreviated(title: str, width: int) -> str:
    """``title`` in at most ``width`` columns: cut with … (not after a space), control characters visible."""
    head = fit(title, width).rstrip()
    return head if head == visible_controls(title) else head.removesuffix("…").rstrip() + "…"


def _table_spans(scores: Scores, name_width: int, add) -> None:
    if not scores.has_spans:
        return
    add("")
    add("Highlights: the key's spans found (same label, overlapping), and extra spans")
    add(" #  " + fit("learner", name_width) + "  found  extra     F1")
    for learner in scores.learners:
        total = learner.card.span_total
        found = f"{total.found}/{scores.key_spans}"
        add(f"{learner.rank:>2}  {fit(learner.name, name_width)} {found:>6} {total.extra:>6} {fmt(total.f1):>6}")


def _table_missed(scores: Scores, add) -> None:
    missed = scores.missed_most[:TOP_MISSED]
    add("")
    if not missed:
        add("No item was missed: every learner earned full credit on every item.")
        return
    add("Items missed most: learners who lost credit on the item, their mean credit")
    add(f"  {fit('item', 22)} {'missed by':>9} {'mean':>5}  prompt")
    prompt_width = WIDTH - 2 - 22 - 1 - 9 - 1 - 5 - 2
    for item in missed:
        missed_by = f"{item.missed_by} of {len(scores.learners)}"
        prompt = scores.checklist.items[item.item_id].prompt
        add(f"  {fit(item.item_id, 22)} {missed_by:>9} {percent(item.mean_credit):>5}  {fit(prompt, prompt_width)}")


# --- markdown -------------------------------------------------------------------------------------


def markdown(scores: Scores) -> str:
    """A handout: the ranking per section, the key's highlights found, the items missed most."""
    out: list[str] = []
    add = out.append
    add(f"# Scores: {md(_essay_title(scores))}")
    add("")
    add(
        f"Answer key {md(str(scores.key_path))} by {md(scores.key.reader.name)}; checklist "
        f"*{md(scores.checklist.title)}* ({md(_checklist_name(scores))}); {_learner_count(scores)}. "
        f"{md(FIRST_TRIES).capitalize()}."
    )
    for warning in scores.warnings:
        add("")
        add(f"> **Warning:** {md(warning)}")
    sections = scores.sections
    add("")
    add("## Ranking")
    add("")
    add("| # | learner | " + "".join(f"{md(s.title)} | " for s in sections) + "total | credit |")
    add("|---:|---|" + "---:|" * len(sections) + "---:|---:|")
    for learner in scores.learners:
        card = learner.card
        cells = "".join(f"{percent(card.by_section.get(s.id, Tally()).share)} | " for s in sections)
        add(f"| {learner.rank} | {md(learner.name)} | {cells}{percent(card.total.share)} | {credit_text(card.total)} |")
    if scores.has_spans:
        add("")
        add("## Highlights")
        add("")
        add(
            "The key's spans a learner found (marked an overlapping span with the same label), and spans the key has not."
        )
        add("")
        add("| # | learner | found | extra | F1 |")
        add("|---:|---|---:|---:|---:|")
        for learner in scores.learners:
            total = learner.card.span_total
            add(
                f"| {learner.rank} | {md(learner.name)} | {total.found} of {scores.key_spans} | {total.extra} "
                f"| {fmt(total.f1)} |"
            )
    _markdown_missed(scores, add)
    return "\n".join(out) + "\n"


def _markdown_missed(scores: Scores, add) -> None:
    missed = scores.missed_most[:TOP_MISSED]
    add("")
    add("## Items missed most")
    add("")
    if not missed:
        add("None: every learner earned full credit on every item.")
        return
    add("| item | prompt | missed by | mean credit |")
    add("|---|---|---:|---:|")
    for item in missed:
        prompt = scores.checklist.items[item.item_id].prompt
        add(
            f"| {md(item.item_id)} | {md(prompt)} | {item.missed_by} of {len(scores.learners)} "
            f"| {percent(item.mean_credit)} |"
        )


# --- csv and json -----------------------------------------------------------------------------------


def csv_columns(scores: Scores) -> list[str]:
    """One column per figure; a share column for every section of the checklist and every scored kind."""
    return [
        "learner",
        "file",
        "total_credit",
        "total_items",
        "total_share",
        *(f"{section.id}_share" for section in scores.checklist.section),
        *(f"{kind}_share" for kind in KINDS),
        "spans_found",
        "spans_missed",
        "span_f1",
    ]


def csv_text(scores: Scores) -> str:
    """One row per learner, best first (undefined shares are empty cells)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(csv_columns(scores))
    for learner in scores.learners:
        card = learner.card
        spans = card.span_total
        writer.writerow(
            [
                learner.name,
                str(learner.path),
                card.total.credit,
                card.total.items,
                card.total.share,
                *(card.by_section.get(section.id, Tally()).share for section in scores.checklist.section),
                *(card.by_kind.get(kind, Tally()).share for kind in KINDS),
                spans.found,
                spans.missed,
                spans.f1,
            ]
        )
    return buffer.getvalue()


def _tally_json(tally: Tally) -> dict[str, Any]:
    return {"credit": tally.credit, "items": tally.items, "share": tally.share}


def _spans_json(tally: SpanTally) -> dict[str, Any]:
    return {
        "found": tally.found,
        "missed": tally.missed,
        "matching": tally.matching,
        "extra": tally.extra,
        "f1": tally.f1,
    }


def _learner_json(learner: LearnerScore, scores: Scores) -> dict[str, Any]:
    card = learner.card
    return {
        "rank": learner.rank,
        "name": learner.name,
        "reader": card.learner,
        "file": str(learner.path),
        "total": _tally_json(card.total),
        "by_section": {s.id: _tally_json(card.by_section.get(s.id, Tally())) for s in scores.checklist.section},
        "by_kind": {kind: _tally_json(card.by_kind.get(kind, Tally())) for kind in KINDS},
        "by_item": {item_id: _tally_json(tally) for item_id, tally in card.by_item.items()},
        "verdicts": {verdict: card.verdicts[verdict] for verdict in VERDICTS},
        "spans": {
            "total": _spans_json(card.span_total),
            "by_label": {label: _spans_json(tally) for label, tally in card.spans.items()},
        },
    }


def json_text(scores: Scores) -> str:
    """Every figure of every learner, best first, and the items missed most."""
    key = scores.key
    document = {
        "format": "readtui-score/1",
        "key": {"file": str(scores.key_path), "sha256": scores.key_sha256, "reader": key.reader.name},
        "essay": {"title": key.essay.title, "sha256": key.essay.sha256, "paragraphs": key.essay.paragraphs},
        "checklist": {"id": scores.checklist.id, "version": scores.checklist.version},
        "warnings": scores.warnings,
        "sections": [{"id": s.id, "title": s.title} for s in scores.checklist.section],
        "learners": [_learner_json(learner, scores) for learner in scores.learners],
        "missed_most": [
            {"item": m.item_id, "missed_by": m.missed_by, "mean_credit": m.mean_credit} for m in scores.missed_most
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
