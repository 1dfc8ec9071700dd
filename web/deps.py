"""Dependencies shared by the routers (`Annotated` aliases)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from affiche.web.i18n import request_language
from affiche.web.programme import Programme
from affiche.web.settings import Settings, get_settings


def get_now() -> datetime:
    """The current instant; tests override this dependency to fix the clock."""
    return datetime.now(UTC)


def site_base(request: Request) -> str:
    """The configured public address (`AFFICHE_BASE_URL`, no trailing slash), or "" for
    links from the site root: never the request's Host header, which a client chooses."""
    return request.app.state.settings.base_url or ""


def absolute(request: Request, path: str) -> str:
    """`path` on the site: absolute with a configured base URL, else from the site root."""
    return site_base(request) + path


def webcal(request: Request, path: str) -> str:
    """A `webcal://` subscription link when the site's address is known, else the plain
    link (a calendar app can subscribe to that too)."""
    url = absolute(request, path)
    return "webcal://" + url.split("://", 1)[1] if "://" in url else url


def safe_path(request: Request) -> str:
    """The request path fit to echo into a link: `//evil.example/x` would be read by the
    browser as another site, so leading slashes collapse to one."""
    return "/" + request.url.path.lstrip("/\\")


def get_programme(request: Request) -> Programme:
    return request.app.state.programmes.get()


def get_directory(request: Request) -> Path:
    return request.app.state.directory


def get_templates(request: Request) -> Jinja2Templates:
    return request.app.state.templates


SettingsDep = Annotated[Settings, Depends(get_settings)]
ProgrammeDep = Annotated[Programme, Depends(get_programme)]
DirectoryDep = Annotated[Path, Depends(get_directory)]
NowDep = Annotated[datetime, Depends(get_now)]
LangDep = Annotated[str, Depends(request_language)]
TemplatesDep = Annotated[Jinja2Templates, Depends(get_templates)]
