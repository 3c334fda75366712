"""``readtui compare``, ``score`` and ``report``: reports on several readers' or learners' files, or on one."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import click

from readtui.cli.common import (
    CHECKLIST_OF_THE_FILES,
    CHECKLIST_OF_THE_KEY,
    checklist_option,
    encoding_option,
    essay_option,
    fail,
    out_option,
    report_options,
    terminal_problem,
)
from readtui.core.errors import ReadtuiError, visible_controls


@click.command()
@click.argument("files", nargs=-1, required=True)
@report_options(
    "table for the terminal, markdown for a handout, csv (one row per answer), json (every figure) or html "
    "(a page: the disagreement map as a heat map, alpha charts).",
    ("table", "markdown", "csv", "json", "html"),
)
@checklist_option(CHECKLIST_OF_THE_FILES)
@essay_option("An essay the files assess, for its paragraph text (repeatable; matched by sha256).", multiple=True)
@encoding_option("The essays' encoding (e.g. cp1252).")
@click.option(
    "--scale-level",
    type=click.Choice(["ordinal", "interval"]),
    default="ordinal",
    show_default=True,
    help="Level of measurement of scale items.",
)
@click.option(
    "--bootstrap",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="Resamples for the 95% interval of alpha; 0 turns it off.",
)
@click.option(
    "--seed", type=int, default=1, show_default=True, help="Seed of the bootstrap (same seed, same interval)."
)
@click.option(
    "--group-by",
    "group_by",
    metavar="before:ITEM",
    help="Group readers by their answer to a before-reading item: each item's agreement and answers per group.",
)
@click.option(
    "--tui", is_flag=True, help="Explore the comparison in the app: the disagreement map, readers side by side."
)
def compare(
    files: tuple[str, ...],
    output_format: str,
    out: Path | None,
    checklist_spec: str | None,
    essay_paths: tuple[Path, ...],
    encoding: str | None,
    scale_level: str,
    bootstrap: int,
    seed: int,
    group_by: str | None,
    tui: bool,
) -> None:
    """Compare readers' assessments of the same essays: agreement per item, contested paragraphs.

    FILES are assessment files, directories of them, or glob patterns. Files are grouped by
    essay (sha256); every essay with two or more readers is compared.
    """
    if group_by is not None and tui:
        fail(ReadtuiError("--group-by", "not shown in --tui: leave out --tui for the grouped report"))
    if group_by is not None and output_format == "html":
        fail(ReadtuiError("--group-by", "has no html page: use --format markdown (or table, csv, json)"))
    # Loading builds millions of small objects that all live to the end: collecting them is
    # wasted time (a fifth of a large comparison).
    gc.disable()
    try:
        from readtui.core.compare import compare as compute

        data = _load(files, checklist_spec, essay_paths, encoding)
        if group_by is not None:
            _grouped(data, group_by, output_format, out, scale_level=scale_level, bootstrap=bootstrap, seed=seed)
            return
        comparison = compute(data, scale_level=scale_level, bootstrap=bootstrap, seed=seed)
        if not tui:
            from readtui.reports.compare import render
            from readtui.reports.compare_html import html_text

            emit(html_text(comparison) if output_format == "html" else render(comparison, output_format), out)
            return
    finally:
        gc.enable()
    from readtui.core.config import load_config
    from readtui.tui.compare_app import CompareApp

    try:
        config = load_config()
    except ReadtuiError as error:
        fail(error)
    if problem := terminal_problem():
        fail(problem)
    app = CompareApp(comparison, config)
    app.run()
    if app.return_code:
        sys.exit(app.return_code)  # ended by a signal


def _grouped(data, spec: str, output_format: str, out: Path | None, **settings) -> None:
    """``compare --group-by before:ITEM``: the grouped report, its too-small groups warned of on stderr too."""
    from readtui.core.compare import before_item, group_by_before
    from readtui.reports.groups import render_grouped

    try:
        item = before_item(data.checklist, spec)
    except ReadtuiError as error:
        fail(error)
    grouped = group_by_before(data, item, **settings)
    for warning in grouped.warnings[len(data.warnings) :]:
        click.echo(f"warning: {visible_controls(warning)}", err=True)
    emit(render_grouped(grouped, output_format), out)


def _load(files: tuple[str, ...], checklist_spec: str | None, essay_paths: tuple[Path, ...], encoding: str | None):
    """Load and check the files to compare, and print the warnings; bad input ends the command (status 2)."""
    from readtui.core.corpus import load_comparison
    from readtui.core.essay import load_essay, sample_essay_path

    try:
        essays = [load_essay(path, encoding=encoding) for path in essay_paths]
        # Readers of the sample (a class exercise) need no --essay for whole paragraphs.
        data = load_comparison(list(files), checklist_spec, essays, known=[load_essay(sample_essay_path())])
    except ReadtuiError as error:
        fail(error)
    for warning in data.warnings:
        click.echo(f"warning: {visible_controls(warning)}", err=True)
    return data


def emit(text: str, out: Path | None) -> None:
    """A report to stdout, or atomically to ``out``."""
    if out is None:
        click.echo(text, nl=False)
        return
    from readtui.core.storage import atomic_write

    try:
        atomic_write(out, text)
    except ReadtuiError as error:  # atomic_write turns OSError into this; an old report is intact
        fail(error)
    click.echo(f"Wrote {out}", err=True)


@click.command()
@click.argument("key", type=click.Path(path_type=Path))
@click.argument("learners", nargs=-1, required=True)
@report_options("table for the terminal, markdown, csv (one row per learner) or json (every figure).")
@checklist_option(CHECKLIST_OF_THE_KEY)
def score(
    key: Path, learners: tuple[str, ...], output_format: str, out: Path | None, checklist_spec: str | None
) -> None:
    """Score LEARNERS' files against the answer KEY, best first: per section and in total.

    LEARNERS are files, directories or glob patterns. First tries count: an answer changed
    after the feedback does not.
    """
    from readtui.core.scoring import load_scores
    from readtui.reports.score import render_scores

    try:
        scores = load_scores(key, list(learners), checklist_spec)
    except ReadtuiError as error:
        fail(error)
    emit(render_scores(scores, output_format), out)


@click.command()
@click.argument("assessment", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "html"]),
    default="markdown",
    show_default=True,
    help="markdown (highlights bold, with footnotes) or html (one self-contained page: colours, prints well).",
)
@out_option("Write to this file instead of stdout.")
@essay_option("The essay the file assesses [default: its recorded source, or the bundled sample; matched by sha256].")
@encoding_option()
@click.option(
    "--key",
    "key_path",
    type=click.Path(path_type=Path),
    help="A training file's answer key [default: the key it records, or the bundled one; matched by sha256].",
)
@checklist_option("The checklist the file uses [default: found by its id].")
def report(
    assessment: Path,
    output_format: str,
    out: Path | None,
    essay_path: Path | None,
    encoding: str | None,
    key_path: Path | None,
    checklist_spec: str | None,
) -> None:
    """The document a reader hands in: ASSESSMENT's paragraphs with the highlights marked, the
    answers in words, notes, flags, and a summary (for a training file, the score and the key's
    feedback).

    Without the essay, the report shows the excerpts the file keeps and says so (a warning on
    stderr); without a training file's key, it leaves out the score.
    """
    from readtui.core.handin import load_handin
    from readtui.reports.assessment import render

    try:
        handin = load_handin(
            assessment, essay_path=essay_path, key_path=key_path, checklist_spec=checklist_spec, encoding=encoding
        )
    except ReadtuiError as error:
        fail(error)
    for warning in handin.warnings:
        click.echo(f"warning: {visible_controls(warning)}", err=True)
    emit(render(handin, output_format), out)
