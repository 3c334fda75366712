#!/usr/bin/env python3
"""readtui serve: capacity. Memory per student, page → first frame, and `n` latency with 1, 10 and
30 students at once, driven by websocket clients that speak textual-serve's protocol.

    python benchmarks/serve.py                    # levels 1, 10, 30: about 3 minutes on 2 CPUs
    python benchmarks/serve.py --levels 1,5 --presses 5   # a quick check, not a result
    python benchmarks/serve.py --python /work/venv/bin/python --json serve.json

For each level N, a fresh `readtui serve` (installed code, as run.py installs it; a known --token,
a free port, a new --dir, the 100-paragraph essay of run.py with its checklist less the
before-reading section) and N clients, all started at once, as a class opening the page together.
Each client does what the page does in a browser: GET /?token=… (which sets the token cookie),
GET the page's script, style sheet and font, open /ws?width=80&height=24 with the cookie, send
["resize", {"width": 80, "height": 24}]. The app's output arrives as binary frames; a small
terminal emulator (cursor moves, erases, text; styles ignored) keeps each client's screen, and the
markers are searched on that screen, never in the raw bytes (Textual sends diffs between escape
sequences). Then:

- **first frame**: page request → the name screen is on the client's screen (with the moments the
  page and its files were loaded, the websocket opened and the first byte came, to see what
  dominates);
- **name → reading**: a name and Enter typed (["stdin", …]) → `¶ 1 / 100` and the first prompt;
  then, --settle s later, the CPU time each app process has used (start-up, name screen, reading
  screen, and what the app does once its first frame is out);
- **idle CPU**: every process's CPU time over a few seconds with all N reading screens open;
- **`n`**: rounds in which all N clients press `n` at the same moment (the worst case: a burst);
  each press is timed from its send to the next paragraph's `¶ k / 100` on that client's screen;
  rounds are separated by --gap s after the slowest answer. CPU time per press from /proc, less
  the idle CPU of the same time, and the server's share of it (one process relays every tab);
  this script's own CPU per press too (its clients share the machine's CPUs with the apps);
- **the machine**: the CPU that processes other than this benchmark's used during the level
  (/proc/stat less the server, the apps and this script), a better sign of a busy machine than
  the load average, which lags and counts the benchmark's own processes;
- **memory**: RSS, PSS and USS (/proc/PID/smaps_rollup) of the server and of every app process
  (the server's children), after the presses; per student = the apps' PSS total ÷ N.

Then the clients close their websockets, the script waits for every app process to exit, checks
each student's file in DIR (the name typed, the position the presses reached), stops the server
with SIGINT and checks that no app process is left. A failed check is printed as FAIL and makes
the exit status 1.

Reference, in the same run: the same `n` presses on one `readtui read` in tmux at 80x24, timed by
ttfp.py (polling tmux every 5 ms: an upper bound; skipped with --no-tmux, or when another tmux
server of ttfp.py is running, since ttfp.py would kill it). The 1-student level is the baseline of
the ratios.

Needs Python >= 3.11 and aiohttp (textual-serve's dependency): without it here, the script runs
itself again with the benchmarked interpreter, which has it.
"""

from __future__ import annotations

import argparse
import asyncio
import codecs
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402  (benchmarks/run.py: its essays, installer, checklist and harness)

TOKEN = "capacity-benchmark-token"
SIZE = "80x24"
"""The terminal size each client asks for (--size), as a browser window would give it."""
PARAGRAPHS = 100
NAME_MARKER = "Your name"
PROMPT_MARKER = "factual claims"
"""Part of the first checklist prompt (it may wrap at 80 columns): drawn only with the real reading screen."""
ASSETS = [
    "static/js/textual.js",
    "static/css/xterm.css",
    "static/fonts/RobotoMono-VariableFont_wght.ttf",
]
"""What the served page loads before it opens the websocket (the italic font is loaded only when used)."""
TICK = os.sysconf("SC_CLK_TCK")


# --- a terminal screen ----------------------------------------------------------------------------

ESCAPE = re.compile(
    r"\x1b\[(?P<params>[0-9;:?<=>!]*)[ -/]*(?P<final>[@-~])"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    r"|\x1b[P_^][^\x1b]*\x1b\\"  # DCS, APC, PM
    r"|\x1b[()*+#%][0-~]"  # character sets
    r"|\x1b[0-~]"  # two-character sequences
)


