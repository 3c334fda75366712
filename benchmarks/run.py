#!/usr/bin/env python3
"""readtui benchmark: first paint, next-paragraph latency and peak RSS, side by side with the floors.

    python benchmarks/run.py            # full run (about 5 minutes; keep the machine otherwise idle)
    python benchmarks/run.py --quick    # short run (about a minute), for a sanity check
    python benchmarks/run.py --json results.json

What it does, in order:

1. Installs the working tree of this repository (as it is, uncommitted changes included) into a
   fresh temporary venv with `pip install <repo>`: a real wheel build, so every module has its .pyc
   as for a user (a source tree under PYTHONDONTWRITEBYTECODE=1 has none, and starts slower).
   --venv DIR keeps and reuses that venv (readtui itself is reinstalled every run); --python uses
   an interpreter that already has readtui installed.
2. Writes seeded, deterministic essays to a temporary directory: 100 and 20,000 paragraphs of
   300-700 characters, wrapped at 72 columns, under a title line; checks that readtui finds
   exactly that many paragraphs.
3. Runs the harness ttfp.py (tmux at 120x40, polling the screen for marker text) once per launch
   (`-n 1 --warmup 0`), after one untimed warm-up launch per series. The launches of all series,
   floors included, are interleaved evenly over the whole run, because the machine is noisy and
   only a ratio to a floor measured in the same run means anything.
   The two cold first-paint series (floor_hello and the sample essay, alternating) have no warm-up:
   right before each of their launches the script runs the equivalent of
   `sync; echo 3 > /proc/sys/vm/drop_caches`, so Textual, click and readtui are read from disk.
   That needs root outside a container; otherwise they are skipped (--cold-runs 0 skips them too).
4. Prints a table of medians, ratios to the floors (and of readtui to itself: the long essay to the
   sample, saving to not saving) and the targets; --json writes every sample, each launch marked
   cold or not.
5. Prints what readtui imports on the way to its first frame (imports.py: `python -X importtime`,
   warm, and once with the page cache dropped when the cold series run).

Each readtui launch gets a fresh assessment file: a small sh launcher claims `<tmp>/out/<series>/
<pid>.toml` (with builtins only: no fork) and passes it as --out, so no launch resumes another's
session. READTUI_DATA_DIR, READTUI_CONFIG and READTUI_READER point into the temp dir, so the
user's own files are never touched. The floors are started through the same sh layer.
The ¶ 19000 latency series starts from a copy of an assessment whose position is 19000 (written
once with readtui's own API), so readtui resumes there; the saving series from one with the first
1,000 paragraphs answered, so that every 'n' (which moves the position) is followed by an autosave
of the whole file, against the same presses on an unanswered file.

Why one ttfp.py call per launch: ttfp.py repeats one command for every launch of a series, and it
replaces a running app by hanging up its pane. readtui does not always exit on that hang-up (the
process lingers), so ttfp.py would wait 10 s per launch for it. Here every ttfp.py call ends by
killing its tmux server; the script then waits up to 2 s for the launched process to exit, kills it
by pid if it did not, and reports how many lingered.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

from imports import DROP_CACHES, drop_page_cache, format_breakdown, import_breakdown

REPO = Path(__file__).resolve().parent.parent
DEFAULT_TOOLS = Path(os.environ.get("READTUI_BENCH_TOOLS", "/work/shared/tools"))
SIZE = "120x40"
READER = "bench"
PROMPT = "Are the factual claims backed by evidence?"
"""The first checklist prompt: on screen only once the real reading screen is painted."""

TARGET_PAINT = 1.3  # first paint <= 1.3x floor_hello, page cache warm
TARGET_COLD_PAINT = 1.5  # first paint <= 1.5x floor_hello, both launched with the page cache dropped
TARGET_KEY = 3.0  # next-paragraph latency <= 3x floor_keys
TARGET_RSS = 1.5  # peak RSS (sample essay) <= 1.5x floor_hello
TARGET_RSS_BIG = 2.0  # peak RSS (20,000 paragraphs) <= 2x floor_hello
TARGET_BIG_PAINT = 1.2  # first paint of 20,000 paragraphs <= 1.2x that of the sample essay
TARGET_SAVING = 1.2  # 'n' latency with 1,000 answered paragraphs to save <= 1.2x without
TARGET_RESUME = 2.0  # first paint resuming a fully answered 20,000-paragraph file <= 2x a new session (goal 1.5x)
BIG = 20_000  # paragraphs of the long essay
ANSWERED = 1_000  # paragraphs answered in the assessment of the saving series
IMPORT_RUNS = 5  # warm runs of the imports breakdown
FLAT_TOLERANCE = 1.25
"""Latency counts as independent of essay length if every essay's median is within this factor
of the 100-paragraph essay's (the floors themselves drift by more than that between runs)."""

