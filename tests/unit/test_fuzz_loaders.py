"""Fuzzing the loaders (hypothesis): whatever the bytes of an essay, a checklist or an assessment,
only one-line ReadtuiErrors come out; and the answer-key fields of [overall] round trip. (Once part
of test_adversarial.py; bad files through the commands: tests/cli/test_bad_input.py.)"""

from __future__ import annotations

import codecs
from datetime import UTC
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readtui.core.assessment import (
    Assessment,
    ChecklistInfo,
    EssayInfo,
    Highlight,
    KeyInfo,
    Overall,
    ParagraphRecord,
    Reader,
    Training,
    TrainingRecord,
    checklist_problems,
    essay_problems,
    excerpt,
)
from readtui.core.checklist import bundled_checklists
from readtui.core.errors import ReadtuiError, ReadtuiErrors
from readtui.core.essay import decode_essay, load_essay, sample_essay_path
from readtui.core.session import new_assessment
from readtui.core.storage import AssessmentWriter, add_positions, load_assessment, load_checklist, parse_toml
from readtui.core.validation import validate_file
from tests.conftest import CONTROL, MINI, names_file

pytestmark = pytest.mark.usefixtures("gc_back_on")

# --- fuzzing the loaders ---------------------------------------------------------------------


ENCODINGS = [None, "utf-8", "utf-16", "utf-16-le", "utf-32", "cp1252", "latin-1", "ascii", "base64", "rot13", "nope"]
TRICKY_TEXT = [
    "\x00",
    "\x1b[31m",
    "\x1b]8;;http://x\x1b\\",
    "[b]",
    "[/]",
    "[@click=app.quit]",
    "\u202e",
    "\u200d",
    "\u0301",
    "\ufeff",
    "\r\n",
    "\n\n",
    "---\n",
    "+++\n",
    "# ",
    "title = [[[",
    "日本語",
    "👨‍👩‍👧",
    "مرحبا",
]
essay_bytes = st.one_of(
    st.binary(max_size=300),
    st.tuples(
        st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE]),
        st.lists(st.one_of(st.sampled_from(TRICKY_TEXT), st.text(max_size=20)), max_size=20).map("".join),
        st.sampled_from(["utf-8", "utf-16-le", "utf-16-be", "cp1252", "latin-1", "utf-32-le"]),
    ).map(lambda parts: parts[0] + parts[1].encode(parts[2], errors="replace")),
)


def assert_one_line_problems(error: ReadtuiError, name: str | None = None) -> None:
    problems = error.problems if isinstance(error, ReadtuiErrors) else [error]
    for problem in problems:
        line = str(problem)
        assert line and "\n" not in line and "\r" not in line, repr(line)
        assert not CONTROL.search(line), repr(line)
        if name is not None:
            assert names_file(line, name), line


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=essay_bytes, encoding=st.sampled_from(ENCODINGS), suffix=st.sampled_from([".txt", ".md"]))
def test_fuzz_the_essay_loader(tmp_path: Path, data: bytes, encoding: str | None, suffix: str) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    for load in (lambda: decode_essay(data, path, encoding), lambda: load_essay(path, encoding=encoding)):
        try:
            result = load()
        except ReadtuiError as error:
            assert_one_line_problems(error, str(path))
            continue
        if isinstance(result, str):
            continue
        assert len(result.paragraphs) >= 1
        for text in [*result.paragraphs, result.title, result.author, result.date, result.subtitle]:
            assert not CONTROL.search(text), repr(text)
        # Only a Markdown paragraph breaks lines (list items, headings, quotes), and never into an empty one.
        for text in [*result.paragraphs] if suffix == ".md" else []:
            assert all(line.strip() for line in text.split("\n")), repr(text)
        for text in [
            *([] if suffix == ".md" else result.paragraphs),
            result.title,
            result.author,
            result.date,
            result.subtitle,
        ]:
            assert "\n" not in text, repr(text)
        assert len(result.sha256) == 64


def _valid_assessment_bytes() -> bytes:
    checklist = load_checklist(bundled_checklists()["critical-reading"])
    essay = load_essay(sample_essay_path())
    assessment = new_assessment(essay, checklist, "ab" * 32, "Ann [b]", "essay.txt")
    text = essay.paragraphs[0]
    assessment.paragraph.append(
        ParagraphRecord(
            index=1,
            sha256=essay.paragraph_sha256(0),
            chars=len(text),
            excerpt=excerpt(text),
            answers={"claims-supported": "no", "evidence-kinds": ["statistics"], "loaded-words": 2},
            note='a "note" with\nlines',
            highlight=[Highlight(start=0, end=3, label="loaded-word", quote=text[:3])],
        )
    )
    assessment.overall.answers = {"credibility": 3, "main-claim": "x"}
    return AssessmentWriter().dumps(assessment).encode("utf-8")


VALID_ASSESSMENT = _valid_assessment_bytes()
VALID_CHECKLIST = MINI.encode("utf-8")


