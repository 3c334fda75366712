"""The whole benchmark suite in one command: ``python -m benchmarks [--quick]``.

Runs `run.py` (first paint, key latency, peak RSS, against the floors) and then `compare.py`
(`readtui compare` against parsing its input with tomllib), each printing its table of ratios.
Keep the machine otherwise idle: both measure side by side in one run, but on a 2-core machine
anything else running shows in the numbers.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    quick = "--quick" in sys.argv[1:]
    venv = HERE.parent / ".bench-venv"
    steps = [
        [sys.executable, str(HERE / "run.py"), "--venv", str(venv), *(["--quick"] if quick else [])],
        # compare.py needs readtui installed: the venv run.py just built holds it
        [
            str(venv / "bin" / "python"),
            str(HERE / "compare.py"),
            *(["--runs", "3", "--breakdown-runs", "1"] if quick else []),
        ],
    ]
    status = 0
    for command in steps:
        print(f"\n$ {' '.join(command)}", flush=True)
        status = max(status, subprocess.run(command, check=False).returncode)
    return status


if __name__ == "__main__":
    sys.exit(main())
