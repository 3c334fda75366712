"""The assessment file: TOML round trips, schema problems and checks against the checklist."""

from __future__ import annotations

import copy
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import readtui.core.storage as storage
from readtui.core.assessment import (
    BEFORE_FORMAT,
    Assessment,
    Before,
    ChecklistInfo,
    EssayInfo,
    Highlight,
    KeyInfo,
    Overall,
    ParagraphRecord,
    Reader,
    SessionInfo,
    Training,
    TrainingRecord,
    checklist_problems,
    excerpt,
    quick_assessment,
)
from readtui.core.errors import ReadtuiError, ReadtuiErrors
from readtui.core.schema import build
from readtui.core.session import new_assessment
from readtui.core.storage import AssessmentWriter, load_assessment

NASTY = [
    'a "quoted" word',
    "back\\slash \\n not a newline",
    "two\nlines\r\nand a CR\rend",
    "tab\there",
    "[b]markup[/b] and [red]colour[/red]",
    "[@click=app.quit]quit[/] and $variable {brace}",
    "Ελληνικά, русский, العربية, עברית, 中文, 日本語, हिन्दी",
    "emoji 😀👍🏽 and 👨‍👩‍👧 and 🇳🇿",
    "'''triple''' \"\"\"quotes\"\"\"",
    "control \x00\x01\x1b[31m\x7f chars",
    "  leading and trailing spaces  ",
    "# not a comment",
    'key = "value"\n[table]',
]
SHA = "ab" * 32


def paragraph(index: int, **fields) -> ParagraphRecord:
    base = {"sha256": f"{index:064x}", "chars": 100 + index, "excerpt": f"Paragraph {index}"}
    return ParagraphRecord(index=index, **(base | fields))


def assessment_with(
    records: list[ParagraphRecord] | None = None, overall: Overall | None = None, paragraphs: int = 4
) -> Assessment:
    return Assessment(
        created_by="readtui test",
        reader=Reader(name="tester"),
        essay=EssayInfo(title="T", sha256=SHA, paragraphs=paragraphs),
        checklist=ChecklistInfo(id="critical-reading", version="1.0", sha256=SHA),
        session=SessionInfo(
            started=datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
            updated=datetime(2024, 5, 1, 10, 0, 5, tzinfo=UTC),
            position=2,
        ),
        paragraph=records or [],
        overall=overall or Overall(),
    )


def round_trip(tmp_path: Path, assessment: Assessment, name: str = "a.readtui.toml") -> Assessment:
    path = tmp_path / name
    AssessmentWriter().save(path, assessment)
    return load_assessment(path)


# --- round trips ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", NASTY)
def test_round_trip_of_awkward_strings(tmp_path: Path, text: str) -> None:
    original = assessment_with(
        [paragraph(1, note=text, excerpt=text, answers={"main-claim": text, text: text, "claims-supported": "yes"})],
        Overall(note=text, answers={"summary": text, "credibility": 3}),
    )
    original.essay.title = text
    original.essay.author = text
    original.reader.name = text
    loaded = round_trip(tmp_path, original)
    assert loaded == original
    assert loaded.paragraph[0].note == text
    assert loaded.overall.answers["summary"] == text


def test_round_trip_of_a_full_assessment(tmp_path: Path) -> None:
    original = assessment_with(
        [
            paragraph(
                1, answers={"claims-supported": "partly", "evidence-kinds": ["statistics", "expert"], "loaded-words": 4}
            ),
            paragraph(2, unsure=["checkable"], flagged=True, seconds=75, note="come back"),
            paragraph(3, answers={"evidence-kinds": []}),
            paragraph(3, sha256="cd" * 32, stale=True, answers={"claims-supported": "no"}),
        ],
        Overall(answers={"main-claim": "It says X.", "credibility": 2}, unsure=["summary"], note="overall"),
    )
    original.session.status = "complete"
    loaded = round_trip(tmp_path, original)
    assert loaded == original
    assert loaded.paragraph[2].answers == {"evidence-kinds": []}
    assert [(r.index, r.stale) for r in loaded.paragraph] == [(1, False), (2, False), (3, False), (3, True)]


