"""``readtui validate``, ``checklists``, ``checklist`` and ``schema``: checking, describing and starting files."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import click

from readtui.cli.common import checklist_option, encoding_option, essay_option, fail
from readtui.core.errors import EXIT_BAD_INPUT, ReadtuiError, visible_controls


@click.command()
@click.argument("files", nargs=-1, required=True)
@checklist_option("Check assessments against this checklist.")
@essay_option("Also check that assessments are of this essay and that every highlight quotes its text.")
@encoding_option()
def validate(files: tuple[str, ...], checklist_spec: str | None, essay_path: Path | None, encoding: str | None) -> None:
    """Check checklists and assessments (FILES may be bundled checklist ids)."""
    validate_files(files, checklist_spec, essay_path, encoding)


def validate_files(
    files: tuple[str, ...],
    checklist_spec: str | None = None,
    essay_path: Path | None = None,
    encoding: str | None = None,
) -> None:
    """What `validate` does: one line per problem, from the top of each file down, with its line and
    column; status 2 if any."""
    from readtui.core.storage import add_positions
    from readtui.core.validation import validate_file

    essay = None
    if essay_path is not None:
        from readtui.core.essay import load_essay

        try:
            essay = load_essay(essay_path, encoding=encoding)
        except ReadtuiError as error:
            fail(error)
    failed = False
    checklists: dict = {}
    # Each file's objects are freed as soon as it is checked (no cycles): collections while a large
    # file is built only walk it (an eighth of validating a class's files).
    gc.disable()
    try:
        for spec in files:
            report = validate_file(spec, checklist_spec, essay, checklists)
            for warning in report.warnings:
                click.echo(f"warning: {warning}", err=True)
            for problem in add_positions(report.problems):
                click.echo(str(problem), err=True)
            if report.problems:
                failed = True
            else:
                click.echo(f"{spec}: ok ({report.summary})")
    finally:
        gc.enable()
    if failed:
        sys.exit(EXIT_BAD_INPUT)


@click.command()
def checklists() -> None:
    """List bundled checklists and those in your checklist directory: what each is for, and how
    many answers it asks of an essay."""
    list_checklists()


def list_checklists() -> None:
    """What `readtui checklists` prints."""
    import textwrap

    from readtui.core.checklist import answers_estimate, bundled_checklists, user_checklist_dir, user_checklists
    from readtui.core.storage import load_checklist

    rows = [("bundled", path) for path in bundled_checklists().values()]
    rows += [("user", path) for path in user_checklists().values()]
    for origin, path in rows:
        try:
            checklist = load_checklist(path)
        except ReadtuiError as error:
            click.echo(f"{path.stem:24} invalid: {str(error).splitlines()[0]}\n")
            continue
        version, title = visible_controls(checklist.version), visible_controls(checklist.title)
        click.echo(f"{checklist.id}  {version}  {title}  [{origin}]")
        for text in (first_sentence(checklist.description), answers_estimate(checklist)):
            if text:
                click.echo(textwrap.fill(text, 78, initial_indent="    ", subsequent_indent="    "))
        click.echo()
    click.echo(f"Your own checklists go in: {user_checklist_dir()}")


def first_sentence(text: str) -> str:
    """The first sentence of ``text`` (a checklist's description), on one line, control characters made visible."""
    sentence = " ".join(text.split()).split(". ", 1)[0]
    return visible_controls(sentence if sentence.endswith(".") or not sentence else sentence + ".")


@click.command()
@click.argument("kind", type=click.Choice(["checklist", "assessment"]))
def schema(kind: str) -> None:
    """Print the JSON Schema of checklist or assessment files (for editors)."""
    import json

    if kind == "checklist":
        from readtui.core.checklist import checklist_json_schema

        document = checklist_json_schema()
    else:
        from readtui.core.assessment import Assessment
        from readtui.core.schema import json_schema

        document = json_schema(Assessment)
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = f"readtui {kind}"
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


@click.group()
def checklist() -> None:
    """Write your own checklist: start one, check it, list those readtui finds."""


@checklist.command("new")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--from",
    "source",
    metavar="ID|PATH",
    help="Start from a copy of this checklist (e.g. critical-reading) instead of the commented starter.",
)
def checklist_new(path: Path, source: str | None) -> None:
    """Start a checklist: a commented starter, or a copy.

    PATH is a new .toml file (an existing file is never overwritten). Its id is the file name (my-list.toml: my-list); a bundled checklist's id is refused, since the
    bundled checklist would be found first. A copy gets version "1" and keeps the item, option and
    label ids of the original.
    """
    from readtui.core.authoring import new_checklist

    try:
        made = new_checklist(path, source)
    except ReadtuiError as error:
        fail(error)
    shown = visible_controls(str(path))
    click.echo(f"wrote {shown}: checklist {made.id}, {len(made.items)} items")
    if made.id != path.stem:
        click.echo(f"note: readtui finds a checklist by id as {made.id}.toml: consider renaming the file")
    click.echo(f"next: edit it, then  readtui checklist check {shown}")
    click.echo(f"read with it:        readtui --checklist {shown}")


@checklist.command("check")
@click.argument("paths", nargs=-1, required=True)
def checklist_check(paths: tuple[str, ...]) -> None:
    """Check checklists (the same as `readtui validate`)."""
    validate_files(paths)


@checklist.command("list")
def checklist_list() -> None:
    """List the checklists readtui finds (as `readtui checklists`)."""
    list_checklists()
