"""The producer's side: a bearer-token API (`/api/producer/...`) and the `/producer` page.

Credentials: `Authorization: Bearer <token>`, or the HttpOnly session cookie that the
login form sets (a random session id kept in the store with an expiry, see `sessions`).
No credentials: 401; wrong ones: 403. Cookie-authenticated writes also need the session's
CSRF token (the form's field or an `X-CSRF-Token` header), so another site cannot post in
the producer's name.
"""

from __future__ import annotations

import hmac
import json
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, cast

import pytz
from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException
from starlette.responses import Response

from affiche.programmes.changes import compare, load_latest_version
from affiche.programmes.pins import PinRequest
from affiche.programmes.publish.versions import PublishError
from affiche.programmes.schedule import Schedule
from affiche.web.deps import DirectoryDep, ProgrammeDep, SettingsDep
from affiche.web.errors import BadSpec, Conflict, NotFoundInStore
from affiche.web.i18n import request_language
from affiche.web.notices_view import notices_context
from affiche.web.programme import NoProgramme, Programme, build_programme
from affiche.web.rendering import base_context
from affiche.web.schemas import (
    PinPublic,
    PinUpdate,
    PublishCreate,
    PublishRunPublic,
    SolveCreate,
    SolvePublic,
    SolveStatus,
    SolveSummary,
    SpecCreate,
    SpecDetail,
    SpecFormat,
    SpecPublic,
    VersionPublic,
)
from affiche.web.sessions import (
    SESSION_COOKIE,
    client_key,
    close_session,
    current_session,
    open_session,
    secure_cookies,
    too_many_failures,
)
from affiche.web.specs import SpecText, check_upload, stored_pin
from affiche.web.store import (
    UNFINISHED,
    PinRow,
    PublishRunRow,
    SolveRow,
    SpecRow,
    Store,
    VersionRow,
    aware,
)
from affiche.web.timeline import timeline
from affiche.web.worker import PublishJob, SolveJob, SolveRunner, changes_summary

bearer = HTTPBearer(auto_error=False, description="the producer token (AFFICHE_TOKEN)")


# ---- credentials ------------------------------------------------------------------------------


DONE_MESSAGES = frozenset({"spec", "solve", "pin", "unpin", "publish", "publishing",
                           "notices"})
PUBLISH_WAIT = 900.0  # seconds the synchronous `POST /versions` waits for its publish


@dataclass(frozen=True)
class Producer:
    via: str  # "bearer" or "cookie"
    csrf: str = ""  # the session's CSRF token (cookie sessions)


