"""Producer login sessions: a random id per login, kept server-side with an expiry.

The cookie holds a random 256-bit id; the store keeps only its SHA-256 (a stolen database
gives no usable cookie), the session's own CSRF token and its expiry. Logging in makes a
new session (a new id every time, so a cookie planted before login is worthless), logging
out deletes it, and an expired or deleted session is refused.

Failed logins are counted per client in the store, a sliding window of
`login_window_minutes`: after `login_attempts` failures the login answers 429 until the
window has passed. The count lives in the SQL store rather than in the `limits` library's
memory storage so that every worker process of the server shares it (`limits` would need
Redis or memcached for that, which affiche does not otherwise use).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request

from affiche.web.settings import Settings
from affiche.web.store import Store, utcnow

SESSION_COOKIE = "affiche_session"


@dataclass(frozen=True)
class Session:
    key: str  # the stored hash
    csrf: str


def _hash(cookie: str) -> str:
    return hashlib.sha256(cookie.encode("utf-8", "replace")).hexdigest()


def open_session(store: Store, settings: Settings) -> tuple[str, Session]:
    """A new session: the cookie value to set, and the session as stored."""
    cookie = secrets.token_urlsafe(32)
    csrf = secrets.token_hex(32)
    expires = utcnow() + timedelta(hours=settings.session_hours)
    store.add_session(_hash(cookie), csrf, expires)
    return cookie, Session(_hash(cookie), csrf)


def current_session(request: Request) -> Session | None:
    """The live session of the request's cookie, or None."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie or len(cookie) > 200:
        return None
    row = request.app.state.store.live_session(_hash(cookie))
    return Session(row.id, row.csrf) if row is not None else None


def close_session(request: Request) -> None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie and len(cookie) <= 200:
        request.app.state.store.drop_session(_hash(cookie))


def client_key(request: Request) -> str:
    """Who is trying to log in, as far as the server can tell (the peer address)."""
    host = request.client.host if request.client else "unknown"
    return _hash(host)


def too_many_failures(store: Store, settings: Settings, client: str) -> bool:
    since = utcnow() - timedelta(minutes=settings.login_window_minutes)
    return store.login_failures(client, since) >= settings.login_attempts


def secure_cookies(request: Request, settings: Settings) -> bool:
    """Cookies marked Secure behind HTTPS (or in production, or with an https base URL)."""
    return (
        request.url.scheme == "https"
        or settings.env == "production"
        or (settings.base_url or "").startswith("https://")
    )
