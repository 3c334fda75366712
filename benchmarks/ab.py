#!/usr/bin/env python3
"""readtui A/B: two revisions measured side by side, their launches alternating, in one run.

    python benchmarks/ab.py --base 278c8a3                # head: this working tree, as run.py installs it
    python benchmarks/ab.py --base 278c8a3 --head main    # head: main's committed tree
    python benchmarks/ab.py --base 278c8a3 --quick        # a smoke test, not a result
    python benchmarks/ab.py --base X --head Y --json ab.json

Why: run-to-run noise on a 2-CPU machine is about ±15 %, so today's run.py figures against last
month's cannot tell a 5 % regression from noise. Here both revisions run in the same minutes, base
and head launches alternating (ABAB…) with the floors between them, so drift hits both alike.

What it does:

1. Installs each revision into its own venv, `.bench-venv-ab/<sha>/` in the repository (kept, and
   reused as it is when present: a commit's tree does not change). The tree comes from
   `git archive <sha> | tar -x` into a temporary directory, then `pip install <dir>` (run.py's
   install(): a real wheel build, with .pyc). Without --head, the head is this working tree,
   uncommitted changes included, reinstalled every run into `.bench-venv-ab/worktree/`.
   Both sides run only the `readtui` command, so any revision that has it works, before or after
   the core/tui/cli layout; the few helpers that call readtui's API (run.py's essay check and
   resume file) find its core modules in either layout.
2. Writes run.py's seeded essays (100 and 20,000 paragraphs) and, with each side's own readtui,
   an assessment of the 20,000 ¶ essay with its first 1,000 paragraphs answered, at ¶ 1.
3. Times, for each side, with run.py's markers and launcher (a fresh --out per launch; data,
   config and reader in the temporary directory, one data directory per side):
   - first paint of the sample essay (`readtui --out FILE`: `¶ 1 / 6` and the first prompt);
   - 'n' on the 100 ¶ essay (`¶ {n} / 100`);
   - 'n' on the 20,000 ¶ essay resumed from the assessment with 1,000 answered paragraphs: each
     'n' moves the position, so an autosave of the whole file follows it (`¶ {n} / 20000`);
   and floor_hello.py / floor_keys.py for reference. One untimed warm-up launch per series, then
   all launches interleaved evenly over the run (run.py's schedule()); within each series pair
   the base launch comes first, so base and head alternate.
4. Prints base and head medians, head ÷ base with a 95 % bootstrap interval (launches resampled
   with replacement on each side, a launch's presses kept together), the paired ratio (the median
   over the pairs of a base launch and the head launch right after it, free of the drift between
   slots, and how many pairs had head slower), and each ÷ its floor.
   --json OUT keeps every sample, launch by launch.

Standard library only; needs tmux, git, tar and the harness ttfp.py with the floors (see run.py).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402  (benchmarks/run.py: its essays, installer, launchers and harness calls)

REPO = bench.REPO
VENVS = REPO / ".bench-venv-ab"
INSTALLED = "readtui-installed-from"
"""A file in each kept venv, written once its install succeeded: the sha it holds."""
SIDES = ("base", "head")
SAMPLE_MARKERS = ["¶ 1 / 6", bench.PROMPT]
BOOTSTRAP_ROUNDS = 2000
DEPENDENCIES = ("textual", "rich", "click", "pydantic", "platformdirs", "tomli_w", "numpy", "krippendorff")
"""Installed versions compared between the two venvs: a difference would be measured too."""

# (row, series prefix, samples, floor series)
MEASURES = [
    ("first paint, sample essay", "paint", "ttfp", "floor_hello"),
    ("'n', 100 ¶ essay", "keys100", "keys", "floor_keys"),
    (f"'n', {bench.ANSWERED:,} answered ¶ to save", "saving", "keys", "floor_keys"),
]
FLOORS = [("floor_hello.py first paint", "floor_hello", "ttfp"), ("floor_keys.py 'n'", "floor_keys", "keys")]


def git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(REPO), *args], check=True, capture_output=True, text=True).stdout.strip()


def resolve(rev: str) -> str:
    try:
        return git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    except subprocess.CalledProcessError:
        raise SystemExit(f"ab.py: {rev!r} is not a revision of {REPO}") from None


def venv_for(sha: str | None, log) -> Path:
    """The python of a venv with readtui at ``sha`` installed (None: this working tree)."""
    if sha is None:
        return bench.install(VENVS / "worktree", log)
    venv = VENVS / sha
    python = venv / "bin" / "python"
    marker = venv / INSTALLED
    if marker.is_file() and marker.read_text().strip() == sha and (venv / "bin" / "readtui").exists():
        log(f"reusing {venv} (readtui at {sha[:10]})")
        return python
    with tempfile.TemporaryDirectory(prefix="readtui-ab-src-") as src:
        archive = subprocess.Popen(["git", "-C", str(REPO), "archive", "--format=tar", sha], stdout=subprocess.PIPE)
        untar = subprocess.run(["tar", "-x", "-C", src], stdin=archive.stdout)
        archive.stdout.close()
        if archive.wait() != 0 or untar.returncode != 0:
            raise SystemExit(f"ab.py: git archive {sha} | tar -x failed")
        bench.install(venv, log, source=Path(src))
    marker.write_text(sha + "\n")
    return python


def dependency_versions(python: Path) -> dict:
    code = (
        "import json, sys\nfrom importlib.metadata import version, PackageNotFoundError\nout = {}\n"
        "for name in sys.argv[1:]:\n"
        "    try:\n        out[name] = version(name)\n    except PackageNotFoundError:\n        out[name] = None\n"
        "print(json.dumps(out))"
    )
    return json.loads(bench.helper(python, code, *DEPENDENCIES))


# --- statistics -----------------------------------------------------------------------------------


def pooled(groups: list[list[float]]) -> list[float]:
    return [x for group in groups for x in group]


def ratio_interval(base: list[list[float]], head: list[list[float]], rng: random.Random) -> tuple[float, float]:
    """95 % bootstrap interval of median(head) ÷ median(base): launches resampled with replacement on
    each side, each launch's samples (one first paint, or all its presses) kept together."""
    if len(base) < 2 or len(head) < 2:
        return math.nan, math.nan
    ratios = sorted(
        bench.median(pooled(rng.choices(head, k=len(head)))) / bench.median(pooled(rng.choices(base, k=len(base))))
        for _ in range(BOOTSTRAP_ROUNDS)
    )
    return ratios[int(0.025 * (len(ratios) - 1))], ratios[int(math.ceil(0.975 * (len(ratios) - 1)))]


