"""The outputs of ``readtui compare --group-by before:ITEM``: per group of readers who gave the same
before-reading answer, each item's agreement and answers, as a table, markdown, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from readtui.core.compare import Group, GroupedComparison
from readtui.core.errors import visible_controls
from readtui.reports.compare import Footnotes, essay_title, item_notes, settings_line, stats_json
from readtui.reports.text import fit, fmt, md, percent, wrap

CSV_COLUMNS = [
    "group",
    "group_files",
    "group_after_reading",
    "item",
    "scope",
    "n_units",
    "agreement",
    "alpha",
    "alpha_undefined",
    "answer",
    "count",
]


def render_grouped(grouped: GroupedComparison, output_format: str) -> str:
    """The grouped comparison in one of the compare FORMATS."""
    return {"table": table, "markdown": markdown, "csv": csv_text, "json": json_text}[output_format](grouped)


def _heading(grouped: GroupedComparison) -> str:
    item = grouped.item
    return f"Readers grouped by their answer before reading to {item.id!r}: {item.prompt}"


def _group_title(grouped: GroupedComparison, group: Group) -> str:
    late = f", {group.late} of them answered after starting the essay" if group.late else ""
    return f"{grouped.item.id} = {group.label}: {group.files} file{'s' if group.files != 1 else ''}{late}"


def _answers(distribution: dict[str, int]) -> str:
    return " · ".join(f"{answer} ×{count}" for answer, count in distribution.items()) or "—"


# --- table --------------------------------------------------------------------------------------


def table(grouped: GroupedComparison) -> str:
    """A report readable in a terminal 80 columns wide."""
    data = grouped.input
    lines: list[str] = [
        f"readtui compare: checklist {visible_controls(data.checklist.id)} {visible_controls(data.checklist.version)}, "
        f"{len(data.readers)} readers, {len(data.essays)} essay{'s' if len(data.essays) > 1 else ''}"
    ]
    for essay in data.essays:
        lines.append(f"  {fit(essay_title(essay), 44).rstrip()}  {essay.paragraphs} ¶  read by {len(essay.files)}")
    lines += wrap(settings_line(grouped), 0)
    for warning in grouped.warnings:
        lines += wrap(f"warning: {warning}", 0)
    lines.append("")
    lines += wrap(_heading(grouped), 0)
    footnotes = Footnotes()
    for group in grouped.groups:
        lines.append("")
        lines += wrap(_group_title(grouped, group), 0)
        if group.too_small:
            lines += wrap(f"too small for agreement: {group.too_small}", 2)
        lines.append(f"  {'item':<26} {'N':>5} {'agree':>6} {'alpha':>6}  answers")
        for stats, distribution in zip(group.items, group.distributions, strict=True):
            mark = "" if group.too_small else footnotes.mark(item_notes(stats))
            lines.append(
                f"  {fit(stats.key, 26)} {stats.units:>5} {percent(stats.agreement):>6} "
                f"{fmt(stats.alpha.value):>6}  {mark}"
            )
            lines += wrap(_answers(distribution), 4)
        lines += footnotes.tell()
    return "\n".join(line.rstrip() for line in lines) + "\n"


# --- markdown -------------------------------------------------------------------------------------


def markdown(grouped: GroupedComparison) -> str:
    """A handout: a table of agreement and answers per group."""
    data = grouped.input
    out = [
        f"# Reader agreement by prior answer: {', '.join(md(essay_title(e)) for e in data.essays)}",
        "",
        f"Checklist *{md(data.checklist.title)}* ({md(data.checklist.id)} {md(data.checklist.version)}). "
        f"{md(_heading(grouped))}. {md(settings_line(grouped)).capitalize()}.",
    ]
    for warning in grouped.warnings:
        out += ["", f"> **Warning:** {md(warning)}"]
    for group in grouped.groups:
        out += ["", f"## {md(_group_title(grouped, group))}", ""]
        if group.too_small:
            out += [f"Too small for agreement: {md(group.too_small)}.", ""]
        out += ["| item | N | agreement | alpha | answers | notes |", "|---|---:|---:|---:|---|---|"]
        for stats, distribution in zip(group.items, group.distributions, strict=True):
            notes = "" if group.too_small else "; ".join(md(n) for n in item_notes(stats))
            cells = [
                md(stats.variable.item.prompt),
                str(stats.units),
                percent(stats.agreement),
                fmt(stats.alpha.value),
                md(_answers(distribution)),
                notes,
            ]
            out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


# --- CSV and JSON ---------------------------------------------------------------------------------


def csv_text(grouped: GroupedComparison) -> str:
    """Long format: one row per group × item × answer given (an item nobody answered: one empty row)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for group in grouped.groups:
        for stats, distribution in zip(group.items, group.distributions, strict=True):
            head = [
                group.label,
                group.files,
                group.late,
                stats.key,
                stats.variable.item.scope,
                stats.units,
                "" if stats.agreement is None else stats.agreement,
                "" if stats.alpha.value is None else stats.alpha.value,
                stats.alpha.reason,
            ]
            for answer, count in distribution.items() or [("", 0)]:
                writer.writerow([*head, answer, count])
    return buffer.getvalue()


def json_text(grouped: GroupedComparison) -> str:
    """Every group's figures, with the item grouped by."""
    data = grouped.input
    item = grouped.item
    document: dict[str, Any] = {
        "format": "readtui-compare-groups/1",
        "checklist": {"id": data.checklist.id, "version": data.checklist.version},
        "group_by": {"item": item.id, "prompt": item.prompt, "kind": item.kind, "scope": "before"},
        "settings": {
            "scale_level": grouped.level,
            "bootstrap": grouped.bootstrap,
            "seed": grouped.seed,
            "ci_level": 0.95,
            "missing": "unsure and unanswered",
        },
        "warnings": grouped.warnings,
        "groups": [
            {
                "value": list(group.value) if isinstance(group.value, tuple) else group.value,
                "label": group.label,
                "files": group.files,
                "answered_after_reading": group.late,
                "too_small": group.too_small or None,
                "items": [
                    {**stats_json(stats), "answers": distribution}
                    for stats, distribution in zip(group.items, group.distributions, strict=True)
                ],
            }
            for group in grouped.groups
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
