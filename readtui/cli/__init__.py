"""The ``readtui`` command. Non-interactive commands use only the core; ``read`` starts the app."""

from __future__ import annotations

import gc
import getpass
import json
import os
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from readtui import __version__
from readtui.core.errors import EXIT_BAD_INPUT, ReadtuiError, ReadtuiErrors, visible_controls


class DefaultToRead(click.Group):
    """A group whose first argument, when it is not a command, is the essay to read."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        first = args[0] if args else None
        if first is None or (first not in self.commands and first not in ("--help", "-h", "--version")):
            args = ["read", *args]
        return super().parse_args(ctx, args)


def fail(error: ReadtuiError) -> None:
    """Print the problem, one line per problem, and exit with status 2."""
    click.echo(str(error), err=True)
    sys.exit(EXIT_BAD_INPUT)


@click.group(cls=DefaultToRead, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="readtui", message="%(prog)s %(version)s")
def main() -> None:
    """Read an essay one paragraph at a time beside a critical-reading checklist.

    With no command, opens ESSAY (or the bundled sample essay) for reading:
    `readtui [ESSAY] [OPTIONS]` is the same as `readtui read [ESSAY] [OPTIONS]`.
    """


# --- read -------------------------------------------------------------------------------------


@main.command()
@click.argument("essay", required=False, type=click.Path(dir_okay=True, path_type=Path))
@click.option(
    "--checklist", "checklist_spec", metavar="ID|PATH", help="Checklist id (see `readtui checklists`) or file."
)
@click.option(
    "--reader", metavar="NAME", help="Your name, stored in the file [default: $READTUI_READER or login name]."
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Assessment file [default: <essay>.<reader>.readtui.toml here].",
)
@click.option("--title", help="Essay title, overriding the one detected.")
@click.option("--author", help="Essay author, overriding the one detected.")
@click.option("--encoding", metavar="NAME", help="Read the essay in this encoding (e.g. cp1252).")
def read(
    essay: Path | None,
    checklist_spec: str | None,
    reader: str | None,
    out: Path | None,
    title: str | None,
    author: str | None,
    encoding: str | None,
) -> None:
    """Read ESSAY (default: the bundled sample) and save your answers as you go."""
    run_reading(
        essay, checklist_spec=checklist_spec, reader=reader, out=out, title=title, author=author, encoding=encoding
    )


def run_reading(
    essay_path: Path | None,
    *,
    checklist_spec: str | None = None,
    reader: str | None = None,
    out: Path | None = None,
    title: str | None = None,
    author: str | None = None,
    encoding: str | None = None,
    training: bool = False,
    key: Path | None = None,
) -> None:
    """Open a reading session in the app (with ``training``, against the answer ``key``); resume
    the output file if it is there."""
    # Start-up allocates many long-lived objects (imports, styles); collecting them is wasted
    # time before the first frame. The app freezes them and turns collection back on after it.
    gc.disable()
    from readtui.core.config import load_config
    from readtui.core.launch import prepare_session, prepare_training

    try:
        config = load_config()
        if training:
            prepared = prepare_training(
                essay_path,
                key_path=key,
                checklist_spec=checklist_spec,
                reader=reader_name(reader),
                out=out,
                encoding=encoding,
            )
        else:
            prepared = prepare_session(
                essay_path,
                checklist_spec=checklist_spec,
                reader=reader_name(reader),
                out=out,
                title=title,
                author=author,
                encoding=encoding,
            )
    except ReadtuiError as error:
        fail(error)
    from readtui.tui.app import COMPLETE, make_app

    app = make_app(prepared, config)
    try:
        result = app.run()
    finally:
        prepared.close(remember=not app.bad_input)
    if app.bad_input:
        fail(ReadtuiErrors(app.bad_input))
    click.echo(f"Saved {prepared.out_path}" + (" (complete)" if result == COMPLETE else ""))
    if app.return_code:
        sys.exit(app.return_code)


@main.command()
@click.argument("essay", required=False, type=click.Path(dir_okay=True, path_type=Path))
@click.option(
    "--key",
    "key",
    type=click.Path(path_type=Path),
    help="The answer key (an assessment, e.g. made with `readtui adjudicate`) [default: the bundled exercise].",
)
@click.option("--checklist", "checklist_spec", metavar="ID|PATH", help="Checklist [default: the key's].")
@click.option(
    "--reader", metavar="NAME", help="Your name, stored in the file [default: $READTUI_READER or login name]."
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Your file [default: <essay>.<reader>.train.readtui.toml here].",
)
@click.option("--encoding", metavar="NAME", help="Read the essay in this encoding (e.g. cp1252).")
def train(
    essay: Path | None,
    key: Path | None,
    checklist_spec: str | None,
    reader: str | None,
    out: Path | None,
    encoding: str | None,
) -> None:
    """Practise on ESSAY against an answer key: answer a paragraph, then see where the key differs.

    With no ESSAY and no --key, opens the bundled exercise (the sample essay and its model answer).
    """
    run_reading(essay, checklist_spec=checklist_spec, reader=reader, out=out, encoding=encoding, training=True, key=key)


def reader_name(given: str | None) -> str:
    """The reader: --reader, then $READTUI_READER, then the login name; control characters removed."""
    name = given or os.environ.get("READTUI_READER") or _login_name()
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name or "reader"


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "reader"


# --- resume and sessions --------------------------------------------------------------------


@main.command()
def resume() -> None:
    """Reopen the most recent reading session."""
    from readtui.core.launch import recent_sessions

    for entry in recent_sessions():
        out = Path(entry["path"])
        if out.is_file():
            checklist = entry.get("checklist")
            run_reading(
                Path(entry["essay"]) if entry.get("essay") else None,
                checklist_spec=checklist if checklist and Path(checklist).is_file() else None,
                reader=entry.get("reader"),
                out=out,
                encoding=entry.get("encoding"),
                training="key" in entry,
                key=Path(entry["key"]) if entry.get("key") else None,
            )
            return
    fail(ReadtuiError(None, "no recent sessions to resume; start one with `readtui ESSAY`"))


@main.command()
def sessions() -> None:
    """List recent assessments: file, essay, reader, progress, last update."""
    from readtui.core.launch import recent_sessions

    entries = recent_sessions()
    if not entries:
        click.echo("No sessions yet. Start one with `readtui ESSAY` (or just `readtui`).")
        return
    for entry in entries:
        progress = f"{entry.get('answered', 0)}/{entry.get('paragraphs', '?')} ¶"
        status = entry.get("status", "")
        missing = "" if Path(entry["path"]).is_file() else "  (file missing)"
        click.echo(
            f"{visible_controls(str(entry.get('updated', '')))[:16]:16}  {progress:>9}  {status:11}  "
            f"{visible_controls(str(entry.get('reader', ''))):12}  {visible_controls(str(entry.get('title', '')))}"
            + ("  (training)" if entry.get("key") else "")
        )
        click.echo(f"{'':16}  {visible_controls(str(entry['path']))}{missing}")


# --- adjudicate ----------------------------------------------------------------------------------


@main.command()
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The answer key to write (or resume)."
)
@click.option(
    "--essay",
    "essay_path",
    type=click.Path(path_type=Path),
    help="The essay, to show each paragraph's text (else the excerpts in the files).",
)
@click.option("--encoding", metavar="NAME", help="The essay's encoding (e.g. cp1252).")
@click.option("--checklist", "checklist_spec", metavar="ID|PATH", help="The checklist [default: found by id].")
@click.option("--reader", metavar="NAME", help="Your name, stored in the key [default: $READTUI_READER or login name].")
@click.option("--majority", is_flag=True, help="Decide by majority without the app; ties stay open (listed on stderr).")
def adjudicate(
    files: tuple[str, ...],
    out: Path,
    essay_path: Path | None,
    encoding: str | None,
    checklist_spec: str | None,
    reader: str | None,
    majority: bool,
) -> None:
    """Settle readers' assessments of one essay into an answer key for `readtui train`.

    Answers everyone agreed on are taken as they are; for every disagreement you pick an
    answer, enter another, or mark it "no consensus", and may write an explanation. The key is
    saved after every decision; run the command again to resume.
    """
    from readtui.core.adjudication import prepare_adjudication
    from readtui.core.assessment import ESSAY
    from readtui.core.storage import AssessmentWriter, FileLock
    from readtui.reports.text import value_text

    try:
        essays = []
        if essay_path is not None:
            from readtui.core.essay import load_essay

            essays.append(load_essay(essay_path, encoding=encoding))
        adjudication = prepare_adjudication(
            list(files), out, checklist_spec=checklist_spec, essays=essays, reader=reader_name(reader)
        )
        lock = FileLock(out)
        lock.acquire()
    except ReadtuiError as error:
        fail(error)
    try:
        for warning in adjudication.warnings:
            click.echo(f"warning: {visible_controls(warning)}", err=True)
        if majority:
            for dispute in adjudication.fill_majority():
                where = "essay" if dispute.index is ESSAY else f"¶ {dispute.index}"
                given = "; ".join(f"{value_text(answer)} ({', '.join(readers)})" for answer, readers in dispute.choices)
                click.echo(visible_controls(f"open: {where} {dispute.item.id}: {given}"), err=True)
            try:
                AssessmentWriter().save(out, adjudication.key)
            except ReadtuiError as error:  # atomic_write turns OSError into this; the old key is intact
                fail(error)
        else:
            from readtui.core.config import load_config
            from readtui.tui.adjudicate_app import AdjudicateApp

            try:
                config = load_config()
            except ReadtuiError as error:
                fail(error)
            AdjudicateApp(adjudication, out, config).run()
    finally:
        lock.release()
    still_open = len(adjudication.open_disputes)
    decided = len(adjudication.disputes) - still_open
    click.echo(
        f"Saved {out}: {adjudication.agreed} agreed, {decided} decided, {still_open} still open"
        + ("" if still_open else " (complete: ready for readtui train --key)")
    )


# --- validate, checklists, schema -----------------------------------------------------------


@main.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--checklist", "checklist_spec", metavar="ID|PATH", help="Check assessments against this checklist.")
@click.option(
    "--essay",
    "essay_path",
    type=click.Path(path_type=Path),
    help="Also check that assessments are of this essay and that every highlight quotes its text.",
)
@click.option("--encoding", metavar="NAME", help="The essay's encoding (e.g. cp1252).")
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


# --- compare ----------------------------------------------------------------------------------


def report_options(formats: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--format`` (``formats`` says what each gives) and ``--out``, for the commands that report."""

    def add(command: Callable[..., Any]) -> Callable[..., Any]:
        command = click.option(
            "--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file instead of stdout."
        )(command)
        return click.option(
            "--format",
            "output_format",
            type=click.Choice(["table", "markdown", "csv", "json"]),
            default="table",
            show_default=True,
            help=formats,
        )(command)

    return add