# --- essays ---------------------------------------------------------------------------------

WORDS = (
    "the of and to in a is that for it as was with be by on not he this are or his from at which but have "
    "an had they you were their one all we can her has there been if more when will would who so no "
    "government evidence claim report source official minister policy region border security treaty "
    "analyst council agency figures study survey economy trade sanctions conflict province militia "
    "allegation statement interview journalist newspaper broadcast witness document archive budget "
    "election parliament coalition opposition reform protest negotiation ceasefire alliance investment "
    "however therefore although because meanwhile nevertheless instead moreover consequently indeed "
    "reportedly allegedly clearly arguably apparently officially widely rarely often seldom partly "
    "significant unprecedented controversial independent anonymous credible dubious recent historic "
    "regional national foreign domestic economic military political social public private strategic"
).split()


def make_paragraph(rng: random.Random) -> str:
    """One paragraph of 300-700 characters: sentences of 8-24 words, commas now and then."""
    target = rng.randint(300, 700)
    sentences: list[str] = []
    length = 0
    while True:
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 24))]
        if len(words) > 10 and rng.random() < 0.4:
            words[rng.randint(3, len(words) - 4)] += ","
        sentence = " ".join(words)
        sentence = sentence[0].upper() + sentence[1:] + rng.choice(".....?!")
        if length + len(sentence) + 1 > target and length > 300:
            break
        if length + len(sentence) + 1 > 700:
            sentence = sentence[: max(20, 700 - length - 2)].rstrip(" ,") + "."
        sentences.append(sentence)
        length += len(sentence) + 1
        if length >= target:
            break
    return " ".join(sentences)


def write_essay(path: Path, paragraphs: int, seed: int = 2020) -> None:
    """A deterministic essay: a title line, then ``paragraphs`` paragraphs wrapped at 72 columns."""
    rng = random.Random(seed * 1_000_003 + paragraphs)
    parts = [f"A Generated Essay of {paragraphs} Paragraphs"]
    for _ in range(paragraphs):
        parts.append(textwrap.fill(make_paragraph(rng), 72))
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")


# --- the installed package --------------------------------------------------------------------


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, **kwargs)


def install(venv: Path, log, source: Path = REPO) -> Path:
    """A venv with readtui installed (non-editable, from ``source``: by default this working tree);
    returns its python."""
    python = venv / "bin" / "python"
    if not python.exists():
        log(f"creating venv {venv}")
        run([sys.executable, "-m", "venv", str(venv)])
    log(f"pip install {source} (non-editable) into {venv}")
    t0 = time.perf_counter()
    # --force-reinstall --no-deps for readtui only when reusing a venv: its dependencies stay.
    reuse = (venv / "bin" / "readtui").exists()
    cmd = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    cmd += ["--force-reinstall", "--no-deps", str(source)] if reuse else [str(source)]
    run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    log(f"  installed in {time.perf_counter() - t0:.1f} s")
    return python