def require_producer(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Producer:
    token: str = request.app.state.token
    cookie = request.cookies.get(SESSION_COOKIE)
    if credentials is not None:
        if credentials.scheme.lower() == "bearer" and hmac.compare_digest(
            credentials.credentials.encode(), token.encode()
        ):
            return Producer("bearer")
        raise HTTPException(403, "wrong producer token")
    if cookie:
        session = current_session(request)
        if session is not None:
            return Producer("cookie", session.csrf)
        raise HTTPException(403, "session no longer valid: log in again")
    raise HTTPException(401, "producer token required", headers={"WWW-Authenticate": "Bearer"})


async def require_writer(
    request: Request, producer: Annotated[Producer, Depends(require_producer)]
) -> Producer:
    """A producer allowed to write: cookie sessions must also show the CSRF token."""
    if producer.via == "cookie":
        sent = request.headers.get("x-csrf-token")
        if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            sent = str((await request.form()).get("csrf", ""))
        if not sent or not hmac.compare_digest(sent.encode(), producer.csrf.encode()):
            raise HTTPException(403, "missing or wrong CSRF token")
    return producer


Reader = Annotated[Producer, Depends(require_producer)]
Writer = Annotated[Producer, Depends(require_writer)]


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_runner(request: Request) -> SolveRunner:
    return request.app.state.runner


StoreDep = Annotated[Store, Depends(get_store)]
RunnerDep = Annotated[SolveRunner, Depends(get_runner)]


# ---- conversions --------------------------------------------------------------------------------


def spec_public(row: SpecRow) -> SpecPublic:
    return SpecPublic(
        name=row.name,
        format=cast(SpecFormat, row.format),  # stored from a SpecFormat; pydantic checks it again
        size=len(row.content.encode()),
        festivals=row.festival_ids,
        created=aware(row.created),
        updated=aware(row.updated),
    )


def solve_public(row: SolveRow, store: Store) -> SolvePublic:
    summary = SolveSummary.model_validate(json.loads(row.summary)) if row.summary else None
    return SolvePublic(
        id=row.id,
        status=cast(SolveStatus, row.status),  # stored from a SolveStatus; pydantic checks it again
        specs=json.loads(row.specs),
        progress=store.progress(row.id),
        summary=summary,
        error=row.error,
        created=aware(row.created),
        started=aware(row.started),
        finished=aware(row.finished),
    )


def pin_public(row: PinRow) -> PinPublic:
    start = datetime.fromisoformat(row.start) if row.start else None
    return PinPublic(
        uid=row.uid,
        festival=row.festival,
        item=row.item,
        occurrence=row.occurrence,
        venue=row.venue,
        start=start,
        created=aware(row.created),
    )


def version_public(row: VersionRow) -> VersionPublic:
    return VersionPublic(
        id=row.id,
        version=row.version,
        solve_id=row.solve_id,
        published=aware(row.published),
        new=row.new,
        changed=row.changed,
        cancelled=row.cancelled,
        warnings=json.loads(row.warnings),
    )


def publish_run_public(row: PublishRunRow, store: Store) -> PublishRunPublic:
    version = store.version_row(row.version_id).version if row.version_id else None
    return PublishRunPublic(
        id=row.id,
        status=cast(SolveStatus, row.status),
        solve_id=row.solve_id,
        progress=row.lines,
        error=row.error,
        version=version,
        created=aware(row.created),
        started=aware(row.started),
        finished=aware(row.finished),
    )


# ---- services shared by the API and the page ----------------------------------------------------


def save_spec(store: Store, body: SpecCreate) -> tuple[SpecRow, bool]:
    """Check the spec with the real loader, then store it; BadSpec stores nothing."""
    fmt, festivals = check_upload(body.name, body.content, body.format)
    return store.put_spec(body.name, fmt, body.content, festivals)


def start_solve(request: Request, store: Store, runner: SolveRunner, body: SolveCreate) -> SolveRow:
    stored = {row.name: row for row in store.specs()}
    names = body.specs if body.specs is not None else sorted(stored)
    if not names:
        raise Conflict("no spec stored: upload one first")
    missing = [name for name in names if name not in stored]
    if missing:
        raise NotFoundInStore(f"no spec {', '.join(map(repr, missing))}")
    settings = request.app.state.settings
    time_limit = body.time_limit or settings.solve_time_limit
    row = store.new_solve(names, {"time_limit": time_limit, "allow_unplaced": body.allow_unplaced})
    job = SolveJob(
        solve_id=row.id,
        db_url=store.url,
        specs=[SpecText(n, stored[n].format, stored[n].content) for n in names],
        pins=[_pin_request(p) for p in store.pins()],
        time_limit=time_limit,
        allow_unplaced=body.allow_unplaced,
        published=str(request.app.state.directory),
    )
    store.add_progress(row.id, "queued")
    runner.start(job)
    return row


def _pin_request(row: PinRow) -> PinRequest:
    return stored_pin(row.uid, row.festival, row.item, row.occurrence, row.venue, row.start)


def latest_programme(store: Store, request: Request) -> Programme | None:
    """The latest finished solve, else the served schedule, else nothing."""
    solved = store.latest_done_solve()
    if solved is not None and solved.schedule_json:
        return build_programme(Schedule.model_validate_json(solved.schedule_json), public=False)
    try:
        return request.app.state.programmes.get(public=False)  # soundchecks, juries too
    except NoProgramme:
        return None


def pin_occurrence(store: Store, request: Request, uid: str, body: PinUpdate) -> PinRow:
    """Pin `uid` where asked, defaulting to where the latest programme has it.

    An installation has no start: its pin is its venue (slot) alone, whatever was sent."""
    programme = latest_programme(store, request)
    found = next((o for o in programme.occurrences if o.uid == uid), None) if programme else None
    installation = found is not None and found.item.kind == "installation"
    if found is None and (body.venue is None or body.start is None):
        raise NotFoundInStore(
            f"no occurrence {uid!r} in the latest programme: give venue and start"
        )
    festival, item, number = _split_uid(uid)
    venue = body.venue or (found.venue.id if found else None)
    start = body.start or (found.start.replace(tzinfo=None) if found else None)
    if start is not None and start.tzinfo is not None and found is not None:
        start = start.astimezone(pytz.timezone(found.festival.timezone)).replace(tzinfo=None)
    if installation:
        start = None
    return store.put_pin(uid, festival, item, number, venue, start.isoformat() if start else None)


def _split_uid(uid: str) -> tuple[str, str, int]:
    parts = uid.rsplit(".", 2)
    if len(parts) != 3 or not parts[2].isdigit():
        raise NotFoundInStore(f"{uid!r} is not an occurrence uid (festival.item.number)")
    return parts[0], parts[1], int(parts[2])


def start_publish(
    request: Request, store: Store, runner: SolveRunner, body: PublishCreate
) -> PublishRunRow:
    """Queue a publish of the chosen (default: latest finished) solve in a worker process;
    its progress goes to the run's row. Refused at once (409) when there is nothing to
    publish."""
    if body.solve_id is None:
        row = store.latest_done_solve()
        if row is None:
            raise Conflict("no finished solve to publish")
    else:
        row = store.solve(body.solve_id)
    if row.status != "done" or not row.schedule_json:
        raise Conflict(f"solve {row.id} is {row.status}: only a finished solve can be published")
    run = store.new_publish(row.id, body.base_url)
    job = PublishJob(run.id, store.url, str(request.app.state.directory), row.id,
                     row.schedule_json, body.base_url)
    runner.start_publish(job)
    return run


async def publish(
    request: Request, store: Store, runner: SolveRunner, body: PublishCreate
) -> VersionRow:
    """A background publish, waited for: the version it made, or 409 with its reason."""
    run = start_publish(request, store, runner, body)
    await runner.wait_publish(run.id, PUBLISH_WAIT)
    row = store.publish_run(run.id)
    if row.status == "done" and row.version_id is not None:
        return store.version_row(row.version_id)
    if row.status in UNFINISHED:
        raise Conflict(f"publish {row.id} is still {row.status}: see /api/producer/publishes")
    raise PublishError(row.error or "the publish failed")


# ---- the API ------------------------------------------------------------------------------------

api_router = APIRouter(prefix="/api/producer", tags=["producer API"])
Responses = dict[int | str, dict[str, Any]]
BAD_SPEC: Responses = {
    422: {"description": "the spec has problems: the loader's messages, nothing stored"}
}
AUTH: Responses = {
    401: {"description": "no credentials"}, 403: {"description": "wrong credentials"}
}


@api_router.get("/specs", response_model=list[SpecPublic], responses=AUTH)
def list_specs(_: Reader, store: StoreDep) -> list[SpecPublic]:
    return [spec_public(row) for row in store.specs()]


@api_router.post(
    "/specs",
    response_model=SpecPublic,
    status_code=201,
    responses={**AUTH, **BAD_SPEC, 200: {"description": "replaced"}},
)
def upload_spec(_: Writer, body: SpecCreate, store: StoreDep, response: Response) -> SpecPublic:
    row, created = save_spec(store, body)
    response.status_code = 201 if created else 200
    return spec_public(row)


@api_router.get("/specs/{name}", response_model=SpecDetail, responses=AUTH)
def get_spec(name: str, _: Reader, store: StoreDep) -> SpecDetail:
    row = store.spec(name)
    return SpecDetail(**spec_public(row).model_dump(), content=row.content)


@api_router.delete("/specs/{name}", status_code=204, responses=AUTH)
def delete_spec(name: str, _: Writer, store: StoreDep) -> Response:
    store.delete_spec(name)
    return Response(status_code=204)


@api_router.post("/solves", response_model=SolvePublic, status_code=202, responses=AUTH)
def create_solve(
    request: Request, _: Writer, body: SolveCreate, store: StoreDep, runner: RunnerDep
) -> SolvePublic:
    return solve_public(start_solve(request, store, runner, body), store)


@api_router.get("/solves", response_model=list[SolvePublic], responses=AUTH)
def list_solves(_: Reader, store: StoreDep) -> list[SolvePublic]:
    return [solve_public(row, store) for row in store.solves()]


@api_router.get("/solves/{solve_id}", response_model=SolvePublic, responses=AUTH)
async def get_solve(
    solve_id: int,
    _: Reader,
    store: StoreDep,
    runner: RunnerDep,
    wait: Annotated[float, Query(ge=0, le=120, description="seconds to wait for the end")] = 0,
) -> SolvePublic:
    store.solve(solve_id)
    store.fail_abandoned()
    await runner.wait(solve_id, wait)
    return solve_public(store.solve(solve_id), store)


@api_router.get("/pins", response_model=list[PinPublic], responses=AUTH)
def list_pins(_: Reader, store: StoreDep) -> list[PinPublic]:
    return [pin_public(row) for row in store.pins()]


@api_router.put("/pins/{uid}", response_model=PinPublic, responses=AUTH)
def put_pin(
    uid: str, _: Writer, request: Request, store: StoreDep, body: PinUpdate | None = None
) -> PinPublic:
    return pin_public(pin_occurrence(store, request, uid, body or PinUpdate()))


@api_router.delete("/pins/{uid}", status_code=204, responses=AUTH)
def delete_pin(uid: str, _: Writer, store: StoreDep) -> Response:
    store.delete_pin(uid)
    return Response(status_code=204)


@api_router.post("/versions", response_model=VersionPublic, status_code=201, responses=AUTH)
async def publish_version(
    request: Request,
    _: Writer,
    store: StoreDep,
    runner: RunnerDep,
    body: PublishCreate | None = None,
) -> VersionPublic:
    return version_public(await publish(request, store, runner, body or PublishCreate()))


@api_router.post(
    "/publishes", response_model=PublishRunPublic, status_code=202, responses=AUTH
)
def create_publish(
    request: Request, _: Writer, store: StoreDep, runner: RunnerDep,
    body: PublishCreate | None = None,
) -> PublishRunPublic:
    """Start publishing in the background; poll `GET /publishes/{id}` for its progress."""
    return publish_run_public(start_publish(request, store, runner, body or PublishCreate()),
                              store)


@api_router.get("/publishes", response_model=list[PublishRunPublic], responses=AUTH)
def list_publishes(_: Reader, store: StoreDep) -> list[PublishRunPublic]:
    return [publish_run_public(row, store) for row in store.publish_runs()]


@api_router.get("/publishes/{run_id}", response_model=PublishRunPublic, responses=AUTH)
async def get_publish(
    run_id: int,
    _: Reader,
    store: StoreDep,
    runner: RunnerDep,
    wait: Annotated[float, Query(ge=0, le=120, description="seconds to wait for the end")] = 0,
) -> PublishRunPublic:
    store.publish_run(run_id)
    store.fail_abandoned()
    if wait:
        await runner.wait_publish(run_id, wait)
    return publish_run_public(store.publish_run(run_id), store)


@api_router.get("/versions", response_model=list[VersionPublic], responses=AUTH)
def list_versions(_: Reader, store: StoreDep) -> list[VersionPublic]:
    return [version_public(row) for row in store.versions()]


# ---- the page ---------------------------------------------------------------------------------

page_router = APIRouter(prefix="/producer", tags=["producer page"])


def _logged_in(request: Request) -> bool:
    return current_session(request) is not None


def _page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    lang = request_language(request)
    response = request.app.state.templates.TemplateResponse(
        request=request,
        name=name,
        context={**base_context(request, lang), **context},
        status_code=status_code,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _back(message: str = "") -> RedirectResponse:
    target = "/producer" + (f"?done={message}" if message in DONE_MESSAGES else "")
    return RedirectResponse(target, status_code=303)


def producer_context(request: Request, store: Store) -> dict[str, Any]:
    lang = request_language(request)
    programme = latest_programme(store, request)
    solves = [solve_public(row, store) for row in store.solves(limit=8)]
    publishes = [publish_run_public(row, store) for row in store.publish_runs(limit=3)]
    running = any(s.status in UNFINISHED for s in solves) or any(
        p.status in UNFINISHED for p in publishes
    )
    return {
        "specs": [spec_public(row) for row in store.specs()],
        "solves": solves,
        "running": running,
        "pins": {row.uid: pin_public(row) for row in store.pins()},
        "versions": [version_public(row) for row in store.versions()[:8]],
        "days": timeline(programme, lang) if programme else [],
        "programme": programme,
        "csrf": session.csrf if (session := current_session(request)) else "",
        "done": done if (done := request.query_params.get("done", "")) in DONE_MESSAGES else "",
        "has_done_solve": any(s.status == "done" for s in solves),
        "publishes": publishes,
        "publishing": any(p.status in UNFINISHED for p in publishes),
        "changes": pending_changes(request, store),
        **notices_context(request, request.app.state.settings),
    }


def pending_changes(request: Request, store: Store) -> dict[str, Any] | None:
    """What publishing the latest finished solve would change against the published
    version (kept, moved, cancelled, new, artists to tell, by name); None: nothing to
    publish, or nothing published yet."""
    solved = store.latest_done_solve()
    if solved is None or not solved.schedule_json:
        return None
    schedule = Schedule.model_validate_json(solved.schedule_json)
    try:
        version = load_latest_version(request.app.state.directory)
    except (PublishError, ValueError, OSError):  # unreadable: the publish itself will say so
        return None
    if version is None:
        return {"first": True, "placed": len(schedule.placements)}
    return changes_summary(compare(version, schedule))


@page_router.get("", response_class=HTMLResponse, summary="The producer's page")
def producer_page(request: Request, store: StoreDep) -> Response:
    if not _logged_in(request):
        return _page(request, "login.html", {"error": None})
    return _page(request, "producer.html", producer_context(request, store))


@page_router.post("/login", response_class=HTMLResponse, summary="Log in with the token")
def login(
    request: Request, token: Annotated[str, Form()], settings: SettingsDep, store: StoreDep
) -> Response:
    client = client_key(request)
    if too_many_failures(store, settings, client):
        response = _page(request, "login.html", {"error": True}, status_code=429)
        response.headers["Retry-After"] = str(int(settings.login_window_minutes * 60))
        return response
    if not hmac.compare_digest(token.encode(), request.app.state.token.encode()):
        store.add_login_failure(client)
        return _page(request, "login.html", {"error": True}, status_code=401)
    store.clear_login_failures(client)
    close_session(request)  # a session id planted before login is never reused
    cookie, _ = open_session(store, settings)
    response = _back()
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=math.ceil(settings.session_hours * 3600),
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request, settings),
        path="/",
    )
    return response


