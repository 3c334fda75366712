"""Sets of assessment files read from disk and checked together.

``readtui compare``, ``adjudicate`` and ``score`` read their input here: files, directories and glob
patterns are expanded and every file is parsed and validated, one after the other (parsed by rtoml,
a file takes less time than a worker process would need to send it back). Readers' files are
checked against the checklist they share and grouped by essay (`load_comparison`); learners' files
are checked against an answer key (`load_learners`).
"""

from __future__ import annotations

import glob
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from readtui.core.assessment import (
    ASSESSMENT_FORMAT,
    MARKDOWN_SOURCE_FORMAT,
    Assessment,
    ParagraphRecord,
    assessment_from_data,
    checklist_changed,
    checklist_problems,
    essay_problems,
    key_problems,
    retire_answers,
)
from readtui.core.checklist import Checklist, ChoiceItem, MultiItem, ScaleItem, resolve_checklist
from readtui.core.errors import ReadtuiError, ReadtuiErrors
from readtui.core.storage import file_sha256, load_checklist, parse_toml
from readtui.core.upgrade import legacy_sha256, upgrade

if TYPE_CHECKING:
    from readtui.core.essay import Essay


@dataclass
class ReaderFile:
    """One assessment file and the name it goes by in the comparison."""

    path: Path
    reader: str
    assessment: Assessment

    def record(self, index: int) -> ParagraphRecord | None:
        """This reader's (live) record of paragraph ``index``."""
        return self._records.get(index)

    def __post_init__(self) -> None:
        self._records = {r.index: r for r in self.assessment.paragraph if not r.stale}


@dataclass
class EssayGroup:
    """The readers of one essay (files grouped by the essay's sha256)."""

    sha256: str
    title: str
    paragraphs: int
    files: list[ReaderFile]
    text: list[str] | None = None
    """The paragraphs, when the essay was given with ``--essay`` (or is the bundled sample)."""

    @property
    def readers(self) -> list[str]:
        return [f.reader for f in self.files]

    def paragraph_text(self, index: int) -> str:
        """The paragraph's text (with ``--essay`` or the sample), else the excerpt a reader's file keeps."""
        if self.text is not None:
            return self.text[index - 1]
        for file in self.files:
            record = file.record(index)
            if record is not None and record.excerpt:
                return record.excerpt
        return ""


@dataclass
class ComparisonInput:
    """Checked assessment files, grouped by essay, and the checklist they share."""

    checklist: Checklist
    essays: list[EssayGroup]
    items: list[Any]
    """The compared items (choice, multi and scale), in checklist order."""
    text_items: list[Any]
    warnings: list[str] = field(default_factory=list)

    @property
    def readers(self) -> list[str]:
        """Every reader, in order of first appearance."""
        return list(dict.fromkeys(reader for essay in self.essays for reader in essay.readers))


def expand_specs(specs: list[str]) -> list[Path]:
    """Files named by ``specs``: files, directories (their ``*.toml``) and glob patterns."""
    paths: list[Path] = []
    for spec in specs:
        path = Path(spec)
        if path.is_dir():
            found = sorted(path.glob("*.toml"))
            if not found:
                raise ReadtuiError(path, "directory holds no .toml files")
            paths += found
        elif not path.exists() and glob.has_magic(spec):
            found = sorted(Path(p) for p in glob.glob(spec))
            if not found:
                raise ReadtuiError(spec, "no files match this pattern")
            paths += found
        else:
            paths.append(path)
    unique: dict[str, Path] = {}
    for path in paths:
        unique.setdefault(real_path(path), path)
    return list(unique.values())


def real_path(path: Path) -> str:
    """Where ``path`` really is, to tell files apart: `os.path.realpath`, which (unlike
    `Path.resolve` in Python 3.11) does not raise on a symlink loop; reading the file reports that."""
    return os.path.realpath(path)


