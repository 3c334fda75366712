"""readtui.core.essay: decoding, paragraphs, header detection, Markdown, identity, errors, speed."""

from __future__ import annotations

import codecs
import errno
import hashlib
import os
import sys
import textwrap
import threading
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import readtui.core.essay as essay_module
import readtui.core.files as files_module
from readtui.core.errors import ReadtuiError
from readtui.core.essay import Essay, decode_essay, load_essay, normalise_paragraph, parse_essay, sample_essay_path
from readtui.core.markdown import STYLES
from tests.conftest import FaultyOs

# Two sentences, so never taken for a header block: tests of the body start with it.
OPENING = "This opening paragraph is plainly body text. It has two sentences."

SAMPLE_FIRST_WORDS = "These days there are some allegations"


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def paragraphs_of(text: str, **options) -> tuple[str, ...]:
    return parse_essay(text, **options).paragraphs


def assert_one_line_error(error: ReadtuiError, file_name: str) -> None:
    message = str(error)
    assert message.startswith(file_name + ": "), message
    assert "\n" not in message and "\r" not in message


# --- the seed essay -------------------------------------------------------------------------


def test_sample_essay_header_and_paragraphs():
    essay = load_essay(sample_essay_path())
    assert essay.date == "Tuesday, 14 January, 2020"
    assert essay.title == "Rapprochement between Iran and ISIS?!"
    assert essay.author == "Broomand"
    assert essay.subtitle == ""
    assert len(essay.paragraphs) == 6
    assert essay.paragraphs[0].startswith(SAMPLE_FIRST_WORDS)
    assert essay.paragraphs[1].startswith("The point is that any measures")
    assert essay.paragraphs[5].startswith("Last but not least, US is willing")
    assert essay.source == "rapprochement-iran-isis.txt"
    assert essay.path == sample_essay_path()


def test_sample_essay_path_is_in_the_package():
    assert sample_essay_path() == Path(essay_module.__file__).parents[1] / "samples" / "rapprochement-iran-isis.txt"
    assert sample_essay_path().is_file()


# --- identity -------------------------------------------------------------------------------


def sample_variants() -> dict[str, bytes]:
    text = sample_essay_path().read_text(encoding="utf-8")
    assert "\r" not in text
    return {
        "lf": text.encode("utf-8"),
        "crlf": text.replace("\n", "\r\n").encode("utf-8"),
        "cr": text.replace("\n", "\r").encode("utf-8"),
        "utf-8 bom": codecs.BOM_UTF8 + text.encode("utf-8"),
        "utf-8 bom crlf": codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode("utf-8"),
        "utf-16-le bom": codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        "utf-16-be bom": codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        "utf-16-le bom crlf": codecs.BOM_UTF16_LE + text.replace("\n", "\r\n").encode("utf-16-le"),
    }


@pytest.mark.parametrize("variant", sorted(sample_variants()))
def test_line_endings_and_encodings_do_not_change_identity(tmp_path, variant):
    reference = load_essay(sample_essay_path())
    essay = load_essay(write(tmp_path, "essay.txt", sample_variants()[variant]))
    assert essay.paragraphs == reference.paragraphs
    assert (essay.title, essay.author, essay.date) == (reference.title, reference.author, reference.date)
    assert essay.sha256 == reference.sha256
    assert [essay.paragraph_sha256(i) for i in range(6)] == [reference.paragraph_sha256(i) for i in range(6)]


def test_rewrapping_does_not_change_identity():
    reference = load_essay(sample_essay_path())
    header = "Tuesday, 14 January, 2020\n\nRapprochement between Iran and ISIS?!\n\nBy: Broomand\n\n"
    for width in (40, 72):
        rewrapped = header + "\n\n".join(textwrap.fill(p, width) for p in reference.paragraphs)
        assert "\n" in rewrapped.split("\n\n")[3]
        essay = parse_essay(rewrapped)
        assert essay.paragraphs == reference.paragraphs
        assert essay.sha256 == reference.sha256


