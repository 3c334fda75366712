"""The one module that reads and writes TOML: atomic saves, locks, the sessions index."""

from __future__ import annotations

import bisect
import contextlib
import errno
import fcntl
import functools
import glob
import hashlib
import marshal
import os
import re
import threading
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import tomli_w

from readtui.core.errors import FileInUse, ReadtuiError
from readtui.core.files import read_regular_file

SESSIONS_KEPT = 50


# --- reading --------------------------------------------------------------------------------


def parse_toml(path: str | Path) -> dict[str, Any]:
    """Read a TOML file; any problem (missing, unreadable, syntax) becomes a one-line ReadtuiError."""
    path = Path(path)
    data = read_regular_file(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _byte_position(data, error.start)
        raise ReadtuiError(
            path, "not valid UTF-8 (TOML files must be UTF-8)", f"byte {error.start}", line=line, column=column
        ) from None
    if len(data) >= FAST_PARSE_BYTES:
        parsed = _fast_loads(data, text)
        if parsed is not None:
            return parsed
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _syntax_error(path, text, error) from None
    except RecursionError:  # tomllib recurses once per level of nested arrays or inline tables
        raise ReadtuiError(path, "TOML syntax error: nested too deeply") from None


FAST_PARSE_BYTES = 32_768
"""From this size on, a file is parsed by rtoml (compiled, about 8 × faster) when it is installed:
below it, tomllib takes a few milliseconds and importing rtoml is not worth it."""


@functools.cache
def _rtoml() -> Callable[[str], Any] | None:
    try:
        from rtoml import loads
    except ImportError:  # an optional speed-up: tomllib reads the same files
        return None
    return loads


# tomllib is the reference: rtoml's result is kept only for text where the two cannot differ. They
# differ where rtoml reads TOML 1.1 (the toml-test suite and tests/unit/test_fast_toml.py find no
# other case): escapes \e and \xHH, times without seconds, inline tables over several lines or
# with a trailing comma, and a byte-order mark (readtui takes off the first one, not a second); and
# in an offset datetime's time zone (rtoml's own class, where tomllib gives a datetime.timezone).
# Each check is a scan for a byte that is rare in the files readtui writes.
# Compiled by `re` on first use, not on import (storage is on the first frame's path).
_ESCAPE_11 = rb"\\[ex]"
_MINUTES = rb":[0-9][0-9](?![:0-9])"
_OFFSET = rb":[0-9][0-9](?:\.[0-9]+)?(?:[Zz]|[+-][0-9][0-9]:[0-9][0-9])"
_HEADER = rb"\n[ \t]*\[(\[?)([^\]\n]*)"
_ONE_LINE_TABLE = rb"""\{(?:[^{}"',#\n]|,(?![ \t]*\})|"(?!"")(?:[^"\\\n]|\\.)*"|'(?!'')[^'\n]*')*\}"""


def _fast_loads(data: bytes, text: str) -> dict[str, Any] | None:
    """``text`` parsed by rtoml, as tomllib would; None when rtoml is missing, refuses the text, or
    the text has something rtoml may read otherwise (tomllib then has the last word)."""
    loads = _rtoml()
    if loads is None or text.startswith("\ufeff") or (b"\\" in data and _escape_11(data)):
        return None
    if not _one_line_tables(data) or _time_without_seconds(data) or not _tables_in_order(data):
        return None
    try:
        parsed = loads(text)
    except Exception:  # whatever rtoml refuses, tomllib reads again, to accept it or say why not
        return None
    offsets = len(re.findall(_OFFSET, data))
    if offsets:
        _as_tomllib_zones(parsed, offsets)
    return parsed


def _escape_11(data: bytes) -> bool:
    """Whether ``data`` has ``\\e`` or ``\\x`` (``\\\\e`` is a backslash, then e), in a value or a comment."""
    for escape in re.finditer(_ESCAPE_11, data):
        before = escape.start()
        while before and data[before - 1] == ord("\\"):
            before -= 1
        if (escape.start() - before) % 2 == 0:  # the backslashes before it pair up
            return True
    return False


def _time_without_seconds(data: bytes) -> bool:
    """Whether ``data`` has an hour and minutes not followed by seconds (``07:32``, not ``07:32:00``
    nor the offset ``+07:00``), in a value or, harmlessly, in a string."""
    for minutes in re.finditer(_MINUTES, data):
        before = data[minutes.start() - 3 : minutes.start()]
        if before[1:].isdigit() and before[:1] not in b":+-":
            return True
    return False


def _one_line_tables(data: bytes) -> bool:
    """Whether every ``{`` opens an inline table that closes on the same line, holds no other
    table, no multi-line string and no trailing comma (a ``{`` in a string only refuses more)."""
    return data.count(b"{") == len(re.findall(_ONE_LINE_TABLE, data))


def _tables_in_order(data: bytes) -> bool:
    """Whether no ``[table]`` is declared after a table inside it (``[a.b]``, ``[c]``, ``[a]``):
    tomllib keeps such a table where it was first made (a, c), rtoml moves it to its header (c, a).
    Headers with quotes or spaces are not compared: the file goes to tomllib."""
    headers = re.findall(_HEADER, b"\n" + data)
    first = dict.fromkeys(headers)  # readtui's files repeat [[paragraph]] and [paragraph.answers]
    made: set[bytes] = set()
    for array, name in first:
        if any(byte in name for byte in b"\"' \t"):
            return False
        if not array and name in made:
            return False
        parts = name.split(b".")
        made.update(b".".join(parts[:n]) for n in range(1, len(parts)))
    # a table declared again (in another element of an array of tables) that has tables inside it
    return not any(not array and name in made and headers.count((array, name)) > 1 for array, name in first)


def _as_tomllib_zones(node: dict | list, count: int) -> int:
    """Give the first ``count`` offset datetimes in ``node`` (in document order) the ``timezone``
    tomllib gives them; returns how many are still to find."""
    for key, value in node.items() if isinstance(node, dict) else enumerate(node):
        if isinstance(value, datetime) and value.tzinfo is not None:
            node[key] = value.replace(tzinfo=timezone(value.utcoffset()))
            count -= 1
        elif isinstance(value, dict | list):
            count = _as_tomllib_zones(value, count)
        if not count:
            break
    return count


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """The line and column (from 1) of a byte that is not UTF-8, columns counting the characters before it."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    before = data[line_start:offset].decode("utf-8", errors="replace")
    return data.count(b"\n", 0, offset) + 1, len(before.removeprefix("\ufeff")) + 1


_AT_LINE = re.compile(r" \(at line (\d+), column (\d+)\)$")


def _syntax_error(path: Path, text: str, error: tomllib.TOMLDecodeError) -> ReadtuiError:
    """``file:3:7: TOML syntax error: …`` (at the end of the text when the file stops too soon)."""
    message = str(error)
    at = _AT_LINE.search(message)
    if at:
        line, column = int(at[1]), int(at[2])
        message = message[: at.start()]
    else:
        from readtui.core.positions import line_and_column

        line, column = line_and_column(text, len(text))
        message = message.removesuffix(" (at end of document)")
    return ReadtuiError(path, f"TOML syntax error: {message}", line=line, column=column)


def add_positions(problems: list[ReadtuiError]) -> list[ReadtuiError]:
    """Give each problem whose place is a field path of a TOML file (``section[2].item[1].options``)
    the line and column where that place is written, so ``str(problem)`` reads
    ``my.toml:14:3: section[2].item[1].options: …``, and returns them from the top of each file
    down (the files in the order they come). Called on the way to showing them; files that cannot
    be read or parsed now are left as they are."""
    from readtui.core.positions import line_and_column, nearest, parse_field_path

    scanned: dict[str, tuple[str, dict] | None] = {}
    for problem in problems:
        place = parse_field_path(problem.where) if problem.where and problem.line is None else None
        if place is None or problem.file is None:
            continue
        if problem.file not in scanned:
            scanned[problem.file] = _scan_toml(Path(problem.file))
        if scanned[problem.file] is not None:
            text, places = scanned[problem.file]
            offset = nearest(places, place)
            if offset is not None:
                problem.line, problem.column = line_and_column(text, offset)
    files = {problem.file: n for n, problem in reversed(list(enumerate(problems)))}
    return sorted(problems, key=lambda problem: (files[problem.file], problem.line or 0))


def _scan_toml(path: Path) -> tuple[str, dict] | None:
    """A TOML file's text and the places written in it; None if it is not (or no longer) valid TOML."""
    from readtui.core.positions import Scanner

    try:
        text = read_regular_file(path).decode("utf-8-sig")
        tomllib.loads(text)  # the scanner trusts the syntax
        return text, Scanner(text).places()
    except (ReadtuiError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError, IndexError, ValueError):
        return None


def load_checklist(path: str | Path):
    """Load and validate a checklist file."""
    from readtui.core.checklist import checklist_from_data

    path = Path(path)
    return checklist_from_data(path, parse_toml(path))


def load_assessment(path: str | Path):
    """Load an assessment file and validate it against its schema."""
    from readtui.core.assessment import assessment_from_data

    path = Path(path)
    return assessment_from_data(path, parse_toml(path))


# Anchored on the newline before a line (not ``^`` and MULTILINE, which re tries at every
# character): a header on the first line of a file is in its head either way.
_PARAGRAPH_START = re.compile(r"\n[ \t]*\[\[[ \t]*paragraph[ \t]*\]\]")
_PARAGRAPH_PART = re.compile(r"\n[ \t]*\[\[?[ \t]*paragraph[ \t]*[.\]]")
_OTHER_HEADER = re.compile(r"\n[ \t]*\[(?![ \t]*\[?[ \t]*paragraph[ \t]*[.\]])")
"""A line opening any table but a ``[[paragraph]]`` or one of its own (or, in an array written over
several lines, an element that is an array: either way, no preview)."""


def preview_assessment(path: str | Path) -> dict[str, Any] | None:
    """An assessment file's tables as `parse_toml` gives them, but of its ``[[paragraph]]`` records
    only those of the paragraph it was left at (``session.position``): what the first frame of a
    long file shows, read in a fraction of the time. Only for the layout readtui writes, where each
    record is the lines from its ``[[paragraph]]`` to the next one, without multi-line strings;
    None otherwise, or if anything about it is unexpected (then parse the whole file)."""
    try:
        text = read_regular_file(Path(path)).decode("utf-8-sig")
    except (ReadtuiError, UnicodeDecodeError):
        return None
    if '"""' in text or "'''" in text:
        return None  # a table header could be inside a string
    starts = [match.start() for match in _PARAGRAPH_START.finditer(text)]
    if not starts:
        return None
    others = [match.start() for match in _OTHER_HEADER.finditer(text)]
    end = next((offset for offset in others if offset > starts[-1]), len(text))
    if any(starts[0] < offset < end for offset in others) or _PARAGRAPH_PART.search(text, end):
        return None
    try:
        data = tomllib.loads(text[: starts[0]] + text[end:])
        position = data["session"]["position"]
        wanted = re.compile(rf"\nindex[ \t]*=[ \t]*{int(position)}[ \t]*(?=\n)")
        found = sorted({bisect.bisect(starts, match.start()) - 1 for match in wanted.finditer(text, starts[0], end)})
        bounds = [*starts, end]
        records = [tomllib.loads(text[bounds[n] : bounds[n + 1]])["paragraph"][0] for n in found]
    except (tomllib.TOMLDecodeError, RecursionError, KeyError, IndexError, TypeError, ValueError):
        return None
    if "paragraph" in data or not records or any(record.get("index") != position for record in records):
        return None
    data["paragraph"] = records
    return data


def file_sha256(path: str | Path) -> str:
    """sha256 of a file's bytes (checklists are identified this way)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def toml_text(table: dict[str, Any]) -> str:
    """``table`` as TOML text (for TOML inside another file, as an imported essay's front matter)."""
    return tomli_w.dumps(table)


# --- writing --------------------------------------------------------------------------------


def atomic_write(path: str | Path, text: str) -> None:
    """Replace ``path`` with ``text`` so that a failure at any point leaves the old file intact.

    Writes a temporary file in the same directory, flushes and fsyncs it, then renames it over
    the target. A symlink is followed, so the link stays a link. Errors become a ReadtuiError
    naming the file.
    """
    shown = path = Path(path)
    if path.is_symlink():
        path = Path(os.path.realpath(path))
        if path.is_symlink():  # in a loop, realpath stops at a link: never write a file over it
            raise ReadtuiError(shown, "could not save: symlink loop (too many levels of symbolic links)")
    directory = path.parent if str(path.parent) else Path(".")
    temp_name = None
    try:
        temp_name = _write_temp(directory, path.name, text)
        with contextlib.suppress(OSError):
            os.chmod(temp_name, os.stat(path).st_mode & 0o777)
        os.replace(temp_name, path)
        temp_name = None
        _fsync_directory(directory)
    except OSError as error:
        raise ReadtuiError(shown, f"could not save: {error.strerror or error}") from None
    finally:
        if temp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)


def atomic_create(path: str | Path, text: str) -> None:
    """Write the new file ``path`` whole or not at all, never over an existing file (or symlink).

    The text is written to a temporary file that is then hard-linked to ``path``: the link fails,
    atomically, if ``path`` appeared meanwhile. Where the file system has no hard links, it is
    renamed instead, after checking again.
    """
    path = Path(path)
    if path.exists() or path.is_symlink():
        raise ReadtuiError(path, "already exists; it is never overwritten (choose another name)")
    directory = path.parent if str(path.parent) else Path(".")
    temp_name = None
    try:
        temp_name = _write_temp(directory, path.name, text)
        try:
            os.link(temp_name, path, follow_symlinks=False)
        except FileExistsError:
            raise
        except OSError:
            if path.exists() or path.is_symlink():
                raise FileExistsError(errno.EEXIST, "File exists") from None
            os.rename(temp_name, path)
            temp_name = None
        _fsync_directory(directory)
    except FileExistsError:
        raise ReadtuiError(path, "already exists; it is never overwritten (choose another name)") from None
    except OSError as error:
        raise ReadtuiError(path, f"could not write: {error.strerror or error}") from None
    finally:
        if temp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)