def load_comparison(
    specs: list[str],
    checklist_spec: str | None = None,
    essays: list[Essay] | None = None,
    known: list[Essay] | None = None,
) -> ComparisonInput:
    """Load, validate and group the assessments; raise ReadtuiErrors naming every bad file.

    Checklist files met in a directory are skipped; everything else must be an assessment.
    ``essays`` must each be the essay of some files; a ``known`` essay (the bundled sample)
    gives its text to the files of that essay if there are any.
    """
    problems: list[ReadtuiError] = []
    loaded: list[tuple[Path, Assessment]] = []
    from_directory = {p for spec in specs if Path(spec).is_dir() for p in Path(spec).glob("*.toml")}
    paths = expand_specs(specs)
    for path in paths:
        _, assessment, errors = read_assessment(path, path in from_directory)
        problems += errors
        if assessment is not None:
            loaded.append((path, assessment))
    if problems:
        raise ReadtuiErrors(problems)
    if not loaded:
        raise ReadtuiError(None, "no assessment files to compare")
    checklist, checklist_sha, warnings = _shared_checklist(loaded, checklist_spec)
    for path, assessment in loaded:
        changed = checklist_changed(assessment.checklist, checklist, checklist_sha)
        warnings += retire_and_say(path, assessment, checklist) if changed else []
        problems += checklist_problems(path, assessment, checklist, changed=changed)
    warnings += _upgrade_old_files(loaded, essays or [])
    groups = _group_by_essay(loaded, warnings)
    problems += _paragraph_count_problems(groups)
    problems += _attach_essays(groups, essays or [])
    for essay in known or []:
        for group in groups:
            if group.text is None and group.sha256 == essay.sha256 and group.paragraphs == len(essay.paragraphs):
                group.text = list(essay.paragraphs)
    if problems:
        raise ReadtuiErrors(problems)
    compared = [g for g in groups if len(g.files) >= 2]
    if not compared:
        raise ReadtuiErrors(
            [ReadtuiError(path, f"the only reader of {a.essay.title or 'an untitled essay'!r}") for path, a in loaded]
            + [ReadtuiError(None, "nothing to compare: no essay has two or more readers")]
        )
    items, text_items = _shared_items(checklist, loaded, warnings)
    return ComparisonInput(checklist, compared, items, text_items, warnings)


_ASSESSMENT_FAMILY = ASSESSMENT_FORMAT.partition("/")[0] + "/"


def read_assessment(path: Path, from_directory: bool) -> tuple[Path, Assessment | None, list[ReadtuiError]]:
    """Parse and validate one file; a checklist (or any file but an assessment) met in a directory
    is skipped (None, no errors). An assessment of a newer format is not skipped: it is an error."""
    try:
        data = parse_toml(path)
        kind = data.get("format")
        if from_directory and not (isinstance(kind, str) and kind.startswith(_ASSESSMENT_FAMILY)):
            return path, None, []
        return path, assessment_from_data(path, data), []
    except ReadtuiErrors as errors:
        return path, None, errors.problems
    except ReadtuiError as error:
        return path, None, [error]


def retire_and_say(path: Path, assessment: Assessment, checklist: Checklist) -> list[str]:
    """Set aside the answers of a file made with another version of the checklist that it has no
    place for (`retire_answers`), saying which (in a file of this very checklist they are errors)."""
    retired = retire_answers(assessment, checklist)
    if not retired:
        return []
    shown = ", ".join(f"{answer.place} {answer.item_id} ({answer.why})" for answer in retired[:5])
    more = f", and {len(retired) - 5} more" if len(retired) > 5 else ""
    return [
        f"{path}: made with {checklist.id} {assessment.checklist.version or '(no version)'}: {len(retired)} retired "
        f"answer(s) left out: {shown}{more}"
    ]


