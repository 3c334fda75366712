"""The outputs of ``readtui compare``: a terminal table, a markdown handout, CSV and JSON (the HTML
page, built on these helpers, is `compare_html`).

Every output is made from the same `Comparison`, so their figures agree. Names, titles, notes
and quotes come from other people's files: the table makes control characters visible, the
markdown escapes what would change its structure, CSV and JSON quote by their own rules.
"""

from __future__ import annotations

import csv
import io
import json
from string import ascii_lowercase
from typing import Any

from readtui.core.compare import DOMINANT_SHARE, Comparison, ParagraphRow, Variable, VariableStats
from readtui.core.corpus import EssayGroup
from readtui.core.errors import visible_controls
from readtui.reports.text import WIDTH, answer_text, answer_title, fit, fmt, md, percent, split_items, wrap

FORMATS = ("table", "markdown", "csv", "json")
MAP_ROWS = 100
"""The table shows the disagreement map of essays up to this many paragraphs."""
TOP = 10
"""How many contested paragraphs and low-agreement items the table and handout list."""
SHADES = " ░▒▓█"
MATRIX_READERS = 6
"""Up to this many readers, the table shows agreement per pair as a matrix (it fits 80 columns)."""


def render(comparison: Comparison, output_format: str) -> str:
    """The comparison in one of FORMATS."""
    return {"table": table, "markdown": markdown, "csv": csv_text, "json": json_text}[output_format](comparison)


# --- helpers ------------------------------------------------------------------------------------


def interval(stats: VariableStats) -> str:
    ci = stats.alpha.ci
    return f"[{fmt(ci[0])}, {fmt(ci[1])}]" if ci else ""


def shade(row: ParagraphRow, column: int) -> str:
    """One cell of the map: · agreement, ░▒▓█ the share of disagreeing pairs, - a single answer."""
    pairs = row.pairs[column]
    if not pairs:
        return " "
    share = row.disagreeing[column] / pairs
    return "·" if share == 0 else SHADES[min(4, 1 + int(share * 4))]


def item_notes(stats: VariableStats) -> list[str]:
    """Why a figure is missing or shaky, one line each."""
    if stats.units == 0:
        return [
            "no paragraph has answers from two readers"
            if stats.variable.item.scope == "paragraph"
            else "no essay has answers from two readers"
        ]
    notes = []
    if stats.alpha.value is None:
        notes.append(f"alpha undefined: {stats.alpha.reason}")
    elif stats.alpha.ci is None and stats.alpha.ci_reason and stats.alpha.ci_reason != "bootstrap off":
        notes.append(f"no interval: {stats.alpha.ci_reason}")
    if stats.kappa is not None and stats.kappa.value is None:
        notes.append(f"kappa undefined: {stats.kappa.reason}")
    if stats.dominant and stats.alpha.value is not None:
        # Worded without the exact share, so that the table can tell it once for every item it fits.
        notes.append(f"{stats.dominant[0]!r} is over {DOMINANT_SHARE:.0%} of the answers: alpha and kappa are unstable")
    return notes


class Footnotes:
    """The table's notes, told once each: a row shows a letter, the note follows the section."""

    def __init__(self) -> None:
        self.markers: dict[str, str] = {}
        self.untold: list[str] = []

    def mark(self, notes: list[str]) -> str:
        """The marker of a row with these notes ('' for none)."""
        if not notes:
            return ""
        note = "; ".join(notes)
        if note not in self.markers:
            count = len(self.markers)
            self.markers[note] = ascii_lowercase[count] if count < len(ascii_lowercase) else str(count + 1)
            self.untold.append(note)
        return self.markers[note]

    def tell(self) -> list[str]:
        """The notes marked since the last call, as lines."""
        lines = [line for note in self.untold for line in wrap(f"{self.markers[note]}: {note}", 2)]
        self.untold = []
        return lines


def _question(variable: Variable) -> str:
    """How the handout names an item: its question; an option of a multi item: ↳ its label."""
    if variable.option is None:
        return variable.item.prompt
    return "↳ " + next(o.label for o in variable.item.options if o.id == variable.option)


def _label(stats: VariableStats) -> str:
    variable = stats.variable
    return f"  {variable.option}" if variable.option else variable.key


