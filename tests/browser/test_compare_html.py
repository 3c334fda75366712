"""``readtui compare --format html`` in a real browser: the heat map and the alpha chart are all
there, hostile files run nothing, the page prints and reads on a phone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import cli
from tests.hostile_class import HOSTILE, NAMES, write_hostile_class

pytestmark = pytest.mark.browser


def compare(*args: str | Path, output_format: str = "html") -> str:
    run = cli("compare", *args, "--format", output_format, "--bootstrap", "200", "--seed", "7")
    assert run.exit_code == 0, run.output
    return run.stdout


def test_the_heat_map_has_a_cell_per_paragraph_and_item(open_html, three_readers: list[Path]) -> None:
    figures = json.loads(compare(*three_readers, output_format="json"))
    page = open_html(compare(*three_readers)).page
    columns = len(figures["map_items"])
    assert page.locator("table.heat th.q").count() == columns == 12
    assert page.locator("table.heat tbody tr").count() == 6
    assert page.locator("table.heat td.cell").count() == 6 * columns
    assert page.locator("table.heat tbody tr").nth(2).locator("td.cell").count() == columns
    first = page.locator("table.heat td.cell").first
    assert first.get_attribute("aria-label").startswith("¶ 1, Are the factual claims backed by evidence?")
    assert page.locator("ol.questions li").count() == columns


def test_the_alpha_chart_has_a_mark_per_item(open_html, three_readers: list[Path]) -> None:
    figures = json.loads(compare(*three_readers, output_format="json"))
    page = open_html(compare(*three_readers)).page
    items = [*figures["items"], figures["overall"]]
    assert page.locator("svg.alpha g.alpha-mark").count() == len(items)
    assert page.locator("svg.alpha circle").count() == sum(item["alpha"] is not None for item in items)
    assert page.locator("svg.alpha line.ci").count() == sum(item["ci"] is not None for item in items)
    box = page.locator("svg.alpha").first.bounding_box()
    assert box["width"] > 100 and box["height"] > 5, "the chart is drawn at a readable size"


def test_hostile_files_run_nothing_and_show_as_text(open_html, tmp_path: Path) -> None:
    paths, checklist = write_hostile_class(tmp_path)
    rendered = open_html(compare(*paths, "--checklist", checklist))
    assert (rendered.dialogs, rendered.navigations, rendered.requests) == ([], [], [])
    shown = HOSTILE.replace("\x1b", "␛")
    assert rendered.page.title() == rendered.title == f"Reader agreement: {shown} essay"
    assert rendered.page.query_selector_all("body script, body img, body a, body iframe") == []
    headers = rendered.page.locator("table.answers").first.locator("thead th").all_inner_texts()
    assert headers[1:] == [name.replace("\x1b", "␛") for name in NAMES]


def test_the_page_prints(open_html, three_readers: list[Path], tmp_path: Path) -> None:
    rendered = open_html(compare(*three_readers))
    assert rendered.pdf(tmp_path / "compare.pdf").read_bytes().startswith(b"%PDF")


def test_on_a_phone_only_the_map_scrolls_sideways(open_html, three_readers: list[Path]) -> None:
    page = open_html(compare(*three_readers), width=390, height=800).page
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page does not scroll sideways"
    box = page.locator("div.map")
    assert box.evaluate("e => e.scrollWidth > e.clientWidth"), "the map scrolls in its own box"
    assert box.evaluate("e => e.clientWidth") <= 390
