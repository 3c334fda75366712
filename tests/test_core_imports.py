"""The core and the non-interactive commands never import Textual (they must stay fast and usable without a UI)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

CORE_MODULES = [
    "readtui",
    "readtui.errors",
    "readtui.paths",
    "readtui.essay",
    "readtui.checklist",
    "readtui.assessment",
    "readtui.storage",
    "readtui.session",
    "readtui.launch",
    "readtui.validation",
    "readtui.cli",
]

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
    from readtui.errors import ReadtuiError
    from readtui.launch import prepare_session
    try:
        prepare_session(__import__("pathlib").Path("/nonexistent.txt"), checklist_spec=None, reader="x", out=None)
    except ReadtuiError as error:
        outputs["bad essay"] = {{"code": None, "out": str(error)}}

    textual = sorted(name for name in sys.modules if name == "textual" or name.startswith("textual."))
    print(json.dumps({{"textual": textual, "outputs": outputs}}))
    """
)


def test_core_and_commands_do_not_import_textual(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(modules=CORE_MODULES)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        cwd=tmp_path,
        env=os.environ | {"PYTHONDONTWRITEBYTECODE": "1"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    outputs = report["outputs"]
    # The commands really ran (and did their work) in this process.
    assert outputs["validate critical-reading"]["out"].startswith("critical-reading: ok (checklist critical-reading")
    assert "critical-reading" in outputs["checklists"]["out"]
    assert '"properties"' in outputs["schema checklist"]["out"]
    assert '"properties"' in outputs["schema assessment"]["out"]
    assert outputs["sessions"]["out"].startswith("No sessions yet.")
    assert outputs["bad essay"]["out"] == "/nonexistent.txt: no such file"
    assert report["textual"] == []
