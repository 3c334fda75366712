"""Shared fixtures: every test runs isolated from the user's real readtui directories."""

from __future__ import annotations

import gc
import hashlib
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import tomli_w
from click.testing import CliRunner, Result

from readtui.cli import main
from readtui.core.assessment import Highlight, ParagraphRecord, checklist_problems, excerpt
from readtui.core.checklist import bundled_checklists
from readtui.core.compare import compare
from readtui.core.corpus import load_comparison
from readtui.core.errors import ReadtuiError
from readtui.core.essay import load_essay, parse_essay, sample_essay_path
from readtui.core.launch import prepare_session, prepare_training
from readtui.core.session import new_assessment
from readtui.core.storage import AssessmentWriter, load_assessment, load_checklist

REPO_ROOT = Path(__file__).resolve().parents[1]
"""The repository (this file is tests/conftest.py): tests at any depth find it here, not by counting parents."""


def run_process(argv: Sequence[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``argv`` as a real process: no terminal, no stdin, output captured as text, two minutes at most."""
    return subprocess.run(
        list(argv),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        cwd=cwd,
        env=os.environ | {"PYTHONDONTWRITEBYTECODE": "1"},
        timeout=120,
    )


def free_port() -> int:
    """A TCP port nothing listens on now (for a server a test starts)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_readtui(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m readtui ARGS`` as a real process (see run_process): the one way tests run readtui
    non-interactively (in a terminal: tests/terminal)."""
    return run_process([sys.executable, "-m", "readtui", *args], cwd=cwd)


ESSAY_TEXT = """\
A Small Test Essay

By: Test Author

The first paragraph makes a claim. It offers no support for it.

The second paragraph cites a figure. The figure comes from a named report.

The third paragraph uses loaded words. It calls the other side a regime.

The fourth paragraph draws a conclusion. It does not follow from the rest.
"""


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point readtui's data dir, config file and reader at the test's tmp_path; run in tmp_path."""
    data = tmp_path / "readtui-data"
    monkeypatch.setenv("READTUI_DATA_DIR", str(data))
    monkeypatch.setenv("READTUI_CONFIG", str(tmp_path / "readtui-config" / "config.toml"))
    monkeypatch.setenv("READTUI_READER", "tester")
    monkeypatch.chdir(tmp_path)
    return data


@pytest.fixture(scope="session")
def critical_checklist_path() -> Path:
    """The bundled ``critical-reading`` checklist file."""
    return bundled_checklists()["critical-reading"]


@pytest.fixture(scope="session")
def critical_checklist(critical_checklist_path: Path):
    """The bundled ``critical-reading`` checklist, loaded and validated."""
    return load_checklist(critical_checklist_path)


@pytest.fixture(scope="session")
def small_essay():
    """A four-paragraph essay with a title and author (built with ``parse_essay``)."""
    essay = parse_essay(ESSAY_TEXT)
    assert len(essay.paragraphs) == 4, essay.paragraphs
    return essay


@pytest.fixture
def small_essay_file(tmp_path: Path) -> Path:
    """``ESSAY_TEXT`` written to ``essay.txt`` in tmp_path."""
    path = tmp_path / "essay.txt"
    path.write_text(ESSAY_TEXT, encoding="utf-8")
    return path


def write_three_readers(directory: Path, checklist_id: str = "critical-reading") -> list[Path]:
    """Three differently answered assessments of the sample essay with a bundled checklist, with
    notes, unsure marks and highlights (reader names include markup, which must stay literal).
    Deterministic."""
    import random

    from readtui.core.assessment import Highlight, ParagraphRecord, excerpt
    from readtui.core.checklist import ChoiceItem, MultiItem, ScaleItem
    from readtui.core.essay import load_essay, sample_essay_path
    from readtui.core.session import new_assessment
    from readtui.core.storage import AssessmentWriter

    essay = load_essay(sample_essay_path())
    checklist = load_checklist(bundled_checklists()[checklist_id])
    items = [item for item in checklist.items.values() if item.scope == "paragraph"]
    essay_items = [item for item in checklist.items.values() if item.scope == "essay"]
    label = next(iter(checklist.labels))

    def answer(item, rng: random.Random):
        if isinstance(item, ChoiceItem):
            return rng.choice(item.options).id
        if isinstance(item, MultiItem):
            return [o.id for o in item.options if rng.random() < 0.3]
        if isinstance(item, ScaleItem):
            return rng.randint(item.min, item.max)
        return "text"

    def answers_of(items, consensus, rng: random.Random) -> tuple[dict, list]:
        answers, unsure = {}, []
        for item in items:
            roll = rng.random()
            if roll < 0.05:
                unsure.append(item.id)
            elif roll < 0.7:
                answers[item.id] = consensus[item.id]
            elif roll < 0.95:
                answers[item.id] = answer(item, rng)
        return answers, unsure

    shared = random.Random(5)
    consensus = [{item.id: answer(item, shared) for item in items} for _ in essay.paragraphs]
    overall_consensus = {item.id: answer(item, random.Random(6)) for item in essay_items}
    paths = []
    for n, name in enumerate(["Ana [b]", "Ben", "Chloé"]):
        rng = random.Random(n)
        assessment = new_assessment(essay, checklist, "", name, str(sample_essay_path()))
        for index, text in enumerate(essay.paragraphs, start=1):
            answers, unsure = answers_of(items, consensus[index - 1], rng)
            word = text.split(" ")[n]
            start = text.index(word)
            assessment.paragraph.append(
                ParagraphRecord(
                    index=index,
                    sha256=essay.paragraph_sha256(index - 1),
                    chars=len(text),
                    excerpt=excerpt(text),
                    answers=answers,
                    unsure=unsure,
                    note=["", "Who are the 'officials'?", "Calls it a [red]regime[/red]."][(index + n) % 3],
                    highlight=[Highlight(start=start, end=start + len(word), label=label, quote=word)],
                )
            )
        if checklist_id == "critical-reading":  # the figures other tests expect
            assessment.overall.answers = {"credibility": 2 + n % 2, "main-claim": "Iran does not back ISIS."}
        else:
            assessment.overall.answers, assessment.overall.unsure = answers_of(
                essay_items, overall_consensus, random.Random(10 + n)
            )
        assessment.overall.note = f"{name}: thin on evidence."
        path = directory / f"sample.{name.split()[0].lower()}.readtui.toml"
        AssessmentWriter().save(path, assessment)
        paths.append(path)
    return paths


@pytest.fixture
def three_readers(tmp_path: Path) -> list[Path]:
    """``write_three_readers`` in tmp_path/readers."""
    directory = tmp_path / "readers"
    directory.mkdir()
    return write_three_readers(directory)


def sha(text: str) -> str:
    """The sha256 of ``text`` (UTF-8), as readtui writes it."""
    return hashlib.sha256(text.encode()).hexdigest()


def write_checklist(path: Path, checklist: str | bytes | dict[str, Any]) -> Path:
    """A checklist file written by hand: TOML text as it is, bytes as they are (for damaged files),
    a dict through tomli_w. Every test that writes a checklist file writes it with this."""
    if isinstance(checklist, dict):
        checklist = tomli_w.dumps(checklist)
    if isinstance(checklist, bytes):
        path.write_bytes(checklist)
    else:
        path.write_text(checklist, encoding="utf-8")
    return path


def write_assessment(
    path: Path,
    essay_path: Path,
    checklist,
    reader: str,
    answers: dict[int, dict[str, Any]],
    *,
    overall: dict[str, Any] | None = None,
    before: dict[str, Any] | None = None,
    after_reading: list[str] | None = None,
    source: str | None = None,
    **extras: dict[int, Any],
) -> Path:
    """An assessment of ``essay_path``; ``before``: before-reading answers (``after_reading``: those
    given once reading had begun); ``extras`` per paragraph: note, explain, highlight…"""
    essay = load_essay(essay_path)
    assessment = new_assessment(essay, checklist, "", reader, essay_path.name if source is None else source)
    for index, values in sorted(answers.items()):
        text = essay.paragraphs[index - 1]
        record = ParagraphRecord(
            index=index,
            sha256=essay.paragraph_sha256(index - 1),
            chars=len(text),
            excerpt=excerpt(text),
            answers=dict(values),
        )
        for name, per_paragraph in extras.items():
            if index in per_paragraph:
                setattr(record, name, per_paragraph[index])
        assessment.paragraph.append(record)
    assessment.overall.answers = dict(overall or {})
    assessment.before.answers = dict(before or {})
    assessment.before.after_reading = list(after_reading or [])
    AssessmentWriter().save(path, assessment)
    return path


def write_readers(
    directory: Path,
    essay_path: Path,
    checklist,
    given: dict[str, dict[int, dict[str, Any]]],
    **extras: dict[str, dict[int, Any]],
) -> list[str]:
    """One assessment per reader (reader → paragraph → answers), as the paths adjudicate and
    compare take; ``extras``: name → reader → paragraph → value (unsure, highlight…)."""
    return [
        str(
            write_assessment(
                directory / f"{reader}.readtui.toml",
                essay_path,
                checklist,
                reader,
                answers,
                **{name: per_reader[reader] for name, per_reader in extras.items() if reader in per_reader},
            )
        )
        for reader, answers in given.items()
    ]


def phrase(essay_path: Path, index: int, words: str) -> Highlight:
    text = load_essay(essay_path).paragraphs[index - 1]
    start = text.index(words)
    return Highlight(start=start, end=start + len(words), label="loaded-word", quote=words)


@pytest.fixture
def key_file(tmp_path: Path, small_essay_file: Path, critical_checklist) -> Path:
    """A key for the small essay: ¶1 and ¶2 answered and explained, a highlight in ¶3, tolerance 1."""
    path = write_assessment(
        tmp_path / "key.readtui.toml",
        small_essay_file,
        critical_checklist,
        "teacher",
        {1: {"claims-supported": "no", "loaded-words": 2}, 2: {"claims-supported": "yes"}, 3: {"loaded-words": 4}},
        explain={1: {"claims-supported": "It offers no support for it."}, 2: {"claims-supported": "A named report."}},
        highlight={3: [phrase(small_essay_file, 3, "regime")]},
    )
    data = path.read_text(encoding="utf-8") + "\n[key]\ntolerance = 1\n"
    path.write_text(data, encoding="utf-8")
    return path


@pytest.fixture
def three_files(tmp_path: Path, small_essay_file: Path, critical_checklist) -> list[Path]:
    """Three readers of the small essay: agreement, a 2–1 split, a three-way split, a tie."""
    answers = {
        "A": {1: {"claims-supported": "no", "loaded-words": 2}, 2: {"claims-supported": "yes", "sources-named": "all"}},
        "B": {
            1: {"claims-supported": "no", "loaded-words": 3},
            2: {"claims-supported": "yes", "sources-named": "some"},
        },
        "C": {1: {"claims-supported": "no", "loaded-words": 4}, 2: {"claims-supported": "partly"}},
    }
    for given in answers.values():
        given[3] = {}  # no answers there, only the highlight
    return [
        write_assessment(
            tmp_path / f"{reader}.readtui.toml",
            small_essay_file,
            critical_checklist,
            reader,
            given,
            highlight={3: [phrase(small_essay_file, 3, "regime")]},
        )
        for reader, given in answers.items()
    ]


def read_toml(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def open_training(essay: Path, key: Path, out: Path):
    from readtui.tui.app import make_app  # here, so that importing conftest never imports Textual

    return make_app(prepare_training(essay, key_path=key, checklist_spec=None, reader="learner", out=out))


@pytest.fixture
def comparison(three_readers: list[Path]):
    """``three_readers`` compared, for the compare app (tests/app and tests/snapshots)."""
    essay = load_essay(sample_essay_path())
    return compare(load_comparison([str(p) for p in three_readers], essays=[essay]), bootstrap=0)


def valid_data(path: Path, checklist) -> dict:
    """The file's TOML, after checking that it validates as readtui's own validation does."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assessment = load_assessment(path)
    assert checklist_problems(path, assessment, checklist) == []
    return data


class FaultyOs:
    """``os`` as a readtui module (`storage`, `files`) sees it, except that ``function`` fails with ``code`` on files
    in ``directory`` (named, or open as a descriptor) until ``healed``."""

    def __init__(self, function: str, code: int, directory: Path) -> None:
        self.function, self.code, self.directory = function, code, directory
        self.failures = 0
        self.healed = False

    def __getattr__(self, name: str):
        real = getattr(os, name)
        if name != self.function:
            return real

        def failing(*args, **kwargs):
            named = args[:2] if name == "replace" else args[:1]  # a path, or for fsync a descriptor
            paths = [Path(os.readlink(f"/proc/self/fd/{arg}")) if isinstance(arg, int) else Path(arg) for arg in named]
            if not self.healed and any(path.parent == self.directory for path in paths):
                self.failures += 1
                raise OSError(self.code, os.strerror(self.code))
            return real(*args, **kwargs)

        return failing


# --- hostile input: used by cli/test_bad_input.py, unit/test_fuzz_loaders.py, unit/test_shared_file_safety.py
# and app/test_hostile_input.py (once all test_adversarial.py) ------------------------------------------------


CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters that must never reach the terminal (line breaks and tabs may)."""


@pytest.fixture
def gc_back_on() -> Iterator[None]:
    """`readtui read` turns the garbage collector off for start-up; a refused start in-process leaves it off."""
    yield
    gc.enable()


@pytest.fixture
def as_in_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command's app starts as it would in a terminal (CliRunner's input and output are not
    one, and the CLI refuses to start an app without one)."""
    import importlib

    for name in ("reading", "reports", "adjudicate"):
        # The module, not the click command of the same name that readtui.cli exports.
        monkeypatch.setattr(importlib.import_module(f"readtui.cli.{name}"), "terminal_problem", lambda: None)


def cli(*args: object) -> Result:
    # color=True: click would otherwise strip escape sequences from the output, hiding them.
    return CliRunner().invoke(main, [str(arg) for arg in args], catch_exceptions=False, color=True)


def assert_refused(result: Result, bad: Path | str, expected: str) -> None:
    """Exit status 2; stderr one problem a line, none with a control character, no traceback; a
    line names ``bad`` and says ``expected``."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert lines, result.output
    assert not CONTROL.search(result.stderr), repr(result.stderr)
    assert any(names_file(line, bad) and expected in line for line in lines), (expected, lines)


def names_file(line: str, file: Path | str) -> bool:
    """Whether a problem line begins with ``file``, with or without a line and column (``file:3:7: ``)."""
    return re.match(rf"{re.escape(str(file))}(:\d+:\d+)?: ", line) is not None


def position_of(path: Path, text: str, after: str = "") -> str:
    """``line:column`` of the first ``text`` in the file (after the first ``after``), as error lines give it."""
    content = path.read_text(encoding="utf-8")
    offset = content.index(text, content.index(after))
    line_start = content.rfind("\n", 0, offset) + 1
    return f"{content.count(chr(10), 0, offset) + 1}:{offset - line_start + 1}"


def problem_lines(run: Callable[[], list[ReadtuiError]]) -> list[str]:
    """The problems of a start (prepare_session, then what the app checks after its first frame)."""
    try:
        problems = run()
    except ReadtuiError as error:
        return str(error).splitlines()
    return [line for problem in problems for line in str(problem).splitlines()]


def read_problems(essay: Path, out: Path, checklist: str | None = None) -> list[ReadtuiError]:
    """What `readtui read ESSAY --out OUT` reports before the app or right after its first frame."""
    prepared = prepare_session(essay, checklist_spec=checklist, reader="tester", out=out)
    try:
        return prepared.check()
    finally:
        prepared.close(remember=False)


@pytest.fixture
def files(tmp_path: Path, small_essay_file: Path, critical_checklist) -> SimpleNamespace:
    """Good files about the small essay: two readers, an answer key, and the tester's own."""
    essay = small_essay_file
    ana = write_assessment(
        tmp_path / "ana.readtui.toml",
        essay,
        critical_checklist,
        "Ana",
        {1: {"claims-supported": "no", "loaded-words": 2}, 2: {"claims-supported": "yes"}},
        overall={"credibility": 2},
    )
    ben = write_assessment(
        tmp_path / "ben.readtui.toml",
        essay,
        critical_checklist,
        "Ben",
        {1: {"claims-supported": "partly", "loaded-words": 4}, 2: {"claims-supported": "yes"}},
        overall={"credibility": 3},
    )
    key = write_assessment(
        tmp_path / "key.readtui.toml",
        essay,
        critical_checklist,
        "Teacher",
        {1: {"claims-supported": "no", "loaded-words": 2}, 2: {"claims-supported": "yes"}},
        explain={1: {"claims-supported": "It offers no support."}},
    )
    mine = write_assessment(
        tmp_path / "mine.readtui.toml", essay, critical_checklist, "tester", {1: {"claims-supported": "no"}}
    )
    return SimpleNamespace(tmp=tmp_path, essay=essay, ana=ana, ben=ben, key=key, mine=mine)


MINI = """\
format = "readtui-checklist/1"
id = "mini"
title = "Mini"
version = "1"

[[section]]
id = "s"
title = "S"

  [[section.item]]
  id = "pick"
  prompt = "Pick"
  kind = "choice"
  options = [{ id = "yes", label = "Yes" }, { id = "no", label = "No" }]

  [[section.item]]
  id = "rate"
  prompt = "Rate"
  kind = "scale"
  min = 1
  max = 5
"""


def lines_wider_than(width: int, text: str, paths: list[Path]) -> list[str]:
    """The lines of a report wider than ``width``, except a path alone on its line (reports keep a
    path longer than a line whole, so a long temp directory must not fail a width check)."""
    whole = {str(path) for path in paths} | {f"{path}:" for path in paths}
    return [line for line in text.splitlines() if len(line) > width and line.strip() not in whole]


# --- a newer critical-reading (tests of checklist versions) ------------------------------------------


def pack(version: str, edit=None) -> dict:
    """The bundled critical-reading pack as a dict, at another version, edited by ``edit``."""
    data = tomllib.loads(bundled_checklists()["critical-reading"].read_text(encoding="utf-8"))
    data["version"] = version
    if edit:
        edit(data)
    return data


def items_of(data: dict) -> dict[str, dict]:
    """A checklist dict's items by id."""
    return {item["id"]: item for section in data["section"] for item in section["item"]}


def release_1_3(data: dict) -> None:
    """Drop `checkable`, add `new-question`, drop the option `partly`, reword a prompt."""
    evidence = next(section for section in data["section"] if section["id"] == "evidence")
    evidence["item"] = [item for item in evidence["item"] if item["id"] != "checkable"]
    evidence["item"].append(
        {
            "id": "new-question",
            "prompt": "Is it new?",
            "kind": "choice",
            "options": [{"id": "yes", "label": "Yes"}, {"id": "no", "label": "No"}],
        }
    )
    claims = items_of(data)["claims-supported"]
    claims["options"] = [option for option in claims["options"] if option["id"] != "partly"]
    items_of(data)["sources-named"]["prompt"] = "Who is named as a source?"


def answered_with_1_2(small_essay_file: Path, out: Path) -> None:
    """Answers with the bundled 1.2 that `release_1_3` partly retires: in ¶ 1 one kept, one to a
    removed item, one with a removed option; in ¶ 2 one kept and an unsure mark on the removed item."""
    first = prepare_session(small_essay_file, checklist_spec=None, reader="tester", out=out)
    session = first.session
    items = session.checklist.items
    session.choose(1, items["checkable"], 1)
    session.choose(1, items["claims-supported"], 2)  # partly
    session.choose(1, items["loaded-words"], 1)
    session.toggle_unsure(2, "checkable")
    session.choose(2, items["loaded-words"], 2)
    first.save()
    first.close()
