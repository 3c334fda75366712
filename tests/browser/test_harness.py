"""The browser harness itself: it must catch what a hostile page does, or the tests built on it
could not fail."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_the_harness_sees_dialogs_navigation_requests_and_title_changes(open_html) -> None:
    rendered = open_html(
        "<title>before</title><p>text</p><img src=x onerror=\"alert('img')\">"
        "<script>setTimeout(() => { document.title = 'changed' }, 10)</script>"
        '<link rel="stylesheet" href="https://example.invalid/x.css">'
    )
    assert rendered.dialogs == ["img"]
    assert rendered.page.title() == "changed"
    assert any("example.invalid" in url for url in rendered.requests)


def test_a_quiet_page_does_nothing_and_prints(open_html, tmp_path) -> None:
    rendered = open_html("<title>quiet</title><p>Just text &lt;script&gt;alert(1)&lt;/script&gt;</p>")
    assert (rendered.dialogs, rendered.navigations, rendered.requests) == ([], [], [])
    assert rendered.page.inner_text("p") == "Just text <script>alert(1)</script>"
    assert rendered.pdf(tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")