# --- table --------------------------------------------------------------------------------------


def table(comparison: Comparison) -> str:
    """A report readable in a terminal 80 columns wide."""
    lines: list[str] = []
    add = lines.append
    data = comparison.input
    readers = comparison.readers
    add(
        f"readtui compare: checklist {visible_controls(data.checklist.id)} {visible_controls(data.checklist.version)}, "
        f"{len(readers)} readers, {len(data.essays)} essay{'s' if len(data.essays) > 1 else ''}"
    )
    for essay in data.essays:
        add(f"  {fit(essay_title(essay), 44).rstrip()}  {essay.paragraphs} ¶  read by {len(essay.files)}")
    lines += wrap(settings_line(comparison), 0)
    for warning in comparison.warnings:
        lines += wrap(f"warning: {warning}", 0)
    two = len(readers) == 2
    footnotes = Footnotes()
    for scope, title in (
        ("paragraph", "Paragraph items (a unit is a paragraph)"),
        ("essay", "Essay items (a unit is an essay)"),
    ):
        rows = [s for s in comparison.items if s.variable.item.scope == scope]
        if not rows:
            continue
        add("")
        add(title)
        header = f"{'item':<26} {'N':>5} {'agree':>6} {'alpha':>6}  {'95% CI':<14}"
        add(header + (f" {'kappa':>6}" if two else "") + f" {'unsure':>6}")
        unanswered = {s.variable.item.id for s in rows if s.variable.option is None and s.units == 0}
        for stats in rows:
            if stats.variable.option is not None and stats.variable.item.id in unanswered:
                continue  # its options have nothing to show either
            add(_table_row(stats, two, footnotes))
        if scope == "essay" and len(data.essays) == 1:
            files = data.essays[0].files
            for stats in rows:
                if stats.variable.option is None:
                    given = [(f.reader, answer_title(f.assessment.overall, stats.variable.item)) for f in files]
                    if shown := [f"{reader} {answer}" for reader, answer in given if answer]:
                        lines += wrap(f"{stats.key}: " + ", ".join(shown))
        lines += footnotes.tell()
    if comparison.overall is not None:
        add("")
        add("All items pooled (nominal; N counts item × unit pairs)")
        add(_table_row(comparison.overall, two, footnotes))
        lines += footnotes.tell()
    _table_readers(comparison, add, lines.extend)
    _table_contested(comparison, add)
    _table_map(comparison, add)
    _table_spans(comparison, add)
    return "\n".join(line.rstrip() for line in lines) + "\n"


def settings_line(comparison: Comparison) -> str:
    boot = (
        f"bootstrap {comparison.bootstrap} resamples of paragraphs, seed {comparison.seed}"
        if comparison.bootstrap
        else "bootstrap off"
    )
    return f"scale items: {comparison.level}; {boot}; unsure and unanswered count as missing"


def essay_title(essay: EssayGroup) -> str:
    return essay.title or f"untitled essay {essay.sha256[:8]}"


def _table_row(stats: VariableStats, two: bool, footnotes: Footnotes) -> str:
    row = (
        f"{fit(_label(stats), 26)} {stats.units:>5} {percent(stats.agreement):>6} "
        f"{fmt(stats.alpha.value):>6}  {interval(stats):<14}"
    )
    if two:
        row += f" {fmt(stats.kappa.value if stats.kappa else None):>6}"
    return row + f" {percent(stats.unsure_rate):>6}  {footnotes.mark(item_notes(stats))}"


def _table_readers(comparison: Comparison, add, add_all) -> None:
    readers = comparison.readers
    add("")
    add("Readers: unsure marks as a share of their answers")
    shares = [f"{r}\u00a0{percent(comparison.unsure_by_reader[r])}" for r in readers]  # no break inside
    add_all(wrap(" · ".join(shares), 2))
    if len(readers) < 3:
        return
    add("")
    if len(readers) <= MATRIX_READERS:
        add("Agreement per pair of readers: answers alike above the diagonal, kappa below")
        add(" " * 14 + "".join(f"{fit(r, 9).rstrip():>9} " for r in readers))
        for row in pair_matrix(comparison):
            add("  " + fit(row[0], 12) + "".join(f"{cell:>9} " for cell in row[1:]))
        return
    add("Agreement per pair of readers (answers alike, mean kappa)")
    pairs = sorted(comparison.pairs, key=lambda p: (p.agreement is None, p.agreement or 0))
    for pair in pairs[:TOP]:
        add(
            f"  {fit(pair.first, 22)} {fit(pair.second, 22)} {percent(pair.agreement):>6}  "
            f"kappa {fmt(pair.kappa):>5}  n {pair.units}"
        )
    add(f"  … the {TOP} least agreeing of {len(pairs)} pairs; all are in --format json")


