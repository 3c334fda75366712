"""The outputs of ``readtui score``: a terminal table, a markdown handout, CSV and JSON.

Every output is made from the same `Scores` (`readtui.core.scoring.load_scores`), so their figures
agree; undefined figures (nothing scored) are — in the table and markdown, empty in CSV and null in
JSON.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from readtui.core.checklist import Section
from readtui.core.errors import visible_controls
from readtui.core.scoring import MATCH, MISS, NEAR, UNANSWERED, LearnerScore, Scores, SpanTally, Tally
from readtui.reports.text import WIDTH, answer_text, fit, fmt, md, percent, wrap

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


# --- helpers ------------------------------------------------------------------------------------


def render_scores(scores: Scores, output_format: str) -> str:
    """The scores in one of table, markdown, csv, json."""
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
    _table_before(scores, name_width, add, lines.extend)
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


def before_answer(learner: LearnerScore, item_id: str) -> str:
    """A learner's before-reading answer as one line ('' unanswered), ``*`` if given after starting the essay."""
    answer = answer_text(learner.before, item_id)
    return answer + "*" if answer and item_id in learner.before.after_reading else answer


def _table_before(scores: Scores, name_width: int, add, add_all) -> None:
    """What each learner thought before reading, beside the total (never scored)."""
    items = scores.before_items
    if not items:
        return
    width = max(6, min(16, (WIDTH - 4 - name_width - 7) // len(items) - 1))
    add("")
    add("Before reading (not scored), beside the total")
    add(" #  " + fit("learner", name_width) + "  total" + "".join(f" {fit(i.id, width)}" for i in items))
    for learner in scores.learners:
        answers = "".join(f" {fit(before_answer(learner, i.id) or '—', width)}" for i in items)
        add(f"{learner.rank:>2}  {fit(learner.name, name_width)} {percent(learner.card.total.share):>6}{answers}")
    if any(learner.before.after_reading for learner in scores.learners):
        add_all(wrap("*: answered after the learner had started the essay", 2))


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
    _markdown_before(scores, add)
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


def _markdown_before(scores: Scores, add) -> None:
    items = scores.before_items
    if not items:
        return
    add("")
    add("## Before reading")
    add("")
    add("What each learner thought before reading (not scored), beside the total. * answered after starting the essay.")
    add("")
    add("| # | learner | total | " + "".join(f"{md(i.prompt)} | " for i in items))
    add("|---:|---|---:|" + "---|" * len(items))
    for learner in scores.learners:
        answers = "".join(f"{md(before_answer(learner, i.id) or '—')} | " for i in items)
        add(f"| {learner.rank} | {md(learner.name)} | {percent(learner.card.total.share)} | {answers}")


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
        *(f"{section.id}_share" for section in scores.scored_sections),
        *(f"{kind}_share" for kind in KINDS),
        "spans_found",
        "spans_missed",
        "span_f1",
        *(f"before:{item.id}" for item in scores.before_items),
        *(["before_after_reading"] if scores.before_items else []),
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
                *(card.by_section.get(section.id, Tally()).share for section in scores.scored_sections),
                *(card.by_kind.get(kind, Tally()).share for kind in KINDS),
                spans.found,
                spans.missed,
                spans.f1,
                *(answer_text(learner.before, item.id) for item in scores.before_items),
                *(["+".join(learner.before.after_reading)] if scores.before_items else []),
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
        "by_section": {s.id: _tally_json(card.by_section.get(s.id, Tally())) for s in scores.scored_sections},
        "by_kind": {kind: _tally_json(card.by_kind.get(kind, Tally())) for kind in KINDS},
        "by_item": {item_id: _tally_json(tally) for item_id, tally in card.by_item.items()},
        "verdicts": {verdict: card.verdicts[verdict] for verdict in VERDICTS},
        "before": {
            "answers": {
                i.id: learner.before.answers[i.id] for i in scores.before_items if i.id in learner.before.answers
            },
            "unsure": [i.id for i in scores.before_items if i.id in learner.before.unsure],
            "note": learner.before.note,
            "after_reading": list(learner.before.after_reading),
        },
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
        "sections": [{"id": s.id, "title": s.title} for s in scores.scored_sections],
        "before_items": [{"id": i.id, "prompt": i.prompt, "kind": i.kind} for i in scores.before_items],
        "learners": [_learner_json(learner, scores) for learner in scores.learners],
        "missed_most": [
            {"item": m.item_id, "missed_by": m.missed_by, "mean_credit": m.mean_credit} for m in scores.missed_most
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
