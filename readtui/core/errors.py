"""The one exception type the core raises for bad input, and how untrusted text is made printable."""

from __future__ import annotations

import re
from pathlib import Path

EXIT_BAD_INPUT = 2
"""The exit status of a command stopped by bad input (it prints one line per problem)."""


class ReadtuiError(Exception):
    """Bad input: names the file, where in it, and what is wrong.

    ``str(error)`` is the one line shown to the user, e.g.
    ``essay.txt: byte 120: invalid UTF-8 (try --encoding cp1252)``; with a position in the file,
    ``my.toml:23:5: section[1].item[2].options: needs at least 2 options`` (as compilers write it,
    so editors and terminals can jump there).
    """

    def __init__(
        self,
        file: str | Path | None,
        message: str,
        where: str | None = None,
        *,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.file = str(file) if file is not None else None
        self.where = where
        self.message = message
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __reduce__(self):
        # Picklable with their line and column, to cross a process boundary.
        return type(self), (self.file, self.message, self.where), {"line": self.line, "column": self.column}

    def __str__(self) -> str:
        # A file name, or a value quoted from a file, may hold a newline or an escape sequence:
        # keep the message one harmless line.
        file = visible_controls(self.file) if self.file else None
        if file and self.line is not None:
            file = f"{file}:{self.line}:{self.column or 1}"
        parts = [p for p in (file, visible_controls(self.where) if self.where else None) if p]
        parts.append(visible_controls(self.message))
        return ": ".join(parts)


class FileInUse(ReadtuiError):
    """The file is open in another readtui (its lock is held)."""


class ReadtuiErrors(ReadtuiError):
    """Several problems in one file (or several files): one line each."""

    def __init__(self, problems: list[ReadtuiError]) -> None:
        if not problems:
            raise ValueError("ReadtuiErrors needs at least one problem")
        self.problems = problems
        first = problems[0]
        super().__init__(first.file, first.message, first.where)

    def __reduce__(self):
        return type(self), (self.problems,)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def visible_controls(text: str) -> str:
    """``text`` with control characters made visible: C0 controls as their pictures (U+2400…),
    DEL as U+2421, C1 controls and lone surrogates (undecodable bytes in a file name) as U+FFFD.
    Essays show their text this way, and error messages their file names."""
    if not _INVISIBLE.search(text):  # searching first is much faster than sub() when there is nothing to replace
        return text
    return _INVISIBLE.sub(_visible, text)


_INVISIBLE_IN_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def visible_controls_in_lines(text: str) -> str:
    """Like `visible_controls`, but line breaks and tabs are kept: for text laid out on several
    lines, such as a checklist's help."""
    if not _INVISIBLE_IN_LINES.search(text):
        return text
    return _INVISIBLE_IN_LINES.sub(_visible, text)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return "\ufffd"