def _shared_checklist(loaded: list[tuple[Path, Assessment]], spec: str | None) -> tuple[Checklist, str, list[str]]:
    first_path, first = loaded[0]
    ids = Counter(a.checklist.id for _, a in loaded)
    if len(ids) > 1:
        common = ids.most_common(1)[0][0]
        raise ReadtuiErrors(
            [
                ReadtuiError(
                    path, f"uses checklist {a.checklist.id!r}, while most files use {common!r}", "checklist.id"
                )
                for path, a in loaded
                if a.checklist.id != common
            ]
        )
    checklist_path = resolve_checklist(spec, checklist_id=first.checklist.id, beside=first_path)
    checklist = load_checklist(checklist_path)
    warnings = []
    versions = sorted({a.checklist.version for _, a in loaded if a.checklist.version})
    if len(versions) > 1:
        warnings.append(
            f"the files use versions {', '.join(versions)} of checklist {checklist.id!r}; "
            f"only the items they share are compared"
        )
    return checklist, file_sha256(checklist_path), warnings


def _group_by_essay(loaded: list[tuple[Path, Assessment]], warnings: list[str]) -> list[EssayGroup]:
    names = Counter((a.essay.sha256, a.reader.name) for _, a in loaded)
    ambiguous = {name for (_, name), count in names.items() if count > 1}
    groups: dict[str, EssayGroup] = {}
    for path, assessment in loaded:
        essay = assessment.essay
        name = assessment.reader.name
        reader = f"{name} ({path.name})" if name in ambiguous else name
        group = groups.setdefault(essay.sha256, EssayGroup(essay.sha256, essay.title, essay.paragraphs, []))
        group.files.append(ReaderFile(path, reader, assessment))
    for group in groups.values():
        if len(group.files) == 1:
            warnings.append(
                f"{group.files[0].path}: the only reader of {group.title or 'an untitled essay'!r}; left out"
            )
    return list(groups.values())


MAX_PARAGRAPHS = 100_000
"""The most paragraphs an essay may claim: compare's work and memory grow with the count the
files claim, and a file from someone else could claim billions."""


def _paragraph_count_problems(groups: list[EssayGroup]) -> list[ReadtuiError]:
    """Files of one essay (one sha256) that claim another paragraph count than the first, or
    more than MAX_PARAGRAPHS: a hand-edited ``essay.paragraphs``."""
    problems = []
    for group in groups:
        first = group.files[0]
        for file in group.files:
            claimed = file.assessment.essay.paragraphs
            if claimed > MAX_PARAGRAPHS:
                message = f"claims {claimed} paragraphs, more than the {MAX_PARAGRAPHS:,} readtui can compare"
            elif claimed != group.paragraphs:
                message = (
                    f"says the essay has {claimed} paragraphs, but {first.path} says {group.paragraphs} (same sha256)"
                )
            else:
                continue
            problems.append(ReadtuiError(file.path, message, "essay.paragraphs"))
    return problems


def _upgrade_old_files(loaded: list[tuple[Path, Assessment]], essays: list[Essay]) -> list[str]:
    """Format-1 files of a given Markdown essay, moved onto its rendered text (in memory), so
    that they are compared with format-2 files of it."""
    old = [(path, a) for path, a in loaded if a.format == MARKDOWN_SOURCE_FORMAT]
    by_old_sha256 = {legacy_sha256(essay): essay for essay in essays} if old else {}
    moved = [path for path, a in old if a.essay.sha256 in by_old_sha256 and upgrade(a, by_old_sha256[a.essay.sha256])]
    if not moved:
        return []
    return [
        f"{len(moved)} file(s) written as {MARKDOWN_SOURCE_FORMAT} (Markdown syntax kept in the text) were moved "
        f"onto the rendered text of their essay: {', '.join(str(path) for path in moved)}"
    ]


