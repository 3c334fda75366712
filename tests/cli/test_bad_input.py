"""Bad input through every command: a clear one-line error (exit status 2) or the input handled
correctly; never a traceback, a hang or lost data, and text from a file is never run as markup or
escape sequences. This was test_adversarial.py, which also held what is now
tests/unit/test_fuzz_loaders.py (hypothesis over the loaders), tests/unit/test_shared_file_safety.py
(nothing evaluated, no path inside a file opened) and tests/app/test_hostile_input.py (the apps with
hostile but valid input). What other test files already cover is listed below and not repeated here.

Covered elsewhere:

Essays (tests/unit/test_essay.py): control characters and ANSI escapes made visible
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

Checklists (tests/unit/test_checklist.py): TOML syntax errors with line and column, not UTF-8, missing and
unknown keys at every level, duplicate section/item/option ids, wrong types, bad ids, a newer
format, and hypothesis over damaged checklists (test_damaged_checklists_give_one_line_problems).

Assessments (tests/unit/test_assessment.py): round trip of quotes, backslashes, newlines, markup, control
characters and emoji (test_round_trip_of_awkward_strings); load(save(x)) == x with the answer-key
fields explain/accept/no_consensus on paragraphs and [key] and [training] (test_round_trip_property;
the same fields on [overall]: tests/unit/test_fuzz_loaders.py); one line per schema problem, duplicate paragraph
index, newer format, unknown item ids, bad options, scale out of range, index past the essay;
hypothesis over damaged assessments through validate and prepare_session
(test_damaged_assessments_give_one_line_problems). Highlights (tests/unit/test_highlights.py): odd quotes
and notes round trip, tampered offsets and unknown labels.

Commands (tests/cli/test_cli.py, test_compare_cli.py, test_score_cli.py; tests/unit/test_compare.py,
test_score.py): validate of syntax errors, other
formats, a newer format, binary, missing, directory and deeply nested files; bad essays and
checklists fail before the app (as a process); file names with control characters stay on one line;
reader names lose control characters; unreadable files in compare named without a traceback (also
in worker processes); markup and escapes in reader names literal in every report format.
Storage (tests/unit/test_storage.py): a failed write keeps the old file; locks; deeply nested TOML.

App (tests/app/test_reading_app.py): [b], [/], [@click=app.quit], [link=…], ANSI and a bell in an essay shown
literally and the app keeps running (test_markup_and_escapes_in_an_essay_are_shown_literally); a
checklist's markup literal (test_hostile_checklist_is_literal_and_long_lists_use_the_picker);
Persian and combining text (test_highlights_in_persian_and_combining_text_use_code_point_offsets);
a file failing validation after the first frame exits 2 untouched.
"""

from __future__ import annotations

import builtins
import codecs
import errno
import io
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
import textual.app

from readtui.core.errors import ReadtuiError
from readtui.core.launch import prepare_training
from readtui.core.storage import load_assessment, load_checklist
from tests.conftest import (
    CONTROL,
    MINI,
    assert_refused,
    cli,
    names_file,
    problem_lines,
    read_problems,
    write_assessment,
    write_checklist,
)

pytestmark = pytest.mark.usefixtures("gc_back_on")


# --- helpers --------------------------------------------------------------------------------------


@pytest.fixture
def no_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any Textual app starting fails the test: bad input must be refused before the app starts."""

    def started(self, *args, **kwargs):
        raise AssertionError(f"{type(self).__name__} started")

    monkeypatch.setattr(textual.app.App, "run", started)


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


def _essay_only_a_title(path: Path) -> Path:
    path = path.with_suffix(".md")
    path.write_text("# Title\n\n---\n\n***\n", encoding="utf-8")
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
    "only-a-title": (_essay_only_a_title, "no body paragraphs"),
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
        lambda text: text.replace("readtui-assessment/2", "readtui-assessment/4"),
        "format: made by a newer readtui (format 'readtui-assessment/4'",
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
        assert any(names_file(line, bad) and expected in line for line in lines), (expected, lines)
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
    newer.write_text(files.mine.read_text(encoding="utf-8").replace("assessment/2", "assessment/4"), encoding="utf-8")
    (directory / "notes.toml").write_text('title = "not readtui"\n', encoding="utf-8")
    expected = "format: made by a newer readtui"
    assert_refused(cli("compare", directory, "--bootstrap", "0"), newer, expected)
    assert_refused(cli("score", files.key, directory), newer, expected)


# --- 3. bad checklists, through every command that reads one ---------------------------------------


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
        write_checklist(path, MINI)
        deny_reading(monkeypatch, path)
    else:
        changed = damage(MINI)
        assert changed != MINI, case
        write_checklist(path, changed)
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
        write_checklist(good, MINI)
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
    assert any(names_file(line, bad) and expected in line for line in lines), (expected, lines)
    assert not any(CONTROL.search(line) for line in lines)
    assert new_files(files.tmp, before) == set(), "nothing written, no lock left"


def test_checklists_command_lists_bad_user_checklists_one_line_each(isolated_dirs: Path) -> None:
    directory = isolated_dirs / "checklists"
    directory.mkdir(parents=True)
    os.mkfifo(directory / "pipe.toml")
    symlink_loop(directory / "loop.toml")
    write_checklist(directory / "newer.toml", MINI.replace("checklist/1", "checklist/2"))
    write_checklist(directory / "cut.toml", MINI[:100])
    write_checklist(directory / "escape.toml", MINI.replace('id = "mini"', 'id = "esc\\u001b[2J"'))
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
    [("4", True), ("10", True), ("0004", True), ("9" * 5000, True), ("²", False), ("1.5", False), ("0", False)],
    ids=["4", "10", "0004", "5000-digits", "superscript-2", "1.5", "0"],
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
        assert len(result.stderr.replace(str(path), "")) < 300, "a long version is cut (the path is not counted)"


def test_validate_summary_shows_escapes_from_a_file_as_pictures(files: SimpleNamespace) -> None:
    """`readtui validate` prints the reader's name and the checklist's version: from someone else's
    file, they must not reach the terminal as escape sequences."""
    text = files.ana.read_text(encoding="utf-8").replace('name = "Ana"', 'name = "Ana\\u001b]0;pwned\\u0007\\u001b[2J"')
    files.ana.write_text(text, encoding="utf-8")
    checklist = files.tmp / "mini.toml"
    write_checklist(checklist, MINI.replace('version = "1"', 'version = "1\\u001b[31m"'))
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
    path = write_checklist(files.tmp / "mini.toml", text)
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


# --- 5. found here and fixed in the app and launch code ------------------------------


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
