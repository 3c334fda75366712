"""``readtui report``: one reader's assessment as Markdown or as one HTML page.

Markdown has no colours: marked words are **bold**, each followed by a footnote ``[^n]`` giving
its label, its words and the reader's note. In HTML each highlight is a ``<mark>`` coloured by its
label (a legend says which), with the label and note on hover, and numbered like the footnotes in
a list under the paragraph, for paper and phones. Overlapping highlights are cut into stretches:
a stretch covered by two highlights is one ``<mark>`` naming both.
"""

from __future__ import annotations

import re

from readtui.core.checklist import ScaleItem, answer_label
from readtui.core.handin import AnswerLine, Block, HandIn, Mark, ParagraphPart, Run
from readtui.core.scoring import MATCH, MISS, MODEL, NEAR, NO_CONSENSUS, UNANSWERED, ItemResult
from readtui.core.training import Feedback
from readtui.reports.html import esc, mark_colour, page
from readtui.reports.text import md, percent

_MARKDOWN_START = re.compile(r"^(\s*)(\d*)([-+=.)])")
"""A line start Markdown reads as structure: a list item ("-", "+", "1.", "1)"), a setext underline ("=")."""
VERDICTS = {MATCH: "✓", NEAR: "≈", MISS: "✗", UNANSWERED: "✗", MODEL: "✎", NO_CONSENSUS: "?"}
LEGEND_NOTE = (
    "Numbers after marked words are the highlights listed under each paragraph. Words under two "
    "highlights are outlined."
)
HOVER_NOTE = "Hover over a highlight for its label and note."
"""Said on screen only: paper has no hover."""
EXCERPT_WARNING = "The essay was not found: each paragraph shows only the excerpt the file keeps."


def render(handin: HandIn, output_format: str) -> str:
    """The report in ``output_format`` (markdown or html)."""
    return render_html(handin) if output_format == "html" else render_markdown(handin)


# --- what both formats say ---------------------------------------------------------------------


def byline(handin: HandIn) -> str:
    """ "by AUTHOR · DATE" (what is known of them)."""
    parts = [f"by {handin.author}" if handin.author else "", handin.date]
    return " · ".join(p for p in parts if p)


def reader_line(handin: HandIn) -> str:
    """Who read it, with which checklist, and how far."""
    a = handin.assessment
    version = f" {a.checklist.version}" if a.checklist.version else ""
    status = "complete" if a.session.status == "complete" else "in progress"
    return (
        f"Read by {a.reader.name} with the checklist {handin.checklist.title} ({a.checklist.id}{version}); "
        f"{status}, last saved {a.session.updated:%Y-%m-%d %H:%M} UTC"
    )


def summary_rows(handin: HandIn) -> list[tuple[str, str]]:
    s = handin.summary
    return [
        ("Paragraphs with answers, notes or highlights", f"{s.paragraphs_with_work} of {s.paragraphs}"),
        ("Answers", str(s.answered)),
        ("Unsure", str(s.unsure)),
        ("Flagged paragraphs", str(s.flagged)),
        ("Required answers left out", str(s.left_out)),
        ("Highlights", str(s.highlights)),
    ]


def score_rows(handin: HandIn) -> list[tuple[str, str]]:
    """The first-try score, in total and per section (training files whose key was found)."""
    card = handin.trainer.scorecard()
    titles = {section.id: section.title for section in handin.checklist.section}
    rows = [("Total", _tally(card.total))]
    rows += [(titles.get(sid, sid), _tally(tally)) for sid, tally in card.by_section.items()]
    spans = card.span_total
    if spans.found + spans.missed:
        rows.append(("The key's highlights found", f"{spans.found} of {spans.found + spans.missed}"))
    return rows


def _tally(tally) -> str:
    return f"{tally.credit:g} of {tally.items} ({percent(tally.share)})"


def feedback_lines(handin: HandIn, feedback: Feedback) -> tuple[str, list[tuple[str, list[str]]]]:
    """The key's feedback: a heading and, per item or highlight, (first line, lines under it)."""
    credit, scored = feedback.credit
    key = handin.trainer.key.key
    entries: list[tuple[str, list[str]]] = []
    for result in feedback.items:
        entries.append(_item_feedback(result, feedback.now.get(result.item.id), key))
    for highlight, found in feedback.spans:
        title = _label_title(handin, highlight.label)
        under = [f"note: {highlight.note}"] if highlight.note else []
        entries.append((f"{VERDICTS[MATCH if found else MISS]} The key marks {title}: “{highlight.quote}”", under))
    for highlight in feedback.extra:
        entries.append((f"· Yours, not the key's: {_label_title(handin, highlight.label)}: “{highlight.quote}”", []))
    return f"The key's feedback: {credit:g} of {scored} at the first try", entries