def test_hashes_are_sha256_of_the_normalised_text():
    essay = parse_essay(f"{OPENING}\n\nSecond  para\u00adgraph\n  wrapped.\n\nCafe\u0301 \x1b[31m.")
    assert essay.paragraphs == (OPENING, "Second para\u00adgraph wrapped.", "Caf\u00e9 \u241b[31m.")
    assert essay.sha256 == hashlib.sha256("\n\n".join(essay.paragraphs).encode("utf-8")).hexdigest()
    for index, paragraph in enumerate(essay.paragraphs):
        assert essay.paragraph_sha256(index) == hashlib.sha256(paragraph.encode("utf-8")).hexdigest()


def test_hash_of_a_known_text():
    essay = parse_essay(f"{OPENING}\n\nabc")
    assert essay.paragraph_sha256(1) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_hashes_are_lazy_and_cached():
    essay = parse_essay(f"{OPENING}\n\nSecond paragraph.")
    assert "sha256" not in essay.__dict__
    assert essay.sha256 is essay.sha256
    assert essay.paragraph_sha256(1) is essay.paragraph_sha256(1)


def test_essay_is_frozen():
    essay = parse_essay(OPENING)
    with pytest.raises(AttributeError):
        essay.title = "x"  # type: ignore[misc]
    assert essay.source == ""
    assert isinstance(essay, Essay)


# --- paragraphs and normalisation -----------------------------------------------------------


def test_hard_wrapped_lines_join_into_one_paragraph():
    text = f"{OPENING}\n\n  line one\nline two   \n\tline three\n\nnext"
    assert paragraphs_of(text) == (OPENING, "line one line two line three", "next")


def test_whitespace_only_lines_count_as_blank():
    text = f"{OPENING}\n \t \nsecond\n\u00a0\u3000\nthird\n\n\n \nfourth\n  \n"
    assert paragraphs_of(text) == (OPENING, "second", "third", "fourth")


def test_leading_and_trailing_blank_lines_are_ignored():
    assert paragraphs_of(f"\n \n\n{OPENING}\n\nlast\n\n \n") == (OPENING, "last")


def test_runs_of_whitespace_collapse_to_one_space():
    assert normalise_paragraph("  a \t\f\v b\u00a0\u2003\u3000c\u2028d\n\n e  ") == "a b c d e"


@pytest.mark.parametrize(
    "space",
    [" ", "\t", "\n", "\r", "\f", "\v", "\xa0", "\u1680", "\u2000", "\u2005", "\u200a"]
    + ["\u2028", "\u2029", "\u202f", "\u205f", "\u3000"],
)
def test_each_whitespace_character_collapses(space):
    assert normalise_paragraph(f"{space}a{space}{space} b{space}") == "a b"


def test_whitespace_is_what_isspace_accepts_except_controls():
    for char in map(chr, range(sys.maxunicode + 1)):
        if char in "\x1c\x1d\x1e\x1f":
            assert normalise_paragraph(f"a{char}b") == f"a{chr(0x2400 + ord(char))}b"
        elif char == "\x85":
            assert normalise_paragraph(f"a{char}b") == "a\ufffdb"
        elif char.isspace():
            assert normalise_paragraph(f"a{char}b") == "a b", hex(ord(char))


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b", "\u241b"),
        ("\x00", "\u2400"),
        ("\x07", "\u2407"),
        ("\x1c", "\u241c"),
        ("\x1f", "\u241f"),
        ("\x7f", "\u2421"),
        ("\x80", "\ufffd"),
        ("\x85", "\ufffd"),
        ("\x9b", "\ufffd"),
        ("\x9f", "\ufffd"),
        ("\ud800", "\ufffd"),
    ],
)
def test_control_characters_become_visible(raw, shown):
    assert normalise_paragraph(f"a{raw}b") == f"a{shown}b"
    assert normalise_paragraph(f"a {raw} b") == f"a {shown} b"


