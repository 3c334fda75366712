"""Adversarial inputs, across every command and the app: a clear one-line error (exit status 2) or
the input handled correctly; never a traceback, a hang or lost data, and text from a file is never
run as markup or escape sequences. What other test files already cover is listed below and not
repeated here.

Covered elsewhere:

Essays (tests/test_essay.py): control characters and ANSI escapes made visible
(test_control_characters_become_visible, test_escape_sequences_in_a_file_are_shown_not_run);
markup-like text kept verbatim (test_markup_like_text_is_kept_verbatim); combining characters
(test_text_is_nfc); UTF-8/UTF-16 BOMs and line endings (test_line_endings_and_encodings_do_not_change_identity);
cp1252/Latin-1 with --encoding (test_cp1252_with_encoding); invalid UTF-8, truncated UTF-16, UTF-16
without a BOM, NUL bytes (test_invalid_utf8_*, test_truncated_utf16, test_utf16_without_bom_needs_an_encoding,
test_binary_file); odd codecs (test_unknown_encoding, test_codec_*); missing file, directory, FIFO
without blocking, device, symlink loop, broken symlink, EACCES injected, NUL or newline in the
name (test_missing_file … test_newline_in_the_file_name_stays_on_one_line); empty, header-only and
headings-only essays (test_empty_file, test_header_without_body, test_markdown_with_only_headings);
hypothesis over the text given to parse_essay (test_parse_essay_only_raises_readtui_error);
20,000 paragraphs load (test_large_essay_loads_every_paragraph_and_hashes_lazily).

Checklists (tests/test_checklist.py): TOML syntax errors with line and column, not UTF-8, missing and
unknown keys at every level, duplicate section/item/option ids, wrong types, bad ids, a newer
format, and hypothesis over damaged checklists (test_damaged_checklists_give_one_line_problems).

Assessments (tests/test_assessment.py): round trip of quotes, backslashes, newlines, markup, control
characters and emoji (test_round_trip_of_awkward_strings); load(save(x)) == x with the answer-key
fields explain/accept/no_consensus on paragraphs and [key] and [training] (test_round_trip_property;
the same fields on [overall] are added here); one line per schema problem, duplicate paragraph
index, newer format, unknown item ids, bad options, scale out of range, index past the essay;
hypothesis over damaged assessments through validate and prepare_session
(test_damaged_assessments_give_one_line_problems). Highlights (tests/test_highlights.py): odd quotes
and notes round trip, tampered offsets and unknown labels.

Commands (tests/test_cli.py, test_compare*.py, test_score.py): validate of syntax errors, other
formats, a newer format, binary, missing, directory and deeply nested files; bad essays and
checklists fail before the app (as a process); file names with control characters stay on one line;
reader names lose control characters; unreadable files in compare named without a traceback (also
in worker processes); markup and escapes in reader names literal in every report format.
Storage (tests/test_storage.py): a failed write keeps the old file; locks; deeply nested TOML.

App (tests/test_app.py): [b], [/], [@click=app.quit], [link=…], ANSI and a bell in an essay shown
literally and the app keeps running (test_markup_and_escapes_in_an_essay_are_shown_literally); a
checklist's markup literal (test_hostile_checklist_is_literal_and_long_lists_use_the_picker);
Persian and combining text (test_highlights_in_persian_and_combining_text_use_code_point_offsets);
a file failing validation after the first frame exits 2 untouched.
"""

from __future__ import annotations

import ast
import builtins
import codecs
import errno
import gc
import io
import os
import re
import sys
import time
import tomllib
from collections.abc import Callable, Iterator
from datetime import UTC
from pathlib import Path
from types import SimpleNamespace

import pytest
import textual.app
import tomli_w
from click.testing import CliRunner, Result
from conftest import write_assessment
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import readtui
from readtui.core.assessment import (
    Assessment,
    ChecklistInfo,
    EssayInfo,
    Highlight,
    KeyInfo,
    Overall,
    ParagraphRecord,
    Reader,
    Training,
    TrainingRecord,
    checklist_problems,
    essay_problems,
    excerpt,
)
from readtui.core.checklist import bundled_checklists
from readtui.cli import main
from readtui.core.errors import ReadtuiError, ReadtuiErrors
from readtui.core.essay import decode_essay, load_essay, sample_essay_path
from readtui.core.launch import prepare_session, prepare_training
from readtui.core.session import new_assessment
from readtui.core.storage import AssessmentWriter, load_assessment, load_checklist, parse_toml
from readtui.core.validation import validate_file

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters that must never reach the terminal (line breaks and tabs may)."""


# --- helpers --------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def gc_back_on() -> Iterator[None]:
    """`readtui read` turns the garbage collector off for start-up; a refused start in-process leaves it off."""
    yield
    gc.enable()


@pytest.fixture
def no_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any Textual app starting fails the test: bad input must be refused before the app starts."""

    def started(self, *args, **kwargs):
        raise AssertionError(f"{type(self).__name__} started")

    monkeypatch.setattr(textual.app.App, "run", started)


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
    assert any(line.startswith(f"{bad}: ") and expected in line for line in lines), (expected, lines)


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


def train_problems(essay: Path, key: Path, out: Path, checklist: str | None = None) -> list[ReadtuiError]:
    prepared = prepare_training(essay, key_path=key, checklist_spec=checklist, reader="tester", out=out)
    try:
        return prepared.check()
    finally:
        prepared.close(remember=False)


def deny_reading(monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
    """Opening ``target`` fails with EACCES, as for an unreadable file (root could read it)."""
    denied = os.path.realpath(target)

    def refusing(real_open):
        def open_(path, *args, **kwargs):
            if isinstance(path, str | bytes | os.PathLike) and os.path.realpath(os.fsdecode(path)) == denied:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fsdecode(path))
            return real_open(path, *args, **kwargs)

        return open_

    monkeypatch.setattr(os, "open", refusing(os.open))
    monkeypatch.setattr(io, "open", refusing(io.open))
    monkeypatch.setattr(builtins, "open", refusing(builtins.open))


def symlink_loop(path: Path) -> Path:
    other = path.with_name(path.name + ".other")
    path.symlink_to(other)
    other.symlink_to(path)
    return path


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


def new_files(directory: Path, before: set[Path]) -> set[Path]:
    return set(directory.iterdir()) - before


# --- 1. bad essays, through every command that reads one -----------------------------------------


def _essay_nul(path: Path) -> Path:
    path.write_bytes(b"A first body paragraph. It has two sentences.\n\nThen a NUL \x00 byte.\n")
    return path


def _essay_invalid_utf8(path: Path) -> Path:
    path.write_bytes(b"A first body paragraph. It has two sentences.\n\nBad \xff\xfe bytes.\n")
    return path


def _essay_utf16_without_bom(path: Path) -> Path:
    path.write_bytes("A first body paragraph. It has two sentences.\n".encode("utf-16-le"))
    return path


