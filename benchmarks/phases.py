#!/usr/bin/env python3
"""Where readtui's start-up time goes: wall-clock phases up to the first complete frame, next to
floor_hello's, measured inside the process (no profiler, so no profiler overhead).

    python benchmarks/phases.py --python /path/to/venv/bin/python [--runs 9] [--essay FILE]

--python must have readtui installed (not from the source tree: `benchmarks/run.py --venv DIR`
leaves one in DIR). Each run starts the app in a private tmux server (socket "readtui-phases",
120x40), records the phases, and quits 0.3 s after the reading screen is mounted. The table shows
medians: when each phase ended (ms since the interpreter ran this script) and its own duration.

"frame without/with checklist": the first frames the reading screen's compositor drew, before and
after the checklist had its lines; the second is what a user (and run.py) counts as first paint.
Uses readtui internals (ReadingScreen, ChecklistView._lines): update it if those change.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SOCKET = "readtui-phases"


def child(which: str, outfile: str, essay: str | None) -> None:
    marks: dict[str, float] = {"start": time.perf_counter()}
    import gc

    gc_pauses: list[tuple[int, float]] = []
    gc_started = [0.0]

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            gc_started[0] = time.perf_counter()
        else:
            gc_pauses.append((info["generation"], time.perf_counter() - gc_started[0]))

    gc.callbacks.append(on_gc)
    if os.environ.get("PHASES_GC_OFF"):
        gc.disable()  # an experiment: what start-up would cost without collections

    def mark(name: str) -> None:
        if name not in marks:
            marks[name] = time.perf_counter()
            if name.startswith(("frame with", "first frame")):
                marks["(gc pauses until then, total)"] = sum(t for _, t in gc_pauses)

    if which == "readtui":
        import click  # noqa: F401

        mark("import click")
        import readtui.cli  # noqa: F401

        mark("import readtui.cli")
        from readtui.core.config import load_config

        mark("import readtui.core.config (pydantic, checklist models)")
        from readtui.core.launch import prepare_session

        mark("import readtui.core.launch (essay, session, assessment)")
        config = load_config()
        prepared = prepare_session(
            Path(essay) if essay else None, checklist_spec=None, reader="bench", out=Path(os.environ["PHASES_OUT"])
        )
        mark("load_config + prepare_session")
        import textual.app  # noqa: F401

        mark("import textual.app")
        from textual.screen import Screen

        from readtui.tui.app import make_app
        from readtui.tui.screens.reading import ReadingScreen
        from readtui.tui.widgets.checklist_view import ChecklistView

        mark("import readtui.tui.app (screens, widgets)")

        compositor_refresh = Screen._compositor_refresh

        def frame(self):
            result = compositor_refresh(self)
            if isinstance(self, ReadingScreen):
                has_lines = bool(self.query_one(ChecklistView)._lines)
                mark("frame with checklist" if has_lines else "frame without checklist")
            return result

        Screen._compositor_refresh = frame
        on_mount = ReadingScreen.on_mount

        def mounted(self):
            mark("ReadingScreen.on_mount")
            on_mount(self)
            self.set_timer(0.3, self.app.exit)

        ReadingScreen.on_mount = mounted
        app = make_app(prepared, config)
        mark("make_app")
        try:
            app.run()
        finally:
            prepared.close()
    else:
        import textual.app  # noqa: F401

        mark("import textual.app")
        from textual.app import App
        from textual.screen import Screen
        from textual.widgets import Static

        compositor_refresh = Screen._compositor_refresh

        def frame(self):
            result = compositor_refresh(self)
            mark("first frame")
            return result

        Screen._compositor_refresh = frame

        class FloorHello(App):
            def compose(self):
                yield Static("FLOOR-READY", markup=False)

            def on_mount(self):
                mark("App.on_mount")
                self.set_timer(0.3, self.exit)

        app = FloorHello()
        mark("App()")
        app.run()
    t0 = marks["start"]
    gc_total = marks.pop("(gc pauses until then, total)", 0.0)
    ordered = [(name, (t - t0) * 1e3) for name, t in sorted(marks.items(), key=lambda kv: kv[1])]
    Path(outfile).write_text(json.dumps(ordered + [("(gc pauses until then, total)", gc_total * 1e3)]))


def tmux(*args: str) -> None:
    subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True)


def one_run(python: str, which: str, essay: str | None, tmp: Path, k: int, gc_off: bool) -> list[tuple[str, float]]:
    out = tmp / f"{which}-{k}.json"
    env = ("PHASES_GC_OFF=1 " if gc_off else "") + (
        f"READTUI_DATA_DIR={tmp}/data READTUI_CONFIG={tmp}/config.toml READTUI_READER=bench "
        f"PHASES_OUT={tmp}/{which}-{k}.toml"
    )
    cmd = f"cd {tmp} && exec env {env} {python} -P {Path(__file__).resolve()} --child {which} {out}"
    cmd += f" {essay}" if essay else ""
    tmux("kill-server")
    tmux("-f", "/dev/null", "new-session", "-d", "-s", "p", "-x", "120", "-y", "40", cmd)
    deadline = time.monotonic() + 30
    while not out.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.1)
    tmux("kill-server")
    if not out.exists():
        raise SystemExit(f"{which}: no result after 30 s")
    time.sleep(0.3)
    return json.loads(out.read_text())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--python", default=sys.executable, help="interpreter with readtui installed (default: this one)")
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--essay", help="essay file (default: the bundled sample)")
    ap.add_argument(
        "--gc-off", action="store_true", help="experiment: run both apps with the garbage collector disabled"
    )
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(a.child[0], a.child[1], a.child[2] if len(a.child) > 2 else None)
        return 0
    if shutil.which("tmux") is None:
        ap.error("tmux is not installed")
    tmp = Path(tempfile.mkdtemp(prefix="readtui-phases-"))
    try:
        results: dict[str, list[list[tuple[str, float]]]] = {"floor_hello": [], "readtui": []}
        for k in range(a.runs):  # interleaved, like run.py
            results["floor_hello"].append(one_run(a.python, "floor", None, tmp, k, a.gc_off))
            results["readtui"].append(one_run(a.python, "readtui", a.essay, tmp, k, a.gc_off))
        for name, runs in results.items():
            print(f"\n{name} (median of {len(runs)} runs)          ends at   takes")
            names = [n for n, _ in runs[0]]
            prev = 0.0
            for n in names:
                at = statistics.median(dict(r)[n] for r in runs if n in dict(r))
                if n.startswith("(gc"):
                    print(f"  {n:<50} {'':7}  {at:7.1f} ms")
                    continue
                print(f"  {n:<50} {at:7.1f}  {at - prev:+7.1f} ms")
                prev = at
    finally:
        tmux("kill-server")
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