def test_escape_sequences_in_a_file_are_shown_not_run(tmp_path):
    path = write(tmp_path, "essay.txt", f"{OPENING}\n\nred \x1b[31mtext\x1b[0m\x07 end")
    assert load_essay(path).paragraphs[1] == "red \u241b[31mtext\u241b[0m\u2407 end"


def test_markup_like_text_is_kept_verbatim():
    text = f"{OPENING}\n\n[b]x[/b] [@click=app.quit] *em* `code` <b>tag</b> \\[escaped]"
    assert paragraphs_of(text)[1] == "[b]x[/b] [@click=app.quit] *em* `code` <b>tag</b> \\[escaped]"
    assert paragraphs_of(text, markdown=True)[1] == "[b]x[/b] [@click=app.quit] em code <b>tag</b> [escaped]"


def test_text_is_nfc():
    assert normalise_paragraph("Cafe\u0301 A\u030a") == "Caf\u00e9 \u00c5"
    assert paragraphs_of(f"{OPENING}\n\nre\u0301sume\u0301") == (OPENING, "r\u00e9sum\u00e9")
    assert (
        parse_essay(f"{OPENING}\n\nr\u00e9sum\u00e9").sha256 == parse_essay(f"{OPENING}\n\nre\u0301sume\u0301").sha256
    )


# --- the plain-text header ------------------------------------------------------------------


def test_title_author_date_and_subtitle_in_separate_blocks():
    essay = parse_essay(f"The Title\n\nA subtitle that explains\n\nBy Jane Doe\n\n14 January 2020\n\n{OPENING}")
    assert (essay.title, essay.subtitle) == ("The Title", "A subtitle that explains")
    assert (essay.author, essay.date) == ("Jane Doe", "14 January 2020")
    assert essay.paragraphs == (OPENING,)


def test_title_and_by_line_may_share_a_block():
    essay = parse_essay(f"Why Iran?\nBy: Someone Else\n\n{OPENING}")
    assert (essay.title, essay.author) == ("Why Iran?", "Someone Else")
    assert essay.paragraphs == (OPENING,)


@pytest.mark.parametrize("line", ["By: Jane Doe", "By Jane Doe", "by jane doe", "BY:Jane Doe", "By:   Jane Doe  "])
def test_by_line_gives_the_author(line):
    assert parse_essay(f"Title\n\n{line}\n\n{OPENING}").author.lower() == "jane doe"


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("Tuesday, 14 January, 2020", "Tuesday, 14 January, 2020"),
        ("14 January 2020", "14 January 2020"),
        ("January 14, 2020", "January 14, 2020"),
        ("Tuesday, January 14, 2020", "Tuesday, January 14, 2020"),
        ("Tue 14 Jan 2020", "Tue 14 Jan 2020"),
        ("14th of January 2020", "14th of January 2020"),
        ("2020-01-14", "2020-01-14"),
        ("14/01/2020", "14/01/2020"),
        ("14.01.2020", "14.01.2020"),
        ("Published on 14 January 2020", "14 January 2020"),
        ("Date: 2020-01-14.", "2020-01-14"),
    ],
)
def test_date_forms(line, date):
    essay = parse_essay(f"{line}\n\nThe Title\n\n{OPENING}")
    assert (essay.date, essay.title) == (date, "The Title")


def test_a_title_mentioning_a_date_is_not_a_date_line():
    essay = parse_essay(f"The 14 January 2020 attack\n\n{OPENING}")
    assert (essay.title, essay.date) == ("The 14 January 2020 attack", "")


def test_one_sentence_with_stacked_punctuation_is_a_header_block():
    assert (
        parse_essay(f"Rapprochement between Iran and ISIS?!\n\n{OPENING}").title
        == "Rapprochement between Iran and ISIS?!"
    )
    assert (
        parse_essay(f"Dr. J. R. Smith and the U.S. Senate\n\n{OPENING}").title == "Dr. J. R. Smith and the U.S. Senate"
    )


@pytest.mark.parametrize("block", ["It rained. We left.", "It rained.\nWe left.", "one\ntwo\nthree", "x" * 121])
def test_header_ends_at_a_block_that_is_long_or_several_sentences(block):
    essay = parse_essay(f"Title\n\n{block}\n\nShort.")
    assert essay.title == "Title"
    assert essay.paragraphs == (normalise_paragraph(block), "Short.")


