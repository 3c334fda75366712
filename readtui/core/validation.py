"""``readtui validate``: check checklist and assessment files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from readtui.core.assessment import (
    ASSESSMENT_FORMAT,
    MARKDOWN_SOURCE_FORMAT,
    assessment_from_data,
    checklist_problems,
    essay_problems,
)
from readtui.core.checklist import (
    CHECKLIST_FORMAT,
    bundled_checklists,
    checklist_from_data,
    looks_like_path,
    resolve_checklist,
)
from readtui.core.errors import ReadtuiError, ReadtuiErrors, visible_controls
from readtui.core.essay import MARKDOWN_SUFFIXES
from readtui.core.storage import file_sha256, load_checklist, parse_toml
from readtui.core.upgrade import upgrade
from readtui.core.versions import checklist_changes

if TYPE_CHECKING:
    from readtui.core.checklist import Checklist
    from readtui.core.essay import Essay


@dataclass
class Report:
    """The outcome of validating one file."""

    problems: list[ReadtuiError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    summary: str = ""


def validate_file(
    spec: str,
    checklist_spec: str | None = None,
    essay: Essay | None = None,
    checklists: dict[Path, tuple[Checklist, str]] | None = None,
) -> Report:
    """Validate a checklist or assessment file, or a bundled checklist id; with ``essay``, an
    assessment's highlights are checked against the essay's text too. ``checklists``: those
    already read in this run (with their sha256), by path; each is read once."""
    report = Report()
    path = Path(spec)
    if not path.exists() and not looks_like_path(spec) and spec in bundled_checklists():
        path = bundled_checklists()[spec]
    try:
        data = parse_toml(path)
        kind = data.get("format")
        if isinstance(kind, str) and kind.startswith(CHECKLIST_FORMAT.partition("/")[0]):
            checklist = checklist_from_data(path, data)
            count = len(checklist.items)
            report.summary = f"checklist {checklist.id} {visible_controls(checklist.version)}, {count} item{'' if count == 1 else 's'}"
        elif isinstance(kind, str) and kind.startswith(ASSESSMENT_FORMAT.partition("/")[0]):
            _validate_assessment(path, data, checklist_spec, essay, report, {} if checklists is None else checklists)
        else:
            raise ReadtuiError(
                path, 'not a readtui file: expected format = "readtui-checklist/1" or "readtui-assessment/2"', "format"
            )
    except ReadtuiErrors as errors:
        report.problems += errors.problems
    except ReadtuiError as error:
        report.problems.append(error)
    return report


def _validate_assessment(
    path: Path,
    data: dict,
    checklist_spec: str | None,
    essay: Essay | None,
    report: Report,
    checklists: dict[Path, tuple[Checklist, str]],
) -> None:
    assessment = assessment_from_data(path, data)
    checklist_path = resolve_checklist(checklist_spec, checklist_id=assessment.checklist.id, beside=path)
    if checklist_path not in checklists:
        checklists[checklist_path] = load_checklist(checklist_path), file_sha256(checklist_path)
    checklist, checklist_sha256 = checklists[checklist_path]
    recorded = assessment.checklist
    changes = checklist_changes(assessment, checklist, checklist_sha256)
    if changes is not None:
        if recorded.version != checklist.version:
            report.warnings.append(
                f"{path}: checklist: recorded version {recorded.version!r}, found {checklist.version!r} at {checklist_path}"
            )
        else:
            report.warnings.append(
                f"{path}: checklist: {checklist_path} differs from the one this assessment recorded (sha256)"
            )
        report.warnings += [
            f"{path}: retired answer (kept in the file, left out of comparisons and scores): {changes.describe(answer)}"
            for answer in changes.retired
        ]
        report.warnings += [
            f"{path}: highlight of a label the checklist no longer has (kept): ¶ {index} {highlight.label!r}"
            for index, highlight in changes.highlights
        ]
    report.problems += checklist_problems(path, assessment, checklist, changed=changes is not None)
    if assessment.format == MARKDOWN_SOURCE_FORMAT and (
        upgrade(assessment, essay)
        if essay is not None
        else Path(assessment.essay.source).suffix.lower() in MARKDOWN_SUFFIXES
    ):
        report.warnings.append(
            f"{path}: format {MARKDOWN_SOURCE_FORMAT} was written when Markdown paragraphs kept their syntax "
            f"(**, _, >); `readtui read` moves its answers and highlights onto the rendered text ({ASSESSMENT_FORMAT})"
        )
    if essay is not None:
        report.problems += essay_problems(path, assessment, essay)
    answered = sum(1 for record in assessment.paragraph if record.answers or record.unsure)
    report.summary = (
        f"assessment by {visible_controls(assessment.reader.name)}, {answered}/{assessment.essay.paragraphs} "
        f"paragraphs with answers, checklist {checklist.id} {visible_controls(checklist.version)}"
    )
    before = assessment.before
    if before.has_content():
        given = len(before.answers) + len(before.unsure)
        report.summary += f", {given} before-reading answer(s) ({assessment.format}: older readtuis read /2 only)"
