"""Where a field path is written in a TOML file (core/positions.py), and problems that say so:
``my.toml:14:3: section[1].item[2].options: …``. The scanner is checked against tomllib: every
plain value it finds at a path, parsed again, is the value tomllib puts there."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from readtui.core.assessment import ASSESSMENT_FORMAT
from readtui.core.checklist import bundled_checklists
from readtui.core.errors import ReadtuiError, ReadtuiErrors
from readtui.core.essay import sample_essay_path
from readtui.core.positions import Scanner, line_and_column, locate, parse_field_path, value_span
from readtui.core.schema import field_path
from readtui.core.storage import add_positions, load_checklist
from readtui.core.validation import validate_file


def leaves(data: Any, path: tuple = ()) -> list[tuple[tuple, Any]]:
    """Every plain value in parsed TOML with its path."""
    if isinstance(data, dict):
        return [leaf for key, value in data.items() for leaf in leaves(value, (*path, key))]
    if isinstance(data, list):
        return [leaf for n, value in enumerate(data) for leaf in leaves(value, (*path, n))]
    return [(path, data)]


def assert_values_round_trip(text: str) -> None:
    """Each plain value, read back from where the scanner says it is written, is tomllib's value."""
    scanner = Scanner(text)
    spans = scanner.values()
    for path, value in leaves(tomllib.loads(text)):
        assert path in spans, path
        start, end = spans[path]
        assert tomllib.loads(f"v = {text[start:end]}")["v"] == value, (path, text[start:end])
        assert path in scanner.places(), path


def at(text: str, path: tuple) -> str:
    """The rest of the line where ``path`` is found."""
    line, column = locate(text, path)
    return text.splitlines()[line - 1][column - 1 :]


SHAPES = """\
# a comment with [[section]] and = "quotes"
top = "value # not a comment"   # a comment
"quoted key" = 1
'literal key' = 'C:\\path\\'
dotted.key.here = true
date = 1979-05-27 07:32:00Z
inline = { a = 1, b = { c = [1, 2] }, "d e" = "f" }
array = [
  1,   # one
  [2, 3],
  { x = "y" },
]
multi = \"\"\"
[[section]]
id = "not a header"
\"\"\"
literal_multi = '''
[section]'''
escaped = "a \\" [[section]] \\\\"
quotes = \"\"\"two quotes end it\"\"\"\"\"
lit_quotes = '''one quote''''

[table]
key = "in table"

  [table.sub]
  deep = 3

[[section]]
id = "first"

  [[section.item]]
  id = "one"
  options = [ { id = "a", label = "A" }, { id = "b", label = "B" } ]

  [[section.item]]
  id = "two"

  [section.extra]
  note = "a table in section 1"

[[section]]
id = "second"

  [[section.item]]
	id = "three"   # a tab before it
"""


@pytest.mark.parametrize(
    ("path", "found"),
    [
        (("top",), 'top = "value # not a comment"   # a comment'),
        (("quoted key",), '"quoted key" = 1'),
        (("literal key",), "'literal key' = 'C:\\path\\'"),
        (("dotted",), "dotted.key.here = true"),
        (("dotted", "key", "here"), "here = true"),
        (("date",), "date = 1979-05-27 07:32:00Z"),
        (("inline", "b", "c", 1), '2] }, "d e" = "f" }'),
        (("inline", "d e"), '"d e" = "f" }'),
        (("array", 1, 0), "2, 3],"),
        (("array", 2, "x"), 'x = "y" },'),
        (("escaped",), 'escaped = "a \\" [[section]] \\\\"'),
        (("table",), "[table]"),
        (("table", "sub", "deep"), "deep = 3"),
        (("section", 0), "[[section]]"),
        (("section", 0, "item", 1, "id"), 'id = "two"'),
        (("section", 0, "item", 0, "options", 1, "label"), 'label = "B" } ]'),
        (("section", 0, "extra", "note"), 'note = "a table in section 1"'),
        (("section", 1, "id"), 'id = "second"'),
        (("section", 1, "item", 0, "id"), 'id = "three"   # a tab before it'),
        # Not written: the nearest enclosing place that is.
        (("section", 1, "item", 0, "prompt"), "[[section.item]]"),
        (("section", 0, "item", 0, "options", 1, "help"), '{ id = "b", label = "B" } ]'),
        (("table", "missing"), "[table]"),
    ],
)
def test_locate_in_many_shapes(path: tuple, found: str) -> None:
    assert at(SHAPES, path) == found


def test_strings_that_look_like_headers_are_not_headers() -> None:
    assert locate(SHAPES, ("section", 0)) == (29, 1)  # not line 14, inside the multi-line string
    assert locate(SHAPES, ("section", 2)) == locate(SHAPES, ("section",))  # only two sections
    assert_values_round_trip(SHAPES)


def test_columns_count_characters_and_lines_end_in_crlf() -> None:
    text = 'title = "Café ☕"\r\n[[section]]\r\nid = "s"\r\n'
    assert locate(text, ("section", 0, "id")) == (3, 1)
    text = 'a = { é = "x", b = 1 }\n'
    assert locate(text, ("a", "b")) == (1, 16)


