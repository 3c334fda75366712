"""Web pages in: a saved page or a URL, its article extracted by trafilatura, written as a Markdown essay.

The essay it writes is documented in ``docs/formats.md`` (section "Imported web pages"): TOML
front matter (title, author, date, site, url, source, imported_with), then the article's
paragraphs, lists, block quotes and headings, with every Markdown-significant character escaped,
so that the text the reader sees is the article's text. trafilatura (and lxml under it) is
imported only when a page is extracted, never by the reading app's first frame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from readtui.core.errors import ReadtuiError, visible_controls
from readtui.core.essay import normalise_paragraph, parse_essay
from readtui.core.files import read_regular_file
from readtui.core.storage import atomic_create, toml_text

MAX_PAGE_BYTES = 10 * 1024 * 1024
"""A page larger than this is refused (saved or fetched): an article is a few hundred kilobytes."""
MAX_REDIRECTS = 5
MIN_ARTICLE_CHARS = 80
"""Less text than this is a notice ("enable JavaScript"), not an article."""
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})

_URL = re.compile(r"https?://", re.IGNORECASE)
_OTHER_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+://")
_HEADING_REND = re.compile(r"h([1-6])")


@dataclass(frozen=True)
class Article:
    """What was extracted from a page: its metadata and its Markdown blocks (escaped)."""

    blocks: list[str]
    title: str = ""
    author: str = ""
    date: str = ""
    site: str = ""
    url: str = ""


@dataclass(frozen=True)
class Imported:
    """Where an imported essay went, what it is called, and whether it was written this time."""

    path: Path
    title: str
    paragraphs: int
    written: bool
    instead_of: Path | None = None
    """The default file name that was taken by a different file (so ``path`` is another)."""


# --- getting the page -------------------------------------------------------------------------


def read_page(source: str, *, timeout: float, encoding: str | None = None) -> tuple[str, str]:
    """The decoded HTML of ``source`` (a saved page or an http(s) URL), and its URL if known."""
    if _URL.match(source):
        data, charset, url = fetch_page(source, timeout=timeout)
    elif _OTHER_URL.match(source):
        raise ReadtuiError(source, "only http:// and https:// addresses can be imported")
    else:
        path = Path(source)
        try:
            size = path.stat().st_size
        except OSError:
            size = 0  # read_regular_file says what is wrong
        if size > MAX_PAGE_BYTES:
            raise ReadtuiError(source, _too_big(size))
        data = read_regular_file(path, what="a web page", name_the_step=True)
        charset, url = None, ""
    return decode_page(data, source, encoding or charset), url


def _too_big(size: int | None) -> str:
    got = f"{size / 1024 / 1024:.1f} MB" if size is not None else "more"
    return f"page too large ({got}; the limit is {MAX_PAGE_BYTES // 1024 // 1024} MB)"


def fetch_page(url: str, *, timeout: float) -> tuple[bytes, str | None, str]:
    """GET ``url``: its bytes, the charset the server declared, and the URL after redirects.

    At most `MAX_REDIRECTS` redirects (to http or https only), `MAX_PAGE_BYTES`, an HTML content
    type, and ``timeout`` seconds for the whole transfer.
    """
    import http.client
    import time
    import urllib.error
    import urllib.request
    from urllib.parse import urlsplit

    from readtui import __version__

    class Redirects(urllib.request.HTTPRedirectHandler):
        max_redirections = MAX_REDIRECTS
        max_repeats = 1

        def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001
            if urlsplit(newurl).scheme.lower() not in ("http", "https"):
                raise ReadtuiError(url, f"redirected to a non-web address {newurl!r}")
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    opener = urllib.request.build_opener(Redirects)
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": f"Mozilla/5.0 (compatible; readtui/{__version__})",
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
        },
    )
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as response:
            kind = response.headers.get_content_type()
            if kind not in HTML_TYPES:
                raise ReadtuiError(url, f"not a web page: the server sent {kind}")
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > MAX_PAGE_BYTES:
                raise ReadtuiError(url, _too_big(int(length)))
            chunks: list[bytes] = []
            size = 0
            while chunk := response.read(64 * 1024):
                size += len(chunk)
                if size > MAX_PAGE_BYTES:
                    raise ReadtuiError(url, _too_big(None))
                if time.monotonic() > deadline:
                    raise TimeoutError
                chunks.append(chunk)
            return b"".join(chunks), response.headers.get_content_charset(), response.geturl()
    except urllib.error.HTTPError as error:
        if 300 <= error.code < 400:
            location = (error.headers or {}).get("Location") or ""
            if urlsplit(location).scheme.lower() not in ("", "http", "https"):  # urllib refused it
                raise ReadtuiError(url, f"redirected to a non-web address {location!r}") from None
            raise ReadtuiError(url, f"too many redirects (more than {MAX_REDIRECTS}, or a loop)") from None
        raise ReadtuiError(url, f"HTTP error {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            raise ReadtuiError(url, f"timed out after {timeout:g} s (see --timeout)") from None
        raise ReadtuiError(url, f"could not fetch: {getattr(reason, 'strerror', None) or reason}") from None
    except TimeoutError:
        raise ReadtuiError(url, f"timed out after {timeout:g} s (see --timeout)") from None
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise ReadtuiError(url, f"could not fetch: {error}") from None


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
# What browsers read these labels as (the WHATWG Encoding Standard): Latin-1 pages are windows-1252.
_BROWSER_CODEC = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252"}


def decode_page(data: bytes, name: str, charset: str | None = None) -> str:
    """Decode a page: a BOM, then ``charset`` (given, or sent by the server), then its ``<meta>``
    charset, then UTF-8; a page that is binary or does not decode is refused."""
    import codecs

    nul = data.find(b"\0", 0, 1 << 16)
    if nul >= 0 and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ReadtuiError(name, "not a web page: binary data", f"byte {nul}")
    if data.startswith(codecs.BOM_UTF8):
        label, data = "utf-8", data[3:]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        label = "utf-16"
    elif charset:
        label = charset
    elif meta := _META_CHARSET.search(data, 0, 4096):
        label = meta[1].decode("ascii")
    else:
        label = "utf-8"
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        raise ReadtuiError(name, f"unknown charset {label!r} (try --encoding)") from None
    try:
        return data.decode(_BROWSER_CODEC.get(codec, codec))
    except UnicodeDecodeError as error:
        raise ReadtuiError(name, f"not valid {label} (try --encoding)", f"byte {error.start}") from None
    except (UnicodeError, LookupError):
        raise ReadtuiError(name, f"cannot decode as {label!r} (try --encoding)") from None


# --- extracting the article -------------------------------------------------------------------


def extractor_version() -> str:
    """trafilatura's version, as written in the front matter."""
    from importlib.metadata import version

    return f"trafilatura {version('trafilatura')}"