@main.command()
@click.argument("files", nargs=-1, required=True)
@report_options("table for the terminal, markdown for a handout, csv (one row per answer) or json (every figure).")
@click.option(
    "--checklist", "checklist_spec", metavar="ID|PATH", help="The checklist the files use [default: found by id]."
)
@click.option(
    "--essay",
    "essay_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="An essay the files assess, for its paragraph text (repeatable; matched by sha256).",
)
@click.option("--encoding", metavar="NAME", help="The essays' encoding (e.g. cp1252).")
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
    tui: bool,
) -> None:
    """Compare readers' assessments of the same essays: agreement per item, contested paragraphs.

    FILES are assessment files, directories of them, or glob patterns. Files are grouped by
    essay (sha256); every essay with two or more readers is compared.
    """
    # Loading builds millions of small objects that all live to the end: collecting them is
    # wasted time (a fifth of a large comparison).
    gc.disable()
    try:
        comparison = _compare(files, checklist_spec, essay_paths, encoding, scale_level, bootstrap, seed)
        if not tui:
            from readtui.reports.compare import render

            emit(render(comparison, output_format), out)
            return
    finally:
        gc.enable()
    from readtui.core.config import load_config
    from readtui.tui.compare_app import CompareApp

    try:
        config = load_config()
    except ReadtuiError as error:
        fail(error)
    CompareApp(comparison, config).run()


