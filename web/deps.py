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
