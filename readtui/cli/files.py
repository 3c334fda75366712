"""``readtui validate``, ``checklists`` and ``schema``: checking and describing files."""

from __future__ import annotations

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
    from readtui.core.validation import validate_file

    essay = None
    if essay_path is not None:
        from readtui.core.essay import load_essay

        try:
            essay = load_essay(essay_path, encoding=encoding)
        except ReadtuiError as error:
            fail(error)
    failed = False
    for spec in files:
        report = validate_file(spec, checklist_spec, essay)
        for warning in report.warnings:
            click.echo(f"warning: {warning}", err=True)
        for problem in report.problems:
            click.echo(str(problem), err=True)
        if report.problems:
            failed = True
        else:
            click.echo(f"{spec}: ok ({report.summary})")
    if failed:
        sys.exit(EXIT_BAD_INPUT)


@click.command()
def checklists() -> None:
    """List bundled checklists and those in your checklist directory: what each is for, and how
    many answers it asks of an essay."""
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
    if kind == "checklist":
        from readtui.core.checklist import Checklist as model
    else:
        from readtui.core.assessment import Assessment as model
    import json

    from readtui.core.schema import json_schema

    document = json_schema(model)
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = f"readtui {kind}"
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))