def build_rows(groups: dict[str, list[list[float]]]) -> list[dict]:
    rng = random.Random(2020)
    rows = []
    for label, prefix, _samples, floor in MEASURES:
        base, head = groups.get(f"{prefix}_base", []), groups.get(f"{prefix}_head", [])
        if not base or not head:
            continue
        b, h, f = bench.median(pooled(base)), bench.median(pooled(head)), bench.median(pooled(groups[floor]))
        low, high = ratio_interval(base, head, rng)
        # The k-th base launch and the k-th head launch ran one right after the other: their ratio is
        # free of the drift between slots of the schedule (which can exceed the difference measured).
        paired = [
            bench.median(h_launch) / bench.median(b_launch) for b_launch, h_launch in zip(base, head, strict=True)
        ]
        rows.append(
            {
                "measure": label,
                "series": prefix,
                "launches": [len(base), len(head)],
                "samples": [len(pooled(base)), len(pooled(head))],
                "base_ms": b,
                "head_ms": h,
                "head_over_base": h / b,
                "interval_95": [low, high],
                "paired_ratios": paired,
                "paired_median": bench.median(paired),
                "pairs_head_slower": sum(r > 1 for r in paired),
                "floor": floor,
                "floor_ms": f,
                "base_over_floor": b / f,
                "head_over_floor": h / f,
            }
        )
    return rows