def test_a_line_of_120_characters_may_be_a_title():
    assert parse_essay(f"{'x' * 120}\n\n{OPENING}").title == "x" * 120


def test_a_title_and_at_most_one_subtitle_the_rest_is_body():
    essay = parse_essay("One\n\nTwo\n\nThree\n\nFour\n\nFive\n\nSix")
    assert (essay.title, essay.subtitle) == ("One", "Two")
    assert essay.paragraphs == ("Three", "Four", "Five", "Six")


@pytest.mark.parametrize(
    "header",
    [
        "Title\n\nBy: Someone",
        "Title\n\nBy Someone\n\n14 January 2020",
        "14 January 2020\n\nTitle\n\nBy: Someone",
        "Title\nBy Someone",
        "Title\n\nA subtitle\n\nBy Someone",
        "Title",
        "",
    ],
)
@pytest.mark.parametrize(
    "opening",
    [
        "It is one short sentence.",
        "One sentence of about eighty-five characters, the kind an op-ed opens with, alone.",
        "Why?",
    ],
)
def test_nothing_of_the_body_disappears_into_the_header(header: str, opening: str) -> None:
    """An op-ed's one-sentence opening after the by-line is text to read, not a subtitle: every
    body paragraph, and any subtitle, is somewhere the reader sees it."""
    body = [opening, opening.replace("sentence", "line"), "A longer paragraph. It has two sentences."]
    essay = parse_essay("\n\n".join([header, *body]) if header else "\n\n".join(body))
    shown = [essay.title, essay.subtitle, *essay.paragraphs]  # the title bar shows the title, ¶ 1 the subtitle
    for paragraph in body:
        assert paragraph in shown, (header, shown)
    if "By" in header:
        assert essay.paragraphs[: len(body)] == tuple(body), "after the by-line, all is body"


def test_no_header_when_the_first_block_is_body():
    essay = parse_essay(f"{OPENING}\n\nBy Jane Doe")
    assert (essay.title, essay.author, essay.date) == ("", "", "")
    assert essay.paragraphs == (OPENING, "By Jane Doe")


def test_plain_text_keeps_hashes_verbatim():
    essay = parse_essay(f"# Not markdown\n\n{OPENING}\n\n## Still text")
    assert essay.title == "# Not markdown"
    assert essay.paragraphs == (OPENING, "## Still text")


# --- Markdown -------------------------------------------------------------------------------


def test_simple_front_matter():
    text = (
        "---\n"
        'title: "Quoted: Title"\n'
        "author: 'A. Writer'\n"
        "date: 2020-01-14\n"
        "subtitle: Plain subtitle\n"
        "tags:\n"
        "  - politics\n"
        "\n"
        "draft: true\n"
        "---\n"
        "Short.\n\n# A heading\n\nBody."
    )
    essay = parse_essay(text, markdown=True)
    assert (essay.title, essay.author) == ("Quoted: Title", "A. Writer")
    assert (essay.date, essay.subtitle) == ("2020-01-14", "Plain subtitle")
    assert essay.paragraphs == ("Short.", "A heading\nBody.")


def test_toml_front_matter():
    text = '+++\ntitle = "TOML Title"\nauthor = ["Ann", "Bob"]\ndate = 2020-01-14\n[extra]\nx = 1\n+++\n\nBody.'
    essay = parse_essay(text, markdown=True)
    assert (essay.title, essay.author, essay.date, essay.subtitle) == ("TOML Title", "Ann, Bob", "2020-01-14", "")
    assert essay.paragraphs == ("Body.",)


def test_toml_front_matter_error_names_the_file_line():
    with pytest.raises(ReadtuiError) as caught:
        parse_essay('+++\ntitle = "x"\nauthor = =\n+++\n\nBody.', markdown=True, path=Path("essay.md"))
    assert str(caught.value) == "essay.md: line 3, column 10: TOML front matter: Invalid value"


