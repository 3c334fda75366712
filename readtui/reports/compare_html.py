"""``readtui compare --format html``: the class's comparison as one page.

The disagreement map as a heat map, each item's alpha with its interval as a small chart, the
most contested paragraphs with every reader's answers, notes and highlights side by side, and
span agreement per label. Drawn in HTML and inline SVG: no script, no external asset. Every
figure a chart draws is also in a ``data-*`` attribute, written as the JSON output writes it, and
shown as a number.
"""

from __future__ import annotations

from readtui.core.compare import Comparison, ParagraphRow, VariableStats
from readtui.core.corpus import EssayGroup
from readtui.reports.compare import TOP, essay_title, interval, item_notes, pair_matrix, settings_line
from readtui.reports.html import esc, mark_colour, page
from readtui.reports.text import answer_title, fmt, percent, split_items

RELIABLE = 0.8
TENTATIVE = 0.667
"""Krippendorff's thresholds: rely on alpha ≥ 0.8, draw tentative conclusions from 0.667."""
NO_ANSWER = '<span class="muted">no answer</span>'
HEADER_CHARS = 22
"""A map column's rotated header: the question cut to this many characters (all of it on hover)."""

CSS = """
body { max-width: 60rem; }
.scroll { overflow-x: auto; max-width: 100%; }
.warning { border-left: 4px solid #c0392b; padding-left: 0.5rem; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.heat { width: auto; }
table.heat td.cell { min-width: 2.4rem; text-align: center; font-size: 0.8rem; }
.none { background: repeating-linear-gradient(45deg, #fff, #fff 3px, #e6e6e6 3px, #e6e6e6 6px); }
table.heat th.q { vertical-align: bottom; padding: 0.2rem; }
table.heat th.q span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap;
  font-weight: normal; max-height: 12rem; overflow: hidden; text-overflow: ellipsis; }
table.heat th.p { white-space: nowrap; }
.swatches { display: flex; flex-wrap: wrap; gap: 0.3rem; font-family: system-ui, sans-serif; font-size: 0.85rem; }
.swatch { display: inline-block; min-width: 3.2rem; padding: 0.1rem 0.3rem; border: 1px solid var(--rule);
  text-align: center; }
ol.questions { font-family: system-ui, sans-serif; font-size: 0.9rem; }
svg.alpha { width: 100%; min-width: 8rem; display: block; }
td.chart { width: 30%; vertical-align: middle; }
table.alphas td:first-child { min-width: 9rem; }
tr.unreliable td.alpha-value { color: #b03a2e; font-weight: bold; }
tr.tentative td.alpha-value { color: #8a6d00; font-weight: bold; }
blockquote { margin: 0.5rem 0; padding-left: 0.8rem; border-left: 3px solid var(--rule); }
section { break-inside: auto; }
section.contested { break-inside: avoid; }
table.answers td, table.reasons td { white-space: pre-line; }
@media print {
  .scroll { overflow: visible; }
  table.heat { font-size: 7pt; }
  table.heat td.cell { min-width: 0; font-size: 7pt; }
}
"""


def html_text(comparison: Comparison) -> str:
    """The comparison as one self-contained HTML page."""
    data = comparison.input
    title = "Reader agreement: " + ", ".join(essay_title(e) for e in data.essays)
    parts = [
        f"<h1>{esc(title)}</h1>",
        f'<p class="meta">Checklist <i>{esc(data.checklist.title)}</i> ({esc(data.checklist.id)} '
        f"{esc(data.checklist.version)}). Readers: {esc(', '.join(comparison.readers))}. "
        f"{esc(settings_line(comparison).capitalize())}.</p>",
    ]
    parts += [f'<p class="warning"><b>Warning:</b> {esc(w)}</p>' for w in comparison.warnings]
    parts.append(_alpha_chart(comparison))
    parts.append(_heat_map(comparison))
    parts.append(_contested(comparison))
    parts.append(_reasons(comparison))
    parts.append(_pairs(comparison))
    parts.append(_spans(comparison))
    return page(title, "\n".join(p for p in parts if p), CSS)


