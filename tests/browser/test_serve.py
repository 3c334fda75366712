"""`readtui serve` for real: the server as the teacher starts it, students in headless Chromium.

Keys go to xterm's hidden textarea through page.focus: a click would land on the reading screen
and start a selection."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import unavailable
from tests.conftest import free_port

TOKEN = "the-teachers-token"
WAIT = 30.0
"""Seconds to wait for something that should happen in well under one."""


@dataclass
class Served:
    process: subprocess.Popen[str]
    base: str
    into: Path
    lines: list[str] = field(default_factory=list)
    """What the server has printed so far (a thread reads it as it comes)."""

    def __post_init__(self) -> None:
        self.reader = threading.Thread(target=self._read_output, daemon=True)
        self.reader.start()

    def _read_output(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def stop(self) -> str:
        """Wait for the server to end; everything it printed."""
        self.process.wait(timeout=WAIT)
        self.reader.join(timeout=WAIT)
        return "\n".join(self.lines)

    @property
    def url(self) -> str:
        return f"{self.base}/?token={TOKEN}"

    def apps(self) -> list[int]:
        """The pids of the students' readtui processes (the server's children)."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.append(int(stat.parent.name))
        return children


def until(condition: Callable[[], Any], what: str, page: Any = None) -> Any:
    """Wait for ``condition()`` to be true (returning it), failing with ``what`` after WAIT; with
    a ``page``, wait in Playwright, which delivers the page's events only while it is called."""
    deadline = time.monotonic() + WAIT
    while not (result := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        if page is not None:
            page.wait_for_timeout(50)
        else:
            time.sleep(0.05)
    return result


def status(url: str, **headers: str) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """serve(*args) starts `readtui serve` with a token (unless --no-token), a free port and a fresh --dir, as the
    leader of its own process group (as a shell starts it: Ctrl+C signals the whole group)."""
    started: list[Served] = []

    def start(*args: str) -> Served:
        into = tmp_path / f"class-{len(started)}"
        port = free_port()
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "readtui",
                "serve",
                "--dir",
                str(into),
                "--port",
                str(port),
                *([] if "--no-token" in args else ["--token", TOKEN]),
                *args,
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            env=os.environ | {"PYTHONDONTWRITEBYTECODE": "1"},
        )
        served = Served(process, f"http://127.0.0.1:{port}", into)
        started.append(served)

        def listening() -> bool:
            try:
                return status(served.base + "/") in (200, 403)
            except OSError:
                assert process.poll() is None, served.stop()
                return False

        until(listening, "the server to listen")
        return served

    yield start
    for served in started:
        if served.process.poll() is None:
            os.killpg(served.process.pid, signal.SIGKILL)
        served.stop()


def open_student(
    chromium,
    served: Served,
    name: str,
    requests: list[str] | None = None,
    query: str = "",
    shown: list[bytes] | None = None,
    url: str | None = None,
    page: Any = None,
):
    """A new tab (or ``page``) on the served URL (or ``url``), past the name screen as ``name``;
    returns (page, their file). ``shown`` collects what the app sends to the terminal (the
    screen itself is a canvas)."""
    page = page or chromium.new_context(viewport={"width": 1000, "height": 700}).new_page()
    if requests is not None:
        page.on("request", lambda request: requests.append(request.url))
    shown = [] if shown is None else shown
    page.on(
        "websocket",
        lambda socket: socket.on(
            "framereceived", lambda frame: shown.append(frame if isinstance(frame, bytes) else frame.encode())
        ),
    )
    page.goto((url or served.url) + query)
    page.wait_for_selector("body.-first-byte", timeout=WAIT * 1000)
    until(lambda: b"Your name" in b"".join(shown), "the name screen", page)  # keys sent before it would be lost
    page.focus(".xterm-helper-textarea")
    page.keyboard.type(name)
    page.keyboard.press("Enter")
    out = served.into / f"rapprochement-iran-isis.{name}.readtui.toml"
    until(out.is_file, f"{name}'s file")  # written once the session opens
    return page, out


def settle(page: Any, shown: list[bytes], quiet: float = 0.25) -> None:
    """Wait until the app has sent nothing to the terminal for ``quiet`` seconds (less than the
    half second a cursor blinks)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        count = len(shown)
        page.wait_for_timeout(quiet * 1000)
        if len(shown) == count:
            return
    pytest.fail("the screen never settled")


def from_the_palette(page: Any, shown: list[bytes], command: str) -> Any:
    """The download that ``command``, run from the command palette (ctrl+p), gives the browser."""
    with page.expect_download(timeout=WAIT * 1000) as download:
        page.keyboard.press("Control+p")
        page.keyboard.type(command)
        settle(page, shown)  # the palette searches as it is typed: Enter picks its first result
        page.keyboard.press("Enter")
    return download.value


def answers(out: Path) -> dict:
    """The before-reading answers in a student's file (the first item the bundled checklist asks)."""
    return tomllib.loads(out.read_text(encoding="utf-8")).get("before", {}).get("answers", {})


