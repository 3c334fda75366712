"""``readtui report``: one reader's assessment as Markdown and HTML (in a browser:
tests/browser/test_report.py)."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from readtui.core.storage import file_sha256
from tests.conftest import assert_refused, cli, write_assessment, write_checklist
from tests.report_files import HOSTILE_NOTE, hostile_checklist, hostile_file, reader_file, training_file


@pytest.fixture
def reader(tmp_path: Path, small_essay_file: Path, critical_checklist) -> Path:
    return reader_file(tmp_path / "ana.readtui.toml", small_essay_file, critical_checklist)


def report(*args: object) -> tuple[str, str]:
    result = cli("report", *args)
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def as_html(markdown: str) -> str:
    """The Markdown as a renderer with footnotes (GitHub's, pandoc's) shows it."""
    return MarkdownIt("commonmark").use(footnote_plugin).enable("table").render(markdown)


def test_markdown_shows_answers_in_words_highlights_as_footnotes_and_the_summary(reader: Path) -> None:
    text, stderr = report(reader)
    assert stderr == ""
    assert text.startswith("# A Small Test Essay\n\nby Test Author\n\nRead by Ana \\<Reader\\> with the checklist")
    assert "Critical reading (critical-reading 1.2)" in text
    assert "- **Are the factual claims backed by evidence?** — No, just asserted\n" in text
    assert "- **What kinds of evidence are given?** — Statistics or figures, Expert or study\n" in text
    assert "- **Are the factual claims backed by evidence?** — *unsure*\n" in text
    assert "## ¶ 2 (flagged)\n" in text
    assert "> First line of my note.  \n> Second line, kept.  \n" in text
    assert "## The essay as a whole" in text
    assert "— The essay says one thing.  \n  And another.\n" in text
    assert "## Before reading\n\n- **What do you already believe about this topic?** — 3\n" in text
    html = as_html(text)
    # Overlapping highlights share one bold stretch; each has its footnote after its own words.
    assert re.search(r"<strong>uses loaded words<sup .*?>\[1\].*?\. It<sup .*?>\[2\].*?</strong>", html), html
    assert re.search(r"<strong>regime<sup .*?>\[3\]", html)
    footnotes = re.findall(r'<li id="fn\d+" class="footnote-item"><p>(.*?) <a href', html)
    assert footnotes == [
        "Logical leap: “uses loaded words”",
        "Loaded word or phrase: “loaded words. It” — Emotive.",
        "Loaded word or phrase: “regime”",
    ]
    summary = dict(re.findall(r"<tr>\n<td>(.*?)</td>\n<td>(.*?)</td>", html))
    assert summary == {
        "Paragraphs with answers, notes or highlights": "3 of 4",
        "Answers": "6",
        "Unsure": "1",
        "Flagged paragraphs": "1",
        "Required answers left out": str(2 + 4 * 12 - 3 + 2 - 1 - 1 - 1),
        "Highlights": "3",
    }


def test_html_marks_each_highlight_in_its_labels_colour_with_label_and_note(reader: Path) -> None:
    html, _ = report(reader, "--format", "html")
    assert html.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in html
    legend = re.search(r'<ul class="legend">(.*?)</ul>', html).group(1)
    assert re.findall(r'background:(#\w+)"[^>]*>([^<]*)</mark>', legend) == [
        ("#f4b6b6", "Loaded word or phrase"),
        ("#b3d4f5", "Logical leap"),
    ]
    marks = re.findall(
        r'<mark (?:class="both" )?style="background:(#\w+)" data-highlights="([\d ]+)" title="([^"]*)">', html
    )
    assert marks == [
        ("#b3d4f5", "1", "Logical leap"),
        ("#f4b6b6", "1 2", "Logical leap&#10;Loaded word or phrase: Emotive."),
        ("#f4b6b6", "2", "Loaded word or phrase: Emotive."),
        ("#f4b6b6", "3", "Loaded word or phrase"),
    ]
    assert '<dd class="unsure">unsure</dd>' in html
    assert "<dd>No, just asserted</dd>" in html
    assert "First line of my note.<br>Second line, kept." in html
    assert '<span class="tag">flagged</span>' in html
    assert "<tr><th>Unsure</th><td>1</td></tr>" in html


def test_hostile_essay_notes_and_checklist_are_text(tmp_path: Path, critical_checklist) -> None:
    path, _ = hostile_file(tmp_path, critical_checklist)
    checklist = hostile_checklist(tmp_path / "hostile-checklist.toml")
    html, _ = report(path, "--format", "html", "--checklist", checklist)
    body = html.split("<body>", 1)[1]
    assert re.findall(r"<(script|img|a|b)\b", body) == [], "no element from other people's text"
    assert "&lt;script&gt;alert(&#x27;essay&#x27;)&lt;/script&gt;" in body
    assert "javascript:alert(&#x27;link&#x27;)" in body
    assert "<title>&lt;script&gt;" in html
    assert "Loaded word or phrase &lt;b onmouseover=alert(&#x27;c&#x27;)&gt;x&lt;/b&gt;" in body
    markdown, _ = report(path, "--checklist", checklist)
    rendered = as_html(markdown)
    assert re.findall(r"<(script|img|a|b)\b(?! href=\"#fn)", rendered) == [], rendered
    assert HOSTILE_NOTE.replace("<", "&lt;").replace(">", "&gt;") in rendered


def test_a_training_file_shows_its_score_and_the_keys_feedback(
    tmp_path: Path, small_essay_file: Path, key_file: Path
) -> None:
    learner = training_file(tmp_path, small_essay_file, key_file)
    text, stderr = report(learner)
    assert stderr == ""
    assert "**The key's feedback: 1 of 2 at the first try**" in text  # ¶1: claims wrong, loaded words 3 vs 2 ± 1
    assert (
        "- ✗ Are the factual claims backed by evidence?\n  - you: Yes, with specifics · key: No, just asserted" in text
    )
    assert "  - answered again: No, just asserted ✓\n  - It offers no support for it.\n" in text
    assert "- ≈ How loaded is the wording?\n  - you: 3 · key: 2 (± 1)\n" in text
    assert "**The key's feedback: 1 of 1 at the first try**" in text  # ¶2
    assert "## Training score" in text  # ¶3, not checked, counts its answers (none) against the key's
    assert "| Total | 2 of 4 (50%) |" in text
    html, _ = report(learner, "--format", "html")
    assert "<tr><th>Total</th><td>2 of 4 (50%)</td></tr>" in html
    assert "The key&#x27;s feedback: 1 of 2 at the first try" in html


def test_a_training_files_key_found_by_option_or_missing(
    tmp_path: Path, small_essay_file: Path, key_file: Path
) -> None:
    learner = training_file(tmp_path, small_essay_file, key_file)
    moved = tmp_path / "elsewhere.toml"
    key_file.rename(moved)
    result = cli("report", learner)
    assert result.exit_code == 0
    assert result.stderr.startswith(f"warning: {learner}: the answer key (key.readtui.toml) was not found")
    assert "The answer key was not found: no score or feedback" in result.stdout
    text, stderr = report(learner, "--key", moved)
    assert stderr == "" and "| Total | 2 of 4 (50%) |" in text
    other = tmp_path / "other-key.toml"
    other.write_text(moved.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert file_sha256(other) != file_sha256(moved)
    assert_refused(cli("report", learner, "--key", other), other, "is not the answer key")
    assert_refused(cli("report", learner, "--key", tmp_path / "none.toml"), tmp_path / "none.toml", "cannot be read")


def test_without_the_essay_the_excerpts_stand_in_and_a_wrong_essay_is_refused(
    tmp_path: Path, reader: Path, small_essay_file: Path
) -> None:
    hidden = tmp_path / "hidden.txt"
    shutil.move(small_essay_file, hidden)
    result = cli("report", reader)
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"warning: {reader}: the essay (essay.txt) was not found: the report shows the excerpts the file keeps; "
        "give --essay PATH for the whole text"
    ]
    text = result.stdout
    assert "> The essay was not found: each paragraph shows only the excerpt the file keeps." in text
    assert "*Excerpt:* The first paragraph makes a claim. It offers no support for…\n" in text
    assert "- Loaded word or phrase: “regime”" in text  # listed, as it cannot be placed
    text, stderr = report(reader, "--essay", hidden)
    assert stderr == "" and "**regime[^3]**" in text
    other = tmp_path / "other.txt"
    other.write_text(
        "Another essay altogether, with sentences. It has two.\n\nAnd a second paragraph, as long. It ends here.\n",
        encoding="utf-8",
    )
    assert_refused(cli("report", reader, "--essay", other), other, "is not the essay")


def test_out_writes_the_report_atomically(tmp_path: Path, reader: Path) -> None:
    out = tmp_path / "report.html"
    result = cli("report", reader, "--format", "html", "--out", out)
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr == f"Wrote {out}\n"
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []
    missing = tmp_path / "no-such-dir" / "r.md"
    assert cli("report", reader, "--out", missing).exit_code == 2


def test_answers_a_newer_checklist_has_no_place_for_are_left_out_saying_so(
    tmp_path: Path, small_essay_file: Path, critical_checklist, critical_checklist_path: Path
) -> None:
    path = reader_file(tmp_path / "ana.readtui.toml", small_essay_file, critical_checklist)
    data = tomllib.loads(critical_checklist_path.read_text(encoding="utf-8"))
    data["version"] = "9.9"
    for section in data["section"]:
        section["item"] = [item for item in section["item"] if item["id"] != "evidence-kinds"]
    newer = write_checklist(tmp_path / "newer.toml", data)
    result = cli("report", path, "--checklist", newer)
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"warning: {path}: made with critical-reading 1.2: 1 retired answer(s) left out: "
        "¶ 1 evidence-kinds (item removed)\n"
    )
    assert "What kinds of evidence" not in result.stdout


def test_notes_and_answers_that_look_like_markdown_stay_text(
    tmp_path: Path, small_essay_file: Path, critical_checklist
) -> None:
    looks_like = "- not a list\n1. nor this\n==="
    path = write_assessment(
        tmp_path / "ana.readtui.toml",
        small_essay_file,
        critical_checklist,
        "Ana",
        {1: {"claims-supported": "no"}},
        overall={"main-claim": looks_like},
        note={1: looks_like},
    )
    html = as_html(report(path)[0])
    assert "<blockquote>\n<p>- not a list<br />\n1. nor this<br />\n===</p>\n</blockquote>" in html
    assert "— - not a list<br />\n1. nor this<br />\n===</li>" in html
    assert "<h1>" not in html.split("</h1>", 1)[1] and "<h2>===" not in html