def helper(python: Path, code: str, *args: str, env: dict | None = None) -> str:
    """Run ``code`` in the benchmarked interpreter, outside the repository: with the repo root as the
    working directory, ``python -c`` would import the source tree instead of the installed package."""
    return subprocess.run(
        [str(python), "-P", "-c", code, *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
        env=env,
    ).stdout


CORE = (
    "import importlib, importlib.util\n"
    "def core(name):\n"
    "    # readtui.core.NAME; readtui.NAME before the core/tui/cli layout (benchmarks/ab.py runs both)\n"
    "    package = 'readtui.core' if importlib.util.find_spec('readtui.core') else 'readtui'\n"
    "    return importlib.import_module(package + '.' + name)\n"
)
"""Helper code prefix: ``core('launch')`` is the core module of either package layout."""


def package_info(python: Path) -> dict:
    code = (
        "import json, sys, pathlib, textual, readtui;"
        "p = pathlib.Path(readtui.__file__).parent;"
        "print(json.dumps({'python': sys.version.split()[0], 'textual': textual.__version__,"
        " 'readtui': readtui.__version__, 'readtui_path': str(p),"
        " 'readtui_pyc': len(list(p.rglob('*.pyc')))}))"
    )
    return json.loads(helper(python, code))


def essay_paragraphs(python: Path, essay: Path) -> int:
    """How many paragraphs readtui itself finds in ``essay`` (a check on the generator)."""
    code = CORE + "import sys; print(len(core('essay').load_essay(sys.argv[1]).paragraphs))"
    return int(helper(python, code, str(essay)).strip())


def write_reading_checklist(python: Path, out: Path) -> None:
    """The bundled critical-reading checklist without its before-reading section (since 1.2), which
    every launch is given with --checklist: a new session then opens on the reading screen, as it
    did before, so each series times what it always timed, on every revision (benchmarks/ab.py)."""
    code = CORE + textwrap.dedent(
        """
        import sys, tomllib, tomli_w
        source = core("checklist").bundled_checklists()["critical-reading"]
        data = tomllib.loads(source.read_text(encoding="utf-8"))
        data["section"] = [s for s in data["section"] if s.get("scope") != "before"]
        open(sys.argv[1], "w", encoding="utf-8").write(tomli_w.dumps(data))
        """
    )
    helper(python, code, str(out))


def write_resume_template(
    python: Path, essay: Path, out: Path, position: int, env: dict, checklist: Path, *, answered: int = 0
) -> None:
    """An assessment of ``essay`` by READER with ``checklist`` whose position is ``position``, with
    the first six items answered in the first ``answered`` paragraphs, via readtui's own API."""
    code = CORE + textwrap.dedent(
        """
        import sys
        from pathlib import Path
        prepare_session = core("launch").prepare_session
        essay, out, reader = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
        position, answered = int(sys.argv[4]), int(sys.argv[5])
        prepared = prepare_session(essay, checklist_spec=sys.argv[6], reader=reader, out=out)
        try:
            session = prepared.session
            items = session.paragraph_items[:6]
            for index in range(1, answered + 1):
                for item in items:
                    session.choose(index, item, 1)
            session.go_to(position)
            prepared.save()
        finally:
            prepared.lock.release()
        """
    )
    helper(python, code, str(essay), str(out), READER, str(position), str(answered), str(checklist), env=env)


def write_answered_template(python: Path, essay: Path, out: Path, checklist: Path) -> None:
    """A fully answered assessment of ``essay`` by READER (`compare_data.write_answered`), which
    the resume series opens."""
    code = "import sys; sys.path.insert(0, sys.argv[1]); from pathlib import Path; import compare_data\n"
    code += "compare_data.write_answered(*map(Path, sys.argv[2:5]), sys.argv[5])"
    helper(python, code, str(Path(__file__).resolve().parent), str(essay), str(checklist), str(out), READER)


LAUNCHER = """\
#!/bin/sh
# launch-readtui.sh OUTDIR ESSAY|- [TEMPLATE]: readtui with a fresh --out in OUTDIR (never reused).
export READTUI_DATA_DIR={data} READTUI_CONFIG={config} READTUI_READER={reader}
set -C
: > "$1/$$.claim" || exit 97   # builtins only (no fork); noclobber: fails if this pid already ran here
out="$1/$$.toml"
if [ -n "$3" ]; then cp "$3" "$out" || exit 98; fi
if [ "$2" = "-" ]; then exec {readtui} --checklist "{checklist}" --out "$out"; fi
exec {readtui} "$2" --checklist "{checklist}" --out "$out"
"""

FLOOR_LAUNCHER = """\
#!/bin/sh
# launch-floor.sh OUTDIR SCRIPT: the same sh layer as launch-readtui.sh, then the floor app.
set -C
: > "$1/$$.claim" || exit 97
exec {python} "$2"
"""

# --- series -------------------------------------------------------------------------------------


@dataclass
class Series:
    name: str
    kind: str  # "paint", "key" or "rss"
    cmd: list[str]
    markers: list[str]
    launches: int  # timed launches (one ttfp.py call each)
    outdir: Path
    proc_tag: str  # a string in the launched process's command line (to find it again by pid)
    key: str | None = None
    key_marker: str | None = None
    presses: int = 0
    ttfp: list[float] = field(default_factory=list)
    keys: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)
    brackets: list[float] = field(default_factory=list)
    done: int = 0
    lingered: int = 0
    """Launches whose process was still alive LINGER_WAIT s after tmux hung up on it (then killed)."""
    cold: bool = False
    """Every launch right after dropping the page cache; no warm-up launch."""

    @property
    def launched(self) -> int:
        """Launches so far, the untimed warm-up included."""
        return self.done + (0 if self.cold else 1)


LINGER_WAIT = 2.0