def extract_article(html: str, name: str, url: str = "") -> Article:
    """The article in ``html``: main text only (no navigation, comments or boilerplate), as
    escaped Markdown blocks, with its metadata; refused when there is no article text."""
    import logging

    import trafilatura
    from lxml import etree

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # its warnings are not the reader's
    xml = trafilatura.extract(
        _controls_shown(html),
        url=url or None,
        output_format="xml",
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        include_formatting=False,
        deduplicate=False,
    )
    if not xml:
        raise ReadtuiError(name, "no article text found in the page")
    doc = etree.fromstring(xml.encode("utf-8"))
    for line_break in doc.iter("lb"):
        line_break.tail = " " + (line_break.tail or "")
    meta = {key: normalise_paragraph(doc.get(key) or "") for key in ("title", "author", "date", "sitename", "url")}
    main = doc.find("main")
    blocks = _blocks(main, meta["title"], meta["author"]) if main is not None else []
    if sum(len(block) for block in blocks if not block.startswith("#")) < MIN_ARTICLE_CHARS:
        raise ReadtuiError(name, "no article text found in the page")
    return Article(
        blocks,
        title=meta["title"],
        author=meta["author"],
        date=meta["date"],
        site=meta["sitename"],
        url=meta["url"] or url,
    )


_CONTROL_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));?")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _controls_shown(html: str) -> str:
    """``html`` with its control characters (written or as ``&#27;``) made visible, as readtui
    shows them in any essay: the XML parser under trafilatura drops a page that has any."""

    def shown(reference: re.Match[str]) -> str:
        code = int(reference[1], 16) if reference[1] else int(reference[2])
        return visible_controls(chr(code)) if code < 0x110000 and _CONTROL.match(chr(code)) else reference[0]

    return _CONTROL.sub(lambda control: visible_controls(control[0]), _CONTROL_REFERENCE.sub(shown, html))


def _text(element: Any) -> str:
    return normalise_paragraph("".join(element.itertext()))


def _blocks(main: Any, title: str, author: str) -> list[str]:
    """The Markdown blocks of trafilatura's ``<main>``: ``<p>`` paragraphs, ``<list>`` lists,
    ``<quote>`` block quotes, ``<head>`` headings (real text only, and not the title again);
    a by-line at the top is left out (the author is in the front matter)."""
    blocks: list[str] = []
    for element in main.iter():
        tag = element.tag
        if tag in _CONTAINERS or any(ancestor.tag in _LEAVES for ancestor in element.iterancestors()):
            continue
        if tag == "head":
            text = _text(element)
            if _is_real_text(text) and not (text == title and not blocks):
                rend = _HEADING_REND.fullmatch(element.get("rend") or "")
                level = max(2, int(rend[1])) if rend else 2  # "#" alone is the essay's title
                blocks.append("#" * level + " " + escape_markdown(text))
        elif tag == "list":
            if lines := _list_lines(element, 0):
                blocks.append("\n".join(lines))
        elif tag == "quote":
            paragraphs = [_text(p) for p in element if p.tag in _LEAVES] or [_text(element)]
            quoted = [escape_markdown(text) for text in paragraphs if text]
            if quoted:
                blocks.append("\n>\n".join("> " + text for text in quoted))
        elif (text := _text(element)) and not (len(blocks) < 2 and _is_byline(text, author)):
            blocks.append(escape_markdown(text))
    if len(blocks) > 1 and _is_byline(blocks[-1], escape_markdown(author)):
        blocks.pop()  # an author's note at the end ("Jane Doe is a ...")
    return blocks


