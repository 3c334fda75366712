#!/usr/bin/env python3
"""readtui compare and validate benchmark: `readtui compare` and `readtui validate` on 50 readers ×
1,000 paragraphs, side by side with only parsing the same files with tomllib, on two CPUs and on one.

    python benchmarks/compare.py                 # 5 interleaved rounds, then the breakdown
    python benchmarks/compare.py --runs 9 --keep /tmp/compare-data
    python benchmarks/compare.py --cpus 1        # only the one-CPU series (taskset -c 0)

Run it with the interpreter that has readtui installed (the dev venv's python): it generates the
assessment files with `compare_data.write_readers` and runs the `readtui` next to that python.

1. Writes N readers × P paragraphs of the default checklist (12 paragraph items) into a temporary
   directory (seeded: the same files every run).
2. Times each command as its own subprocess (wall clock around `subprocess.run`): the reference
   (`python -c`: read and `tomllib.loads` every file, one after the other), then
   `readtui compare DIR --bootstrap 0 --out FILE`, `readtui compare DIR --out FILE` (bootstrap
   1000) and `readtui validate FILE…` (every file), interleaved round by round after one untimed
   warm-up of each. With `--cpus both` (the default) each round runs every command twice: with the
   machine's CPUs, and pinned to one (`taskset -c 0`, the reference too). Then, once each, for
   information: json and csv with bootstrap 0.
3. Prints medians, spreads, ratios to the reference's median from the same run and CPU setting, and
   the targets.
4. Breakdown: runs this script again as `--breakdown` child processes, which run what the CLI runs
   (imports, `load_comparison`, `compare`, `render`, `atomic_write`) with perf_counter timers around
   readtui's functions, at bootstrap 0 and 1000. The timers patch readtui internals by name:
   update STEPS if they change (a name it no longer finds is reported).

Children run with PYTHONPYCACHEPREFIX in the temporary directory (and PYTHONDONTWRITEBYTECODE
unset), so modules load from .pyc as for a user, without writing into the source tree.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {"bootstrap 0": 0.5, "validate": 0.5, "bootstrap 1000": 3.0}
"""Ratio to the reference in the same run and CPU setting (issue 16: bootstrap 0 and validate
≤ 0.5 ×, 0.3 × the goal; bootstrap 1000 kept from before)."""
GOALS = {"bootstrap 0": 0.3, "validate": 0.3}
ONE_CPU = ", one CPU"

REFERENCE = """\
import sys, tomllib
from pathlib import Path
for path in sorted(Path(sys.argv[1]).glob("*.toml")):
    tomllib.loads(path.read_text(encoding="utf-8"))
