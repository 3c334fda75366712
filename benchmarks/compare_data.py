"""Generate assessment files for the benchmarks: N readers of one P-paragraph essay (compare), or
one reader's fully answered assessment of a real essay (resuming it: run.py).

Answers are random but correlated (each reader follows a shared "true" answer most of the time),
so the statistics have something to find.

    python benchmarks/compare_data.py DIR [READERS] [PARAGRAPHS]
    python benchmarks/compare_data.py --answered ESSAY CHECKLIST OUT READER
"""

from __future__ import annotations

import hashlib
import random
import sys
from pathlib import Path

from readtui.core.assessment import (
    Answers,
    Assessment,
    Before,
    ChecklistInfo,
    EssayInfo,
    Highlight,
    Overall,
    ParagraphRecord,
    Reader,
    excerpt,
)
from readtui.core.checklist import ChoiceItem, MultiItem, ScaleItem, resolve_checklist
from readtui.core.storage import AssessmentWriter, file_sha256, load_checklist


def _answer(item, rng: random.Random):
    if isinstance(item, ChoiceItem):
        return rng.choice(item.options).id
    if isinstance(item, MultiItem):
        return sorted({o.id for o in item.options if rng.random() < 0.25})
    if isinstance(item, ScaleItem):
        return rng.randint(item.min, item.max)
    return "A short answer."


def _answers(items, truth: dict, rng: random.Random) -> tuple[dict, list[str]]:
    """Every item answered: the true answer mostly, another now and then, a few marked unsure."""
    answers, unsure = {}, []
    for item in items:
        roll = rng.random()
        if roll < 0.03:
            unsure.append(item.id)
        elif roll < 0.75:
            answers[item.id] = truth[item.id]
        else:
            answers[item.id] = _answer(item, rng)
    return answers, unsure


def write_readers(directory: Path, readers: int = 50, paragraphs: int = 1000, seed: int = 1) -> list[Path]:
    """Write ``readers`` assessment files of one essay into ``directory``; return their paths."""
    checklist = load_checklist(resolve_checklist("critical-reading"))
    items = [item for item in checklist.items.values() if item.scope == "paragraph"]
    essay_sha = hashlib.sha256(b"benchmark essay").hexdigest()
    truth_rng = random.Random(seed)
    truth = [{item.id: _answer(item, truth_rng) for item in items} for _ in range(paragraphs)]
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for r in range(readers):
        rng = random.Random(seed * 1000 + r)
        records = []
        for p in range(paragraphs):
            answers, unsure = _answers(items, truth[p], rng)
            records.append(
                ParagraphRecord(
                    index=p + 1,
                    sha256=hashlib.sha256(f"p{p}".encode()).hexdigest(),
                    chars=400,
                    excerpt=f"Paragraph {p + 1} begins with these words…",
                    answers=answers,
                    unsure=unsure,
                    note="Reads as opinion." if rng.random() < 0.1 else "",
                    highlight=[Highlight(start=10, end=20, label="loaded-word", quote="x" * 10)]
                    if rng.random() < 0.2
                    else [],
                )
            )
        assessment = Assessment(
            created_by="benchmark",
            reader=Reader(name=f"reader{r + 1:02d}"),
            essay=EssayInfo(title="Benchmark essay", sha256=essay_sha, paragraphs=paragraphs),
            checklist=ChecklistInfo(id=checklist.id, version=checklist.version),
            paragraph=records,
            overall=Overall(answers={"credibility": rng.randint(1, 5)}),
        )
        path = directory / f"reader{r + 1:02d}.readtui.toml"
        AssessmentWriter().save(path, assessment)
        paths.append(path)
    return paths


def write_answered(essay_path: Path, checklist_path: Path, out: Path, reader: str, seed: int = 1) -> Path:
    """Write ``reader``'s assessment of the essay with every item of the checklist answered (or marked
    unsure), a note on one paragraph in ten and a highlight on one in five: what resuming a finished
    reading of a long essay opens. Its position is ¶ 1, where a new session opens too."""
    from readtui.core.essay import load_essay

    essay = load_essay(essay_path)
    checklist = load_checklist(checklist_path)
    rng = random.Random(seed)
    by_scope = {
        scope: [item for _, items in checklist.items_in(scope) for item in items]
        for scope in ("paragraph", "essay", "before")
    }
    labels = list(checklist.labels)

    def answered(scope: str, record: Answers) -> None:
        items = by_scope[scope]
        record.answers, record.unsure = _answers(items, {item.id: _answer(item, rng) for item in items}, rng)

    records = []
    for p, text in enumerate(essay.paragraphs):
        record = ParagraphRecord(
            index=p + 1,
            sha256=essay.paragraph_sha256(p),
            chars=len(text),
            excerpt=excerpt(text),
            seconds=rng.randint(5, 90),
        )
        answered("paragraph", record)
        if rng.random() < 0.1:
            record.note = "Reads as opinion; check the figures against the report it cites."
        if labels and len(text) > 40 and rng.random() < 0.2:
            start = rng.randint(0, len(text) - 30)
            record.highlight = [
                Highlight(start=start, end=start + 20, label=rng.choice(labels), quote=text[start : start + 20])
            ]
        records.append(record)
    overall, before = Overall(note="Well argued in places, thinly sourced in others."), Before()
    answered("essay", overall)
    answered("before", before)
    assessment = Assessment(
        created_by="benchmark",
        reader=Reader(name=reader),
        essay=EssayInfo(
            title=essay.title, sha256=essay.sha256, paragraphs=len(essay.paragraphs), source=essay_path.name
        ),
        checklist=ChecklistInfo(id=checklist.id, version=checklist.version, sha256=file_sha256(checklist_path)),
        paragraph=records,
        overall=overall,
        before=before,
    )
    AssessmentWriter().save(out, assessment)
    return out


if __name__ == "__main__":
    if sys.argv[1:2] == ["--answered"]:
        essay_arg, checklist_arg, out_arg, reader_arg = sys.argv[2:6]
        path = write_answered(Path(essay_arg), Path(checklist_arg), Path(out_arg), reader_arg)
        print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
        sys.exit(0)
    target = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    length = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    print(f"wrote {len(write_readers(target, count, length))} files to {target}")
