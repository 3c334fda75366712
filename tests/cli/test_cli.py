"""The ``readtui`` command's non-interactive parts (in-process with CliRunner, and as a real process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from readtui import __version__
from readtui.cli import main
from readtui.core.checklist import bundled_checklists
from readtui.core.launch import prepare_session
from readtui.core.storage import AssessmentWriter, load_assessment, load_checklist, record_session
from tests.conftest import position_of, run_process, run_readtui, write_checklist

BAD_ID_HINT = "use lowercase letters, digits, '-' and '_', starting with a letter or digit"
SUBCOMMANDS = [
    "read",
    "serve",
    "resume",
    "sessions",
    "validate",
    "checklists",
    "checklist",
    "schema",
    "compare",
    "train",
    "score",
    "adjudicate",
]
MINI_CHECKLIST = """\
format = "readtui-checklist/1"
id = "mini"
title = "Mini"
version = "2"

[[section]]
id = "s"
title = "S"

  [[section.item]]
  id = "pick"
  prompt = "Pick"
  kind = "choice"
  options = [{ id = "yes", label = "Yes" }, { id = "no", label = "No" }]
"""
BAD_CHECKLIST = """\
format = "readtui-checklist/1"
id = "Bad"
title = "Bad"
version = "1"

[[section]]
id = "s"
title = "S"

  [[section.item]]
  id = "pick"
  prompt = "Pick"
  kind = "choice"
  options = [{ id = "yes", label = "Yes" }]

  [[section.item]]
  id = "pick"
  prompt = "Again"
  kind = "scale"
  min = 3
  max = 1
