"""What the commands share: their common options, the reader's name, and how bad input ends a command."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from readtui.core.errors import EXIT_BAD_INPUT, ReadtuiError, ReadtuiErrors

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]

CHECKLIST_OF_THE_KEY = "The checklist [default: the key's]."
CHECKLIST_OF_THE_FILES = "The checklist the files use [default: found by id]."
PAGE_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
"""A file with one of these suffixes is a saved web page, imported before it is read."""


def terminal_problem() -> ReadtuiError | None:
    """Why the app cannot run here, if it cannot: its input or output is not a terminal (Textual
    would draw into a file, or wait on an input that has ended, using a whole CPU)."""
    if sys.stdin.isatty() and sys.stdout.isatty():
        return None
    which = "input" if not sys.stdin.isatty() else "output"
    return ReadtuiError(None, f"the app needs a terminal, and its {which} is not one (run it in a terminal)")


def fail(error: ReadtuiError) -> None:
    """Print the problem, one line per problem (with the line and column of a place in a TOML
    file), and exit with status 2."""
    from readtui.core.storage import add_positions

    if isinstance(error, ReadtuiErrors):
        error.problems = add_positions(error.problems)
    else:
        add_positions([error])
    click.echo(str(error), err=True)
    sys.exit(EXIT_BAD_INPUT)


def is_web_page(source: str) -> bool:
    """Whether ``source`` (a command-line argument) is an http(s) URL or a saved web page."""
    return source[:8].lower().startswith(("http://", "https://")) or Path(source).suffix.lower() in PAGE_SUFFIXES


def reader_name(given: str | None) -> str:
    """The reader: --reader, then $READTUI_READER, then the login name; control characters removed."""
    from readtui.core.launch import clean_reader_name

    return clean_reader_name(given or os.environ.get("READTUI_READER") or _login_name()) or "reader"


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "reader"


# --- options ------------------------------------------------------------------------------------


def checklist_option(text: str) -> Decorator:
    """``--checklist ID|PATH`` (a bundled or user checklist id, or a file), as ``checklist_spec``."""
    return click.option("--checklist", "checklist_spec", metavar="ID|PATH", help=text)


def reader_option(stored_in: str = "the file") -> Decorator:
    """``--reader NAME``, resolved by `reader_name`; ``stored_in`` says where the name is written."""
    return click.option(
        "--reader", metavar="NAME", help=f"Your name, stored in {stored_in} [default: $READTUI_READER or login name]."
    )


def served_option() -> Decorator:
    """``--served-into DIR``, hidden: set by `readtui serve` for each browser tab, whose app asks
    the reader's name and writes into DIR (see docs/architecture.md)."""
    return click.option("--served-into", type=click.Path(file_okay=False, path_type=Path), hidden=True)


def out_option(text: str, *, required: bool = False) -> Decorator:
    """``--out PATH``: the file a command writes (``text`` says which, and its default)."""
    return click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=required, help=text)


def essay_option(text: str, *, multiple: bool = False) -> Decorator:
    """``--essay PATH`` (as ``essay_path``, or repeatable as ``essay_paths``): an essay the files assess."""
    name = "essay_paths" if multiple else "essay_path"
    return click.option("--essay", name, multiple=multiple, type=click.Path(path_type=Path), help=text)


def encoding_option(text: str = "The essay's encoding (e.g. cp1252).") -> Decorator:
    """``--encoding NAME``: the encoding of the essay (or essays) read."""
    return click.option("--encoding", metavar="NAME", help=text)


def timeout_option() -> Decorator:
    """``--timeout SECONDS``: how long fetching a URL may take."""
    return click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=20.0,
        show_default=True,
        metavar="SECONDS",
        help="Give up fetching a URL after this long.",
    )


def report_options(formats: str, choices: tuple[str, ...] = ("table", "markdown", "csv", "json")) -> Decorator:
    """``--format`` (one of ``choices``; ``formats`` says what each gives) and ``--out``, for the
    commands that report."""

    def add(command: Callable[..., Any]) -> Callable[..., Any]:
        command = out_option("Write to this file instead of stdout.")(command)
        return click.option(
            "--format",
            "output_format",
            type=click.Choice(choices),
            default="table",
            show_default=True,
            help=formats,
        )(command)

    return add