def pair_matrix(comparison: Comparison) -> list[list[str]]:
    """Rows of reader name, then per reader: share of answers alike above the diagonal, mean
    kappa below it, — on it."""
    readers = comparison.readers
    by_pair = {(p.first, p.second): p for p in comparison.pairs}
    rows = []
    for i, first in enumerate(readers):
        row = [first]
        for j, second in enumerate(readers):
            if i == j:
                row.append("—")
            elif i < j:
                row.append(percent(by_pair[first, second].agreement))
            else:
                row.append(fmt(by_pair[second, first].kappa))
        rows.append(row)
    return rows


def _table_contested(comparison: Comparison, add) -> None:
    contested = comparison.contested
    add("")
    if not contested:
        add("No paragraph is contested: where two or more readers answered, they agreed.")
        return
    add(f"Most contested paragraphs ({len(contested)} with any disagreement)")
    essays = comparison.input.essays
    for row in contested[:TOP]:
        essay = essays[row.essay]
        where = f"¶ {row.index}" if len(essays) == 1 else f"{fit(essay_title(essay), 12).rstrip()} ¶ {row.index}"
        text = essay.paragraph_text(row.index).replace("\n", " ")  # a Markdown paragraph's lines, on one
        add(
            f"  {where:<8} {percent(row.contention):>4} of pairs differ, {split_items(row.split_items):>14}  "
            f"{fit(text, WIDTH - 49).rstrip()}"
        )
    lowest = [s for s in comparison.lowest if s.variable.item.scope == "paragraph"][:5]
    add("")
    add("Items with the lowest agreement")
    for stats in lowest:
        add(f"  {fit(stats.key, 28)} alpha {fmt(stats.alpha.value):>5}  agree {percent(stats.agreement):>4}")


def _table_map(comparison: Comparison, add) -> None:
    columns = comparison.map_items
    if not columns:
        return
    add("")
    add("Disagreement map: · all agree, ░▒▓█ more pairs differ, blank: under 2 answers")
    for number, variable in enumerate(columns, start=1):
        add(f"  {number:>2} {variable.key}")
    for e, essay in enumerate(comparison.input.essays):
        rows = [row for row in comparison.rows if row.essay == e]
        add("")
        add(fit(essay_title(essay), WIDTH).rstrip())
        if len(rows) > MAP_ROWS:
            add(f"  {len(rows)} paragraphs: see the map with --tui, or in --format markdown")
            continue
        add("      " + "".join(f"{n:>3}" for n in range(1, len(columns) + 1)))
        for row in rows:
            add(f"  ¶{row.index:>3}" + "".join(f"  {shade(row, c)}" for c in range(len(columns))))


def _table_spans(comparison: Comparison, add) -> None:
    if not comparison.spans:
        return
    add("")
    add("Highlights: span agreement per label and pair of readers")
    add(f"  {'label':<16} {'readers':<25} {'spans':>7} {'same':>5} {'exact F1':>8} {'overlap F1':>10}")
    by_label: dict[str, list[Any]] = {}
    for span in comparison.spans:
        by_label.setdefault(span.label, []).append(span)
    for label, spans in by_label.items():
        if len(spans) > TOP:
            exact = [s.exact_f1 for s in spans if s.exact_f1 is not None]
            overlap = [s.overlap_f1 for s in spans if s.overlap_f1 is not None]
            add(
                f"  {fit(label, 16)} {fit(f'mean of {len(spans)} pairs', 25)} {'':>7} {'':>5} "
                f"{fmt(sum(exact) / len(exact) if exact else None):>8} "
                f"{fmt(sum(overlap) / len(overlap) if overlap else None):>10}"
            )
            continue
        for span in spans:
            pair = f"{span.first} · {span.second}"
            add(
                f"  {fit(label, 16)} {fit(pair, 25)} {f'{span.first_spans}/{span.second_spans}':>7} "
                f"{span.exact:>5} {fmt(span.exact_f1):>8} {fmt(span.overlap_f1):>10}"
            )