def _essay_cp1252(path: Path) -> Path:
    path.write_bytes("A café paragraph with “curly quotes”. Two sentences.\n".encode("cp1252"))
    return path


def _essay_readable(path: Path) -> Path:
    path.write_text("A first body paragraph. It has two sentences.\n", encoding="utf-8")
    return path


def _essay_only_headings(path: Path) -> Path:
    path = path.with_suffix(".md")
    path.write_text("# Title\n\n## A section\n\n### Another\n\n---\n", encoding="utf-8")
    return path


def _essay_empty(path: Path) -> Path:
    path.write_bytes(codecs.BOM_UTF8 + b"  \n\n\t\n")
    return path


def _essay_fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _essay_directory(path: Path) -> Path:
    path.mkdir()
    return path


BAD_ESSAYS = {
    "nul-byte": (_essay_nul, "contains a NUL byte"),
    "invalid-utf8": (_essay_invalid_utf8, "not valid UTF-8"),
    "utf16-without-bom": (_essay_utf16_without_bom, "contains a NUL byte"),
    "cp1252-without-encoding": (_essay_cp1252, "not valid UTF-8 (use --encoding"),
    "only-headings": (_essay_only_headings, "no body paragraphs"),
    "empty": (_essay_empty, "empty: no paragraphs"),
    "fifo": (_essay_fifo, "is a named pipe (FIFO), not a regular file"),
    "symlink-loop": (symlink_loop, "symlink loop"),
    "unreadable": (_essay_readable, "Permission denied"),  # made unreadable in the test
    "directory": (_essay_directory, "is a directory"),
}


def essay_commands(f: SimpleNamespace, essay: Path) -> dict[str, list[object]]:
    return {
        "read": ["read", essay, "--out", f.tmp / "out.readtui.toml"],
        "train": ["train", essay, "--key", f.key, "--out", f.tmp / "learner.readtui.toml"],
        "validate": ["validate", f.ana, "--essay", essay],
        "compare": ["compare", f.ana, f.ben, "--essay", essay, "--bootstrap", "0"],
        "adjudicate": ["adjudicate", f.ana, f.ben, "--essay", essay, "--majority", "--out", f.tmp / "k.toml"],
    }


@pytest.mark.usefixtures("no_app")
@pytest.mark.parametrize("command", ["read", "train", "validate", "compare", "adjudicate"])
@pytest.mark.parametrize("case", sorted(BAD_ESSAYS))
def test_bad_essays_are_refused_in_one_line_by_every_command(
    files: SimpleNamespace, monkeypatch: pytest.MonkeyPatch, case: str, command: str
) -> None:
    make, expected = BAD_ESSAYS[case]
    essay = make(files.tmp / "bad essay.txt")
    if case == "unreadable":
        deny_reading(monkeypatch, essay)
    before = set(files.tmp.iterdir())
    started = time.monotonic()
    result = cli(*essay_commands(files, essay)[command])
    assert time.monotonic() - started < 10, "no hang"
    assert_refused(result, essay, expected)
    assert len(result.stderr.splitlines()) == 1
    assert new_files(files.tmp, before) == set(), "nothing written, no lock left"


# --- 2. bad assessments, through every command that reads one -------------------------------------


def _cut_in_a_table_header(text: str) -> str:
    return text[: text.index("[[paragraph]]") + len("[[para")]


def _cut_before_a_table(text: str) -> str:
    return text[: text.index("[checklist]")]


def _highlight_past_the_end(text: str) -> str:
    chars = int(re.search(r"\nchars = (\d+)\n", text)[1])
    highlight = f'highlight = [{{ start = {chars - 2}, end = {chars + 3}, label = "loaded-word", quote = "abcde" }}]\n'
    return text.replace("[[paragraph]]\nindex = 1\n", "[[paragraph]]\nindex = 1\n" + highlight, 1)


ASSESSMENT_DAMAGE: dict[str, tuple[Callable[[str], str | bytes], str]] = {
    "truncated": (_cut_in_a_table_header, "TOML syntax error"),
    "truncated-at-a-table": (_cut_before_a_table, "checklist: missing required key"),
    "not-utf8": (lambda text: text.encode().replace(b'"tester"', b'"test\xffer"', 1), "not valid UTF-8"),
    "wrong-type": (lambda text: re.sub(r"\nparagraphs = \d+\n", '\nparagraphs = "four"\n', text), "essay.paragraphs: "),
    "index-0": (lambda text: text.replace("\nindex = 1\n", "\nindex = 0\n", 1), "paragraph[1].index: "),
    "index-past-the-essay": (
        lambda text: text.replace("\nindex = 1\n", "\nindex = 99\n", 1),
        "paragraph[1].index: index 99 is past the essay's 4 paragraphs",
    ),
    "unknown-item": (
        lambda text: text.replace("[paragraph.answers]\n", '[paragraph.answers]\nno-such-item = "yes"\n', 1),
        "unknown item id 'no-such-item'",
    ),
    "duplicate-key": (
        lambda text: text.replace("flagged = false\n", "flagged = false\nflagged = true\n", 1),
        "TOML syntax error",
    ),
    "highlight-past-the-end": (_highlight_past_the_end, "past the paragraph's"),
    "newer-format": (
        lambda text: text.replace("readtui-assessment/1", "readtui-assessment/2"),
        "format: made by a newer readtui (format 'readtui-assessment/2'",
    ),
    "checklist-id-is-a-path": (
        lambda text: text.replace('id = "critical-reading"', 'id = "../../../elsewhere/evil"', 1),
        "checklist",
    ),
    "fifo": (None, "is a named pipe (FIFO), not a regular file"),
    "symlink-loop": (None, "symlink loop"),
    "unreadable": (None, "Permission denied"),
}
ASSESSMENT_COMMANDS = ["validate", "compare", "score-learner", "score-key", "adjudicate", "train-key"]


