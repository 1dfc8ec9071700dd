"""The producer's notices: whom to tell what changed in the latest published version, each
as a mail to download (text and .ics) or to send through the configured SMTP server."""

from __future__ import annotations

import smtplib
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from affiche.programmes.notices import send_notices
from affiche.web.deps import SettingsDep
from affiche.web.i18n import request_language
from affiche.web.notices_view import notices_of, smtp_of
from affiche.web.producer import Reader, Writer

router = APIRouter(prefix="/producer/notices", tags=["producer page"])


@router.get("/{artist}.eml", summary="One artist's notice as a mail (text and .ics)")
def notice_mail(
    request: Request,
    artist: Annotated[str, Path(max_length=200)],
    _: Reader,
    settings: SettingsDep,
) -> Response:
    found = notices_of(request)
    notices = [n for n in found.notices if n.artist == artist] if found else []
    if not found or not notices:
        raise HTTPException(404, f"no notice for {artist!r} in the latest version")
    message = found.messages(settings.mail_from, request_language(request))[
        found.notices.index(notices[0])]
    return Response(message.as_bytes(), media_type="message/rfc822", headers={
        "Content-Disposition": 'attachment; filename="notice.eml"', "Cache-Control": "no-store"})


@router.post("/send", summary="Send every addressed notice through the SMTP server")
def send(request: Request, _: Writer, settings: SettingsDep) -> Response:
    server = smtp_of(settings)
    if server is None:
        raise HTTPException(409, "no SMTP server configured (AFFICHE_SMTP_HOST)")
    found = notices_of(request)
    if found is None:
        raise HTTPException(409, "nothing published yet")
    try:
        send_notices(found.messages(settings.mail_from, request_language(request)), server)
    except (OSError, smtplib.SMTPException) as error:
        raise HTTPException(502, f"the SMTP server refused: {error}") from None
    return RedirectResponse("/producer?done=notices", status_code=303)
