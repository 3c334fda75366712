"""``readtui compare --format html``: the page's figures are the JSON's, its texts are escaped, and
it is one self-contained document."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

from readtui.reports.compare_html import marked_text
from tests.conftest import cli
from tests.hostile_class import HOSTILE, NAMES, write_hostile_class

SEEDED = ["--bootstrap", "200", "--seed", "7"]


class Elements(HTMLParser):
    """Every start tag as (tag, attributes, the data-essay of its table), and the page's text."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str], str]] = []
        self.text: list[str] = []
        self.essay = ""
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "table" and "data-essay" in found:
            self.essay = found["data-essay"]
        self.tags.append((tag, found, self.essay))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def having(self, cls: str) -> list[tuple[dict[str, str], str]]:
        return [(attrs, essay) for _, attrs, essay in self.tags if cls in attrs.get("class", "").split()]


def number(text: str) -> float | None:
    return None if text == "" else float(text)


def outputs(*args: str | Path) -> tuple[dict, Elements, str]:
    json_run = cli("compare", *args, "--format", "json", *SEEDED)
    html_run = cli("compare", *args, "--format", "html", *SEEDED)
    assert json_run.exit_code == html_run.exit_code == 0, (json_run.output, html_run.output)
    return json.loads(json_run.stdout), Elements(html_run.stdout), html_run.stdout


def assert_figures_are_the_jsons(*files: Path) -> None:
    figures, page, _ = outputs(*files)
    items = [*figures["items"], figures["overall"]]
    marks = {
        attrs["data-key"]: (number(attrs["data-alpha"]), number(attrs["data-ci-low"]), number(attrs["data-ci-high"]))
        for attrs, _ in page.having("alpha-mark")
    }
    assert marks == {item["key"]: (item["alpha"], *(item["ci"] or (None, None))) for item in items}
    assert any(alpha is not None for alpha, _, _ in marks.values())

    cells = {
        (essay, int(attrs["data-paragraph"]), attrs["data-key"]): (
            int(attrs["data-disagreeing"]),
            int(attrs["data-pairs"]),
        )
        for attrs, essay in page.having("cell")
    }
    assert len(cells) == len(page.having("cell")) == len(figures["paragraphs"]) * len(figures["map_items"])
    assert cells == {
        (row["essay"], row["paragraph"], key): (differ, pairs)
        for row in figures["paragraphs"]
        for key, differ, pairs in zip(figures["map_items"], row["disagreeing_pairs"], row["pairs"], strict=True)
    }

    spans = {
        (a["data-label"], a["data-first"], a["data-second"]): (number(a["data-exact-f1"]), number(a["data-overlap-f1"]))
        for a, _ in page.having("span")
    }
    assert spans == {(s["label"], s["first"], s["second"]): (s["exact_f1"], s["overlap_f1"]) for s in figures["spans"]}
    assert spans


def test_the_pages_figures_are_the_jsons(three_readers: list[Path]) -> None:
    assert_figures_are_the_jsons(*three_readers)


def test_two_essays_have_a_map_each(three_readers: list[Path], three_files: list[Path]) -> None:
    assert_figures_are_the_jsons(*three_readers, *three_files)
    _, page, _ = outputs(*three_readers, *three_files)
    assert len([attrs for tag, attrs, _ in page.tags if tag == "table" and "data-essay" in attrs]) == 2


def test_the_page_shows_the_numbers_it_draws(three_readers: list[Path]) -> None:
    figures, _, html = outputs(*three_readers)
    first = figures["items"][0]
    low, high = first["ci"]
    assert f'<td class="num alpha-value">{first["alpha"]:.2f}</td>' in html
    assert f'<td class="num">[{low:.2f}, {high:.2f}]</td>' in html


def test_the_page_names_items_by_question_and_answers_by_title(three_readers: list[Path]) -> None:
    _, page, html = outputs(*three_readers)
    text = "".join(page.text)
    headers = [attrs["title"] for attrs, _ in page.having("q")]
    assert headers[0] == "1. Are the factual claims backed by evidence?"
    assert "Are the factual claims backed by evidence?" in text  # the legend and the alpha chart
    assert "No factual claims" in text and "no-claims" not in text
    assert "Calls it a [red]regime[/red]." in text and "Ana [b]" in text
    assert "unreliable" in text
    assert "Iran does not back ISIS." in text and "Chloé: thin on evidence." in text  # the readers' reasons
    assert 'class="scroll map"' in html
    assert "<script" not in html and "http" not in html.replace('http-equiv="Content-Security-Policy"', "")


def test_hostile_files_stay_text(tmp_path: Path) -> None:
    paths, checklist = write_hostile_class(tmp_path)
    run = cli("compare", *paths, "--checklist", checklist, "--format", "html", "--bootstrap", "0")
    assert run.exit_code == 0, run.output
    page = Elements(run.stdout)
    assert {tag for tag, _, _ in page.tags} <= {
        "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "i", "b", "section", "div",
        "table", "thead", "tbody", "tr", "th", "td", "span", "svg", "g", "rect", "line", "circle",
        "ol", "li", "blockquote", "mark", "br", "small",
    }  # fmt: skip
    text = "".join(page.text)
    shown = HOSTILE.replace("\x1b", "␛")
    for what in ("checklist", "essay", "prompt", "option", "label", "note", "highlight", "Ben", "Chloé"):
        assert f"{shown} {what}" in text, what
    assert NAMES[0].replace("\x1b", "␛") in text and "\x1b" not in run.stdout
    titles = [attrs.get("title", "") + attrs.get("aria-label", "") for _, attrs, _ in page.tags]
    assert any(f"{shown} prompt" in title for title in titles)


def test_no_html_for_group_by(three_readers: list[Path]) -> None:
    run = cli("compare", *three_readers, "--format", "html", "--group-by", "before:prior-stance")
    assert run.exit_code == 2
    assert run.stderr.splitlines() == ["--group-by: has no html page: use --format markdown (or table, csv, json)"]
    assert run.stdout == ""


def test_readers_who_agree_have_no_contested_paragraph(three_readers: list[Path], tmp_path: Path) -> None:
    twin = tmp_path / "twin.readtui.toml"
    twin.write_text(three_readers[1].read_text(encoding="utf-8").replace('name = "Ben"', 'name = "Bea"'), "utf-8")
    _, page, html = outputs(three_readers[1], twin)
    assert "None: wherever two or more readers answered, they agreed." in html
    assert not page.having("contested")
    assert {attrs["data-disagreeing"] for attrs, _ in page.having("cell")} == {"0"}


def test_overlapping_highlights_are_one_mark_saying_both() -> None:
    marks = [(0, 5, "x", "A: x"), (2, 7, "y", "B: <y>")]
    assert marked_text("a <b> c", marks, {"x": "#111", "y": "#222"}) == (
        '<mark style="background:#111" title="A: x">a </mark>'
        '<mark style="background:#111" title="A: x; B: &lt;y&gt;">&lt;b&gt;</mark>'
        '<mark style="background:#222" title="B: &lt;y&gt;"> c</mark>'
    )


def test_highlights_are_marked_in_the_contested_paragraphs_text(three_readers: list[Path]) -> None:
    _, _, html = outputs(*three_readers)
    first = html[html.index("<blockquote>") : html.index("</blockquote>")]
    assert '<mark style="background:#f4b6b6" title="Ana [b]: Loaded word or phrase">These</mark>' in first
