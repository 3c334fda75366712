"""``readtui read`` and ``train`` (the app), ``resume`` and ``sessions``."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from readtui.cli.common import (
    CHECKLIST_OF_THE_KEY,
    checklist_option,
    encoding_option,
    fail,
    is_web_page,
    out_option,
    reader_name,
    reader_option,
    served_option,
    terminal_problem,
    timeout_option,
)
from readtui.core.errors import ReadtuiError, ReadtuiErrors, visible_controls

if TYPE_CHECKING:
    from readtui.core.config import Config
    from readtui.core.launch import PreparedSession


@click.command()
@click.argument("essay", required=False)
@checklist_option("Checklist id (see `readtui checklists`) or file.")
@reader_option()
@out_option("Assessment file [default: <essay>.<reader>.readtui.toml here].")
@click.option("--title", help="Essay title, overriding the one detected.")
@click.option("--author", help="Essay author, overriding the one detected.")
@encoding_option("The essay's encoding (e.g. cp1252), or a web page's charset.")
@timeout_option()
@served_option()
def read(
    essay: str | None,
    checklist_spec: str | None,
    reader: str | None,
    out: Path | None,
    title: str | None,
    author: str | None,
    encoding: str | None,
    timeout: float,
    served_into: Path | None,
) -> None:
    """Read ESSAY (default: the bundled sample) and save your answers as you go.

    ESSAY may be a saved web page or an http(s):// URL: its article is imported into a Markdown
    essay first (as `readtui import` does), and that essay is read.
    """
    essay_path = Path(essay) if essay is not None else None
    if essay is not None and is_web_page(essay):
        from readtui.cli.importing import import_source

        essay_path = import_source(essay, timeout=timeout, encoding=encoding)
        encoding = None  # the imported essay is UTF-8
    run_reading(
        essay_path,
        checklist_spec=checklist_spec,
        reader=reader,
        out=out,
        title=title,
        author=author,
        encoding=encoding,
        served_into=served_into,
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
    served_into: Path | None = None,
) -> None:
    """Open a reading session in the app (with ``training``, against the answer ``key``); resume
    the output file if it is there. ``served_into``: see `run_served`."""
    # Start-up allocates many long-lived objects (imports, styles); collecting them is wasted
    # time before the first frame. The app freezes them and turns collection back on after it.
    gc.disable()
    from readtui.core.config import load_config
    from readtui.core.launch import prepare_reading

    def open_session(reader: str, out: Path | None) -> PreparedSession:
        return prepare_reading(
            essay_path,
            training=training,
            key_path=key,
            checklist_spec=checklist_spec,
            reader=reader,
            out=out,
            title=title,
            author=author,
            encoding=encoding,
            preview=True,
        )

    try:
        config = load_config()
        if served_into is not None:
            run_served(open_session, essay_path, served_into, config, training=training)
            return
        prepared = open_session(reader_name(reader), out)
    except ReadtuiError as error:
        fail(error)
    if problem := terminal_problem():
        prepared.close(remember=False)
        fail(problem)
    from readtui.tui.app import FINISHED, make_app

    app = make_app(prepared, config)
    try:
        result = app.run()
    finally:
        prepared.close(remember=not app.bad_input)
    if app.bad_input:
        fail(ReadtuiErrors(app.bad_input))
    click.echo(f"Saved {prepared.out_path}" + (" (complete)" if result == FINISHED else ""))
    if app.return_code:
        sys.exit(app.return_code)


@click.command()
@click.argument("essay", required=False, type=click.Path(dir_okay=True, path_type=Path))
@click.option(
    "--key",
    "key",
    type=click.Path(path_type=Path),
    help="The answer key (an assessment, e.g. made with `readtui adjudicate`) [default: the bundled exercise].",
)
@checklist_option(CHECKLIST_OF_THE_KEY)
@reader_option()
@out_option("Your file [default: <essay>.<reader>.train.readtui.toml here].")
@encoding_option()
@served_option()
def train(
    essay: Path | None,
    key: Path | None,
    checklist_spec: str | None,
    reader: str | None,
    out: Path | None,
    encoding: str | None,
    served_into: Path | None,
) -> None:
    """Practise on ESSAY against an answer key: answer a paragraph, then see where the key differs.

    With no ESSAY and no --key, opens the bundled exercise (the sample essay and its model answer).
    """
    run_reading(
        essay,
        checklist_spec=checklist_spec,
        reader=reader,
        out=out,
        encoding=encoding,
        training=True,
        key=key,
        served_into=served_into,
    )


def run_served(
    open_session: Callable[[str, Path | None], PreparedSession],
    essay_path: Path | None,
    into: Path,
    config: Config,
    *,
    training: bool,
) -> None:
    """One student's tab of `readtui serve`: the app asks the name, then opens
    ``<essay>.<name>.readtui.toml`` (or ``.train.readtui.toml``) in ``into``. A name whose file
    another tab holds is refused on screen. Nothing is printed: stdout is the browser's."""
    from readtui.core.essay import sample_essay_path
    from readtui.core.launch import default_out_path
    from readtui.tui.app import make_served_app

    essay_path = essay_path or sample_essay_path()

    def open_named(name: str) -> PreparedSession:
        return open_session(name, into / default_out_path(essay_path, name, "train" if training else "").name)

    app = make_served_app(open_named, essay_path.name, config)
    try:
        app.run()
    finally:
        if app.prepared is not None:
            app.prepared.close(remember=False)
    if app.return_code:
        sys.exit(app.return_code)


@click.command()
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


@click.command()
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