def damaged_assessment(f: SimpleNamespace, case: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    damage, _ = ASSESSMENT_DAMAGE[case]
    path = f.tmp / "bad.readtui.toml"
    if case == "fifo":
        os.mkfifo(path)
    elif case == "symlink-loop":
        symlink_loop(path)
    elif case == "unreadable":
        path.write_bytes(f.mine.read_bytes())
        deny_reading(monkeypatch, path)
    else:
        original = f.mine.read_text(encoding="utf-8")
        changed = damage(original)
        assert changed != original, case
        path.write_bytes(changed if isinstance(changed, bytes) else changed.encode("utf-8"))
    return path


def assessment_commands(f: SimpleNamespace, bad: Path) -> dict[str, list[object]]:
    return {
        "validate": ["validate", bad],
        "compare": ["compare", f.ana, bad, "--bootstrap", "0"],
        "score-learner": ["score", f.key, bad],
        "score-key": ["score", bad, f.ana],
        "adjudicate": ["adjudicate", f.ana, bad, "--majority", "--out", f.tmp / "k.toml"],
        "train-key": ["train", f.essay, "--key", bad, "--out", f.tmp / "learner.readtui.toml"],
    }


def _assessment_expectation(case: str, command: str) -> str:
    expected = ASSESSMENT_DAMAGE[case][1]
    if case == "checklist-id-is-a-path" and command in ("validate", "score-key", "train-key"):
        return "checklist.id: '../../../elsewhere/evil' is not a checklist id"
    return expected


@pytest.mark.usefixtures("no_app")
@pytest.mark.parametrize("command", ASSESSMENT_COMMANDS)
@pytest.mark.parametrize("case", sorted(ASSESSMENT_DAMAGE))
def test_bad_assessments_are_refused_by_every_command(
    files: SimpleNamespace, monkeypatch: pytest.MonkeyPatch, case: str, command: str
) -> None:
    bad = damaged_assessment(files, case, monkeypatch)
    content = bad.read_bytes() if bad.is_file() and case != "unreadable" else None
    before = set(files.tmp.iterdir())
    started = time.monotonic()
    result = cli(*assessment_commands(files, bad)[command])
    assert time.monotonic() - started < 10, "no hang"
    assert_refused(result, bad, _assessment_expectation(case, command))
    assert new_files(files.tmp, before) == set(), "nothing written"
    if content is not None:
        assert bad.read_bytes() == content


@pytest.mark.parametrize("case", sorted(ASSESSMENT_DAMAGE))
def test_bad_assessments_are_refused_by_read_and_left_alone(
    files: SimpleNamespace, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    """`readtui read ESSAY --out BAD`: refused before the app or right after its first frame, and
    the file is never written over. An answer to an item the checklist no longer has is kept."""
    bad = damaged_assessment(files, case, monkeypatch)
    content = bad.read_bytes() if bad.is_file() and case != "unreadable" else None
    lines = problem_lines(lambda: read_problems(files.essay, bad))
    if case == "unknown-item":
        assert lines == []
        assert load_assessment(bad).paragraph[0].answers["no-such-item"] == "yes"
    else:
        expected = ASSESSMENT_DAMAGE[case][1]
        if case == "checklist-id-is-a-path":
            expected = "is not a checklist id"
        assert any(line.startswith(f"{bad}: ") and expected in line for line in lines), (expected, lines)
        assert not any(CONTROL.search(line) for line in lines)
    if content is not None:
        assert bad.read_bytes() == content


def test_a_newer_assessment_in_a_directory_is_not_silently_skipped(files: SimpleNamespace) -> None:
    """compare and score skip checklists met in a directory, but not another reader's work."""
    directory = files.tmp / "class"
    directory.mkdir()
    for source in (files.ana, files.ben):
        (directory / source.name).write_bytes(source.read_bytes())
    newer = directory / "newer.readtui.toml"
    newer.write_text(files.mine.read_text(encoding="utf-8").replace("assessment/1", "assessment/3"), encoding="utf-8")
    (directory / "notes.toml").write_text('title = "not readtui"\n', encoding="utf-8")
    expected = "format: made by a newer readtui"
    assert_refused(cli("compare", directory, "--bootstrap", "0"), newer, expected)
    assert_refused(cli("score", files.key, directory), newer, expected)


# --- 3. bad checklists, through every command that reads one ---------------------------------------

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

CHECKLIST_DAMAGE: dict[str, tuple[Callable[[str], str | bytes] | None, str]] = {
    "truncated": (lambda text: text[: text.index("[[section.item]]") + 9], "TOML syntax error"),
    "wrong-type": (lambda text: text.replace('options = [{ id = "yes"', 'options = "yes" #', 1), ".options: "),
    "unknown-kind": (lambda text: text.replace('kind = "scale"', 'kind = "slider"'), "unknown kind 'slider'"),
    "duplicate-id": (lambda text: text.replace('id = "rate"', 'id = "pick"'), "duplicate item id 'pick'"),
    "huge-scale": (lambda text: text.replace("max = 5", "max = 1000000000000"), "a scale has at most 1001 steps"),
    "newer-format": (
        lambda text: text.replace("readtui-checklist/1", "readtui-checklist/2"),
        "format: made by a newer readtui (format 'readtui-checklist/2'",
    ),
    "not-utf8": (lambda text: text.encode().replace(b"Mini", b"M\xffni"), "not valid UTF-8"),
    "fifo": (None, "is a named pipe (FIFO), not a regular file"),
    "symlink-loop": (None, "symlink loop"),
    "unreadable": (None, "Permission denied"),
    "directory": (None, "is a directory"),
}
CHECKLIST_COMMANDS = ["validate", "validate-assessment", "compare", "score", "adjudicate", "read", "train"]


def damaged_checklist(f: SimpleNamespace, case: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    damage, _ = CHECKLIST_DAMAGE[case]
    path = f.tmp / "bad-checklist.toml"
    if case == "fifo":
        os.mkfifo(path)
    elif case == "symlink-loop":
        symlink_loop(path)
    elif case == "directory":
        path.mkdir()
    elif case == "unreadable":
        path.write_text(MINI, encoding="utf-8")
        deny_reading(monkeypatch, path)
    else:
        changed = damage(MINI)
        assert changed != MINI, case
        path.write_bytes(changed if isinstance(changed, bytes) else changed.encode("utf-8"))
    return path


@pytest.mark.usefixtures("no_app")
@pytest.mark.parametrize(
    ("case", "command"),
    [(case, command) for case in sorted(CHECKLIST_DAMAGE) for command in CHECKLIST_COMMANDS],
)
def test_bad_checklists_are_refused_by_every_command(
    files: SimpleNamespace, monkeypatch: pytest.MonkeyPatch, case: str, command: str
) -> None:
    bad = damaged_checklist(files, case, monkeypatch)
    expected = CHECKLIST_DAMAGE[case][1]
    before = set(files.tmp.iterdir())
    started = time.monotonic()
    out = files.tmp / "out.readtui.toml"
    if command == "read":
        lines = problem_lines(lambda: read_problems(files.essay, out, str(bad)))
    elif command == "train":
        good = files.tmp / "mini-key" / "mini.toml"
        good.parent.mkdir()
        good.write_text(MINI, encoding="utf-8")
        key = write_assessment(good.parent / "key.toml", files.essay, load_checklist(good), "K", {1: {"pick": "yes"}})
        before = set(files.tmp.iterdir())
        lines = problem_lines(lambda: train_problems(files.essay, key, out, str(bad)))
    else:
        args = {
            "validate": ["validate", bad],
            "validate-assessment": ["validate", files.ana, "--checklist", bad],
            "compare": ["compare", files.ana, files.ben, "--checklist", bad, "--bootstrap", "0"],
            "score": ["score", files.key, files.ana, "--checklist", bad],
            "adjudicate": ["adjudicate", files.ana, files.ben, "--checklist", bad, "--majority", "--out", out],
        }[command]
        result = cli(*args)
        assert_refused(result, bad, expected)
        lines = result.stderr.splitlines()
    assert time.monotonic() - started < 10, "no hang"
    assert any(line.startswith(f"{bad}: ") and expected in line for line in lines), (expected, lines)
    assert not any(CONTROL.search(line) for line in lines)
    assert new_files(files.tmp, before) == set(), "nothing written, no lock left"


def test_checklists_command_lists_bad_user_checklists_one_line_each(isolated_dirs: Path) -> None:
    directory = isolated_dirs / "checklists"
    directory.mkdir(parents=True)
    os.mkfifo(directory / "pipe.toml")
    symlink_loop(directory / "loop.toml")
    (directory / "newer.toml").write_text(MINI.replace("checklist/1", "checklist/2"), encoding="utf-8")
    (directory / "cut.toml").write_text(MINI[:100], encoding="utf-8")
    (directory / "escape.toml").write_text(MINI.replace('id = "mini"', 'id = "esc\\u001b[2J"'), encoding="utf-8")
    result = cli("checklists")
    assert result.exit_code == 0, result.output
    assert not CONTROL.search(result.stdout), repr(result.stdout)
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    assert "named pipe" in lines["pipe"]
    assert "symlink loop" in lines["loop"]
    assert "made by a newer readtui" in lines["newer"]
    assert "TOML syntax error" in lines["cut"]
    assert "bad id" in lines["escape"]


# --- 4. newer formats, and files that are valid but hostile ------------------------------------------


@pytest.mark.parametrize(
    ("version", "says_newer"),
    [("2", True), ("10", True), ("0002", True), ("9" * 5000, True), ("²", False), ("1.5", False), ("0", False)],
    ids=["2", "10", "0002", "5000-digits", "superscript-2", "1.5", "0"],
)
def test_format_versions_never_crash_and_newer_ones_say_so(tmp_path: Path, version: str, says_newer: bool) -> None:
    """int() refuses "²" and numbers of over 4300 digits: the version is compared as digits."""
    for family, text in (("assessment", 'format = "readtui-assessment/{}"\n'), ("checklist", MINI)):
        path = tmp_path / f"{family}.toml"
        path.write_text(
            text.format(version) if family == "assessment" else text.replace("checklist/1", f"checklist/{version}"),
            encoding="utf-8",
        )
        result = cli("validate", path)
        assert_refused(result, path, "format: ")
        assert ("made by a newer readtui" in result.stderr) is says_newer, result.stderr
        assert len(result.stderr) < 300, "a long version is cut"


def test_validate_summary_shows_escapes_from_a_file_as_pictures(files: SimpleNamespace) -> None:
    """`readtui validate` prints the reader's name and the checklist's version: from someone else's
    file, they must not reach the terminal as escape sequences."""
    text = files.ana.read_text(encoding="utf-8").replace('name = "Ana"', 'name = "Ana\\u001b]0;pwned\\u0007\\u001b[2J"')
    files.ana.write_text(text, encoding="utf-8")
    checklist = files.tmp / "mini.toml"
    checklist.write_text(MINI.replace('version = "1"', 'version = "1\\u001b[31m"'), encoding="utf-8")
    result = cli("validate", files.ana, checklist)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "assessment by Ana␛]0;pwned␇␛[2J," in result.stdout
    assert "checklist mini 1␛[31m," in result.stdout


def test_markup_and_escapes_in_a_checklist_never_reach_the_screen_as_escapes(
    files: SimpleNamespace, critical_checklist
) -> None:
    """A checklist from someone else: its text is kept as shown, escapes as pictures (line breaks kept)."""
    esc = "\\u001b[7mX\\u001b[0m"
    text = MINI.replace('title = "Mini"', f'title = "Mini{esc}"').replace('prompt = "Pick"', f'prompt = "[b]Pick{esc}"')
    text = text.replace('label = "Yes"', f'label = "[@click=app.quit]Yes{esc}"')
    text = text.replace('label = "No"', 'label = "Say \\"no\\" \\\\[/] \'single\'"')
    text = text.replace('title = "S"', f'title = "S{esc}"\nhelp = "two\\nlines\\ttab\\r{esc}"')
    path = files.tmp / "mini.toml"
    path.write_text(text, encoding="utf-8")
    checklist = load_checklist(path)
    shown = [checklist.title, checklist.section[0].title, checklist.section[0].help]
    shown += [item.prompt for item in checklist.items.values()] + [checklist.items["pick"].options[0].label]
    assert not any(CONTROL.search(value) for value in shown), shown
    assert checklist.items["pick"].prompt == "[b]Pick␛[7mX␛[0m"
    assert checklist.items["pick"].options[0].label == "[@click=app.quit]Yes␛[7mX␛[0m"
    assert checklist.section[0].help == "two\nlines\ttab␍␛[7mX␛[0m"
    assert checklist.items["pick"].options[1].label == "Say \"no\" \\[/] 'single'"
    result = cli("validate", path)
    assert result.exit_code == 0 and "\x1b" not in result.output


def test_huge_notes_and_strings_are_handled(files: SimpleNamespace, critical_checklist) -> None:
    """A megabyte note, a long explanation: validate, compare, score and resume all work."""
    note = '[b]x[/b] "quoted" back\\slash\nnew line ' * 25_000  # about 1 MB
    write_assessment(
        files.mine, files.essay, critical_checklist, "tester", {1: {"claims-supported": "no"}}, note={1: note}
    )
    write_assessment(
        files.ben,
        files.essay,
        critical_checklist,
        "Ben",
        {1: {"claims-supported": "partly", "loaded-words": 3}},
        explain={1: {"claims-supported": note[:100_000]}},
        note={1: note},
    )
    assert load_assessment(files.mine).paragraph[0].note == note
    assert cli("validate", files.mine, files.ben).exit_code == 0
    for output_format in ("table", "markdown", "csv", "json"):
        result = cli("compare", files.ana, files.ben, files.mine, "--bootstrap", "0", "--format", output_format)
        assert result.exit_code == 0, result.stderr
    assert cli("score", files.key, files.ben, files.mine).exit_code == 0
    assert problem_lines(lambda: read_problems(files.essay, files.mine)) == []
    assert load_assessment(files.mine).paragraph[0].note == note


def test_a_huge_claimed_paragraph_count_does_not_hang_anything(files: SimpleNamespace) -> None:
    """`essay.paragraphs` is a number in the file: compare, adjudicate and score must not loop over it."""
    for path in (files.ana, files.ben, files.key):
        text = re.sub(r"\nparagraphs = \d+\n", f"\nparagraphs = {2**63 - 1}\n", path.read_text(encoding="utf-8"))
        path.write_text(text, encoding="utf-8")
    started = time.monotonic()
    assert cli("validate", files.ana).exit_code == 0
    expected = f"essay.paragraphs: claims {2**63 - 1} paragraphs, more than the 100,000 readtui can compare"
    assert_refused(cli("compare", files.ana, files.ben, "--bootstrap", "0"), files.ana, expected)
    assert_refused(
        cli("adjudicate", files.ana, files.ben, "--majority", "--out", files.tmp / "k.toml"), files.ben, expected
    )
    for output_format in ("table", "markdown", "csv", "json"):
        result = cli("score", files.key, files.ana, files.ben, "--format", output_format)
        assert result.exit_code == 0, result.stderr
    assert time.monotonic() - started < 20


def test_files_of_one_essay_that_disagree_on_its_paragraph_count(files: SimpleNamespace) -> None:
    """Same sha256, another paragraph count: a hand-edited file, and a record past the other's end."""
    text = files.ben.read_text(encoding="utf-8").replace("\nparagraphs = 4\n", "\nparagraphs = 9\n")
    files.ben.write_text(text.replace("\nindex = 2\n", "\nindex = 8\n"), encoding="utf-8")
    expected = f"essay.paragraphs: says the essay has 9 paragraphs, but {files.ana} says 4 (same sha256)"
    assert_refused(cli("compare", files.ana, files.ben, "--bootstrap", "0"), files.ben, expected)
    assert_refused(
        cli("adjudicate", files.ana, files.ben, "--majority", "--out", files.tmp / "k.toml"), files.ben, expected
    )
    assert_refused(cli("score", files.key, files.ben), files.ben, "essay.paragraphs: says the essay has 9 paragraphs")
    # all of them claim 9: the essay itself says otherwise
    for path in (files.ana, files.ben):
        path.write_text(path.read_text(encoding="utf-8").replace("\nparagraphs = 4\n", "\nparagraphs = 9\n"))
    result = cli("compare", files.ana, files.ben, "--essay", files.essay, "--format", "markdown", "--bootstrap", "0")
    assert_refused(result, files.ana, f"says the essay has 9 paragraphs, but {files.essay} has 4")


@pytest.mark.parametrize("command", ["compare", "score"])
def test_a_report_that_cannot_be_written_is_one_line_and_the_old_one_stays(
    files: SimpleNamespace, command: str
) -> None:
    args = [files.ana, files.ben, "--bootstrap", "0"] if command == "compare" else [files.key, files.ana]
    missing = files.tmp / "no-such-dir" / "report.md"
    assert_refused(cli(command, *args, "--out", missing), missing, "could not save: No such file or directory")
    loop = symlink_loop(files.tmp / "loop.md")
    assert_refused(cli(command, *args, "--out", loop), loop, "could not save: symlink loop")
    assert loop.is_symlink() and Path(f"{loop}.other").is_symlink(), "the links are left as they were"


def test_adjudicate_keeps_the_old_key_when_saving_fails(
    files: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = files.tmp / "k.toml"
    assert cli("adjudicate", files.ana, files.ben, "--majority", "--out", out).exit_code == 0
    before = out.read_bytes()

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full_disk)
    assert_refused(cli("adjudicate", files.ana, files.ben, "--majority", "--out", out), out, "could not save: No space")
    assert out.read_bytes() == before
    assert not list(files.tmp.glob("*.lock")), "the lock is released"


# --- 5. safety of shared files -------------------------------------------------------------------

_WATCHED: set[str] = set()


def _audit(event: str, args: tuple) -> None:
    if event == "open" and _WATCHED and args and isinstance(args[0], str | bytes | os.PathLike):
        path = os.fsdecode(args[0])
        if os.path.abspath(path) in _WATCHED:
            raise AssertionError(f"opened {path}, named inside a file")


sys.addaudithook(_audit)


@pytest.fixture
def never_opened() -> Iterator[set[str]]:
    """Paths (absolute) that nothing may open while the test runs: an open raises in the audit hook
    (so a FIFO among them cannot hang the test either)."""
    _WATCHED.clear()
    yield _WATCHED
    _WATCHED.clear()


def test_readtui_never_evaluates_or_unpickles_file_data() -> None:
    """No eval, exec, compile or __import__; nothing loaded with pickle, marshal, shelve or yaml.
    (compare's worker processes pickle their results: that is process-internal, done by
    concurrent.futures, not here. storage dumps with marshal to key a cache: it never loads.)"""
    forbidden_names = {"eval", "exec", "compile", "__import__", "input"}
    forbidden_attributes = {
        ("pickle", "load"),
        ("pickle", "loads"),
        ("pickle", "Unpickler"),
        ("marshal", "load"),
        ("marshal", "loads"),
        ("shelve", "open"),
        ("yaml", "load"),
        ("yaml", "unsafe_load"),
        ("importlib", "import_module"),
        ("os", "system"),
        ("os", "popen"),
        ("webbrowser", "open"),
    }
    found = []
    root = Path(readtui.__file__).parent
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [alias.name for alias in node.names]
                module = node.module if isinstance(node, ast.ImportFrom) else None
                for name in names:
                    top = (module or name).split(".")[0]
                    if top in {"pickle", "shelve", "yaml", "dill", "cloudpickle", "subprocess"}:
                        found.append(f"{path.name}:{node.lineno}: import {module or name}")
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id in forbidden_names:
                found.append(f"{path.name}:{node.lineno}: {func.id}()")
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                if (func.value.id, func.attr) in forbidden_attributes:
                    found.append(f"{path.name}:{node.lineno}: {func.value.id}.{func.attr}()")
    assert found == []


def test_paths_inside_files_are_never_opened(
    files: SimpleNamespace, never_opened: set[str], critical_checklist
) -> None:
    """`essay.source`, `training.key` and a checklist id are names for people: validate, compare,
    score, adjudicate, train and read never open them, even when they point at a FIFO (which would
    hang) or a file that is not there."""
    fifo = files.tmp / "pipe.txt"
    os.mkfifo(fifo)
    outside = files.tmp / "elsewhere"
    outside.mkdir()
    evil = outside / "evil.toml"
    evil.write_text(MINI.replace('id = "mini"', 'id = "evil"'), encoding="utf-8")
    gone = files.tmp / "gone.txt"
    for path in (files.ana, files.ben, files.key, files.mine):
        text = path.read_text(encoding="utf-8").replace(f'source = "{files.essay.name}"', f'source = "{fifo}"')
        path.write_text(text, encoding="utf-8")
    text = files.mine.read_text(encoding="utf-8").replace(f'source = "{fifo}"', f'source = "{gone}"')
    training = {"training": {"key": str(fifo), "key_sha256": "c" * 64}}
    files.mine.write_text(text + "\n" + tomli_w.dumps(training), encoding="utf-8")
    never_opened |= {str(fifo), str(gone), str(evil), os.path.abspath(files.essay)}

    assert cli("validate", files.ana, files.ben, files.key, files.mine).exit_code == 0
    assert cli("compare", files.ana, files.ben, files.mine, "--bootstrap", "0").exit_code == 0
    assert cli("score", files.key, files.ana, files.mine).exit_code == 0
    assert cli("adjudicate", files.ana, files.ben, "--majority", "--out", files.tmp / "k.toml").exit_code == 0

    # A checklist id that is a path: refused without opening what it names.
    bad = files.tmp / "bad.readtui.toml"
    bad.write_text(
        files.ana.read_text(encoding="utf-8").replace('id = "critical-reading"', 'id = "elsewhere/evil"'),
        encoding="utf-8",
    )
    assert_refused(cli("validate", bad), bad, "checklist.id: 'elsewhere/evil' is not a checklist id")
    assert_refused(cli("score", bad, files.ana), bad, "is not a checklist id")
    never_opened.discard(os.path.abspath(files.essay))  # train and read open the essay they are given
    assert_refused(cli("train", files.essay, "--key", bad, "--out", files.tmp / "l.toml"), bad, "is not a checklist id")
    assert problem_lines(lambda: read_problems(files.essay, files.mine)) == []  # resumes it


# --- 6. fuzzing the loaders ---------------------------------------------------------------------

ENCODINGS = [None, "utf-8", "utf-16", "utf-16-le", "utf-32", "cp1252", "latin-1", "ascii", "base64", "rot13", "nope"]
TRICKY_TEXT = [
    "\x00",
    "\x1b[31m",
    "\x1b]8;;http://x\x1b\\",
    "[b]",
    "[/]",
    "[@click=app.quit]",
    "\u202e",
    "\u200d",
    "\u0301",
    "\ufeff",
    "\r\n",
    "\n\n",
    "---\n",
    "+++\n",
    "# ",
    "title = [[[",
    "日本語",
    "👨‍👩‍👧",
    "مرحبا",
]
essay_bytes = st.one_of(
    st.binary(max_size=300),
    st.tuples(
        st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE]),
        st.lists(st.one_of(st.sampled_from(TRICKY_TEXT), st.text(max_size=20)), max_size=20).map("".join),
        st.sampled_from(["utf-8", "utf-16-le", "utf-16-be", "cp1252", "latin-1", "utf-32-le"]),
    ).map(lambda parts: parts[0] + parts[1].encode(parts[2], errors="replace")),
)


def assert_one_line_problems(error: ReadtuiError, name: str | None = None) -> None:
    problems = error.problems if isinstance(error, ReadtuiErrors) else [error]
    for problem in problems:
        line = str(problem)
        assert line and "\n" not in line and "\r" not in line, repr(line)
        assert not CONTROL.search(line), repr(line)
        if name is not None:
            assert line.startswith(f"{name}: "), line


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=essay_bytes, encoding=st.sampled_from(ENCODINGS), suffix=st.sampled_from([".txt", ".md"]))
def test_fuzz_the_essay_loader(tmp_path: Path, data: bytes, encoding: str | None, suffix: str) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    for load in (lambda: decode_essay(data, path, encoding), lambda: load_essay(path, encoding=encoding)):
        try:
            result = load()
        except ReadtuiError as error:
            assert_one_line_problems(error, str(path))
            continue
        if isinstance(result, str):
            continue
        assert len(result.paragraphs) >= 1
        for text in [*result.paragraphs, result.title, result.author, result.date, result.subtitle]:
            assert not CONTROL.search(text) and "\n" not in text, repr(text)
        assert len(result.sha256) == 64


