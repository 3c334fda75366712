"""Checklists: the pydantic schema, loading, validation and lookup (no Textual)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from readtui.errors import ReadtuiError, ReadtuiErrors

CHECKLIST_FORMAT = "readtui-checklist/1"
DEFAULT_CHECKLIST_ID = "critical-reading"
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
MAX_QUICK_CHOICES = 9
"""Options (or scale steps) that keys 1–9 can reach; more need the picker."""

Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=64)]
Scope = Literal["paragraph", "essay"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    """One answer of a choice or multi item."""

    id: Id
    label: str = Field(min_length=1)


class _ItemBase(_Strict):
    id: Id
    prompt: str = Field(min_length=1)
    help: str = ""
    scope: Scope = "paragraph"
    required: bool = True


class _OptionsItem(_ItemBase):
    options: Annotated[list[Option], Field(min_length=2)]

    @field_validator("options")
    @classmethod
    def _unique_option_ids(cls, options: list[Option]) -> list[Option]:
        # A field validator, so the problem is reported at ``….options`` rather than at the item.
        duplicates = _duplicates(option.id for option in options)
        if duplicates:
            raise ValueError(f"duplicate option id {', '.join(map(repr, duplicates))}")
        return options

    @property
    def steps(self) -> int:
        return len(self.options)


class ChoiceItem(_OptionsItem):
    """Pick exactly one option."""

    kind: Literal["choice"]


class MultiItem(_OptionsItem):
    """Tick any number of options; an empty list means "none of these"."""

    kind: Literal["multi"]


class ScaleItem(_ItemBase):
    """An integer from ``min`` to ``max``."""

    kind: Literal["scale"]
    min: int
    max: int
    low: str = ""
    high: str = ""

    @model_validator(mode="after")
    def _min_below_max(self) -> ScaleItem:
        if self.min >= self.max:
            raise ValueError(f"min ({self.min}) must be less than max ({self.max})")
        return self

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


class TextItem(_ItemBase):
    """Free text."""

    kind: Literal["text"]


Item = Annotated[Union[ChoiceItem, MultiItem, ScaleItem, TextItem], Field(discriminator="kind")]
ITEM_KINDS = ("choice", "multi", "scale", "text")
Answer = Union[str, int, list[str]]
"""A stored answer: option id (choice), integer (scale), option ids (multi), text."""


class Section(_Strict):
    """A titled group of items."""

    id: Id
    title: str = Field(min_length=1)
    help: str = ""
    item: Annotated[list[Item], Field(min_length=1)]


class Checklist(_Strict):
    """A ``readtui-checklist/1`` file."""

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    format: Literal["readtui-checklist/1"]
    id: Id
    title: str = Field(min_length=1)
    version: str = Field(min_length=1)
    description: str = ""
    section: Annotated[list[Section], Field(min_length=1)]

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
        return isinstance(value, str) and value in {o.id for o in item.options}
    if isinstance(item, MultiItem):
        known = {o.id for o in item.options}
        return (
            isinstance(value, list)
            and all(isinstance(v, str) and v in known for v in value)
            and len(set(value)) == len(value)
        )
    if isinstance(item, ScaleItem):
        return type(value) is int and item.min <= value <= item.max
    return isinstance(value, str)


def _duplicates(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated


# --- turning pydantic errors into one line per problem -------------------------------------

_TAGS = frozenset(ITEM_KINDS)
_ANSWER_BRANCHES = frozenset({"int", "str", "list[str]"})
"""How pydantic names the branches of the assessment's answer union in an error's location."""
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def field_path(loc: Iterable[str | int]) -> str:
    """``("section", 1, "item", 0, "options")`` → ``section[2].item[1].options`` (counting from 1).

    Keys that TOML would need to quote (empty, spaces, dots, control characters) are shown quoted,
    so the path stays unambiguous and on one line.
    """
    path = ""
    parts = list(loc)
    for n, part in enumerate(parts):
        if isinstance(part, int):
            path += f"[{part + 1}]"
        elif part in _TAGS and n >= 2 and parts[n - 2] == "item" and isinstance(parts[n - 1], int):
            continue  # the discriminated-union branch name after item[i], not a key in the file
        else:
            path += f".{quote_key(part)}" if path else quote_key(part)
    return path


def quote_key(key: str) -> str:
    """A key as a field path shows it: bare if TOML allows it bare, else quoted (one line, unambiguous)."""
    return key if _BARE_KEY.fullmatch(key) else repr(key)


def describe_validation_error(file: str | Path, error: ValidationError) -> list[ReadtuiError]:
    """One ReadtuiError per pydantic error, phrased for people editing TOML."""
    problems = []
    answer_problems: set[tuple] = set()
    for detail in error.errors(include_url=False):
        loc = tuple(detail["loc"])
        kind = detail["type"]
        # An answer that fits none of int, str and list[str] fails once per branch: report it once.
        at = loc.index("answers") if "answers" in loc else -1
        if at >= 0 and len(loc) > at + 2 and loc[at + 2] in _ANSWER_BRANCHES:
            if loc[: at + 2] in answer_problems:
                continue
            answer_problems.add(loc[: at + 2])
            value = detail.get("input") if len(loc) == at + 3 else "…"
            message = f"an answer must be an option id, a whole number or a list of option ids (got {_short_repr(value)})"
            problems.append(ReadtuiError(file, message, field_path(loc[: at + 2])))
            continue
        where = field_path(loc)
        if kind == "missing":
            message = "missing required key"
        elif kind == "extra_forbidden":
            parent = field_path(loc[:-1])
            where = parent or None
            message = f"unknown key {loc[-1]!r}"
        elif kind == "union_tag_invalid":
            tag = detail.get("ctx", {}).get("tag", "?")
            where = f"{where}.kind" if where else "kind"
            message = f"unknown kind {tag!r} (expected one of: {', '.join(ITEM_KINDS)})"
        elif kind == "union_tag_not_found":
            where = f"{where}.kind" if where else "kind"
            message = f"missing required key (one of: {', '.join(ITEM_KINDS)})"
        elif kind == "string_pattern_mismatch":
            message = f"bad id {detail['input']!r}: use lowercase letters, digits, '-' and '_', starting with a letter or digit"
        elif kind == "literal_error" and loc and loc[-1] == "scope":
            message = f"unknown scope {detail['input']!r} (expected paragraph or essay)"
        elif kind == "too_short" and loc and loc[-1] == "options":
            message = "needs at least 2 options"
        elif kind == "value_error":
            message = str(detail.get("ctx", {}).get("error", detail["msg"]))
        else:
            message = f"{detail['msg']} (got {_short_repr(detail.get('input'))})"
        problems.append(ReadtuiError(file, message, where or None))
    return problems


def _short_repr(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- checking parsed files ------------------------------------------------------------------


def check_format(path: Path, data: dict[str, Any], expected: str) -> None:
    """Refuse files of another kind, or made by a newer readtui."""
    found = data.get("format")
    if found == expected:
        return
    family, _, _ = expected.partition("/")
    if isinstance(found, str) and found.startswith(family + "/"):
        version = found.partition("/")[2]
        if version.isdigit() and int(version) > int(expected.partition("/")[2]):
            raise ReadtuiError(
                path, f"made by a newer readtui (format {found!r}; this readtui reads {expected!r}); upgrade readtui", "format"
            )
    if found is None:
        raise ReadtuiError(path, f"missing required key (expected format = {expected!r})", "format")
    raise ReadtuiError(path, f"expected format = {expected!r}, found {_short_repr(found)}", "format")


def checklist_from_data(path: Path, data: dict[str, Any]) -> Checklist:
    """Validate parsed TOML as a checklist; every problem becomes one line."""
    check_format(path, data, CHECKLIST_FORMAT)
    problems = [ReadtuiError(path, message, where) for where, message in _duplicate_id_problems(data)]
    try:
        checklist = Checklist.model_validate(data)
    except ValidationError as error:
        problems = describe_validation_error(path, error) + problems
    if problems:
        raise ReadtuiErrors(problems)
    return checklist


def _duplicate_id_problems(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Section ids and item ids must be unique across the checklist (checked on the raw data,
    so that these are reported together with any schema problems)."""
    seen_sections: set[str] = set()
    seen_items: dict[str, str] = {}
    sections = data.get("section")
    for s, section in enumerate(sections if isinstance(sections, list) else [], start=1):
        if not isinstance(section, dict):
            continue
        section_id = section.get("id")
        if isinstance(section_id, str):  # anything else is a schema problem (and may not be hashable)
            if section_id in seen_sections:
                yield f"section[{s}].id", f"duplicate section id {section_id!r}"
            seen_sections.add(section_id)
        items = section.get("item")
        for i, item in enumerate(items if isinstance(items, list) else [], start=1):
            item_id = item.get("id") if isinstance(item, dict) else None
            if not isinstance(item_id, str):
                continue
            where = f"section[{s}].item[{i}].id"
            if item_id in seen_items:
                yield where, f"duplicate item id {item_id!r} (first used at {seen_items[item_id]})"
            else:
                seen_items[item_id] = where


