"""Files of an older format, moved onto this one (in memory; a file is rewritten when next saved).

Format 1 (``readtui-assessment/1``) kept a Markdown paragraph's syntax in its text: its hashes
and highlight offsets count the syntax as written. Format 2 counts the rendered text
(docs/formats.md, "Older files"). Plain-text essays read the same in both.
"""

from __future__ import annotations

import hashlib

from readtui.core.assessment import ASSESSMENT_FORMAT, MARKDOWN_SOURCE_FORMAT, Assessment, excerpt
from readtui.core.essay import Essay, legacy_markdown_paragraphs
from readtui.core.markdown import BULLETS


def legacy_sha256(essay: Essay) -> str | None:
    """The essay's sha256 as format 1 computed it; None for plain text (the same in both formats)."""
    legacy = legacy_markdown_paragraphs(essay)
    return None if legacy is None else _essay_sha256(legacy)


def _essay_sha256(paragraphs: list[str]) -> str:
    return hashlib.sha256("\n\n".join(paragraphs).encode("utf-8")).hexdigest()


def upgrade(assessment: Assessment, essay: Essay) -> list[str]:
    """Move a file of an older format onto this one (in memory; it is written when next saved).

    Format 1 kept a Markdown paragraph's syntax in its text. Records found by their format-1
    hashes move to the rendered paragraphs, and their highlights to the same words there.
    Returns a notice for the reader when anything moved.
    """
    if assessment.format != MARKDOWN_SOURCE_FORMAT:
        return []
    assessment.format = ASSESSMENT_FORMAT
    legacy = legacy_markdown_paragraphs(essay)
    if legacy is None:
        return []  # plain text reads the same in both formats
    old_essay_sha256 = _essay_sha256(legacy)
    if old_essay_sha256 == essay.sha256:
        return []  # no Markdown syntax that renders differently
    old_texts = {hashlib.sha256(text.encode("utf-8")).hexdigest(): text for text in legacy}
    new_places: dict[str, list[int]] = {}
    for i in range(len(essay.paragraphs)):
        new_places.setdefault(essay.paragraphs.source_text(i), []).append(i + 1)
    taken: set[int] = set()
    moved = highlights = 0
    for record in sorted(assessment.paragraph, key=lambda r: r.index):
        old_text = old_texts.get(record.sha256)
        candidates = [i for i in new_places.get(old_text, []) if i not in taken] if old_text is not None else []
        if not candidates:
            continue  # an edited paragraph: `realign` marks it stale
        index = min(candidates, key=lambda i: abs(i - record.index))
        taken.add(index)
        text = essay.paragraphs[index - 1]
        heading_end = max(
            (end + 1 for _, end, style in essay.paragraph_spans(index - 1) if style == "heading"), default=0
        )
        new_offset = _aligned_offsets(old_text, text, heading_end)
        for highlight in record.highlight:
            start, end = new_offset[highlight.start], new_offset[highlight.end]
            quote = text[start:end]
            start, end = start + len(quote) - len(quote.lstrip()), end - len(quote) + len(quote.rstrip())
            highlight.start, highlight.end, highlight.quote = start, max(start, end), text[start:end]
            highlight.stale = highlight.stale or start >= end
            highlights += 1
        record.index, record.sha256 = index, essay.paragraph_sha256(index - 1)
        record.chars, record.excerpt = len(text), excerpt(text)
        moved += 1
    if assessment.essay.sha256 == old_essay_sha256:  # otherwise the essay was edited too: realign follows
        assessment.essay.sha256 = essay.sha256
        assessment.essay.paragraphs = len(essay.paragraphs)
    return [
        f"This file was saved by an older readtui ({MARKDOWN_SOURCE_FORMAT}), whose Markdown paragraphs kept "
        f"their syntax (**, _, >); {moved} paragraph(s) and {highlights} highlight(s) were moved onto the "
        f"rendered text ({ASSESSMENT_FORMAT})."
    ]


def _aligned_offsets(old: str, new: str, start: int) -> list[int]:
    """Where each offset of ``old`` (and its end) lands in ``new`` (``old`` rendered from
    ``start`` on): markers are the characters of ``old`` that ``new`` has not, a list marker
    became a bullet and the space before a line a line break."""
    offsets = []
    j = start
    for character in old:
        offsets.append(j)
        if j < len(new) and (
            new[j] == character or (new[j] == "\n" and character == " ") or (new[j] in BULLETS and character in "-*+")
        ):
            j += 1
    offsets.append(j)
    return offsets
