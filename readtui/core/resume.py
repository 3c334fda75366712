"""Resuming an assessment file: whose it is, and realigning it with an edited essay.

A file is resumed only by its reader. When the essay changed since the file was saved, records
follow their paragraphs (found again by sha256) and highlights their quotes; what cannot be found
again keeps its place and is marked stale, for the reader to review.
"""

from __future__ import annotations

import re
from pathlib import Path

from readtui.core.assessment import Assessment, Highlight, past_the_essay
from readtui.core.errors import ReadtuiError
from readtui.core.upgrade import upgrade


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