# --- where checklists are found -------------------------------------------------------------


def bundled_checklist_dir() -> Path:
    """The checklists shipped with readtui (``readtui/checklists`` links to ``checklists/``)."""
    return Path(str(resources.files("readtui") / "checklists"))


def user_checklist_dir() -> Path:
    """The reader's own checklists: ``<user data dir>/checklists``."""
    from readtui.paths import user_data_dir

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


def resolve_checklist(spec: str | None = None, *, checklist_id: str | None = None, beside: Path | None = None) -> Path:
    """Find a checklist file.

    ``spec`` is a ``--checklist`` value (id or path) and wins. Otherwise ``checklist_id`` is looked
    up as a bundled checklist, then as ``<id>.toml`` beside ``beside`` (an assessment file), then in
    the user's checklist directory.
    """
    if spec is not None:
        if looks_like_path(spec):
            path = Path(spec).expanduser()
            if not path.is_file():
                raise ReadtuiError(spec, "no such checklist file")
            return path
        checklist_id = spec
    if checklist_id is None:
        checklist_id = DEFAULT_CHECKLIST_ID
    candidates = [bundled_checklists().get(checklist_id)]
    if beside is not None and spec is None:
        candidates.append(beside.parent / f"{checklist_id}.toml")
    candidates.append(user_checklist_dir() / f"{checklist_id}.toml")
    for candidate in candidates:
        if candidate is not None and candidate.is_file():
            return candidate
    known = ", ".join(sorted(bundled_checklists() | user_checklists())) or "none"
    if spec is not None:
        raise ReadtuiError("--checklist", f"no bundled or user checklist {spec!r} (known: {known}); give an id or a .toml path")
    raise ReadtuiError(
        beside or checklist_id,
        f"checklist {checklist_id!r} not found (known: {known}); pass --checklist ID|PATH",
    )
