"""Public pages and published files answered from memory, rendered once per version.

`PageCache` (pure ASGI) keeps the first 200 answer to a GET whose Cache-Control says
`public` (the programme pages, the feeds and exports; never the producer's side, never an
answer that sets a cookie but the language one, which `?lang=` decides), keyed by what
the answer can depend on:

- the published version: the target of `DIR/.published/current` and the identity of
  `DIR/schedule.json` (a publish changes both, so a publish invalidates every entry);
- the path and query, and the page language (`?lang=`, cookie, Accept-Language);
- the minute of the clock the pages read (`get_now`, overridden in tests): "now and next"
  only changes when a show starts or ends, on the minute. While one request renders the
  new minute's page, the others get the previous minute's (never an older version's).

Each entry holds the body, its gzip (made once) and its validators, so a hit costs no
rendering, no hashing, no compression: 304 on If-None-Match or If-Modified-Since, gzip
when asked, HEAD without the body. A miss renders once while other requests for the same
key wait for it (no stampede at a publish). Memory is bounded (LRU over bytes).
"""

from __future__ import annotations

import asyncio
import gzip
import os
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from affiche.web.i18n import LANG_COOKIE, request_language

PRIVATE_PREFIXES = ("/producer", "/api/producer", "/static")
COMPRESSIBLE = ("text/", "application/json", "application/xml", "application/ld+json",
                "application/javascript", "application/frab")
MIN_GZIP = 512
MAX_ENTRY = 16 * 1024 * 1024
MAX_TOTAL = 96 * 1024 * 1024
STRIPPED = (b"accept-encoding", b"if-none-match", b"if-modified-since", b"range")


def version_key(directory: Path) -> tuple[Any, ...]:
    """What changes at every publish: the served release and schedule.json's identity."""
    try:
        release = os.readlink(directory / ".published" / "current")
    except OSError:
        release = None
    try:
        stat = (directory / "schedule.json").stat()
        schedule: tuple[int, ...] = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    except OSError:
        schedule = ()
    return (release, schedule)


def accepts_gzip(header: str) -> bool:
    for part in header.split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            quality = params.strip().removeprefix("q=").strip() if "q=" in params else "1"
            try:
                return float(quality) > 0
            except ValueError:
                return False
    return False


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",")}


@dataclass
class Entry:
    status: int
    headers: list[tuple[bytes, bytes]]  # without content-length and content-encoding
    body: bytes
    gzipped: bytes | None = None
    etag: str | None = None
    last_modified: int | None = None  # seconds since the epoch
    minute: int = 0  # of the page clock when rendered
    size: int = field(init=False)

    def __post_init__(self) -> None:
        self.size = len(self.body) + len(self.gzipped or b"")

    def header(self, name: bytes) -> str | None:
        return next((v.decode("latin-1") for k, v in self.headers if k == name), None)

    def fresh_for(self, request_headers: dict[bytes, bytes]) -> bool:
        """The client's copy is current (If-None-Match first, as RFC 9110 says)."""
        none_match = request_headers.get(b"if-none-match")
        if none_match is not None:
            tags = _etags(none_match.decode("latin-1"))
            return self.etag is not None and ("*" in tags or self.etag.removeprefix("W/") in tags)
        since = request_headers.get(b"if-modified-since")
        if since is None or self.last_modified is None:
            return False
        try:
            moment = parsedate_to_datetime(since.decode("latin-1"))
        except (TypeError, ValueError):
            return False
        return self.last_modified <= int(moment.timestamp())


def make_entry(status: int, raw: list[tuple[bytes, bytes]], body: bytes,
               version_time: float | None) -> Entry:
    headers = [(k.lower(), v) for k, v in raw
               if k.lower() not in (b"content-length", b"content-encoding")]
    names = {k for k, _ in headers}
    content_type = next((v.decode() for k, v in headers if k == b"content-type"), "")
    gzipped = None
    if len(body) >= MIN_GZIP and content_type.startswith(COMPRESSIBLE):
        gzipped = gzip.compress(body, compresslevel=6, mtime=0)
        vary = [p.strip() for k, v in headers if k == b"vary" for p in v.decode().split(",")]
        vary = list(dict.fromkeys([*filter(None, vary), "Accept-Encoding"]))
        headers = [(k, v) for k, v in headers if k != b"vary"]
        headers.append((b"vary", ", ".join(vary).encode()))
    if b"last-modified" not in names and version_time is not None:
        headers.append((b"last-modified", formatdate(version_time, usegmt=True).encode()))
    entry = Entry(status, headers, body, gzipped)
    entry.etag = entry.header(b"etag")
    modified = entry.header(b"last-modified")
    if modified:
        try:
            entry.last_modified = int(parsedate_to_datetime(modified).timestamp())
        except (TypeError, ValueError):
            entry.last_modified = None
    return entry