def test_toml_front_matter_nested_too_deeply():
    with pytest.raises(ReadtuiError) as caught:
        parse_essay("+++\na = " + "[" * 5000 + "\n+++\nBody.", markdown=True, path=Path("essay.md"))
    assert str(caught.value) == "essay.md: TOML front matter: nested too deeply"


def test_unclosed_front_matter():
    with pytest.raises(ReadtuiError) as caught:
        parse_essay("---\ntitle: x\n\nBody.", markdown=True, path=Path("essay.md"))
    assert str(caught.value) == "essay.md: line 1: front matter opened with --- is never closed"


def test_leading_heading_gives_the_title_and_other_headings_are_shown():
    text = (
        "# The *Title* #\n"
        "Short first paragraph.\n\n"
        "## Section\n"
        "Under the section\nwrapped.\n\n"
        "### Another ###\n\n"
        "Setext heading\n---\n\n"
        "Also a heading\n===\n"
        "After it.\n\n"
        "***\n\n"
        "- list item\n- another\n\n"
        "#hashtag is text"
    )
    essay = parse_essay(text, markdown=True)
    assert essay.title == "The Title"
    assert (essay.author, essay.date) == ("", "")
    assert essay.paragraphs == (
        "Short first paragraph.",
        "Section\nUnder the section wrapped.",
        "Another\nSetext heading\nAlso a heading\nAfter it.",
        "• list item\n• another",
        "#hashtag is text",
    )


def test_setext_title():
    essay = parse_essay("The Title\n=========\n\nBody.", markdown=True)
    assert (essay.title, essay.paragraphs) == ("The Title", ("Body.",))


def test_front_matter_title_wins_over_the_heading_which_is_then_shown():
    essay = parse_essay("---\ntitle: From front matter\n---\n# From heading\n\nBody.", markdown=True)
    assert (essay.title, essay.paragraphs) == ("From front matter", ("From heading\nBody.",))
    essay = parse_essay("---\ntitle: The same\n---\n# The same\n\nBody.", markdown=True)
    assert (essay.title, essay.paragraphs) == ("The same", ("Body.",))


def test_heading_gives_the_title_when_front_matter_has_none():
    essay = parse_essay("---\nauthor: Ann\n---\n# From heading\n\nBody.", markdown=True)
    assert (essay.title, essay.author, essay.paragraphs) == ("From heading", "Ann", ("Body.",))


def test_markdown_without_front_matter_or_heading_uses_header_detection():
    essay = parse_essay(f"14 January 2020\n\nThe Title\n\nBy: Ann\n\n## Part one\n\n{OPENING}", markdown=True)
    assert (essay.date, essay.title, essay.author) == ("14 January 2020", "The Title", "Ann")
    assert essay.paragraphs == (f"Part one\n{OPENING}",)


@pytest.mark.parametrize("name", ["essay.md", "essay.MD", "essay.markdown"])
def test_markdown_suffixes(tmp_path, name):
    essay = load_essay(write(tmp_path, name, "# Heading\n\nBody."))
    assert (essay.title, essay.paragraphs) == ("Heading", ("Body.",))


def test_other_suffixes_are_plain_text(tmp_path):
    essay = load_essay(write(tmp_path, "essay.rst", "# Heading\n\nBody. Two sentences."))
    assert (essay.title, essay.paragraphs) == ("# Heading", ("Body. Two sentences.",))


# --- overrides ------------------------------------------------------------------------------


def test_title_and_author_override_detection():
    essay = load_essay(sample_essay_path(), title="Another title", author="Someone\x1b")
    assert (essay.title, essay.author, essay.date) == ("Another title", "Someone\u241b", "Tuesday, 14 January, 2020")
    assert len(essay.paragraphs) == 6


def test_empty_override_is_given_none_is_not():
    assert load_essay(sample_essay_path(), title="", author=None).title == ""
    assert load_essay(sample_essay_path(), title="", author=None).author == "Broomand"


# --- decoding -------------------------------------------------------------------------------


