"""Where a field path is in a TOML text: ``section[2].item[1].options`` → line 14, column 3.

`tomllib` keeps no positions, so error messages could only name the field path. This module scans
a text that `tomllib` has already parsed (so it trusts the syntax) and records where each table,
key and array element first appears: tables from ``[a.b]`` and ``[[a.b]]`` headers, keys (dotted
or quoted) where they are written, array elements and inline-table keys where they start. It is
imported only on the way to reporting an error.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence

Place = tuple[str | int, ...]
"""A place in the parsed data, as pydantic's ``loc``: keys, and array indices counting from 0."""

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_SPACE = " \t"


def locate(text: str, path: Sequence[str | int]) -> tuple[int, int] | None:
    """The line and column (from 1) of ``path`` in ``text``, or of the nearest enclosing place that is
    written there (a missing key is reported at its table's header); None for the document itself."""
    offset = nearest(Scanner(text).places(), path)
    return None if offset is None else line_and_column(text, offset)


def nearest(places: dict[Place, int], path: Sequence[str | int]) -> int | None:
    """The offset of ``path`` among a scan's ``places``, or of its nearest enclosing place written in the text."""
    for end in range(len(path), 0, -1):
        offset = places.get(tuple(path[:end]))
        if offset is not None:
            return offset
    return None