def format_table(rows: list[dict], groups: dict[str, list[list[float]]]) -> str:
    width = max(len(r["measure"]) for r in rows + [{"measure": label} for label, _, _ in FLOORS]) + 1
    head = (
        f"| {'series':<{width}}| {'n':>7} | {'base':>9} | {'head':>9} | {'head ÷ base':>11} | {'95% interval':>13} "
        f"| {'paired':>11} "
        f"| {'base ÷ floor':>12} | {'head ÷ floor':>12} |"
    )
    lines = [head, "|" + "|".join("-" * len(c) for c in head.split("|")[1:-1]) + "|"]
    for r in rows:
        low, high = r["interval_95"]
        interval = f"{low:.2f}–{high:.2f}" if not math.isnan(low) else ""
        n = f"{r['samples'][0]}/{r['samples'][1]}"
        paired = f"{r['paired_median']:.3f}× {r['pairs_head_slower']}/{len(r['paired_ratios'])}"
        lines.append(
            f"| {r['measure']:<{width}}| {n:>7} | {r['base_ms']:>6.1f} ms | {r['head_ms']:>6.1f} ms "
            f"| {r['head_over_base']:>10.3f}× | {interval:>13} | {paired:>11} "
            f"| {r['base_over_floor']:>11.2f}× | {r['head_over_floor']:>11.2f}× |"
        )
    for label, name, _samples in FLOORS:
        xs = pooled(groups.get(name, []))
        if xs:
            floor = f"{bench.median(xs):.1f} ms"  # one series, the reference of both sides
            blank = f" {'':>11} | {'':>13} | {'':>11} | {'':>12} | {'':>12} |"
            lines.append(f"| {label:<{width}}| {len(xs):>7} | {floor:>9} | {floor:>9} |{blank}")
    return "\n".join(lines)


def verdicts(rows: list[dict]) -> list[str]:
    out = []
    for r in rows:
        low, high = r["interval_95"]
        change = f"{(r['head_over_base'] - 1) * 100:+.1f} %"
        if math.isnan(low):
            word = "too few launches for an interval"
        elif low > 1:
            word = "head slower (interval above 1)"
        elif high < 1:
            word = "head faster (interval below 1)"
        else:
            word = "no difference this run can tell (interval spans 1)"
        out.append(f"  {r['measure']}: {change}, {word}")
    return out


