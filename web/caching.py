"""ETag and Cache-Control for pages and published files (304 on If-None-Match)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from fastapi import Request, Response
from fastapi.responses import FileResponse, HTMLResponse


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def file_etag(path: Path) -> str:
    stat = path.stat()
    return f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'


def matches(request: Request, etag: str) -> bool:
    """Whether If-None-Match names `etag` (weak comparison, `*` matches)."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag in tags


def not_modified(etag: str, cache_control: str, vary: str | None = None) -> Response:
    headers = {"ETag": etag, "Cache-Control": cache_control}
    if vary:
        headers["Vary"] = vary
    return Response(status_code=304, headers=headers)


def cached_html(request: Request, response: HTMLResponse, max_age: int) -> Response:
    """`response` with ETag and Cache-Control, or a 304 when the client has it already."""
    etag = etag_of(bytes(response.body))
    cache_control = f"public, max-age={max_age}"
    vary = "Accept-Language, Cookie"
    if response.status_code == 200 and matches(request, etag):
        return not_modified(etag, cache_control, vary)
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = cache_control
    response.headers["Vary"] = vary
    return response


def cached_file(request: Request, path: Path, media_type: str, max_age: int) -> Response:
    etag = file_etag(path)
    cache_control = f"public, max-age={max_age}"
    if matches(request, etag):
        return not_modified(etag, cache_control)
    return FileResponse(
        path, media_type=media_type, headers={"ETag": etag, "Cache-Control": cache_control}
    )