def _write_temp(directory: Path, name: str, text: str) -> str:
    """A new temporary file beside ``name`` holding ``text``, flushed to disk; its name."""
    fd, temp_name = _create_temp(directory, name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    return temp_name


def remove_stale_temps(path: str | Path) -> int:
    """Delete the temporary files a killed save of ``path`` left behind (``.<name>.<hex>.tmp``);
    call it only while holding ``path``'s lock, when no save of it can be under way. Returns how
    many were removed."""
    target = Path(os.path.realpath(path))
    removed = 0
    for temp in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        if re.fullmatch(rf"\.{re.escape(target.name)}\.[0-9a-f]{{8}}\.tmp", temp.name):
            with contextlib.suppress(OSError):
                temp.unlink()
                removed += 1
    return removed


def _create_temp(directory: Path, name: str) -> tuple[int, str]:
    """A new ``.<name>.<random>.tmp`` beside the target, created 0666 less the umask like any other
    file (``tempfile.mkstemp`` would make it 0600, and a new assessment would be private to its owner)."""
    for _ in range(100):
        candidate = str(directory / f".{name}.{os.urandom(4).hex()}.tmp")
        try:
            return os.open(
                candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666
            ), candidate
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "could not create a temporary file", str(directory))


def _fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class AssessmentWriter:
    """Serialises assessments to TOML, re-serialising only the paragraphs that changed.

    tomli-w is pure Python and holds the GIL; with a thousand answered paragraphs a full dump
    would stall the UI thread, so each ``[[paragraph]]`` fragment is cached by its content.
    """

    def __init__(self) -> None:
        self._fragments: dict[bytes, str] = {}
        self._fragments_lock = threading.Lock()

    def dumps(self, assessment) -> str:
        """The TOML text of ``assessment``: header tables, then ``[before]``, paragraphs and ``[overall]``."""
        before = _answers_table(assessment.before)
        if assessment.before.after_reading:
            before["after_reading"] = list(assessment.before.after_reading)
        head = {
            "format": _format_written(assessment.format, bool(before)),
            "created_by": assessment.created_by,
            "reader": _clean(asdict(assessment.reader)),
            "essay": _clean(asdict(assessment.essay)),
            "checklist": _clean(asdict(assessment.checklist)),
            "session": asdict(assessment.session),
        }
        parts = [tomli_w.dumps(head)]
        if before:
            parts.append(tomli_w.dumps({"before": before}))
        fragments: dict[bytes, str] = {}
        with self._fragments_lock:
            for record in sorted(assessment.paragraph, key=lambda r: (r.index, r.stale)):
                key, table = _paragraph_key(record)
                text = self._fragments.get(key)
                if text is None:
                    text = tomli_w.dumps({"paragraph": [table]})
                fragments[key] = text
                parts.append(text)
            self._fragments = fragments
        overall = _answers_table(assessment.overall)
        if overall:
            parts.append(tomli_w.dumps({"overall": overall}))
        if assessment.key is not None:
            parts.append(tomli_w.dumps({"key": asdict(assessment.key)}))
        if assessment.training is not None:
            parts.append(tomli_w.dumps({"training": _training_table(assessment.training)}))
        return "\n".join(part.rstrip("\n") + "\n" for part in parts)

    def save(self, path: str | Path, assessment) -> None:
        """Serialise and atomically write ``assessment`` to ``path``."""
        atomic_write(path, self.dumps(assessment))

    def prime(self, assessment, stop: Callable[[], bool] = lambda: False) -> None:
        """Serialise every paragraph of ``assessment`` into the cache, from a worker thread while
        the reader may be changing it, so the first save of a long file that was just opened is as
        quick as the next. A fragment is cached under its own table, so one caught halfway through
        a change is only never used. Gives up when ``stop()`` says so."""
        primed: dict[bytes, str] = {}
        for n, record in enumerate(list(assessment.paragraph)):
            if n % 200 == 0 and stop():
                return
            try:
                key, table = _paragraph_key(record)
            except RuntimeError:  # changed meanwhile ("dictionary changed size"): the next save does it
                continue
            primed[key] = tomli_w.dumps({"paragraph": [table]})
        with self._fragments_lock:
            self._fragments = primed | self._fragments