def _valid_assessment_bytes() -> bytes:
    checklist = load_checklist(bundled_checklists()["critical-reading"])
    essay = load_essay(sample_essay_path())
    assessment = new_assessment(essay, checklist, "ab" * 32, "Ann [b]", "essay.txt")
    text = essay.paragraphs[0]
    assessment.paragraph.append(
        ParagraphRecord(
            index=1,
            sha256=essay.paragraph_sha256(0),
            chars=len(text),
            excerpt=excerpt(text),
            answers={"claims-supported": "no", "evidence-kinds": ["statistics"], "loaded-words": 2},
            note='a "note" with\nlines',
            highlight=[Highlight(start=0, end=3, label="loaded-word", quote=text[:3])],
        )
    )
    assessment.overall.answers = {"credibility": 3, "main-claim": "x"}
    return AssessmentWriter().dumps(assessment).encode("utf-8")


VALID_ASSESSMENT = _valid_assessment_bytes()
VALID_CHECKLIST = MINI.encode("utf-8")


@st.composite
def damaged_bytes(draw) -> bytes:
    data = bytearray(draw(st.sampled_from([VALID_ASSESSMENT, VALID_CHECKLIST])))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        action = draw(st.sampled_from(["truncate", "flip", "insert", "delete"]))
        at = draw(st.integers(min_value=0, max_value=max(len(data) - 1, 0)))
        if action == "truncate":
            del data[at:]
        elif action == "flip" and data:
            data[at] = draw(st.integers(min_value=0, max_value=255))
        elif action == "insert":
            data[at:at] = draw(
                st.one_of(st.binary(max_size=8), st.sampled_from([b"[", b"]", b'"', b"=", b"\n[[x]]\n"]))
            )
        elif data:
            del data[at : at + draw(st.integers(min_value=1, max_value=40))]
    return bytes(data)


