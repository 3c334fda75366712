"""Headless Chromium through Playwright, for the HTML that readtui writes (reports, compare).

Playwright's own browser download cannot work here, so the tests drive Debian's `chromium`
(`apt-get install --no-install-recommends chromium`; `.ci/run` installs it when it is missing).
Without Chromium or Playwright the tests are skipped, saying why, unless READTUI_REQUIRE_BROWSER
is set (CI sets it), when they fail instead.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def chromium_path() -> str | None:
    """The Chromium to drive: $READTUI_CHROMIUM, else the first of CHROMIUM_NAMES on PATH."""
    return os.environ.get("READTUI_CHROMIUM") or next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)


def unavailable(reason: str) -> None:
    """Skip, saying why; or fail, when READTUI_REQUIRE_BROWSER says the browser tests must run."""
    if os.environ.get("READTUI_REQUIRE_BROWSER"):
        pytest.fail(f"READTUI_REQUIRE_BROWSER is set, but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One headless Chromium for a test module. Not for the session: Playwright's sync API keeps
    an event loop running in this thread while it is open, and the app tests that come after would
    find it there (asyncio.run() cannot be called from a running event loop)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed (pip install -e '.[test]')")
    executable = chromium_path()
    if executable is None:
        unavailable("Chromium is not installed (apt-get install --no-install-recommends chromium)")
    # Chromium puts a socket in its TMPDIR, and a socket's path has a short limit (about 108
    # bytes): under the deliberately long TMPDIR of .ci/run it would abort at launch.
    with tempfile.TemporaryDirectory(dir="/tmp" if Path("/tmp").is_dir() else None) as short_tmp:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable, args=["--no-sandbox"], env={**os.environ, "TMPDIR": short_tmp}
            )
            yield browser
            browser.close()


@dataclass
class Rendered:
    """A page of readtui's HTML open in Chromium, and what it tried to do."""

    page: Any
    path: Path
    dialogs: list[str] = field(default_factory=list)
    """Messages of alert/confirm/prompt dialogs the page opened (each is dismissed)."""
    navigations: list[str] = field(default_factory=list)
    """URLs the main frame went to after loading the file."""
    requests: list[str] = field(default_factory=list)
    """Every URL the page asked for beyond the file itself (a self-contained page asks for none)."""
    title: str = ""
    """document.title just after loading, to compare with later."""

    def pdf(self, path: Path) -> Path:
        """Print the page to PDF, as a reader printing the report would."""
        self.page.emulate_media(media="print")
        self.page.pdf(path=str(path), print_background=True)
        return path


@pytest.fixture
def open_html(chromium, tmp_path: Path) -> Iterator[Any]:
    """open_html(html_text_or_path) loads readtui's HTML from a file in Chromium, JavaScript
    enabled (so that a script that escaped escaping would run and be caught), and records its
    dialogs, navigations and requests."""
    contexts = []

    def load(source: str | Path, *, width: int = 1000, height: int = 800) -> Rendered:
        path = Path(source) if isinstance(source, Path) else tmp_path / f"page-{len(contexts)}.html"
        if not isinstance(source, Path):
            path.write_text(source, encoding="utf-8")
        context = chromium.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        rendered = Rendered(page, path)
        url = path.resolve().as_uri()

        def on_dialog(dialog) -> None:
            rendered.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("request", lambda request: request.url != url and rendered.requests.append(request.url))
        page.on("framenavigated", lambda frame: frame == page.main_frame and rendered.navigations.append(frame.url))
        page.goto(url, wait_until="load")
        page.wait_for_timeout(200)  # let timers and onerror handlers of a hostile page fire
        rendered.title = page.title()
        rendered.navigations = [u for u in rendered.navigations if u != url]
        return rendered

    yield load
    for context in contexts:
        context.close()
