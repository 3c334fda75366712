"""Checklists: the model, its validation and where checklists are found (no pydantic until a file is validated)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from readtui.core.errors import ReadtuiError, ReadtuiErrors, visible_controls, visible_controls_in_lines
from readtui.core.schema import (
    FORBID_EXTRA,
    build,
    checked_by,
    constrained,
    json_schema,
    short_repr,
    strict,
    validate,
)

CHECKLIST_FORMAT = "readtui-checklist/1"
DEFAULT_CHECKLIST_ID = "critical-reading"
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
MAX_QUICK_CHOICES = 9
"""Options (or scale steps) that keys 1–9 can reach; more need the picker."""
MAX_SCALE_STEPS = 1001
"""The most steps a scale item may have (0 to 1000)."""

Id = Annotated[str, constrained(pattern=ID_PATTERN, max_length=64)]
Text = Annotated[str, constrained(min_length=1)]
StrictInt = Annotated[int, strict()]
StrictBool = Annotated[bool, strict()]
Scope = Literal["paragraph", "essay", "before"]
"""Where an item is answered: for every paragraph, once for the essay (its ``scope``), or once
before reading (an item of a section with ``scope = "before"``: never set on the item itself)."""
BEFORE_SCOPE = "before"


class _ShownText:
    """Text fields hold what the screen shows: a checklist may come from someone else, and an
    escape sequence in a prompt must reach the terminal as ``␛``, not as an escape (line breaks
    and tabs are kept, for help laid out on several lines)."""

    def __post_init__(self) -> None:
        for name in (f.name for f in fields(self)):  # type: ignore[arg-type]
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, visible_controls_in_lines(value))


def _unique_option_ids(options: list[Option]) -> list[Option]:
    duplicates = _duplicates(option.id for option in options)
    if duplicates:
        raise ValueError(f"duplicate option id {', '.join(map(repr, duplicates))}")
    return options


@dataclass(frozen=True, kw_only=True)
class Option(_ShownText):
    """One answer of a choice or multi item."""

    __pydantic_config__ = FORBID_EXTRA
    id: Id
    label: Text
    needs_evidence: StrictBool = False
    """Choosing it claims a problem that a highlight should show (see the item's ``evidence``)."""
    evidence: Id | None = None
    """The label of that highlight when it is not the item's (implies ``needs_evidence``): a
    multi item whose options are each a technique to quote under its own label."""

    def wanted_label(self, item_evidence: str | None) -> str | None:
        """The label of the highlight that choosing this option asks for, if any."""
        if self.evidence is not None:
            return self.evidence
        return item_evidence if self.needs_evidence else None


@dataclass(frozen=True, kw_only=True)
class _ItemBase(_ShownText):
    __pydantic_config__ = FORBID_EXTRA
    id: Id
    prompt: Text
    help: str = ""
    scope: Scope = "paragraph"
    required: StrictBool = True
    evidence: Id | None = None
    """The label of the highlights that back an answer to this item."""


@dataclass(frozen=True, kw_only=True)
class _OptionsItem(_ItemBase):
    # Checked at the field, so a problem is reported at ``….options`` rather than at the item.
    options: Annotated[list[Option], constrained(min_length=2), checked_by(_unique_option_ids)]

    @property
    def steps(self) -> int:
        return len(self.options)

    @cached_property
    def option_ids(self) -> frozenset[str]:
        return frozenset(o.id for o in self.options)


@dataclass(frozen=True, kw_only=True)
class ChoiceItem(_OptionsItem):
    """Pick exactly one option."""

    kind: Literal["choice"]


@dataclass(frozen=True, kw_only=True)
class MultiItem(_OptionsItem):
    """Tick any number of options; an empty list means "none of these"."""

    kind: Literal["multi"]


@dataclass(frozen=True, kw_only=True)
class ScaleItem(_ItemBase):
    """An integer from ``min`` to ``max``."""

    kind: Literal["scale"]
    min: StrictInt
    max: StrictInt
    low: str = ""
    high: str = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.min >= self.max:
            raise ValueError(f"min ({self.min}) must be less than max ({self.max})")
        if self.max - self.min >= MAX_SCALE_STEPS:
            # Every step is listed (the picker) and counted (compare): a checklist from someone
            # else must not make readtui list a trillion of them.
            raise ValueError(f"a scale has at most {MAX_SCALE_STEPS} steps (e.g. 0 to {MAX_SCALE_STEPS - 1})")

    @property
    def steps(self) -> int:
        return self.max - self.min + 1

    @property
    def keys_are_values(self) -> bool:
        """Whether key k picks value k (the range fits in 0–9), else the k-th step."""
        return 0 <= self.min and self.max <= 9

    def value_for_key(self, digit: int) -> int | None:
        """The value that digit key ``digit`` picks, or None if it picks nothing."""
        value = digit if self.keys_are_values else self.min + digit - 1
        return value if self.min <= value <= self.max and digit <= 9 else None


@dataclass(frozen=True, kw_only=True)
class TextItem(_ItemBase):
    """Free text."""

    kind: Literal["text"]


Item = Annotated[ChoiceItem | MultiItem | ScaleItem | TextItem, constrained(discriminator="kind")]


@dataclass(frozen=True, kw_only=True)
class Section(_ShownText):
    """A titled group of items."""

    __pydantic_config__ = FORBID_EXTRA
    id: Id
    title: Text
    help: str = ""
    scope: Literal["before"] | None = None
    """``"before"``: its items are asked once, before the first paragraph."""
    item: Annotated[list[Item], constrained(min_length=1)]

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.scope == BEFORE_SCOPE:
            # The section's scope is its items': checks and lookups then need only the item's.
            items = [dataclasses.replace(item, scope=BEFORE_SCOPE) for item in self.item]
            object.__setattr__(self, "item", items)


@dataclass(frozen=True, kw_only=True)
class Label(_ShownText):
    """A kind of highlight: the words in a paragraph that back an answer."""

    __pydantic_config__ = FORBID_EXTRA
    id: Id
    title: Text
    help: str = ""
    key: Annotated[str, constrained(pattern=r"^[a-z]$")] | None = None
    """A letter that picks the label in the label picker (only there)."""


@dataclass(frozen=True, kw_only=True)
class Checklist(_ShownText):
    """A ``readtui-checklist/1`` file."""

    __pydantic_config__ = FORBID_EXTRA
    format: Literal["readtui-checklist/1"]
    id: Id
    title: Text
    version: Text
    description: str = ""
    section: Annotated[list[Section], constrained(min_length=1)]
    label: list[Label] = field(default_factory=list)

    @cached_property
    def labels(self) -> dict[str, Label]:
        """Every highlight label by id, in checklist order."""
        return {label.id: label for label in self.label}

    @cached_property
    def items(self) -> dict[str, ChoiceItem | MultiItem | ScaleItem | TextItem]:
        """Every item by id, in checklist order."""
        return {item.id: item for section in self.section for item in section.item}

    def items_in(self, scope: str) -> list[tuple[Section, list[Any]]]:
        """Sections with their items of one scope (sections without any are left out)."""
        grouped = []
        for section in self.section:
            items = [item for item in section.item if item.scope == scope]
            if items:
                grouped.append((section, items))
        return grouped


def answer_is_valid(item: Any, value: Any) -> bool:
    """Whether ``value`` is a well-formed answer to ``item``."""
    if isinstance(item, ChoiceItem):
        return isinstance(value, str) and value in item.option_ids
    if isinstance(item, MultiItem):
        known = item.option_ids
        return (
            isinstance(value, list)
            and all(isinstance(v, str) and v in known for v in value)
            and len(set(value)) == len(value)
        )
    if isinstance(item, ScaleItem):
        return type(value) is int and item.min <= value <= item.max
    return isinstance(value, str)


def answer_label(item: Any, value: Any) -> str:
    """An answer as a reader saw it: option labels, a number, the text (its lines kept), or —;
    control characters (a file can hold anything) made visible."""
    if value is None:
        return "—"
    if isinstance(item, ScaleItem):
        return str(value)
    if isinstance(item, TextItem):
        return visible_controls_in_lines(str(value).rstrip())
    options = {o.id: o.label for o in getattr(item, "options", [])}
    if isinstance(item, MultiItem):
        return visible_controls(", ".join(options.get(v, v) for v in value)) or "none of these"
    return visible_controls(options.get(value, str(value)))


ESTIMATE_PARAGRAPHS = 6
"""The essay `answers_estimate` counts for: as long as the sample essay."""


def checklist_json_schema() -> dict[str, Any]:
    """The JSON Schema of checklist files, for editors. An item's scope may not be "before" there:
    the model allows it because a before section's items take it, but written on an item it is
    refused (only a section says it)."""
    document = json_schema(Checklist)
    for name, definition in document.get("$defs", {}).items():
        scope = definition.get("properties", {}).get("scope", {})
        if name.endswith("Item") and "before" in scope.get("enum", []):
            scope["enum"] = [value for value in scope["enum"] if value != "before"]
    return document


def answers_estimate(checklist: Checklist, paragraphs: int = ESTIMATE_PARAGRAPHS) -> str:
    """Its items, and the answers an essay of ``paragraphs`` paragraphs takes, with the sum."""
    per_paragraph = [item for item in checklist.items.values() if item.scope == "paragraph"]
    once = [item for item in checklist.items.values() if item.scope != "paragraph"]
    required = sum(item.required for item in per_paragraph)
    required_once = sum(item.required for item in once)
    optional = len(checklist.items) - required - required_once
    total = required * paragraphs + required_once
    extra = f", and {_counted(optional, 'optional item')}" if optional else ""
    before = sum(item.scope == "before" for item in once)
    when = f"{len(once) - before} once per essay" + (f", {before} before reading" if before else "")
    return (
        f"{_counted(len(per_paragraph), 'item')} per paragraph, {when}: ≈ "
        f"{_counted(total, 'answer')} on a {paragraphs}-paragraph essay "
        f"({required} required × {paragraphs} + {required_once} once{extra})"
    )


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _duplicates(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated


# --- checking parsed files ------------------------------------------------------------------


def check_format(path: Path, data: dict[str, Any], expected: str, *older: str) -> None:
    """Refuse files of another kind, or made by a newer readtui (``older`` formats are read too)."""
    found = data.get("format")
    if found == expected or found in older:
        return
    family, _, _ = expected.partition("/")
    if isinstance(found, str) and found.startswith(family + "/"):
        version = found.partition("/")[2]
        if version.isascii() and version.isdigit() and _version_key(version) > _version_key(expected.partition("/")[2]):
            raise ReadtuiError(
                path,
                f"made by a newer readtui (format {short_repr(found)}; this readtui reads {expected!r}); upgrade readtui",
                "format",
            )
    if found is None:
        raise ReadtuiError(path, f"missing required key (expected format = {expected!r})", "format")
    raise ReadtuiError(path, f"expected format = {expected!r}, found {short_repr(found)}", "format")


def _version_key(digits: str) -> tuple[int, str]:
    """A format version (ASCII digits) as a sortable key: int() would refuse one of over 4300 digits."""
    digits = digits.lstrip("0")
    return len(digits), digits


def checklist_from_data(path: Path, data: dict[str, Any]) -> Checklist:
    """Validate parsed TOML as a checklist; every problem becomes one line."""
    check_format(path, data, CHECKLIST_FORMAT)
    problems = [ReadtuiError(path, message, where) for where, message in _cross_reference_problems(data)]
    try:
        checklist = validate(Checklist, data, path)
    except ReadtuiErrors as errors:
        problems = errors.problems + problems
    if problems:
        raise ReadtuiErrors(problems)
    return checklist


def quick_checklist(path: Path, data: dict[str, Any]) -> Checklist:
    """The checklist built without pydantic when its shape is right (validate it soon after with
    `checklist_from_data`); otherwise validated at once, so problems are reported now."""
    check_format(path, data, CHECKLIST_FORMAT)
    try:
        return build(Checklist, data)
    except (TypeError, ValueError, KeyError):
        return checklist_from_data(path, data)


def _cross_reference_problems(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Ids that must be unique (sections and items across the checklist, labels) or must exist
    (the ``evidence`` label of an item or option), and label keys that clash. Checked on the raw data, so that
    these are reported together with any schema problems."""
    labels: dict[str, str] = {}
    keys: dict[str, str] = {}
    for n, label in _tables(data.get("label")):
        label_id, key = label.get("id"), label.get("key")
        if isinstance(label_id, str):
            if label_id in labels:
                yield f"label[{n}].id", f"duplicate label id {label_id!r} (first used at {labels[label_id]})"
            else:
                labels[label_id] = f"label[{n}]"
        if isinstance(key, str):
            if key in keys:
                yield f"label[{n}].key", f"key {key!r} is already the key of {keys[key]}"
            else:
                keys[key] = f"label[{n}]"
    seen_sections: set[str] = set()
    seen_items: dict[str, str] = {}
    for s, section in _tables(data.get("section")):
        section_id = section.get("id")
        yield from _scope_problems(s, section)
        if isinstance(section_id, str):  # anything else is a schema problem (and may not be hashable)
            if section_id in seen_sections:
                yield f"section[{s}].id", f"duplicate section id {section_id!r}"
            seen_sections.add(section_id)
        for i, item in _tables(section.get("item")):
            item_id = item.get("id")
            places = [(f"section[{s}].item[{i}]", item)]
            places += [(f"section[{s}].item[{i}].options[{o}]", option) for o, option in _tables(item.get("options"))]
            for where, table in places:
                evidence = table.get("evidence")
                if isinstance(evidence, str) and evidence not in labels:
                    known = ", ".join(labels) or "none: add a [[label]]"
                    yield f"{where}.evidence", f"unknown label {evidence!r} (labels: {known})"
            if not isinstance(item_id, str):
                continue
            where = f"section[{s}].item[{i}].id"
            if item_id in seen_items:
                yield where, f"duplicate item id {item_id!r} (first used at {seen_items[item_id]})"
            else:
                seen_items[item_id] = where


def _scope_problems(s: int, section: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """``before`` is a section's scope, never an item's: one rule, so a section is read one way."""
    before = section.get("scope") == BEFORE_SCOPE
    for i, item in _tables(section.get("item")):
        if "scope" not in item:
            continue
        if before:
            yield (
                f"section[{s}].item[{i}].scope",
                'an item of a scope = "before" section takes the section\'s scope: remove this key',
            )
        elif item["scope"] == BEFORE_SCOPE:
            yield (
                f"section[{s}].item[{i}].scope",
                'scope "before" is set on a section, not an item: put the item in a [[section]] with scope = "before"',
            )


def _tables(value: Any) -> list[tuple[int, dict[str, Any]]]:
    """The tables of an array of tables with their places (counting from 1), skipping anything
    else (the schema reports that)."""
    if not isinstance(value, list):
        return []
    return [(n, table) for n, table in enumerate(value, start=1) if isinstance(table, dict)]


# --- where checklists are found -------------------------------------------------------------


def bundled_checklist_dir() -> Path:
    """The checklists shipped with readtui (in the source tree ``readtui/checklists`` links to
    ``checklists/``; the wheel holds the files). Found beside the package, not through
    importlib.resources, which costs the first frame a few milliseconds to import."""
    return Path(__file__).parents[1] / "checklists"


def user_checklist_dir() -> Path:
    """The reader's own checklists: ``<user data dir>/checklists``."""
    from readtui.core.paths import user_data_dir

    return user_data_dir() / "checklists"


def bundled_checklists() -> dict[str, Path]:
    """Bundled checklist ids and their files."""
    directory = bundled_checklist_dir()
    return {path.stem: path for path in sorted(directory.glob("*.toml"))}


def user_checklists() -> dict[str, Path]:
    """Checklists in the user's checklist directory."""
    directory = user_checklist_dir()
    if not directory.is_dir():
        return {}
    return {path.stem: path for path in sorted(directory.glob("*.toml"))}


def looks_like_path(spec: str) -> bool:
    """A ``--checklist`` value naming a file rather than an id."""
    return "/" in spec or "\\" in spec or spec.endswith(".toml") or spec.startswith(".")


def _candidates(checklist_id: str, beside: Path | None) -> Iterator[Path | None]:
    # A generator: the user's directory (platformdirs) is only looked up when it is needed.
    yield bundled_checklists().get(checklist_id)
    if beside is not None:
        yield beside.parent / f"{checklist_id}.toml"
    yield user_checklist_dir() / f"{checklist_id}.toml"


def resolve_checklist(spec: str | None = None, *, checklist_id: str | None = None, beside: Path | None = None) -> Path:
    """Find a checklist file.

    ``spec`` is a ``--checklist`` value (id or path) and wins. Otherwise ``checklist_id`` is looked
    up as a bundled checklist, then as ``<id>.toml`` beside ``beside`` (an assessment file), then in
    the user's checklist directory.
    """
    if spec is not None:
        if looks_like_path(spec):
            path = Path(spec).expanduser()
            if not path.exists() and not path.is_symlink():
                raise ReadtuiError(spec, "no such checklist file")
            return path  # a FIFO, a directory or a symlink loop is refused when read, saying which
        checklist_id = spec
    if checklist_id is None:
        checklist_id = DEFAULT_CHECKLIST_ID
    elif spec is None and not re.fullmatch(ID_PATTERN, checklist_id):
        # An id read from a file is never a path: "../../x" must not open a file elsewhere.
        raise ReadtuiError(
            beside or "checklist.id",
            f"{short_repr(checklist_id)} is not a checklist id, so no checklist is looked up; pass --checklist ID|PATH",
            "checklist.id" if beside else None,
        )
    for candidate in _candidates(checklist_id, None if spec is not None else beside):
        if candidate is not None and candidate.is_file():
            return candidate
    known = ", ".join(sorted(bundled_checklists() | user_checklists())) or "none"
    if spec is not None:
        raise ReadtuiError(
            "--checklist", f"no bundled or user checklist {spec!r} (known: {known}); give an id or a .toml path"
        )
    raise ReadtuiError(
        beside or checklist_id,
        f"checklist {checklist_id!r} not found (known: {known}); pass --checklist ID|PATH",
    )