def _number(value: float | None) -> str:
    """A figure in a data attribute, as the JSON writes it ('' for null)."""
    return "" if value is None else repr(value)


def reliability(stats: VariableStats) -> str:
    """'reliable', 'tentative', 'unreliable' or 'undefined', by Krippendorff's thresholds."""
    value = stats.alpha.value
    if value is None:
        return "undefined"
    return "reliable" if value >= RELIABLE else "tentative" if value >= TENTATIVE else "unreliable"


# --- alpha chart ----------------------------------------------------------------------------------


def _x(value: float) -> float:
    """Where alpha ``value`` sits on the chart's −1…1 axis, 0…200 wide."""
    return round(100 + 100 * max(-1.0, min(1.0, value)), 2)


def _alpha_svg(stats: VariableStats) -> str:
    alpha = stats.alpha
    shapes = [
        f'<rect x="0" y="0" width="{_x(TENTATIVE)}" height="14" fill="#fbe3e0"/>',
        f'<rect x="{_x(TENTATIVE)}" y="0" width="{_x(RELIABLE) - _x(TENTATIVE):.1f}" height="14" fill="#fbf0c9"/>',
        f'<rect x="{_x(RELIABLE)}" y="0" width="{200 - _x(RELIABLE):.1f}" height="14" fill="#dff0da"/>',
        '<line x1="100" y1="0" x2="100" y2="14" stroke="#888" stroke-width="0.6"/>',
    ]
    label = f"{stats.variable.title}: alpha {fmt(alpha.value)}"
    if alpha.ci:
        low, high = alpha.ci
        label += f", 95% interval {fmt(low)} to {fmt(high)}"
        shapes.append(f'<line class="ci" x1="{_x(low)}" y1="7" x2="{_x(high)}" y2="7" stroke="#333" stroke-width="2"/>')
    if alpha.value is None:
        label += f" ({alpha.reason})" if alpha.reason else ""
    else:
        shapes.append(f'<circle cx="{_x(alpha.value)}" cy="7" r="4" fill="#1f5fa8" stroke="#fff" stroke-width="1"/>')
    ci = alpha.ci or (None, None)
    return (
        f'<svg class="alpha" viewBox="0 0 200 14" role="img" '
        f'aria-label="{esc(label)}"><title>{esc(label)}</title>'
        f'<g class="alpha-mark" data-key="{esc(stats.variable.key)}" data-alpha="{_number(alpha.value)}" '
        f'data-ci-low="{_number(ci[0])}" data-ci-high="{_number(ci[1])}" data-n="{stats.units}">'
        + "".join(shapes)
        + "</g></svg>"
    )


def _alpha_chart(comparison: Comparison) -> str:
    rows = [*comparison.items, *([comparison.overall] if comparison.overall else [])]
    if not rows:
        return ""
    out = [
        "<section><h2>Agreement per item</h2>",
        "<p>Agreement is the share of pairs of readers who gave the same answer. Krippendorff's alpha corrects it "
        "for chance: 1 is perfect agreement, 0 what chance would give. The chart runs from −1 to 1: the dot is "
        f"alpha, the bar its 95% interval; green is reliable (alpha ≥ {RELIABLE}), yellow allows tentative "
        f"conclusions ({TENTATIVE}–{RELIABLE}), red is below {TENTATIVE}: <b>unreliable</b>.</p>",
        '<div class="scroll"><table class="alphas"><thead><tr><th>item</th><th class="num">alpha</th>'
        '<th>−1 … 0 … 1</th><th class="num">95% CI</th><th class="num">agree</th><th class="num">N</th>'
        "</tr></thead><tbody>",
    ]
    for stats in rows:
        rating = reliability(stats)
        notes = item_notes(stats)
        if rating in ("tentative", "unreliable"):
            notes.insert(0, rating)
        said = f'<br><small class="muted">{esc("; ".join(notes))}</small>' if notes else ""
        out.append(
            f'<tr class="{rating}"><td>{esc(stats.variable.title)}{said}</td>'
            f'<td class="num alpha-value">{fmt(stats.alpha.value)}</td><td class="chart">{_alpha_svg(stats)}</td>'
            f'<td class="num">{interval(stats)}</td><td class="num">{percent(stats.agreement)}</td>'
            f'<td class="num">{stats.units}</td></tr>'
        )
    out.append("</tbody></table></div></section>")
    return "\n".join(out)