"""


def cli(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


def assert_one_line_failure(result: subprocess.CompletedProcess[str], line: str) -> None:
    assert result.returncode == 2, result
    assert result.stderr == line + "\n"
    assert result.stdout == ""


def make_assessment(tmp_path: Path, essay_file: Path, checklist: str | None = None, out: Path | None = None) -> Path:
    out = out or tmp_path / "essay.tester.readtui.toml"
    prepared = prepare_session(essay_file, checklist_spec=checklist, reader="tester", out=out)
    try:
        session = prepared.session
        first = session.paragraph_items[0]
        session.choose(1, first, 1)
        prepared.save()
    finally:
        prepared.lock.release()
    return out


# --- version, help --------------------------------------------------------------------------


def test_version() -> None:
    result = cli("--version")
    assert result.exit_code == 0
    assert result.output == f"readtui {__version__}\n"


def test_version_as_a_process() -> None:
    result = run_readtui("--version")
    assert (result.returncode, result.stdout, result.stderr) == (0, f"readtui {__version__}\n", "")


def test_help_lists_every_command() -> None:
    result = cli("--help")
    assert result.exit_code == 0
    for command in SUBCOMMANDS:
        assert command in result.output


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_subcommand_help(command: str) -> None:
    result = cli(command, "--help")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: main {command}") or result.output.startswith("Usage: ")
    assert command in result.output.splitlines()[0]


def test_read_help_as_a_process() -> None:
    result = run_readtui("read", "--help")
    assert result.returncode == 0
    for option in ("--checklist", "--reader", "--out", "--title", "--author", "--encoding"):
        assert option in result.stdout


# --- checklists -----------------------------------------------------------------------------


def test_checklists_lists_bundled_and_user_checklists(isolated_dirs: Path) -> None:
    user_dir = isolated_dirs / "checklists"
    user_dir.mkdir(parents=True)
    write_checklist(user_dir / "mini.toml", MINI_CHECKLIST)
    write_checklist(user_dir / "broken.toml", BAD_CHECKLIST)
    result = cli("checklists")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    bundled = next(line for line in lines if line.startswith("critical-reading"))
    assert bundled.split() == ["critical-reading", "1.2", "Critical", "reading", "[bundled]"]
    for checklist_id, path in bundled_checklists().items():
        checklist = load_checklist(path)
        [line] = [line for line in lines if line.split()[:1] == [checklist_id]]
        assert line.split() == [checklist_id, checklist.version, *checklist.title.split(), "[bundled]"]
    assert any(line.split() == ["mini", "2", "Mini", "[user]"] for line in lines), lines
    broken = next(line for line in lines if line.startswith("broken"))
    assert broken.split(None, 1)[1] == f"invalid: {user_dir / 'broken.toml'}: id: bad id 'Bad': {BAD_ID_HINT}", (
        "the first problem"
    )
    assert lines[-1] == f"Your own checklists go in: {user_dir}"


# --- validate -------------------------------------------------------------------------------


def test_validate_bundled_checklist() -> None:
    result = cli("validate", "critical-reading")
    assert result.exit_code == 0
    assert result.output == "critical-reading: ok (checklist critical-reading 1.2, 18 items)\n"


@pytest.mark.parametrize(
    ("checklist_id", "summary"),
    [
        ("craap", "craap 1.0, 5 items"),
        ("credibility-signals", "credibility-signals 1.0, 14 items"),
        ("fallacies", "fallacies 1.0, 1 item"),
        ("propaganda-techniques", "propaganda-techniques 1.0, 1 item"),
        ("quick", "quick 1.0, 7 items"),
        ("sift", "sift 1.0, 8 items"),
    ],
)
def test_validate_every_bundled_pack(checklist_id: str, summary: str) -> None:
    result = cli("validate", checklist_id)
    assert (result.exit_code, result.output) == (0, f"{checklist_id}: ok (checklist {summary})\n")


def test_validate_bundled_checklist_as_a_process() -> None:
    result = run_readtui("validate", "critical-reading")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "critical-reading: ok (checklist critical-reading 1.2, 18 items)\n"


def test_validate_a_bad_checklist_one_line_per_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    write_checklist(path, BAD_CHECKLIST)
    result = run_readtui("validate", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{path}:2:1: id: bad id 'Bad': use lowercase letters, digits, '-' and '_', starting with a letter or digit",
        f"{path}:14:3: section[1].item[1].options: needs at least 2 options",
        f"{path}:16:3: section[1].item[2]: min (3) must be less than max (1)",
        f"{path}:17:3: section[1].item[2].id: duplicate item id 'pick' (first used at section[1].item[1].id)",
    ]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "syntax.toml",
            'format = "readtui-checklist/1"\nid = \n',
            "{path}:2:6: TOML syntax error: Invalid value",
        ),
        (
            "other.toml",
            'name = "not readtui"\n',
            '{path}: format: not a readtui file: expected format = "readtui-checklist/1" or "readtui-assessment/2"',
        ),
        (
            "newer.toml",
            'format = "readtui-checklist/9"\n',
            "{path}:1:1: format: made by a newer readtui (format 'readtui-checklist/9'; this readtui reads 'readtui-checklist/1'); upgrade readtui",
        ),
        ("binary.toml", b"\x00\xff\xfe junk", "{path}:1:2: byte 1: not valid UTF-8 (TOML files must be UTF-8)"),
    ],
    ids=["syntax", "not-readtui", "newer", "binary"],
)
def test_validate_bad_files(tmp_path: Path, name: str, content, expected: str) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    assert_one_line_failure(run_readtui("validate", str(path)), expected.format(path=path))


def test_validate_missing_file_and_directory(tmp_path: Path) -> None:
    assert_one_line_failure(
        run_readtui("validate", str(tmp_path / "nope.toml")), f"{tmp_path / 'nope.toml'}: no such file"
    )
    assert_one_line_failure(run_readtui("validate", str(tmp_path)), f"{tmp_path}: is a directory, not a file")


def test_validate_several_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    write_checklist(bad, 'format = "readtui-checklist/1"\nid = "x"\n')
    result = run_readtui("validate", "critical-reading", str(bad))
    assert result.returncode == 2
    assert result.stdout == "critical-reading: ok (checklist critical-reading 1.2, 18 items)\n"
    assert result.stderr.splitlines() == [
        f"{bad}: title: missing required key",
        f"{bad}: version: missing required key",
        f"{bad}: section: missing required key",
    ]


def test_validate_needs_a_file() -> None:
    result = cli("validate")
    assert result.exit_code == 2
    assert "Missing argument" in result.output


def test_validate_an_assessment(tmp_path: Path, small_essay_file: Path) -> None:
    out = make_assessment(tmp_path, small_essay_file)
    result = run_readtui("validate", str(out))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        f"{out}: ok (assessment by tester, 1/4 paragraphs with answers, checklist critical-reading 1.2)\n"
    )


def test_validate_an_assessment_with_problems(tmp_path: Path, small_essay_file: Path) -> None:
    out = make_assessment(tmp_path, small_essay_file)
    assessment = load_assessment(out)
    assessment.paragraph[0].answers["claims-supported"] = "maybe"
    assessment.paragraph[0].unsure.append("claims-supported")
    assessment.paragraph[0].index = 7
    AssessmentWriter().save(out, assessment)
    result = run_readtui("validate", str(out))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{out}:{position_of(out, 'index = 7')}: paragraph[1].index: index 7 is past the essay's 4 paragraphs",
        f"{out}:{position_of(out, 'unsure =')}: paragraph[1].unsure: item 'claims-supported' is both answered and marked unsure",
        f"{out}:{position_of(out, 'claims-supported =')}: paragraph[1].answers.claims-supported: 'maybe' is not an option (expected one of: yes, partly, no, no-claims)",
    ]


def test_validate_warns_about_a_changed_checklist(tmp_path: Path, small_essay_file: Path) -> None:
    out = make_assessment(tmp_path, small_essay_file)
    assessment = load_assessment(out)
    assessment.checklist.version = "0.1"
    AssessmentWriter().save(out, assessment)
    result = run_readtui("validate", str(out))
    assert result.returncode == 0
    assert result.stderr.startswith(f"warning: {out}: checklist: recorded version '0.1', found '1.2' at ")
    assert len(result.stderr.splitlines()) == 1


def test_validate_reads_a_shared_checklist_once_and_reports_it_for_every_file(
    tmp_path: Path, small_essay_file: Path
) -> None:
    """A checklist that several assessments use is read once per run: each file is still checked
    against it, and told when it is broken."""
    first = make_assessment(tmp_path, small_essay_file)
    second = tmp_path / "second.toml"
    assessment = load_assessment(first)
    assessment.paragraph[0].answers["claims-supported"] = "maybe"
    AssessmentWriter().save(second, assessment)
    result = run_readtui("validate", str(first), str(second), str(first))
    assert result.returncode == 2
    assert (
        result.stdout.splitlines()
        == [f"{first}: ok (assessment by tester, 1/4 paragraphs with answers, checklist critical-reading 1.2)"] * 2
    )
    [error] = result.stderr.splitlines()
    assert error.startswith(f"{second}:") and error.endswith(
        "paragraph[1].answers.claims-supported: 'maybe' is not an option (expected one of: yes, partly, no, no-claims)"
    )

    broken = tmp_path / "broken.toml"
    write_checklist(broken, 'format = "readtui-checklist/1"\nid = "x"\n')
    result = run_readtui("validate", "--checklist", str(broken), str(first), str(second))
    assert result.returncode == 2
    assert [line.split(": ", 1)[0] for line in result.stderr.splitlines()] == [str(broken)] * 6


def test_validate_an_assessment_with_its_own_checklist(tmp_path: Path, small_essay_file: Path) -> None:
    elsewhere = tmp_path / "lib"
    elsewhere.mkdir()
    checklist = elsewhere / "mini.toml"
    write_checklist(checklist, MINI_CHECKLIST)
    out = make_assessment(tmp_path, small_essay_file, checklist=str(checklist))
    assert load_assessment(out).checklist.id == "mini"

    result = run_readtui("validate", str(out))
    assert result.returncode == 2
    known = ", ".join(bundled_checklists())
    assert result.stderr.startswith(f"{out}: checklist 'mini' not found (known: {known}); pass --checklist")
    assert len(result.stderr.splitlines()) == 1

    with_option = run_readtui("validate", "--checklist", str(checklist), str(out))
    assert with_option.returncode == 0, with_option.stderr
    assert with_option.stdout == f"{out}: ok (assessment by tester, 1/4 paragraphs with answers, checklist mini 2)\n"

    wrong = run_readtui("validate", "--checklist", "critical-reading", str(out))
    assert_one_line_failure(
        wrong,
        f"{out}:{position_of(out, 'id = ', after='[checklist]')}: checklist.id: assessment uses checklist 'mini', not 'critical-reading'",
    )

    write_checklist(tmp_path / "mini.toml", MINI_CHECKLIST)
    beside = run_readtui("validate", str(out))
    assert beside.returncode == 0, beside.stderr
    assert beside.stdout == f"{out}: ok (assessment by tester, 1/4 paragraphs with answers, checklist mini 2)\n"


# --- schema ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["checklist", "assessment"])
def test_schema_is_json(kind: str) -> None:
    result = cli("schema", kind)
    assert result.exit_code == 0
    document = json.loads(result.output)
    assert "properties" in document
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["title"] == f"readtui {kind}"
    assert "format" in document["properties"]
    assert document["additionalProperties"] is False


def test_schema_of_checklist_knows_the_item_kinds() -> None:
    document = json.loads(cli("schema", "checklist").output)
    assert {"ChoiceItem", "MultiItem", "ScaleItem", "TextItem"} <= set(document["$defs"])


def test_schema_rejects_other_kinds() -> None:
    result = cli("schema", "essay")
    assert result.exit_code == 2


# --- sessions and resume --------------------------------------------------------------------


def test_sessions_with_an_empty_index() -> None:
    result = cli("sessions")
    assert result.exit_code == 0
    assert result.output == "No sessions yet. Start one with `readtui ESSAY` (or just `readtui`).\n"


def test_sessions_lists_recorded_sessions(tmp_path: Path, isolated_dirs: Path) -> None:
    present = tmp_path / "here.readtui.toml"
    present.write_text("", encoding="utf-8")
    index = isolated_dirs / "sessions.toml"
    record_session(
        index,
        {
            "path": str(tmp_path / "gone.readtui.toml"),
            "title": "Gone",
            "reader": "tester",
            "paragraphs": 6,
            "answered": 1,
            "status": "in-progress",
            "updated": "2024-01-01T10:00:00+00:00",
            "key": str(tmp_path / "key.toml"),
        },
    )
    record_session(
        index,
        {
            "path": str(present),
            "title": "Evil\x1b[31m title",
            "reader": "tester",
            "paragraphs": 4,
            "answered": 4,
            "status": "complete",
            "updated": "2024-02-01T10:00:00+00:00",
        },
    )
    result = cli("sessions")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("2024-02-01T10:00") and "4/4 ¶" in lines[0] and "complete" in lines[0]
    assert "Evil\u241b[31m title" in lines[0] and "\x1b" not in result.output
    assert lines[1].strip() == str(present)
    assert "Gone" in lines[2] and "1/6 ¶" in lines[2] and lines[2].endswith("  (training)")
    assert "(training)" not in lines[0]
    assert lines[3].strip() == f"{tmp_path / 'gone.readtui.toml'}  (file missing)"


def test_resume_with_no_sessions() -> None:
    assert_one_line_failure(run_readtui("resume"), "no recent sessions to resume; start one with `readtui ESSAY`")


# --- reading fails before the app starts ----------------------------------------------------


def test_bad_essay_path_fails_before_the_app(tmp_path: Path) -> None:
    assert_one_line_failure(run_readtui("/nonexistent.txt", cwd=tmp_path), "/nonexistent.txt: no such file")
    assert_one_line_failure(run_readtui("read", "/nonexistent.txt", cwd=tmp_path), "/nonexistent.txt: no such file")
    assert list(tmp_path.glob("*.readtui.toml*")) == [], "nothing written, no lock left"


def test_other_bad_essays_fail_before_the_app(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n  \n", encoding="utf-8")
    assert_one_line_failure(run_readtui(str(empty), cwd=tmp_path), f"{empty}: empty: no paragraphs")
    assert_one_line_failure(run_readtui(str(tmp_path), cwd=tmp_path), f"{tmp_path}: is a directory, not an essay file")
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"Caf\xe9 society. It was fine.\n")
    result = run_readtui(str(latin), cwd=tmp_path)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{latin}: byte 3: not valid UTF-8")


def test_bad_checklist_or_reader_fails_before_the_app(tmp_path: Path, small_essay_file: Path) -> None:
    result = run_readtui(str(small_essay_file), "--checklist", "no-such-list", cwd=tmp_path)
    assert_one_line_failure(
        result,
        f"--checklist: no bundled or user checklist 'no-such-list' (known: {', '.join(bundled_checklists())}); "
        "give an id or a .toml path",
    )
    assert_one_line_failure(
        run_readtui(str(small_essay_file), "--checklist", "./missing.toml", cwd=tmp_path),
        "./missing.toml: no such checklist file",
    )
    assert list(tmp_path.glob("*.readtui.toml*")) == [], "nothing written, no lock left"

    out = make_assessment(tmp_path, small_essay_file, out=tmp_path / "alice.readtui.toml")
    assessment = load_assessment(out)
    assessment.reader.name = "alice"
    AssessmentWriter().save(out, assessment)
    assert_one_line_failure(
        run_readtui(str(small_essay_file), "--out", str(out), cwd=tmp_path),
        f"{out}: belongs to reader 'alice', not 'tester'; use --reader alice to resume it, or --out to start another file",
    )


def test_bad_config_fails_before_the_app(tmp_path: Path, small_essay_file: Path) -> None:
    config = Path(os.environ["READTUI_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("colour = 'red'\n", encoding="utf-8")
    result = run_readtui(str(small_essay_file), cwd=tmp_path)
    assert_one_line_failure(result, f"{config}:1:1: colour: unknown key (expected one of: theme, auto_advance, keymap)")


def test_installed_script_reports_bad_input() -> None:
    script = Path(sys.executable).with_name("readtui")
    if not script.exists():
        pytest.skip("no readtui script beside this python")
    result = run_process([str(script), "/nonexistent.txt"])
    assert_one_line_failure(result, "/nonexistent.txt: no such file")


def test_hand_edited_assessment_fails_before_the_app(tmp_path: Path, small_essay_file: Path) -> None:
    out = make_assessment(tmp_path, small_essay_file)
    text = out.read_text(encoding="utf-8")
    out.write_text(text.replace("index = 1\n", "index = 12\n"), encoding="utf-8")
    assert_one_line_failure(
        run_readtui(str(small_essay_file), "--out", str(out), cwd=tmp_path),
        f"{out}:{position_of(out, 'index = 12')}: paragraph[1].index: index 12 is past the essay's 4 paragraphs",
    )
    out.write_text(text.replace('reader]\nname = "tester"', 'reader]\nnom = "tester"'), encoding="utf-8")
    result = run_readtui(str(small_essay_file), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"{out}:{position_of(out, '[reader]')}: reader.name: missing required key",
        f"{out}:{position_of(out, 'nom = ')}: reader.nom: unknown key (did you mean 'name'?)",
    ]


def test_resume_of_a_session_whose_essay_is_gone(tmp_path: Path, small_essay_file: Path) -> None:
    out = tmp_path / "essay.tester.readtui.toml"
    prepared = prepare_session(small_essay_file, checklist_spec=None, reader="tester", out=out)
    prepared.save()
    prepared.close()
    small_essay_file.unlink()
    assert_one_line_failure(run_readtui("resume", cwd=tmp_path), f"{small_essay_file}: no such file")


def test_validate_a_deeply_nested_file(tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text("a = " + "[" * 20000 + "]" * 20000 + "\n", encoding="utf-8")
    assert_one_line_failure(run_readtui("validate", str(path)), f"{path}: TOML syntax error: nested too deeply")


def test_file_names_with_control_characters_stay_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "two\nlines\x1b[31m.toml"
    write_checklist(path, 'format = "readtui-checklist/1"\nid = "x"\ntitle = "T"\nversion = "1"\n')
    result = run_readtui("validate", str(path))
    assert result.returncode == 2
    shown = str(tmp_path) + "/two\u240alines\u241b[31m.toml"
    assert result.stderr == f"{shown}: section: missing required key\n"


def test_options_before_the_essay_still_mean_read(tmp_path: Path) -> None:
    assert_one_line_failure(
        run_readtui("--reader", "bob", "/nonexistent.txt", cwd=tmp_path), "/nonexistent.txt: no such file"
    )


def test_reader_name(monkeypatch: pytest.MonkeyPatch) -> None:
    from readtui.cli.common import reader_name

    assert reader_name("Ann\x1b[31m\n") == "Ann[31m"
    assert reader_name(None) == "tester", "from $READTUI_READER"
    monkeypatch.delenv("READTUI_READER")
    assert reader_name(None)
    assert reader_name("\x07") == "reader"


def test_a_misspelt_command_is_named_not_read_as_an_essay(tmp_path: Path) -> None:
    result = cli("compre", "a.toml")
    assert result.exit_code == 2
    assert "no command or file 'compre': did you mean `readtui compare`?" in result.stderr
    (tmp_path / "compre").write_text("An essay named like a command\n\nIts one paragraph.\n", encoding="utf-8")
    read_it = cli("compre", "--help")  # a file of that name is an essay to read, as ever
    assert read_it.exit_code == 0 and "read [OPTIONS] [ESSAY]" in read_it.stdout


def test_an_essay_that_does_not_exist_is_not_taken_for_a_command() -> None:
    result = cli("no-such-essay.txt")
    assert result.exit_code == 2 and "did you mean" not in result.stderr
