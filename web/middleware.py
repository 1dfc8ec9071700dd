"""Small pure-ASGI layers of the HTTP side (cheaper than `BaseHTTPMiddleware` per request).

- `HeadAsGet`: HEAD answers on every GET route (FastAPI routes list GET only): the app
  sees a GET, the client gets its status and headers (Content-Length included), no body.
- `SecurityHeaders`: the headers of `guard.HEADERS` on every answer that lacks them.
- `CachedStatic`: the static files with a Cache-Control (StaticFiles sends ETag and
  Last-Modified and answers If-None-Match / If-Modified-Since itself, but no lifetime).
"""

from __future__ import annotations

from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from affiche.web.guard import HEADERS

ENCODED = [(k.lower().encode(), v.encode()) for k, v in HEADERS.items()]


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        finished = False

        async def without_body(message: Message) -> None:
            nonlocal finished
            if message["type"] == "http.response.body":
                if finished:
                    return
                more = message.get("more_body", False)
                if more:
                    return
                finished = True
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in ENCODED if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


class CachedStatic(StaticFiles):
    """StaticFiles whose answers say how long a browser may keep them."""

    def __init__(self, *, directory: str, max_age: int) -> None:
        super().__init__(directory=directory)
        self.cache_control = f"public, max-age={max_age}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_lifetime(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                status = message.get("status", 200)
                if status in (200, 304) and "cache-control" not in headers:
                    headers["Cache-Control"] = self.cache_control
            await send(message)

        await super().__call__(scope, receive, with_lifetime)