def test_built_for_the_first_frame_as_validated(tmp_path: Path) -> None:
    """`quick_assessment` (no pydantic, one builder per type) gives what validation gives, every
    table and kind of answer included."""
    original = assessment_with(
        [
            paragraph(
                1,
                answers={"claims-supported": "partly", "evidence-kinds": ["statistics", "expert"], "loaded-words": 4},
                highlight=[Highlight(start=2, end=5, label="loaded-word", quote="abc", note="n")],
            ),
            paragraph(2, unsure=["checkable"], flagged=True, seconds=75, note="come back", explain={"checkable": "e"}),
            paragraph(3, answers={"evidence-kinds": []}, accept={"claims-supported": ["yes", "partly"]}),
            paragraph(3, sha256="cd" * 32, stale=True, answers={"claims-supported": "no"}, no_consensus=["dodges"]),
        ],
        Overall(answers={"main-claim": "It says X.", "credibility": 2}, unsure=["summary"], note="overall"),
    )
    original.format = BEFORE_FORMAT  # as written, with a [before] table
    original.before = Before(answers={"prior-stance": 3}, after_reading=["prior-stance"])
    original.key = KeyInfo(tolerance={"*": 1, "credibility": 0})
    original.training = Training(
        key_sha256=SHA,
        paragraph=[TrainingRecord(index=1, feedback=True, first_try={"loaded-words": 2}, score={"loaded-words": 0.5})],
    )
    path = tmp_path / "a.readtui.toml"
    AssessmentWriter().save(path, original)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert quick_assessment(path, data) == load_assessment(path) == original
    original.key = original.training = None
    AssessmentWriter().save(path, original)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert build(Assessment, data) == load_assessment(path) == original, "built without pydantic"


def test_saved_file_layout(tmp_path: Path) -> None:
    """The file a person opens: the format first, header tables, then paragraphs in order, then overall."""
    original = assessment_with(
        [paragraph(2, answers={"loaded-words": 4}), paragraph(1, note="first")],
        Overall(answers={"credibility": 3}),
    )
    path = tmp_path / "a.toml"
    AssessmentWriter().save(path, original)
    text = path.read_text(encoding="utf-8")
    assert text.startswith('format = "readtui-assessment/2"\n')
    positions = [
        text.index(marker)
        for marker in ("[reader]", "[essay]", "[checklist]", "[session]", "[[paragraph]]", "[overall")
    ]
    assert positions == sorted(positions)
    data = tomllib.loads(text)
    assert [p["index"] for p in data["paragraph"]] == [1, 2]
    assert "stale" not in data["paragraph"][0], "stale = false is not written"
    assert "author" not in data["essay"], "empty strings are left out"
    assert data["session"]["started"] == datetime(2024, 5, 1, 9, 30, tzinfo=UTC)


def test_empty_overall_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    AssessmentWriter().save(path, assessment_with())
    assert "overall" not in tomllib.loads(path.read_text(encoding="utf-8"))
    assert load_assessment(path).overall == Overall()


def test_new_assessment_round_trips(tmp_path: Path, small_essay, critical_checklist) -> None:
    original = new_assessment(small_essay, critical_checklist, SHA, "tester", "essay.txt")
    assert original.essay.paragraphs == 4 and original.essay.title == "A Small Test Essay"
    assert original.essay.sha256 == small_essay.sha256
    assert original.created_by.startswith("readtui ")
    assert round_trip(tmp_path, original) == original


# A random assessment: awkward text anywhere, any answer shape, any item ids (even ones that need quoting).
texts = st.text(max_size=40)
answers = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    texts,
    st.lists(texts, max_size=4),
)
item_ids = st.text(min_size=1, max_size=12)
answer_tables = st.dictionaries(item_ids, answers, max_size=4)


