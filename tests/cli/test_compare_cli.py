"""``readtui compare`` as people run it: every output format, checked against each other and
against an independent calculation from the CSV; bad input gives one line per problem and status 2."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from readtui.cli import main
from readtui.core.essay import sample_essay_path
from readtui.reports.text import fit
from tests.conftest import write_checklist
from tests.reference_stats import reference_agreement, reference_alpha

SEEDED = ["--bootstrap", "200", "--seed", "7"]


def compare(*args: str | Path):
    return CliRunner().invoke(main, ["compare", *map(str, args)], catch_exceptions=False)


def outputs(files: list[Path]) -> dict[str, str]:
    """The four formats of one comparison, with the same seed."""
    result = {}
    for name in ("table", "markdown", "csv", "json"):
        run = compare(*files, "--format", name, *SEEDED)
        assert run.exit_code == 0, run.output
        result[name] = run.stdout
    return result


def csv_rows(text: str) -> dict[str, list[list[str | None]]]:
    """Item → readers × paragraphs of answers, from the CSV alone (None: unanswered or unsure)."""
    answers: dict[str, dict[tuple[str, str], str]] = defaultdict(dict)
    readers, paragraphs = {}, {}
    for row in csv.DictReader(io.StringIO(text)):
        if row["scope"] == "paragraph":
            readers[row["reader"]] = paragraphs[row["paragraph"]] = None
            if row["value"]:
                answers[row["item"]][row["reader"], row["paragraph"]] = row["value"]
    return {
        item: [[given.get((reader, p)) for p in paragraphs] for reader in readers] for item, given in answers.items()
    }


# --- the formats agree ----------------------------------------------------------------------


def test_every_format_agrees_with_the_json_and_an_independent_calculation(three_readers: list[Path]) -> None:
    out = outputs(three_readers)
    figures = {item["key"]: item for item in json.loads(out["json"])["items"]}
    assert len(figures) == 12 + 4 * 5 + 1  # paragraph items, the options of the 4 multi items, credibility
    assert {"claims-supported", "evidence-kinds", "evidence-kinds:statistics", "loaded-words", "credibility"} <= set(
        figures
    )

    # the terminal table and the markdown handout print the same figures, rounded
    table_rows = {}
    for line in out["table"].splitlines():
        match = re.match(r"^(\S+|  \S+)\s+(\d+)\s+(\d+%|—)\s+(-?\d\.\d\d|—)", line)
        if match:
            table_rows.setdefault(match[1].strip(), match.groups()[1:])
    markdown_rows = {}  # by the question, or for an option of a multi item by its title
    for line in out["markdown"].splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) >= 5 and cells[1].isdigit():
            markdown_rows[cells[0].removeprefix("↳ ").replace("\\", "")] = cells[1:5]
    for key, item in figures.items():
        expected = [str(item["n_units"]), f"{item['agreement']:.0%}"]
        expected.append("—" if item["alpha"] is None else f"{item['alpha']:.2f}")
        label = key.split(":")[-1]
        assert list(table_rows[label]) == expected, key
        question = item["prompt"].split(" — ")[-1]  # an option's title follows its item's question
        assert markdown_rows[question][:3] == expected, key
        ci = item["ci"]
        assert markdown_rows[question][3] == (f"[{ci[0]:.2f}, {ci[1]:.2f}]" if ci else "")

    # the CSV holds the raw answers: alpha and agreement recomputed from it, independently
    rows = csv_rows(out["csv"])
    for key, item in figures.items():
        if item["scope"] == "paragraph" and item["option"] is None:
            level = "ordinal" if item["kind"] == "scale" else "nominal"
            values = [[None if v is None else int(v) if level == "ordinal" else v for v in row] for row in rows[key]]
            assert item["alpha"] == pytest.approx(reference_alpha(values, level), abs=1e-9), key
            assert item["agreement"] == pytest.approx(reference_agreement(values), abs=1e-12), key


def test_csv_has_one_row_per_reader_paragraph_and_item(three_readers: list[Path]) -> None:
    rows = list(csv.DictReader(io.StringIO(compare(*three_readers, "--format", "csv").stdout)))
    paragraph_rows = [r for r in rows if r["scope"] == "paragraph"]
    assert len(paragraph_rows) == 3 * 6 * 12
    assert len({(r["reader"], r["paragraph"], r["item"]) for r in paragraph_rows}) == len(paragraph_rows)
    assert {r["reader"] for r in rows} == {"Ana [b]", "Ben", "Chloé"}
    unsure = [r for r in rows if r["unsure"] == "true"]
    assert unsure and all(r["value"] == "" for r in unsure)
    assert any(r["note"] == "Calls it a [red]regime[/red]." for r in rows)
    assert {r["kind"] for r in rows} == {"choice", "multi", "scale", "text"}


def test_the_table_fits_80_columns(three_readers: list[Path]) -> None:
    table = compare(*three_readers, "--essay", sample_essay_path()).stdout
    assert "Most contested paragraphs" in table and "Disagreement map" in table
    assert "Ana [b]" in table  # reader names are shown literally
    assert max(len(fit(line, 200).rstrip()) for line in table.splitlines()) <= 80


def test_the_table_tells_each_note_once(three_readers: list[Path]) -> None:
    """A note that fits several items ('no' is nearly every answer) is told once, and each item it fits
    points to it with its letter."""
    table = compare(*three_readers, *SEEDED).stdout.splitlines()
    notes = {line.split(":", 1)[0].strip(): line for line in table if re.match(r"^  [a-z]: ", line)}
    marked = defaultdict(list)
    for line in table:
        match = re.match(r"^\s*(\S+)\s.*%\s+([a-z])$", line)
        if match:
            marked[match[2]].append(match[1])
    assert sorted(marked) == sorted(notes)
    unstable = next(letter for letter, line in notes.items() if "alpha and kappa are unstable" in line)
    assert marked[unstable] == ["expert", "slippery-slope"]
    undefined = next(letter for letter, line in notes.items() if "every answer is 'no'" in line)
    assert marked[undefined] == ["bandwagon"]  # no variation: not said to be unstable as well
    for text in ("alpha and kappa are unstable", "every answer is 'no'", "one essay is one unit"):
        assert sum(text in line for line in table) == 1, text


def test_the_handout_names_items_by_their_question(three_readers: list[Path], tmp_path: Path) -> None:
    """The handout is for people: items go by their question, options by their title, escaped for
    markdown (a checklist can come from anyone); ids are for the CSV and JSON."""
    checklist = (sample_essay_path().parent.parent / "checklists" / "critical-reading.toml").read_text("utf-8")
    prompt = 'prompt = "Are the factual claims backed by evidence?"'
    assert prompt in checklist
    odd = write_checklist(tmp_path / "odd.toml", checklist.replace(prompt, 'prompt = "Backed <b>by</b> | *evidence*?"'))
    handout = compare(*three_readers, "--format", "markdown", "--checklist", odd, *SEEDED).stdout
    summary = handout.split("## Summary")[1].split("\n## ")[0]
    assert "| Backed \\<b\\>by\\</b\\> \\| \\*evidence\\*? | 6 |" in summary
    assert "| What kinds of evidence are given? | 6 |" in summary
    assert "| ↳ Statistics or figures | 6 |" in summary
    assert "<b>" not in handout
    for key in ("claims-supported", "evidence-kinds", "said-as-fact", "wording-tactics"):
        assert key not in handout, key
    # answers go by option title, highlights by label title, and a list never runs into a table
    contested = handout.split("## Most contested paragraphs")[1].split("\n## ")[0]
    assert "| Which wording tactics are used? |" in contested
    assert "Us versus them, Opinion as fact" in contested
    assert "+" not in contested and "loaded-word" not in contested
    assert "marked *Loaded word or phrase*" in contested
    assert "|\n- " not in contested
    # the map numbers its columns under a numbered list of the questions
    grid = handout.split("## Disagreement map")[1]
    assert "\n2. What kinds of evidence are given?\n" in grid
    assert "| ¶ | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 |" in grid


def test_the_sample_essay_needs_no_essay_option(three_readers: list[Path]) -> None:
    """Readers of the bundled sample (a class exercise) get whole paragraphs without --essay."""
    handout = compare(*three_readers, "--format", "markdown", *SEEDED).stdout
    assert "> The point is that any measures that Iran has taken are because of formal request" in handout


def test_same_seed_same_figures(three_readers: list[Path]) -> None:
    first = compare(*three_readers, "--format", "json", *SEEDED).stdout
    assert compare(*three_readers, "--format", "json", *SEEDED).stdout == first
    other = compare(*three_readers, "--format", "json", "--bootstrap", "200", "--seed", "8").stdout
    assert json.loads(other)["items"][0]["ci"] != json.loads(first)["items"][0]["ci"]


def test_bootstrap_0_turns_the_interval_off(three_readers: list[Path]) -> None:
    document = json.loads(compare(*three_readers, "--format", "json", "--bootstrap", "0").stdout)
    assert all(item["ci"] is None for item in document["items"])
    assert document["settings"]["bootstrap"] == 0


def test_interval_level_for_scales(three_readers: list[Path]) -> None:
    document = json.loads(compare(*three_readers, "--format", "json", "--scale-level", "interval").stdout)
    scale = next(item for item in document["items"] if item["key"] == "loaded-words")
    assert scale["level"] == "interval"


def test_a_directory_or_a_glob(three_readers: list[Path]) -> None:
    directory = three_readers[0].parent
    shutil.copy(sample_essay_path().parent.parent / "checklists" / "critical-reading.toml", directory / "cl.toml")
    by_directory = compare(directory, "--format", "json", "--bootstrap", "0")
    assert by_directory.exit_code == 0, by_directory.output  # the checklist in the directory is skipped
    by_glob = compare(str(directory / "*.readtui.toml"), "--format", "json", "--bootstrap", "0")
    assert by_glob.stdout == by_directory.stdout
    assert len(json.loads(by_glob.stdout)["readers"]) == 3


def test_out_writes_the_file(three_readers: list[Path], tmp_path: Path) -> None:
    target = tmp_path / "handout.md"
    result = compare(*three_readers, "--format", "markdown", "--out", target)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("# Reader agreement: Rapprochement between Iran and ISIS")


def test_essay_text_is_used_when_given(three_readers: list[Path]) -> None:
    handout = compare(*three_readers, "--format", "markdown", "--essay", sample_essay_path()).stdout
    assert "> The point is that any measures that Iran has taken are because of formal request" in handout
    assert "## The readers' reasons" in handout


def test_a_markdown_paragraphs_lines_are_one_line_in_the_table(tmp_path: Path, critical_checklist) -> None:
    from tests.conftest import write_assessment

    essay = tmp_path / "essay.md"
    essay.write_text("# Title\n\n## Claims\n\n- one\n- two\n", encoding="utf-8")
    files = [
        write_assessment(tmp_path / f"{reader}.toml", essay, critical_checklist, reader, {1: {"loaded-words": n}})
        for reader, n in (("ann", 1), ("ben", 4))
    ]
    table = compare(*files, "--essay", essay, "--bootstrap", "0").stdout
    assert "Claims • one • two" in table and "\u240a" not in table


# --- bad input ------------------------------------------------------------------------------


def test_one_reader_is_not_enough(three_readers: list[Path]) -> None:
    result = compare(three_readers[0])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{three_readers[0]}: the only reader of 'Rapprochement between Iran and ISIS?!'",
        "nothing to compare: no essay has two or more readers",
    ]


def test_bad_files_one_line_each(three_readers: list[Path], tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('format = "readtui-assessment/1"\n[reader\n', encoding="utf-8")
    wrong = tmp_path / "wrong.toml"
    wrong.write_text('format = "readtui-assessment/1"\n[reader]\nname = 3\n', encoding="utf-8")
    result = compare(*three_readers, broken, wrong, tmp_path / "missing.toml")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{broken}:2:8: TOML syntax error")
    assert any(line.startswith(f"{wrong}:3:1: reader.name:") for line in lines)
    assert f"{tmp_path / 'missing.toml'}: no such file" in lines
    assert "Traceback" not in result.output


def test_essay_that_matches_no_assessment(three_readers: list[Path], small_essay_file: Path) -> None:
    result = compare(*three_readers, "--essay", small_essay_file)
    assert result.exit_code == 2
    assert result.stderr == f"{small_essay_file}: is not the essay of any of the assessments (sha256 differs)\n"


def test_pattern_without_matches(tmp_path: Path) -> None:
    result = compare(str(tmp_path / "*.toml"))
    assert (result.exit_code, result.stderr) == (2, f"{tmp_path / '*.toml'}: no files match this pattern\n")
