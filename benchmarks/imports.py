#!/usr/bin/env python3
"""What `readtui` imports on the way to its first frame, from `python -X importtime`.

    python benchmarks/imports.py --python /path/to/venv/bin/python [--runs 5] [--no-cold]

--python must have readtui installed (`benchmarks/run.py --venv DIR` leaves one in DIR; run.py
also prints this breakdown). The imported modules are those the read command loads before the app
runs (`readtui/cli/__init__.py`: the CLI, then config, launch and the app); what Textual imports
once the app runs (its driver) is not in them. Prints medians of --runs warm runs and, as root
outside a container, of one run with the page cache dropped first: the cumulative times of
CUMULATIVE (`textual`, `textual.app`, `click`), the self time summed over readtui's modules and
over every module (interpreter start-up included), the readtui modules imported, and any module on
NOT_FOR_FIRST_FRAME that was imported. Standard library only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from textwrap import fill

FIRST_FRAME_IMPORTS = "import readtui.cli, readtui.core.config, readtui.core.launch, readtui.tui.app"
NOT_FOR_FIRST_FRAME = (
    "readtui.tui.screens.overall",
    "readtui.tui.screens.dialogs",
    "readtui.tui.screens.training",
    "readtui.tui.screens.comparison",
    "readtui.tui.screens.adjudication",
    "readtui.core.compare",
    "readtui.core.training",
    "readtui.core.scoring",
    "readtui.core.adjudication",
    "numpy",
    "krippendorff",
    "pydantic",
    "trafilatura",
    "lxml",
)
CUMULATIVE = ("textual", "textual.app", "click")
"""Reported with what each imports that was not loaded before it. readtui imports the `textual`
package (whose __init__ loads rich and more) before `textual.app`, so Textual is both rows."""
DROP_CACHES = Path("/proc/sys/vm/drop_caches")


def drop_page_cache() -> None:
    """`sync; echo 3 > /proc/sys/vm/drop_caches`: write dirty pages out, then drop the page cache,
    dentries and inodes. Raises OSError when not allowed (not root, or in a container)."""
    os.sync()
    DROP_CACHES.write_text("3\n")


def importtime(python: Path) -> list[tuple[str, float, float]]:
    """(module, self ms, cumulative ms) of every module FIRST_FRAME_IMPORTS loads, interpreter
    start-up included, in import order."""
    result = subprocess.run(
        [str(python), "-P", "-X", "importtime", "-c", FIRST_FRAME_IMPORTS],
        check=True,
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),  # not the repository: it would import the source tree
    )
    modules = []
    for line in result.stderr.splitlines():
        fields = line.removeprefix("import time:").split("|")
        if len(fields) == 3 and fields[0].strip().isdigit():
            modules.append((fields[2].strip(), int(fields[0]) / 1e3, int(fields[1]) / 1e3))
    return modules


def figures(modules: list[tuple[str, float, float]]) -> dict[str, float]:
    cumulative = {name: cum for name, _, cum in modules}
    return {
        **{f"{name} (cumulative)": cumulative.get(name, 0.0) for name in CUMULATIVE},
        "readtui.* (self, summed)": sum(own for name, own, _ in modules if is_readtui(name)),
        "every module (self, summed)": sum(own for _, own, _ in modules),
    }


def is_readtui(name: str) -> bool:
    return name == "readtui" or name.startswith("readtui.")


def import_breakdown(python: Path, runs: int, cold: bool) -> dict:
    """Median figures (ms) of ``runs`` warm runs, after one untimed run; with ``cold``, also those of
    one run right after dropping the page cache. Also which readtui modules were imported, and which
    modules of NOT_FOR_FIRST_FRAME."""
    importtime(python)  # untimed: brings the files into the page cache
    warm_runs = [importtime(python) for _ in range(runs)]
    warm = [figures(modules) for modules in warm_runs]
    names = [name for name, _, _ in warm_runs[0]]
    result = {
        "command": FIRST_FRAME_IMPORTS,
        "runs": runs,
        "warm_ms": {key: statistics.median(run[key] for run in warm) for key in warm[0]},
        "cold_ms": None,
        "readtui_modules": sorted(name for name in names if is_readtui(name)),
        "unwanted": [name for name in NOT_FOR_FIRST_FRAME if name in names],
    }
    if cold:
        drop_page_cache()
        result["cold_ms"] = figures(importtime(python))
    return result


def format_breakdown(result: dict) -> str:
    cold = result["cold_ms"]
    head = f"| {'import':<28}| {'warm':>9} | {'cold':>9} |"
    lines = [
        f"Imports on the way to the first frame: python -X importtime -c '{result['command']}'",
        f"(warm: median of {result['runs']} runs; "
        + ("cold: one run right after dropping the page cache)" if cold else "no cold run)"),
        "",
        head,
        "|" + "|".join("-" * len(c) for c in head.split("|")[1:-1]) + "|",
    ]
    for key, warm in result["warm_ms"].items():
        cold_ms = f"{cold[key]:.1f} ms" if cold else "-"
        lines.append(f"| {key:<28}| {warm:>6.1f} ms | {cold_ms:>9} |")
    modules = result["readtui_modules"]
    unwanted = result["unwanted"]
    lines += [
        "",
        fill(f"readtui modules imported ({len(modules)}): " + ", ".join(modules), width=100),
        fill(
            ("NOT for the first frame, yet imported: " + ", ".join(unwanted))
            if unwanted
            else "None of " + ", ".join(NOT_FOR_FIRST_FRAME) + " is imported.",
            width=100,
        ),
    ]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--python", required=True, help="an interpreter with readtui installed (not the source tree)")
    ap.add_argument("--runs", type=int, default=5, help="warm runs (default 5)")
    ap.add_argument("--no-cold", action="store_true", help="skip the run with the page cache dropped")
    a = ap.parse_args()
    cold = not a.no_cold
    if cold:
        try:
            drop_page_cache()
        except OSError as error:
            print(f"cold run skipped: cannot write {DROP_CACHES} ({error.strerror}): needs root, outside a container")
            cold = False
    print(format_breakdown(import_breakdown(Path(a.python), a.runs, cold)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