def check_any_file(path: Path, critical_checklist, small_essay) -> None:
    """Every loader and check on ``path``: only one-line ReadtuiErrors may come out."""
    for load in (parse_toml, load_checklist, load_assessment):
        try:
            loaded = load(path)
        except ReadtuiError as error:
            assert_one_line_problems(error, str(path))
            continue
        if isinstance(loaded, Assessment):
            for problem in checklist_problems(path, loaded, critical_checklist) + essay_problems(
                path, loaded, small_essay
            ):
                assert_one_line_problems(problem, str(path))
    for problem in validate_file(str(path)).problems:
        assert_one_line_problems(problem)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=200), damaged_bytes()))
def test_fuzz_the_toml_loaders_with_bytes(tmp_path: Path, data: bytes, critical_checklist, small_essay) -> None:
    path = tmp_path / "fuzz.toml"
    path.write_bytes(data)
    check_any_file(path, critical_checklist, small_essay)


KEYS = [
    "format",
    "created_by",
    "reader",
    "name",
    "essay",
    "checklist",
    "session",
    "paragraph",
    "overall",
    "key",
    "training",
    "id",
    "title",
    "version",
    "sha256",
    "paragraphs",
    "index",
    "chars",
    "answers",
    "unsure",
    "note",
    "highlight",
    "start",
    "end",
    "label",
    "quote",
    "explain",
    "accept",
    "no_consensus",
    "tolerance",
    "section",
    "item",
    "kind",
    "options",
    "prompt",
    "min",
    "max",
    "scope",
    "evidence",
    "position",
    "status",
    "claims-supported",
    "loaded-words",
    "credibility",
    "*",
    "a b",
    "\x1b[2J",
]
toml_scalars = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(TRICKY_TEXT),
    st.sampled_from(
        [
            "readtui-assessment/1",
            "readtui-checklist/1",
            "readtui-assessment/2",
            "critical-reading",
            "choice",
            "scale",
            "multi",
            "text",
            "yes",
            "ab" * 32,
            "in-progress",
        ]
    ),
    st.datetimes(timezones=st.sampled_from([UTC, None])),
    st.dates(),
    st.times(),
)
toml_values = st.recursive(
    toml_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.sampled_from(KEYS), children, max_size=4)
    ),
    max_leaves=12,
)
toml_documents = st.dictionaries(st.sampled_from(KEYS), toml_values, max_size=8).flatmap(
    lambda doc: st.sampled_from(["readtui-assessment/1", "readtui-checklist/1", "readtui-assessment/9"]).map(
        lambda fmt: {**doc, "format": fmt}
    )
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=toml_documents)
def test_fuzz_the_toml_loaders_with_wrong_structures(
    tmp_path: Path, document: dict, critical_checklist, small_essay
) -> None:
    path = tmp_path / "fuzz.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    check_any_file(path, critical_checklist, small_essay)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    note=st.text(),
    explain=st.dictionaries(st.text(min_size=1, max_size=10), st.text(max_size=20), max_size=3),
    accept=st.dictionaries(
        st.text(min_size=1, max_size=10),
        st.lists(
            st.one_of(st.integers(-(2**63), 2**63 - 1), st.text(max_size=8), st.lists(st.text(max_size=5))), max_size=3
        ),
        max_size=3,
    ),
    no_consensus=st.lists(st.text(min_size=1, max_size=10), max_size=3),
    tolerance=st.one_of(
        st.integers(0, 9), st.dictionaries(st.text(min_size=1, max_size=5), st.integers(0, 9), max_size=3)
    ),
)
def test_round_trip_of_the_answer_key_fields_of_overall(
    tmp_path: Path, note: str, explain: dict, accept: dict, no_consensus: list, tolerance
) -> None:
    """What test_round_trip_property leaves out: explain, accept and no_consensus on [overall]."""
    original = Assessment(
        reader=Reader(name="Key"),
        essay=EssayInfo(sha256="ab" * 32, paragraphs=3),
        checklist=ChecklistInfo(id="critical-reading"),
        overall=Overall(note=note, explain=explain, accept=accept, no_consensus=no_consensus),
        key=KeyInfo(tolerance=tolerance),
        training=Training(key=note, key_sha256="cd" * 32, paragraph=[TrainingRecord(index=0, feedback=True)]),
    )
    path = tmp_path / "key.toml"
    AssessmentWriter().save(path, original)
    assert load_assessment(path) == original


