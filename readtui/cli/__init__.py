"""The ``readtui`` command. Non-interactive commands use only the core; ``read`` starts the app.

Each command's module imports what the command needs inside it, so that ``readtui --version`` and
the commands that do not read or compare stay fast.
"""

from __future__ import annotations

from pathlib import Path

import click

from readtui import __version__
from readtui.cli.adjudicate import adjudicate
from readtui.cli.files import checklist, checklists, schema, validate
from readtui.cli.importing import import_command
from readtui.cli.reading import read, resume, sessions, train
from readtui.cli.reports import compare, report, score
from readtui.cli.serve import serve


class DefaultToRead(click.Group):
    """A group whose first argument, when it is not a command, is the essay to read."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        first = args[0] if args else None
        if first is None or (first not in self.commands and first not in ("--help", "-h", "--version")):
            if first is not None:
                self.refuse_a_misspelt_command(ctx, first)
            args = ["read", *args]
        return super().parse_args(ctx, args)

    def refuse_a_misspelt_command(self, ctx: click.Context, first: str) -> None:
        """``readtui compre …`` is a typo, not an essay: say which command was meant (a file of
        that name is read as ever)."""
        if first.startswith("-") or Path(first).exists():
            return
        import difflib

        meant = difflib.get_close_matches(first, list(self.commands), n=1, cutoff=0.75)
        if meant:
            ctx.fail(f"no command or file {first!r}: did you mean `readtui {meant[0]}`?")


@click.group(
    cls=DefaultToRead,
    context_settings={"help_option_names": ["-h", "--help"]},
    commands=[
        read,
        train,
        serve,
        resume,
        sessions,
        import_command,
        adjudicate,
        validate,
        compare,
        score,
        report,
        checklists,
        checklist,
        schema,
    ],
)
@click.version_option(__version__, "--version", prog_name="readtui", message="%(prog)s %(version)s")
def main() -> None:
    """Read an essay one paragraph at a time beside a critical-reading checklist.

    With no command, opens ESSAY (or the bundled sample essay) for reading:
    `readtui [ESSAY] [OPTIONS]` is the same as `readtui read [ESSAY] [OPTIONS]`. A saved web
    page or an http(s):// URL is imported first (see `readtui import`).
    """
