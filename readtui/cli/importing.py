"""``readtui import``: a saved web page or a URL made into a Markdown essay (and `readtui page.html`)."""

from __future__ import annotations

from pathlib import Path

import click

from readtui.cli.common import encoding_option, fail, out_option, timeout_option
from readtui.core.errors import ReadtuiError, visible_controls


@click.command("import")
@click.argument("source")
@out_option("The essay to write [default: beside a saved page as <page>.md; for a URL, here].")
@timeout_option()
@encoding_option("The page's charset, overriding the one it declares.")
def import_command(source: str, out: Path | None, timeout: float, encoding: str | None) -> None:
    """Extract the article of SOURCE (a saved .html page or an http(s):// URL) into a Markdown essay.

    Main text only (no menus, ads or comments), with its title, author, date and site as front
    matter. Read it with `readtui ESSAY.md`, or do both at once with `readtui SOURCE`.
    """
    import_source(source, out=out, timeout=timeout, encoding=encoding)


def import_source(source: str, *, out: Path | None = None, timeout: float, encoding: str | None = None) -> Path:
    """Import ``source``, say where the essay went (or fail with one line, exit 2); its path."""
    from readtui.core.webpage import import_page  # only when importing: `readtui --version` stays fast

    try:
        imported = import_page(source, out=out, timeout=timeout, encoding=encoding)
    except ReadtuiError as error:
        fail(error)
    path = visible_controls(str(imported.path))
    what = f'"{visible_controls(imported.title) or "untitled"}" ({imported.paragraphs} paragraph{"s" if imported.paragraphs != 1 else ""})'
    if not imported.written:
        click.echo(f"Already imported: {what} in {path}")
    elif imported.instead_of is not None:
        click.echo(f"Imported {what} to {path} ({visible_controls(str(imported.instead_of))} exists and differs)")
    else:
        click.echo(f"Imported {what} to {path}")
    return imported.path
