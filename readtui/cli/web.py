"""The web server of ``readtui serve``: textual-serve's `Server`, with a token on every request,
a page that loads nothing from the internet, and every student's app stopped (and saved) at once
when the server stops. Imported only by the ``serve`` command."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from textual_serve.server import Server

TEMPLATES = Path(__file__).with_name("serve_templates")
STOP_GRACE = 10.0
"""Seconds the students' apps get to save and leave when the server stops."""
FORBIDDEN = "readtui serve: this address needs the token printed when the server started (…/?token=…).\n"


class ReadtuiServer(Server):
    """One readtui process per browser tab, behind a token (None: no token, on 127.0.0.1 only)."""

    def __init__(self, command: str, *, host: str, port: int, token: str | None, title: str, url: str) -> None:
        super().__init__(command, host=host, port=port, title=title, templates_path=TEMPLATES)
        self.token = token
        self.url = url
        self.cookie = f"readtui-token-{port}"
        self.tabs: set[asyncio.Task[Any]] = set()

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
        if origin is not None and urlsplit(origin).netloc != request.host:
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
        self.console.print(f"readtui serve: {self.url}", highlight=False, markup=False)
        self.console.print("Ctrl+C stops the server; every student's file is saved.", highlight=False, markup=False)

    async def on_shutdown(self, app: web.Application) -> None:
        """Stop every tab's app now (textual-serve asks it to quit; it saves as it leaves), not
        after aiohttp's graceful wait for open websockets, which takes half a minute."""
        tabs = list(self.tabs)
        for task in tabs:
            task.cancel()
        if tabs:
            await asyncio.wait(tabs, timeout=STOP_GRACE)
