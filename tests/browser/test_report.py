"""``readtui report --format html`` in a real browser: the text and every highlight, the legend,
hostile text that runs nothing, printing, and a phone's width (the content: tests/cli/test_report_cli.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from readtui.core.handin import load_handin
from readtui.reports.assessment import render_html
from readtui.reports.html import mark_colour
from tests.conftest import ESSAY_TEXT, write_assessment
from tests.report_files import HOSTILE_NOTE, hostile_checklist, hostile_file, reader_file, span

pytestmark = pytest.mark.browser


def html_of(path: Path, **options) -> str:
    return render_html(load_handin(path, **options))


def paragraphs_without_footnotes(page) -> list[str]:
    """The paragraphs' text as shown, without the footnote numbers after marked words."""
    return page.evaluate(
        """() => [...document.querySelectorAll("p.text")].map(p => {
            const copy = p.cloneNode(true);
            copy.querySelectorAll("sup").forEach(s => s.remove());
            return copy.innerText;
        })"""
    )


def rgb(hex_colour: str) -> str:
    """A colour as getComputedStyle gives it."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


@pytest.fixture
def reader(tmp_path: Path, small_essay_file: Path, critical_checklist) -> Path:
    return reader_file(tmp_path / "ana.readtui.toml", small_essay_file, critical_checklist)


def test_the_text_and_every_highlight_are_shown_with_the_legend(open_html, reader: Path, small_essay) -> None:
    rendered = open_html(html_of(reader))
    page = rendered.page
    assert paragraphs_without_footnotes(page) == list(small_essay.paragraphs)
    marks = page.query_selector_all("p.text mark")
    covered = [m.get_attribute("data-highlights").split() for m in marks]
    assert covered == [["1"], ["1", "2"], ["2"], ["3"]], "overlapping highlights cut into stretches"
    assert {n for numbers in covered for n in numbers} == {"1", "2", "3"}, "every highlight is marked"
    assert [m.inner_text() for m in marks] == ["uses ", "loaded words1", ". It2", "regime3"]
    assert len(page.query_selector_all("ol.marks li")) == 3
    legend = {
        m.inner_text(): m.evaluate("e => getComputedStyle(e).backgroundColor")
        for m in page.query_selector_all(".legend mark")
    }
    assert legend == {"Loaded word or phrase": rgb(mark_colour(0)), "Logical leap": rgb(mark_colour(3))}
    colours = [m.evaluate("e => getComputedStyle(e).backgroundColor") for m in marks]
    assert colours == [legend["Logical leap"], legend["Loaded word or phrase"], *[legend["Loaded word or phrase"]] * 2]
    assert marks[1].get_attribute("title") == "Logical leap\nLoaded word or phrase: Emotive."


def test_a_hostile_essay_note_and_checklist_run_nothing(open_html, tmp_path: Path, critical_checklist) -> None:
    path, _ = hostile_file(tmp_path, critical_checklist)
    checklist = hostile_checklist(tmp_path / "hostile-checklist.toml")
    rendered = open_html(html_of(path, checklist_spec=str(checklist)))
    page = rendered.page
    for mark in page.query_selector_all("mark"):
        mark.hover()  # a label's onmouseover, were it markup
    page.wait_for_timeout(100)
    assert (rendered.dialogs, rendered.navigations, rendered.requests) == ([], [], [])
    assert page.title() == rendered.title == "<script>alert('title')</script> — <img src=x onerror=alert('r')>"
    assert page.query_selector_all("body script, body img, body a, body b") == []
    assert paragraphs_without_footnotes(page) == [
        "The first <script>alert('essay')</script> paragraph <img src=x onerror=\"alert('img')\"> claims.",
        "See [the source](javascript:alert('link')) and <a href=\"javascript:alert('a')\">this</a> now.",
    ]
    text = page.inner_text("body")
    assert "Loaded word or phrase <b onmouseover=alert('c')>x</b>" in text
    marks = page.query_selector_all("p.text mark")
    assert [m.get_attribute("title") for m in marks] == [
        f"Loaded word or phrase <b onmouseover=alert('c')>x</b>: {HOSTILE_NOTE}",
        "Unsourced claim: javascript:alert('x')",
    ]
    assert HOSTILE_NOTE in text


def test_the_report_prints_with_its_colours(open_html, reader: Path, tmp_path: Path) -> None:
    rendered = open_html(html_of(reader))
    assert rendered.pdf(tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    # Still under print media: the marks keep their colour, and the browser is told to print it.
    mark = rendered.page.query_selector("p.text mark")
    assert mark.evaluate("e => getComputedStyle(e).printColorAdjust") == "exact"
    assert mark.evaluate("e => getComputedStyle(e).backgroundColor") == rgb(mark_colour(3))
    section = rendered.page.query_selector("section.paragraph")
    assert section.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    assert "Hover over a highlight" not in rendered.page.inner_text("body"), "paper has no hover"
    rendered.page.emulate_media(media="screen")
    assert "Hover over a highlight" in rendered.page.inner_text("body")


def test_the_report_reads_on_a_phone(open_html, tmp_path: Path, critical_checklist) -> None:
    long_word = "https://example.org/" + "averylongpathsegment" * 8  # no hyphen to break at
    essay = tmp_path / "essay.txt"
    essay.write_text(ESSAY_TEXT.replace("named report.", f"named report at {long_word}."), encoding="utf-8")
    path = write_assessment(
        tmp_path / "ana.readtui.toml",
        essay,
        critical_checklist,
        "Ana",
        {2: {"claims-supported": "yes"}},
        note={2: long_word},
        highlight={2: [span(essay, 2, long_word, "named-source", note=long_word)]},
    )
    rendered = open_html(html_of(path), width=390, height=800)
    assert rendered.page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling"
