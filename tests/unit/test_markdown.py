"""Markdown essays rendered: the paragraph text offsets and hashes cover, its styles, and older files."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from readtui.core.assessment import Highlight, ParagraphRecord, essay_problems
from readtui.core.corpus import load_comparison
from readtui.core.essay import legacy_markdown_paragraphs, parse_essay
from readtui.core.resume import resume_problems
from readtui.core.session import new_assessment
from readtui.core.storage import AssessmentWriter, load_assessment
from readtui.core.validation import validate_file


def rendered(source: str) -> tuple[str, list[tuple[str, str]]]:
    """The one body paragraph of ``source`` (after a title), and each span as (its text, style)."""
    essay = parse_essay(f"# Title\n\n{source}", markdown=True)
    assert len(essay.paragraphs) == 1, list(essay.paragraphs)
    text = essay.paragraphs[0]
    return text, [(text[start:end], style) for start, end, style in essay.paragraph_spans(0)]


@pytest.mark.parametrize(
    ("source", "text", "spans"),
    [
        ("A **bold** claim.", "A bold claim.", [("bold", "strong")]),
        ("A __bold__ claim.", "A bold claim.", [("bold", "strong")]),
        ("An _em_ and *em*.", "An em and em.", [("em", "em"), ("em", "em")]),
        ("*Nested **strong** in em*", "Nested strong in em", [("strong", "strong"), ("Nested strong in em", "em")]),
        ("Run `rm -rf *` now.", "Run rm -rf * now.", [("rm -rf *", "code")]),
        (r"Escaped \*stars\* and \_under\_.", "Escaped *stars* and _under_.", []),
        ("A [link](https://example.org) here.", "A link here.", [("link", "link")]),
        ("See <https://example.org>.", "See https://example.org.", [("https://example.org", "link")]),
        ("An ![image *alt*](pic.png) here.", "An image alt here.", [("alt", "em")]),
        ("Gone [](x) link.", "Gone link.", []),
        ("snake_case_name and 2 * 3 * 4", "snake_case_name and 2 * 3 * 4", []),
        ("Unmatched **bold and _em and `code", "Unmatched **bold and _em and `code", []),
        ("[b]x[/b] [@click=app.quit] <b>tag</b> &amp;", "[b]x[/b] [@click=app.quit] <b>tag</b> &amp;", []),
        ("A hard-\nwrapped **bold\nclaim** here.", "A hard- wrapped bold claim here.", [("bold claim", "strong")]),
        ("> A quote\n> that wraps.", "A quote that wraps.", [("A quote that wraps.", "quote")]),
        (
            "> A *quote*\nlazily continued.",
            "A quote lazily continued.",
            [("quote", "em"), ("A quote lazily continued.", "quote")],
        ),
        ("Said:\n> quoted\n\nnothing", None, None),
        ("- one\n- two\n  wrapped", "• one\n• two wrapped", [("•", "marker"), ("•", "marker")]),
        ("* one\n  * nested\n+ three", "• one\n◦ nested\n• three", [("•", "marker"), ("◦", "marker"), ("•", "marker")]),
        ("1. first\n2) second", "1. first\n2) second", [("1.", "marker"), ("2)", "marker")]),
        ("In the year\n2020. It rained.", "In the year 2020. It rained.", []),
        ("Text then\n- a list", "Text then\n• a list", [("•", "marker")]),
        (
            "> - quoted item\n> - another",
            "• quoted item\n• another",
            [("•", "marker"), ("• quoted item", "quote"), ("•", "marker"), ("• another", "quote")],
        ),
        ("-", "-", []),
    ],
)
def test_the_rendering_rule(source: str, text: str | None, spans: list[tuple[str, str]] | None) -> None:
    if text is None:  # a paragraph and a quote in one block: lines of their own
        text, spans = "Said:\nquoted", [("quoted", "quote")]
        source = source.split("\n\n")[0]
    assert rendered(source) == (text, spans)


def test_headings_in_the_body_top_the_paragraph_after_them() -> None:
    essay = parse_essay(
        "# Title\n\nOpening.\n\n## A *section*\n\nUnder it.\n\nSub\n---\nRight under.\n\n### At the end",
        markdown=True,
    )
    assert essay.title == "Title"
    assert list(essay.paragraphs) == ["Opening.", "A section\nUnder it.", "Sub\nRight under.", "At the end"]
    text = essay.paragraphs[1]
    assert [(text[s:e], style) for s, e, style in essay.paragraph_spans(1)] == [
        ("section", "em"),
        ("A section", "heading"),
    ]
    assert essay.paragraph_spans(0) == ()


def test_the_title_is_rendered_too() -> None:
    assert parse_essay("# Why **Iran**?\n\nBody.", markdown=True).title == "Why Iran?"


@pytest.mark.parametrize(
    ("source", "author", "date", "paragraphs"),
    [
        ("# T\n\nBy Ann Author\n\nBody text.", "Ann Author", "", ["Body text."]),
        ("# T\n\nBy **Ann**\nMarch 3, 2024\n\nBody.", "Ann", "March 3, 2024", ["Body."]),
        ("# T\n\nMarch 3, 2024\n\nBy Ann\n\nBody.", "Ann", "March 3, 2024", ["Body."]),
        # nothing is dropped: a second by-line has no place in the header, so it stays text
        ("# T\n\nBy A\n\nBy B\n\nBody.", "A", "", ["By B", "Body."]),
        ("# T\n\nBy A and a sentence. Another one.\n\nBody.", "", "", ["By A and a sentence. Another one.", "Body."]),
        # front matter says who wrote it: a by-line in the body is the essay's text
        ("---\ntitle: T\n---\n\nBy A\n\nBody.", "", "", ["By A", "Body."]),
    ],
)
def test_a_by_line_and_a_date_under_the_title_go_to_the_header(
    source: str, author: str, date: str, paragraphs: list[str]
) -> None:
    essay = parse_essay(source, markdown=True)
    assert (essay.title, essay.author, essay.date, list(essay.paragraphs)) == ("T", author, date, paragraphs)


def test_plain_text_keeps_markdown_syntax_verbatim() -> None:
    essay = parse_essay("Title\n\nA **bold** claim.\n> not a quote\n- nor a list", markdown=False)
    assert list(essay.paragraphs) == ["A **bold** claim. > not a quote - nor a list"]
    assert essay.paragraph_spans(0) == ()
    assert legacy_markdown_paragraphs(essay) is None


def test_hashes_and_offsets_are_of_the_rendered_text() -> None:
    essay = parse_essay("# Title\n\nA **bold** claim.\n\n- one\n- two", markdown=True)
    assert essay.paragraph_sha256(0) == hashlib.sha256(b"A bold claim.").hexdigest()
    joined = "A bold claim.\n\n\u2022 one\n\u2022 two".encode()
    assert essay.sha256 == hashlib.sha256(joined).hexdigest()
    # Re-wrapping, or writing _em_ for *em*, changes nothing; other words do.
    same = parse_essay("# Title\n\nA __bold__\nclaim.\n\n* one\n* two", markdown=True)
    assert same.sha256 == essay.sha256
    assert legacy_markdown_paragraphs(essay) == ["A **bold** claim.", "- one - two"]


# --- files written before the rule (readtui-assessment/1) -----------------------------------

ESSAY = (
    "# The Title\n\n"
    "The plain opening paragraph.\n\n"
    "## A section\n\n"
    "It is **very** bad, and _they_ know it.\n\n"
    "> A quoted line\n> that wraps.\n\n"
    "- first item\n- second item"
)


def old_file(essay, checklist, highlights: dict[int, list[tuple[str, str]]]):
    """An assessment as format 1 wrote it: hashes and highlight offsets over the syntax as written."""
    legacy = legacy_markdown_paragraphs(essay)
    assessment = new_assessment(essay, checklist, "", "tester", "essay.md")
    assessment.format = "readtui-assessment/1"
    assessment.essay.sha256 = hashlib.sha256("\n\n".join(legacy).encode()).hexdigest()
    for index, text in enumerate(legacy, start=1):
        marks = []
        for words, label in highlights.get(index, []):
            start = text.index(words)
            marks.append(Highlight(start=start, end=start + len(words), label=label, quote=words))
        record = ParagraphRecord(
            index=index, sha256=hashlib.sha256(text.encode()).hexdigest(), chars=len(text), highlight=marks
        )
        record.note = f"note {index}"
        assessment.paragraph.append(record)
    return assessment


def test_an_old_file_of_a_markdown_essay_moves_onto_the_rendered_text(critical_checklist) -> None:
    essay = parse_essay(ESSAY, markdown=True)
    assessment = old_file(
        essay,
        critical_checklist,
        {2: [("**very** bad", "loaded-word"), ("_they_", "loaded-word")], 3: [("quoted line", "loaded-word")]},
    )
    notices = resume_problems(Path("a.toml"), assessment, essay, "tester")
    assert notices == [
        "This file was saved by an older readtui (readtui-assessment/1), whose Markdown paragraphs kept their "
        "syntax (**, _, >); 4 paragraph(s) and 3 highlight(s) were moved onto the rendered text "
        "(readtui-assessment/2)."
    ]
    assert assessment.format == "readtui-assessment/2"
    assert assessment.essay.sha256 == essay.sha256
    assert not any(record.stale for record in assessment.paragraph)
    by_note = {record.note: record for record in assessment.paragraph}
    assert [by_note[f"note {n}"].index for n in range(1, 5)] == [1, 2, 3, 4]
    assert by_note["note 2"].sha256 == essay.paragraph_sha256(1)
    text = essay.paragraphs[1]
    assert text == "A section\nIt is very bad, and they know it."
    assert [(h.quote, text[h.start : h.end], h.stale) for h in by_note["note 2"].highlight] == [
        ("very bad", "very bad", False),
        ("they", "they", False),
    ]
    assert [h.quote for h in by_note["note 3"].highlight] == ["quoted line"]
    assert essay_problems(Path("a.toml"), assessment, essay) == []


def test_an_old_file_of_an_edited_markdown_essay_is_realigned(critical_checklist) -> None:
    essay = parse_essay(ESSAY, markdown=True)
    assessment = old_file(essay, critical_checklist, {2: [("_they_", "loaded-word")]})
    edited = parse_essay(ESSAY.replace("first item", "first point"), markdown=True)
    notices = resume_problems(Path("a.toml"), assessment, edited, "tester")
    assert len(notices) == 2 and "3 paragraph(s) and 1 highlight(s) were moved" in notices[0]
    assert notices[1].endswith("1 paragraph(s) changed; their answers are kept and marked stale.")
    assert [(r.index, r.stale) for r in assessment.paragraph] == [(1, False), (2, False), (3, False), (4, True)]
    assert assessment.essay.sha256 == edited.sha256


def test_an_old_file_of_a_plain_text_essay_is_unchanged(critical_checklist) -> None:
    essay = parse_essay("Title\n\nA **bold** claim, kept as written.\n\nAnother paragraph here.")
    assessment = new_assessment(essay, critical_checklist, "", "tester", "essay.txt")
    assessment.format = "readtui-assessment/1"
    assessment.paragraph.append(ParagraphRecord(index=1, sha256=essay.paragraph_sha256(0), chars=33))
    assert resume_problems(Path("a.toml"), assessment, essay, "tester") == []
    assert assessment.format == "readtui-assessment/2" and not assessment.paragraph[0].stale


def test_validate_explains_an_old_file_in_one_line(tmp_path: Path, critical_checklist, critical_checklist_path) -> None:
    essay = parse_essay(ESSAY, markdown=True, path=tmp_path / "essay.md")
    assessment = old_file(essay, critical_checklist, {2: [("**very** bad", "loaded-word")]})
    path = tmp_path / "old.readtui.toml"
    AssessmentWriter().save(path, assessment)
    assert load_assessment(path).format == "readtui-assessment/1"
    expected = (
        f"{path}: format readtui-assessment/1 was written when Markdown paragraphs kept their syntax (**, _, >); "
        "`readtui read` moves its answers and highlights onto the rendered text (readtui-assessment/2)"
    )
    for given in (essay, None):
        report = validate_file(str(path), str(critical_checklist_path), given)
        assert (report.problems, report.warnings) == ([], [expected])
    # A plain-text essay's old file needs no word.
    plain = replace(assessment, essay=replace(assessment.essay, source="essay.txt"))
    AssessmentWriter().save(path, plain)
    assert validate_file(str(path), str(critical_checklist_path)).warnings == []


def test_compare_takes_old_files_of_a_given_markdown_essay_with_new_ones(tmp_path: Path, critical_checklist) -> None:
    essay = parse_essay(ESSAY, markdown=True, path=tmp_path / "essay.md")
    paths = []
    for reader in ("old", "new"):
        assessment = old_file(essay, critical_checklist, {2: [("**very** bad", "loaded-word")]})
        assessment.reader.name = reader
        assessment.paragraph[1].answers = {"loaded-words": 3}
        if reader == "new":
            resume_problems(Path("a.toml"), assessment, essay, reader)
        paths.append(tmp_path / f"{reader}.readtui.toml")
        AssessmentWriter().save(paths[-1], assessment)
    assert [load_assessment(path).format for path in paths] == ["readtui-assessment/1", "readtui-assessment/2"]
    comparison = load_comparison([str(path) for path in paths], essays=[essay])
    assert [group.readers for group in comparison.essays] == [["old", "new"]]
    assert comparison.warnings == [
        f"1 file(s) written as readtui-assessment/1 (Markdown syntax kept in the text) were moved onto the "
        f"rendered text of their essay: {paths[0]}"
    ]


def test_an_old_answer_key_of_a_markdown_essay_trains(tmp_path: Path, critical_checklist) -> None:
    from readtui.core.launch import prepare_training

    essay_path = tmp_path / "essay.md"
    essay_path.write_text(ESSAY, encoding="utf-8")
    essay = parse_essay(ESSAY, markdown=True, path=essay_path)
    key = old_file(essay, critical_checklist, {2: [("_they_", "loaded-word")]})
    key.paragraph[1].answers = {"loaded-words": 3}
    key_path = tmp_path / "key.readtui.toml"
    AssessmentWriter().save(key_path, key)
    before = key_path.read_bytes()
    prepared = prepare_training(
        essay_path, key_path=key_path, checklist_spec=None, reader="learner", out=tmp_path / "learner.toml"
    )
    try:
        record = prepared.trainer.key.paragraph[1]
        assert (record.sha256, record.highlight[0].quote) == (essay.paragraph_sha256(1), "they")
    finally:
        prepared.close(remember=False)
    assert key_path.read_bytes() == before, "the key is only read"