def test_the_document_itself_has_no_place() -> None:
    assert locate("a = 1\n", ("b",)) is None
    assert locate("a = 1\n", ()) is None


def test_value_span() -> None:
    text = 'id = "old"   # keep me\nversion = "1.1"\n'
    start, end = value_span(text, ("id",))
    assert text[start:end] == '"old"'
    assert value_span(text, ("nope",)) is None


def test_line_and_column() -> None:
    assert line_and_column("ab\ncd", 0) == (1, 1)
    assert line_and_column("ab\ncd", 4) == (2, 2)
    assert line_and_column("ab\n", 3) == (2, 1)


@pytest.mark.parametrize("path", sorted(bundled_checklists().values()), ids=lambda path: path.stem)
def test_every_value_of_every_bundled_checklist_is_found(path: Path) -> None:
    assert_values_round_trip(path.read_text(encoding="utf-8"))


def test_every_value_of_the_sample_key_is_found() -> None:
    key = sample_essay_path().with_name("rapprochement-iran-isis.key.readtui.toml")
    assert_values_round_trip(key.read_text(encoding="utf-8"))


# Any data tomli_w can write: keys that need quoting, nested tables, arrays of tables and of values.
keys = st.one_of(
    st.sampled_from(["id", "a-b", "x_1", "with space", "dot.ted", "é", '"q"', "'", ""]), st.text(max_size=4)
)
scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.text(max_size=12),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=3)),
    max_leaves=12,
)
documents = st.dictionaries(keys, values, max_size=5)


@settings(max_examples=300, deadline=None)
@given(document=documents, multiline=st.booleans())
def test_every_value_tomli_w_writes_is_found(document: dict, multiline: bool) -> None:
    assert_values_round_trip(tomli_w.dumps(document, multiline_strings=multiline))


@settings(max_examples=200, deadline=None)
@given(document=documents, indent=st.sampled_from(["", "  ", "\t"]), comment=st.booleans())
def test_indented_and_commented_documents(document: dict, indent: str, comment: bool) -> None:
    text = tomli_w.dumps(document)
    lines = [
        indent + line + ("  # [x] = 'y'" if comment and line.endswith(("]", '"', "0", "e")) else "")
        for line in text.splitlines()
    ]
    text = "\n".join(lines) + "\n"
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return  # a comment after a multi-line string's opening line belongs to the string
    assert_values_round_trip(text)


@settings(max_examples=200, deadline=None)
@given(
    loc=st.lists(st.one_of(keys.filter(bool), st.integers(min_value=0, max_value=50)), min_size=1, max_size=6).filter(
        lambda loc: isinstance(loc[0], str)
    )
)
def test_field_paths_parse_back(loc: list) -> None:
    assert parse_field_path(field_path(loc)) == tuple(loc)


@pytest.mark.parametrize("where", ["byte 12", "end of file", "line 3", "[1]", "a[0]", "a..b", "a b", ""])
def test_other_places_are_not_field_paths(where: str) -> None:
    assert parse_field_path(where) is None


# --- problems with their line and column ---------------------------------------------------------

CHECKLIST_WITH_MISTAKES = """\
format = "readtui-checklist/1"
id = "My list"
title = "Mine"
version = 2

[[label]]
id = "vague"
title = "Vague"
key = "v"

[[label]]
id = "vague2"
title = "Vague too"
key = "v"

[[section]]
id = "sources"
title = "Sources"
colour = "red"

  [[section.item]]
  id = "named"
  prompt = "Are they named?"
  kind = "choice"
  evidence = "vage"
  options = [
    { id = "yes", label = "Yes" },
    { id = "No", label = "No" },
  ]

  [[section.item]]
  id = "named"
  prompt = "Rate it"
  kind = "scale"
  min = 5
  max = 1

  [[section.item]]
  id = "pick"
  kind = "choise"

  [[section.item]]
  id = "rate"
  prompt = "Rate"
  kind = "scale"
  min = 1
  max = 5
  lwo = "low"

  [[section.item]]
  id = "say"
  kind = "text"

  [[section.item]]
  id = "ticks"
  prompt = "Tick"
  kind = "multi"
  required = "no"
  options = [{ id = "only", label = "Only one" }]
"""