@st.composite
def assessments(draw) -> Assessment:
    indexes = sorted(draw(st.sets(st.integers(min_value=1, max_value=30), max_size=5)))
    records = [
        paragraph(
            index,
            note=draw(texts),
            excerpt=draw(texts),
            answers=draw(answer_tables),
            unsure=draw(st.lists(st.text(min_size=1, max_size=12), max_size=3)),
            flagged=draw(st.booleans()),
            seconds=draw(st.integers(min_value=0, max_value=10**6)),
            explain=draw(st.dictionaries(item_ids, texts, max_size=2)),
            accept=draw(st.dictionaries(item_ids, st.lists(answers, max_size=2), max_size=2)),
            no_consensus=draw(st.lists(item_ids, max_size=2)),
        )
        for index in indexes
    ]
    overall = Overall(
        note=draw(texts), answers=draw(answer_tables), unsure=draw(st.lists(texts.filter(bool), max_size=2))
    )
    assessment = assessment_with(records, overall, paragraphs=30)
    assessment.before = Before(
        note=draw(texts), answers=draw(answer_tables), after_reading=draw(st.lists(item_ids, max_size=2))
    )
    if assessment.before.has_content():
        assessment.format = BEFORE_FORMAT  # what the file is written as
    assessment.essay.title = draw(texts)
    assessment.reader.name = draw(st.text(min_size=1, max_size=20))
    tolerances = st.integers(min_value=0, max_value=5)
    if draw(st.booleans()):
        assessment.key = KeyInfo(tolerance=draw(tolerances | st.dictionaries(item_ids, tolerances, max_size=3)))
    if draw(st.booleans()):
        assessment.training = Training(
            key=draw(texts),
            key_sha256="c" * 64,
            paragraph=[
                TrainingRecord(
                    index=index,
                    feedback=draw(st.booleans()),
                    first_try=draw(answer_tables),
                    revised=draw(st.lists(item_ids, max_size=2)),
                    score=draw(st.dictionaries(item_ids, st.floats(min_value=0, max_value=1), max_size=2)),
                )
                for index in draw(st.lists(st.integers(min_value=0, max_value=30), max_size=3, unique=True))
            ],
        )
    return assessment


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(original=assessments())
def test_round_trip_property(tmp_path: Path, original: Assessment) -> None:
    assert round_trip(tmp_path, original, "property.toml") == original


# --- the fragment cache ---------------------------------------------------------------------


def test_fragment_cache_matches_a_fresh_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assessment = assessment_with(
        [paragraph(i, answers={"loaded-words": i % 5 + 1}) for i in range(1, 9)], paragraphs=10
    )
    writer = AssessmentWriter()
    first = writer.dumps(assessment)
    assert first == AssessmentWriter().dumps(assessment)
    assert writer.dumps(assessment) == first, "nothing changed, same text"

    # Change one paragraph in place, remove one, add one, and touch the overall table.
    assessment.paragraph[2].answers["loaded-words"] = 1
    assessment.paragraph[2].unsure.append("checkable")
    assessment.paragraph[5].note = "new note"
    del assessment.paragraph[0]
    assessment.paragraph.append(paragraph(10, flagged=True))
    assessment.overall.answers["credibility"] = 4

    calls: list[object] = []
    real_dumps = storage.tomli_w.dumps

    def counting_dumps(obj, **kwargs):
        calls.append(obj)
        return real_dumps(obj, **kwargs)

    monkeypatch.setattr(storage.tomli_w, "dumps", counting_dumps)
    cached = writer.dumps(assessment)
    # Header, the two changed paragraphs, the new one, and [overall]: the five unchanged ones come from the cache.
    assert len(calls) == 5
    monkeypatch.setattr(storage.tomli_w, "dumps", real_dumps)
    assert cached == AssessmentWriter().dumps(assessment)
    assert cached != first
    data = tomllib.loads(cached)
    assert [p["index"] for p in data["paragraph"]] == [2, 3, 4, 5, 6, 7, 8, 10]
    assert data["paragraph"][1]["answers"]["loaded-words"] == 1
    assert data["paragraph"][4]["note"] == "new note"

    # Undo the in-place change: the old text comes back byte for byte.
    assessment.paragraph[5].note = ""
    assert writer.dumps(assessment) == AssessmentWriter().dumps(assessment)


