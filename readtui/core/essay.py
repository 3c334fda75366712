"""Essays: read a file, split it into normalised paragraphs, find its header, hash it.

The rules are documented in ``docs/formats.md`` (section "Essays"). In short: paragraphs are
blocks separated by blank lines; each is normalised to one line of text (whitespace collapsed,
NFC, control characters made visible), and that text is what the screen shows and what the
hashes cover, so line endings, a BOM or re-wrapping never change an essay's identity. A
Markdown paragraph is rendered first (`core/markdown.py`): its lines are normalised so, and
joined by "\n".
"""

from __future__ import annotations

import codecs
import dataclasses
import hashlib
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, overload

from readtui.core.errors import ReadtuiError, visible_controls
from readtui.core.files import read_regular_file
from readtui.core.markdown import HEADING_LINE, Span, render_block, render_inline

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
MAX_HEADER_BLOCKS = 4
MAX_HEADER_LINE_CHARS = 120
HEADER_KEYS = ("title", "author", "date", "subtitle")

# --- normalisation --------------------------------------------------------------------------

# Whitespace is what str.isspace() (and so str.split()) accepts, minus the controls it also accepts:
# \x1c-\x1f and \x85 are not spacing, so they stay and are shown as pictures like other controls.
_SPACE_LIKE_CONTROLS = "\x1c\x1d\x1e\x1f\x85"
_LINE_SPACE = " \t\f\v\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_SPACE_RUN = re.compile(f"[{_LINE_SPACE}\n\r]+")
_PARAGRAPH_BREAK = re.compile(f"\n(?:[{_LINE_SPACE}]*\n)+")
_BLANK_LINE = re.compile(f"[{_LINE_SPACE}]*")
_BLANK_TEXT = re.compile(f"[{_LINE_SPACE}\n]*")
_LEADING_BLANK_LINES = re.compile(f"(?:[{_LINE_SPACE}]*\n)+")
_TRAILING_BLANK_LINES = re.compile(f"(?:\n[{_LINE_SPACE}]*)+\\Z")


def _normalises_to_nothing(text: str) -> bool:
    """Whether `normalise_paragraph` would give "" (said without normalising)."""
    return (not text or text.isspace()) and not any(control in text for control in _SPACE_LIKE_CONTROLS)


def normalise_paragraph(text: str) -> str:
    """One block of raw text (may span lines) as the single line the reader sees and the hashes cover."""
    if any(control in text for control in _SPACE_LIKE_CONTROLS):
        text = _SPACE_RUN.sub(" ", text).strip(" ")
    else:
        text = " ".join(text.split())  # the same result, several times faster
    text = unicodedata.normalize("NFC", text)
    return visible_controls(text)


# --- the essay ------------------------------------------------------------------------------