# --- markdown -------------------------------------------------------------------------------------


def markdown(comparison: Comparison) -> str:
    """A handout a teacher could print: summary, contested paragraphs, the readers' reasons."""
    data = comparison.input
    out: list[str] = []
    add = out.append
    titles = ", ".join(md(essay_title(e)) for e in data.essays)
    add(f"# Reader agreement: {titles}")
    add("")
    add(
        f"Checklist *{md(data.checklist.title)}* ({md(data.checklist.id)} {md(data.checklist.version)}). "
        f"Readers: {', '.join(md(r) for r in comparison.readers)}. {md(settings_line(comparison)).capitalize()}."
    )
    for warning in comparison.warnings:
        add("")
        add(f"> **Warning:** {md(warning)}")
    add("")
    add("## Summary")
    add("")
    add(
        "Agreement is the share of pairs of readers who gave the same answer. Krippendorff's alpha corrects "
        "it for chance: 1 is perfect agreement, 0 is what chance would give; above 0.8 is reliable, "
        "0.67–0.8 allows tentative conclusions."
    )
    add("")
    two = len(comparison.readers) == 2
    add("| item | N | agreement | alpha | 95% CI |" + (" kappa |" if two else "") + " unsure | notes |")
    add("|---|---:|---:|---:|---|" + ("---:|" if two else "") + "---:|---|")
    rows = [*comparison.items, *([comparison.overall] if comparison.overall else [])]
    for stats in rows:
        label = md(_question(stats.variable))
        cells = [label, str(stats.units), percent(stats.agreement), fmt(stats.alpha.value), interval(stats)]
        if two:
            cells.append(fmt(stats.kappa.value if stats.kappa else None))
        cells += [percent(stats.unsure_rate), "; ".join(md(n) for n in item_notes(stats))]
        add("| " + " | ".join(cells) + " |")
    _markdown_pairs(comparison, add)
    _markdown_contested(comparison, add)
    _markdown_rationales(comparison, add)
    _markdown_spans(comparison, add)
    _markdown_map(comparison, add)
    return "\n".join(out) + "\n"


def _markdown_pairs(comparison: Comparison, add) -> None:
    readers = comparison.readers
    if len(readers) < 3:
        return
    add("")
    add("## Agreement per pair of readers")
    add("")
    if len(readers) > 2 * MATRIX_READERS:
        add("The least agreeing pairs (all pairs are in `--format json`):")
        add("")
        add("| readers | answers alike | mean kappa | answers compared |")
        add("|---|---:|---:|---:|")
        pairs = sorted(comparison.pairs, key=lambda p: (p.agreement is None, p.agreement or 0))
        for pair in pairs[:TOP]:
            add(
                f"| {md(pair.first)} · {md(pair.second)} | {percent(pair.agreement)} | {fmt(pair.kappa)} | {pair.units} |"
            )
        return
    add("Share of answers alike above the diagonal, mean Cohen's kappa over the items below it.")
    add("")
    add("| | " + " | ".join(md(r) for r in readers) + " |")
    add("|---|" + "---:|" * len(readers))
    for row in pair_matrix(comparison):
        add(f"| **{md(row[0])}** | " + " | ".join(row[1:]) + " |")


def _markdown_spans(comparison: Comparison, add) -> None:
    if not comparison.spans:
        return
    add("")
    add("## Highlights")
    add("")
    add(
        "Per label and pair of readers: spans marked with the same bounds, F1 of those exact matches, and F1 "
        "when a span counts as found if it overlaps the other reader's."
    )
    add("")
    add("| label | readers | spans | same | exact F1 | overlap F1 |")
    add("|---|---|---:|---:|---:|---:|")
    for span in comparison.spans:
        add(
            f"| {md(span.label)} | {md(span.first)} · {md(span.second)} | {span.first_spans}/{span.second_spans} "
            f"| {span.exact} | {fmt(span.exact_f1)} | {fmt(span.overlap_f1)} |"
        )


