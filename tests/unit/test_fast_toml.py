"""Large files are parsed by rtoml (compiled) and read exactly as tomllib reads them: rtoml's result
is kept only where the two agree, and everything else (what rtoml refuses, what only TOML 1.1
allows, what rtoml might read otherwise) is parsed by tomllib, whose errors readtui prints. Without
rtoml, tomllib reads everything, without a word."""

from __future__ import annotations

import math
import sys
import tomllib
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from readtui.core import storage
from readtui.core.errors import ReadtuiError
from readtui.core.storage import AssessmentWriter, load_assessment, parse_toml
from tests.conftest import REPO_ROOT, run_process, write_three_readers

try:
    import rtoml
except ImportError:  # the tests of the fallback still run
    rtoml = None
needs_rtoml = pytest.mark.skipif(rtoml is None, reason="rtoml is not installed: only the fallback is tested")


def typed(value):
    """``value`` with every type, float sign and time zone class spelt out, to compare exactly."""
    if isinstance(value, dict):
        return ("table", [(key, typed(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("array", [typed(item) for item in value])
    if isinstance(value, float):
        return ("float", repr(value), math.copysign(1.0, value))
    if isinstance(value, datetime | time):
        return (type(value).__name__, value.isoformat(), type(value.tzinfo).__name__, value.utcoffset())
    return (type(value).__name__, repr(value))


def tomllib_reading(text: str):
    try:
        return typed(tomllib.loads(text))
    except tomllib.TOMLDecodeError:
        return "refused"
    except RecursionError:
        return "too deep"


def fast_reading(text: str):
    """What the fast path makes of ``text``: a value, or None when it leaves the text to tomllib."""
    data = text.encode("utf-8")
    parsed = storage._fast_loads(data, text)
    return None if parsed is None else typed(parsed)


def assert_agrees(text: str) -> bool:
    """The fast path gives tomllib's value (and only for text tomllib accepts), or steps aside;
    returns whether it took the text."""
    fast = fast_reading(text)
    if fast is not None:
        assert fast == tomllib_reading(text), text
    return fast is not None


# --- TOML's corners ---------------------------------------------------------------------------

CORNERS = [
    # floats
    "a = 1e400",
    "a = -1e400",
    "a = 1e99999999999999999999",
    "a = 5e-324\nb = 1e-400",
    "a = inf\nb = -inf\nc = +inf",
    "a = nan\nb = -nan\nc = +nan",
    "a = -0.0\nb = +0.0\nc = -0\nd = -0e0",
    "a = 0.1000000000000000055511151231257827021181583404541015625",
    "a = 1_000.5_5\nb = 6.626e-34\nc = 1E+5",
    "a = .5",
    "a = 5.",
    "a = 1__0",
    "a = 1e_5",
    # integers
    "a = 9223372036854775807\nb = -9223372036854775808",
    "a = 9223372036854775808",
    "a = -9223372036854775809",
    "a = 0xDEADBEEF\nb = 0o755\nc = 0b1101\nd = 0xFFFFFFFFFFFFFFFF",
    "a = 01",
    "a = +0x1",
    # strings and escapes
    'a = "\\u00e9\\U0001F600"',
    'a = "\\uD800"',
    'a = "\\U00110000"',
    'a = "\\e"',
    'a = "\\x41"',
    'a = "C:\\\\essays\\\\x.md"',
    "a = 'C:\\essays\\x.md'",
    'a = "x\\ty\\"z\\\\"',
    'a = "x\x7fy"',
    'a = "\x00"',
    'a = """\nx\\\n   y"""',
    'a = """x\\ \n y"""',
    'a = """x\\ y"""',
    'a = """x""""',
    "a = '''\nx'''''",
    "a = ''''''''",
    'a = "x\ny"',
    # dates and times
    "a = 1979-05-27T07:32:00Z\nb = 1979-05-27T00:32:00-07:00\nc = 1979-05-27 00:32:00.999999+07:00",
    "a = 1979-05-27T00:32:00.9999999+07:00\nb = 1979-05-27T00:32:00.1234567891z",
    "a = 1979-05-27t07:32:00z",
    "a = 1979-05-27T07:32:00+00:00\nb = 1979-05-27T07:32:00-00:00",
    "a = 1979-05-27T07:32:00+23:59\nb = 1979-05-27T07:32:00+24:00",
    "a = 1979-05-27T07:32:00\nb = 1979-05-27 07:32:00.5",
    "a = 1979-05-27\nb = 2024-02-29\nc = 2023-02-29\nd = 1979-13-01",
    "a = 07:32:00\nb = 00:32:00.999999\nc = 24:00:00",
    "a = 07:32",
    "a = 1979-05-27T07:32",
    "a = 1979-05-27T07:32Z",
    "a = 1979-05-27 07:32-07:00",
    "a = [07:32]",
    "a = 1979-05-27T07:32:60Z",
    'note = "meet at 10:30"\nb = 1979-05-27T07:32:00Z',
    # tables
    "a = {x = 1, y = {z = [1, {w = 2}]}}",
    "a = {x=1,\ny=2}",
    "a = {x=1,}",
    "a = {x=1 , }",
    'a = {x="}",\ny=2}',
    "a = {\n}",
    "a = {}",
    'a = {x = """y"""}',
    "[[a]]\nx=1\n[[a]]\nx=2\n[a.b]\nc=1",
    "a = [1]\n[[a]]",
    "a = {x=1}\n[a]\ny=2",
    "a = {x=1}\na.y=2",
    "a.b = 1\n[a]\nc = 2",
    "[a.b]\nc = 1\n[a]\nb.d = 2",
    "[x]\na.b = 1\n[x.a]\nc = 2",
    "a = 1\na = 2",
    "[t]\nx = 1\n[t]\ny = 2",
    '"a b" = 1\n\'c\' = 2\n"" = 3',
    "é = 1",
    "a . b = 1",
    "a = [1, 'x', 1.0, [2], {b = 3}]",
    "a = [1 2]",
    "a = [\n1, # c\n2,\n]",
    "a = 1 b = 2",
    "a = 1\n]",
    "a =",
    "a = True",
    "a = 1 # x\x7f",
    "a = 1 # x\x01",
    "a = 1\rb = 2",
    "a = 1\r\nb = 2\r\n",
    "\ufeffa = 1",
    'a = "\ufeff"',
    "",
    "# only a comment",
    "a = " + "[" * 60 + "]" * 60,
    "a = " + "[" * 300 + "]" * 300,
    "a = " + "{b = " * 60 + "1" + "}" * 60,
    "a" + ".b" * 300 + " = 1",
    # tables declared after a table inside them
    "[a.b]\n[c]\n[a]",
    "[a.b.c]\n[a.d]\n[a]\n[a.b]",
    '[00000.0]\n[""]\n[00000]',
    "[[p]]\n[p.x]\n[[p]]\n[p.x.y]\n[p.z]\n[p.x]",
    "[[a.b]]\n[c]\n[a]",
    "  [a.b]\n[c]\n  [a]",
    "[a]\n[a.b]\n[c]\n[c.d]",
]


@needs_rtoml
@pytest.mark.parametrize("text", CORNERS)
def test_the_fast_path_reads_every_corner_as_tomllib_or_leaves_it_to_tomllib(text: str) -> None:
    assert_agrees(text)


TOML_11 = [
    'a = "\\e"',
    'a = "\\x41"',
    "a = 07:32",
    "a = 1979-05-27T07:32",
    "a = 1979-05-27 07:32Z",
    "a = {x=1,\ny=2}",
    "a = {x=1,}",
    "a = {\n  x = 1\n}",
    "\ufeffa = 1",
]


@needs_rtoml
@pytest.mark.parametrize("text", TOML_11)
def test_what_rtoml_accepts_and_tomllib_refuses_goes_to_tomllib(text: str, tmp_path: Path, monkeypatch) -> None:
    """TOML 1.1, which rtoml reads: readtui refuses it as tomllib does, with tomllib's message."""
    assert rtoml.loads(text) is not None, "rtoml accepts it (else this case tests nothing)"
    assert tomllib_reading(text) == "refused"
    assert fast_reading(text) is None
    path = tmp_path / "f.toml"
    # readtui takes off one byte-order mark: the text stays as it is after it
    path.write_bytes("\ufeff".encode() + text.encode("utf-8") + b"\n# " + b"padding " * 5000)
    slow = error_of(path)
    monkeypatch.setattr(storage, "FAST_PARSE_BYTES", 0)
    assert error_of(path) == slow and slow.startswith(f"{path}:1:")


REORDERED = ["[a.b]\n[c]\n[a]", "[a.b.c]\n[a.d]\n[a]\n[a.b]", '[00000.0]\n[""]\n[00000]', "[[a.b]]\n[c]\n[a]"]


@needs_rtoml
@pytest.mark.parametrize("text", REORDERED)
def test_a_table_declared_after_one_inside_it_goes_to_tomllib(text: str) -> None:
    """rtoml puts such a table where its header is, tomllib where it was first made (found by the
    hypothesis test): the keys would come in another order."""
    assert typed(rtoml.loads(text)) != typed(tomllib.loads(text)), "rtoml reorders it (else this tests nothing)"
    assert fast_reading(text) is None


def error_of(path: Path) -> str:
    with pytest.raises(ReadtuiError) as caught:
        parse_toml(path)
    return str(caught.value)


@needs_rtoml
def test_rtoml_time_zones_become_tomllib_ones() -> None:
    text = "[session]\nstarted = 2026-12-07 09:32:06+00:00\nlocal = 2026-12-07T09:32:06\n[[p]]\nat = 1979-05-27T00:32:00-07:00\n"
    parsed = storage._fast_loads(text.encode(), text)
    assert parsed["session"]["started"].tzinfo is UTC
    assert parsed["p"][0]["at"].tzinfo == timezone(timedelta(hours=-7))
    assert type(parsed["p"][0]["at"].tzinfo) is timezone
    assert typed(parsed) == typed(tomllib.loads(text))


# --- generated TOML ---------------------------------------------------------------------------

offsets = st.sampled_from(["Z", "z", "+00:00", "-00:00", "+05:30", "-07:00", "+23:59", "+24:00", ""])
fractions = st.sampled_from(["", ".5", ".999999", ".1234567", ".0000001"])
separators = st.sampled_from(["T", "t", " "])
datetimes_text = st.builds(
    lambda d, sep, t, frac, off: f"{d}{sep}{t}{frac}{off}",
    st.dates().map(date.isoformat),
    separators,
    st.sampled_from(["07:32:00", "00:00:00", "23:59:59", "07:32", "24:00:00", "07:32:60"]),
    fractions,
    offsets,
)
times_text = st.builds(
    lambda t, frac: f"{t}{frac}", st.sampled_from(["07:32:00", "00:00:59", "07:32", "24:00:00"]), fractions
)
floats_text = st.one_of(
    st.sampled_from(["inf", "+inf", "-inf", "nan", "+nan", "-nan", "-0.0", "0.0", "1e400", "-1e400", "5e-324"]),
    st.sampled_from(["1e-400", "1.7976931348623157e308", "1_000.5", "1e_5", ".5", "5.", "1.5E+3", "0e0"]),
    st.floats(allow_nan=False).map(repr).map(lambda s: s.replace("inf", "1e400")),
)
integers_text = st.one_of(
    st.integers().map(str),
    st.sampled_from(["0x_dead", "0xDEAD_BEEF", "0o17", "0b101", "+17", "-0", "01", "1_000", "0xFFFFFFFFFFFFFFFFFF"]),
)
escapes = st.sampled_from(
    ["\\n", "\\t", '\\"', "\\\\", "\\u00e9", "\\U0001F600", "\\uD800", "\\U00110000", "\\e", "\\x41", "\\ ", "\\q"]
)
string_chars = st.lists(
    st.text(st.characters(codec="utf-8", exclude_characters="\"\\\n'"), max_size=4)
    | st.sampled_from(["{", "}", "#", ", }", "10:30", "07:32:00", "+01:00"]),
    max_size=4,
).map("".join)
basic_strings = st.lists(st.one_of(string_chars, escapes), max_size=4).map(lambda parts: '"' + "".join(parts) + '"')
literal_strings = string_chars.map(lambda s: f"'{s}'")
multiline_strings = st.lists(st.one_of(string_chars, escapes, st.just("\n"), st.just("\\\n  ")), max_size=4).map(
    lambda parts: '"""' + "".join(parts) + '"""'
) | string_chars.map(lambda s: f"'''\n{s}\n'''")
scalars = st.one_of(
    datetimes_text,
    times_text,
    st.dates().map(date.isoformat),
    floats_text,
    integers_text,
    st.sampled_from(["true", "false"]),
    basic_strings,
    literal_strings,
    multiline_strings,
)
bare_keys = st.from_regex(r"[A-Za-z0-9_-]{1,5}", fullmatch=True)
keys = st.one_of(
    bare_keys,
    st.lists(bare_keys, min_size=2, max_size=3).map(".".join),
    string_chars.map(lambda s: f'"{s}"'),
    string_chars.map(lambda s: f"'{s}'"),
    st.sampled_from(['""', "a . b", "é", "a b"]),
)


def inline_text(children) -> st.SearchStrategy[str]:
    entries = st.lists(st.tuples(keys, children), max_size=3).map(lambda kv: [f"{k} = {v}" for k, v in kv])
    return st.tuples(entries, st.sampled_from([", ", ",", ",\n", " ,"]), st.sampled_from(["", ",", "\n", ",\n"])).map(
        lambda parts: "{" + parts[1].join(parts[0]) + parts[2] + "}"
    )


values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3).map(lambda vs: "[" + ", ".join(vs) + "]"),
        st.lists(children, max_size=3).map(lambda vs: "[\n  " + ",\n  ".join(vs) + ",\n]"),
        inline_text(children),
    ),
    max_leaves=6,
)
lines = st.one_of(
    st.tuples(keys, values).map(lambda kv: f"{kv[0]} = {kv[1]}"),
    keys.map(lambda k: f"[{k}]"),
    keys.map(lambda k: f"[[{k}]]"),
    st.just("# a comment {"),
    st.just(""),
)
documents = st.lists(lines, max_size=8).map("\n".join)


@needs_rtoml
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
@example("started = 2026-12-07 09:32:06+00:00\nnote = '''\n{\n'''\nt = {a = 1}")
def test_generated_toml_reads_as_tomllib_reads_it(text: str) -> None:
    assert_agrees(text)


# --- generated assessments ----------------------------------------------------------------------

unicode_text = st.text(st.characters(codec="utf-8"), max_size=30)
plain_values = st.one_of(
    unicode_text,
    st.integers(),
    st.floats(),
    st.booleans(),
    st.datetimes(timezones=st.just(UTC) | st.builds(timezone, st.sampled_from([timedelta(hours=-7)]))),
    st.datetimes(),
    st.dates(),
    st.times(),
)
tables = st.recursive(
    st.dictionaries(st.text(max_size=8), plain_values, max_size=4),
    lambda children: st.dictionaries(
        st.text(max_size=8), st.one_of(plain_values, children, st.lists(children, max_size=3)), max_size=4
    ),
    max_leaves=12,
)


@needs_rtoml
@settings(max_examples=200, deadline=None)
@given(tables)
def test_tables_readtui_writes_read_as_tomllib_reads_them(table: dict) -> None:
    """What tomli-w writes (as readtui does): the fast path reads it as tomllib, or leaves it."""
    assert_agrees(tomli_w.dumps(table))


@needs_rtoml
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(notes=st.lists(unicode_text, min_size=1, max_size=6))
def test_generated_assessments_take_the_fast_path(tmp_path: Path, notes: list[str]) -> None:
    """Assessments as readtui writes them, notes of any text: rtoml reads them, as tomllib does
    (a note with a time in it, "10:30", or a brace may send the file to tomllib instead)."""
    path = big_class(tmp_path, notes)[0]
    text = path.read_text(encoding="utf-8")
    took = assert_agrees(text)
    assert took or any(":" in note or "{" in note for note in notes)


def big_class(directory: Path, notes: list[str] | None = None) -> list[Path]:
    """The three readers' assessments, each grown past FAST_PARSE_BYTES (an essay of 90 paragraphs,
    their records repeated), with ``notes`` on the first reader's records."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = write_three_readers(directory)
    for n, path in enumerate(paths):
        assessment = load_assessment(path)
        records = list(assessment.paragraph)
        assessment.essay.paragraphs = 90
        assessment.paragraph = [replace(records[i % len(records)], index=i + 1) for i in range(90)]
        for record, note in zip(assessment.paragraph, notes if n == 0 and notes else [], strict=False):
            record.note = note
        path.write_text(AssessmentWriter().dumps(assessment), encoding="utf-8")
        assert path.stat().st_size >= storage.FAST_PARSE_BYTES
    return paths


# --- the fast path is used, and not needed ------------------------------------------------------


@needs_rtoml
def test_a_large_file_is_read_by_rtoml(tmp_path: Path, monkeypatch) -> None:
    path = big_class(tmp_path / "class")[0]
    calls = []
    monkeypatch.setattr(storage, "_rtoml", lambda: lambda text: calls.append(len(text)) or rtoml.loads(text))
    assert typed(parse_toml(path)) == typed(tomllib.loads(path.read_text(encoding="utf-8")))
    assert calls, "rtoml parsed the file"


def test_a_small_file_never_imports_rtoml(tmp_path: Path) -> None:
    """A new session parses only its checklist: importing rtoml for it would cost more than it saves."""
    checklist = REPO_ROOT / "checklists" / "critical-reading.toml"
    assert checklist.stat().st_size < storage.FAST_PARSE_BYTES
    done = run_process(
        [
            sys.executable,
            "-c",
            "import sys; from readtui.core.storage import parse_toml; parse_toml(sys.argv[1]); "
            "print('rtoml' in sys.modules)",
            str(checklist),
        ]
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


@pytest.fixture
def without_rtoml(monkeypatch):
    """As on a machine without rtoml: importing it fails."""
    monkeypatch.setitem(sys.modules, "rtoml", None)
    storage._rtoml.cache_clear()
    yield
    storage._rtoml.cache_clear()


def test_without_rtoml_tomllib_reads_large_files(tmp_path: Path, without_rtoml) -> None:
    path = big_class(tmp_path / "class")[0]
    with pytest.raises(ImportError):
        import rtoml as _  # noqa: F401
    assert storage._rtoml() is None
    assert typed(parse_toml(path)) == typed(tomllib.loads(path.read_text(encoding="utf-8")))
    broken = tmp_path / "broken.toml"
    broken.write_text(path.read_text(encoding="utf-8") + "\n[[paragraph]]\nindex = \n", encoding="utf-8")
    assert error_of(broken).endswith("TOML syntax error: Invalid value")


BLOCK_RTOML = """\
import sys
class NoRtoml:
    def find_spec(self, name, path=None, target=None):
        if name == "rtoml" or name.startswith("rtoml."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, NoRtoml())
from readtui.cli import main
sys.exit(main())
"""


@pytest.mark.parametrize("command", [["compare", "--bootstrap", "0"], ["validate"]])
def test_compare_and_validate_say_the_same_without_rtoml(tmp_path: Path, command: list[str]) -> None:
    """`readtui compare` and `validate` on large files, in a process where rtoml cannot be
    imported: the same output, status and errors as with it; then with a file tomllib refuses
    (rtoml reads it: TOML 1.1) and one that fails validation."""
    directory = tmp_path / "class"
    paths = big_class(directory)

    def run(*prefix: str) -> tuple[int, str, str]:
        targets = [str(directory)] if command[0] == "compare" else sorted(map(str, directory.iterdir()))
        done = run_process([*prefix, *command, *targets], cwd=tmp_path)
        return done.returncode, done.stdout, done.stderr

    def both() -> tuple[int, str, str]:
        with_rtoml = run(sys.executable, "-c", "import sys; from readtui.cli import main; sys.exit(main())")
        assert run(sys.executable, "-c", BLOCK_RTOML) == with_rtoml
        return with_rtoml

    assert both()[0] == 0
    text = paths[0].read_text(encoding="utf-8")
    paths[0].write_text(text.replace("\n[[paragraph]]\n", "\nx = {a = 1,}\n[[paragraph]]\n", 1), encoding="utf-8")
    paths[1].write_text(paths[1].read_text(encoding="utf-8") + "format = 2\n", encoding="utf-8")
    status, _, errors = both()
    assert status == 2
    assert f"{paths[0]}:" in errors and "TOML syntax error" in errors
    assert command[0] == "compare" or f"{paths[1]}:" in errors
