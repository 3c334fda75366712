"""Safety of shared files: readtui never evaluates or unpickles what a file holds, and never opens
a path named inside a file (essay.source, training.key, a checklist id) whatever command reads it.
(Once part of test_adversarial.py.)"""

from __future__ import annotations

import ast
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
import tomli_w

import readtui
from tests.conftest import MINI, assert_refused, cli, problem_lines, read_problems, write_checklist

pytestmark = pytest.mark.usefixtures("gc_back_on")

# --- safety of shared files -------------------------------------------------------------------

_WATCHED: set[str] = set()


def _audit(event: str, args: tuple) -> None:
    if event == "open" and _WATCHED and args and isinstance(args[0], str | bytes | os.PathLike):
        path = os.fsdecode(args[0])
        if os.path.abspath(path) in _WATCHED:
            raise AssertionError(f"opened {path}, named inside a file")


sys.addaudithook(_audit)


@pytest.fixture
def never_opened() -> Iterator[set[str]]:
    """Paths (absolute) that nothing may open while the test runs: an open raises in the audit hook
    (so a FIFO among them cannot hang the test either)."""
    _WATCHED.clear()
    yield _WATCHED
    _WATCHED.clear()


def test_readtui_never_evaluates_or_unpickles_file_data() -> None:
    """No eval, exec, compile or __import__; nothing loaded with pickle, marshal, shelve or yaml.
    (compare's worker processes pickle their results: that is process-internal, done by
    concurrent.futures, not here. storage dumps with marshal to key a cache: it never loads.)"""
    forbidden_names = {"eval", "exec", "compile", "__import__", "input"}
    forbidden_attributes = {
        ("pickle", "load"),
        ("pickle", "loads"),
        ("pickle", "Unpickler"),
        ("marshal", "load"),
        ("marshal", "loads"),
        ("shelve", "open"),
        ("yaml", "load"),
        ("yaml", "unsafe_load"),
        ("importlib", "import_module"),
        ("os", "system"),
        ("os", "popen"),
        ("webbrowser", "open"),
    }
    found = []
    root = Path(readtui.__file__).parent
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [alias.name for alias in node.names]
                module = node.module if isinstance(node, ast.ImportFrom) else None
                for name in names:
                    top = (module or name).split(".")[0]
                    if top in {"pickle", "shelve", "yaml", "dill", "cloudpickle", "subprocess"}:
                        found.append(f"{path.name}:{node.lineno}: import {module or name}")
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id in forbidden_names:
                found.append(f"{path.name}:{node.lineno}: {func.id}()")
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                if (func.value.id, func.attr) in forbidden_attributes:
                    found.append(f"{path.name}:{node.lineno}: {func.value.id}.{func.attr}()")
    assert found == []


def test_paths_inside_files_are_never_opened(
    files: SimpleNamespace, never_opened: set[str], critical_checklist
) -> None:
    """`essay.source`, `training.key` and a checklist id are names for people: validate, compare,
    score, adjudicate, train and read never open them, even when they point at a FIFO (which would
    hang) or a file that is not there."""
    fifo = files.tmp / "pipe.txt"
    os.mkfifo(fifo)
    outside = files.tmp / "elsewhere"
    outside.mkdir()
    evil = outside / "evil.toml"
    write_checklist(evil, MINI.replace('id = "mini"', 'id = "evil"'))
    gone = files.tmp / "gone.txt"
    for path in (files.ana, files.ben, files.key, files.mine):
        text = path.read_text(encoding="utf-8").replace(f'source = "{files.essay.name}"', f'source = "{fifo}"')
        path.write_text(text, encoding="utf-8")
    text = files.mine.read_text(encoding="utf-8").replace(f'source = "{fifo}"', f'source = "{gone}"')
    training = {"training": {"key": str(fifo), "key_sha256": "c" * 64}}
    files.mine.write_text(text + "\n" + tomli_w.dumps(training), encoding="utf-8")
    never_opened |= {str(fifo), str(gone), str(evil), os.path.abspath(files.essay)}

    assert cli("validate", files.ana, files.ben, files.key, files.mine).exit_code == 0
    assert cli("compare", files.ana, files.ben, files.mine, "--bootstrap", "0").exit_code == 0
    assert cli("score", files.key, files.ana, files.mine).exit_code == 0
    assert cli("adjudicate", files.ana, files.ben, "--majority", "--out", files.tmp / "k.toml").exit_code == 0

    # A checklist id that is a path: refused without opening what it names.
    bad = files.tmp / "bad.readtui.toml"
    bad.write_text(
        files.ana.read_text(encoding="utf-8").replace('id = "critical-reading"', 'id = "elsewhere/evil"'),
        encoding="utf-8",
    )
    assert_refused(cli("validate", bad), bad, "checklist.id: 'elsewhere/evil' is not a checklist id")
    assert_refused(cli("score", bad, files.ana), bad, "is not a checklist id")
    never_opened.discard(os.path.abspath(files.essay))  # train and read open the essay they are given
    assert_refused(cli("train", files.essay, "--key", bad, "--out", files.tmp / "l.toml"), bad, "is not a checklist id")
    assert problem_lines(lambda: read_problems(files.essay, files.mine)) == []  # resumes it