def _label_title(handin: HandIn, label_id: str) -> str:
    label = handin.checklist.labels.get(label_id)
    return label.title if label else label_id


def _item_feedback(result: ItemResult, now: ItemResult | None, key) -> tuple[str, list[str]]:
    item = result.item
    first = f"{VERDICTS[result.verdict]} {item.prompt}"
    you = answer_label(item, result.given)
    if result.verdict == NO_CONSENSUS:
        under = [f"you: {you} · key: no agreed answer (not scored)"]
    elif result.verdict == MODEL:
        under = [f"you: {you}", f"model answer: {answer_label(item, result.expected)}"]
    else:
        expected = answer_label(item, result.expected)
        tolerance = key.tolerance_for(item.id) if key else 0
        if isinstance(item, ScaleItem) and tolerance:
            expected += f" (± {tolerance})"
        credit = "" if result.credit in (0, 1) else f" ({result.credit:.0%} credit)"
        under = [f"you: {you} · key: {expected}{credit}"]
        if result.accepted:
            under.append("also right: " + "; ".join(answer_label(item, value) for value in result.accepted))
    if now is not None:
        under.append(f"answered again: {answer_label(item, now.given)} {VERDICTS[now.verdict]}")
    if result.explanation:
        under.append(result.explanation)
    return first, under


def _mark_text(handin: HandIn, m: Mark) -> str:
    """A highlight in one line: label, words, the reader's note."""
    note = f" — {m.highlight.note}" if m.highlight.note else ""
    return f"{m.label}: “{m.highlight.quote}”{note}"


# --- Markdown ----------------------------------------------------------------------------------


def render_markdown(handin: HandIn) -> str:
    """The report as Markdown (CommonMark with footnotes, as GitHub and pandoc read it)."""
    out = [f"# {md(handin.title or 'Untitled essay')}", ""]
    if byline(handin):
        out += [md(byline(handin)), ""]
    out += [md(reader_line(handin)), ""]
    if not handin.whole_text:
        out += [f"> {EXCERPT_WARNING}", ""]
    if handin.labels:
        out += [
            "Highlights are **bold**, each with a footnote giving its label and the reader's note. Labels used:",
            "",
        ]
        out += [f"- {md(title)}" + (f" — {md(help_)}" if help_ else "") for title, help_, _ in handin.labels]
        out.append("")
    footnotes: list[str] = []
    for part in handin.paragraphs:
        out += _md_paragraph(handin, part, footnotes)
    out += ["## The essay as a whole", ""]
    out += _md_block(handin.overall, "No answers about the essay as a whole.")
    feedback = handin.feedback_for_essay()
    if feedback is not None:
        out += _md_feedback(handin, feedback)
    if handin.before is not None:
        out += ["## Before reading", ""]
        out += _md_block(handin.before, "No answers before reading.")
    out += ["## Summary", "", "| | |", "|---|---|"]
    out += [f"| {md(name)} | {md(value)} |" for name, value in summary_rows(handin)]
    out.append("")
    out += _md_training(handin)
    if footnotes:
        out += footnotes + [""]
    return "\n".join(out)


def _md_paragraph(handin: HandIn, part: ParagraphPart, footnotes: list[str]) -> list[str]:
    tags = [t for t, on in (("flagged", part.flagged), ("answers to an earlier version (stale)", part.stale)) if on]
    out = [f"## ¶ {part.index}" + (f" ({', '.join(tags)})" if tags else ""), ""]
    text = _md_text(part.runs)
    if not part.whole:
        text = f"*Excerpt:* {text}" if text else "*No excerpt kept.*"
    out += [_plain_start(text) or "*(empty)*", ""]
    for m in part.marks:
        footnotes.append(f"[^{m.number}]: " + _md_lines(_mark_text(handin, m), "    "))
    if part.stale_marks:
        out.append("Highlights not found in the text as it is now (the essay changed), or not placed on the excerpt:")
        out.append("")
        out += [f"- {_md_lines(_mark_text(handin, m), '  ')}" for m in part.stale_marks]
        out.append("")
    out += _md_block(part.block, "No answers.")
    if part.feedback is not None:
        out += _md_feedback(handin, part.feedback)
    return out


def _md_text(runs: list[Run]) -> str:
    """The paragraph with each stretch of marked words in one bold span (highlights that touch or
    overlap share it), a footnote reference after the words of each highlight."""
    out = []
    bold = ""
    for run in [*runs, Run("", ())]:
        piece = md(run.text) + "".join(f"[^{m.number}]" for m in run.ends)
        if run.marks:
            bold += piece
            continue
        if bold:
            out.append(_bold(bold))
            bold = ""
        out.append(piece)
    return "".join(out)