def launch_command(
    outdir: Path,
    tools: Path,
    floor_launcher: Path,
    floor: str | None,
    launcher: Path | None,
    essay: Path | None,
    resume: Path | None,
) -> tuple[list[str], str]:
    """The command of one launch of a series (a floor app, or readtui on ``essay`` resuming
    ``resume``), and the string that finds its process again."""
    if floor:
        return ["sh", str(floor_launcher), str(outdir), str(tools / floor)], str(tools / floor)
    cmd = ["sh", str(launcher), str(outdir), str(essay) if essay else "-"]
    return cmd + ([str(resume)] if resume else []), str(outdir)


def ttfp_call(
    tools: Path, python: Path, s: Series, cwd: Path, json_out: Path, timeout: float, presses: int | None = None
) -> dict:
    """One launch: ``ttfp.py -n 1 --warmup 0`` (a fresh tmux server, killed again at the end)."""
    cmd = [
        str(python),
        str(tools / "ttfp.py"),
        "-n",
        "1",
        "--warmup",
        "0",
        "--size",
        SIZE,
        "--timeout",
        str(timeout),
        "--cwd",
        str(cwd),
        "--label",
        s.name,
        "--json",
        str(json_out),
    ]
    for marker in s.markers:
        cmd += ["--marker", marker]
    if s.kind == "key":
        cmd += ["--key", s.key, "--key-marker", s.key_marker, "--presses", str(presses or s.presses)]
    if s.kind == "rss":
        cmd += ["--rss", "--quit-key", "q"]
    cmd += ["--", *s.cmd]
    json_out.unlink(missing_ok=True)
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"ttfp.py failed for {s.name} (exit {result.returncode}):\n{result.stdout}\n{result.stderr}")
    return json.loads(json_out.read_text())


def _alive(pid: int) -> bool:
    """Alive and not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def reap(s: Series, seen: set[int]) -> int:
    """Find the processes this series launched (pids from the claim files) that are still alive
    after ttfp.py killed the tmux server; wait up to LINGER_WAIT s, then SIGKILL them (by pid,
    after checking the command line). Returns how many were still alive."""
    lingering = 0
    for claim in s.outdir.glob("*.claim"):
        pid = int(claim.stem)
        if pid in seen:
            continue
        seen.add(pid)
        if s.proc_tag not in _cmdline(pid):
            continue
        deadline = time.monotonic() + LINGER_WAIT
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        if _alive(pid) and s.proc_tag in _cmdline(pid):
            lingering += 1
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            deadline = time.monotonic() + 5
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.01)
    return lingering


def schedule(series: list[Series]) -> list[Series]:
    """Every series' launches spread evenly over the whole run, interleaved with the others."""
    slots = []
    for k, s in enumerate(series):
        for j in range(s.launches):
            slots.append(((j + 0.5) / s.launches, k, s))
    return [s for _, _, s in sorted(slots, key=lambda slot: (slot[0], slot[1]))]


# --- report -------------------------------------------------------------------------------------


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else math.nan


def p90(xs: list[float]) -> float:
    if not xs:
        return math.nan
    ys = sorted(xs)
    return ys[min(len(ys) - 1, int(round(0.9 * (len(ys) - 1))))]


def verdict(ok: bool | None) -> str:
    return "" if ok is None else ("PASS" if ok else "FAIL")