def test_cp1252_with_encoding(tmp_path):
    path = write(tmp_path, "essay.txt", OPENING.encode() + b"\n\ncaf\xe9 \x93quoted\x94 \x80")
    with pytest.raises(ReadtuiError):
        load_essay(path)
    assert load_essay(path, encoding="cp1252").paragraphs[1] == "caf\u00e9 \u201cquoted\u201d \u20ac"
    assert load_essay(path, encoding="latin-1").paragraphs[1] == "caf\u00e9 \ufffdquoted\ufffd \ufffd"


def test_invalid_utf8_names_the_byte_offset(tmp_path):
    data = f"{OPENING}\n\nGood text then ".encode()
    path = write(tmp_path, "essay.txt", data + b"\xff bad")
    with pytest.raises(ReadtuiError) as caught:
        load_essay(path)
    assert str(caught.value) == f"{path}: byte {len(data)}: not valid UTF-8 (use --encoding, e.g. --encoding cp1252)"


def test_invalid_utf8_offset_counts_the_bom():
    with pytest.raises(ReadtuiError) as caught:
        decode_essay(codecs.BOM_UTF8 + b"abc\xc3(", "essay.txt")
    assert str(caught.value) == "essay.txt: byte 6: not valid UTF-8 (use --encoding, e.g. --encoding cp1252)"


def test_truncated_utf16():
    with pytest.raises(ReadtuiError) as caught:
        decode_essay(codecs.BOM_UTF16_LE + "ab".encode("utf-16-le") + b"c", "essay.txt")
    assert str(caught.value) == "essay.txt: byte 6: not valid UTF-16"


def test_invalid_bytes_in_a_given_encoding():
    with pytest.raises(ReadtuiError) as caught:
        decode_essay(b"ab\x81c", "essay.txt", "cp1252")
    assert str(caught.value) == "essay.txt: byte 2: not valid cp1252"


def test_unknown_encoding(tmp_path):
    with pytest.raises(ReadtuiError) as caught:
        load_essay(sample_essay_path(), encoding="no-such-codec")
    assert str(caught.value) == f"{sample_essay_path()}: unknown encoding 'no-such-codec'"


def test_codec_that_is_not_a_text_encoding():
    with pytest.raises(ReadtuiError) as caught:
        decode_essay(b"aGVsbG8=", "essay.txt", "base64")
    assert str(caught.value) == "essay.txt: 'base64' is not a text encoding"


def test_codec_that_refuses_to_decode():
    with pytest.raises(ReadtuiError) as caught:
        decode_essay(b"abc", "essay.txt", "undefined")
    assert str(caught.value).startswith("essay.txt: cannot decode as undefined: ")


def test_utf16_without_bom_needs_an_encoding():
    data = f"{OPENING}\n\nBody.".encode("utf-16-le")
    with pytest.raises(ReadtuiError) as caught:
        decode_essay(data, "essay.txt")
    assert str(caught.value).startswith("essay.txt: byte 1: contains a NUL byte")
    assert decode_essay(data, "essay.txt", "utf-16-le") == f"{OPENING}\n\nBody."


def test_explicit_utf8_drops_a_bom():
    assert decode_essay(codecs.BOM_UTF8 + b"abc", "essay.txt", "utf-8") == "abc"


# --- errors ---------------------------------------------------------------------------------


def load_error(path: Path, **options) -> ReadtuiError:
    with pytest.raises(ReadtuiError) as caught:
        load_essay(path, **options)
    assert_one_line_error(caught.value, str(path))
    return caught.value


def test_missing_file(tmp_path):
    assert load_error(tmp_path / "missing.txt").message == "no such file"


def test_directory(tmp_path):
    assert load_error(tmp_path).message == "is a directory, not an essay file"


def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []
    reader = threading.Thread(target=lambda: outcome.append(load_error(fifo)), daemon=True)
    reader.start()
    reader.join(timeout=5)
    assert outcome, "load_essay blocked on a FIFO"
    assert outcome[0].message == "is a named pipe (FIFO), not a regular file"


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
def test_device_is_refused():
    with pytest.raises(ReadtuiError) as caught:
        load_essay("/dev/null")
    assert str(caught.value) == "/dev/null: is a character device, not a regular file"