def _format_written(read_as: str, has_before: bool) -> str:
    """Format 3 only for a file with a ``[before]`` table (docs/formats.md): a file without one
    stays format 2 (or the format it was read as), which older readtuis read."""
    from readtui.core.assessment import ASSESSMENT_FORMAT, BEFORE_FORMAT

    if has_before:
        return BEFORE_FORMAT
    return ASSESSMENT_FORMAT if read_as == BEFORE_FORMAT else read_as


def _clean(table: dict[str, Any]) -> dict[str, Any]:
    """Drop empty strings: tomli-w refuses None, and empty values only add noise."""
    return {key: value for key, value in table.items() if value not in ("", None)}


def _paragraph_key(record) -> tuple[bytes, dict[str, Any]]:
    """A paragraph record as a table, and the key of its TOML text in the cache."""
    table = _paragraph_table(record)
    # marshal: an exact, typed image of the table (True is not 1, [] is not ()), made in C; only
    # ever dumped here, to compare, never loaded
    return marshal.dumps(table), table


def _paragraph_table(record) -> dict[str, Any]:
    table: dict[str, Any] = {
        "index": record.index,
        "sha256": record.sha256,
        "chars": record.chars,
        "excerpt": record.excerpt,
        "flagged": record.flagged,
        "seconds": record.seconds,
    }
    if record.stale:
        table["stale"] = True
    table.update(_answers_table(record))
    if record.highlight:
        table["highlight"] = [_highlight_table(highlight) for highlight in record.highlight]
    return table