# --- 7. the apps with hostile but valid input ----------------------------------------------------

OPENING = "An opening paragraph of plain body text. It has two sentences."


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def _essay(hostile: str, encoding: str = "utf-8", title: str = "") -> bytes:
    """A body paragraph first (two sentences, so never a header), then the hostile one."""
    return (title + OPENING + "\n\n" + hostile + "\n").encode(encoding)


HOSTILE_ESSAYS: dict[str, tuple[str, bytes, str | None, list[str]]] = {
    # name: (file name, bytes, --encoding, words that must be on screen as they are)
    "markup": (
        "[b]essay[@click=app.quit].txt",
        _essay(
            "[@click=app.quit]quit[/] [b]bold[/b] [/] [link=https://e.x]x[/link] [on red]red[/] \\[esc] "
            "[@click=app.screenshot()]shot[/] $accent {brace} trailing backslash\\",
            title="[b]Title[/b] [@click=app.quit]\n\n",
        ),
        None,
        ["[@click=app.quit]quit[/]", "[b]bold[/b]", "[link=https://e.x]x[/link]", "\\[esc]", "[b]Title[/b]"],
    ),
    "controls": (
        "controls.txt",
        _essay(
            "Escapes \x1b[31mred\x1b[0m \x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\ "
            "\x1b]52;c;cHduZWQ=\x07 \x9b2J bell\x07 back\x08space del\x7f."
        ),
        None,
        ["␛[31mred␛[0m", "␛]52;c;cHduZWQ=␇", "back␈space"],
    ),
    "scripts": (
        "scripts.txt",
        _essay(
            "שלום עולם and مرحبا بالعالم, e\u0301te\u0301 re\u0301sume\u0301, 日本語の文章です, "
            "👨\u200d👩\u200d👧\u200d👦 👍🏽 🇳🇿 \u202eevil\u202c and \u200bzero width."
        ),
        None,
        ["שלום", "مرحبا", "été", "日本語の文章です"],
    ),
    "one-megabyte-paragraph": ("big.txt", _essay("word " * 210_000), None, ["word word"]),
    "long-url": (
        "url.txt",
        _essay("See https://example.com/" + "a" * 5000 + "?q=[b] now."),
        None,
        ["https://example.com/aaa"],
    ),
    "20000-paragraphs": (
        "many.txt",
        _essay("\n\n".join(f"Paragraph {n}. Text [b]{n}[/b]." for n in range(20_000))),
        None,
        ["[b]0[/b]"],
    ),
    "utf-16-with-bom": (
        "utf16.txt",
        codecs.BOM_UTF16_LE + _essay("Ünïcödé [b]text[/b].", "utf-16-le"),
        None,
        ["Ünïcödé"],
    ),
    "cp1252": (
        "cp1252.txt",
        _essay("Caf\u00e9 \u201cquotes\u201d \u20ac5 [b]x[/b].", "cp1252"),
        "cp1252",
        ["Café", "“quotes”"],
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE_ESSAYS))
async def test_the_reading_app_with_hostile_essays(tmp_path: Path, case: str) -> None:
    name, data, encoding, visible = HOSTILE_ESSAYS[case]
    essay_path = tmp_path / name
    essay_path.write_bytes(data)
    out = tmp_path / "a.readtui.toml"
    reader = "[@click=app.quit]R[/]"
    from readtui.tui.app import make_app

    app = make_app(prepare_session(essay_path, checklist_spec=None, reader=reader, out=out, encoding=encoding))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.is_running and not app.bad_input
        await pilot.press("n")
        await pilot.pause()
        shown = screen_text(app)
        await pilot.press("p")
        await pilot.pause()
        shown += screen_text(app)
        assert "\x1b" not in shown and "\x07" not in shown
        for word in visible:
            assert word in shown, (word, shown[:3000])
        assert reader in shown, "the reader's name, literally"
        await pilot.press("1", "n", "p")
        await pilot.pause()
        assert app.is_running, "nothing in the text quits the app"
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    app.prepared.close(remember=False)
    assert app.return_code in (0, None)
    assert load_assessment(out).paragraph[0].answers == {"claims-supported": "yes"}
    assert validate_file(str(out), essay=load_essay(essay_path, encoding=encoding)).problems == []