def test_a_student_answers_and_closes_the_tab_and_the_file_holds_the_answer(chromium, serve) -> None:
    served = serve()
    requests: list[str] = []
    # textual.js fetches a ?ping= address as it connects: the page drops it first.
    shown: list[bytes] = []
    page, out = open_student(chromium, served, "Ana", requests, query="&ping=http://127.0.0.2:9/ping", shown=shown)
    page.keyboard.press("1")
    until(lambda: b"1/2 answered" in b"".join(shown), "the answer on screen", page)
    page.keyboard.press("n")
    settle(page, shown)  # keys still on their way when the tab closes are lost, as in any browser
    page.context.close()
    until(lambda: not served.apps(), "the student's app to end when the tab closed")
    assert answers(out) == {"prior-stance": 1}
    assert sorted(p.name for p in served.into.glob("*.toml")) == [out.name]
    # Offline: the page, its script, styles, font and websocket all come from the server.
    assert requests and {urlsplit(url).netloc for url in requests} == {urlsplit(served.base).netloc}


def test_without_the_token_every_address_is_forbidden(serve) -> None:
    served = serve()
    for path in ("/", "/static/js/textual.js", "/static/css/xterm.css", "/ws", "/download/anything"):
        assert status(served.base + path) == 403, path
        assert status(served.base + path + "?token=wrong") == 403, path
    assert status(served.url) == 200
    assert status(f"{served.base}/static/js/textual.js?token={TOKEN}") == 200


def test_the_served_page_loads_nothing_from_elsewhere(serve) -> None:
    served = serve()
    with urllib.request.urlopen(served.url, timeout=10) as response:
        page = response.read().decode()
    links = re.findall(r'(?:src|href)="([^"]*)"|url\("?([^")]*)', page)
    addresses = sorted({a or b for a, b in links})
    assert "static/js/textual.js" in addresses
    assert [a for a in addresses if a.startswith("/") or ":" in a] == [], "an address with a host"
    assert re.findall(r"\w+://[^\s\"']*", page) == ["http://www.w3.org/2000/svg"]


def test_another_sites_page_is_refused_even_without_a_token(serve) -> None:
    """A page on another site, open in the teacher's browser, must not start sessions here."""
    served = serve("--no-token")
    assert status(served.base + "/") == 200
    assert status(served.base + "/", Origin=served.base) == 200
    assert status(served.base + "/ws", Origin="http://elsewhere.example") == 403
    assert status(served.base + "/", Origin="http://elsewhere.example") == 403


@pytest.mark.parametrize("to", ["the group", "the server"])
def test_ctrl_c_saves_every_student_and_leaves_no_process(chromium, serve, to: str) -> None:
    """Ctrl+C in the teacher's terminal signals the server and the students' apps (the group);
    `kill -INT` the server alone: it stops the apps itself. The signal comes as soon as each app
    shows the answer, before its autosave is due."""
    served = serve()
    shown: dict[str, list[bytes]] = {"Ana": [], "Bo": []}
    students = [open_student(chromium, served, name, shown=shown[name]) for name in shown]
    for step, (name, (page, _)) in enumerate(zip(shown, students, strict=True), start=1):
        page.keyboard.press(str(step))
        until(lambda name=name: b"1/2 answered" in b"".join(shown[name]), f"{name}'s answer on screen", page)
    assert len(served.apps()) == 2
    if to == "the group":
        os.killpg(served.process.pid, signal.SIGINT)
    else:
        served.process.send_signal(signal.SIGINT)
    output = served.stop()
    assert served.process.returncode == 0, output
    with pytest.raises(ProcessLookupError):
        os.killpg(served.process.pid, 0)  # no process of the group is left
    assert [answers(out) for _, out in students] == [{"prior-stance": 1}, {"prior-stance": 2}]
    assert output.splitlines()[-1] == f"Stopped. 2 student files in {served.into}"