def build_rows(series: dict[str, Series]) -> list[dict]:
    rows = []

    def add(section, s, value, floor, unit, target=None, n=None, spread=None):
        ratio = value / floor if floor and not math.isnan(value) else math.nan
        ok = None if target is None or math.isnan(ratio) else ratio <= target
        rows.append(
            {
                "section": section,
                "series": s,
                "value": value,
                "unit": unit,
                "ratio": ratio,
                "target": target,
                "ok": ok,
                "n": n,
                "spread": spread,
            }
        )

    # (section, the floor then the measured series, which samples, unit, target by series, spread)
    sections = [
        ("first paint", ("floor_hello", "sample", "essay20k", "resume20k"), "ttfp", "ms",
         {"sample": TARGET_PAINT}, lambda xs: f"{min(xs):.0f}-{max(xs):.0f}"),
        ("cold first paint", ("cold_floor_hello", "cold_sample"), "ttfp", "ms",
         {"cold_sample": TARGET_COLD_PAINT}, lambda xs: f"{min(xs):.0f}-{max(xs):.0f}"),
        ("next paragraph", ("floor_keys", "keys100", "keys20k_start", "keys20k_19000", "keys_saving"), "keys", "ms",
         dict.fromkeys(("keys100", "keys20k_start", "keys20k_19000", "keys_saving"), TARGET_KEY),
         lambda xs: f"p90 {p90(xs):.1f}"),
        ("peak RSS", ("rss_floor_hello", "rss_sample", "rss_essay20k"), "rss", "MiB",
         {"rss_sample": TARGET_RSS, "rss_essay20k": TARGET_RSS_BIG}, lambda xs: f"{min(xs):.1f}-{max(xs):.1f}"),
        # readtui against itself: a long essay against the sample; saving 1,000 paragraphs against none
        ("20k ÷ sample", ("sample", "essay20k"), "ttfp", "ms", {"essay20k": TARGET_BIG_PAINT}, None),
        ("resume ÷ new", ("essay20k", "resume20k"), "ttfp", "ms", {"resume20k": TARGET_RESUME}, None),
        ("saving ÷ not", ("keys20k_start", "keys_saving"), "keys", "ms", {"keys_saving": TARGET_SAVING}, None),
    ]  # fmt: skip
    for section, names, samples, unit, targets, spread in sections:
        if spread is None and names[0] not in series:
            continue
        # Without its floor (--only), a section still shows its medians
        floor = median(getattr(series[names[0]], samples)) if names[0] in series else math.nan
        for name in names[1:] if spread is None else names:
            xs = getattr(series[name], samples) if name in series else []
            if xs:
                add(section, name, median(xs), floor, unit, targets.get(name), len(xs), spread(xs) if spread else "")
    return rows


LABELS = {
    "floor_hello": "floor_hello.py",
    "sample": "readtui, sample essay (6 ¶)",
    "essay20k": "readtui, 20,000 ¶",
    "resume20k": "readtui, resume 20,000 ¶ answered",
    "cold_floor_hello": "floor_hello.py",
    "cold_sample": "readtui, sample essay (6 ¶)",
    "floor_keys": "floor_keys.py 'n'",
    "keys100": "readtui 'n', 100 ¶ essay",
    "keys20k_start": "readtui 'n', 20,000 ¶ from ¶ 1",
    "keys20k_19000": "readtui 'n', 20,000 ¶ from ¶ 19000",
    "keys_saving": "readtui 'n', 1,000 answered ¶ to save",
    "rss_floor_hello": "floor_hello.py",
    "rss_sample": "readtui, sample essay",
    "rss_essay20k": "readtui, 20,000 ¶",
}


def flatness(series: dict[str, Series]) -> tuple[float, bool] | None:
    base = median(series["keys100"].keys) if "keys100" in series else math.nan
    others = [median(series[n].keys) for n in ("keys20k_start", "keys20k_19000") if n in series and series[n].keys]
    if math.isnan(base) or not others:
        return None
    worst = max(others) / base
    return worst, worst <= FLAT_TOLERANCE


def format_table(rows: list[dict], flat) -> str:
    width = max(map(len, LABELS.values())) + 1
    head = f"| {'section':<17}| {'series':<{width}}| {'n':>4} | {'median':>11} | {'spread':>13} | {'÷ floor':>7} | {'target':>7} | {'':4} |"
    lines = [head, "|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|"]
    for r in rows:
        value = f"{r['value']:.1f} {r['unit']}"
        target = f"≤ {r['target']:.1f}×" if r["target"] else ""
        ratio = "" if math.isnan(r["ratio"]) else f"{r['ratio']:.2f}×"
        lines.append(
            f"| {r['section']:<17}| {LABELS.get(r['series'], r['series']):<{width}}| {r['n']:>4} | {value:>11} | {r['spread'] or '':>13} "
            f"| {ratio:>7} | {target:>7} | {verdict(r['ok']):4} |"
        )
    out = "\n".join(lines)
    if flat is not None:
        worst, ok = flat
        out += (
            f"\n\nLatency vs essay length: slowest 20,000 ¶ median / 100 ¶ median = {worst:.2f}× "
            f"(independent if ≤ {FLAT_TOLERANCE}×): {verdict(ok)}"
        )
    return out