_CONTAINERS = frozenset({"main", "div", "section", "table", "row", "cell"})
_LEAVES = frozenset({"p", "head", "list", "quote", "item", "code", "graphic", "lb", "hi", "ref", "del"})


def _is_byline(text: str, author: str) -> bool:
    """A short paragraph naming the author ("By Jane Doe, in Paris", "Jane Doe teaches in Leeds.")."""
    return bool(author) and author in text and len(text) <= len(author) + 80


def _is_real_text(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _list_lines(element: Any, depth: int) -> list[str]:
    """A ``<list>``'s items as Markdown list lines (numbered for ``ol``), nested lists indented."""
    lines: list[str] = []
    numbered = element.get("rend") == "ol"
    for item in element.iterchildren("item"):
        nested = [child for child in item if child.tag == "list"]
        own = normalise_paragraph(
            "".join([item.text or ""] + ["".join(c.itertext()) + (c.tail or "") for c in item if c.tag != "list"])
        )
        if own:
            marker = f"{len(lines) + 1}." if numbered else "-"
            lines.append("  " * depth + marker + " " + escape_markdown(own))
        for child in nested:
            lines += _list_lines(child, depth + 1)
    return lines


# --- escaping ---------------------------------------------------------------------------------

_INLINE_SIGNIFICANT = re.compile(r"([\\`*_\[\]<#])")
_BLOCK_START = re.compile(r"[>+=-]")
_NUMBERED_START = re.compile(r"(\d{1,9})([.)])")


def escape_markdown(text: str) -> str:
    """One normalised line of the article as Markdown whose rendered text (docs/formats.md,
    "Markdown") is that line: inline markers and a leading block marker are backslash-escaped."""
    text = _INLINE_SIGNIFICANT.sub(r"\\\1", text)
    if _BLOCK_START.match(text):
        return "\\" + text
    if numbered := _NUMBERED_START.match(text):
        return numbered[1] + "\\" + text[numbered.end(1) :]
    return text


# --- writing the essay ------------------------------------------------------------------------


def article_markdown(article: Article, source: str) -> str:
    """The essay file: TOML front matter, then the article's blocks separated by blank lines."""
    values = {
        "title": article.title,
        "author": article.author,
        "date": article.date,
        "site": article.site,
        "url": article.url,
        "source": normalise_paragraph(source),
        "imported_with": extractor_version(),
    }
    front = toml_text({key: value for key, value in values.items() if value})
    return "+++\n" + front + "+++\n\n" + "\n\n".join(article.blocks) + "\n"


def default_output(source: str, directory: Path | None = None) -> Path:
    """Where ``source`` is imported to: beside a saved page (``page.html`` -> ``page.md``), or
    in ``directory`` (the current one) named after the URL's last path segment."""
    if not _URL.match(source):
        return Path(source).with_suffix(".md")
    from urllib.parse import urlsplit

    parts = urlsplit(source)
    segment = next((part for part in reversed(parts.path.split("/")) if part), "")
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(segment).stem or parts.hostname or "page").strip(".-") or "page"
    return (directory or Path()) / f"{stem[:80]}.md"


def import_page(
    source: str,
    *,
    out: Path | None = None,
    timeout: float,
    encoding: str | None = None,
) -> Imported:
    """Import ``source`` into a Markdown essay at ``out`` (default: `default_output`).

    An identical file already there is kept as it is. A different file is never overwritten:
    with ``out`` given it is refused, otherwise the next free name (``page-2.md``) is taken.
    Nothing is written when the page cannot be read or has no article.
    """
    html, url = read_page(source, timeout=timeout, encoding=encoding)
    article = extract_article(html, visible_controls(source), url)
    text = article_markdown(article, source)
    wanted = out or default_output(source)
    essay = parse_essay(text, markdown=True, path=wanted)
    candidates = [wanted] if out is not None else _free_names(wanted)
    for path in candidates:
        if path.is_file() and path.read_bytes() == text.encode("utf-8"):
            return Imported(path, essay.title, len(essay.paragraphs), written=False)
        if not (path.exists() or path.is_symlink()):
            atomic_create(path, text)
            return Imported(path, essay.title, len(essay.paragraphs), written=True, instead_of=_if_not(wanted, path))
    raise ReadtuiError(wanted, "already exists and differs; choose another --out or remove it")


def _free_names(path: Path) -> list[Path]:
    return [path] + [path.with_name(f"{path.stem}-{n}{path.suffix}") for n in range(2, 100)]


def _if_not(wanted: Path, path: Path) -> Path | None:
    return wanted if path != wanted else None