# --- heat map -------------------------------------------------------------------------------------


def heat_colour(share: float) -> str:
    """A cell's background: white (all agree) to dark red (every pair differs)."""
    low, high = (255, 247, 240), (165, 15, 21)
    return "#" + "".join(f"{round(a + (b - a) * share):02x}" for a, b in zip(low, high, strict=True))


def _cell(row: ParagraphRow, column: int, question: str, key: str) -> str:
    pairs, differ = row.pairs[column], row.disagreeing[column]
    data = f'data-paragraph="{row.index}" data-key="{esc(key)}" data-disagreeing="{differ}" data-pairs="{pairs}"'
    if not pairs:
        label = f"¶ {row.index}, {question}: fewer than two answers"
        return f'<td class="cell none" {data} title="{esc(label)}" aria-label="{esc(label)}"></td>'
    share = differ / pairs
    label = f"¶ {row.index}, {question}: {differ} of {pairs} pairs differ ({percent(share)})"
    ink = "#fff" if share > 0.55 else "inherit"
    shown = "·" if not differ else percent(share)
    return (
        f'<td class="cell" {data} title="{esc(label)}" aria-label="{esc(label)}" '
        f'style="background:{heat_colour(share)};color:{ink}">{shown}</td>'
    )


def _heat_map(comparison: Comparison) -> str:
    columns = comparison.map_items
    if not columns:
        return ""
    questions = [v.title for v in columns]
    out = [
        "<section><h2>Disagreement map</h2>",
        "<p>Each cell: the share of pairs of readers whose answers to that question differ in that paragraph. "
        '<span class="no-print">Hover over a cell or a column for the question.</span></p>',
        '<div class="swatches" aria-label="colour legend">'
        + "".join(
            f'<span class="swatch" style="background:{heat_colour(s)};color:{"#fff" if s > 0.55 else "inherit"}">'
            f"{'· all agree' if s == 0 else percent(s)}</span>"
            for s in (0, 0.25, 0.5, 0.75, 1)
        )
        + '<span class="swatch none">under 2 answers</span></div>',
    ]
    header = "".join(
        f'<th class="q" scope="col" title="{n}. {esc(q)}"><span>{n}. '
        f"{esc(q if len(q) <= HEADER_CHARS else q[: HEADER_CHARS - 1] + '…')}</span></th>"
        for n, q in enumerate(questions, start=1)
    )
    essays = comparison.input.essays
    for e, essay in enumerate(essays):
        if len(essays) > 1:
            out.append(f"<h3>{esc(essay_title(essay))}</h3>")
        out.append(
            f'<div class="scroll map"><table class="heat" data-essay="{esc(essay.sha256)}">'
            f'<thead><tr><th scope="col">¶</th>{header}</tr></thead><tbody>'
        )
        for row in (r for r in comparison.rows if r.essay == e):
            cells = "".join(_cell(row, c, questions[c], columns[c].key) for c in range(len(columns)))
            out.append(f'<tr><th class="p" scope="row">¶ {row.index}</th>{cells}</tr>')
        out.append("</tbody></table></div>")
    out.append('<ol class="questions">' + "".join(f"<li>{esc(q)}</li>" for q in questions) + "</ol></section>")
    return "\n".join(out)


# --- contested paragraphs -------------------------------------------------------------------------