def test_the_teacher_sees_who_is_connected_and_how_far_they_got(chromium, serve) -> None:
    """Not in a terminal, the teacher's table comes as a line per change (the live table is
    tests/terminal's)."""
    served = serve()
    shown: list[bytes] = []
    page, _ = open_student(chromium, served, "Ana[b]", shown=shown)
    until(
        lambda: any(re.fullmatch(r"\S+ Ana\[b\]: ¶ 1/6, 0/6 done, tab open", line) for line in served.lines),
        "Ana's row, with her tab open",
        page,
    )
    page.keyboard.press("1")
    page.context.close()
    until(lambda: any(line.endswith("Ana[b]: ¶ 1/6, 0/6 done, no tab") for line in served.lines), "Ana's tab closed")
    served.process.send_signal(signal.SIGINT)
    output = served.stop()
    assert output.count(TOKEN) == 1, "the token is printed once, in the address: not in a log of requests"


def test_a_student_downloads_their_file(chromium, serve) -> None:
    served = serve()
    shown: list[bytes] = []
    page, out = open_student(chromium, served, "Ana", shown=shown)
    page.keyboard.press("3")
    download = from_the_palette(page, shown, "Download your file")
    assert download.suggested_filename == out.name
    saved = tomllib.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert saved["before"]["answers"] == {"prior-stance": 3}


def nginx_in_front(tmp_path: Path, port: int, upstream: str) -> subprocess.Popen[str]:
    """nginx with TLS on ``port``, configured with the server block of docs/serve.md (its name,
    certificate and upstream replaced)."""
    nginx = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
    if nginx is None:
        unavailable("nginx is not installed (apt-get install --no-install-recommends nginx)")
    guide = (Path(__file__).parents[2] / "docs" / "serve.md").read_text(encoding="utf-8")
    (server_block,) = re.findall(r"```nginx\n(.*?)```", guide, flags=re.S)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    server_block = (
        server_block.replace("listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;")
        .replace("class.school.lan;", "localhost;")
        .replace("/etc/ssl/certs/class.school.lan.pem", str(tmp_path / "cert.pem"))
        .replace("/etc/ssl/private/class.school.lan.key", str(tmp_path / "key.pem"))
        .replace("http://127.0.0.1:8000", upstream)
    )
    (tmp_path / "nginx.conf").write_text(
        f"daemon off;\nmaster_process off;\npid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
        f"http {{\naccess_log off;\nclient_body_temp_path {tmp_path};\nproxy_temp_path {tmp_path};\n"
        f"{server_block}}}\n",
        encoding="utf-8",
    )
    return subprocess.Popen(
        [nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_behind_nginx_with_tls_as_the_guide_configures_it(chromium, serve, tmp_path: Path) -> None:
    """The page switches to wss:// by itself; the proxy passes the websocket, the host and the
    token's cookie on; the student's file holds the answer."""
    port = free_port()
    public = f"https://localhost:{port}/"
    served = serve("--public-url", public)
    assert f"readtui serve: {public}?token={TOKEN}" in until(lambda: served.lines, "the address printed")
    proxy = nginx_in_front(tmp_path, port, served.base)
    try:
        until(lambda: _answers_https(public) or proxy.poll() is not None, "nginx to listen")
        assert proxy.poll() is None, proxy.communicate()[0]
        context = chromium.new_context(viewport={"width": 1000, "height": 700}, ignore_https_errors=True)
        sockets: list[str] = []
        page = context.new_page()
        page.on("websocket", lambda socket: sockets.append(socket.url))
        shown: list[bytes] = []
        page, out = open_student(chromium, served, "Ana", shown=shown, url=f"{public}?token={TOKEN}", page=page)
        page.keyboard.press("1")
        until(lambda: answers(out) == {"prior-stance": 1}, "the answer saved", page)
        assert [urlsplit(socket)[:3] for socket in sockets] == [("wss", f"localhost:{port}", "/ws")]
        context.close()
    finally:
        proxy.terminate()
        proxy.communicate(timeout=WAIT)


def _answers_https(url: str) -> bool:
    import ssl

    try:
        urllib.request.urlopen(url, timeout=5, context=ssl._create_unverified_context())  # noqa: S323 - our own test certificate
    except urllib.error.HTTPError:
        return True  # 403 without the token: nginx and readtui are both there
    except OSError:
        return False
    return True


def test_a_student_downloads_their_report_to_hand_in(chromium, serve) -> None:
    served = serve()
    shown: list[bytes] = []
    page, out = open_student(chromium, served, "Ana", shown=shown)
    page.keyboard.press("2")
    download = from_the_palette(page, shown, "Download your report")
    assert download.suggested_filename == "rapprochement-iran-isis.Ana.report.html"
    report = Path(download.path()).read_text(encoding="utf-8")
    assert report.startswith("<!DOCTYPE html>")
    assert "Rapprochement between Iran and ISIS" in report and "Ana" in report
    assert answers(out) == {"prior-stance": 2}, "saved before the report was made"