def test_symlink_loop(tmp_path):
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    assert load_error(tmp_path / "a.txt").message == "symlink loop (too many levels of symbolic links)"


def test_broken_symlink(tmp_path):
    (tmp_path / "link.txt").symlink_to(tmp_path / "gone.txt")
    assert load_error(tmp_path / "link.txt").message == "broken symlink (its target does not exist)"


@pytest.mark.parametrize("refused_by", ["the file's mode", "the system (injected)"])
def test_unreadable_file(tmp_path, monkeypatch, refused_by):
    """An essay the reader may not read is one line naming it and the system's reason. Root reads
    anything, so there (and always, in the second case) EACCES is raised where files.py opens the file."""
    path = write(tmp_path, "essay.txt", OPENING)
    if refused_by == "the file's mode":
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            pytest.skip("root can read anything")
        path.chmod(0)
    else:
        monkeypatch.setattr(files_module, "os", FaultyOs("open", errno.EACCES, tmp_path))
    try:
        assert str(load_error(path)) == f"{path}: cannot read: Permission denied"
    finally:
        path.chmod(0o644)


def test_file_inside_a_file(tmp_path):
    path = write(tmp_path, "essay.txt", OPENING)
    assert load_error(path / "inner.txt").message == f"cannot open: {os.strerror(errno.ENOTDIR)}"


def test_nul_in_the_file_name():
    with pytest.raises(ReadtuiError) as caught:
        load_essay("bad\x00name.txt")
    assert str(caught.value) == "bad\u2400name.txt: not a valid file name"


def test_newline_in_the_file_name_stays_on_one_line(tmp_path):
    path = tmp_path / "two\nlines.txt"
    with pytest.raises(ReadtuiError) as caught:
        load_essay(path)
    assert str(caught.value) == f"{tmp_path}/two\u240alines.txt: no such file"


def test_binary_file(tmp_path):
    path = write(tmp_path, "essay.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    error = load_error(path)
    assert error.where == "byte 8"
    assert error.message.startswith("contains a NUL byte: a binary file")


@pytest.mark.parametrize(
    "content", [b"", b"   \n\t\n \r\n", codecs.BOM_UTF8, codecs.BOM_UTF16_LE + " \n".encode("utf-16-le")]
)
def test_empty_file(tmp_path, content):
    assert load_error(write(tmp_path, "essay.txt", content)).message == "empty: no paragraphs"


def test_header_without_body(tmp_path):
    path = write(tmp_path, "essay.txt", "Title\n\nBy: Ann\n\n14 January 2020\n")
    assert load_error(path).message == "no body paragraphs after the header"


def test_markdown_with_only_headings(tmp_path):
    path = write(tmp_path, "essay.md", "# Title\n\n---\n")
    assert load_error(path).message == "no body paragraphs after the header"


def test_parse_error_without_a_path_names_the_text():
    with pytest.raises(ReadtuiError) as caught:
        parse_essay(" \n ")
    assert str(caught.value) == "<text>: empty: no paragraphs"


# --- properties -----------------------------------------------------------------------------

TRICKY = [*"ab .?!:#=-*+\"'\n\r\t", "---\n", "+++\n", "By ", "# ", "2020-01-14"]
TRICKY += ["**", "_", "`", "[x](y)", "> ", "1. ", "\\"]  # Markdown syntax
TRICKY += ["\x1b", "\x85", "\x1c", "\x00", "\x7f", "\xa0", "\u0301", "\u2028", "\ufeff", "\ud800"]
essay_text = st.lists(st.one_of(st.sampled_from(TRICKY), st.characters(exclude_categories=())), max_size=200).map(
    "".join
)
INVISIBLE = {chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]}