def _label_colours(comparison: Comparison) -> dict[str, str]:
    return {label: mark_colour(slot) for slot, label in enumerate(comparison.input.checklist.labels)}


def _label_title(comparison: Comparison, label: str) -> str:
    labels = comparison.input.checklist.labels
    return labels[label].title if label in labels else label


def marked_text(text: str, marks: list[tuple[int, int, str, str]], colours: dict[str, str]) -> str:
    """``text`` escaped, with ``marks`` (start, end, label, what a hover says) as <mark>s; where
    several overlap, one mark says all of them."""
    cuts = sorted({0, len(text), *(p for start, end, _, _ in marks for p in (start, end))})
    out = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = [m for m in marks if m[0] <= start and end <= m[1]]
        piece = esc(text[start:end])
        if covering:
            says = "; ".join(m[3] for m in covering)
            colour = colours.get(covering[0][2], mark_colour(0))
            piece = f'<mark style="background:{colour}" title="{esc(says)}">{piece}</mark>'
        out.append(piece)
    return "".join(out)


def _paragraph(comparison: Comparison, essay: EssayGroup, row: ParagraphRow) -> str:
    colours = _label_colours(comparison)
    text = essay.paragraph_text(row.index)
    marks = []
    if essay.text is not None:  # offsets refer to the whole paragraph, not to an excerpt
        for file in essay.files:
            record = file.record(row.index)
            for h in record.highlight if record else []:
                if not h.stale and text[h.start : h.end] == h.quote:
                    says = f"{file.reader}: {_label_title(comparison, h.label)}" + (f" ({h.note})" if h.note else "")
                    marks.append((h.start, h.end, h.label, says))
    where = f"¶ {row.index}" + ("" if len(comparison.input.essays) == 1 else f" of {essay_title(essay)}")
    readers = essay.readers
    out = [
        f'<section class="contested" data-paragraph="{row.index}"><h3>{esc(where)}: {split_items(row.split_items)}, '
        f"{percent(row.contention)} of pairs differ</h3>",
        f"<blockquote>{marked_text(text, marks, colours)}</blockquote>",
        '<div class="scroll"><table class="answers"><thead><tr><th>question</th>'
        + "".join(f'<th scope="col">{esc(r)}</th>' for r in readers)
        + "</tr></thead><tbody>",
    ]
    records = [file.record(row.index) for file in essay.files]
    for column, variable in enumerate(comparison.map_items):
        if row.disagreeing[column]:
            answers = "".join(f"<td>{esc(answer_title(record, variable.item)) or NO_ANSWER}</td>" for record in records)
            out.append(f'<tr><th scope="row">{esc(variable.title)}</th>{answers}</tr>')
    if any(record and record.note for record in records):
        notes = "".join(f"<td>{esc(record.note if record else '')}</td>" for record in records)
        out.append(f'<tr><th scope="row">note</th>{notes}</tr>')
    if any(record and record.highlight for record in records):
        cells = []
        for record in records:
            marked = []
            for h in record.highlight if record else []:
                note = f" ({esc(h.note)})" if h.note else ""
                marked.append(
                    f'<mark style="background:{colours.get(h.label, mark_colour(0))}">{esc(h.quote)}</mark> '
                    f"<i>{esc(_label_title(comparison, h.label))}</i>{note}"
                )
            cells.append("<td>" + "<br>".join(marked) + "</td>")
        out.append(f'<tr><th scope="row">highlights</th>{"".join(cells)}</tr>')
    out.append("</tbody></table></div></section>")
    return "\n".join(out)


def _contested(comparison: Comparison) -> str:
    contested = comparison.contested
    if not contested:
        return "<section><h2>Most contested paragraphs</h2><p>None: wherever two or more readers answered, they agreed.</p></section>"
    essays = comparison.input.essays
    shown = [_paragraph(comparison, essays[row.essay], row) for row in contested[:TOP]]
    return (
        f"<section><h2>Most contested paragraphs</h2><p>The {len(shown)} of {len(contested)} paragraphs with any "
        "disagreement where the most pairs of answers differ: the questions readers split on, their notes and "
        "highlights (hover over a marked passage for who marked it).</p>\n" + "\n".join(shown) + "</section>"
    )


