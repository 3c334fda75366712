"""``readtui serve``: the reading (or training) app in the browser, one process per tab."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from readtui.cli.common import checklist_option, encoding_option, fail
from readtui.core.errors import ReadtuiError

LOCAL = "127.0.0.1"


@click.command()
@click.argument("essay", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@checklist_option("Checklist id (see `readtui checklists`) or file [default: the essay's default, or the key's].")
@click.option(
    "--key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An answer key: the students train against it (as `readtui train`) instead of reading.",
)
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("class"),
    help="Where the students' files go: <essay>.<name>.readtui.toml [default: ./class/, made if missing].",
)
@click.option("--host", default=LOCAL, show_default=True, help="The address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--public-url",
    help="The address students open when a reverse proxy stands in front (e.g. https://class.school.lan/): "
    "printed with the token, and the one other site whose pages may connect.",
)
@click.option("--token", help="The token the address must carry [default: a new random one].")
@click.option("--no-token", is_flag=True, help=f"No token (only with --host {LOCAL}).")
@encoding_option()
def serve(
    essay: Path | None,
    checklist_spec: str | None,
    key: Path | None,
    directory: Path,
    host: str,
    port: int,
    public_url: str | None,
    token: str | None,
    no_token: bool,
    encoding: str | None,
) -> None:
    """Serve ESSAY (default: the bundled sample) to web browsers: each tab asks the student's name
    and saves to DIR, as `readtui read` would (with --key, as `readtui train`)."""
    import secrets

    if no_token and token is not None:
        fail(ReadtuiError(None, "--token and --no-token: give one or the other"))
    if no_token and host != LOCAL:
        fail(ReadtuiError(None, f"--no-token: only with --host {LOCAL} (anyone who can reach {host} could read)"))
    if token == "":
        fail(ReadtuiError(None, "--token: may not be empty (or give --no-token)"))
    if not no_token and token is None:
        token = secrets.token_urlsafe(24)
    try:
        base = student_base_url(host, port, public_url)
        essay_read, checklist = check_the_files(essay, checklist_spec, key, encoding)
    except ReadtuiError as error:
        fail(error)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fail(ReadtuiError(directory, f"cannot create the directory: {error.strerror}"))
    command = served_command(essay, checklist_spec, key, directory, encoding)
    url = base + (f"?token={token}" if token else "")
    if host != LOCAL:
        click.echo(
            f"Warning: listening on {host}: anyone who can reach it on port {port} "
            + ("and has the token " if token else "")
            + "can open a session.",
            err=True,
        )
    from readtui.cli.web import ReadtuiServer
    from readtui.core.classroom import ClassDirectory
    from readtui.core.essay import sample_essay_path

    essay_path = essay or sample_essay_path()
    students = ClassDirectory(directory, essay_path.stem, essay_read, checklist, training=key is not None)
    title = f"readtui · {essay_path.name}"
    ReadtuiServer(
        command, host=host, port=port, token=token, title=title, url=url, public_url=public_url, students=students
    ).serve()


def student_base_url(host: str, port: int, public_url: str | None) -> str:
    """The address students open (without the token): ``--public-url``, or this machine's own
    address on the network when listening on every interface (0.0.0.0 is no address to open)."""
    from urllib.parse import urlsplit

    if public_url is not None:
        parts = urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise ReadtuiError(None, f"--public-url: {public_url!r} is not an http:// or https:// address of a page")
        return public_url if public_url.endswith("/") else public_url + "/"
    if host in ("0.0.0.0", "::", ""):
        host = network_address()
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/"


def network_address() -> str:
    """This machine's address on its network (the one a route out would use; nothing is sent)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return probe.getsockname()[0]
        except OSError:
            return socket.gethostname()


def check_the_files(essay: Path | None, checklist_spec: str | None, key: Path | None, encoding: str | None):
    """Open the session a tab would open, for a throwaway file, and validate it: bad input fails
    here, once, rather than on every student's screen. Returns the essay and the checklist."""
    import tempfile

    from readtui.core.errors import ReadtuiErrors
    from readtui.core.launch import prepare_reading

    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "check.readtui.toml"
        prepared = prepare_reading(
            essay,
            training=key is not None,
            key_path=key,
            checklist_spec=checklist_spec,
            reader="check",
            out=out,
            encoding=encoding,
        )
        try:
            problems = prepared.check()
        finally:
            prepared.close(remember=False)
    if problems:
        raise ReadtuiErrors(problems)
    return prepared.session.essay, prepared.session.checklist


def served_command(
    essay: Path | None, checklist_spec: str | None, key: Path | None, directory: Path, encoding: str | None
) -> str:
    """The command line each browser tab runs: readtui itself, asking the student's name
    (the hidden --served-into), with the teacher's essay, checklist and key fixed."""
    args = [sys.executable, "-m", "readtui", "train" if key else "read"]
    if essay is not None:
        args.append(str(essay.resolve()))
    if key is not None:
        args += ["--key", str(key.resolve())]
    if checklist_spec is not None:
        spec = Path(checklist_spec)
        args += ["--checklist", str(spec.resolve()) if spec.is_file() else checklist_spec]
    if encoding is not None:
        args += ["--encoding", encoding]
    args += ["--served-into", str(directory.resolve())]
    return "exec " + shlex.join(args)
