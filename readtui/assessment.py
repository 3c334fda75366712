"""The assessment file model (``readtui-assessment/1``) and its checks (no Textual)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError, model_validator

from readtui.checklist import (
    Checklist,
    ChoiceItem,
    MultiItem,
    ScaleItem,
    answer_is_valid,
    check_format,
    describe_validation_error,
    quote_key,
)
from readtui.errors import ReadtuiError, ReadtuiErrors

ASSESSMENT_FORMAT = "readtui-assessment/1"
EXCERPT_CHARS = 60
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Answer = Union[StrictInt, StrictStr, list[StrictStr]]
Status = Literal["in-progress", "complete"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Reader(_Model):
    name: str = Field(min_length=1)


class EssayInfo(_Model):
    title: str = ""
    author: str = ""
    date: str = ""
    source: str = ""
    sha256: Sha256
    paragraphs: int = Field(ge=1)


class ChecklistInfo(_Model):
    id: str = Field(min_length=1)
    version: str = ""
    sha256: str = ""


def utc_now() -> datetime:
    """Now, in UTC, to the second (what the file records)."""
    return datetime.now(timezone.utc).replace(microsecond=0)


class SessionInfo(_Model):
    started: datetime = Field(default_factory=utc_now)
    updated: datetime = Field(default_factory=utc_now)
    position: int = Field(default=1, ge=1)
    status: Status = "in-progress"
    seconds: int = Field(default=0, ge=0)


class Answers(_Model):
    """Answers, notes and unsure marks for one paragraph, or for the essay as a whole."""

    note: str = ""
    unsure: list[str] = Field(default_factory=list)
    answers: dict[str, Answer] = Field(default_factory=dict)

    def is_answered(self, item_id: str) -> bool:
        """Answered or explicitly marked unsure."""
        return item_id in self.answers or item_id in self.unsure


class ParagraphRecord(Answers):
    """A ``[[paragraph]]`` table: the reader's work on one paragraph."""

    index: int = Field(ge=1)
    sha256: Sha256
    chars: int = Field(ge=0)
    excerpt: str = ""
    flagged: bool = False
    seconds: int = Field(default=0, ge=0)
    stale: bool = False

    def has_content(self) -> bool:
        """Whether the record is worth writing (an answer, note, flag or time spent)."""
        return bool(self.answers or self.unsure or self.note or self.flagged or self.seconds)


class Overall(Answers):
    """The ``[overall]`` table: essay-scope answers and the overall note."""


class Assessment(_Model):
    """A ``readtui-assessment/1`` file."""

    format: Literal["readtui-assessment/1"] = ASSESSMENT_FORMAT
    created_by: str = ""
    reader: Reader
    essay: EssayInfo
    checklist: ChecklistInfo
    session: SessionInfo = Field(default_factory=SessionInfo)
    paragraph: list[ParagraphRecord] = Field(default_factory=list)
    overall: Overall = Field(default_factory=Overall)

    @model_validator(mode="after")
    def _one_live_record_per_paragraph(self) -> Assessment:
        live = [record.index for record in self.paragraph if not record.stale]
        repeated = sorted({index for index in live if live.count(index) > 1})
        if repeated:
            raise ValueError(f"more than one [[paragraph]] with index {', '.join(map(str, repeated))}")
        return self


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of a paragraph, cut at a word boundary, for people reading the file."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(" ,;:") + "…"


def assessment_from_data(path: Path, data: dict[str, Any]) -> Assessment:
    """Validate parsed TOML as an assessment (schema only); every problem becomes one line."""
    check_format(path, data, ASSESSMENT_FORMAT)
    try:
        return Assessment.model_validate(data)
    except ValidationError as error:
        raise ReadtuiErrors(describe_validation_error(path, error)) from None


def checklist_problems(path: Path, assessment: Assessment, checklist: Checklist) -> list[ReadtuiError]:
    """What in ``assessment`` does not fit ``checklist`` or its own essay: one error per problem."""
    problems: list[ReadtuiError] = []
    if assessment.checklist.id != checklist.id:
        problems.append(
            ReadtuiError(path, f"assessment uses checklist {assessment.checklist.id!r}, not {checklist.id!r}", "checklist.id")
        )
        return problems
    for p, record in enumerate(assessment.paragraph, start=1):
        where = f"paragraph[{p}]"
        if record.index > assessment.essay.paragraphs:
            problems.append(
                ReadtuiError(path, f"index {record.index} is past the essay's {assessment.essay.paragraphs} paragraphs", f"{where}.index")
            )
        problems += _answer_problems(path, where, record, checklist, "paragraph")
    problems += _answer_problems(path, "overall", assessment.overall, checklist, "essay")
    return problems


def _answer_problems(path: Path, where: str, record: Answers, checklist: Checklist, scope: str) -> list[ReadtuiError]:
    problems = []
    for item_id, value in record.answers.items():
        item = checklist.items.get(item_id)
        field = f"{where}.answers.{quote_key(item_id)}"
        if item is None:
            problems.append(ReadtuiError(path, f"unknown item id {item_id!r} in checklist {checklist.id!r}", field))
        elif item.scope != scope:
            problems.append(ReadtuiError(path, f"item {item_id!r} is {item.scope}-scope and belongs under {_home(item.scope)}", field))
        elif not answer_is_valid(item, value):
            problems.append(ReadtuiError(path, _bad_answer_message(item, value), field))
    for item_id in record.unsure:
        if item_id not in checklist.items:
            problems.append(ReadtuiError(path, f"unknown item id {item_id!r} in checklist {checklist.id!r}", f"{where}.unsure"))
        elif item_id in record.answers:
            problems.append(ReadtuiError(path, f"item {item_id!r} is both answered and marked unsure", f"{where}.unsure"))
    return problems


def _home(scope: str) -> str:
    return "[[paragraph]]" if scope == "paragraph" else "[overall]"


def _bad_answer_message(item: Any, value: Any) -> str:
    if isinstance(item, ChoiceItem):
        return f"{value!r} is not an option (expected one of: {', '.join(o.id for o in item.options)})"
    if isinstance(item, MultiItem):
        return f"{value!r} is not a list of distinct options from: {', '.join(o.id for o in item.options)}"
    if isinstance(item, ScaleItem):
        return f"{value!r} is outside the scale {item.min}–{item.max}"
    return f"{value!r} is not text"
