"""The core and the non-interactive commands never import Textual, and the reading app never imports
numpy, pydantic or the screens it does not draw (they must stay fast, and usable without a UI). Each check runs in a fresh interpreter; the
ones for the essay module, the score report and the app's first frame came from the unit and app
test modules, which start no process."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import REPO_ROOT, run_process


def modules_under(*packages: str) -> list[str]:
    """Every module of ``packages`` (and the packages themselves), found in the tree, not listed by hand."""
    found = []
    for name in packages:
        package = importlib.import_module(name)
        found.append(name)
        found += [info.name for info in pkgutil.walk_packages(package.__path__, f"{name}.")]
    return found


CORE_MODULES = ["readtui", *modules_under("readtui.core", "readtui.reports", "readtui.cli")]
"""The core, the reports and the command line (whose non-interactive commands use only the core)."""

SCRIPT = textwrap.dedent(
    """
    import contextlib, importlib, io, json, sys

    for name in {modules!r}:
        importlib.import_module(name)

    from readtui.cli import main

    outputs = {{}}
    for args in (["validate", "critical-reading"], ["checklists"], ["schema", "checklist"], ["schema", "assessment"],
                 ["sessions"], ["--version"]):
        buffer = io.StringIO()
        code = None
        with contextlib.redirect_stdout(buffer):
            try:
                main(args, standalone_mode=False)
            except SystemExit as exit:
                code = exit.code
        outputs[" ".join(args)] = {{"code": code, "out": buffer.getvalue()}}

    # A bad essay fails in prepare_session, before the app module is imported.
    from readtui.core.errors import ReadtuiError
    from readtui.core.launch import prepare_session
    try:
        prepare_session(__import__("pathlib").Path("/nonexistent.txt"), checklist_spec=None, reader="x", out=None)
    except ReadtuiError as error:
        outputs["bad essay"] = {{"code": None, "out": str(error)}}

    textual = sorted(name for name in sys.modules if name == "textual" or name.startswith("textual."))
    print(json.dumps({{"textual": textual, "outputs": outputs}}))
    """
)


def run_python(script: str, cwd) -> object:
    """Run ``script`` in a fresh interpreter; its last line of output, as JSON."""
    result = run_process([sys.executable, "-c", script], cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_core_and_commands_do_not_import_textual(tmp_path) -> None:
    report = run_python(SCRIPT.format(modules=CORE_MODULES), tmp_path)
    outputs = report["outputs"]
    # The commands really ran (and did their work) in this process.
    assert outputs["validate critical-reading"]["out"].startswith("critical-reading: ok (checklist critical-reading")
    assert "critical-reading" in outputs["checklists"]["out"]
    assert '"properties"' in outputs["schema checklist"]["out"]
    assert '"properties"' in outputs["schema assessment"]["out"]
    assert outputs["sessions"]["out"].startswith("No sessions yet.")
    assert outputs["bad essay"]["out"] == "/nonexistent.txt: no such file"
    assert report["textual"] == []


def test_reading_app_and_compare_module_do_not_import_numpy(tmp_path) -> None:
    script = (
        "import json, sys\n"
        "import readtui.core.corpus, readtui.core.compare, readtui.reports.compare, readtui.tui.app\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.partition('.')[0] in ('numpy', 'krippendorff'))))"
    )
    assert run_python(script, tmp_path) == []


def test_a_new_session_with_the_bundled_checklist_never_loads_pydantic(tmp_path) -> None:
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from readtui.core.launch import prepare_session\n"
        "prepared = prepare_session(None, checklist_spec=None, reader='r', out=Path('new.toml'))\n"
        "assert prepared.check() == []\n"
        "prepared.save()\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.partition('.')[0] in ('pydantic', 'pydantic_core'))))"
    )
    assert run_python(script, tmp_path) == []


def test_score_report_does_not_import_textual() -> None:
    code = "import sys, readtui.reports.score; print(any(m.split('.')[0] == 'textual' for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_import_is_light():
    code = "import readtui.core.essay, sys; print(sorted({'textual', 'pydantic', 'tomllib'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT)
    assert result.stdout.strip() == "[]"


def test_the_first_frame_needs_no_pydantic(tmp_path: Path, critical_checklist_path: Path) -> None:
    """Someone else's checklist is validated after the first frame (the bundled ones never are)."""
    import shutil
    import subprocess
    import sys

    checklist = tmp_path / "mine.toml"
    shutil.copy(critical_checklist_path, checklist)
    code = (
        "import sys; from pathlib import Path\n"
        "from readtui.core.config import load_config\n"
        "from readtui.core.launch import prepare_session\n"
        "from readtui.tui.app import make_app\n"
        f"prepared = prepare_session(None, checklist_spec={str(checklist)!r}, reader='x', out=Path({str(tmp_path / 'a.toml')!r}))\n"
        "app = make_app(prepared, load_config())\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in ('pydantic', 'pydantic_core')))\n"
        "print(prepared.check())\n"
        "print('pydantic' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == ["[]", "[]", "True"]


FIRST_FRAME = textwrap.dedent(
    """
    import asyncio, json, sys
    from pathlib import Path

    import readtui.cli  # what the `readtui` command imports first
    from readtui.core.config import load_config
    from readtui.core.launch import prepare_session
    from readtui.tui.app import make_app

    prepared = prepare_session(None, checklist_spec=None, reader="x", out=Path("a.toml"))
    app = make_app(prepared, load_config())

    async def first_frame():
        async with app.run_test() as pilot:
            await pilot.pause()
            shown = app.screen.query_one("#title").render_line(0).text
            modules = sorted(sys.modules)
            await pilot.press("q")
        return shown, modules

    shown, modules = asyncio.run(first_frame())
    prepared.close()
    print(json.dumps({"shown": shown, "modules": modules}))
    """
)
NOT_FOR_THE_FIRST_FRAME = {
    "aiohttp",
    "textual_serve",
    "readtui.cli.web",
    "readtui.tui.screens.name",
    "numpy",
    "krippendorff",
    "trafilatura",
    "lxml",
    "justext",
    "htmldate",
    "courlan",
    "urllib.request",
    "markdown_it",
    "pydantic",
    "pydantic_core",
    "readtui.core.adjudication",
    "readtui.core.compare",
    "readtui.core.corpus",
    "readtui.core.scoring",
    "readtui.core.training",
    "readtui.core.validation",
    "readtui.reports",
    "readtui.tui.adjudicate_app",
    "readtui.tui.compare_app",
    "readtui.tui.screens.adjudication",
    "readtui.tui.screens.comparison",
    "readtui.tui.screens.dialogs",
    "readtui.tui.screens.overall",
    "readtui.tui.screens.training",
    "readtui.tui.widgets.text_area",
    "textual.widgets._text_area",
}


def test_the_first_frame_of_readtui_imports_only_what_it_draws(tmp_path: Path) -> None:
    """`readtui` on the sample essay, up to its first frame (and the save after it): no numpy,
    krippendorff, trafilatura (web pages in) or pydantic (the bundled checklist is trusted), no statistics, reports, dialogs,
    other screens or the editor of several lines. A contract in pyproject.toml checks the static
    imports; this checks the lazy ones."""
    report = run_python(FIRST_FRAME, tmp_path)
    assert "Rapprochement between Iran and ISIS" in report["shown"], "the reading screen was drawn"
    imported = {
        name
        for name in report["modules"]
        for prefix in NOT_FOR_THE_FIRST_FRAME
        if name == prefix or name.startswith(prefix + ".")
    }
    assert sorted(imported) == []


def test_reading_a_text_essay_never_loads_the_web_page_import(tmp_path: Path) -> None:
    """`readtui essay.txt` goes to the app without trafilatura, lxml or the import module (only a
    saved page or a URL loads them); the app itself is the first-frame test's."""
    (tmp_path / "essay.txt").write_text("Title\n\nOne paragraph.\n", encoding="utf-8")
    script = (
        "import json, sys\n"
        "import readtui.cli.reading as reading\n"
        "from readtui.cli import main\n"
        "opened = []\n"
        "reading.run_reading = lambda essay, **options: opened.append(str(essay))\n"
        "main(['essay.txt'], standalone_mode=False)\n"
        "print(json.dumps([opened, sorted(m for m in sys.modules if m.partition('.')[0] in ('trafilatura', 'lxml')"
        " or m == 'readtui.core.webpage')]))"
    )
    assert run_python(script, tmp_path) == [["essay.txt"], []]


def test_markdown_it_is_imported_only_for_markdown_with_inline_syntax() -> None:
    """A plain-text essay, even full of asterisks, never loads the Markdown parser; nor does a
    Markdown essay whose paragraphs have no inline syntax."""
    code = (
        "import sys; from readtui.core.essay import parse_essay\n"
        "parse_essay('Title\\n\\nA **bold** claim. It has _two_ `sentences`.').sha256; print('markdown_it' in sys.modules)\n"
        "parse_essay('# Title\\n\\n> A quote\\n\\n- a list', markdown=True).sha256; print('markdown_it' in sys.modules)\n"
        "parse_essay('# Title\\n\\nA **bold** claim.', markdown=True).sha256; print('markdown_it' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == ["False", "False", "True"]