# --- main -----------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True, help="the revision to compare against (a commit, tag or branch)")
    ap.add_argument("--head", help="the revision to measure (default: this working tree, uncommitted changes included)")
    ap.add_argument("--runs", type=int, help="first-paint launches per side (default 15, quick 3)")
    ap.add_argument("--key-runs", type=int, help="launches per side of each 'n' series (default 5, quick 2)")
    ap.add_argument("--presses", type=int, help="'n' presses per launch (default 30, quick 10)")
    ap.add_argument("--quick", action="store_true", help="few launches and presses: a smoke test, not a result")
    ap.add_argument("--json", metavar="OUT", help="write every sample (launch by launch), the rows and the metadata")
    ap.add_argument(
        "--tools",
        default=str(bench.DEFAULT_TOOLS),
        help=f"directory of ttfp.py and the floors (default {bench.DEFAULT_TOOLS})",
    )
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for a marker (default 60)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (essays, launchers, outputs)")
    a = ap.parse_args()

    paint_runs = a.runs or (3 if a.quick else 15)
    key_runs = a.key_runs or (2 if a.quick else 5)
    presses = a.presses or (10 if a.quick else 30)
    tools = Path(a.tools)
    for tool in ("ttfp.py", "floor_hello.py", "floor_keys.py"):
        if not (tools / tool).is_file():
            ap.error(f"{tools / tool} not found (use --tools)")
    for program in ("tmux", "git", "tar"):
        if shutil.which(program) is None:
            ap.error(f"{program} is not installed")

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    revs = {"base": resolve(a.base), "head": resolve(a.head) if a.head else None}
    if revs["head"] is None:
        head_desc = f"working tree at {git('rev-parse', 'HEAD')[:10]}" + (
            " with uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else ""
        )
    else:
        head_desc = f"{a.head} = {revs['head'][:10]}"
    names = {"base": f"{a.base} = {revs['base'][:10]}", "head": head_desc}
    if revs["base"] == revs["head"]:
        log("base and head are the same commit: an A/A run (one venv for both sides)")

    python = {side: venv_for(revs[side], log) for side in SIDES}
    info = {side: bench.package_info(python[side]) for side in SIDES}
    deps = {side: dependency_versions(python[side]) for side in SIDES}
    for side in SIDES:
        log(
            f"{side}: {names[side]}: readtui {info[side]['readtui']} from {info[side]['readtui_path']} "
            f"({info[side]['readtui_pyc']} .pyc), textual {info[side]['textual']}, python {info[side]['python']}"
        )
    differ = {
        name: (deps["base"][name], deps["head"][name])
        for name in DEPENDENCIES
        if deps["base"][name] != deps["head"][name]
    }
    if differ:
        log(
            "WARNING: the venvs differ in more than readtui: "
            + ", ".join(f"{n} {b} / {h}" for n, (b, h) in differ.items())
        )

    tmp = Path(tempfile.mkdtemp(prefix="readtui-ab-"))
    started = time.time()
    load_before = os.getloadavg()
    series: dict[str, bench.Series] = {}
    groups: dict[str, list[list[float]]] = {}
    seen: set[int] = set()
    try:
        essays, outs = tmp / "essays", tmp / "out"
        essays.mkdir()
        outs.mkdir()
        essay_paths = {}
        for n in (100, bench.BIG):
            path = essay_paths[n] = essays / f"essay-{n}.txt"
            bench.write_essay(path, n)
            for side in SIDES:
                found = bench.essay_paragraphs(python[side], path)
                if found != n:
                    raise SystemExit(f"{side} readtui finds {found} paragraphs in {path}, expected {n}")
        config = tmp / "config.toml"  # never created: readtui runs with its defaults
        launcher, answered = {}, {}
        for side in SIDES:
            data = tmp / f"data-{side}"  # each side's own index of sessions
            data.mkdir()
            env = dict(os.environ, READTUI_DATA_DIR=str(data), READTUI_CONFIG=str(config), READTUI_READER=bench.READER)
            answered[side] = tmp / f"resume-answered-{side}.toml"
            checklist = tmp / f"critical-reading-without-before-{side}.toml"
            bench.write_reading_checklist(python[side], checklist)
            bench.write_resume_template(
                python[side], essay_paths[bench.BIG], answered[side], 1, env, checklist, answered=bench.ANSWERED
            )
            log(f"{side}: assessment with {bench.ANSWERED:,} answered ¶: {answered[side].stat().st_size / 1e6:.2f} MB")
            launcher[side] = tmp / f"launch-readtui-{side}.sh"
            launcher[side].write_text(
                bench.LAUNCHER.format(
                    data=data,
                    config=config,
                    reader=bench.READER,
                    readtui=python[side].parent / "readtui",
                    checklist=checklist,
                )
            )
        floor_launcher = tmp / "launch-floor.sh"
        floor_launcher.write_text(bench.FLOOR_LAUNCHER.format(python=python["head"]))

        def add(name, kind, launches, markers, *, side=None, floor=None, essay=None, resume=None, key_marker=None):
            outdir = outs / name
            outdir.mkdir()
            cmd, tag = bench.launch_command(outdir, tools, floor_launcher, floor, launcher.get(side), essay, resume)
            series[name] = bench.Series(
                name,
                kind,
                cmd,
                markers,
                launches,
                outdir,
                tag,
                key="n" if key_marker else None,
                key_marker=key_marker,
                presses=presses if key_marker else 0,
            )
            groups[name] = []

        # In this order, each base series and its head series share every slot of the schedule, base first.
        add("floor_hello", "paint", paint_runs, ["FLOOR-READY"], floor="floor_hello.py")
        for side in SIDES:
            add(f"paint_{side}", "paint", paint_runs, SAMPLE_MARKERS, side=side)
        add("floor_keys", "key", key_runs, ["¶ 1 /"], floor="floor_keys.py", key_marker="¶ {n} /")
        for side in SIDES:
            add(
                f"keys100_{side}",
                "key",
                key_runs,
                ["¶ 1 / 100", bench.PROMPT],
                side=side,
                essay=essay_paths[100],
                key_marker="¶ {n} / 100",
            )
            series[f"keys100_{side}"].presses = min(presses, 98)
        for side in SIDES:
            add(
                f"saving_{side}",
                "key",
                key_runs,
                [f"¶ 1 / {bench.BIG}", bench.PROMPT],
                side=side,
                essay=essay_paths[bench.BIG],
                resume=answered[side],
                key_marker=f"¶ {{n}} / {bench.BIG}",
            )

        json_out = tmp / "ttfp.json"
        log("warm-up: one untimed launch per series")
        for s in series.values():
            bench.ttfp_call(tools, Path(sys.executable), s, tmp, json_out, a.timeout, presses=2)
            s.lingered += bench.reap(s, seen)
        plan = bench.schedule(list(series.values()))
        calls = []
        for k, s in enumerate(plan, start=1):
            t0 = time.perf_counter()
            out = bench.ttfp_call(tools, Path(sys.executable), s, tmp, json_out, a.timeout)
            s.lingered += bench.reap(s, seen)
            samples = out["ttfp_samples"] if s.kind == "paint" else out.get("key_samples", [])
            groups[s.name].append(samples)
            calls.append({"series": s.name, "result": out})
            s.ttfp += out["ttfp_samples"]
            s.keys += out.get("key_samples", [])
            s.done += 1
            what = (
                f"first paint {samples[0]:7.1f} ms"
                if s.kind == "paint"
                else f"'n' median {bench.median(samples):5.1f} ms"
            )
            log(f"{k:3}/{len(plan)} {s.name:<13} {what}  ({time.perf_counter() - t0:.1f} s)")
        for s in series.values():
            claims = len(list(s.outdir.glob("*.claim")))
            if claims != s.launched:
                log(f"WARNING: {s.name}: {claims} fresh output files for {s.launched} launches")

        rows = build_rows(groups)
        uname = platform.uname()
        meta = {
            "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "machine": f"{uname.system} {uname.release} {uname.machine}",
            "nproc": os.cpu_count(),
            "base": {"rev": a.base, "sha": revs["base"], "package": info["base"], "dependencies": deps["base"]},
            "head": {
                "rev": a.head or "working tree",
                "sha": revs["head"] or git("rev-parse", "HEAD"),
                "dirty": None if revs["head"] else bool(git("status", "--porcelain", "--untracked-files=no")),
                "package": info["head"],
                "dependencies": deps["head"],
            },
            "size": bench.SIZE,
            "quick": a.quick,
            "paint_runs": paint_runs,
            "key_runs": key_runs,
            "presses": presses,
            "seconds": round(time.time() - started, 1),
            "loadavg_before": load_before,
            "loadavg_after": os.getloadavg(),
        }
        print()
        print(
            f"readtui A/B · textual {info['head']['textual']} · python {info['head']['python']} · {meta['machine']} · "
            f"{meta['nproc']} CPUs · {meta['date']} · terminal {bench.SIZE} · {meta['seconds']:.0f} s"
        )
        print(f"base: {names['base']} · head: {names['head']}" + (" · QUICK (a smoke test)" if a.quick else ""))
        print(
            "load average (1, 5, 15 min) before: {:.2f} {:.2f} {:.2f}, after: {:.2f} {:.2f} {:.2f}".format(
                *meta["loadavg_before"], *meta["loadavg_after"]
            )
        )
        print(
            f"launches per side: {paint_runs} first paint, {key_runs} × {presses} presses per 'n' series "
            f"(100 ¶: {min(presses, 98)}); base and head alternating, floors between"
        )
        print()
        print(format_table(rows, groups))
        print()
        print(
            "head ÷ base: of the medians, with a 95 % bootstrap interval over launches. paired: the median over\n"
            "the pairs (a base launch, the head launch right after it) of head ÷ base, and in how many pairs head\n"
            "was slower. The verdicts go by the interval:"
        )
        print("\n".join(verdicts(rows)))
        lingering = [f"{s.name}: {s.lingered} of {s.launched}" for s in series.values() if s.lingered]
        if lingering:
            print(
                f"Still running {bench.LINGER_WAIT:.0f} s after tmux hung up on them (then killed by pid): "
                + "; ".join(lingering)
            )
        if differ:
            print(
                "The venvs differ in more than readtui: " + ", ".join(f"{n} {b} / {h}" for n, (b, h) in differ.items())
            )
        print("Times are upper bounds from polling tmux every 5 ms (ttfp.py); every figure is from this run only.")
        if a.json:
            result = {
                "meta": meta,
                "rows": rows,
                "series": {
                    name: {
                        "kind": s.kind,
                        "cmd": s.cmd,
                        "markers": s.markers,
                        "key": s.key,
                        "key_marker": s.key_marker,
                        "presses": s.presses,
                        "launches": s.done,
                        "lingered": s.lingered,
                        "samples_ms_by_launch": groups[name],
                    }
                    for name, s in series.items()
                },
                "order": [c["series"] for c in calls],
                "calls": calls,
            }
            Path(a.json).write_text(json.dumps(result, indent=1, default=str))
            log(f"wrote {a.json}")
    finally:
        subprocess.run(["tmux", "-L", "tuibench", "kill-server"], capture_output=True)
        for s in series.values():
            if s.outdir.is_dir():
                bench.reap(s, seen)
        if a.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
