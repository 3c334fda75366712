"""The assessment file model (``readtui-assessment/2``, or ``/3`` with a ``[before]`` table; it
reads ``/1`` too) and its checks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from readtui.core.checklist import (
    Checklist,
    ChoiceItem,
    MultiItem,
    ScaleItem,
    StrictBool,
    StrictInt,
    Text,
    answer_is_valid,
    check_format,
)
from readtui.core.errors import ReadtuiError
from readtui.core.schema import (
    FORBID_EXTRA,
    build,
    constrained,
    not_in_schema,
    quote_key,
    short_repr,
    strict,
    validate,
)

ASSESSMENT_FORMAT = "readtui-assessment/2"
BEFORE_FORMAT = "readtui-assessment/3"
"""Format 2 with a ``[before]`` table: written only when a file has one, so that a file without
before-reading answers still opens in a readtui that reads format 2, and one with them is refused
there as "made by a newer readtui" rather than for an unknown key."""
MARKDOWN_SOURCE_FORMAT = "readtui-assessment/1"
"""The format before Markdown essays were rendered: their paragraphs kept the syntax as written
(`resume.upgrade` moves a file of it onto the rendered text). For plain text it reads the same."""
EXCERPT_CHARS = 60
Sha256 = Annotated[str, constrained(pattern=r"^[0-9a-f]{64}$")]
Count = Annotated[int, strict(), constrained(ge=0)]
StrictStr = Annotated[str, strict()]
Answer = Union[StrictInt, StrictStr, list[StrictStr]]  # noqa: UP007 - a runtime alias pydantic reads
"""A stored answer: option id (choice), integer (scale), option ids (multi), text."""
Status = Literal["in-progress", "complete"]
ESSAY = None
"""The essay as a whole where a paragraph index could stand: an answer's target, a dispute's place.
In the file, ``[[training.paragraph]]`` records it as index 0 (see `TrainingRecord`)."""
BEFORE = "before"
"""The before-reading questions where a paragraph index could stand (an answer's target)."""


def utc_now() -> datetime:
    """Now, in UTC, to the second (what the file records)."""
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(kw_only=True)
class Reader:
    __pydantic_config__ = FORBID_EXTRA
    name: Text


@dataclass(kw_only=True)
class EssayInfo:
    __pydantic_config__ = FORBID_EXTRA
    title: str = ""
    author: str = ""
    date: str = ""
    source: str = ""
    sha256: Sha256
    paragraphs: Annotated[int, strict(), constrained(ge=1)]


@dataclass(kw_only=True)
class ChecklistInfo:
    __pydantic_config__ = FORBID_EXTRA
    id: Text
    version: str = ""
    sha256: str = ""


@dataclass(kw_only=True)
class SessionInfo:
    __pydantic_config__ = FORBID_EXTRA
    started: datetime = field(default_factory=utc_now)
    updated: datetime = field(default_factory=utc_now)
    position: Annotated[int, strict(), constrained(ge=1)] = 1
    status: Status = "in-progress"
    seconds: Count = 0


@dataclass(kw_only=True)
class Answers:
    """Answers, notes and unsure marks for one paragraph, or for the essay as a whole."""

    __pydantic_config__ = FORBID_EXTRA
    note: str = ""
    unsure: list[str] = field(default_factory=list)
    answers: dict[str, Answer] = field(default_factory=dict)
    explain: dict[str, str] = field(default_factory=dict)
    """In an answer key: item id → why the answer is what it is, for learners."""
    accept: dict[str, list[Answer]] = field(default_factory=dict)
    """In an answer key: item id → further answers that count as right."""
    no_consensus: list[str] = field(default_factory=list)
    """In an answer key: items the readers could not settle; scoring skips them."""
    retired: Annotated[dict[str, Answer | None], not_in_schema()] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """Never in a file: answers (None: an unsure mark) that a newer checklist has no place for,
    set aside by `retire_answers` and written back as they were."""

    def is_answered(self, item_id: str) -> bool:
        """Answered or explicitly marked unsure."""
        return item_id in self.answers or item_id in self.unsure


@dataclass(kw_only=True)
class Highlight:
    """A ``[[paragraph.highlight]]``: words of the paragraph, marked with a checklist label.

    ``start`` and ``end`` are code-point offsets into the normalised paragraph text (``end``
    exclusive); ``quote`` is the text between them, kept for people and to notice an edited essay.
    """

    __pydantic_config__ = FORBID_EXTRA
    start: Count
    end: Count
    label: Text
    quote: str
    note: str = ""
    stale: StrictBool = False
    """The essay changed and the quote was not found again: the offsets are the old ones."""

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be greater than start ({self.start})")
        if len(self.quote) != self.end - self.start:
            raise ValueError(f"quote has {len(self.quote)} characters, but end - start is {self.end - self.start}")


@dataclass(kw_only=True)
class ParagraphRecord(Answers):
    """A ``[[paragraph]]`` table: the reader's work on one paragraph."""

    index: Annotated[int, strict(), constrained(ge=1)]
    sha256: Sha256
    chars: Count
    excerpt: str = ""
    flagged: StrictBool = False
    seconds: Count = 0
    stale: StrictBool = False
    highlight: list[Highlight] = field(default_factory=list)

    def __post_init__(self) -> None:
        for n, highlight in enumerate(self.highlight, start=1):
            if highlight.end > self.chars and not highlight.stale:
                raise ValueError(
                    f"highlight[{n}] ends at {highlight.end}, past the paragraph's {self.chars} characters"
                )

    def has_content(self) -> bool:
        """Whether the record is worth writing (an answer, note, flag, highlight or time spent)."""
        return bool(
            self.answers or self.unsure or self.note or self.flagged or self.seconds or self.highlight or self.retired
        )


@dataclass(kw_only=True)
class Overall(Answers):
    """The ``[overall]`` table: essay-scope answers and the overall note."""


@dataclass(kw_only=True)
class Before(Answers):
    """The ``[before]`` table: answers to the before-reading questions, and a note."""

    after_reading: list[str] = field(default_factory=list)
    """Items answered (or changed) after the reader had begun answering the essay, in that order."""

    def has_content(self) -> bool:
        """Whether the table is worth writing (and the file needs format 3)."""
        return bool(self.answers or self.unsure or self.note or self.after_reading)


Tolerance = Annotated[int, strict(), constrained(ge=0)]
_ESSAY_INDEX = 0
"""The index of the essay as a whole in ``[[training.paragraph]]``."""


@dataclass(kw_only=True)
class KeyInfo:
    """The ``[key]`` table of an answer key: how strictly scale answers are scored.

    ``tolerance`` is either one number for every scale item, or a table of item id → number in
    which ``"*"`` gives the default (TOML cannot hold both ``tolerance = 1`` and a
    ``[key.tolerance]`` table).
    """

    __pydantic_config__ = FORBID_EXTRA
    tolerance: Tolerance | dict[str, Tolerance] = 0

    def tolerance_for(self, item_id: str) -> int:
        """How far a scale answer may be from the key's and still count as right."""
        if isinstance(self.tolerance, int):
            return self.tolerance
        return self.tolerance.get(item_id, self.tolerance.get("*", 0))


@dataclass(kw_only=True)
class TrainingRecord:
    """A learner's training on one paragraph, or on the essay as a whole (``index`` 0 in the file)."""

    __pydantic_config__ = FORBID_EXTRA
    index: Count
    """The paragraph's index, or 0 for the essay: code goes through `target` and `for_target`."""
    feedback: StrictBool = False
    """Whether the key's feedback has been shown."""
    first_try: dict[str, Answer] = field(default_factory=dict)
    """The answers given before the feedback was shown."""
    revised: list[str] = field(default_factory=list)
    """Items answered again after the feedback."""
    score: dict[str, Annotated[float, constrained(ge=0, le=1)]] = field(default_factory=dict)
    """Item id → first-try credit, 0 to 1."""

    @classmethod
    def for_target(cls, target: int | None) -> TrainingRecord:
        """An empty record for a paragraph index, or for ESSAY."""
        return cls(index=_ESSAY_INDEX if target is ESSAY else target)

    @property
    def target(self) -> int | None:
        """The paragraph's index, or ESSAY."""
        return ESSAY if self.index == _ESSAY_INDEX else self.index


@dataclass(kw_only=True)
class Training:
    """The ``[training]`` table of a learner's file: the key trained against, and the results."""

    __pydantic_config__ = FORBID_EXTRA
    key: str = ""
    """Where the key was (for people; never opened from here)."""
    key_sha256: Sha256
    paragraph: list[TrainingRecord] = field(default_factory=list)

    def record(self, target: int | None) -> TrainingRecord | None:
        """The record of a paragraph index, or of ESSAY, if there is one."""
        return next((r for r in self.paragraph if r.target == target), None)


@dataclass(kw_only=True)
class Assessment:
    """A ``readtui-assessment/3``, ``/2`` or ``/1`` file."""

    __pydantic_config__ = FORBID_EXTRA
    format: Literal["readtui-assessment/3", "readtui-assessment/2", "readtui-assessment/1"] = ASSESSMENT_FORMAT
    created_by: str = ""
    reader: Reader
    essay: EssayInfo
    checklist: ChecklistInfo
    session: SessionInfo = field(default_factory=SessionInfo)
    paragraph: list[ParagraphRecord] = field(default_factory=list)
    overall: Overall = field(default_factory=Overall)
    before: Before = field(default_factory=Before)
    key: KeyInfo | None = None
    """Only in an answer key."""
    training: Training | None = None
    """Only in a learner's file (``readtui train``)."""

    def __post_init__(self) -> None:
        live = Counter(record.index for record in self.paragraph if not record.stale)
        repeated = sorted(index for index, count in live.items() if count > 1)
        if repeated:
            raise ValueError(f"more than one [[paragraph]] with index {', '.join(map(str, repeated))}")


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of a paragraph, cut at a word boundary, for people reading the file."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(" ,;:") + "…"


def assessment_from_data(path: Path, data: dict[str, Any]) -> Assessment:
    """Validate parsed TOML as an assessment (schema only); every problem becomes one line."""
    check_format(path, data, BEFORE_FORMAT, ASSESSMENT_FORMAT, MARKDOWN_SOURCE_FORMAT)
    return validate(Assessment, data, path)


def quick_assessment(path: Path, data: dict[str, Any]) -> Assessment:
    """The assessment built without pydantic when its shape is right (validate it soon after
    with `assessment_from_data`); otherwise validated at once, so problems are reported now."""
    check_format(path, data, BEFORE_FORMAT, ASSESSMENT_FORMAT, MARKDOWN_SOURCE_FORMAT)
    try:
        return build(Assessment, data)
    except (TypeError, ValueError, KeyError):
        return assessment_from_data(path, data)


def past_the_essay(path: Path, index: int, paragraphs: int, where: str) -> ReadtuiError | None:
    """The error for a record whose ``index`` is past the essay's ``paragraphs`` (None when it is not)."""
    if index <= paragraphs:
        return None
    return ReadtuiError(path, f"index {index} is past the essay's {paragraphs} paragraphs", where)


@dataclass(frozen=True)
class RetiredAnswer:
    """An answer the checklist no longer has a place for, and why."""

    target: int | None
    item_id: str
    value: Answer | None
    """None: the item was marked unsure."""
    why: str

    @property
    def place(self) -> str:
        return "essay" if self.target is ESSAY else f"¶ {self.target}"


def checklist_changed(recorded: ChecklistInfo, checklist: Checklist, sha256: str) -> bool:
    """Whether the checklist is not the one the assessment recorded (another version, or the same
    version with other contents; a file that records neither is taken at its word): only then
    may answers be retired rather than be errors."""
    return recorded.id == checklist.id and bool(
        (recorded.version and recorded.version != checklist.version) or (recorded.sha256 and recorded.sha256 != sha256)
    )


def retire_answers(assessment: Assessment, checklist: Checklist) -> list[RetiredAnswer]:
    """Set aside (into each record's ``retired``) the answers and unsure marks that ``checklist``
    has no place for: items it no longer has or has moved to the other scope, options it no
    longer has, values off its scale. They stay out of progress, comparisons and scores, and
    storage writes them back as they were."""
    retired: list[RetiredAnswer] = []
    records: list[tuple[int | None, Answers, str]] = [(r.index, r, "paragraph") for r in assessment.paragraph]
    records.append((ESSAY, assessment.overall, "essay"))
    for target, record, scope in records:
        for item_id, value in list(record.answers.items()):
            why = _retired_because(checklist, item_id, value, scope)
            if why:
                record.retired[item_id] = record.answers.pop(item_id)
                retired.append(RetiredAnswer(target, item_id, value, why))
        for item_id in list(record.unsure):
            why = _retired_because(checklist, item_id, None, scope)
            if why:
                record.unsure.remove(item_id)
                record.retired[item_id] = None
                retired.append(RetiredAnswer(target, item_id, None, why))
    return retired


def _retired_because(checklist: Checklist, item_id: str, value: Any, scope: str) -> str:
    item = checklist.items.get(item_id)
    if item is None:
        return "item removed"
    if item.scope != scope:
        return f"now {item.scope}-scope"
    if value is None or answer_is_valid(item, value):
        return ""
    if isinstance(item, ChoiceItem | MultiItem) and isinstance(value, str | list):
        gone = [v for v in ([value] if isinstance(value, str) else value) if v not in item.option_ids]
        if gone:
            return f"option {', '.join(map(short_repr, gone))} removed"
    if isinstance(item, ScaleItem) and type(value) is int:
        return f"outside the scale {item.min}–{item.max}"
    return f"not a {item.kind} answer"


def retired_highlights(assessment: Assessment, checklist: Checklist) -> list[tuple[int, Highlight]]:
    """(paragraph, highlight) of every highlight whose label the checklist no longer has."""
    return [
        (record.index, highlight)
        for record in assessment.paragraph
        for highlight in record.highlight
        if highlight.label not in checklist.labels
    ]


def checklist_problems(
    path: Path, assessment: Assessment, checklist: Checklist, *, changed: bool = False
) -> list[ReadtuiError]:
    """What in ``assessment`` does not fit ``checklist`` or its own essay: one error per problem.
    ``changed`` (see `checklist_changed`): highlights of labels the checklist no longer has are
    kept, not errors (its answers are retired first, with `retire_answers`)."""
    problems: list[ReadtuiError] = []
    if assessment.checklist.id != checklist.id:
        problems.append(
            ReadtuiError(
                path, f"assessment uses checklist {assessment.checklist.id!r}, not {checklist.id!r}", "checklist.id"
            )
        )
        return problems
    valid: set[tuple] = set()
    for p, record in enumerate(assessment.paragraph, start=1):
        where = f"paragraph[{p}]"
        if error := past_the_essay(path, record.index, assessment.essay.paragraphs, f"{where}.index"):
            problems.append(error)
        problems += _answer_problems(path, where, record, checklist, "paragraph", valid)
        for h, highlight in enumerate(record.highlight, start=1):
            if highlight.label not in checklist.labels and not changed:
                known = ", ".join(checklist.labels) or "none"
                problems.append(
                    ReadtuiError(
                        path,
                        f"unknown label {highlight.label!r} in checklist {checklist.id!r} (labels: {known})",
                        f"{where}.highlight[{h}].label",
                    )
                )
    problems += _answer_problems(path, "overall", assessment.overall, checklist, "essay")
    problems += _answer_problems(path, "before", assessment.before, checklist, "before")
    for item_id in assessment.before.after_reading:
        problems += _item_problems(path, "before.after_reading", item_id, checklist, "before")
    problems += _tolerance_problems(path, assessment, checklist)
    if not changed:  # a learner's first tries are history: with another checklist version, kept as they are
        problems += _training_problems(path, assessment, checklist)
    return problems


def _answer_problems(
    path: Path, where: str, record: Answers, checklist: Checklist, scope: str, valid: set[tuple] | None = None
) -> list[ReadtuiError]:
    """``valid``: answers already found valid in this scope, not checked again (a class's files give
    the same few answers hundreds of thousands of times)."""
    problems = []
    valid = set() if valid is None else valid
    for item_id, value in record.answers.items():
        kind = type(value)
        known: tuple | None = (item_id, kind, tuple(value) if kind is list else value)
        try:
            if known in valid:
                continue
        except TypeError:  # unhashable: checked each time
            known = None
        found = _value_problems(path, f"{where}.answers.{quote_key(item_id)}", item_id, value, checklist, scope)
        if found:
            problems += found
        elif known is not None:
            valid.add(known)
    for item_id in record.unsure:
        if item_id not in checklist.items:
            problems.append(
                ReadtuiError(path, f"unknown item id {item_id!r} in checklist {checklist.id!r}", f"{where}.unsure")
            )
        elif item_id in record.answers:
            problems.append(
                ReadtuiError(path, f"item {item_id!r} is both answered and marked unsure", f"{where}.unsure")
            )
    for item_id in [*record.explain, *record.no_consensus]:
        field = f"{where}.{'explain' if item_id in record.explain else 'no_consensus'}"
        problems += _item_problems(path, field, item_id, checklist, scope)
    for item_id, values in record.accept.items():
        field = f"{where}.accept.{quote_key(item_id)}"
        problems += _item_problems(path, field, item_id, checklist, scope)
        if item_id in checklist.items and checklist.items[item_id].scope == scope:
            for n, value in enumerate(values, start=1):
                problems += _value_problems(path, f"{field}[{n}]", item_id, value, checklist, scope)
    return problems


def _item_problems(path: Path, field: str, item_id: str, checklist: Checklist, scope: str) -> list[ReadtuiError]:
    """An item id that is not in the checklist, or not of this scope."""
    item = checklist.items.get(item_id)
    if item is None:
        return [ReadtuiError(path, f"unknown item id {item_id!r} in checklist {checklist.id!r}", field)]
    if item.scope != scope:
        return [
            ReadtuiError(path, f"item {item_id!r} is {item.scope}-scope and belongs under {_home(item.scope)}", field)
        ]
    return []


def _value_problems(
    path: Path, field: str, item_id: str, value: Any, checklist: Checklist, scope: str
) -> list[ReadtuiError]:
    problems = _item_problems(path, field, item_id, checklist, scope)
    item = checklist.items.get(item_id)
    if not problems and not answer_is_valid(item, value):
        problems.append(ReadtuiError(path, _bad_answer_message(item, value), field))
    return problems


def _tolerance_problems(path: Path, assessment: Assessment, checklist: Checklist) -> list[ReadtuiError]:
    """A ``[key.tolerance]`` table may name only scale items (and ``"*"``, the default)."""
    tolerance = assessment.key.tolerance if assessment.key else 0
    if isinstance(tolerance, int):
        return []
    return [
        ReadtuiError(
            path,
            f"{item_id!r} is not a scale item of checklist {checklist.id!r}",
            f"key.tolerance.{quote_key(item_id)}",
        )
        for item_id in tolerance
        if item_id != "*" and not isinstance(checklist.items.get(item_id), ScaleItem)
    ]


def _training_problems(path: Path, assessment: Assessment, checklist: Checklist) -> list[ReadtuiError]:
    problems: list[ReadtuiError] = []
    if assessment.training is None:
        return problems
    for n, record in enumerate(assessment.training.paragraph, start=1):
        where = f"training.paragraph[{n}]"
        scope = "essay" if record.target is ESSAY else "paragraph"
        if error := past_the_essay(path, record.index, assessment.essay.paragraphs, f"{where}.index"):
            problems.append(error)
        for item_id, value in record.first_try.items():
            problems += _value_problems(
                path, f"{where}.first_try.{quote_key(item_id)}", item_id, value, checklist, scope
            )
        for item_id in [*record.revised, *record.score]:
            field = f"{where}.{'revised' if item_id in record.revised else 'score'}"
            problems += _item_problems(path, field, item_id, checklist, scope)
    return problems


def _home(scope: str) -> str:
    return {"paragraph": "[[paragraph]]", "essay": "[overall]"}.get(scope, "[before]")


def _bad_answer_message(item: Any, value: Any) -> str:
    if isinstance(item, ChoiceItem):
        return f"{value!r} is not an option (expected one of: {', '.join(o.id for o in item.options)})"
    if isinstance(item, MultiItem):
        return f"{value!r} is not a list of distinct options from: {', '.join(o.id for o in item.options)}"
    if isinstance(item, ScaleItem):
        return f"{value!r} is outside the scale {item.min}–{item.max}"
    return f"{value!r} is not text"


def essay_problems(path: Path, assessment: Assessment, essay) -> list[ReadtuiError]:
    """What in ``assessment`` does not fit ``essay`` (its sha256, and every highlight's quote)."""
    if assessment.essay.sha256 != essay.sha256:
        return [ReadtuiError(path, "was written for another version of this essay (sha256 differs)", "essay.sha256")]
    problems = []
    for p, record in enumerate(assessment.paragraph, start=1):
        if record.stale or not 1 <= record.index <= len(essay.paragraphs):
            continue
        text = essay.paragraphs[record.index - 1]
        for h, highlight in enumerate(record.highlight, start=1):
            found = text[highlight.start : highlight.end]
            if not highlight.stale and found != highlight.quote:
                problems.append(
                    ReadtuiError(
                        path,
                        f"quote {short_repr(highlight.quote)} is not the text at {highlight.start}–{highlight.end}, "
                        f"which is {short_repr(found)}",
                        f"paragraph[{p}].highlight[{h}]",
                    )
                )
    return problems


def key_problems(key_path: Path, key: Assessment, essay_sha256: str, checklist_id: str) -> list[ReadtuiError]:
    """Why ``key`` cannot be used to train on this essay with this checklist."""
    problems = []
    if key.essay.sha256 != essay_sha256:
        problems.append(ReadtuiError(key_path, "is a key for another essay (sha256 differs)", "essay.sha256"))
    if key.checklist.id != checklist_id:
        problems.append(
            ReadtuiError(key_path, f"uses checklist {key.checklist.id!r}, not {checklist_id!r}", "checklist.id")
        )
    if not any(record.answers for record in key.paragraph) and not key.overall.answers:
        problems.append(ReadtuiError(key_path, "has no answers, so there is nothing to train against"))
    return problems
