"""Generate assessment files for the compare benchmark: N readers of one P-paragraph essay.

Answers are random but correlated (each reader follows a shared "true" answer most of the time),
so the statistics have something to find. Usage: python benchmarks/compare_data.py DIR [READERS] [PARAGRAPHS]
"""

from __future__ import annotations

import hashlib
import random
import sys
from pathlib import Path

from readtui.core.assessment import Assessment, ChecklistInfo, EssayInfo, Highlight, Overall, ParagraphRecord, Reader
from readtui.core.checklist import ChoiceItem, MultiItem, ScaleItem, resolve_checklist
from readtui.core.storage import AssessmentWriter, load_checklist


def _answer(item, rng: random.Random):
    if isinstance(item, ChoiceItem):
        return rng.choice(item.options).id
    if isinstance(item, MultiItem):
        return sorted({o.id for o in item.options if rng.random() < 0.25})
    if isinstance(item, ScaleItem):
        return rng.randint(item.min, item.max)
    return "A short answer."


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
            answers, unsure = {}, []
            for item in items:
                roll = rng.random()
                if roll < 0.03:
                    unsure.append(item.id)
                elif roll < 0.75:
                    answers[item.id] = truth[p][item.id]
                else:
                    answers[item.id] = _answer(item, rng)
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


if __name__ == "__main__":
    target = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    length = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    print(f"wrote {len(write_readers(target, count, length))} files to {target}")