@page_router.post("/logout", summary="Log out")
def logout(request: Request) -> Response:
    close_session(request)
    response = _back()
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response


@page_router.post("/specs", response_class=HTMLResponse, summary="Upload a spec (form)")
async def upload_spec_form(
    request: Request,
    _: Writer,
    store: StoreDep,
    file: Annotated[UploadFile, File()],
    name: Annotated[str, Form()] = "",
) -> Response:
    content = (await file.read()).decode("utf-8", errors="replace")
    stem = name or (file.filename or "spec").rsplit(".", 1)[0]
    slug = "".join(c if c.isalnum() or c in "-_" else "-" for c in stem.lower()).strip("-_")
    try:
        body = SpecCreate(name=slug or "spec", content=content)
        save_spec(store, body)
    except BadSpec as error:
        context = {**producer_context(request, store), "spec_errors": error.issues}
        return _page(request, "producer.html", context, status_code=422)
    except ValueError as error:
        context = {**producer_context(request, store), "spec_errors": [{"text": str(error)}]}
        return _page(request, "producer.html", context, status_code=422)
    return _back("spec")


@page_router.post("/solves", summary="Start a solve (form)")
def solve_form(
    request: Request,
    _: Writer,
    store: StoreDep,
    runner: RunnerDep,
    time_limit: Annotated[float, Form(gt=0, le=3600)] = 10.0,
) -> Response:
    start_solve(request, store, runner, SolveCreate(time_limit=time_limit))
    return _back("solve")


@page_router.post("/pins/{uid}", summary="Pin an occurrence where it is (form)")
def pin_form(uid: str, request: Request, _: Writer, store: StoreDep) -> Response:
    pin_occurrence(store, request, uid, PinUpdate())
    return _back("pin")


@page_router.post("/pins/{uid}/delete", summary="Unpin an occurrence (form)")
def unpin_form(uid: str, _: Writer, store: StoreDep) -> Response:
    store.delete_pin(uid)
    return _back("unpin")


@page_router.post("/publish", summary="Publish the latest finished solve (form)")
def publish_form(request: Request, _: Writer, store: StoreDep, runner: RunnerDep) -> Response:
    """Starts the publish and comes back at once: the page shows its progress."""
    start_publish(request, store, runner, PublishCreate())
    return _back("publishing")


__all__ = ["ProgrammeDep", "DirectoryDep", "api_router", "page_router"]
