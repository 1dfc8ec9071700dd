"""What the producer page knows of the artists' notices (see `web/notify.py`)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from affiche.programmes.notices import FolderNotices, Smtp, folder_notices
from affiche.web.i18n import request_language
from affiche.web.settings import Settings


def notices_of(request: Request) -> FolderNotices | None:
    try:
        return folder_notices(request.app.state.directory, request_language(request))
    except (OSError, ValueError):
        return None


def smtp_of(settings: Settings) -> Smtp | None:
    if not settings.smtp_host:
        return None
    return Smtp(settings.smtp_host, settings.smtp_port, starttls=settings.smtp_starttls,
                user=settings.smtp_user, password=settings.smtp_password)


def notices_context(request: Request, settings: Settings) -> dict[str, Any]:
    """What the producer page shows: the notices and whether they can be sent from here."""
    return {"notices": notices_of(request), "can_send": smtp_of(settings) is not None}