def _compare(
    files: tuple[str, ...],
    checklist_spec: str | None,
    essay_paths: tuple[Path, ...],
    encoding: str | None,
    scale_level: str,
    bootstrap: int,
    seed: int,
):
    """Load, check and compute the comparison; bad input ends the command (status 2)."""
    from readtui.core.compare import compare as compute
    from readtui.core.corpus import load_comparison
    from readtui.core.essay import load_essay

    try:
        essays = [load_essay(path, encoding=encoding) for path in essay_paths]
        data = load_comparison(list(files), checklist_spec, essays)
    except ReadtuiError as error:
        fail(error)
    for warning in data.warnings:
        click.echo(f"warning: {visible_controls(warning)}", err=True)
    return compute(data, scale_level=scale_level, bootstrap=bootstrap, seed=seed)


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


# --- score ------------------------------------------------------------------------------------


@main.command()
@click.argument("key", type=click.Path(path_type=Path))
@click.argument("learners", nargs=-1, required=True)
@report_options("table for the terminal, markdown, csv (one row per learner) or json (every figure).")
@click.option("--checklist", "checklist_spec", metavar="ID|PATH", help="The checklist [default: the key's].")
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


@main.command()
def checklists() -> None:
    """List bundled checklists and those in your checklist directory."""
    from readtui.core.checklist import bundled_checklists, user_checklist_dir, user_checklists
    from readtui.core.storage import load_checklist

    rows = [("bundled", path) for path in bundled_checklists().values()]
    rows += [("user", path) for path in user_checklists().values()]
    for origin, path in rows:
        try:
            checklist = load_checklist(path)
        except ReadtuiError as error:
            click.echo(f"{path.stem:24} invalid: {str(error).splitlines()[0]}")
            continue
        click.echo(
            f"{checklist.id:24} {visible_controls(checklist.version):>6}  {len(checklist.items):3} items  "
            f"{visible_controls(checklist.title)}  [{origin}]"
        )
    click.echo(f"\nYour own checklists go in: {user_checklist_dir()}")


@main.command()
@click.argument("kind", type=click.Choice(["checklist", "assessment"]))
def schema(kind: str) -> None:
    """Print the JSON Schema of checklist or assessment files (for editors)."""
    if kind == "checklist":
        from readtui.core.checklist import Checklist as model
    else:
        from readtui.core.assessment import Assessment as model
    from readtui.core.schema import json_schema

    document = json_schema(model)
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = f"readtui {kind}"
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))