def _bold(text: str) -> str:
    """``**text**``, with the spaces at its ends left outside (where Markdown needs them)."""
    core = text.strip()
    lead = text[: len(text) - len(text.lstrip())]
    return f"{lead}**{core}**{text[len(text.rstrip()) :]}" if core else text


def _md_lines(text: str, indent: str) -> str:
    """Text of several lines kept as lines (hard breaks), each escaped."""
    return f"  \n{indent}".join(_md_line(line) for line in text.split("\n"))


def _md_line(text: str) -> str:
    """`md`, and a start that Markdown would take for a list, quote or heading made plain."""
    return _plain_start(md(text))


def _plain_start(text: str) -> str:
    return _MARKDOWN_START.sub(r"\1\2\\\3", text, count=1)


def _md_block(block: Block, empty: str) -> list[str]:
    out = [_md_answer(line) for line in block.answers] or [f"*{empty}*"]
    out.append("")
    if block.note:
        out += (
            ["Note:", ""] + [f"> {_md_line(line)}  " if line.strip() else ">" for line in block.note.split("\n")] + [""]
        )
    return out


def _md_answer(line: AnswerLine) -> str:
    if line.unsure:
        return f"- **{md(line.question)}** — *unsure*"
    return f"- **{md(line.question)}** — {_md_lines(line.answer, '  ')}"


def _md_feedback(handin: HandIn, feedback: Feedback) -> list[str]:
    heading, entries = feedback_lines(handin, feedback)
    out = [f"**{md(heading)}**", ""]
    for first, under in entries:
        out.append(f"- {md(first)}")
        out += [f"  - {_md_lines(line, '    ')}" for line in under]
    return out + [""]


def _md_training(handin: HandIn) -> list[str]:
    if not handin.training:
        return []
    out = ["## Training score", ""]
    if handin.trainer is None:
        return out + ["*The answer key was not found: no score or feedback (give `--key PATH`).*", ""]
    out += ["First tries count: an answer changed after the feedback does not.", "", "| | |", "|---|---|"]
    out += [f"| {md(name)} | {md(value)} |" for name, value in score_rows(handin)]
    return out + [""]


# --- HTML --------------------------------------------------------------------------------------

CSS = """
.legend { display: flex; flex-wrap: wrap; gap: 0.3rem 0.8rem; padding: 0; list-style: none;
          font-family: system-ui, sans-serif; font-size: 0.9rem; }
body { overflow-wrap: anywhere; }  /* a long URL or word in an essay or note wraps on a phone */
mark sup, .text sup { font-family: system-ui, sans-serif; font-size: 0.7em; }
mark.both { outline: 2px solid var(--ink); }
.marks { font-size: 0.9rem; padding-left: 1.6rem; }
.answers { margin: 0.5rem 0; }
.answers dt { font-family: system-ui, sans-serif; font-weight: 600; font-size: 0.9rem; }
.answers dd { margin: 0 0 0.35rem 1rem; }
.note { border-left: 3px solid var(--rule); margin: 0.5rem 0; padding: 0.1rem 0.7rem; }
.tag { font-family: system-ui, sans-serif; font-size: 0.75rem; border: 1px solid var(--muted);
       border-radius: 3px; padding: 0 0.3rem; margin-left: 0.4rem; vertical-align: middle; }
.unsure { font-style: italic; color: var(--muted); }
.warning { border: 1px solid #c58a00; background: #fff6de; padding: 0.4rem 0.7rem; }
.feedback { border: 1px solid var(--rule); padding: 0.3rem 0.8rem; font-size: 0.92rem; }
.feedback ul { padding-left: 1.2rem; }
"""


def render_html(handin: HandIn) -> str:
    """The report as one self-contained HTML page."""
    out = [f"<header><h1>{esc(handin.title or 'Untitled essay')}</h1>"]
    if byline(handin):
        out.append(f'<p class="meta">{esc(byline(handin))}</p>')
    out.append(f'<p class="meta">{esc(reader_line(handin))}</p></header>')
    if not handin.whole_text:
        out.append(f'<p class="warning">{esc(EXCERPT_WARNING)}</p>')
    if handin.labels:
        items = "".join(
            f'<li><mark style="background:{mark_colour(slot)}"'
            + (f' title="{esc(help_)}"' if help_ else "")
            + f">{esc(title)}</mark></li>"
            for title, help_, slot in handin.labels
        )
        out.append(
            f'<section class="legend-box"><h2>Highlight labels</h2><ul class="legend">{items}</ul>'
            f'<p class="meta">{esc(LEGEND_NOTE)} <span class="no-print">{esc(HOVER_NOTE)}</span></p></section>'
        )
    out.append("<h2>The essay, paragraph by paragraph</h2>")
    out += [_html_paragraph(handin, part) for part in handin.paragraphs]
    essay_part = ["<section><h2>The essay as a whole</h2>", _html_block(handin.overall, "No answers.")]
    feedback = handin.feedback_for_essay()
    if feedback is not None:
        essay_part.append(_html_feedback(handin, feedback))
    out.append("".join(essay_part) + "</section>")
    if handin.before is not None:
        out.append(f"<section><h2>Before reading</h2>{_html_block(handin.before, 'No answers.')}</section>")
    out.append(f'<section id="summary"><h2>Summary</h2>{_html_table(summary_rows(handin))}</section>')
    if handin.training:
        out.append(_html_training(handin))
    title = f"{handin.title or 'Untitled essay'} — {handin.assessment.reader.name}"
    return page(title, "\n".join(out), CSS)