def _markdown_contested(comparison: Comparison, add) -> None:
    essays = comparison.input.essays
    contested = comparison.contested
    add("")
    add("## Most contested paragraphs")
    if not contested:
        add("")
        add("None: wherever two or more readers answered, they agreed.")
        return
    for row in contested[:TOP]:
        essay = essays[row.essay]
        add("")
        where = f"¶ {row.index}" + ("" if len(essays) == 1 else f" of *{md(essay_title(essay))}*")
        add(f"### {where}: {split_items(row.split_items)}, {percent(row.contention)} of pairs differ")
        add("")
        add(f"> {md(essay.paragraph_text(row.index))}")
        add("")
        readers = essay.readers
        add("| item | " + " | ".join(md(r) for r in readers) + " |")
        add("|---|" + "---|" * len(readers))
        records = [file.record(row.index) for file in essay.files]
        for column, variable in enumerate(comparison.map_items):
            if row.disagreeing[column]:
                answers = [answer_title(record, variable.item) for record in records]
                add(f"| {md(_question(variable))} | " + " | ".join(md(answer) for answer in answers) + " |")
        labels = comparison.input.checklist.labels
        remarks: list[str] = []
        for file in essay.files:
            record = file.record(row.index)
            if record is None:
                continue
            if record.note:
                remarks.append(f"- **{md(file.reader)}**: {md(record.note)}")
            for highlight in record.highlight:
                label = labels[highlight.label].title if highlight.label in labels else highlight.label
                note = f" ({md(highlight.note)})" if highlight.note else ""
                remarks.append(f"- **{md(file.reader)}** marked *{md(label)}*: “{md(highlight.quote)}”{note}")
        if remarks:
            add("")  # a list right under a table would be read as one more row
            for remark in remarks:
                add(remark)


def _markdown_rationales(comparison: Comparison, add) -> None:
    data = comparison.input
    essay_items = [i for i in data.checklist.items.values() if i.scope == "essay"]
    add("")
    add("## The readers' reasons")
    for essay in data.essays:
        if len(data.essays) > 1:
            add("")
            add(f"### {md(essay_title(essay))}")
        for file in essay.files:
            overall = file.assessment.overall
            add("")
            add(f"**{md(file.reader)}**")
            add("")
            answered = [i for i in essay_items if overall.is_answered(i.id)]
            for item in answered:
                add(f"- *{md(item.prompt)}* {md(answer_title(overall, item))}")
            if overall.note:
                add(f"- *Note:* {md(overall.note)}")
            if not answered and not overall.note:
                add("- *(no answers about the essay as a whole)*")


def _markdown_map(comparison: Comparison, add) -> None:
    columns = comparison.map_items
    if not columns:
        return
    add("")
    add("## Disagreement map")
    add("")
    add(
        "Each cell: the share of pairs of readers whose answers to the question numbered above it differ "
        "(blank: fewer than two answers)."
    )
    add("")
    for number, variable in enumerate(columns, start=1):
        add(f"{number}. {md(_question(variable))}")
    for e, essay in enumerate(comparison.input.essays):
        add("")
        if len(comparison.input.essays) > 1:
            add(f"### {md(essay_title(essay))}")
            add("")
        add("| ¶ | " + " | ".join(str(n) for n in range(1, len(columns) + 1)) + " |")
        add("|---:|" + "---:|" * len(columns))
        for row in (r for r in comparison.rows if r.essay == e):
            cells = [
                ""
                if not row.pairs[c]
                else ("·" if not row.disagreeing[c] else percent(row.disagreeing[c] / row.pairs[c]))
                for c in range(len(columns))
            ]
            add(f"| {row.index} | " + " | ".join(cells) + " |")


# --- csv and json -----------------------------------------------------------------------------------


CSV_COLUMNS = [
    "essay_sha256",
    "essay_title",
    "reader",
    "file",
    "paragraph",
    "scope",
    "item",
    "kind",
    "value",
    "unsure",
    "note",
]


