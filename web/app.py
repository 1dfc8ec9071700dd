"""The web app: public programme pages, feeds, JSON API and the producer's API.

`create_app(DIR)` builds an app serving `DIR` (a solved, maybe published, folder);
`serving.run(DIR, workers=N)` serves it with granian (`affiche serve`, `affiche demo`).
All state lives on the app object (`app.state`): no module-level mutable state.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI
from fastapi.templating import Jinja2Templates
from starlette.middleware.gzip import GZipMiddleware

from affiche.web import api, feeds, notify, producer, public
from affiche.web.deps import get_now
from affiche.web.errors import install_handlers
from affiche.web.guard import BodyGuard
from affiche.web.middleware import CachedStatic, HeadAsGet, SecurityHeaders
from affiche.web.pagecache import PageCache
from affiche.web.pagecache import Store as PageStore
from affiche.web.programme import ProgrammeSource
from affiche.web.settings import Settings, checked_token, get_settings
from affiche.web.store import Store, default_db_url
from affiche.web.worker import SolveRunner

HERE = Path(__file__).parent


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.autoescape = True
    return templates


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    runner: SolveRunner = app.state.runner
    app.state.store.fail_abandoned()  # runs a killed server left unfinished
    try:
        yield
    finally:
        runner.shutdown()


def create_app(directory: Path, settings: Settings | None = None) -> FastAPI:
    """The app serving `directory`; refuses insecure production settings."""
    settings = settings or get_settings()
    token, generated = checked_token(settings)
    app = FastAPI(
        title="affiche",
        summary="Festival programme: pages, feeds, exports and the producer API",
        version="0.1.0",
        lifespan=_lifespan,
    )
    app.dependency_overrides[get_settings] = lambda: settings
    app.state.settings = settings
    state = app.state
    state.directory = Path(directory)
    state.settings = settings
    state.token = token
    state.token_generated = generated
    state.templates = _templates()
    state.programmes = ProgrammeSource(state.directory)
    state.store = Store(settings.db or default_db_url(state.directory))
    state.store.migrate()
    state.runner = SolveRunner(state.store, processes=settings.solve_processes)
    install_handlers(app)
    _middleware(app)
    static = CachedStatic(directory=str(HERE / "static"), max_age=settings.static_max_age)
    app.mount("/static", static, name="static")
    app.include_router(public.router)
    app.include_router(feeds.router)
    app.include_router(api.router)
    app.include_router(producer.api_router)
    app.include_router(producer.page_router)
    app.include_router(notify.router)
    return app


def _middleware(app: FastAPI) -> None:
    """From the outside in: the body guard, HEAD, security headers, the page cache, gzip
    for whatever the cache does not keep (each `add_middleware` wraps the ones before)."""

    def clock() -> datetime:
        return app.dependency_overrides.get(get_now, get_now)()

    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=6)
    app.state.page_cache = PageStore()
    app.add_middleware(
        PageCache, directory=app.state.directory, clock=clock, store=app.state.page_cache
    )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(HeadAsGet)
    app.add_middleware(BodyGuard, state=app.state)  # outermost: before anything reads the body

