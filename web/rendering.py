"""Rendering of the public pages: the template context every page shares."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from affiche.programmes import rules
from affiche.programmes.publish.pdf import french_typography
from affiche.web.caching import cached_html
from affiche.web.deps import absolute, safe_path, webcal
from affiche.web.i18n import (
    LANG_COOKIE,
    LANGUAGES,
    format_day,
    format_range,
    format_time,
    tag_label,
    translate,
)

# the public pages' filters, kept on the language switch
ECHOED_PARAMS = ("day", "venue", "kind", "tag", "track", "festival", "q", "version", "letter")


def switch_url(request: Request, lang: str) -> str:
    """The same page in `lang`: the path made safe, only the known filters carried over."""
    kept = {k: v for k, v in request.query_params.items() if k in ECHOED_PARAMS}
    return f"{safe_path(request)}?{urlencode({**kept, 'lang': lang})}"


def typeset(text: str, lang: str) -> str:
    """French spacing (no line break before `:` or inside « »); other languages as they are."""
    return french_typography(text) if lang == "fr" else text


def last_day(occ: Any) -> date:
    """The last day an installation is open: one closing at midnight (or in the small hours
    before the festival's day starts) closes on the evening before, not the next day."""
    spells = getattr(occ, "spells", ())
    end = spells[-1][1] if spells else occ.end
    closing_day = rules.day_of(occ.festival, end - timedelta(minutes=1))
    if end.date() > occ.start.date() and closing_day < end.date():
        return closing_day
    return end.date()


def after_midnight(occ: Any) -> bool:
    """A show in the small hours, listed with the evening of the programme day before."""
    return occ.start.date() > occ.day


def base_context(request: Request, lang: str) -> dict[str, Any]:
    other = next(code for code in LANGUAGES if code != lang)
    return {
        "abs_url": lambda path: absolute(request, path),
        "webcal_url": lambda path: webcal(request, path),
        "lang": lang,
        "other_lang": other,
        "switch_url": switch_url(request, other),
        "t": lambda key: translate(lang, key),
        "fmt_day": lambda day: format_day(lang, day),
        "fmt_time": lambda moment: format_time(lang, moment),
        "fmt_range": lambda first, last: format_range(lang, first, last),
        "text": lambda text: typeset(text.in_language(lang), lang),
        "vname": lambda venue: typeset(venue.name_in(lang), lang),
        "tag_label": lambda tag: tag_label(lang, tag),
        "last_day": last_day,
        "after_midnight": after_midnight,
    }


def render_page(
    request: Request,
    templates: Jinja2Templates,
    name: str,
    lang: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    max_age: int = 60,
) -> Response:
    """A public page in `lang`, with ETag/Cache-Control and the language cookie."""
    response = templates.TemplateResponse(
        request=request,
        name=name,
        context={**base_context(request, lang), **context},
        status_code=status_code,
    )
    assert isinstance(response, HTMLResponse)
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    if status_code != 200:
        response.headers["Cache-Control"] = "no-cache"
        return response
    return cached_html(request, response, max_age)
