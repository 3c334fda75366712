"""The apps with hostile but valid input: markup, escape sequences, scripts, huge paragraphs and
odd encodings in essays, readers' files and keys are shown literally, never run, and nothing in them
quits the app. (Once part of test_adversarial.py.)"""

from __future__ import annotations

import codecs
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest

from readtui.core.assessment import Highlight
from readtui.core.essay import load_essay
from readtui.core.launch import prepare_session, prepare_training
from readtui.core.storage import load_assessment
from readtui.core.validation import validate_file
from tests.app.conftest import screen_text
from tests.conftest import write_assessment

pytestmark = pytest.mark.usefixtures("gc_back_on")

# --- the apps with hostile but valid input ----------------------------------------------------

OPENING = "An opening paragraph of plain body text. It has two sentences."


def _essay(hostile: str, encoding: str = "utf-8", title: str = "") -> bytes:
    """A body paragraph first (two sentences, so never a header), then the hostile one."""
    return (title + OPENING + "\n\n" + hostile + "\n").encode(encoding)


HOSTILE_ESSAYS: dict[str, tuple[str, bytes, str | None, list[str]]] = {
    # name: (file name, bytes, --encoding, words that must be on screen as they are)
    "markup": (
        "[b]essay[@click=app.quit].txt",
        _essay(
            "[@click=app.quit]quit[/] [b]bold[/b] [/] [link=https://e.x]x[/link] [on red]red[/] \\[esc] "
            "[@click=app.screenshot()]shot[/] $accent {brace} trailing backslash\\",
            title="[b]Title[/b] [@click=app.quit]\n\n",
        ),
        None,
        ["[@click=app.quit]quit[/]", "[b]bold[/b]", "[link=https://e.x]x[/link]", "\\[esc]", "[b]Title[/b]"],
    ),
    "controls": (
        "controls.txt",
        _essay(
            "Escapes \x1b[31mred\x1b[0m \x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\ "
            "\x1b]52;c;cHduZWQ=\x07 \x9b2J bell\x07 back\x08space del\x7f."
        ),
        None,
        ["␛[31mred␛[0m", "␛]52;c;cHduZWQ=␇", "back␈space"],
    ),
    "scripts": (
        "scripts.txt",
        _essay(
            "שלום עולם and مرحبا بالعالم, e\u0301te\u0301 re\u0301sume\u0301, 日本語の文章です, "
            "👨\u200d👩\u200d👧\u200d👦 👍🏽 🇳🇿 \u202eevil\u202c and \u200bzero width."
        ),
        None,
        ["שלום", "مرحبا", "été", "日本語の文章です"],
    ),
    "one-megabyte-paragraph": ("big.txt", _essay("word " * 210_000), None, ["word word"]),
    "long-url": (
        "url.txt",
        _essay("See https://example.com/" + "a" * 5000 + "?q=[b] now."),
        None,
        ["https://example.com/aaa"],
    ),
    "20000-paragraphs": (
        "many.txt",
        _essay("\n\n".join(f"Paragraph {n}. Text [b]{n}[/b]." for n in range(20_000))),
        None,
        ["[b]0[/b]"],
    ),
    "utf-16-with-bom": (
        "utf16.txt",
        codecs.BOM_UTF16_LE + _essay("Ünïcödé [b]text[/b].", "utf-16-le"),
        None,
        ["Ünïcödé"],
    ),
    "cp1252": (
        "cp1252.txt",
        _essay("Caf\u00e9 \u201cquotes\u201d \u20ac5 [b]x[/b].", "cp1252"),
        "cp1252",
        ["Café", "“quotes”"],
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE_ESSAYS))
async def test_the_reading_app_with_hostile_essays(tmp_path: Path, case: str) -> None:
    name, data, encoding, visible = HOSTILE_ESSAYS[case]
    essay_path = tmp_path / name
    essay_path.write_bytes(data)
    out = tmp_path / "a.readtui.toml"
    reader = "[@click=app.quit]R[/]"
    from readtui.tui.app import make_app

    app = make_app(prepare_session(essay_path, checklist_spec=None, reader=reader, out=out, encoding=encoding))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.is_running and not app.bad_input
        await pilot.press("n")
        await pilot.pause()
        shown = screen_text(app)
        await pilot.press("p")
        await pilot.pause()
        shown += screen_text(app)
        assert "\x1b" not in shown and "\x07" not in shown
        for word in visible:
            assert word in shown, (word, shown[:3000])
        assert reader in shown, "the reader's name, literally"
        await pilot.press("1", "n", "p")
        await pilot.pause()
        assert app.is_running, "nothing in the text quits the app"
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    app.prepared.close(remember=False)
    assert app.return_code in (0, None)
    assert load_assessment(out).paragraph[0].answers == {"claims-supported": "yes"}
    assert validate_file(str(out), essay=load_essay(essay_path, encoding=encoding)).problems == []


def hostile_readers(directory: Path, essay: Path, checklist) -> list[Path]:
    quote = load_essay(essay).paragraphs[2][:12]
    files = []
    for n, name in enumerate(["[@click=app.quit]Mal[/]", "Eve\x1b[2J\x1b]0;pwned\x07", "[b]Bob"]):
        files.append(
            write_assessment(
                directory / f"r{n}.readtui.toml",
                essay,
                checklist,
                name,
                {
                    1: {"claims-supported": ["no", "yes", "partly"][n], "loaded-words": n + 1},
                    2: {"claims-supported": "yes"},
                    3: {"loaded-words": 3},
                },
                overall={"credibility": n + 1, "main-claim": "[@click=app.quit]claim[/] \x1b[31m"},
                note={1: "[@click=app.quit]note[/] \x1b]8;;http://x\x1b\\ [red]", 3: f"{name} says"},
                highlight={
                    3: [Highlight(start=0, end=len(quote), label="loaded-word", quote=quote, note="[b]why\x1b[2J")]
                },
            )
        )
    return files