def test_fragment_cache_tells_apart_equal_looking_values() -> None:
    """1, "1" and ["1"] are different answers: the cache must not hand back the text of another one."""
    writer = AssessmentWriter()
    assessment = assessment_with([paragraph(1, answers={"x": 1})])
    assert "x = 1" in writer.dumps(assessment)
    assessment.paragraph[0].answers["x"] = "1"
    assert 'x = "1"' in writer.dumps(assessment)
    assessment.paragraph[0].answers["x"] = ["1"]
    text = writer.dumps(assessment)
    assert text == AssessmentWriter().dumps(assessment)
    assert tomllib.loads(text)["paragraph"][0]["answers"]["x"] == ["1"]


# --- schema problems ------------------------------------------------------------------------


def write_text(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "a.readtui.toml"
    path.write_text(text, encoding="utf-8")
    return path


def saved(tmp_path: Path, assessment: Assessment) -> str:
    return AssessmentWriter().dumps(assessment)


def test_schema_problems_are_one_line_each(tmp_path: Path) -> None:
    text = saved(tmp_path, assessment_with([paragraph(1, answers={"loaded-words": 3})]))
    text = text.replace('name = "tester"', 'nome = "tester"').replace(f'sha256 = "{1:064x}"', 'sha256 = "nothex"')
    text = text.replace("loaded-words = 3", "loaded-words = true")
    path = write_text(tmp_path, text)
    with pytest.raises(ReadtuiErrors) as caught:
        load_assessment(path)
    lines = str(caught.value).splitlines()
    assert f"{path}: reader.name: missing required key" in lines
    assert f"{path}: reader.nome: unknown key (did you mean 'name'?)" in lines
    assert any(line.startswith(f"{path}: paragraph[1].sha256: ") for line in lines)
    assert any(line.startswith(f"{path}: paragraph[1].answers.loaded-words") for line in lines)
    assert all(line.startswith(f"{path}: ") for line in lines)
    assert "Traceback" not in str(caught.value)


def test_two_live_records_for_one_paragraph(tmp_path: Path) -> None:
    text = saved(tmp_path, assessment_with([paragraph(2), paragraph(2, sha256="cd" * 32, stale=True)]))
    path = write_text(tmp_path, text.replace("stale = true\n", ""))
    with pytest.raises(ReadtuiError) as caught:
        load_assessment(path)
    assert str(caught.value) == f"{path}: more than one [[paragraph]] with index 2"


def test_newer_assessment_format(tmp_path: Path) -> None:
    text = saved(tmp_path, assessment_with())
    path = write_text(tmp_path, text.replace("readtui-assessment/2", "readtui-assessment/7"))
    with pytest.raises(ReadtuiError) as caught:
        load_assessment(path)
    assert str(caught.value) == (
        f"{path}: format: made by a newer readtui (format 'readtui-assessment/7'; "
        "this readtui reads 'readtui-assessment/3'); upgrade readtui"
    )


def test_checklist_is_not_an_assessment(tmp_path: Path, critical_checklist_path: Path) -> None:
    with pytest.raises(ReadtuiError) as caught:
        load_assessment(critical_checklist_path)
    assert str(caught.value) == (
        f"{critical_checklist_path}: format: expected format = 'readtui-assessment/3', found 'readtui-checklist/1'"
    )


# --- checks against the checklist and the essay ---------------------------------------------


def problems(assessment: Assessment, checklist) -> list[str]:
    return [str(problem) for problem in checklist_problems(Path("a.toml"), assessment, checklist)]


def test_a_good_assessment_has_no_problems(critical_checklist) -> None:
    assessment = assessment_with(
        [
            paragraph(
                1, answers={"claims-supported": "yes", "evidence-kinds": ["statistics", "documents"], "loaded-words": 5}
            ),
            paragraph(4, answers={"evidence-kinds": []}, unsure=["checkable"]),
        ],
        Overall(answers={"credibility": 1, "main-claim": "x", "summary": "y"}, unsure=["would-convince"]),
    )
    assert problems(assessment, critical_checklist) == []


def test_unknown_item_ids(critical_checklist) -> None:
    assessment = assessment_with(
        [paragraph(1, answers={"renamed-item": "yes"}, unsure=["gone"])], Overall(answers={"old": 1})
    )
    assert problems(assessment, critical_checklist) == [
        "a.toml: paragraph[1].answers.renamed-item: unknown item id 'renamed-item' in checklist 'critical-reading'",
        "a.toml: paragraph[1].unsure: unknown item id 'gone' in checklist 'critical-reading'",
        "a.toml: overall.answers.old: unknown item id 'old' in checklist 'critical-reading'",
    ]


def test_bad_option_ids(critical_checklist) -> None:
    assessment = assessment_with(
        [paragraph(1, answers={"claims-supported": "maybe", "evidence-kinds": ["statistics", "rumour"]})]
    )
    assert problems(assessment, critical_checklist) == [
        "a.toml: paragraph[1].answers.claims-supported: 'maybe' is not an option (expected one of: yes, partly, no, no-claims)",
        "a.toml: paragraph[1].answers.evidence-kinds: ['statistics', 'rumour'] is not a list of distinct options from: "
        "statistics, documents, example, expert, eyewitness",
    ]


def test_an_answer_found_valid_once_does_not_pass_others_for_it(critical_checklist) -> None:
    """Answers already found valid are not checked again: one that only looks like them (equal in
    Python: True == 1, a list like a tuple) is still checked, in every record."""
    good = {"claims-supported": "yes", "evidence-kinds": ["statistics"], "loaded-words": 1}
    assessment = assessment_with(
        [
            paragraph(1, answers=good),
            paragraph(2, answers=good),
            paragraph(3, answers={"claims-supported": ["yes"], "evidence-kinds": ["statistics", "statistics"]}),
            paragraph(4, answers={"loaded-words": True, "evidence-kinds": [["statistics"]]}),
        ],
        Overall(answers={"credibility": "yes"}),
    )
    assert problems(assessment, critical_checklist) == [
        "a.toml: paragraph[3].answers.claims-supported: ['yes'] is not an option (expected one of: yes, partly, no, no-claims)",
        "a.toml: paragraph[3].answers.evidence-kinds: ['statistics', 'statistics'] is not a list of distinct options "
        "from: statistics, documents, example, expert, eyewitness",
        "a.toml: paragraph[4].answers.loaded-words: True is outside the scale 1–5",
        "a.toml: paragraph[4].answers.evidence-kinds: [['statistics']] is not a list of distinct options from: "
        "statistics, documents, example, expert, eyewitness",
        "a.toml: overall.answers.credibility: 'yes' is outside the scale 1–5",
    ]


def test_repeated_and_wrongly_typed_answers(critical_checklist) -> None:
    assessment = assessment_with(
        [
            paragraph(
                1, answers={"evidence-kinds": ["example", "example"], "claims-supported": ["yes"], "loaded-words": "3"}
            )
        ]
    )
    assert [line.split(": ")[1] for line in problems(assessment, critical_checklist)] == [
        "paragraph[1].answers.evidence-kinds",
        "paragraph[1].answers.claims-supported",
        "paragraph[1].answers.loaded-words",
    ]


def test_answer_key_extras_are_checked(critical_checklist) -> None:
    record = paragraph(
        1,
        answers={"claims-supported": "no"},
        explain={"claims-supported": "fine", "gone": "x"},
        accept={"claims-supported": ["partly", "maybe"], "credibility": [2]},
        no_consensus=["nope"],
    )
    assessment = assessment_with([record])
    assessment.key = KeyInfo(tolerance={"*": 1, "loaded-words": 0, "claims-supported": 2})
    assessment.training = Training(
        key_sha256="c" * 64,
        paragraph=[TrainingRecord(index=7, first_try={"loaded-words": 9}, revised=["gone"])],
    )
    assert problems(assessment, critical_checklist) == [
        "a.toml: paragraph[1].explain: unknown item id 'gone' in checklist 'critical-reading'",
        "a.toml: paragraph[1].no_consensus: unknown item id 'nope' in checklist 'critical-reading'",
        "a.toml: paragraph[1].accept.claims-supported[2]: 'maybe' is not an option "
        "(expected one of: yes, partly, no, no-claims)",
        "a.toml: paragraph[1].accept.credibility: item 'credibility' is essay-scope and belongs under [overall]",
        "a.toml: key.tolerance.claims-supported: 'claims-supported' is not a scale item of checklist 'critical-reading'",
        "a.toml: training.paragraph[1].index: index 7 is past the essay's 4 paragraphs",
        "a.toml: training.paragraph[1].first_try.loaded-words: 9 is outside the scale 1–5",
        "a.toml: training.paragraph[1].revised: unknown item id 'gone' in checklist 'critical-reading'",
    ]


@pytest.mark.parametrize("value", [0, 6, -1, 100])
def test_scale_value_out_of_range(critical_checklist, value: int) -> None:
    assessment = assessment_with(
        [paragraph(1, answers={"loaded-words": value})], Overall(answers={"credibility": value})
    )
    assert problems(assessment, critical_checklist) == [
        f"a.toml: paragraph[1].answers.loaded-words: {value} is outside the scale 1–5",
        f"a.toml: overall.answers.credibility: {value} is outside the scale 1–5",
    ]


def test_paragraph_index_past_the_essay(critical_checklist) -> None:
    assessment = assessment_with([paragraph(4), paragraph(5)], paragraphs=4)
    assert problems(assessment, critical_checklist) == [
        "a.toml: paragraph[2].index: index 5 is past the essay's 4 paragraphs"
    ]


def test_answered_and_unsure(critical_checklist) -> None:
    assessment = assessment_with(
        [paragraph(1, answers={"checkable": "easily"}, unsure=["checkable"])],
        Overall(answers={"credibility": 3}, unsure=["credibility"]),
    )
    assert problems(assessment, critical_checklist) == [
        "a.toml: paragraph[1].unsure: item 'checkable' is both answered and marked unsure",
        "a.toml: overall.unsure: item 'credibility' is both answered and marked unsure",
    ]


def test_answers_in_the_wrong_scope(critical_checklist) -> None:
    assessment = assessment_with([paragraph(1, answers={"credibility": 3})], Overall(answers={"loaded-words": 3}))
    assert problems(assessment, critical_checklist) == [
        "a.toml: paragraph[1].answers.credibility: item 'credibility' is essay-scope and belongs under [overall]",
        "a.toml: overall.answers.loaded-words: item 'loaded-words' is paragraph-scope and belongs under [[paragraph]]",
    ]


def test_another_checklist(critical_checklist) -> None:
    assessment = assessment_with([paragraph(1, answers={"nope": 1})])
    assessment.checklist.id = "source-check"
    assert problems(assessment, critical_checklist) == [
        "a.toml: checklist.id: assessment uses checklist 'source-check', not 'critical-reading'"
    ]


# --- excerpts -------------------------------------------------------------------------------


def test_excerpt() -> None:
    assert excerpt("Short text.") == "Short text."
    long = "word " * 30
    cut = excerpt(long)
    assert cut.endswith("…") and len(cut) <= 61 and not cut[:-1].endswith(" ")
    assert excerpt("x" * 100) == "x" * 60 + "…"
    assert excerpt("Alpha, beta, gamma; " * 5, limit=14) == "Alpha, beta…"


# --- any damage to a file gives ReadtuiError lines, never a crash ----------------------------

scalars = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.text(max_size=8),
    st.booleans(),
    st.floats(allow_nan=False),
    st.datetimes(timezones=st.just(UTC)),
    st.sampled_from(["yes", "partly", "statistics", "claims-supported", "loaded-words", "tester", SHA, "complete"]),
    st.integers(min_value=-1, max_value=8),
)
values = st.recursive(
    scalars,
    lambda c: st.one_of(st.lists(c, max_size=3), st.dictionaries(st.text(max_size=6), c, max_size=3)),
    max_leaves=6,
)
# Values a slightly wrong file would hold: real ids and options, small numbers, other paragraphs' hashes.
IDS = ["claims-supported", "evidence-kinds", "loaded-words", "credibility", "main-claim", "gone-item"]
OPTIONS = ["yes", "partly", "statistics", "documents", "nope"]
plausible = st.one_of(
    st.integers(min_value=-1, max_value=7),
    st.sampled_from(OPTIONS + IDS),
    st.lists(st.sampled_from(OPTIONS), max_size=3),
    st.booleans(),
    st.lists(st.sampled_from(IDS), max_size=2),
    st.dictionaries(
        st.sampled_from(IDS),
        st.one_of(
            st.integers(min_value=0, max_value=6),
            st.sampled_from(OPTIONS),
            st.lists(st.sampled_from(OPTIONS), max_size=2),
        ),
        max_size=3,
    ),
)
KEYS = [
    "index",
    "sha256",
    "answers",
    "unsure",
    "note",
    "stale",
    "position",
    "paragraphs",
    "name",
    "claims-supported",
    "x",
]