def test_every_kind_of_checklist_problem_points_at_its_place(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(CHECKLIST_WITH_MISTAKES, encoding="utf-8")
    problems = add_positions(validate_file(str(path)).problems)
    assert [str(problem) for problem in problems] == [  # from the top of the file down
        f"{path}:2:1: id: bad id 'My list': use lowercase letters, digits, '-' and '_', starting with a letter or digit",
        f"{path}:4:1: version: expected text in quotes (got 2)",
        f"{path}:14:1: label[2].key: key 'v' is already the key of label[1]",
        f"{path}:19:1: section[1].colour: unknown key (expected one of: id, title, help, scope, item)",
        f"{path}:25:3: section[1].item[1].evidence: unknown label 'vage' (labels: vague, vague2)",
        f"{path}:28:7: section[1].item[1].options[2].id: bad id 'No': use lowercase letters, digits, '-' and '_', starting with a letter or digit",
        f"{path}:31:3: section[1].item[2]: min (5) must be less than max (1)",
        f"{path}:32:3: section[1].item[2].id: duplicate item id 'named' (first used at section[1].item[1].id)",
        f"{path}:40:3: section[1].item[3].kind: unknown kind 'choise' (expected one of: choice, multi, scale, text)",
        f"{path}:48:3: section[1].item[4].lwo: unknown key (did you mean 'low'?)",
        f"{path}:50:3: section[1].item[5].prompt: missing required key",
        f"{path}:58:3: section[1].item[6].required: expected true or false, without quotes (got 'no')",
        f"{path}:59:3: section[1].item[6].options: needs at least 2 options",
    ]


def test_problems_in_an_assessment_point_at_their_place(tmp_path: Path) -> None:
    key = sample_essay_path().with_name("rapprochement-iran-isis.key.readtui.toml")
    text = key.read_text(encoding="utf-8")
    second = text.index("[[paragraph]]", text.index("[[paragraph]]") + 1)
    damaged = text[:second] + text[second:].replace("index = ", "index = -", 1)
    damaged = damaged.replace("[reader]\n", "[reader]\nnmae = 'x'\n")
    path = tmp_path / "key.readtui.toml"
    path.write_text(damaged, encoding="utf-8")
    lines = [str(problem) for problem in add_positions(validate_file(str(path)).problems)]
    reader_at = damaged[: damaged.index("nmae")].count("\n") + 1
    index_at = damaged[: damaged.index("index = -")].count("\n") + 1
    assert f"{path}:{reader_at}:1: reader.nmae: unknown key (did you mean 'name'?)" in lines
    assert any(line.startswith(f"{path}:{index_at}:1: paragraph[2].index: ") for line in lines), lines


def test_a_checklist_with_a_bom_counts_columns_without_it(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_text("\ufeffformat = 'readtui-checklist/1'\nid = 'X'\n", encoding="utf-8")
    lines = [str(problem) for problem in add_positions(validate_file(str(path)).problems)]
    assert (
        f"{path}:2:1: id: bad id 'X': use lowercase letters, digits, '-' and '_', starting with a letter or digit"
        in lines
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('format = "readtui-checklist/1"\nid = \n', "2:6: TOML syntax error: Invalid value"),
        ('format = "readtui-checklist/1"\nid = "x', "2:8: TOML syntax error: Unterminated string"),
        ("a = 1\na = 2\n", "2:6: TOML syntax error: Cannot overwrite a value"),
        ("[[section]]\nid = 'a'\n[section]\n", "3:9: TOML syntax error: Cannot declare ('section',) twice"),
        (
            "[[section]]\nid = 'a'\n[[section\n",
            "3:10: TOML syntax error: Expected ']]' at the end of an array declaration",
        ),
        ('a = "x"\n', None),
    ],
)
def test_toml_syntax_errors_have_the_same_shape(tmp_path: Path, text: str, expected: str | None) -> None:
    path = tmp_path / "syntax.toml"
    path.write_text(text, encoding="utf-8")
    lines = [str(problem) for problem in validate_file(str(path)).problems]
    if expected is None:
        assert lines == [
            f'{path}: format: not a readtui file: expected format = "readtui-checklist/1" or "{ASSESSMENT_FORMAT}"'
        ]
    else:
        assert lines == [f"{path}:{expected}"]


def test_files_that_are_not_toml_now_are_left_alone(tmp_path: Path) -> None:
    """A problem names a field path of a file that has since changed, or is not TOML at all."""
    path = tmp_path / "gone.toml"
    problems = [ReadtuiError(path, "problem", "section[1].id"), ReadtuiError("--checklist", "problem", "x")]
    assert [str(p) for p in add_positions(problems)] == [f"{path}: section[1].id: problem", "--checklist: x: problem"]
    path.write_text("[[section]\n", encoding="utf-8")
    assert [str(p) for p in add_positions(problems[:1])] == [f"{path}: section[1].id: problem"]


def test_positions_cross_process_boundaries() -> None:
    import pickle

    error = ReadtuiErrors([ReadtuiError("a.toml", "bad", "id", line=3, column=7)])
    assert str(pickle.loads(pickle.dumps(error))) == "a.toml:3:7: id: bad"


def test_load_checklist_itself_gives_field_paths_without_reading_the_file_again(tmp_path: Path) -> None:
    """Positions are added where problems are shown (the commands), not by every loader."""
    path = tmp_path / "mine.toml"
    path.write_text(CHECKLIST_WITH_MISTAKES, encoding="utf-8")
    with pytest.raises(ReadtuiErrors) as caught:
        load_checklist(path)
    assert all(problem.line is None for problem in caught.value.problems)