async def test_the_compare_app_with_hostile_readers(tmp_path: Path, small_essay_file: Path, critical_checklist) -> None:
    from readtui.core.compare import compare
    from readtui.core.corpus import load_comparison
    from readtui.tui.compare_app import CompareApp
    from readtui.tui.screens.comparison import ReadersScreen

    paths = hostile_readers(tmp_path, small_essay_file, critical_checklist)
    comparison = compare(load_comparison([str(p) for p in paths], essays=[load_essay(small_essay_file)]), bootstrap=0)
    app = CompareApp(comparison)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("right", "right", "s", "s")
        text = screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReadersScreen)
        for _ in range(3):
            text += screen_text(app)
            await pilot.press("n")
            await pilot.pause()
        assert app.is_running
        assert "\x1b" not in text and "\x07" not in text
        assert "[@click=app.quit]note[/]" in text
        assert "Eve␛[2J" in text
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running, "q goes back to the map"
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_the_adjudication_app_with_hostile_readers(
    tmp_path: Path, small_essay_file: Path, critical_checklist
) -> None:
    from readtui.core.adjudication import prepare_adjudication
    from readtui.tui.adjudicate_app import AdjudicateApp

    paths = hostile_readers(tmp_path, small_essay_file, critical_checklist)
    key = tmp_path / "key.toml"
    adjudication = prepare_adjudication([str(p) for p in paths], key, essays=[load_essay(small_essay_file)])
    app = AdjudicateApp(adjudication, key)
    explanation = "[@click=app.quit]Because[/] [b]"
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        await pilot.press("1", "e", *explanation, "enter")
        await pilot.pause()
        text += screen_text(app)
        await pilot.press("n", "p")
        await pilot.pause()
        text += screen_text(app)
        assert app.is_running
        assert "\x1b" not in text and "\x07" not in text
        assert "[@click=app.quit]Mal[/]" in text and explanation in text
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    saved = load_assessment(key)
    assert explanation in [*saved.paragraph[0].explain.values(), *saved.overall.explain.values()]
    assert validate_file(str(key)).problems == []


async def test_the_training_app_with_a_hostile_key(tmp_path: Path, small_essay_file: Path, critical_checklist) -> None:
    from readtui.tui.app import make_app

    key = write_assessment(
        tmp_path / "key.readtui.toml",
        small_essay_file,
        critical_checklist,
        "[@click=app.quit]Teacher[/]",
        {1: {"claims-supported": "no"}, 2: {"claims-supported": "yes"}},
        explain={1: {"claims-supported": "[@click=app.quit]Because[/] [b]no[/b] \\[x]"}},
    )
    out = tmp_path / "learner.readtui.toml"
    app = make_app(prepare_training(small_essay_file, key_path=key, checklist_spec=None, reader="[b]L", out=out))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1", "c")
        await pilot.pause()
        text = screen_text(app)
        for word in ("[@click=app.quit]Because[/]", "[b]no[/b]", "\\[x]"):  # the line may wrap between them
            assert word in text
        await pilot.press("n", "3", "c", "s")
        await pilot.pause()
        assert app.is_running
        await pilot.press("escape", "q")
        await pilot.pause()
        assert not app.is_running
    app.prepared.close(remember=False)
    assert load_assessment(out).training.paragraph[0].first_try == {"claims-supported": "yes"}
    assert "training" not in tomllib.loads(key.read_text(encoding="utf-8")), "the key is only read"


async def test_escapes_in_a_keys_explanation_never_reach_the_terminal(
    tmp_path: Path, small_essay_file: Path, critical_checklist
) -> None:
    from readtui.tui.app import make_app

    key = write_assessment(
        tmp_path / "key.readtui.toml",
        small_essay_file,
        critical_checklist,
        "Teacher",
        {1: {"claims-supported": "no"}},
        explain={1: {"claims-supported": "Because \x1b[2J\x1b]52;c;cHduZWQ=\x07"}},
    )
    app = make_app(
        prepare_training(small_essay_file, key_path=key, checklist_spec=None, reader="L", out=tmp_path / "l.toml")
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1", "c")
        await pilot.pause()
        text = screen_text(app)
        await pilot.press("q")
        await pilot.pause()
    app.prepared.close(remember=False)
    assert "Because" in text
    assert "\x1b" not in text, "escape sequences from the key reach the terminal"


async def test_escapes_in_notes_never_reach_the_terminal(files: SimpleNamespace, critical_checklist) -> None:
    from readtui.tui.app import make_app

    write_assessment(
        files.mine,
        files.essay,
        critical_checklist,
        "tester",
        {1: {"claims-supported": "no"}},
        note={1: "Note \x1b[2J"},
        highlight={1: [Highlight(start=0, end=3, label="loaded-word", quote="The", note="Why \x1b[2J")]},
    )
    app = make_app(prepare_session(files.essay, checklist_spec=None, reader="tester", out=files.mine))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        await pilot.press("m")
        await pilot.pause()
        text += screen_text(app)
        await pilot.press("escape", "q")
        await pilot.pause()
    app.prepared.close(remember=False)
    assert "Note" in text
    assert "\x1b" not in text, "escape sequences from a file reach the terminal"