def value_span(text: str, path: Sequence[str | int]) -> tuple[int, int] | None:
    """Where the value at ``path`` is written (start and end offsets), if it is a plain value."""
    return Scanner(text).values().get(tuple(path))


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """The line and column (from 1, counting characters) of ``offset`` in ``text``."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


_PATH_PART = re.compile(r"\[(\d+)\]|([A-Za-z0-9_-]+)|('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")")


def parse_field_path(where: str) -> Place | None:
    """The inverse of `readtui.core.schema.field_path`: ``section[2].item[1]`` → ``("section", 1,
    "item", 0)``; None for anything else (``byte 12``, ``end of file``)."""
    parts: list[str | int] = []
    at = 0
    while at < len(where):
        if parts and where[at] == ".":
            at += 1
        match = _PATH_PART.match(where, at)
        if match is None or (match.group(1) is not None and not parts):
            return None
        counted, bare, quoted = match.groups()
        if counted:
            if int(counted) < 1:
                return None
            parts.append(int(counted) - 1)
        elif bare is not None:
            parts.append(bare)
        else:
            parts.append(ast.literal_eval(quoted))
        at = match.end()
        if at < len(where) and where[at] not in ".[":
            return None
    return tuple(parts) or None


class Scanner:
    """One pass over a valid TOML text, recording the offset where each place first appears."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0
        self._places: dict[Place, int] = {}
        self._values: dict[Place, tuple[int, int]] = {}
        self._tables: dict[Place, int] = {}  # an array of tables → how many tables it has so far
        self._scanned = False

    def places(self) -> dict[Place, int]:
        """Every place (table, key, array element) and the offset where it first appears."""
        self._scan()
        return self._places

    def values(self) -> dict[Place, tuple[int, int]]:
        """Every plain value (string, number, boolean, date) and its span."""
        self._scan()
        return self._values

    # --- the document -------------------------------------------------------------------------

    def _scan(self) -> None:
        if self._scanned:
            return
        self._scanned = True
        table: Place = ()
        text = self.text
        while self.at < len(text):
            self._skip_blank()
            if self.at >= len(text):
                break
            before = self.at
            if text[self.at] == "[":
                table = self._header()
            else:
                self._key_value(table)
            self.at = max(self.at, before + 1)  # never stuck, whatever the text

    def _header(self) -> Place:
        start = self.at
        array = self.text.startswith("[[", self.at)
        self.at += 2 if array else 1
        keys = self._key()
        self.at = self.text.index("]]" if array else "]", self.at) + (2 if array else 1)
        path = self._resolve(keys, start)
        if array:
            count = self._tables.get(path, 0)
            self._tables[path] = count + 1
            path += (count,)
        self._mark(path, start)
        return path

    def _resolve(self, keys: list[tuple[str, int]], start: int) -> Place:
        """A header's keys as a path: each array of tables on the way stands for its last table."""
        path: Place = ()
        for n, (key, _) in enumerate(keys):
            path += (key,)
            self._mark(path, start)
            if n < len(keys) - 1 and path in self._tables:
                path += (self._tables[path] - 1,)
        return path

    def _key_value(self, table: Place) -> None:
        path = table
        for key, offset in self._key():
            path += (key,)
            self._mark(path, offset)
        self._skip(_SPACE)
        self.at += 1  # "="
        self._skip(_SPACE)
        self._value(path)

    # --- keys and values ----------------------------------------------------------------------

    def _key(self) -> list[tuple[str, int]]:
        """A (possibly dotted) key, each part with the offset where it is written."""
        parts = []
        while True:
            self._skip(_SPACE)
            start = self.at
            char = self.text[self.at]
            if char in "\"'":
                end = self._string_end()
                parts.append((self._decode(self.text[start:end]), start))
            else:
                match = _BARE.match(self.text, self.at)
                end = match.end() if match else self.at
                parts.append((self.text[start:end], start))
            self.at = end
            self._skip(_SPACE)
            if self.at < len(self.text) and self.text[self.at] == ".":
                self.at += 1
                continue
            return parts

    def _value(self, path: Place) -> None:
        char = self.text[self.at]
        if char == "[":
            self._array(path)
        elif char == "{":
            self._inline_table(path)
        else:
            start = self.at
            if char in "\"'":
                self.at = self._string_end()
            else:
                while self.at < len(self.text) and self.text[self.at] not in ",]}#\r\n":
                    self.at += 1
                while self.text[self.at - 1] in _SPACE:
                    self.at -= 1
            self._values.setdefault(path, (start, self.at))

    def _array(self, path: Place) -> None:
        self.at += 1
        index = 0
        while True:
            self._skip_blank()
            if self.text[self.at] == "]":
                self.at += 1
                return
            if self.text[self.at] == ",":
                self.at += 1
                continue
            self._mark(path + (index,), self.at)
            self._value(path + (index,))
            index += 1

    def _inline_table(self, path: Place) -> None:
        self.at += 1
        while True:
            self._skip_blank()
            if self.text[self.at] == "}":
                self.at += 1
                return
            if self.text[self.at] == ",":
                self.at += 1
                continue
            self._key_value(path)

    def _string_end(self) -> int:
        """The offset just after the string (basic, literal, or either multi-line) starting here."""
        text, at = self.text, self.at
        quote = text[at]
        if text.startswith(quote * 3, at):
            at += 3
            while True:
                if quote == '"' and text[at] == "\\":
                    at += 2
                elif text.startswith(quote * 3, at):
                    end = at + 3
                    while end < len(text) and text[end] == quote and end < at + 5:
                        end += 1  # up to two quotes may end the content, just before the delimiter
                    return end
                else:
                    at += 1
        at += 1
        while text[at] != quote:
            at += 2 if quote == '"' and text[at] == "\\" else 1
        return at + 1

    @staticmethod
    def _decode(quoted: str) -> str:
        import tomllib

        return tomllib.loads(f"k = {quoted}")["k"]

    # --- the rest -----------------------------------------------------------------------------

    def _mark(self, path: Place, offset: int) -> None:
        self._places.setdefault(path, offset)

    def _skip(self, chars: str) -> None:
        while self.at < len(self.text) and self.text[self.at] in chars:
            self.at += 1

    def _skip_comment(self) -> None:
        end = self.text.find("\n", self.at)
        self.at = len(self.text) if end < 0 else end

    def _skip_blank(self) -> None:
        """Spaces, line breaks and comments (between the values of an array)."""
        while True:
            self._skip(" \t\r\n")
            if self.at < len(self.text) and self.text[self.at] == "#":
                self._skip_comment()
            else:
                return
