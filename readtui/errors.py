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
        parts = [p for p in (self.file, self.where) if p]
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
