"""The page every HTML report is built on (readtui/reports/html.py), in a real browser."""

from __future__ import annotations

import pytest

from readtui.reports.html import esc, page

pytestmark = pytest.mark.browser

HOSTILE = (
    "<script>alert('s')</script><img src=x onerror=\"alert('i')\"> <a href=\"javascript:alert('a')\">x</a> \x1b[31m"
)


def test_other_peoples_text_is_shown_and_runs_nothing(open_html) -> None:
    rendered = open_html(page(HOSTILE, f'<h1>{esc(HOSTILE)}</h1><p title="{esc(HOSTILE)}">{esc(HOSTILE)}</p>'))
    assert (rendered.dialogs, rendered.navigations, rendered.requests) == ([], [], [])
    assert rendered.page.title() == rendered.title == HOSTILE.replace("\x1b", "␛")
    assert rendered.page.inner_text("p") == HOSTILE.replace("\x1b", "␛")
    assert rendered.page.get_attribute("p", "title") == HOSTILE.replace("\x1b", "␛")
    assert rendered.page.query_selector_all("script, img, a") == []


def test_even_markup_a_report_forgot_to_escape_runs_nothing(open_html) -> None:
    """The page's content security policy is the second wall: no script or handler runs."""
    rendered = open_html(page("t", "<script>alert('s')</script><img src=x onerror=alert('i')>"))
    assert rendered.dialogs == []
    bare = open_html("<script>alert('s')</script><img src=x onerror=alert('i')>")
    assert sorted(bare.dialogs) == ["i", "s"], "without the page's policy they would have run"


def test_the_page_reads_on_a_phone_and_prints(open_html, tmp_path) -> None:
    rendered = open_html(page("t", "<p>" + esc("word " * 400) + "</p>"), width=390, height=800)
    assert rendered.page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling"
    assert rendered.pdf(tmp_path / "p.pdf").read_bytes().startswith(b"%PDF")
