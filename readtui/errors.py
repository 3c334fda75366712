"""The one exception type the core raises for bad input."""

from __future__ import annotations

from pathlib import Path


class ReadtuiError(Exception):
    """Bad input: names the file, where in it, and what is wrong.

    ``str(error)`` is the one line shown to the user, e.g.
    ``essay.txt: byte 120: invalid UTF-8 (try --encoding cp1252)``.
    """

    def __init__(self, file: str | Path | None, message: str, where: str | None = None) -> None:
        self.file = str(file) if file is not None else None
        self.where = where
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        # A file name may hold a newline or an escape sequence: keep the message one harmless line.
        parts = [p for p in (_printable(self.file) if self.file else None, self.where) if p]
        parts.append(self.message)
        return ": ".join(parts)


class ReadtuiErrors(ReadtuiError):
    """Several problems in one file (or several files): one line each."""

    def __init__(self, problems: list[ReadtuiError]) -> None:
        if not problems:
            raise ValueError("ReadtuiErrors needs at least one problem")
        self.problems = problems
        first = problems[0]
        super().__init__(first.file, first.message, first.where)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def _printable(text: str) -> str:
    """Control characters shown as their visible pictures (U+2400…), as essays show them; other
    controls and lone surrogates (undecodable bytes in a file name) as U+FFFD."""
    return "".join(_visible(ch) for ch in text)


def _visible(ch: str) -> str:
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    if 0x80 <= code < 0xA0 or 0xD800 <= code < 0xE000:
        return "\ufffd"
    return ch