class Screen:
    """What a terminal of ``width`` × ``height`` would show: text only (styles are ignored)."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.rows = [[" "] * width for _ in range(height)]
        self.row = self.col = 0
        self.pending = ""
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.bytes = 0

    def feed(self, data: bytes) -> None:
        self.bytes += len(data)
        text = self.pending + self.decoder.decode(data)
        self.pending = ""
        i = 0
        while i < len(text):
            char = text[i]
            if char == "\x1b":
                match = ESCAPE.match(text, i)
                if match is None:
                    if len(text) - i < 256:  # the rest of the sequence is in the next frame
                        self.pending = text[i:]
                        return
                    i += 1
                    continue
                if match["final"]:
                    self.csi(match["params"], match["final"])
                i = match.end()
            elif char == "\r":
                self.col, i = 0, i + 1
            elif char == "\n":
                self.row, i = min(self.row + 1, self.height - 1), i + 1
            elif char == "\b":
                self.col, i = max(self.col - 1, 0), i + 1
            elif char < " ":
                i += 1
            else:
                if self.col < self.width:
                    self.rows[self.row][self.col] = char
                self.col += 1
                i += 1

    def csi(self, params: str, final: str) -> None:
        if params.startswith(("?", ">", "<", "=")):
            return
        numbers = [int(p) if p.isdigit() else 0 for p in params.replace(":", ";").split(";")] if params else []

        def arg(k: int, default: int = 1) -> int:
            return numbers[k] if len(numbers) > k and numbers[k] else default

        if final in "Hf":
            self.row = min(arg(0), self.height) - 1
            self.col = min(arg(1), self.width) - 1
        elif final == "A":
            self.row = max(self.row - arg(0), 0)
        elif final == "B":
            self.row = min(self.row + arg(0), self.height - 1)
        elif final == "C":
            self.col = min(self.col + arg(0), self.width - 1)
        elif final == "D":
            self.col = max(self.col - arg(0), 0)
        elif final == "G":
            self.col = min(arg(0), self.width) - 1
        elif final == "J" and arg(0, 0) == 2:
            self.rows = [[" "] * self.width for _ in range(self.height)]
        elif final == "K":
            start, end = {0: (self.col, self.width), 1: (0, self.col + 1), 2: (0, self.width)}.get(arg(0, 0), (0, 0))
            self.rows[self.row][start:end] = [" "] * (max(end - start, 0))

    def text(self) -> str:
        return "\n".join("".join(row) for row in self.rows)


# --- one student ------------------------------------------------------------------------------------


@dataclass
class Student:
    """One browser tab: its HTTP session, websocket, screen, and what was timed."""

    name: str
    width: int
    height: int
    times: dict[str, float] = field(default_factory=dict)
    presses: list[float] = field(default_factory=list)
    waiters: list[tuple[tuple[str, ...], asyncio.Future]] = field(default_factory=list)
    http: object = None
    ws: object = None
    reader: asyncio.Task | None = None

    def __post_init__(self) -> None:
        self.screen = Screen(self.width, self.height)

    def shows(self, markers: tuple[str, ...]) -> bool:
        text = self.screen.text()
        return all(marker in text for marker in markers)

    def received(self, data: bytes) -> None:
        self.times.setdefault("first byte", time.perf_counter())
        self.screen.feed(data)
        if self.waiters:
            text = self.screen.text()
            for waiter in list(self.waiters):
                markers, future = waiter
                if all(marker in text for marker in markers):
                    self.waiters.remove(waiter)
                    if not future.done():
                        future.set_result(time.perf_counter())

    async def until(self, timeout: float, *markers: str) -> float:
        """The moment the screen shows every marker (now, if it already does)."""
        if self.shows(markers):
            return time.perf_counter()
        future = asyncio.get_running_loop().create_future()
        self.waiters.append((markers, future))
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise TimeoutError(
                f"{self.name}: no {markers!r} after {timeout} s; the screen:\n{self.screen.text()}"
            ) from None

    async def listen(self) -> None:
        import aiohttp

        async for message in self.ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.received(message.data)
            elif message.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                break

    async def send(self, data: str) -> None:
        await self.ws.send_str(json.dumps(["stdin", data]))

    async def open(self, base: str, timeout: float) -> None:
        """What the page does: the page with the token, its files, the websocket; then the name screen."""
        import aiohttp

        self.times["start"] = time.perf_counter()
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))  # unsafe: an IP address
        async with self.http.get(f"{base}/?token={TOKEN}") as response:
            response.raise_for_status()
            await response.read()
        self.times["page"] = time.perf_counter()

        async def fetch(path: str) -> None:
            async with self.http.get(f"{base}/{path}") as response:
                response.raise_for_status()
                await response.read()

        await asyncio.gather(*(fetch(path) for path in ASSETS))
        self.times["assets"] = time.perf_counter()
        size = f"width={self.width}&height={self.height}"
        self.ws = await self.http.ws_connect(f"{base}/ws?{size}", max_msg_size=0)
        self.times["websocket"] = time.perf_counter()
        await self.ws.send_str(json.dumps(["resize", {"width": self.width, "height": self.height}]))
        self.reader = asyncio.create_task(self.listen())
        self.times["name screen"] = await self.until(timeout, NAME_MARKER)

    async def sign_in(self, timeout: float) -> None:
        self.times["typed"] = time.perf_counter()
        await self.send(self.name)
        await self.send("\r")
        self.times["reading screen"] = await self.until(timeout, f"¶ 1 / {PARAGRAPHS}", PROMPT_MARKER)

    async def press(self, key: str, paragraph: int, timeout: float) -> None:
        start = time.perf_counter()
        await self.send(key)
        done = await self.until(timeout, f"¶ {paragraph} / {PARAGRAPHS}")
        self.presses.append((done - start) * 1e3)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            await asyncio.wait([self.reader], timeout=5)
        if self.http is not None:
            await self.http.close()


# --- processes --------------------------------------------------------------------------------------


def children(pid: int) -> list[int]:
    """The pids whose parent is ``pid`` (the students' apps, for the server)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    """Alive and not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def cpu_seconds(pids: list[int]) -> float:
    """CPU time of ``pids`` so far: from /proc/PID/schedstat (nanoseconds), else utime + stime
    from /proc/PID/stat (clock ticks, 10 ms: too coarse for one key press)."""
    total = 0.0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
            continue
        except OSError:
            pass
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICK
    return total


def machine_cpu() -> tuple[float, float]:
    """Busy and total CPU seconds of the whole machine so far, all CPUs (from /proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields
    busy = user + nice + system + irq + softirq + steal
    return busy / TICK, (busy + idle + iowait) / TICK


def memory(pid: int) -> dict[str, float]:
    """RSS, PSS and USS in MiB, from /proc/PID/smaps_rollup."""
    values: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, _, rest = line.partition(":")
        values[key] = int(rest.split()[0])
    kib = {"rss": values["Rss"], "pss": values["Pss"], "uss": values["Private_Clean"] + values["Private_Dirty"]}
    return {key: value / 1024 for key, value in kib.items()}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_listening(base: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"readtui serve exited with status {process.returncode} before listening")
        try:
            urllib.request.urlopen(f"{base}/?token={TOKEN}", timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"readtui serve did not listen on {base} within {timeout} s")


# --- one level -----------------------------------------------------------------------------------------


def stats(xs: list[float]) -> dict[str, float]:
    return {"median": bench.median(xs), "p90": bench.p90(xs), "max": max(xs) if xs else float("nan"), "n": len(xs)}


async def drive(students: list[Student], base: str, a: argparse.Namespace, server: int, log) -> dict:
    """Open every student at once, sign each in, idle, press `n` in bursts; the figures of the level."""
    n = len(students)
    busy0, total0 = machine_cpu()
    ours0, driver0 = cpu_seconds([server]), time.process_time()
    await asyncio.gather(*(student.open(base, a.timeout) for student in students))
    log(f"  {n} name screens drawn")
    await asyncio.gather(*(student.sign_in(a.timeout) for student in students))
    log(f"  {n} reading screens drawn")
    apps = children(server)
    await asyncio.sleep(a.settle)
    start_cpu = [cpu_seconds([pid]) for pid in apps]
    everyone = [server, *apps]
    cpu0, t0 = cpu_seconds(everyone), time.perf_counter()
    await asyncio.sleep(a.idle)
    idle_cpu = (cpu_seconds(everyone) - cpu0) / (time.perf_counter() - t0)
    cpu0, server_cpu0, t0 = cpu_seconds(everyone), cpu_seconds([server]), time.perf_counter()
    driver_cpu0 = time.process_time()
    for round_ in range(a.presses):
        await asyncio.gather(*(student.press("n", round_ + 2, a.timeout) for student in students))
        await asyncio.sleep(a.gap * random.uniform(0.75, 1.25))
    press_wall = time.perf_counter() - t0
    press_cpu = cpu_seconds(everyone) - cpu0
    press_server_cpu = cpu_seconds([server]) - server_cpu0
    press_driver_cpu = time.process_time() - driver_cpu0
    log(f"  {a.presses} bursts of {n} presses")
    busy1, total1 = machine_cpu()
    ours = cpu_seconds(everyone) - ours0 + time.process_time() - driver0
    server_memory = memory(server)
    app_memory = [memory(pid) for pid in apps]
    times = [student.times for student in students]
    return {
        "students": n,
        "apps": len(apps),
        "app_pids": apps,
        "first_frame_ms": stats([(t["name screen"] - t["start"]) * 1e3 for t in times]),
        "first_frame_parts_ms": {
            part: bench.median([(t[part] - t[since]) * 1e3 for t in times])
            for part, since in [
                ("page", "start"),
                ("assets", "page"),
                ("websocket", "assets"),
                ("first byte", "websocket"),
                ("name screen", "first byte"),
            ]
        },
        "all_first_frames_s": max(t["name screen"] for t in times) - min(t["start"] for t in times),
        "reading_ms": stats([(t["reading screen"] - t["typed"]) * 1e3 for t in times]),
        "n_ms": stats([ms for student in students for ms in student.presses]),
        "n_samples": [student.presses for student in students],
        "idle_cpu_percent": idle_cpu * 100,
        # minus the idle share of the same wall time: what the presses themselves cost
        "cpu_ms_per_press": (press_cpu - idle_cpu * press_wall) / (n * a.presses) * 1e3,
        "server_cpu_ms_per_press": press_server_cpu / (n * a.presses) * 1e3,
        "driver_cpu_ms_per_press": press_driver_cpu / (n * a.presses) * 1e3,
        "app_start_cpu_ms": stats([seconds * 1e3 for seconds in start_cpu]),
        "server_mib": server_memory,
        "app_mib": {key: stats([m[key] for m in app_memory]) for key in ("rss", "pss", "uss")},
        "apps_pss_total_mib": sum(m["pss"] for m in app_memory),
        "others_cpu_percent": max(busy1 - busy0 - ours, 0) / (total1 - total0) * 100,
    }


def check_files(directory: Path, students: list[Student], position: int) -> list[str]:
    """Problems with the students' files: each must be there, with the name typed and ``position``."""
    problems = []
    for student in students:
        found = list(directory.glob(f"*.{student.name}.readtui.toml"))
        if len(found) != 1:
            problems.append(f"{student.name}: {len(found)} files in {directory}")
            continue
        data = tomllib.loads(found[0].read_text(encoding="utf-8"))
        name = data.get("reader", {}).get("name")
        if name != student.name:
            problems.append(f"{found[0].name}: reader {name!r}, not {student.name!r}")
        reached = data.get("session", {}).get("position")
        if reached != position:
            problems.append(f"{found[0].name}: position {reached}, not {position}")
    return problems


def level(n: int, a: argparse.Namespace, ctx: dict, log) -> dict:
    """One `readtui serve` with ``n`` students: the figures and the checks."""
    tmp: Path = ctx["tmp"]
    directory = tmp / f"class-{n}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_log = (tmp / f"serve-{n}.log").open("w")
    command = ["taskset", "-c", a.cpus] if a.cpus else []
    command += [str(ctx["readtui"]), "serve", str(ctx["essay"]), "--checklist", str(ctx["checklist"])]
    command += ["--dir", str(directory), "--port", str(port), "--token", TOKEN]
    process = subprocess.Popen(
        command, cwd=tmp, env=ctx["env"], stdin=subprocess.DEVNULL, stdout=server_log, stderr=subprocess.STDOUT
    )
    problems: list[str] = []
    width, height = (int(x) for x in a.size.split("x"))
    students = [Student(f"student{n:02d}x{i:02d}", width, height) for i in range(n)]
    apps: list[int] = []
    try:
        wait_listening(base, process, a.timeout)
        load = os.getloadavg()

        async def main() -> dict:
            try:
                return await drive(students, base, a, process.pid, log)
            finally:
                apps.extend(children(process.pid))
                await asyncio.gather(*(student.close() for student in students), return_exceptions=True)

        result = asyncio.run(main())
        result["load_before"] = load
        if result["apps"] != n:
            problems.append(f"{result['apps']} app processes for {n} students")
        deadline = time.monotonic() + a.timeout
        while any(alive(pid) for pid in apps) and time.monotonic() < deadline:
            time.sleep(0.05)
        if still := [pid for pid in apps if alive(pid)]:
            problems.append(f"{len(still)} app processes still running {a.timeout} s after their tabs closed")
        problems += check_files(directory, students, a.presses + 1)
        if locks := sorted(path.name for path in directory.glob("*.lock")):
            problems.append(f"lock files left in DIR: {locks}")
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                problems.append("the server was still running 30 s after SIGINT (killed)")
                process.kill()
                process.wait()
        server_log.close()
        if left := [pid for pid in apps if alive(pid)]:
            problems.append(f"app processes left after the server stopped (killed): {left}")
            for pid in left:
                os.kill(pid, signal.SIGKILL)
    if process.returncode != 0:
        problems.append(f"the server exited with status {process.returncode} on SIGINT")
    result["problems"] = problems
    result["files_checked"] = len(students)
    return result


def linger(tag: str) -> None:
    """ttfp.py hangs up on the app when it kills its tmux server: give the app 2 s to save and go,
    then kill it (by pid, found by ``tag`` in its command line)."""
    deadline = time.monotonic() + 2
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if tag not in cmdline.read_bytes().decode(errors="replace"):
                continue
        except OSError:
            continue
        pid = int(cmdline.parent.name)
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def tmux_reference(a: argparse.Namespace, ctx: dict, log) -> dict | None:
    """`n` on one `readtui read` in tmux at 80x24, timed by ttfp.py (None if skipped)."""
    tools = Path(a.tools)
    if a.no_tmux or shutil.which("tmux") is None or not (tools / "ttfp.py").is_file():
        return None
    if subprocess.run(["tmux", "-L", "tuibench", "has-session"], capture_output=True).returncode == 0:
        log("tmux reference skipped: a ttfp.py tmux server (-L tuibench) is running, and ttfp.py would kill it")
        return None
    log("tmux reference")
    tmp: Path = ctx["tmp"]
    out = tmp / "tmux.json"
    command = [
        str(ctx["python"]),
        str(tools / "ttfp.py"),
        *("-n", "1", "--warmup", "0", "--size", a.size, "--cwd", str(tmp), "--json", str(out)),
        *("--marker", f"¶ 1 / {PARAGRAPHS}", "--key", "n", "--key-marker", f"¶ {{n}} / {PARAGRAPHS}"),
        *("--presses", str(a.presses), "--gap", str(a.gap), "--label", "tmux", "--timeout", str(a.timeout)),
        "--",
        "env",
        *(f"{key}={ctx['env'][key]}" for key in ("READTUI_DATA_DIR", "READTUI_CONFIG")),
        str(ctx["readtui"]),
        "read",
        str(ctx["essay"]),
        "--checklist",
        str(ctx["checklist"]),
        "--reader",
        "reference",
        "--out",
        str(tmp / "reference.readtui.toml"),
    ]
    result = subprocess.run(command, capture_output=True, text=True, env=ctx["env"], cwd=tmp)
    linger(str(tmp / "reference.readtui.toml"))
    if result.returncode != 0:
        log(f"tmux reference failed: {result.stdout}{result.stderr}")
        return None
    samples = json.loads(out.read_text())["key_samples"]
    return stats(samples) | {"samples": samples}


# --- report -----------------------------------------------------------------------------------------


def machine() -> dict:
    meminfo = Path("/proc/meminfo").read_text()
    total = int(re.search(r"MemTotal:\s+(\d+)", meminfo)[1]) / 1024**2
    return {
        "nproc": os.cpu_count(),
        "ram_gib": round(total, 1),
        "kernel": platform.release(),
        "date_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
    }


def fmt(x: float, digits: int = 0) -> str:
    return "–" if x != x else f"{x:.{digits}f}"


def report(levels: list[dict], reference: dict | None, size: str) -> str:
    base = levels[0]
    lines = []

    def row(label: str, values: list[str]) -> None:
        lines.append(f"{label:<34}" + "".join(f"{v:>16}" for v in values))

    row("students at once", [str(r["students"]) for r in levels])
    row("page → name screen, median ms", [fmt(r["first_frame_ms"]["median"]) for r in levels])
    row("  p90 ms", [fmt(r["first_frame_ms"]["p90"]) for r in levels])
    row("  all N drawn, s", [fmt(r["all_first_frames_s"], 1) for r in levels])
    for part in base["first_frame_parts_ms"]:
        row(f"  of which {part}, median ms", [fmt(r["first_frame_parts_ms"][part]) for r in levels])
    row("name → reading screen, median ms", [fmt(r["reading_ms"]["median"]) for r in levels])
    row("  p90 ms", [fmt(r["reading_ms"]["p90"]) for r in levels])
    row("n (all at once), median ms", [fmt(r["n_ms"]["median"], 1) for r in levels])
    row("  p90 ms", [fmt(r["n_ms"]["p90"], 1) for r in levels])
    row("  max ms", [fmt(r["n_ms"]["max"], 1) for r in levels])
    row("  median ÷ 1 student", [fmt(r["n_ms"]["median"] / base["n_ms"]["median"], 2) + "×" for r in levels])
    if reference:
        row("  median ÷ tmux reference", [fmt(r["n_ms"]["median"] / reference["median"], 2) + "×" for r in levels])
    row("CPU per n press, ms", [fmt(r["cpu_ms_per_press"], 1) for r in levels])
    row("  of which the server, ms", [fmt(r["server_cpu_ms_per_press"], 1) for r in levels])
    row("  not counted: this script, ms", [fmt(r["driver_cpu_ms_per_press"], 1) for r in levels])
    row("CPU per app to start, ms", [fmt(r["app_start_cpu_ms"]["median"]) for r in levels])
    row("idle CPU, all processes, %", [fmt(r["idle_cpu_percent"], 1) for r in levels])
    row("app PSS, median MiB", [fmt(r["app_mib"]["pss"]["median"], 1) for r in levels])
    row("app USS, median MiB", [fmt(r["app_mib"]["uss"]["median"], 1) for r in levels])
    row("app RSS, median MiB", [fmt(r["app_mib"]["rss"]["median"], 1) for r in levels])
    row("server PSS / RSS, MiB", [f"{r['server_mib']['pss']:.0f} / {r['server_mib']['rss']:.0f}" for r in levels])
    row("per student (apps' PSS ÷ N), MiB", [fmt(r["apps_pss_total_mib"] / r["students"], 1) for r in levels])
    row("load average before (1 min)", [fmt(r["load_before"][0], 2) for r in levels])
    row("other processes' CPU, % of all", [fmt(r["others_cpu_percent"]) for r in levels])
    if reference:
        lines.append(
            f"tmux reference (one readtui read at {size}, ttfp.py, polls every 5 ms): "
            f"n median {reference['median']:.1f} ms, p90 {reference['p90']:.1f} ms"
        )
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--levels", default="1,10,30", help="students at once, comma-separated (default 1,10,30)")
    ap.add_argument("--size", default=SIZE, help=f"the terminal each client asks for, WxH (default {SIZE})")
    ap.add_argument("--cpus", help="run the server and the apps on these CPUs only (taskset -c LIST, e.g. 0)")
    ap.add_argument("--presses", type=int, default=20, help="rounds of n presses per level (default 20)")
    ap.add_argument("--gap", type=float, default=0.3, help="mean idle s between rounds (default 0.3)")
    ap.add_argument("--settle", type=float, default=5.0, help="idle s after the reading screens (default 5)")
    ap.add_argument("--idle", type=float, default=3.0, help="s over which idle CPU is measured (default 3)")
    ap.add_argument("--timeout", type=float, default=180.0, help="s to wait for a screen (default 180)")
    ap.add_argument("--python", help="benchmark this interpreter's readtui (installed) instead of a fresh venv")
    ap.add_argument("--venv", help="create or reuse the venv here (kept; readtui is reinstalled each run)")
    ap.add_argument("--tools", default=str(bench.DEFAULT_TOOLS), help="directory of ttfp.py, for the reference")
    ap.add_argument("--no-tmux", action="store_true", help="no tmux reference")
    ap.add_argument("--json", metavar="OUT", help="write every figure and sample here")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (DIRs, server logs)")
    a = ap.parse_args()
    levels = [int(x) for x in a.levels.split(",")]

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    tmp = Path(tempfile.mkdtemp(prefix="readtui-serve-bench-"))
    try:
        if a.python:
            python = Path(a.python)
        else:
            python = bench.install(Path(a.venv) if a.venv else tmp / "venv", log)
        try:
            import aiohttp  # noqa: F401
        except ImportError:
            log(f"no aiohttp here: running again with {python}")
            argv, skip = [], False
            for arg in sys.argv[1:]:
                if not skip and not arg.startswith(("--python", "--venv")):
                    argv.append(arg)
                skip = arg in ("--python", "--venv")
            return subprocess.run([str(python), __file__, *argv, "--python", str(python)]).returncode
        readtui = python.parent / "readtui"
        if not readtui.exists():
            raise SystemExit(f"{readtui} not found: is readtui installed for {python}?")
        info = bench.package_info(python)
        log(
            f"readtui {info['readtui']} from {info['readtui_path']}, textual {info['textual']}, python {info['python']}"
        )
        essay = tmp / f"essay-{PARAGRAPHS}.txt"
        bench.write_essay(essay, PARAGRAPHS)
        checklist = tmp / "critical-reading-without-before.toml"
        bench.write_reading_checklist(python, checklist)
        (tmp / "data").mkdir()
        env = {key: value for key, value in os.environ.items() if not key.startswith("READTUI_")}
        env |= {"READTUI_DATA_DIR": str(tmp / "data"), "READTUI_CONFIG": str(tmp / "config.toml")}
        ctx = {"tmp": tmp, "python": python, "readtui": readtui, "essay": essay, "checklist": checklist, "env": env}
        load_before = os.getloadavg()
        started = time.time()
        results = []
        for n in levels:
            log(f"{n} students")
            results.append(level(n, a, ctx, log))
        reference = tmux_reference(a, ctx, log)
        load_after = os.getloadavg()
        about = machine() | {"python": info["python"], "textual": info["textual"], "readtui": info["readtui"]}
        print(
            f"\nreadtui serve: capacity ({about['date_utc']} UTC, {about['nproc']} CPUs, {about['ram_gib']} GiB, "
            f"Linux {about['kernel']}, Python {about['python']}, Textual {about['textual']}, "
            f"{time.time() - started:.0f} s)"
        )
        print(
            f"load average before {load_before[0]:.2f} {load_before[1]:.2f}, after {load_after[0]:.2f} {load_after[1]:.2f}"
        )
        print(
            f"{a.size}; n: {a.presses} rounds, every student pressing at once in each round, {a.gap} s apart"
            + (f"; the server and the apps on CPUs {a.cpus} only" if a.cpus else "")
            + "\n"
        )
        print(report(results, reference, a.size))
        status = 0
        for r in results:
            if r["problems"]:
                status = 1
                for problem in r["problems"]:
                    print(f"FAIL ({r['students']} students): {problem}")
            else:
                print(
                    f"ok ({r['students']} students): {r['files_checked']} files in DIR with the name typed and ¶ "
                    f"{a.presses + 1}, no lock file left; no app process left after the tabs closed and SIGINT"
                )
        if a.json:
            Path(a.json).write_text(
                json.dumps(
                    {"machine": about, "load": [load_before, load_after], "levels": results, "reference": reference},
                    indent=1,
                )
            )
        return status
    finally:
        if a.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