def assert_normalised(text: str) -> None:
    assert not INVISIBLE & set(text), repr(text)
    assert not any(0xD800 <= ord(char) <= 0xDFFF for char in text)
    assert text == text.strip(" ") and "  " not in text
    assert unicodedata.is_normalized("NFC", text)
    assert normalise_paragraph(text) == text


@settings(max_examples=400, deadline=None)
@given(text=essay_text, markdown=st.booleans())
def test_parse_essay_only_raises_readtui_error(text, markdown):
    try:
        essay = parse_essay(text, markdown=markdown)
    except ReadtuiError as error:
        assert "\n" not in str(error)
        return
    assert essay.paragraphs
    for paragraph in essay.paragraphs:
        assert paragraph
        assert markdown or "\n" not in paragraph
        for line in paragraph.split("\n"):  # Markdown: lines of list items, headings, quotes
            assert line
            assert_normalised(line)
    for index, paragraph in enumerate(essay.paragraphs):
        for start, end, style in essay.paragraph_spans(index):
            assert 0 <= start < end <= len(paragraph) and style in STYLES
    for field in (essay.title, essay.author, essay.date, essay.subtitle):
        assert_normalised(field)
    assert len(essay.sha256) == 64


@settings(max_examples=300, deadline=None)
@given(text=essay_text)
def test_line_endings_never_matter(text):
    def outcome(variant: str):
        try:
            return parse_essay(variant).paragraphs
        except ReadtuiError as error:
            return error.message

    assert outcome(text.replace("\r", "")) == outcome(text.replace("\r", "").replace("\n", "\r\n"))


@settings(max_examples=300, deadline=None)
@given(text=essay_text)
def test_normalise_paragraph_is_idempotent(text):
    once = normalise_paragraph(text)
    assert_normalised(once)


# --- speed and weight -----------------------------------------------------------------------


def test_large_essay_loads_every_paragraph_and_hashes_lazily(tmp_path):
    """Speed is measured in benchmarks/, not here; this checks the big-essay behaviour."""
    paragraph = textwrap.fill("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 17, 72)
    path = write(tmp_path, "big.txt", "Title\r\n\r\n" + "\r\n\r\n".join([paragraph] * 20_000))
    assert path.stat().st_size > 19_000_000
    essay = load_essay(path)
    assert len(essay.paragraphs) == 20_000
    assert essay.title == "Title"
    assert "sha256" not in essay.__dict__


def test_paragraphs_are_normalised_when_first_read(monkeypatch: pytest.MonkeyPatch) -> None:
    import readtui.core.essay as essay_module

    calls: list[str] = []
    original = essay_module.normalise_paragraph
    counted = staticmethod(lambda text: calls.append(text) or original(text))
    monkeypatch.setattr(essay_module, "normalise_paragraph", counted)
    monkeypatch.setattr(essay_module.Paragraphs, "_normalise", counted)
    body = "Paragraph {n} opens with a claim that runs on for a while.\nIt wraps   here, then goes on to a second sentence."
    essay = parse_essay("Title\n\n" + "\n\n".join(body.format(n=n) for n in range(1, 1001)))
    expected = [" ".join(body.format(n=n).split()) for n in range(1, 1001)]
    assert len(essay.paragraphs) == 1000
    assert len(calls) < 10  # only the header's candidates: a long essay opens at once
    calls.clear()
    assert essay.paragraphs[999] == expected[999]
    assert len(calls) == 1
    assert essay.paragraphs[998:] == tuple(expected[998:])
    assert essay.paragraphs == tuple(expected)
    assert len(calls) == 1000  # each one once, however often it is read


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(["\n", " ", "\t", "a", "\u3000", "\x1c", "\xa0", "x\n", "\n\n", " \n"]), max_size=24))
def test_blocks_split_as_if_the_text_had_a_newline_at_each_end(pieces: list[str]) -> None:
    """The split copies no text, yet gives what splitting "\\n" + text + "\\n" gives."""
    import readtui.core.essay as essay_module

    text = "".join(pieces)
    expected = [block for block in essay_module._PARAGRAPH_BREAK.split("\n" + text + "\n") if block]
    assert essay_module._split_blocks(text) == expected