def all_paths(value, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += all_paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += all_paths(child, (*prefix, index))
    return found


@st.composite
def damage(draw, data: dict) -> dict:
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = all_paths(data)
        if draw(st.booleans()):  # mostly the reader's own tables, which a hand edit would touch
            paths = [path for path in paths if path[0] in ("paragraph", "overall", "session")] or paths
        path = draw(st.sampled_from(paths))
        new_value = draw(st.one_of(plausible, plausible, values))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "delete" and isinstance(parent, dict) and len(parent) > 1:
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(KEYS + IDS))] = new_value
        else:
            parent[path[-1]] = new_value
    return data


def base_file_data(essay, checklist) -> dict:
    from readtui.core.session import ReadingSession

    session = ReadingSession(essay, checklist, new_assessment(essay, checklist, SHA, "tester", "essay.txt"))
    session.choose(1, checklist.items["claims-supported"], 2)
    session.choose(2, checklist.items["evidence-kinds"], 1)
    session.toggle_unsure(3, "loaded-words")
    session.toggle_flag(4)
    session.set_note(None, "overall")
    session.choose(None, checklist.items["credibility"], 3)
    return tomllib.loads(AssessmentWriter().dumps(session.assessment))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_assessments_give_one_line_problems(
    tmp_path: Path, small_essay_file: Path, small_essay, critical_checklist, data
) -> None:
    import tomli_w

    from readtui.core.launch import prepare_session
    from readtui.core.validation import validate_file

    content = data.draw(damage(base_file_data(small_essay, critical_checklist)))
    path = tmp_path / "fuzz.readtui.toml"
    path.write_text(tomli_w.dumps(content), encoding="utf-8")

    report = validate_file(str(path))
    assert all(str(problem).startswith(f"{path}: ") for problem in report.problems)

    try:
        prepared = prepare_session(small_essay_file, checklist_spec=None, reader="tester", out=path)
    except ReadtuiError as error:
        assert all(line.startswith(f"{path}: ") for line in str(error).splitlines()), str(error)
        event("refused")
        return
    problems = prepared.check()  # what the app does right after its first frame
    if problems:
        prepared.close(remember=False)
        assert all(str(problem).startswith(f"{path}: ") for problem in problems)
        assert sorted(map(str, problems)) == sorted(map(str, report.problems))
        event("refused after the first frame")
        return
    event("opened")
    try:
        session = prepared.session
        assert 1 <= session.position <= session.paragraph_count
        session.paragraph_states()
        session.unanswered_required()
        session.answer_counts()
        for index in range(1, session.paragraph_count + 1):
            session.paragraph_state(index)
            session.answers(index)
        session.choose(session.position, critical_checklist.items["loaded-words"], 2)
        session.undo()
        prepared.save()
        expected = copy.deepcopy(session.assessment)
        expected.paragraph.sort(key=lambda record: (record.index, record.stale))  # the file is in paragraph order
        for record in [
            *expected.paragraph,
            expected.overall,
        ]:  # retired answers (a changed version) go back as they were
            record.unsure += [item_id for item_id, value in record.retired.items() if value is None]
            record.answers.update({item_id: v for item_id, v in record.retired.items() if v is not None})
        assert load_assessment(path) == expected
    finally:
        prepared.close()
