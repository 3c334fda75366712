"""The web server of ``readtui serve``: textual-serve's `Server`, with a token on every request,
a page that loads nothing from the internet, the teacher's live table of students, and every
student's app stopped (and saved) at once when the server stops. Imported only by ``serve``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from rich.console import Group, RenderableType
from rich.live import Live
from rich.table import Table
from rich.text import Text
from textual_serve.server import Server

from readtui.core.classroom import ClassDirectory, Student

TEMPLATES = Path(__file__).with_name("serve_templates")
STOP_GRACE = 10.0
"""Seconds the students' apps get to save and leave when the server stops."""
FORBIDDEN = "readtui serve: this address needs the token printed when the server started (…/?token=…).\n"
WATCH_EVERY = 1.0
"""Seconds between looks at the students' files for the teacher's table."""


class ReadtuiServer(Server):
    """One readtui process per browser tab, behind a token (None: no token, on 127.0.0.1 only)."""

    def __init__(
        self,
        command: str,
        *,
        host: str,
        port: int,
        token: str | None,
        title: str,
        url: str,
        students: ClassDirectory,
        public_url: str | None = None,
    ) -> None:
        super().__init__(command, host=host, port=port, title=title, public_url=public_url, templates_path=TEMPLATES)
        self.token = token
        self.url = url
        self.students = students
        self.cookie = f"readtui-token-{port}"
        self.tabs: set[asyncio.Task[Any]] = set()
        self.proxied_origin = urlsplit(public_url).netloc if public_url else None
        self.watcher: asyncio.Task[None] | None = None

    def initialize_logging(self) -> None:
        super().initialize_logging()
        # aiohttp's access log would print every request, with the token in the address.
        logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self.check_origin)
        if self.token is not None:
            app.middlewares.append(self.check_token)
        return app

    @web.middleware
    async def check_origin(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """403 for a request another site's page makes (its Origin is not this server): without
        a token, any page the teacher visits could otherwise open sessions here."""
        origin = request.headers.get("Origin")
        if origin is not None and urlsplit(origin).netloc not in (request.host, self.proxied_origin):
            raise web.HTTPForbidden(text="readtui serve: requests from another site are refused.\n")
        return await handler(request)

    @web.middleware
    async def check_token(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """403 for any request without the token, in the address (``?token=``) or in the cookie
        the page sets; the page's own files and websocket then go by the cookie."""
        assert self.token is not None
        in_query = request.query.get("token")
        given = in_query or request.cookies.get(self.cookie) or ""
        if not secrets.compare_digest(given.encode(), self.token.encode()):
            raise web.HTTPForbidden(text=FORBIDDEN)
        response = await handler(request)
        if in_query and not response.prepared:
            response.set_cookie(self.cookie, self.token, httponly=True, samesite="Strict")
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        task = asyncio.current_task()
        assert task is not None
        self.tabs.add(task)
        try:
            return await super().handle_websocket(request)
        finally:
            self.tabs.discard(task)

    async def on_startup(self, app: web.Application) -> None:
        if self.console.is_terminal:
            self.console.file.write(qr_code(self.url, room=self.console.height - 6))
        self.console.print(f"readtui serve: {self.url}", highlight=False, markup=False, soft_wrap=True)
        self.console.print("Ctrl+C stops the server; every student's file is saved.", highlight=False, markup=False)
        self.watcher = asyncio.create_task(self.watch_students())

    async def watch_students(self) -> None:
        """Show the teacher who is connected and how far each student has got, as the files in
        the directory change: a live table in a terminal, else a line per change."""
        shown: dict[Path, Student] = {}
        live = Live(console=self.console, auto_refresh=False) if self.console.is_terminal else None
        with live or contextlib.nullcontext():
            while True:
                students = await asyncio.to_thread(self.students.students)
                if live is not None:
                    live.update(student_table(students, self.students), refresh=True)
                else:
                    for student in students:
                        if shown.get(student.path) != student:
                            self.console.print(student_line(student, self.students.paragraphs), soft_wrap=True)
                shown = {student.path: student for student in students}
                await asyncio.sleep(WATCH_EVERY)

    async def on_shutdown(self, app: web.Application) -> None:
        """Stop every tab's app now (textual-serve asks it to quit; it saves as it leaves), not
        after aiohttp's graceful wait for open websockets, which takes half a minute."""
        tabs = list(self.tabs)
        for task in tabs:
            task.cancel()
        if tabs:
            await asyncio.wait(tabs, timeout=STOP_GRACE)
        if self.watcher is not None:
            self.watcher.cancel()
        students = await asyncio.to_thread(self.students.students)
        self.console.print(
            f"Stopped. {_count(len(students), 'student file')} in {self.students.directory}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )


def qr_code(url: str, room: int) -> str:
    """The address as a QR code in block characters, for phones; "" if it needs more than
    ``room`` lines (the address and the table must stay on screen)."""
    import io

    import segno

    drawing = io.StringIO()
    segno.make(url, error="l").terminal(out=drawing, compact=True)
    return drawing.getvalue() if drawing.getvalue().count("\n") <= room else ""


def student_table(students: list[Student], directory: ClassDirectory) -> RenderableType:
    """The teacher's live table: one row per student (names are shown literally, never as markup)."""
    open_tabs = sum(student.connected for student in students)
    heading = Text(
        f"{_count(len(students), 'student')}, {open_tabs} with a tab open · files in {directory.directory}",
        style="bold",
    )
    if not students:
        return Group(heading, Text("No student yet: each appears here once they have given their name."))
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column, justify in (("student", "left"), ("at ¶", "right"), ("done", "right"), ("", "left"), ("saved", "left")):
        table.add_column(column, justify=justify)
    for student in students:
        table.add_row(*(Text(cell) for cell in _cells(student, directory.paragraphs)))
    return Group(heading, table)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def student_line(student: Student, paragraphs: int) -> Text:
    """One student's row as a line, for a log that is not a terminal."""
    name, at, done, state, saved = _cells(student, paragraphs)
    return Text(f"{saved} {name}: ¶ {at}, {done} done, {state}")


def _cells(student: Student, paragraphs: int) -> tuple[str, str, str, str, str]:
    if student.problem is not None:
        return student.name, "", "", f"cannot be read: {student.problem}", ""
    state = ("tab open" if student.connected else "no tab") + (" · complete" if student.status == "complete" else "")
    return (
        student.name,
        f"{student.position}/{paragraphs}",
        f"{student.done}/{paragraphs}",
        state,
        _local_time(student.updated),
    )


def _local_time(when: datetime | None) -> str:
    return when.astimezone().strftime("%H:%M:%S") if when is not None else ""
