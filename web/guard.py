"""What every request meets before the app reads its body, and every response's headers.

`BodyGuard` (pure ASGI, so nothing has read the body yet):
- a write to the producer's side (`/api/producer/...`, `/producer/...` but the login)
  without credentials answers 401, with wrong ones 403, before one byte of the body is read;
- a body larger than `max_body_bytes` answers 413: at once when its Content-Length says
  so, else as soon as the bytes received pass the limit (Starlette's body limit).

`HEADERS`, set on every response by `middleware.SecurityHeaders`: a Content-Security-Policy
without inline script (scripts only from the site, nothing may frame it),
`X-Content-Type-Options: nosniff`,
`Referrer-Policy` and `X-Frame-Options` for older browsers.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from affiche.web.sessions import SESSION_COOKIE, current_session

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
OPEN_PATHS = frozenset({"/producer/login", "/producer/logout"})


def _protected(scope: Scope) -> bool:
    path: str = scope.get("path", "")
    producer = path.startswith("/api/producer") or path.startswith("/producer/")
    return scope.get("method") in WRITES and producer and path not in OPEN_PATHS


async def _answer(send: Send, status: int, detail: str, extra: dict[str, str]) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in {**HEADERS, **extra}.items()]
    headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodyGuard:
    """Credentials and size checked from the headers alone (see the module's text)."""

    def __init__(self, app: ASGIApp, *, state: Any) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        limit: int = self.state.settings.max_body_bytes
        if _protected(scope):
            refusal = self._credentials(request)
            if refusal is not None:
                await _answer(send, *refusal)
                return
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            await _answer(send, 413, f"the request body is over {limit:,} bytes", {})
            return
        await RequestBodyLimitMiddleware(self.app, limit)(scope, receive, send)

    def _credentials(self, request: Request) -> tuple[int, str, dict[str, str]] | None:
        header = request.headers.get("authorization")
        if header is not None:
            scheme, _, value = header.partition(" ")
            token: str = self.state.token
            if scheme.lower() == "bearer" and hmac.compare_digest(
                value.strip().encode(), token.encode()
            ):
                return None
            return 403, "wrong producer token", {}
        if request.cookies.get(SESSION_COOKIE):
            if current_session(request) is not None:
                return None  # the CSRF token is checked by the route, on the body
            return 403, "session no longer valid: log in again", {}
        return 401, "producer token required", {"WWW-Authenticate": "Bearer"}
