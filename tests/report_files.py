"""Assessment files for the tests of ``readtui report`` (tests/cli/test_report_cli.py and
tests/browser/test_report.py): a reader's file with highlights (two overlapping), answers, unsure
marks, a flag and notes; a hostile one; a learner's training file."""

from __future__ import annotations

from pathlib import Path

from readtui.core.assessment import Highlight
from readtui.core.checklist import bundled_checklists
from readtui.core.essay import load_essay
from readtui.core.launch import prepare_training
from tests.conftest import write_assessment, write_checklist

NOTE = "First line of my note.\nSecond line, kept."
HOSTILE_ESSAY = """\
<script>alert('title')</script>

By: <img src=x onerror="alert('author')">

The first <script>alert('essay')</script> paragraph <img src=x onerror="alert('img')"> claims.

See [the source](javascript:alert('link')) and <a href="javascript:alert('a')">this</a> now.
"""
HOSTILE_NOTE = "</mark><script>alert('note')</script><img src=x onerror=alert('n')>"


def span(essay_path: Path, index: int, words: str, label: str, note: str = "") -> Highlight:
    """A highlight of ``words`` (their first place) in paragraph ``index``."""
    text = load_essay(essay_path).paragraphs[index - 1]
    start = text.index(words)
    return Highlight(start=start, end=start + len(words), label=label, quote=words, note=note)


def reader_file(path: Path, essay_path: Path, checklist) -> Path:
    """¶1 answered, ¶2 unsure and flagged with a two-line note, ¶3 with two overlapping
    highlights and one apart, the essay answered as a whole, and the before-reading answers."""
    return write_assessment(
        path,
        essay_path,
        checklist,
        "Ana <Reader>",
        {1: {"claims-supported": "no", "evidence-kinds": ["statistics", "expert"]}, 2: {"loaded-words": 1}, 3: {}},
        overall={"main-claim": "The essay says one thing.\nAnd another.", "credibility": 2},
        before={"prior-stance": 3},
        unsure={2: ["claims-supported"]},
        flagged={2: True},
        note={2: NOTE},
        highlight={
            3: [
                span(essay_path, 3, "uses loaded words", "logical-leap"),
                span(essay_path, 3, "loaded words. It", "loaded-word", note="Emotive."),
                span(essay_path, 3, "regime", "loaded-word"),
            ]
        },
    )


def hostile_checklist(path: Path) -> Path:
    """The critical-reading checklist with markup in a label, a question and an option."""
    text = bundled_checklists()["critical-reading"].read_text(encoding="utf-8")
    for plain in ('"Loaded word or phrase"', '"Are the factual claims backed by evidence?"', '"No, just asserted"'):
        assert plain in text, plain
        text = text.replace(plain, plain[:-1] + " <b onmouseover=alert('c')>x</b>\"", 1)
    return write_checklist(path, text)


def hostile_file(directory: Path, checklist) -> tuple[Path, Path]:
    """An essay and an assessment full of markup: (assessment, essay)."""
    essay = directory / "hostile.txt"
    essay.write_text(HOSTILE_ESSAY, encoding="utf-8")
    path = write_assessment(
        directory / "hostile.readtui.toml",
        essay,
        checklist,
        "<img src=x onerror=alert('r')>",
        {1: {"claims-supported": "no"}, 2: {}},
        note={1: HOSTILE_NOTE},
        highlight={
            1: [span(essay, 1, "<script>alert('essay')</script>", "loaded-word", note=HOSTILE_NOTE)],
            2: [span(essay, 2, "javascript:alert('link')", "unsourced-claim", note="javascript:alert('x')")],
        },
    )
    return path, essay


def training_file(directory: Path, essay_path: Path, key_path: Path) -> Path:
    """A learner who answered ¶1 and ¶2 (one right, one wrong), checked both against the key,
    then changed ¶1's answer."""
    out = directory / "learner.train.readtui.toml"
    prepared = prepare_training(essay_path, key_path=key_path, checklist_spec=None, reader="Lea", out=out)
    try:
        session, trainer = prepared.session, prepared.trainer
        session.set_answer(1, "claims-supported", "yes")
        session.set_answer(1, "loaded-words", 3)
        session.set_answer(2, "claims-supported", "yes")
        trainer.check(1)
        trainer.check(2)
        session.set_answer(1, "claims-supported", "no")
        trainer.note_changes(1)
        prepared.save()
    finally:
        prepared.close(remember=False)
    return out