class Paragraphs(Sequence[str]):
    """The body paragraphs, each normalised when it is first read.

    A 20,000-paragraph book shows its first paragraph without normalising the other 19,999
    (which is most of the time it takes to load one); iterating normalises every one.
    """

    __slots__ = ("_blocks", "_normalised")

    def __init__(self, blocks: list[str]) -> None:
        self._blocks = blocks
        self._normalised: list[str | None] = [None] * len(blocks)

    def __len__(self) -> int:
        return len(self._blocks)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[str, ...]: ...

    def __getitem__(self, index: int | slice) -> str | tuple[str, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        text = self._normalised[index]
        if text is None:
            text = self._normalised[index] = self._normalise(self._blocks[index])
        return text

    _normalise = staticmethod(normalise_paragraph)

    def __iter__(self) -> Iterator[str]:
        return (self[i] for i in range(len(self)))

    def passing(self) -> Iterator[str]:
        """Every paragraph, normalised but not kept (for one pass over a long essay, as hashing)."""
        normalise = self._normalise
        for block, text in zip(self._blocks, self._normalised, strict=True):
            yield text if text is not None else normalise(block)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"Paragraphs({len(self)} paragraphs)"


class MarkdownParagraphs(Paragraphs):
    """Markdown paragraphs, each rendered (`render_block`) when first read."""

    __slots__ = ("_spans",)

    def __init__(self, blocks: list[str]) -> None:
        super().__init__(blocks)
        self._spans: dict[int, tuple[Span, ...]] = {}

    @staticmethod
    def _normalise(block: str) -> str:
        # Markers alone (a lone "-") render to nothing: shown as written, as nothing may vanish.
        return render_block(block, normalise_paragraph)[0] or normalise_paragraph(block)

    def spans(self, index: int) -> tuple[Span, ...]:
        """The style spans of paragraph ``index`` (0-based); rendered again, once, when asked for."""
        spans = self._spans.get(index)
        if spans is None:
            spans = self._spans[index] = render_block(self._blocks[index], normalise_paragraph)[1]
        return spans

    def source_text(self, index: int) -> str:
        """Paragraph ``index`` (0-based) as format 1 read it: syntax kept, its headings dropped."""
        lines = self._blocks[index].split("\n")
        while lines and HEADING_LINE.match(lines[0]):
            del lines[0]
        return normalise_paragraph("\n".join(lines))


@dataclass(frozen=True)
class Essay:
    """A loaded essay: its normalised body paragraphs and the header found above them."""

    paragraphs: Sequence[str]
    """Normalised body paragraphs (a `Paragraphs` when loaded from text: normalised as read)."""
    title: str = ""
    author: str = ""
    date: str = ""
    subtitle: str = ""
    path: Path | None = None
    markdown_source: str | None = field(default=None, compare=False, repr=False)
    """A Markdown essay's decoded text, to read it by the rule before rendering
    (`legacy_markdown_paragraphs`); None for plain text."""

    @cached_property
    def sha256(self) -> str:
        """Hex SHA-256 of the paragraphs joined by a blank line (UTF-8): the essay's identity."""
        digest = hashlib.sha256()
        paragraphs = self.paragraphs
        # One paragraph at a time: a 20,000-paragraph book is not joined, encoded or kept whole.
        for n, text in enumerate(paragraphs.passing() if isinstance(paragraphs, Paragraphs) else paragraphs):
            digest.update(b"\n\n" + text.encode("utf-8") if n else text.encode("utf-8"))
        return digest.hexdigest()

    def paragraph_sha256(self, index: int) -> str:
        """Hex SHA-256 of paragraph ``index`` (0-based) as UTF-8, computed once and cached."""
        cache = self.__dict__.setdefault("_paragraph_sha256", {})
        digest = cache.get(index)
        if digest is None:
            digest = cache[index] = hashlib.sha256(self.paragraphs[index].encode("utf-8")).hexdigest()
        return digest

    def paragraph_spans(self, index: int) -> tuple[Span, ...]:
        """The style spans of paragraph ``index`` (0-based): bold, quotes, headings... of a Markdown essay."""
        paragraphs = self.paragraphs
        return paragraphs.spans(index) if isinstance(paragraphs, MarkdownParagraphs) else ()

    @property
    def source(self) -> str:
        """The file name the essay was loaded from, or "" if it was parsed from text."""
        return self.path.name if self.path is not None else ""


def sample_essay_path() -> Path:
    """The essay shipped with readtui, for trying it out."""
    return Path(__file__).parents[1] / "samples" / "rapprochement-iran-isis.txt"


# --- reading and decoding -------------------------------------------------------------------


def load_essay(
    path: str | Path, *, encoding: str | None = None, title: str | None = None, author: str | None = None
) -> Essay:
    """Read, decode and parse an essay file; ``title``/``author`` (when not None) replace what was found."""
    path = Path(path)
    text = decode_essay(read_regular_file(path, what="an essay file", name_the_step=True), path, encoding)
    essay = parse_essay(text, markdown=path.suffix.lower() in MARKDOWN_SUFFIXES, path=path)
    overrides = {
        name: normalise_paragraph(value) for name, value in (("title", title), ("author", author)) if value is not None
    }
    return dataclasses.replace(essay, **overrides) if overrides else essay


def _display_name(path: str | Path) -> str:
    """The file name for an error message, kept to one line even if the name holds a newline."""
    return visible_controls(str(path))


_BOMS = (
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


def decode_essay(data: bytes, path: str | Path, encoding: str | None = None) -> str:
    """Decode an essay file's bytes: UTF-8 (BOM optional), UTF-16 with a BOM, or ``encoding``."""
    name = _display_name(path)
    bom_length = 0
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise ReadtuiError(name, f"unknown encoding {encoding!r}") from None
        label = encoding
    else:
        codec, label = "utf-8", "UTF-8"
        for bom, bom_codec, bom_label in _BOMS:
            if data.startswith(bom):
                codec, label, bom_length = bom_codec, bom_label, len(bom)
                break
    if not codec.startswith(("utf-16", "utf-32")):
        nul = data.find(b"\0")
        if nul >= 0:
            raise ReadtuiError(
                name,
                "contains a NUL byte: a binary file, or UTF-16 without a BOM (try --encoding utf-16-le)",
                f"byte {nul}",
            )
    try:
        text = data[bom_length:].decode(codec)
    except UnicodeDecodeError as error:
        hint = " (use --encoding, e.g. --encoding cp1252)" if codec == "utf-8" and encoding is None else ""
        raise ReadtuiError(name, f"not valid {label}{hint}", f"byte {bom_length + error.start}") from None
    except UnicodeError as error:  # e.g. the "undefined" codec, which refuses everything
        raise ReadtuiError(name, f"cannot decode as {encoding}: {error}") from None
    except LookupError:  # a codec that is not a text encoding, e.g. base64 or rot13
        raise ReadtuiError(name, f"{encoding!r} is not a text encoding") from None
    return text.removeprefix("\ufeff")


# --- parsing --------------------------------------------------------------------------------


def parse_essay(text: str, *, markdown: bool = False, path: Path | None = None) -> Essay:
    """Split decoded text into a header and normalised body paragraphs (Markdown rules if ``markdown``)."""
    name = _display_name(path) if path is not None else "<text>"
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.removeprefix("\ufeff")
    if markdown:
        header, blocks = _markdown_body(text, name, legacy=False)
        paragraphs: Paragraphs = MarkdownParagraphs(blocks)
    else:
        header, blocks = _plain_body(text, dict.fromkeys(HEADER_KEYS, ""), _split_blocks(text))
        paragraphs = Paragraphs(blocks)
    if not paragraphs:
        problem = "no body paragraphs after the header" if any(header.values()) else "empty: no paragraphs"
        raise ReadtuiError(name, problem)
    return Essay(paragraphs, path=path, markdown_source=text if markdown else None, **header)


def legacy_markdown_paragraphs(essay: Essay) -> list[str] | None:
    """A Markdown essay's paragraphs as ``readtui-assessment/1`` read them (syntax kept, headings
    dropped); None for a plain-text essay, which that format read as it reads it now."""
    if essay.markdown_source is None:
        return None
    return [normalise_paragraph(block) for block in _markdown_body(essay.markdown_source, "", legacy=True)[1]]


def _plain_body(text: str, header: dict[str, str], blocks: list[str]) -> tuple[dict[str, str], list[str]]:
    """The header found in the leading ``blocks``, and the body blocks after it (empty ones left out)."""
    found, header_blocks = _find_header(blocks)
    header.update(found)
    return header, [block for block in blocks[header_blocks:] if not _normalises_to_nothing(block)]


def _markdown_body(text: str, name: str, *, legacy: bool) -> tuple[dict[str, str], list[str]]:
    """The header and the body blocks of a Markdown essay; each heading in the body is put as
    a ``#`` line at the top of the block after it (``legacy``: dropped, as format 1 did)."""
    header = dict.fromkeys(HEADER_KEYS, "")
    front_matter, text = _split_front_matter(text, name)
    segments = _markdown_segments(_split_blocks(text))
    leading_heading = segments[0][1] if segments and segments[0][0] == 1 else None
    header.update(front_matter or {})
    if legacy:
        if not header["title"] and leading_heading is not None:
            header["title"] = normalise_paragraph(leading_heading)
        blocks = [content for level, content in segments if level == 0]
        if front_matter is None and leading_heading is None:
            return _plain_body(text, header, blocks)
        return header, [block for block in blocks if not _normalises_to_nothing(block)]
    if leading_heading is not None:
        title = render_inline(normalise_paragraph(leading_heading))[0]
        if not header["title"] or header["title"] == title:  # a second title is body text
            header["title"] = title
            segments = segments[1:]
            if front_matter is None:
                segments = _take_by_and_date_lines(segments, header)
    blocks = _with_headings(segments)
    if front_matter is None and leading_heading is None:
        plain_lead = next((n for n, block in enumerate(blocks) if HEADING_LINE.match(block)), len(blocks))
        header, lead = _plain_body(text, header, blocks[:plain_lead])
        header["title"], header["subtitle"] = render_inline(header["title"])[0], render_inline(header["subtitle"])[0]
        blocks = lead + blocks[plain_lead:]
    return header, [block for block in blocks if not _normalises_to_nothing(block)]


def _take_by_and_date_lines(segments: list[tuple[int, str]], header: dict[str, str]) -> list[tuple[int, str]]:
    """Under a Markdown title, the blocks made only of a by-line or a date line go to the header
    (as in a plain-text essay); the segments after them."""
    taken = 0
    for level, content in segments[:2]:
        lines = [line for line in map(normalise_paragraph, content.split("\n")) if line]
        found: dict[str, str] = {}
        for line in lines if not level and _is_header_block(lines) else []:
            if not header["date"] and "date" not in found and (date := _DATE_LINE.fullmatch(line)):
                found["date"] = date["date"]
            elif not header["author"] and "author" not in found and (by := _BY_LINE.match(line)):
                found["author"] = render_inline(by["author"])[0]
        if not lines or len(found) < len(lines):  # a line with no place in the header stays in the text
            break
        header.update(found)
        taken += 1
    return segments[taken:]


def _with_headings(segments: list[tuple[int, str]]) -> list[str]:
    """The paragraph blocks, each heading a ``#`` line at the top of the block after it (or of
    a block of its own at the end)."""
    blocks: list[str] = []
    headings: list[str] = []
    for level, content in segments:
        if not level:
            blocks.append("\n".join([*headings, content]) if headings else content)
            headings.clear()
        elif not _normalises_to_nothing(content):
            headings.append("#" * level + " " + content.replace("\n", " "))
    if headings:
        blocks.append("\n".join(headings))
    return blocks


def _split_blocks(text: str) -> list[str]:
    """The raw blocks of ``text`` (newlines already \\n), split at blank or whitespace-only lines.

    As if split with a newline added at both ends, so that a blank first or last line counts as
    a break like any other; but the text is not copied to add them (a long book is megabytes).
    """
    if _BLANK_TEXT.fullmatch(text):
        return []
    blocks = _PARAGRAPH_BREAK.split(text)
    if len(blocks) == 1:
        return [_closing(_opening(text))]
    blocks[0], blocks[-1] = _opening(blocks[0]), _closing(blocks[-1])
    return [block for block in blocks if block]


def _opening(block: str) -> str:
    """The first piece of the split as if the text began with a newline: leading blank lines
    (with that newline) are a break; otherwise the newline stays on the block."""
    if _BLANK_TEXT.fullmatch(block):
        return ""
    lead = _LEADING_BLANK_LINES.match(block)
    return block[lead.end() :] if lead else "\n" + block


def _closing(block: str) -> str:
    """The last piece of the split as if the text ended with a newline (see `_opening`)."""
    if _BLANK_TEXT.fullmatch(block):
        return ""
    trail = _TRAILING_BLANK_LINES.search(block)
    return block[: trail.start()] if trail else block + "\n"


# --- plain-text header ----------------------------------------------------------------------

_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\.?,?\s+"
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_DATE = (
    rf"(?:{_WEEKDAY})?(?:{_DAY}\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}"  # 14 January, 2020
    rf"|{_MONTH}\s+{_DAY},?\s+\d{{4}}"  # January 14, 2020
    r"|\d{4}(?P<iso_separator>[-/.])(?:0?[1-9]|1[0-2])(?P=iso_separator)(?:0?[1-9]|[12]\d|3[01])"  # 2020-01-14
    r"|(?:0?[1-9]|[12]\d|3[01])(?P<separator>[-/.])(?:0?[1-9]|[12]\d|3[01])(?P=separator)\d{4})"  # 14/01/2020 or 01/14/2020
)
# A date line is the date alone, or after a label: "Published on", "Date:", or up to three words and a colon.
_DATE_LABEL = (
    r"(?:(?:(?:first|last)\s+)?(?:published|posted|updated|modified|written|dated?)(?:\s+on)?\s*:?|on"
    r"|[^\W\d_]+(?:\s+[^\W\d_]+){0,2}\s*:)\s*"
)
_DATE_LINE = re.compile(rf"(?:{_DATE_LABEL})?(?P<date>{_DATE})[\s.]*", re.IGNORECASE)
_BY_LINE = re.compile(r"by(?::|\s)\s*(?P<author>\S.*)", re.IGNORECASE)

# A sentence ends at . ! ? or … (closing quotes/brackets may follow) before whitespace and a capital.
_SENTENCE_END = re.compile(r"""(?P<word>[\w'’-]*)(?P<stop>[.!?…]+)["'”’)\]]*\s+(?=["'“‘(\[]*(?P<next>\w))""")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr mt vs no vol rev gen col capt lt sgt hon fig inc ltd co"
    " mon tue tues wed thu thur thurs fri sat sun jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


def _sentence_count(text: str) -> int:
    """How many sentences ``text`` holds: "Iran and ISIS?!" is one, "It rained. We left." two."""
    count = 1
    for match in _SENTENCE_END.finditer(text):
        word = match["word"]
        if match["stop"] == "." and (len(word) == 1 or word.lower() in _ABBREVIATIONS):
            continue  # an initial ("J. Smith", "U.S.") or an abbreviation ("Dr. Smith")
        if match["next"].isupper():
            count += 1
    return count


def _is_date_or_by_line(line: str) -> bool:
    return bool(_DATE_LINE.fullmatch(line) or _BY_LINE.match(line))


def _is_header_block(lines: list[str]) -> bool:
    """One or two short lines, each one sentence; two lines must read as one sentence or hold a date or "By"."""
    if not 1 <= len(lines) <= 2 or any(
        len(line) > MAX_HEADER_LINE_CHARS or _sentence_count(line) > 1 for line in lines
    ):
        return False
    # "It rained.\nWe left." is a body paragraph that happens to wrap at a sentence; "Title?\nBy Me" is a header.
    return len(lines) == 1 or _sentence_count(" ".join(lines)) == 1 or any(map(_is_date_or_by_line, lines))


def _find_header(blocks: list[str]) -> tuple[dict[str, str], int]:
    """The title, author, date and subtitle in the leading header blocks, and how many blocks those are."""
    lines: list[str] = []
    header_blocks = titled_blocks = 0
    after_by_line = False
    for block in blocks[:MAX_HEADER_BLOCKS]:
        # Three splits suffice: a block of at most two lines, plus a blank line at an edge of the
        # text, splits into at most four pieces; a longer block still yields three lines or more.
        block_lines = [line for line in map(normalise_paragraph, block.split("\n", 3)) if line]
        if not _is_header_block(block_lines):
            break
        plain = [line for line in block_lines if not _is_date_or_by_line(line)]
        # A title and at most one subtitle; after the by-line only a date: what follows is the
        # body, however short its first paragraph (an op-ed's one-line opening is text to read).
        if plain and (titled_blocks == 2 or after_by_line):
            break
        lines += block_lines
        header_blocks += 1
        titled_blocks += bool(plain)
        after_by_line = after_by_line or any(_BY_LINE.match(line) for line in block_lines)
    found = {"date": "", "author": ""}
    rest = []
    for line in lines:
        if not found["date"] and (date := _DATE_LINE.fullmatch(line)):
            found["date"] = date["date"]
        elif not found["author"] and (by := _BY_LINE.match(line)):
            found["author"] = by["author"]
        else:
            rest.append(line)
    found["title"] = rest[0] if rest else ""
    found["subtitle"] = " ".join(rest[1:])
    return found, header_blocks


# --- Markdown -------------------------------------------------------------------------------

_FRONT_MATTER_OPENING = re.compile(r"(?P<fence>---|\+\+\+)[ \t]*\n")
_FRONT_MATTER_CLOSING = {fence: re.compile(rf"^{re.escape(fence)}[ \t]*$", re.MULTILINE) for fence in ("---", "+++")}
_FRONT_MATTER_KEY = re.compile(r"(?P<key>[A-Za-z_][\w-]*)[ \t]*:[ \t]*(?P<value>.*)")
_TOML_POSITION = re.compile(r" \(at line (?P<line>\d+), column (?P<column>\d+)\)$")
_TOML_AT_END = " (at end of document)"
_ATX_HEADING = re.compile(r" {0,3}(?P<hashes>#{1,6})(?:[ \t]+(?P<text>.*?))??(?:[ \t]+#+)?[ \t]*")
_SETEXT_UNDERLINE = re.compile(r" {0,3}(?:=+|-+)[ \t]*")
_THEMATIC_BREAK = re.compile(r" {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})")
_MARKDOWN_LINE_HINT = re.compile(r"\n {0,3}[#=*_-]")  # far faster than ^ with re.MULTILINE


def _split_front_matter(text: str, name: str) -> tuple[dict[str, str] | None, str]:
    """The header fields in leading ``---`` (key: value) or ``+++`` (TOML) front matter, or None if
    there is none; and the text after it."""
    opening = _FRONT_MATTER_OPENING.match(text)
    if opening is None:
        return None, text
    fence = opening["fence"]
    closing = _FRONT_MATTER_CLOSING[fence].search(text, opening.end())
    if closing is None:
        raise ReadtuiError(name, f"front matter opened with {fence} is never closed", "line 1")
    content = text[opening.end() : closing.start()]
    values = _toml_front_matter(content, name) if fence == "+++" else _simple_front_matter(content)
    header = {key: normalise_paragraph(values[key]) for key in HEADER_KEYS if key in values}
    return {key: value for key, value in header.items() if value}, text[closing.end() :]


def _simple_front_matter(content: str) -> dict[str, str]:
    """Top-level ``key: value`` lines, surrounding quotes removed; anything else YAML allows is ignored."""
    values = {}
    for line in content.split("\n"):
        match = _FRONT_MATTER_KEY.fullmatch(line.rstrip())
        if match:
            value = match["value"]
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            values[match["key"].lower()] = value
    return values


def _toml_front_matter(content: str, name: str) -> dict[str, str]:
    """The text of each top-level TOML value (a list's items joined by ", ")."""
    import tomllib  # only Markdown with TOML front matter needs it

    try:
        table = tomllib.loads(content)
    except tomllib.TOMLDecodeError as error:
        message, where = str(error), None
        if position := _TOML_POSITION.search(message):
            message = message[: position.start()]
            where = f"line {int(position['line']) + 1}, column {position['column']}"  # + 1: the +++ line
        elif message.endswith(_TOML_AT_END):
            message, where = message.removesuffix(_TOML_AT_END), "end of front matter"
        raise ReadtuiError(name, f"TOML front matter: {message}", where) from None
    except RecursionError:  # tomllib recurses once per level of nested arrays or tables
        raise ReadtuiError(name, "TOML front matter: nested too deeply") from None
    return {key.lower(): _toml_text(value) for key, value in table.items()}


def _toml_text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(map(_toml_text, value))
    return str(value)


def _markdown_segments(blocks: list[str]) -> list[tuple[int, str]]:
    """The blocks as (heading level, text) pieces, level 0 being paragraph text; thematic breaks dropped."""
    segments: list[tuple[int, str]] = []
    text_lines: list[str] = []

    def end_paragraph() -> None:
        if text_lines:
            segments.append((0, "\n".join(text_lines)))
            text_lines.clear()

    for block in blocks:
        if not _MARKDOWN_LINE_HINT.search("\n" + block):  # the common case: a plain paragraph
            segments.append((0, block))
            continue
        for line in block.split("\n"):
            if heading := _ATX_HEADING.fullmatch(line):
                end_paragraph()
                segments.append((len(heading["hashes"]), heading["text"] or ""))
            elif text_lines and _SETEXT_UNDERLINE.fullmatch(line):
                segments.append((1 if "=" in line else 2, "\n".join(text_lines)))
                text_lines.clear()
            elif _THEMATIC_BREAK.fullmatch(line):
                end_paragraph()
            elif not _BLANK_LINE.fullmatch(line):
                text_lines.append(line)
        end_paragraph()
    return segments