def hostile_readers(directory: Path, essay: Path, checklist) -> list[Path]:
    quote = load_essay(essay).paragraphs[2][:12]
    files = []
    for n, name in enumerate(["[@click=app.quit]Mal[/]", "Eve\x1b[2J\x1b]0;pwned\x07", "[b]Bob"]):
        files.append(
            write_assessment(
                directory / f"r{n}.readtui.toml",
                essay,
                checklist,
                name,
                {
                    1: {"claims-supported": ["no", "yes", "partly"][n], "loaded-words": n + 1},
                    2: {"claims-supported": "yes"},
                    3: {"loaded-words": 3},
                },
                overall={"credibility": n + 1, "main-claim": "[@click=app.quit]claim[/] \x1b[31m"},
                note={1: "[@click=app.quit]note[/] \x1b]8;;http://x\x1b\\ [red]", 3: f"{name} says"},
                highlight={
                    3: [Highlight(start=0, end=len(quote), label="loaded-word", quote=quote, note="[b]why\x1b[2J")]
                },
            )
        )
    return files


async def test_the_compare_app_with_hostile_readers(tmp_path: Path, small_essay_file: Path, critical_checklist) -> None:
    from readtui.core.compare import compare
    from readtui.core.corpus import load_comparison
    from readtui.tui.compare_app import CompareApp
    from readtui.tui.screens.comparison import ReadersScreen

    paths = hostile_readers(tmp_path, small_essay_file, critical_checklist)
    comparison = compare(load_comparison([str(p) for p in paths], essays=[load_essay(small_essay_file)]), bootstrap=0)
    app = CompareApp(comparison)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("right", "right", "s", "s")
        text = screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReadersScreen)
        for _ in range(3):
            text += screen_text(app)
            await pilot.press("n")
            await pilot.pause()
        assert app.is_running
        assert "\x1b" not in text and "\x07" not in text
        assert "[@click=app.quit]note[/]" in text
        assert "Eve␛[2J" in text
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running, "q goes back to the map"
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_the_adjudication_app_with_hostile_readers(
    tmp_path: Path, small_essay_file: Path, critical_checklist
) -> None:
    from readtui.tui.adjudicate_app import AdjudicateApp
    from readtui.core.adjudication import prepare_adjudication

    paths = hostile_readers(tmp_path, small_essay_file, critical_checklist)
    key = tmp_path / "key.toml"
    adjudication = prepare_adjudication([str(p) for p in paths], key, essays=[load_essay(small_essay_file)])
    app = AdjudicateApp(adjudication, key)
    explanation = "[@click=app.quit]Because[/] [b]"
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        await pilot.press("1", "e", *explanation, "enter")
        await pilot.pause()
        text += screen_text(app)
        await pilot.press("n", "p")
        await pilot.pause()
        text += screen_text(app)
        assert app.is_running
        assert "\x1b" not in text and "\x07" not in text
        assert "[@click=app.quit]Mal[/]" in text and explanation in text
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    saved = load_assessment(key)
    assert explanation in [*saved.paragraph[0].explain.values(), *saved.overall.explain.values()]
    assert validate_file(str(key)).problems == []