def _highlight_table(highlight) -> dict[str, Any]:
    table: dict[str, Any] = {
        "start": highlight.start,
        "end": highlight.end,
        "label": highlight.label,
        "quote": highlight.quote,
    }
    if highlight.note:
        table["note"] = highlight.note
    if highlight.stale:
        table["stale"] = True
    return table


def _answers_table(record) -> dict[str, Any]:
    table: dict[str, Any] = {}
    if record.note:
        table["note"] = record.note
    # Retired answers go back as they were, unless the reader has since answered the item again.
    retired = {k: v for k, v in record.retired.items() if k not in record.answers and k not in record.unsure}
    unsure = [*record.unsure, *(k for k, v in retired.items() if v is None)]
    if unsure:
        table["unsure"] = unsure
    answers = {**record.answers, **{k: v for k, v in retired.items() if v is not None}}
    if answers:
        table["answers"] = _answer_values(answers)
    if record.no_consensus:
        table["no_consensus"] = list(record.no_consensus)
    if record.explain:
        table["explain"] = dict(record.explain)
    if record.accept:
        table["accept"] = {key: [_answer_value(v) for v in values] for key, values in record.accept.items()}
    return table


def _answer_value(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def _answer_values(answers: dict[str, Any]) -> dict[str, Any]:
    return {key: _answer_value(value) for key, value in answers.items()}


def _training_table(training) -> dict[str, Any]:
    records = []
    for record in training.paragraph:
        table: dict[str, Any] = {"index": record.index, "feedback": record.feedback}
        if record.revised:
            table["revised"] = list(record.revised)
        if record.first_try:
            table["first_try"] = _answer_values(record.first_try)
        if record.score:
            table["score"] = dict(record.score)
        records.append(table)
    return _clean({"key": training.key, "key_sha256": training.key_sha256, "paragraph": records or None})


# --- locking ----------------------------------------------------------------------------------


class FileLock:
    """An exclusive ``flock`` on ``<file>.lock``, released by the kernel if the process dies."""

    def __init__(self, target: str | Path) -> None:
        self.target = Path(target)
        # Beside the real file, so that a symlink and its target share one lock.
        real = Path(os.path.realpath(self.target))
        self.path = real.with_name(real.name + ".lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock, or raise a ReadtuiError saying the file is open elsewhere."""
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as error:
                raise ReadtuiError(self.target, f"cannot create lock file: {error.strerror}") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as error:
                holder = _read_pid(fd)
                os.close(fd)
                if error.errno in (errno.EWOULDBLOCK, errno.EACCES):
                    who = f" (pid {holder})" if holder else ""
                    raise FileInUse(self.target, f"already open in another readtui{who}; close it first") from None
                raise ReadtuiError(self.target, f"cannot lock: {error.strerror}") from None
            # The previous holder may have unlinked the lock file between our open and flock.
            try:
                same_file = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same_file = False
            if same_file:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """Drop the lock and remove the lock file."""
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


def lock_holder(target: str | Path) -> int | None:
    """The pid of the live process holding ``target``'s lock, or None: read from the lock file,
    without taking the lock (a student opening the file at that moment must not be refused)."""
    try:
        fd = os.open(FileLock(target).path, os.O_RDONLY)
    except OSError:
        return None
    try:
        pid = _read_pid(fd)
    finally:
        os.close(fd)
    if not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)  # signal 0: is it there? (nothing is sent)
    except ProcessLookupError:
        return None  # killed without releasing: the kernel dropped its lock
    except PermissionError:
        pass  # there, under another user
    return int(pid)


def _read_pid(fd: int) -> str:
    with contextlib.suppress(OSError, ValueError):
        return os.pread(fd, 32, 0).decode().strip()
    return ""


# --- the sessions index ----------------------------------------------------------------------


def read_sessions(index_path: Path) -> list[dict[str, Any]]:
    """Entries of the sessions index, newest first; a missing or damaged index reads as empty."""
    try:
        data = parse_toml(index_path)
    except ReadtuiError:
        return []
    entries = data.get("session", [])
    if not isinstance(entries, list):
        return []
    valid = [entry for entry in entries if isinstance(entry, dict) and isinstance(entry.get("path"), str)]
    return sorted(valid, key=lambda entry: str(entry.get("updated", "")), reverse=True)


def record_session(index_path: Path, entry: dict[str, Any]) -> None:
    """Add or refresh ``entry`` (keyed by its ``path``) in the sessions index, keeping the newest."""
    index_path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(index_path):
        entries = [old for old in read_sessions(index_path) if old.get("path") != entry["path"]]
        entries.insert(0, {key: value for key, value in entry.items() if value is not None})
        atomic_write(index_path, tomli_w.dumps({"session": entries[:SESSIONS_KEPT]}))


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
