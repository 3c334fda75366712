"""A checklist's versions: what changed between two of them, the bundled packs' history, and
what an assessment made with another version keeps (its retired answers)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from readtui.core.assessment import (
    ESSAY,
    Assessment,
    Highlight,
    RetiredAnswer,
    checklist_changed,
    retire_answers,
    retired_highlights,
)
from readtui.core.checklist import ID_PATTERN, Checklist, ScaleItem, answer_label, bundled_checklist_dir
from readtui.core.errors import ReadtuiError, visible_controls
from readtui.core.storage import file_sha256, load_checklist

NAMES_SHOWN = 3
"""Item ids named in the one-line notice; the rest are counted."""


def history_dir() -> Path:
    """Every released version of the bundled packs: ``history/<id>/<version>.toml``."""
    return bundled_checklist_dir() / "history"


def history_path(checklist_id: str, version: str) -> Path | None:
    """The bundled pack ``checklist_id`` as released at ``version``, if readtui keeps it."""
    if not re.fullmatch(ID_PATTERN, checklist_id) or not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z._-]*", version):
        return None  # both come from a file someone wrote: never a path elsewhere
    path = history_dir() / checklist_id / f"{version}.toml"
    return path if path.is_file() else None


@dataclass
class ChecklistDiff:
    """What changed from one version of a checklist to another."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    """One line per change to an item kept (or to the labels)."""

    def lines(self) -> list[str]:
        """The whole list, for people."""
        lines = [f"added: {item_id}" for item_id in self.added]
        lines += [f"retired: {item_id}" for item_id in self.removed]
        return lines + self.changed


def checklist_diff(old: Checklist, new: Checklist) -> ChecklistDiff:
    """Items added, removed (retired) and changed: prompt, kind, scope, options, scale, labels."""
    diff = ChecklistDiff(
        added=[item_id for item_id in new.items if item_id not in old.items],
        removed=[item_id for item_id in old.items if item_id not in new.items],
    )
    for item_id, item in new.items.items():
        before = old.items.get(item_id)
        if before is not None:
            diff.changed += [f"{item_id}: {change}" for change in _item_changes(before, item)]
    diff.changed += [f"label added: {label}" for label in new.labels if label not in old.labels]
    diff.changed += [f"label removed: {label}" for label in old.labels if label not in new.labels]
    return diff


def _item_changes(old: Any, new: Any) -> list[str]:
    if old.kind != new.kind:
        return [f"kind {old.kind} → {new.kind}"]
    changes = []
    if old.scope != new.scope:
        changes.append(f"scope {old.scope} → {new.scope}")
    if old.prompt != new.prompt:
        changes.append(f"prompt reworded: {new.prompt}")
    if old.required != new.required:
        changes.append("now required" if new.required else "now optional")
    if isinstance(new, ScaleItem):
        if (old.min, old.max) != (new.min, new.max):
            changes.append(f"scale {old.min}–{old.max} → {new.min}–{new.max}")
        return changes
    before = {option.id: option.label for option in getattr(old, "options", [])}
    after = {option.id: option.label for option in getattr(new, "options", [])}
    changes += [f"option added: {option_id}" for option_id in after if option_id not in before]
    changes += [f"option removed: {option_id}" for option_id in before if option_id not in after]
    changes += [
        f"option renamed: {option_id} “{before[option_id]}” → “{label}”"
        for option_id, label in after.items()
        if option_id in before and before[option_id] != label
    ]
    return changes


@dataclass
class ChecklistChanges:
    """How the checklist an assessment was made with differs from the one it is opened with."""

    checklist: Checklist
    old_version: str
    diff: ChecklistDiff | None
    """None when readtui keeps no copy of the old version (a checklist of your own)."""
    retired: list[RetiredAnswer]
    previous: Checklist | None = None
    highlights: list[tuple[int, Highlight]] = field(default_factory=list)
    """(paragraph, highlight) of the highlights whose label the checklist no longer has (kept)."""

    @property
    def heading(self) -> str:
        new = self.checklist
        if self.old_version == new.version:
            return f"The checklist {new.id} {new.version} was edited since this file was saved"
        return f"Checklist {new.id} {self.old_version or '?'} → {new.version} since this file was saved"

    def notice(self) -> str:
        """One paragraph for the notice on opening."""
        parts = []
        if self.diff is not None:
            parts.append(_counted("item", "added", self.diff.added))
            parts.append(_counted("item", "retired", self.diff.removed))
            if self.diff.changed:
                parts.append(f"{len(self.diff.changed)} other change{'s' if len(self.diff.changed) > 1 else ''}")
            text = f"{self.heading}: {'; '.join(p for p in parts if p) or 'no change to the items'}."
        elif self.old_version != self.checklist.version:
            text = f"{self.heading}: readtui keeps no copy of {self.old_version or 'that version'} to compare."
        else:
            text = f"{self.heading}."
        if self.retired:
            count = f"{len(self.retired)} answers no longer fit" if len(self.retired) > 1 else "1 answer no longer fits"
            if self.diff is None:  # nothing else says which
                shown = ", ".join(f"{a.place} {a.item_id}" for a in self.retired[:NAMES_SHOWN])
                count += f" ({shown}{', …' if len(self.retired) > NAMES_SHOWN else ''})"
            text += f" {count}: kept in the file, listed as retired on the overall screen."
        else:
            text += " Every answer still fits."
        return visible_controls(text + " Details: ctrl+p, Checklist info.")

    def details(self) -> list[str]:
        """Every change, then every retired answer, for the Checklist info dialog."""
        lines = [self.heading]
        if self.diff is not None:
            lines += [f"  {line}" for line in self.diff.lines()] or ["  no change to the items"]
        lines += ["", f"Retired answers ({len(self.retired)})" if self.retired else "No retired answers."]
        lines += [f"  {self.describe(answer)}" for answer in self.retired]
        if self.highlights:
            lines += ["", f"Highlights of a retired label ({len(self.highlights)}), kept"]
            lines += [f"  ¶ {index}  {h.label}: “{h.quote}”" for index, h in self.highlights]
        return [visible_controls(line) for line in lines]

    def still_retired(self, assessment: Assessment) -> list[RetiredAnswer]:
        """The retired answers the file still keeps: the reader may have answered an item again."""
        records = [(record.index, record) for record in assessment.paragraph] + [(ESSAY, assessment.overall)]
        kept = {
            (target, item_id)
            for target, record in records
            for item_id in record.retired
            if item_id not in record.answers and item_id not in record.unsure
        }
        return [answer for answer in self.retired if (answer.target, answer.item_id) in kept]

    def describe(self, answer: RetiredAnswer) -> str:
        """A retired answer as the reader gave it (with the old version's wording, when readtui keeps it)."""
        item = self.previous.items.get(answer.item_id) if self.previous else None
        name = item.prompt if item is not None else answer.item_id
        value = "unsure" if answer.value is None else answer_label(item, answer.value) if item else str(answer.value)
        return f"{answer.place}  {name}: {value}  ({answer.why})"


def _counted(noun: str, what: str, ids: list[str]) -> str:
    if not ids:
        return ""
    shown = ", ".join(ids[:NAMES_SHOWN]) + (", …" if len(ids) > NAMES_SHOWN else "")
    return f"{len(ids)} {noun}{'s' if len(ids) > 1 else ''} {what} ({shown})"


def previous_version(assessment: Assessment) -> Checklist | None:
    """The bundled checklist as the assessment recorded it, if readtui keeps that version (and,
    when a sha256 was recorded, it is that very file)."""
    recorded = assessment.checklist
    path = history_path(recorded.id, recorded.version)
    if path is None or (recorded.sha256 and file_sha256(path) != recorded.sha256):
        return None
    try:
        return load_checklist(path)
    except ReadtuiError:
        return None


def checklist_changes(assessment: Assessment, checklist: Checklist, sha256: str) -> ChecklistChanges | None:
    """If ``assessment`` was made with another version of ``checklist`` (or another file of it):
    what changed, with the answers that no longer fit set aside (`retire_answers`). None if not."""
    recorded = assessment.checklist
    if not checklist_changed(recorded, checklist, sha256):
        return None
    previous = previous_version(assessment)
    diff = checklist_diff(previous, checklist) if previous is not None else None
    retired = retire_answers(assessment, checklist)
    return ChecklistChanges(
        checklist, recorded.version, diff, retired, previous, retired_highlights(assessment, checklist)
    )