async def test_the_training_app_with_a_hostile_key(tmp_path: Path, small_essay_file: Path, critical_checklist) -> None:
    from readtui.tui.app import make_app

    key = write_assessment(
        tmp_path / "key.readtui.toml",
        small_essay_file,
        critical_checklist,
        "[@click=app.quit]Teacher[/]",
        {1: {"claims-supported": "no"}, 2: {"claims-supported": "yes"}},
        explain={1: {"claims-supported": "[@click=app.quit]Because[/] [b]no[/b] \\[x]"}},
    )
    out = tmp_path / "learner.readtui.toml"
    app = make_app(prepare_training(small_essay_file, key_path=key, checklist_spec=None, reader="[b]L", out=out))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1", "c")
        await pilot.pause()
        text = screen_text(app)
        for word in ("[@click=app.quit]Because[/]", "[b]no[/b]", "\\[x]"):  # the line may wrap between them
            assert word in text
        await pilot.press("n", "3", "c", "s")
        await pilot.pause()
        assert app.is_running
        await pilot.press("escape", "q")
        await pilot.pause()
        assert not app.is_running
    app.prepared.close(remember=False)
    assert load_assessment(out).training.paragraph[0].first_try == {"claims-supported": "yes"}
    assert "training" not in tomllib.loads(key.read_text(encoding="utf-8")), "the key is only read"


# --- 8. found here and fixed in the app and launch code ------------------------------


def test_another_readers_name_stays_on_one_line(files: SimpleNamespace) -> None:
    text = files.mine.read_text(encoding="utf-8").replace('name = "tester"', 'name = "Eve\\n\\u001b[2J"')
    files.mine.write_text(text, encoding="utf-8")
    result = cli("read", files.essay, "--out", files.mine)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and "\x1b" not in result.stderr, repr(result.stderr)


def test_another_checklists_id_stays_on_one_line(files: SimpleNamespace) -> None:
    text = files.mine.read_text(encoding="utf-8").replace('id = "critical-reading"', 'id = "x\\n\\u001b[2J"', 1)
    files.mine.write_text(text, encoding="utf-8")
    result = cli("read", files.essay, "--out", files.mine, "--checklist", "critical-reading")
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and "\x1b" not in result.stderr, repr(result.stderr)


@pytest.mark.parametrize("command", ["read", "train"])
def test_an_output_file_that_is_a_symlink_loop(files: SimpleNamespace, command: str) -> None:
    loop = symlink_loop(files.tmp / "loop.readtui.toml")
    args = ["--key", files.key] if command == "train" else []
    assert_refused(cli(command, files.essay, *args, "--out", loop), loop, "symlink loop")


async def test_escapes_in_a_keys_explanation_never_reach_the_terminal(
    tmp_path: Path, small_essay_file: Path, critical_checklist
) -> None:
    from readtui.tui.app import make_app

    key = write_assessment(
        tmp_path / "key.readtui.toml",
        small_essay_file,
        critical_checklist,
        "Teacher",
        {1: {"claims-supported": "no"}},
        explain={1: {"claims-supported": "Because \x1b[2J\x1b]52;c;cHduZWQ=\x07"}},
    )
    app = make_app(
        prepare_training(small_essay_file, key_path=key, checklist_spec=None, reader="L", out=tmp_path / "l.toml")
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1", "c")
        await pilot.pause()
        text = screen_text(app)
        await pilot.press("q")
        await pilot.pause()
    app.prepared.close(remember=False)
    assert "Because" in text
    assert "\x1b" not in text, "escape sequences from the key reach the terminal"


async def test_escapes_in_notes_never_reach_the_terminal(files: SimpleNamespace, critical_checklist) -> None:
    from readtui.tui.app import make_app

    write_assessment(
        files.mine,
        files.essay,
        critical_checklist,
        "tester",
        {1: {"claims-supported": "no"}},
        note={1: "Note \x1b[2J"},
        highlight={1: [Highlight(start=0, end=3, label="loaded-word", quote="The", note="Why \x1b[2J")]},
    )
    app = make_app(prepare_session(files.essay, checklist_spec=None, reader="tester", out=files.mine))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        await pilot.press("m")
        await pilot.pause()
        text += screen_text(app)
        await pilot.press("escape", "q")
        await pilot.pause()
    app.prepared.close(remember=False)
    assert "Note" in text
    assert "\x1b" not in text, "escape sequences from a file reach the terminal"
