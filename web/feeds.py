"""Published files over HTTP: iCal feeds and the frab and PDF exports."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from affiche.programmes.publish.exporters import exporter
from affiche.web.caching import cached_file
from affiche.web.deps import DirectoryDep, SettingsDep
from affiche.web.errors import FileNotPublished
from affiche.web.files import EXPORTS, booklet_file, export_file, feed_file

router = APIRouter(tags=["feeds and exports"])

ICAL_TYPE = exporter("ical").content_type
BOOKLET_TYPE = exporter("booklets").content_type


@router.get(
    "/ical/{name}.ics",
    summary="One iCal feed (festival, venue or artist; `.fr` for French)",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}, 404: {"description": "no such feed"}},
)
def ical_feed(
    name: str, request: Request, directory: DirectoryDep, settings: SettingsDep
) -> Response:
    path = feed_file(directory, name)
    if path is None:
        raise FileNotPublished(f"ical/{name}.ics")
    return cached_file(request, path, ICAL_TYPE, settings.file_max_age)


@router.get(
    "/booklets/{name}.pdf",
    summary="One festival's own booklet (`.fr` for French), when the folder holds several",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, 404: {"description": "no such"}},
)
def festival_booklet(
    name: str, request: Request, directory: DirectoryDep, settings: SettingsDep
) -> Response:
    path = booklet_file(directory, name)
    if path is None:
        raise FileNotPublished(f"booklets/{name}.pdf")
    return cached_file(request, path, BOOKLET_TYPE, settings.file_max_age)


def _export(
    name: str, request: Request, directory: DirectoryDep, settings: SettingsDep
) -> Response:
    path = export_file(directory, name)
    if path is None:
        raise FileNotPublished(name)
    media_type = EXPORTS[name]
    if media_type.startswith(("application/json", "application/xml")):
        media_type += "; charset=utf-8"
    return cached_file(request, path, media_type, settings.file_max_age)


def _add_export(name: str) -> None:
    def endpoint(request: Request, directory: DirectoryDep, settings: SettingsDep) -> Response:
        return _export(name, request, directory, settings)

    endpoint.__name__ = "export_" + name.replace(".", "_")
    router.add_api_route(
        f"/{name}",
        endpoint,
        methods=["GET"],
        summary=f"The published {name}",
        response_class=Response,
        responses={
            200: {"content": {EXPORTS[name]: {}}},
            404: {"description": "not published yet"},
        },
    )


for _name in EXPORTS:
    _add_export(_name)