@st.composite
def damaged_bytes(draw) -> bytes:
    data = bytearray(draw(st.sampled_from([VALID_ASSESSMENT, VALID_CHECKLIST])))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        action = draw(st.sampled_from(["truncate", "flip", "insert", "delete"]))
        at = draw(st.integers(min_value=0, max_value=max(len(data) - 1, 0)))
        if action == "truncate":
            del data[at:]
        elif action == "flip" and data:
            data[at] = draw(st.integers(min_value=0, max_value=255))
        elif action == "insert":
            data[at:at] = draw(
                st.one_of(st.binary(max_size=8), st.sampled_from([b"[", b"]", b'"', b"=", b"\n[[x]]\n"]))
            )
        elif data:
            del data[at : at + draw(st.integers(min_value=1, max_value=40))]
    return bytes(data)


def check_any_file(path: Path, critical_checklist, small_essay) -> None:
    """Every loader and check on ``path``: only one-line ReadtuiErrors may come out."""
    for load in (parse_toml, load_checklist, load_assessment):
        try:
            loaded = load(path)
        except ReadtuiError as error:
            assert_one_line_problems(error, str(path))
            continue
        if isinstance(loaded, Assessment):
            for problem in checklist_problems(path, loaded, critical_checklist) + essay_problems(
                path, loaded, small_essay
            ):
                assert_one_line_problems(problem, str(path))
    for problem in add_positions(validate_file(str(path)).problems):  # the locator, over damaged files
        assert_one_line_problems(problem)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=200), damaged_bytes()))
def test_fuzz_the_toml_loaders_with_bytes(tmp_path: Path, data: bytes, critical_checklist, small_essay) -> None:
    path = tmp_path / "fuzz.toml"
    path.write_bytes(data)
    check_any_file(path, critical_checklist, small_essay)


KEYS = [
    "format",
    "created_by",
    "reader",
    "name",
    "essay",
    "checklist",
    "session",
    "paragraph",
    "overall",
    "key",
    "training",
    "id",
    "title",
    "version",
    "sha256",
    "paragraphs",
    "index",
    "chars",
    "answers",
    "unsure",
    "note",
    "highlight",
    "start",
    "end",
    "label",
    "quote",
    "explain",
    "accept",
    "no_consensus",
    "tolerance",
    "section",
    "item",
    "kind",
    "options",
    "prompt",
    "min",
    "max",
    "scope",
    "evidence",
    "position",
    "status",
    "claims-supported",
    "loaded-words",
    "credibility",
    "*",
    "a b",
    "\x1b[2J",
]
toml_scalars = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(TRICKY_TEXT),
    st.sampled_from(
        [
            "readtui-assessment/1",
            "readtui-checklist/1",
            "readtui-assessment/2",
            "critical-reading",
            "choice",
            "scale",
            "multi",
            "text",
            "yes",
            "ab" * 32,
            "in-progress",
        ]
    ),
    st.datetimes(timezones=st.sampled_from([UTC, None])),
    st.dates(),
    st.times(),
)
toml_values = st.recursive(
    toml_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.sampled_from(KEYS), children, max_size=4)
    ),
    max_leaves=12,
)
toml_documents = st.dictionaries(st.sampled_from(KEYS), toml_values, max_size=8).flatmap(
    lambda doc: st.sampled_from(
        ["readtui-assessment/1", "readtui-assessment/2", "readtui-checklist/1", "readtui-assessment/9"]
    ).map(lambda fmt: {**doc, "format": fmt})
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=toml_documents)
def test_fuzz_the_toml_loaders_with_wrong_structures(
    tmp_path: Path, document: dict, critical_checklist, small_essay
) -> None:
    path = tmp_path / "fuzz.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    check_any_file(path, critical_checklist, small_essay)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    note=st.text(),
    explain=st.dictionaries(st.text(min_size=1, max_size=10), st.text(max_size=20), max_size=3),
    accept=st.dictionaries(
        st.text(min_size=1, max_size=10),
        st.lists(
            st.one_of(st.integers(-(2**63), 2**63 - 1), st.text(max_size=8), st.lists(st.text(max_size=5))), max_size=3
        ),
        max_size=3,
    ),
    no_consensus=st.lists(st.text(min_size=1, max_size=10), max_size=3),
    tolerance=st.one_of(
        st.integers(0, 9), st.dictionaries(st.text(min_size=1, max_size=5), st.integers(0, 9), max_size=3)
    ),
)
def test_round_trip_of_the_answer_key_fields_of_overall(
    tmp_path: Path, note: str, explain: dict, accept: dict, no_consensus: list, tolerance
) -> None:
    """What test_round_trip_property leaves out: explain, accept and no_consensus on [overall]."""
    original = Assessment(
        reader=Reader(name="Key"),
        essay=EssayInfo(sha256="ab" * 32, paragraphs=3),
        checklist=ChecklistInfo(id="critical-reading"),
        overall=Overall(note=note, explain=explain, accept=accept, no_consensus=no_consensus),
        key=KeyInfo(tolerance=tolerance),
        training=Training(key=note, key_sha256="cd" * 32, paragraph=[TrainingRecord(index=0, feedback=True)]),
    )
    path = tmp_path / "key.toml"
    AssessmentWriter().save(path, original)
    assert load_assessment(path) == original