def _reasons(comparison: Comparison) -> str:
    """The readers' answers about each essay as a whole, side by side."""
    data = comparison.input
    items = [i for i in data.checklist.items.values() if i.scope == "essay"]
    out = []
    for essay in data.essays:
        overalls = [file.assessment.overall for file in essay.files]
        rows = [
            f'<tr><th scope="row">{esc(item.prompt)}</th>'
            + "".join(f"<td>{esc(answer_title(overall, item)) or NO_ANSWER}</td>" for overall in overalls)
            + "</tr>"
            for item in items
            if any(overall.is_answered(item.id) for overall in overalls)
        ]
        if any(overall.note for overall in overalls):
            rows.append(
                '<tr><th scope="row">note</th>' + "".join(f"<td>{esc(o.note)}</td>" for o in overalls) + "</tr>"
            )
        if not rows:
            continue
        if len(data.essays) > 1:
            out.append(f"<h3>{esc(essay_title(essay))}</h3>")
        out.append(
            '<div class="scroll"><table class="reasons"><thead><tr><th>question</th>'
            + "".join(f'<th scope="col">{esc(r)}</th>' for r in essay.readers)
            + "</tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table></div>"
        )
    if not out:
        return ""
    return (
        "<section><h2>The readers' reasons</h2><p>Their answers about the essay as a whole.</p>"
        + "\n".join(out)
        + "</section>"
    )


# --- pairs and spans ------------------------------------------------------------------------------


def _pairs(comparison: Comparison) -> str:
    readers = comparison.readers
    if len(readers) < 3:
        return ""
    head = "".join(f'<th scope="col">{esc(r)}</th>' for r in readers)
    body = "".join(
        f'<tr><th scope="row">{esc(row[0])}</th>' + "".join(f'<td class="num">{c}</td>' for c in row[1:]) + "</tr>"
        for row in pair_matrix(comparison)
    )
    return (
        "<section><h2>Agreement per pair of readers</h2><p>Share of answers alike above the diagonal, mean "
        "Cohen's kappa over the items below it.</p>"
        f'<div class="scroll"><table class="pairs"><thead><tr><th></th>{head}</tr></thead><tbody>{body}'
        "</tbody></table></div></section>"
    )


def _spans(comparison: Comparison) -> str:
    if not comparison.spans:
        return ""
    colours = _label_colours(comparison)
    rows = []
    for s in comparison.spans:
        rows.append(
            f'<tr class="span" data-label="{esc(s.label)}" data-first="{esc(s.first)}" data-second="{esc(s.second)}" '
            f'data-exact-f1="{_number(s.exact_f1)}" data-overlap-f1="{_number(s.overlap_f1)}">'
            f'<td><mark style="background:{colours.get(s.label, mark_colour(0))}">'
            f"{esc(_label_title(comparison, s.label))}</mark></td><td>{esc(s.first)} · {esc(s.second)}</td>"
            f'<td class="num">{s.first_spans}/{s.second_spans}</td><td class="num">{s.exact}</td>'
            f'<td class="num">{fmt(s.exact_f1)}</td><td class="num">{fmt(s.overlap_f1)}</td></tr>'
        )
    return (
        "<section><h2>Highlights: span agreement per label</h2><p>Per label and pair of readers: spans marked with "
        "the same bounds, F1 of those exact matches, and F1 when a span counts as found if it overlaps the other "
        "reader's.</p>"
        '<div class="scroll"><table class="spans"><thead><tr><th>label</th><th>readers</th><th class="num">spans</th>'
        '<th class="num">same</th><th class="num">exact F1</th><th class="num">overlap F1</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table></div></section>"
    )
