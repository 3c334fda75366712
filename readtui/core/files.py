"""Reading a file someone named, safely: only regular files, and never a hang (light: the essay
module imports it before anything else is loaded)."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from readtui.core.errors import ReadtuiError

_SPECIAL_FILES = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_regular_file(path: Path, *, what: str = "a file", name_the_step: bool = False) -> bytes:
    """The bytes of ``path``, after checking (without opening it) that it is a regular file: reading
    a FIFO would wait for a writer for ever, and a device may never end. ``what`` the file should
    be ("an essay file") is named when it is a directory; ``name_the_step`` says "cannot open" or
    "cannot read" before the system's reason."""
    opening, reading = ("cannot open: ", "cannot read: ") if name_the_step else ("", "")
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ReadtuiError(
            path, "broken symlink (its target does not exist)" if os.path.islink(path) else "no such file"
        ) from None
    except ValueError:  # a NUL in the name
        raise ReadtuiError(path, "not a valid file name") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise ReadtuiError(path, "symlink loop (too many levels of symbolic links)") from None
        raise ReadtuiError(path, opening + (error.strerror or str(error))) from None
    if stat.S_ISDIR(info.st_mode):
        raise ReadtuiError(path, f"is a directory, not {what}")
    if not stat.S_ISREG(info.st_mode):
        kind = next((kind for is_kind, kind in _SPECIAL_FILES if is_kind(info.st_mode)), "a special file")
        raise ReadtuiError(path, f"is {kind}, not a regular file")
    try:
        # O_NONBLOCK: should the file be swapped for a FIFO after the stat, opening it must not hang.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with open(descriptor, "rb") as file:
            return file.read()
    except OSError as error:
        raise ReadtuiError(path, reading + (error.strerror or str(error))) from None