"""

# --- the breakdown (child process) ------------------------------------------------------------

STEPS = [
    # (depth, label, module, function): perf_counter timers around these functions. A step counts
    # only the calls made within the step above it (e.g. parse_toml only when reading assessments).
    (0, "load_comparison", "readtui.core.corpus", "load_comparison"),
    (1, "parse and validate the files (read_assessment)", "readtui.core.corpus", "read_assessment"),
    (2, "read + rtoml or tomllib (parse_toml)", "readtui.core.corpus", "parse_toml"),
    (2, "pydantic (assessment_from_data)", "readtui.core.corpus", "assessment_from_data"),
    (3, "import pydantic, build the validator", "readtui.core.schema", "_adapter"),
    (1, "load the checklist (_shared_checklist)", "readtui.core.corpus", "_shared_checklist"),
    (1, "checklist_problems", "readtui.core.corpus", "checklist_problems"),
    (1, "_shared_items", "readtui.core.corpus", "_shared_items"),
    (0, "compare", "readtui.core.compare", "compare"),
    (1, "variables (reliability data)", "readtui.core.compare", "variables"),
    (1, "variable_stats (per item, and pooled)", "readtui.core.compare", "variable_stats"),
    (2, "krippendorff.alpha", "krippendorff", "alpha"),
    (2, "bootstrap_interval", "readtui.core.compare", "bootstrap_interval"),
    (1, "pooled", "readtui.core.compare", "pooled"),
    (1, "_pair_agreement (kappa)", "readtui.core.compare", "_pair_agreement"),
    (1, "_disagreement_rows", "readtui.core.compare", "_disagreement_rows"),
    (1, "span_agreement", "readtui.core.compare", "span_agreement"),
    (0, "render", "readtui.reports.compare", "render"),
]


def breakdown(directory: str, bootstrap: int, out: str) -> dict:
    """What the CLI does for `readtui compare DIR`, timed step by step; returns seconds per step."""
    import importlib

    times: dict[str, float] = {}
    running: set[str | None] = {None}
    gc_time = [0.0, 0.0]  # total collection pauses, start of the current one

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            gc_time[1] = time.perf_counter()
        else:
            gc_time[0] += time.perf_counter() - gc_time[1]

    def timed(label: str, parent: str | None, function):
        def wrapper(*args, **kwargs):
            if parent not in running:
                return function(*args, **kwargs)
            running.add(label)
            t0, gc0 = time.perf_counter(), gc_time[0]
            try:
                return function(*args, **kwargs)
            finally:
                times[label] = times.get(label, 0.0) + time.perf_counter() - t0
                times[f"gc: {label}"] = times.get(f"gc: {label}", 0.0) + gc_time[0] - gc0
                running.discard(label)

        return wrapper

    def step(label: str, function, *args, **kwargs):
        t0 = time.perf_counter()
        result = function(*args, **kwargs)
        times[label] = time.perf_counter() - t0
        return result

    gc.callbacks.append(on_gc)
    gc.disable()  # as `readtui compare` does
    t_start = time.perf_counter()
    step("import readtui.cli (click)", importlib.import_module, "readtui.cli")
    step("import readtui.core.compare", importlib.import_module, "readtui.core.compare")
    missing: list[str] = []
    parents: dict[str, str | None] = {}
    stack: list[str] = []
    for depth, label, _, _ in STEPS:
        del stack[depth:]
        parents[label] = stack[-1] if stack else None
        stack.append(label)

    def patch(module_name: str) -> None:
        """Put the timers on the STEPS functions of this (just imported) module."""
        module = sys.modules[module_name]
        for _, label, name_of_module, name in STEPS:
            if name_of_module != module_name:
                continue
            if hasattr(module, name):
                setattr(module, name, timed(label, parents[label], getattr(module, name)))
            else:
                missing.append(f"{module_name}.{name}")

    patch("readtui.core.corpus")
    patch("readtui.core.compare")
    patch("readtui.core.schema")
    import readtui.core.compare as rc
    import readtui.core.corpus as corpus

    data = corpus.load_comparison([directory])
    step(
        "import numpy, krippendorff",
        lambda: (importlib.import_module("numpy"), importlib.import_module("krippendorff")),
    )
    patch("krippendorff")
    comparison = rc.compare(data, bootstrap=bootstrap)
    step("import readtui.reports.compare", importlib.import_module, "readtui.reports.compare")
    patch("readtui.reports.compare")
    import readtui.reports.compare as report
    from readtui.core.storage import atomic_write

    text = report.render(comparison, "table")
    step("atomic_write (--out)", atomic_write, Path(out), text)
    total = time.perf_counter() - t_start
    gc.callbacks.remove(on_gc)
    return {"times": times, "total": total, "gc": gc_time[0], "missing": missing}


# --- the benchmark ----------------------------------------------------------------------------


def timed_run(cmd: list[str], env: dict, cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    return elapsed, done


def machine() -> str:
    cpu = ""
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    uname = platform.uname()
    return (
        f"{uname.system} {uname.release} {uname.machine} · {os.cpu_count()} CPUs ({cpu or 'model unknown'}) · "
        f"python {platform.python_version()} · {time.strftime('%Y-%m-%d %H:%M %Z')}"
    )


def git_state() -> str:
    """The commit of the working tree, and whether it has uncommitted changes."""
    repo = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True).stdout.strip()
        except OSError:
            return ""

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return f"git {head}" + (" with uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def generate(directory: Path, readers: int, paragraphs: int) -> int:
    """Write the assessment files; returns their total size in bytes."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from compare_data import write_readers

    return sum(path.stat().st_size for path in write_readers(directory, readers, paragraphs))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--readers", type=int, default=50, help="assessment files (default 50)")
    ap.add_argument("--paragraphs", type=int, default=1000, help="paragraphs per file (default 1000)")
    ap.add_argument("--runs", type=int, default=5, help="interleaved rounds (default 5)")
    ap.add_argument("--breakdown-runs", type=int, default=3, help="runs per breakdown column (default 3; 0: none)")
    ap.add_argument("--keep", metavar="DIR", help="write the files to DIR (new or empty) and keep them")
    ap.add_argument(
        "--cpus",
        choices=["both", "all", "1"],
        default="both",
        help="the machine's CPUs, one CPU (taskset -c 0), or both series in every round (default)",
    )
    ap.add_argument("--breakdown", metavar="DIR", help=argparse.SUPPRESS)  # the child process
    ap.add_argument("--bootstrap", type=int, default=1000, help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.breakdown:
        print(json.dumps(breakdown(a.breakdown, a.bootstrap, a.out)))
        return 0

    readtui = Path(sys.executable).parent / "readtui"
    if not readtui.exists():
        ap.error(f"{readtui} not found: run this with the python that has readtui installed")
    if a.keep and Path(a.keep).exists() and any(Path(a.keep).iterdir()):
        ap.error(f"{a.keep} is not empty")
    if a.cpus != "all" and shutil.which("taskset") is None:
        ap.error("taskset not found: the one-CPU series needs it (--cpus all runs without)")

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    tmp = Path(tempfile.mkdtemp(prefix="readtui-compare-bench-"))
    try:
        data = Path(a.keep) if a.keep else tmp / "data"
        t0 = time.perf_counter()
        size = generate(data, a.readers, a.paragraphs)
        log(
            f"wrote {a.readers} files × {a.paragraphs} ¶ ({size / 1e6:.1f} MB) to {data} in {time.perf_counter() - t0:.1f} s"
        )
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(
            PYTHONPYCACHEPREFIX=str(tmp / "pycache"),
            READTUI_DATA_DIR=str(tmp / "readtui-data"),
            READTUI_CONFIG=str(tmp / "config.toml"),  # never created
        )
        python = sys.executable
        out = tmp / "report"

        def compare_cmd(*options: str) -> list[str]:
            return [str(readtui), "compare", str(data), *options, "--out", str(out)]

        files = sorted(str(path) for path in data.glob("*.toml"))
        commands = {
            "tomllib": [python, "-c", REFERENCE, str(data)],
            "bootstrap 0": compare_cmd("--bootstrap", "0"),
            "bootstrap 1000": compare_cmd(),
            "validate": [str(readtui), "validate", *files],
        }
        measures = {}
        if a.cpus != "1":
            measures.update(commands)
        if a.cpus != "all":
            measures.update({name + ONE_CPU: ["taskset", "-c", "0", *cmd] for name, cmd in commands.items()})
        once = {
            "bootstrap 0, --format json": compare_cmd("--bootstrap", "0", "--format", "json"),
            "bootstrap 0, --format csv": compare_cmd("--bootstrap", "0", "--format", "csv"),
        }
        if a.cpus == "1":
            once = {name + ONE_CPU: ["taskset", "-c", "0", *cmd] for name, cmd in once.items()}
        load_before = os.getloadavg()
        log("warm-up: one untimed run of each (and .pyc written)")
        for cmd in commands.values():
            timed_run(cmd, env, tmp)
        samples: dict[str, list[float]] = {name: [] for name in [*measures, *once]}
        for k in range(1, a.runs + 1):
            for name, cmd in measures.items():
                seconds, _ = timed_run(cmd, env, tmp)
                samples[name].append(seconds)
                log(f"round {k}/{a.runs}  {name:<26} {seconds:6.2f} s")
        for name, cmd in once.items():
            seconds, _ = timed_run(cmd, env, tmp)
            samples[name].append(seconds)
            log(f"once      {name:<26} {seconds:6.2f} s")
        load_after = os.getloadavg()

        columns = {"bootstrap 0": ["--bootstrap", "0"], "bootstrap 1000": ["--bootstrap", "1000"]}
        results: dict[str, list[dict]] = {name: [] for name in columns}
        for k in range(a.breakdown_runs):
            for name, options in columns.items():
                cmd = [python, str(Path(__file__).resolve()), "--breakdown", str(data), "--out", str(out), *options]
                seconds, done = timed_run(cmd, env, tmp)
                result = json.loads(done.stdout)
                result["wall"] = seconds
                results[name].append(result)
                log(f"breakdown {k + 1}/{a.breakdown_runs}  {name:<28} {seconds:6.2f} s")

        print()
        print(machine())
        print(
            f"{a.readers} files × {a.paragraphs} ¶ × 12 paragraph items, {size / 1e6:.1f} MB · {readtui} ({git_state()}) · "
            + "load average (1, 5, 15 min) before {:.2f} {:.2f} {:.2f}, after {:.2f} {:.2f} {:.2f}".format(
                *load_before, *load_after
            )
        )
        print()
        print(results_table(samples))
        if (a.readers, a.paragraphs) != (50, 1000):
            print("The targets are for 50 readers × 1,000 paragraphs: start-up weighs more on smaller inputs.")
        if a.breakdown_runs:
            print()
            print(breakdown_table(results))
            missing = sorted({name for runs in results.values() for r in runs for name in r["missing"]})
            if missing:
                print(f"Not timed (no longer in readtui: update STEPS): {', '.join(missing)}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if a.keep:
            log(f"kept the files in {a.keep}")
    return 0


def results_table(samples: dict[str, list[float]]) -> str:
    """Median, spread and ratio to the reference of the same CPU setting, against the targets."""
    labels = {}
    for name in samples:
        base, one_cpu = name.removesuffix(ONE_CPU), name.endswith(ONE_CPU)
        where = " (taskset -c 0)" if one_cpu else ""
        if base == "tomllib":
            labels[name] = f"reference: tomllib.loads, every file{where}"
        elif base == "validate":
            labels[name] = f"readtui validate, every file{where}"
        else:
            labels[name] = f"readtui compare, {base}{where}"
    width = max(map(len, labels.values()))
    lines = [
        f"| {'measure':<{width}} | {'n':>2} | {'median':>8} | {'min–max':>13} | {'÷ tomllib':>9} | {'target':>6} |      |",
        f"|{'-' * (width + 2)}|----|----------|---------------|-----------|--------|------|",
    ]
    for name, xs in samples.items():
        base = name.removesuffix(ONE_CPU)
        reference = statistics.median(samples["tomllib" + ONE_CPU if name.endswith(ONE_CPU) else "tomllib"])
        median = statistics.median(xs)
        ratio = median / reference
        target, goal = TARGETS.get(base), GOALS.get(base)
        verdict = ("pass" if ratio <= target else "MISS") if target else ""
        if goal and ratio <= goal:
            verdict = "goal"
        lines.append(
            f"| {labels[name]:<{width}} | {len(xs):>2} | {median:>6.2f} s | {min(xs):>5.2f}–{max(xs):>5.2f} s | "
            f"{ratio:>8.2f}× | {f'≤ {target}×' if target else '':>6} | {verdict:<4} |"
        )
    return "\n".join(lines)


def breakdown_table(results: dict[str, list[dict]]) -> str:
    """Median seconds per step and column; indented rows are part of the row above them."""
    names = list(results)
    rows = [
        ("interpreter start-up and exit, not timed inside", "rest"),
        ("import readtui.cli (click)", "import readtui.cli (click)"),
        ("import readtui.core.compare", "import readtui.core.compare"),
    ]
    imports_before = {"compare": "import numpy, krippendorff", "render": "import readtui.reports.compare"}
    for depth, label, _, _ in STEPS:
        if label in imports_before:
            rows.append((imports_before[label], imports_before[label]))
        rows.append(("  " * depth + label, label))
        if depth == 0:
            rows.append(("  (of which garbage collection)", f"gc: {label}"))
    rows += [
        ("atomic_write (--out)", "atomic_write (--out)"),
        ("garbage collection, all the above", "gc"),
        ("wall clock (subprocess)", "wall"),
    ]

    def value(result: dict, key: str) -> float | None:
        if key in ("wall", "gc"):
            return result[key]
        if key == "rest":
            return result["wall"] - result["total"]
        return result["times"].get(key)

    width = max(len(r[0]) for r in rows)
    head = f"| {'step (median s of ' + str(len(results[names[0]])) + ' runs)':<{width}} | " + " | ".join(names) + " |"
    lines = [head, "|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|"]
    for label, key in rows:
        cells = []
        for name in names:
            xs = [x for x in (value(r, key) for r in results[name]) if x is not None]
            cells.append(f"{statistics.median(xs):.3f}".rjust(len(name)) if xs else "".rjust(len(name)))
        lines.append(f"| {label:<{width}} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