class Store:
    """LRU of entries, bounded in bytes; every entry of an older version is dropped."""

    def __init__(self, max_total: int = MAX_TOTAL) -> None:
        self.max_total = max_total
        self.entries: OrderedDict[tuple[Any, ...], Entry] = OrderedDict()
        self.total = 0
        self.version: tuple[Any, ...] | None = None
        self.locks: dict[tuple[Any, ...], asyncio.Lock] = {}
        self.renders = 0  # misses rendered (for tests and the curious)

    def at_version(self, version: tuple[Any, ...]) -> None:
        if version != self.version:
            self.clear()
            self.version = version

    def clear(self) -> None:
        self.entries.clear()
        self.total = 0

    def get(self, key: tuple[Any, ...]) -> Entry | None:
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
        return entry

    def put(self, key: tuple[Any, ...], entry: Entry) -> None:
        if entry.size > MAX_ENTRY:
            return
        old = self.entries.pop(key, None)
        self.total -= old.size if old else 0
        self.entries[key] = entry
        self.total += entry.size
        while self.total > self.max_total and self.entries:
            _, dropped = self.entries.popitem(last=False)
            self.total -= dropped.size

    def lock(self, key: tuple[Any, ...]) -> asyncio.Lock:
        if len(self.locks) > 1024:
            self.locks = {k: v for k, v in self.locks.items() if v.locked()}
        return self.locks.setdefault(key, asyncio.Lock())


async def send_entry(entry: Entry, scope: Scope, send: Send) -> None:
    headers = dict(scope["headers"])
    if entry.fresh_for(headers):
        kept = [(k, v) for k, v in entry.headers
                if k in (b"etag", b"cache-control", b"vary", b"last-modified", b"expires")]
        await send({"type": "http.response.start", "status": 304, "headers": kept})
        await send({"type": "http.response.body", "body": b""})
        return
    body, out = entry.body, list(entry.headers)
    if entry.gzipped is not None and accepts_gzip(headers.get(b"accept-encoding", b"").decode()):
        body = entry.gzipped
        out.append((b"content-encoding", b"gzip"))
    out.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": entry.status, "headers": out})
    await send({"type": "http.response.body",
                "body": b"" if scope["method"] == "HEAD" else body})


class PageCache:
    """See the module's text. `clock` is the app's `get_now` (overrides included)."""

    def __init__(self, app: ASGIApp, *, directory: Path, clock: Callable[[], datetime],
                 store: Store | None = None) -> None:
        self.app = app
        self.directory = Path(directory)
        self.clock = clock
        self.store = store or Store()

    def _key(self, scope: Scope) -> tuple[Any, ...]:
        request = Request(scope)
        return (scope["path"], scope.get("query_string", b""), request_language(request))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] not in ("GET", "HEAD")
                or scope["path"].startswith(PRIVATE_PREFIXES)):
            await self.app(scope, receive, send)
            return
        self.store.at_version(version_key(self.directory))
        key, minute = self._key(scope), int(self.clock().timestamp() // 60)
        entry = self.store.get(key)
        lock = self.store.lock(key)
        if entry is None or entry.minute != minute and not lock.locked():
            async with lock:
                entry = self.store.get(key)
                if entry is None or entry.minute != minute:
                    entry, keep = await self._render(scope, receive)
                    entry.minute = minute
                    if keep:
                        self.store.put(key, entry)
        # else: fresh, or last minute's while this minute's is being rendered
        await send_entry(entry, scope, send)

    async def _render(self, scope: Scope, receive: Receive) -> tuple[Entry, bool]:
        """The inner answer in full (identity, unconditional), and whether it may be kept."""
        extensions = {k: v for k, v in (scope.get("extensions") or {}).items()
                      if k != "http.response.pathsend"}  # the file's bytes, not its path
        inner = {**scope, "method": "GET", "extensions": extensions,
                 "headers": [(k, v) for k, v in scope["headers"] if k not in STRIPPED]}
        start: Message = {}
        chunks: list[bytes] = []
        version_time = _version_time(self.directory)

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        self.store.renders += 1
        await self.app(inner, receive, capture)
        status = int(start.get("status", 500))
        raw = list(start.get("headers", []))
        body = b"".join(chunks)
        entry = make_entry(status, raw, body, version_time if status == 200 else None)
        cache_control = (entry.header(b"cache-control") or "").lower()
        keep = (status == 200 and "public" in cache_control and _only_language_cookie(entry)
                and len(body) <= MAX_ENTRY)
        return entry, keep


def _only_language_cookie(entry: Entry) -> bool:
    """No cookie set, or only the language one, which the key's `?lang=` decides."""
    prefix = f"{LANG_COOKIE}=".encode()
    return all(v.startswith(prefix) for k, v in entry.headers if k == b"set-cookie")


def _version_time(directory: Path) -> float | None:
    """When the served version became current (the newest of its two markers)."""
    times = []
    for path in (directory / ".published" / "current", directory / "schedule.json"):
        try:
            times.append(path.lstat().st_mtime)
        except OSError:
            continue
    return max(times) if times else None