def _html_paragraph(handin: HandIn, part: ParagraphPart) -> str:
    tags = "".join(
        f'<span class="tag">{name}</span>'
        for name, on in (("flagged", part.flagged), ("answers to an earlier version (stale)", part.stale))
        if on
    )
    text = "".join(_html_run(run) for run in part.runs)
    css = "text" if part.whole else "text excerpt"
    out = [f'<section class="paragraph" id="p{part.index}"><h3>¶ {part.index}{tags}</h3>']
    out.append(f'<p class="{css}">{text}</p>')
    if part.marks:
        out.append('<ol class="marks">' + "".join(_html_mark_item(handin, m) for m in part.marks) + "</ol>")
    if part.stale_marks:
        out.append(
            '<p class="muted">Highlights not found in the text as it is now (the essay changed), '
            'or not placed on the excerpt:</p><ul class="marks">'
            + "".join(f"<li>{_esc_lines(_mark_text(handin, m))}</li>" for m in part.stale_marks)
            + "</ul>"
        )
    out.append(_html_block(part.block, "No answers."))
    if part.feedback is not None:
        out.append(_html_feedback(handin, part.feedback))
    return "".join(out) + "</section>"


def _html_mark_item(handin: HandIn, m: Mark) -> str:
    swatch = f'<mark style="background:{mark_colour(m.slot)}">{esc(m.label)}</mark>'
    note = f" — {_esc_lines(m.highlight.note)}" if m.highlight.note else ""
    return f'<li value="{m.number}">{swatch} “{esc(m.highlight.quote)}”{note}</li>'


def _html_run(run: Run) -> str:
    text = esc(run.text)
    if not run.marks:
        return text
    inner = run.marks[-1]  # the last to start (the innermost) gives the colour
    # One line per highlight over the stretch: the label and the reader's note (its lines kept).
    title = "&#10;".join(
        "&#10;".join(
            esc(line) for line in (m.label + (f": {m.highlight.note}" if m.highlight.note else "")).split("\n")
        )
        for m in run.marks
    )
    numbers = " ".join(str(m.number) for m in run.marks)
    both = ' class="both"' if len(run.marks) > 1 else ""
    sup = "".join(f"<sup>{m.number}</sup>" for m in run.ends)
    return (
        f'<mark{both} style="background:{mark_colour(inner.slot)}" data-highlights="{numbers}" '
        f'title="{title}">{text}{sup}</mark>'
    )


def _esc_lines(text: str) -> str:
    """Text of several lines, escaped, its lines kept."""
    return "<br>".join(esc(line) for line in text.split("\n"))


def _html_block(block: Block, empty: str) -> str:
    if block.answers:
        rows = "".join(
            f"<dt>{esc(line.question)}</dt>"
            + ('<dd class="unsure">unsure</dd>' if line.unsure else f"<dd>{_esc_lines(line.answer)}</dd>")
            for line in block.answers
        )
        out = f'<dl class="answers">{rows}</dl>'
    else:
        out = f'<p class="muted">{esc(empty)}</p>'
    if block.note:
        out += f'<div class="note"><strong>Note:</strong><br>{_esc_lines(block.note)}</div>'
    return out


def _html_feedback(handin: HandIn, feedback: Feedback) -> str:
    heading, entries = feedback_lines(handin, feedback)
    items = "".join(
        f"<li>{esc(first)}" + ("<br>" + "<br>".join(_esc_lines(line) for line in under) if under else "") + "</li>"
        for first, under in entries
    )
    return f'<div class="feedback"><p><strong>{esc(heading)}</strong></p><ul>{items}</ul></div>'


def _html_table(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{esc(name)}</th><td>{esc(value)}</td></tr>" for name, value in rows)
    return f'<div class="scroll"><table>{body}</table></div>'


def _html_training(handin: HandIn) -> str:
    out = '<section id="score"><h2>Training score</h2>'
    if handin.trainer is None:
        return (
            out
            + '<p class="warning">The answer key was not found: no score or feedback (give --key PATH).</p></section>'
        )
    out += "<p>First tries count: an answer changed after the feedback does not.</p>"
    return out + _html_table(score_rows(handin)) + "</section>"
