"""Resuming an assessment file: whose it is, upgrading an older format, and realigning it with an edited essay.

A file is resumed only by its reader. When the essay changed since the file was saved, records
follow their paragraphs (found again by sha256) and highlights their quotes; what cannot be found
again keeps its place and is marked stale, for the reader to review.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from readtui.core.assessment import (
    ASSESSMENT_FORMAT,
    MARKDOWN_SOURCE_FORMAT,
    Assessment,
    Highlight,
    excerpt,
    past_the_essay,
)
from readtui.core.errors import ReadtuiError
from readtui.core.essay import legacy_markdown_paragraphs
from readtui.core.markdown import BULLETS


def resume_problems(path: Path, assessment: Assessment, essay, reader: str) -> list[str]:
    """Refuse to resume someone else's file or another essay; realign an edited one.

    Returns notices for the reader. Raises ReadtuiError when the file must not be written over.
    """
    if assessment.reader.name != reader:
        raise ReadtuiError(
            path,
            f"belongs to reader {assessment.reader.name!r}, not {reader!r}; "
            f"use --reader {assessment.reader.name} to resume it, or --out to start another file",
        )
    notices = upgrade(assessment, essay)
    if assessment.essay.sha256 != essay.sha256:
        notices += realign(path, assessment, essay)
    # A hand-edited file can point past the essay even when its hash matches: the screen would fail on it.
    count = len(essay.paragraphs)
    for p, record in enumerate(assessment.paragraph, start=1):
        if error := past_the_essay(path, record.index, count, f"paragraph[{p}].index"):
            raise error
    assessment.session.position = min(assessment.session.position, count)
    return notices


def realign(path: Path, assessment: Assessment, essay) -> list[str]:
    """Move records of an edited essay to their paragraphs' new places, by sha256.

    Records whose paragraph text changed keep their place (shifted like the paragraphs before
    them) and are marked stale.
    """
    positions: dict[str, list[int]] = {}
    for i in range(len(essay.paragraphs)):
        positions.setdefault(essay.paragraph_sha256(i), []).append(i + 1)
    records = assessment.paragraph
    shared = sum(1 for record in records if record.sha256 in positions)
    # With no paragraph records (only overall answers) the hashes prove nothing: the title decides.
    same_title = bool(essay.title) and essay.title == assessment.essay.title
    if (not records and not same_title) or shared * 2 < len(records):
        raise ReadtuiError(
            path,
            f"was written for a different essay ({assessment.essay.title or assessment.essay.source or 'untitled'!r}, "
            f"{shared} of {len(records)} paragraphs match); use --out to start a new file",
        )
    taken: set[int] = set()
    shifts: list[tuple[int, int]] = []
    moved = 0
    stale_records = []
    for record in sorted(records, key=lambda r: r.index):
        candidates = [i for i in positions.get(record.sha256, []) if i not in taken]
        if candidates:
            new_index = min(candidates, key=lambda i: abs(i - record.index))
            taken.add(new_index)
            shifts.append((record.index, new_index - record.index))
            moved += new_index != record.index
            record.index, record.stale = new_index, False
        else:
            stale_records.append(record)
    paragraph_count = len(essay.paragraphs)
    for record in stale_records:
        # An edited paragraph stays where it was, shifted like the paragraphs before it
        # (an insertion above it moves it down too), when that place is free.
        shift = next((delta for old, delta in reversed(shifts) if old < record.index), 0)
        wanted = record.index + shift
        if 1 <= wanted <= paragraph_count and wanted not in taken:
            record.index = wanted
            taken.add(wanted)
        record.index = min(record.index, paragraph_count)
        record.stale = True
        reanchor(record.highlight, essay.paragraphs[record.index - 1])
    stale = len(stale_records)
    assessment.essay.sha256 = essay.sha256
    assessment.essay.paragraphs = paragraph_count
    session = assessment.session
    session.position = min(session.position, paragraph_count)
    notices = [f"The essay was edited since this file was saved: {moved} paragraph(s) moved"]
    if stale:
        notices.append(f"{stale} paragraph(s) changed; their answers are kept and marked stale")
    return ["; ".join(notices) + "."]


def reanchor(highlights: list[Highlight], text: str) -> None:
    """Point highlights at their quotes in the edited ``text`` (the nearest occurrence to where
    they were); a quote that is not found again keeps its offsets and is marked stale."""
    for highlight in highlights:
        starts = [match.start() for match in re.finditer(re.escape(highlight.quote), text)]
        if starts:
            start = min(starts, key=lambda candidate: abs(candidate - highlight.start))
            highlight.start, highlight.end, highlight.stale = start, start + len(highlight.quote), False
        else:
            highlight.stale = True


def upgrade(assessment: Assessment, essay) -> list[str]:
    """Move a file of an older format onto this one (in memory; it is written when next saved).

    Format 1 kept a Markdown paragraph's syntax in its text. Records found by their format-1
    hashes move to the rendered paragraphs, and their highlights to the same words there.
    Returns a notice for the reader when anything moved.
    """
    if assessment.format == ASSESSMENT_FORMAT:
        return []
    assessment.format = ASSESSMENT_FORMAT
    legacy = legacy_markdown_paragraphs(essay)
    if legacy is None:
        return []  # plain text reads the same in both formats
    old_essay_sha256 = hashlib.sha256("\n\n".join(legacy).encode("utf-8")).hexdigest()
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