# --- main -----------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="few launches and presses (about a minute and a half)")
    ap.add_argument("--json", metavar="OUT", help="write every sample, the summary and the metadata here")
    ap.add_argument("--paint-runs", type=int, help="first-paint launches per series (default 11, quick 3)")
    ap.add_argument("--key-runs", type=int, help="launches per latency series (default 3, quick 1)")
    ap.add_argument("--presses", type=int, help="'n' presses per latency launch (default 30, quick 20)")
    ap.add_argument("--rss-runs", type=int, help="peak-RSS launches per series (default 5, quick 1)")
    ap.add_argument(
        "--cold-runs",
        type=int,
        help="cold first-paint launches per series, each right after dropping the page cache (needs root; "
        "default 7, quick 2, 0 for none)",
    )
    ap.add_argument(
        "--python", help="benchmark this interpreter's readtui (must be installed, with .pyc) instead of a fresh venv"
    )
    ap.add_argument("--venv", help="create or reuse the venv here (kept; readtui is reinstalled each run)")
    ap.add_argument(
        "--tools", default=str(DEFAULT_TOOLS), help=f"directory of ttfp.py and the floors (default {DEFAULT_TOOLS})"
    )
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for a marker (default 60)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (essays, launchers, outputs)")
    ap.add_argument("--only", metavar="SERIES,...", help="run only these series (e.g. essay20k,resume20k)")
    a = ap.parse_args()

    quick = a.quick
    paint_runs = a.paint_runs or (3 if quick else 11)
    key_runs = a.key_runs or (1 if quick else 3)
    presses = a.presses or (20 if quick else 30)
    rss_runs = a.rss_runs or (1 if quick else 5)
    cold_runs = a.cold_runs if a.cold_runs is not None else (2 if quick else 7)
    tools = Path(a.tools)
    for tool in ("ttfp.py", "floor_hello.py", "floor_keys.py"):
        if not (tools / tool).is_file():
            ap.error(f"{tools / tool} not found (use --tools)")
    if shutil.which("tmux") is None:
        ap.error("tmux is not installed")

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    if cold_runs:
        try:
            drop_page_cache()
        except OSError as error:
            log(
                f"cold first paint skipped: cannot write {DROP_CACHES} ({error.strerror}): needs root, not in a container"
            )
            cold_runs = 0

    tmp = Path(tempfile.mkdtemp(prefix="readtui-bench-"))
    started = time.time()
    load_before = os.getloadavg()
    series: dict[str, Series] = {}
    seen: set[int] = set()
    try:
        if a.python:
            python = Path(a.python)
            install_mode = f"existing interpreter {python}"
        else:
            venv = Path(a.venv) if a.venv else tmp / "venv"
            python = install(venv, log)
            install_mode = "pip install <repo working tree> into a " + ("kept venv" if a.venv else "temporary venv")
        info = package_info(python)
        readtui_bin = python.parent / "readtui"
        if not readtui_bin.exists():
            raise SystemExit(f"{readtui_bin} not found: is readtui installed for {python}?")
        log(
            f"readtui {info['readtui']} from {info['readtui_path']} ({info['readtui_pyc']} .pyc), "
            f"textual {info['textual']}, python {info['python']}"
        )
        if info["readtui_pyc"] == 0:
            log("WARNING: the readtui package has no .pyc files: startup is slower than a user's would be")

        data, essays, outs = tmp / "data", tmp / "essays", tmp / "out"
        for d in (data, essays, outs):
            d.mkdir()
        config = tmp / "config.toml"  # never created: readtui runs with its defaults
        env = dict(os.environ, READTUI_DATA_DIR=str(data), READTUI_CONFIG=str(config), READTUI_READER=READER)
        essay_paths = {}
        for n in [100, BIG]:
            path = essays / f"essay-{n}.txt"
            write_essay(path, n)
            found = essay_paragraphs(python, path)
            if found != n:
                raise SystemExit(f"readtui finds {found} paragraphs in {path}, expected {n}")
            essay_paths[n] = path
            log(f"essay {path.name}: {n} ¶, {path.stat().st_size / 1e6:.1f} MB")
        far = tmp / "resume-19000.toml"
        checklist = tmp / "critical-reading-without-before.toml"
        write_reading_checklist(python, checklist)
        write_resume_template(python, essay_paths[BIG], far, 19_000, env, checklist)
        answered = tmp / "resume-answered.toml"
        write_resume_template(python, essay_paths[BIG], answered, 1, env, checklist, answered=ANSWERED)
        finished = tmp / "resume-finished.toml"
        write_answered_template(python, essay_paths[BIG], finished, checklist)
        log(f"fully answered assessment {finished.name}: {finished.stat().st_size / 1e6:.1f} MB")
        launcher = tmp / "launch-readtui.sh"
        launcher.write_text(
            LAUNCHER.format(data=data, config=config, reader=READER, readtui=readtui_bin, checklist=checklist)
        )
        floor_launcher = tmp / "launch-floor.sh"
        floor_launcher.write_text(FLOOR_LAUNCHER.format(python=python))
        # What the launches read besides the files of Python, Textual and readtui
        launch_inputs = [*essay_paths.values(), far, answered, finished, checklist, launcher, floor_launcher]
        launch_inputs += [tools / "floor_hello.py", tools / "floor_keys.py"]

        def add(
            name: str,
            kind: str,
            launches: int,
            markers: list[str],
            *,
            floor: str | None = None,
            essay: Path | None = None,
            resume: Path | None = None,
            key_marker: str | None = None,
            presses: int = 0,
            cold: bool = False,
        ) -> None:
            outdir = outs / name
            outdir.mkdir()
            cmd, tag = launch_command(outdir, tools, floor_launcher, floor, launcher, essay, resume)
            series[name] = Series(
                name,
                kind,
                cmd,
                markers,
                launches,
                outdir,
                tag,
                key="n" if key_marker else None,
                key_marker=key_marker,
                presses=presses,
                cold=cold,
            )

        add("floor_hello", "paint", paint_runs, ["FLOOR-READY"], floor="floor_hello.py")
        add("sample", "paint", paint_runs, ["¶ 1 / 6", PROMPT])
        add("essay20k", "paint", paint_runs, ["¶ 1 / 20000", PROMPT], essay=essay_paths[BIG])
        add("resume20k", "paint", paint_runs, ["¶ 1 / 20000", PROMPT], essay=essay_paths[BIG], resume=finished)
        if cold_runs:
            # Added in this order, the two share each slot of the schedule, floor first: the sample's
            # launch then leaves Python, Textual and readtui back in the page cache for the next ones.
            add("cold_floor_hello", "paint", cold_runs, ["FLOOR-READY"], floor="floor_hello.py", cold=True)
            add("cold_sample", "paint", cold_runs, ["¶ 1 / 6", PROMPT], cold=True)
        add("floor_keys", "key", key_runs, ["¶ 1 /"], floor="floor_keys.py", key_marker="¶ {n} /", presses=presses)
        add(
            "keys100",
            "key",
            key_runs,
            ["¶ 1 / 100", PROMPT],
            essay=essay_paths[100],
            key_marker="¶ {n} / 100",
            presses=min(presses, 98),
        )
        add(
            "keys20k_start",
            "key",
            key_runs,
            ["¶ 1 / 20000", PROMPT],
            essay=essay_paths[BIG],
            key_marker="¶ {n} / 20000",
            presses=presses,
        )
        add(
            "keys20k_19000",
            "key",
            key_runs,
            ["¶ 19000 / 20000", PROMPT],
            essay=essay_paths[BIG],
            resume=far,
            key_marker="¶ 19{i:03d} / 20000",
            presses=min(presses, 999),
        )
        # Each 'n' moves the position, so each is followed by an autosave of the whole file.
        add(
            "keys_saving",
            "key",
            key_runs,
            ["¶ 1 / 20000", PROMPT],
            essay=essay_paths[BIG],
            resume=answered,
            key_marker="¶ {n} / 20000",
            presses=presses,
        )
        add("rss_floor_hello", "rss", rss_runs, ["FLOOR-READY"], floor="floor_hello.py")
        add("rss_sample", "rss", rss_runs, ["¶ 1 / 6", PROMPT])
        add("rss_essay20k", "rss", rss_runs, ["¶ 1 / 20000", PROMPT], essay=essay_paths[BIG])

        if a.only:
            wanted = set(a.only.split(","))
            if wanted - set(series):
                ap.error(f"--only: no series {', '.join(sorted(wanted - set(series)))} (series: {', '.join(series)})")
            series = {name: s for name, s in series.items() if name in wanted}
        json_out = tmp / "ttfp.json"
        log("warm-up: one untimed launch per series (none for the cold ones)")
        for s in series.values():
            if not s.cold:
                ttfp_call(tools, python, s, tmp, json_out, a.timeout, presses=2)
                s.lingered += reap(s, seen)
        plan = schedule(list(series.values()))
        raw_calls = []
        for k, s in enumerate(plan, start=1):
            t0 = time.perf_counter()
            if s.cold:
                drop_page_cache()
            out = ttfp_call(tools, python, s, tmp, json_out, a.timeout)
            s.lingered += reap(s, seen)
            if s.cold:
                # The warm launches that follow would otherwise read them from disk.
                for path in launch_inputs:
                    path.read_bytes()
            raw_calls.append({"series": s.name, "cold": s.cold, "result": out})
            s.ttfp += out["ttfp_samples"]
            s.brackets.append(out["ttfp"].get("bracket_median", math.nan))
            s.keys += out.get("key_samples", [])
            s.rss += out.get("rss_mib", {}).get("samples", [])
            s.done += 1
            what = {
                "paint": f"first paint {out['ttfp_samples'][0]:7.1f} ms",
                "key": f"'n' median {median(out.get('key_samples', [])):5.1f} ms",
                "rss": f"peak RSS {median(out.get('rss_mib', {}).get('samples', [])):5.1f} MiB",
            }[s.kind]
            log(
                f"{k:3}/{len(plan)} {s.name:<16} {what}{', cold' if s.cold else ''}  ({time.perf_counter() - t0:.1f} s)"
            )

        # Every launch (warm-ups included) must have had its own output file.
        for s in series.values():
            claims = len(list(s.outdir.glob("*.claim")))
            if claims != s.launched:
                log(f"WARNING: {s.name}: {claims} fresh output files for {s.launched} launches")

        log("imports on the way to the first frame (python -X importtime)")
        imports = import_breakdown(python, IMPORT_RUNS, cold=bool(cold_runs))

        rows = build_rows(series)
        flat = flatness(series)
        uname = platform.uname()
        meta = {
            "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "machine": f"{uname.system} {uname.release} {uname.machine}",
            "nproc": os.cpu_count(),
            "install": install_mode,
            "package": info,
            "size": SIZE,
            "quick": quick,
            "cold_runs": cold_runs,
            "git_head": _git("rev-parse", "HEAD"),
            "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
            "seconds": round(time.time() - started, 1),
            "loadavg_before": load_before,
            "loadavg_after": os.getloadavg(),
        }
        print()
        print(
            f"readtui {info['readtui']} · textual {info['textual']} · python {info['python']} · {meta['machine']} · "
            f"{meta['nproc']} CPUs · {meta['date']} · terminal {SIZE} · {meta['seconds']:.0f} s"
        )
        print(
            f"installed: {install_mode} (git {meta['git_head'][:10]}"
            + (", with uncommitted changes)" if meta["git_dirty"] else ")")
        )
        print(
            "load average (1, 5, 15 min) before: {:.2f} {:.2f} {:.2f}, after: {:.2f} {:.2f} {:.2f}".format(
                *meta["loadavg_before"], *meta["loadavg_after"]
            )
        )
        print()
        print(format_table(rows, flat))
        print()
        lingering = [
            f"{LABELS.get(s.name, s.name)} ({s.kind}{', cold' if s.cold else ''}): {s.lingered} of {s.launched}"
            for s in series.values()
            if s.lingered
        ]
        if lingering:
            print(
                f"Still running {LINGER_WAIT:.0f} s after tmux hung up on them (then killed by pid): "
                + "; ".join(lingering)
            )
        print(
            "Times are upper bounds from polling tmux every 5 ms (ttfp.py); each ratio uses the floor's median "
            "from this same run."
        )
        if cold_runs:
            print(
                f"Cold: `sync; echo 3 > {DROP_CACHES}` right before each launch of the cold first paint rows, "
                "so Textual, click and readtui load from disk (ttfp.py itself loads Python and part of its "
                "standard library again before the clock starts)."
            )
        print()
        print(format_breakdown(imports))
        if a.json:
            result = {
                "meta": meta,
                "rows": rows,
                "flatness": flat,
                "series": {
                    name: {
                        "kind": x.kind,
                        "cold": x.cold,
                        "cmd": x.cmd,
                        "markers": x.markers,
                        "key": x.key,
                        "key_marker": x.key_marker,
                        "presses": x.presses,
                        "launches": x.done,
                        "lingered": x.lingered,
                        "ttfp_ms": x.ttfp,
                        "key_ms": x.keys,
                        "rss_mib": x.rss,
                        "ttfp_bracket_ms": x.brackets,
                    }
                    for name, x in series.items()
                },
                "calls": raw_calls,
                "imports": imports,
            }
            Path(a.json).write_text(json.dumps(result, indent=1, default=str))
            log(f"wrote {a.json}")
    finally:
        # After an error or ^C: end what this run launched (by pid, checked), and its tmux server.
        subprocess.run(["tmux", "-L", "tuibench", "kill-server"], capture_output=True)
        for s in series.values():
            if s.outdir.is_dir():
                reap(s, seen)
        if a.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(REPO), *args], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


if __name__ == "__main__":
    sys.exit(main())
