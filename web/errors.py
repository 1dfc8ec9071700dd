"""Domain exceptions of the web layer and the HTTP answers they map to."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from affiche.programmes.publish.versions import PublishError
from affiche.web.i18n import request_language
from affiche.web.programme import NoProgramme, UnknownEntity
from affiche.web.rendering import render_page


class FileNotPublished(LookupError):
    """A feed or export that the served folder does not hold."""


class NotFoundInStore(LookupError):
    """A spec, solve, pin or version the store does not hold."""


class OutOfRange(ValueError):
    """A value the store cannot hold (an id longer than its column, a number past 2^31)."""


class Conflict(RuntimeError):
    """A request that cannot be done in the current state (e.g. publish a failed solve)."""


class BadSpec(ValueError):
    """An uploaded spec the loader refuses; `issues` are the loader's messages."""

    def __init__(self, issues: list[dict[str, object]]) -> None:
        super().__init__("the spec has problems")
        self.issues = issues


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path.startswith("/ical/") or "." in path.rsplit("/", 1)[-1]


def not_found(request: Request, detail: str) -> Response:
    if wants_json(request):
        return JSONResponse({"detail": detail}, status_code=404)
    lang = request_language(request)
    templates = request.app.state.templates
    return render_page(request, templates, "not_found.html", lang, {}, status_code=404)


def install_handlers(app: FastAPI) -> None:
    async def unknown_entity(request: Request, error: Exception) -> Response:
        return not_found(request, str(error))

    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        if error.status_code == 404:
            return not_found(request, str(error.detail))
        return JSONResponse(
            {"detail": error.detail}, status_code=error.status_code, headers=error.headers
        )

    async def no_programme(request: Request, error: Exception) -> Response:
        return JSONResponse({"detail": f"no programme: {error}"}, status_code=503)

    async def conflict(request: Request, error: Exception) -> Response:
        return JSONResponse({"detail": str(error)}, status_code=409)

    async def bad_spec(request: Request, error: Exception) -> Response:
        assert isinstance(error, BadSpec)
        return JSONResponse({"detail": error.issues}, status_code=422)

    async def too_deep(request: Request, error: Exception) -> Response:
        return JSONResponse({"detail": "the request is nested too deeply"}, status_code=400)

    async def publish_failed(request: Request, error: Exception) -> Response:
        return JSONResponse({"detail": f"nothing published: {error}"}, status_code=409)

    async def out_of_range(request: Request, error: Exception) -> Response:
        return JSONResponse({"detail": str(error)}, status_code=422)

    async def data_error(request: Request, error: Exception) -> Response:
        """The database refused a value (the checks before it should have): 422, not 500."""
        return JSONResponse(
            {"detail": "a value does not fit the store (too long or out of range)"},
            status_code=422,
        )

    app.add_exception_handler(OutOfRange, out_of_range)
    app.add_exception_handler(DataError, data_error)
    app.add_exception_handler(PublishError, publish_failed)
    app.add_exception_handler(RecursionError, too_deep)  # a deeply nested JSON body
    app.add_exception_handler(UnknownEntity, unknown_entity)
    app.add_exception_handler(FileNotPublished, unknown_entity)
    app.add_exception_handler(NotFoundInStore, unknown_entity)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(NoProgramme, no_programme)
    app.add_exception_handler(Conflict, conflict)
    app.add_exception_handler(BadSpec, bad_spec)
