"""Regenerate docs/report.png, the picture of ``readtui report --format html`` in the README:
the sample essay with a few highlights, answers and a note, in headless Chromium.

python docs/report_screenshot.py   (needs Playwright and Chromium, as the browser tests do)
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from readtui.core.handin import load_handin
from readtui.core.launch import prepare_session
from readtui.reports.assessment import render_html

HIGHLIGHTS = [
    (1, "some allegations", "unsourced-claim", "Whose allegations?"),
    (1, "formal request of its President", "named-source", ""),
    (1, "Iran has always tried to prevent", "loaded-word", "'always'"),
    (1, "tried to prevent from any sectarian struggle", "logical-leap", ""),
]
ANSWERS = {"claims-supported": "no", "sources-named": "vague", "loaded-words": 2, "wording-tactics": ["absolutes"]}


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        out = Path(directory) / "sample.readtui.toml"
        prepared = prepare_session(None, checklist_spec=None, reader="Alice", out=out)
        session = prepared.session
        text = session.text(1)
        for index, words, label, note in HIGHLIGHTS:
            start = text.index(words)
            session.add_highlight(index, start, start + len(words), label, note)
        for item_id, value in ANSWERS.items():
            session.set_answer(1, item_id, value)
        session.toggle_unsure(1, "checkable")
        session.set_note(1, "The whole case rests on one request.\nCheck the date of it.")
        prepared.save()
        prepared.close(remember=False)
        page_path = Path(directory) / "report.html"
        page_path.write_text(render_html(load_handin(out)), encoding="utf-8")
        with sync_playwright() as playwright:
            chromium = os.environ.get("READTUI_CHROMIUM") or shutil.which("chromium")
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 820, "height": 1100})
            page.goto(page_path.as_uri())
            page.screenshot(path=str(Path(__file__).with_name("report.png")))
            browser.close()


if __name__ == "__main__":
    main()