def csv_text(comparison: Comparison) -> str:
    """Long format: one row per reader × paragraph × item (unanswered rows have an empty value)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    data = comparison.input
    items = [*data.items, *data.text_items]
    order = list(data.checklist.items)
    items.sort(key=lambda item: order.index(item.id))
    paragraph_items = [i for i in items if i.scope == "paragraph"]
    essay_items = [i for i in items if i.scope == "essay"]
    for essay in data.essays:
        for file in essay.files:
            head = [essay.sha256, essay.title, file.reader, str(file.path)]
            for index in range(1, essay.paragraphs + 1):
                record = file.record(index)
                for item in paragraph_items:
                    if record is None:
                        writer.writerow([*head, index, "paragraph", item.id, item.kind, "", "false", ""])
                    else:
                        writer.writerow(_csv_cells(head, index, item, record))
            overall = file.assessment.overall
            for item in essay_items:
                writer.writerow(_csv_cells(head, "", item, overall))
    return buffer.getvalue()


def _csv_cells(head: list[str], index: Any, item: Any, record: Any) -> list[Any]:
    unsure = item.id in record.unsure
    value = "" if unsure else answer_text(record, item.id)
    scope = "paragraph" if index else "essay"
    return [*head, index, scope, item.id, item.kind, value, "true" if unsure else "false", record.note]


def stats_json(stats: VariableStats) -> dict[str, Any]:
    variable = stats.variable
    return {
        "key": variable.key,
        "item": variable.item.id,
        "option": variable.option,
        "prompt": variable.title,
        "kind": getattr(variable.item, "kind", "pooled"),
        "scope": variable.item.scope,
        "level": variable.level,
        "n_units": stats.units,
        "n_readers": stats.readers,
        "n_values": stats.pairable,
        "agreement": stats.agreement,
        "alpha": stats.alpha.value,
        "alpha_undefined": stats.alpha.reason or None,
        "ci": list(stats.alpha.ci) if stats.alpha.ci else None,
        "ci_missing": stats.alpha.ci_reason or None,
        "kappa": stats.kappa.value if stats.kappa else None,
        "kappa_undefined": (stats.kappa.reason or None) if stats.kappa else None,
        "dominant": {"answer": stats.dominant[0], "share": stats.dominant[1]} if stats.dominant else None,
        "unsure_rate": stats.unsure_rate,
    }


def json_text(comparison: Comparison) -> str:
    """Every figure with its N, interval and level."""
    data = comparison.input
    files_by_reader: dict[str, list[str]] = {}
    for essay in data.essays:
        for file in essay.files:
            files_by_reader.setdefault(file.reader, []).append(str(file.path))
    document = {
        "format": "readtui-compare/1",
        "checklist": {"id": data.checklist.id, "version": data.checklist.version},
        "settings": {
            "scale_level": comparison.level,
            "bootstrap": comparison.bootstrap,
            "seed": comparison.seed,
            "ci_level": 0.95,
            "missing": "unsure and unanswered",
        },
        "warnings": comparison.warnings,
        "readers": [
            {"name": r, "files": files_by_reader[r], "unsure_rate": comparison.unsure_by_reader[r]}
            for r in comparison.readers
        ],
        "essays": [
            {"sha256": e.sha256, "title": e.title, "paragraphs": e.paragraphs, "readers": e.readers}
            for e in data.essays
        ],
        "items": [stats_json(s) for s in comparison.items],
        "overall": stats_json(comparison.overall) if comparison.overall else None,
        "pairs": [
            {"first": p.first, "second": p.second, "n": p.units, "agreement": p.agreement, "mean_kappa": p.kappa}
            for p in comparison.pairs
        ],
        "map_items": [v.key for v in comparison.map_items],
        "paragraphs": [
            {
                "essay": data.essays[row.essay].sha256,
                "paragraph": row.index,
                "contention": row.contention,
                "split_items": row.split_items,
                "disagreeing_pairs": row.disagreeing,
                "pairs": row.pairs,
            }
            for row in comparison.rows
        ],
        "spans": [
            {
                "label": s.label,
                "first": s.first,
                "second": s.second,
                "first_spans": s.first_spans,
                "second_spans": s.second_spans,
                "exact": s.exact,
                "exact_f1": s.exact_f1,
                "overlap_f1": s.overlap_f1,
            }
            for s in comparison.spans
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
