"""``readtui adjudicate``: settle readers' assessments of one essay into an answer key."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from readtui.cli.common import (
    CHECKLIST_OF_THE_FILES,
    checklist_option,
    encoding_option,
    essay_option,
    fail,
    out_option,
    reader_name,
    reader_option,
    terminal_problem,
)
from readtui.core.errors import ReadtuiError, visible_controls


@click.command()
@click.argument("files", nargs=-1, required=True)
@out_option("The answer key to write (or resume).", required=True)
@essay_option("The essay, to show each paragraph's text (else the excerpts in the files).")
@encoding_option()
@checklist_option(CHECKLIST_OF_THE_FILES)
@reader_option(stored_in="the key")
@click.option("--majority", is_flag=True, help="Decide by majority without the app; ties stay open (listed on stderr).")
@click.option(
    "--multi-majority",
    type=click.Choice(["per-option", "whole-set"]),
    default="per-option",
    show_default=True,
    help="A multi-select item's majority: each option ticked by more than half of the readers who answered, "
    "or the set most of them gave.",
)
@click.option(
    "--tolerance",
    "tolerances",
    metavar="[ITEM=]N",
    multiple=True,
    help="How far a scale answer may be from the key's and still count as right: N for every scale item, "
    "ITEM=N for one (repeatable) [default: 0, or the key's].",
)
def adjudicate(
    files: tuple[str, ...],
    out: Path,
    essay_path: Path | None,
    encoding: str | None,
    checklist_spec: str | None,
    reader: str | None,
    majority: bool,
    multi_majority: str,
    tolerances: tuple[str, ...],
) -> None:
    """Settle readers' assessments of one essay into an answer key for `readtui train`.

    Answers everyone agreed on are taken as they are; for every disagreement you pick an
    answer, enter another, or mark it "no consensus", and may write an explanation; or you
    accept every majority at once (a) and settle only the ties. The key is saved after every
    decision; run the command again to resume. The rules: docs/adjudicate.md.
    """
    from readtui.core.adjudication import PER_OPTION, prepare_adjudication
    from readtui.core.assessment import ESSAY
    from readtui.core.checklist import MultiItem
    from readtui.core.essay import load_essay, sample_essay_path
    from readtui.core.storage import AssessmentWriter, FileLock
    from readtui.reports.text import value_text

    try:
        essays = [] if essay_path is None else [load_essay(essay_path, encoding=encoding)]
        adjudication = prepare_adjudication(
            list(files),
            out,
            checklist_spec=checklist_spec,
            essays=essays,
            known=[load_essay(sample_essay_path())],  # readers of the sample need no --essay
            reader=reader_name(reader),
        )
        adjudication.multi_rule = multi_majority
        for item_id, value in sorted(map(_tolerance, tolerances), key=lambda pair: pair[0] != "*"):
            try:
                adjudication.set_tolerance(item_id, value)
            except ValueError as error:
                raise ReadtuiError(None, str(error), "--tolerance") from None
        lock = FileLock(out)
        lock.acquire()
    except ReadtuiError as error:
        fail(error)
    ended_by_signal = 0
    try:
        for warning in adjudication.warnings:
            click.echo(f"warning: {visible_controls(warning)}", err=True)
        if majority or not adjudication.disputes:  # nothing to settle on screen
            for dispute in adjudication.fill_majority():
                where = "essay" if dispute.index is ESSAY else f"¶ {dispute.index}"
                given = "; ".join(f"{value_text(answer)} ({', '.join(readers)})" for answer, readers in dispute.choices)
                if multi_majority == PER_OPTION and isinstance(dispute.item, MultiItem) and dispute.tied_options():
                    given += " · tied: " + ", ".join(option.id for option in dispute.tied_options())
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
            if problem := terminal_problem():
                fail(problem)
            app = AdjudicateApp(adjudication, out, config)
            app.run()
            ended_by_signal = app.return_code or 0
            if app.save_error is not None:
                click.echo(f"Not saved: {app.save_error}; {out} keeps its last saved state.", err=True)
                sys.exit(1)
    finally:
        lock.release()
    still_open = len(adjudication.open_disputes)
    decided = len(adjudication.disputes) - still_open
    click.echo(
        f"Saved {out}: {adjudication.agreed} agreed, {decided} decided, {still_open} still open"
        + ("" if still_open else " (complete: ready for readtui train --key)")
    )
    if ended_by_signal:
        sys.exit(ended_by_signal)


def _tolerance(spec: str) -> tuple[str, int]:
    """``N`` → ("*", N); ``ITEM=N`` → (ITEM, N)."""
    item_id, equals, number = spec.rpartition("=")
    try:
        if equals and not item_id.strip():
            raise ValueError
        return item_id.strip() or "*", int(number)
    except ValueError:
        raise ReadtuiError(None, f"{spec!r} is not N or ITEM=N (N a whole number)", "--tolerance") from None