def _attach_essays(groups: list[EssayGroup], essays: list[Essay]) -> list[ReadtuiError]:
    problems = []
    by_sha = {g.sha256: g for g in groups}
    for essay in essays:
        group = by_sha.get(essay.sha256)
        if group is None:
            problems.append(ReadtuiError(essay.path, "is not the essay of any of the assessments (sha256 differs)"))
            continue
        if group.paragraphs != len(essay.paragraphs):
            problems += [
                ReadtuiError(
                    file.path,
                    f"says the essay has {group.paragraphs} paragraphs, but {essay.path} has {len(essay.paragraphs)}",
                    "essay.paragraphs",
                )
                for file in group.files
            ]
            continue
        group.text = list(essay.paragraphs)
        for file in group.files:
            problems += essay_problems(file.path, file.assessment, essay)
    return problems


def _shared_items(checklist: Checklist, loaded, warnings: list[str]) -> tuple[list[Any], list[Any]]:
    """The items to compare. With several checklist versions (files that record none are left
    out of this), an item that some versions' files answer and others never do is dropped."""
    by_version: dict[str, set[str]] = {}
    versions = {assessment.checklist.version for _, assessment in loaded} - {""}
    for _, assessment in loaded:
        if assessment.checklist.version and len(versions) > 1:  # one version: no item to drop
            used = by_version.setdefault(assessment.checklist.version, set())
            for record in [*assessment.paragraph, assessment.overall]:
                used.update(record.answers, record.unsure)
    # Before-reading answers are what readers brought, not readings to agree on: compare groups by them.
    items = [item for item in checklist.items.values() if item.scope != "before"]
    if len(by_version) > 1:
        anywhere = set.union(*by_version.values())
        everywhere = set.intersection(*by_version.values())
        dropped = [item.id for item in items if item.id in anywhere - everywhere]
        if dropped:
            warnings.append(f"not compared, missing from some versions: {', '.join(dropped)}")
        items = [item for item in items if item.id not in dropped]
    rated = [item for item in items if isinstance(item, ChoiceItem | MultiItem | ScaleItem)]
    return rated, [item for item in items if item not in rated]


# --- an answer key and the learners' files ----------------------------------------------------


@dataclass
class LearnerFiles:
    """An answer key and the learners' files to score against it, checked."""

    key_path: Path
    key_sha256: str
    key: Assessment
    checklist: Checklist
    learners: list[tuple[Path, Assessment]]
    warnings: list[str] = field(default_factory=list)


def load_learners(key_path: Path, specs: list[str], checklist_spec: str | None = None) -> LearnerFiles:
    """Load and check the key and the learners' files (files, directories or globs); raise
    ReadtuiErrors naming every problem, learner line each."""
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
            checklist_path = resolve_checklist(checklist_spec, checklist_id=key.checklist.id, beside=key_path)
            checklist = load_checklist(checklist_path)
        except ReadtuiError as error:
            problems += error.problems if isinstance(error, ReadtuiErrors) else [error]
    if key is not None and checklist is not None:
        problems += key_problems(key_path, key, key.essay.sha256, checklist.id)
        if key.checklist.id == checklist.id:
            problems += checklist_problems(key_path, key, checklist)
        checklist_sha = file_sha256(checklist_path)
        for path, learner in loaded:
            changed = checklist_changed(learner.checklist, checklist, checklist_sha)
            warnings += retire_and_say(path, learner, checklist) if changed else []
            problems += _learner_problems(path, learner, key, checklist, changed)
    if problems:
        raise ReadtuiErrors(problems)
    if not loaded:
        raise ReadtuiError(None, "no learners' files to score")
    key_sha256 = file_sha256(key_path)
    warnings += _training_warnings(key_path, key_sha256, loaded)
    return LearnerFiles(key_path, key_sha256, key, checklist, loaded, warnings)


def _learner_problems(
    path: Path, learner: Assessment, key: Assessment, checklist: Checklist, changed: bool
) -> list[ReadtuiError]:
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
    return checklist_problems(path, learner, checklist, changed=changed)


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
