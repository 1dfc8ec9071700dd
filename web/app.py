"""The web app: public programme pages, feeds, JSON API and the producer's API.

`create_app(DIR)` builds an app serving `DIR` (a solved, maybe published, folder);
`run(DIR)` serves it with uvicorn (used by `affiche serve` and `affiche demo`).
All state lives on the app object (`app.state`): no module-level mutable state.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from affiche.web import api, feeds, notify, producer, public
from affiche.web.errors import install_handlers
from affiche.web.guard import BodyGuard, security_headers
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
    app.middleware("http")(security_headers)
    app.add_middleware(BodyGuard, state=state)  # outermost: before anything reads the body
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(public.router)
    app.include_router(feeds.router)
    app.include_router(api.router)
    app.include_router(producer.api_router)
    app.include_router(producer.page_router)
    app.include_router(notify.router)
    return app


def run(
    directory: Path, host: str = "127.0.0.1", port: int = 8000, db: str | None = None
) -> None:
    """Serve `directory` with uvicorn until interrupted; `db` overrides AFFICHE_DB."""
    import uvicorn

    settings = get_settings().model_copy(update={"db": db}) if db else None
    app = create_app(Path(directory), settings)
    if app.state.token_generated:
        print(
            f"affiche: development producer token (this run only): {app.state.token}",
            file=sys.stderr,
            flush=True,
        )
    uvicorn.run(app, host=host, port=port, proxy_headers=True)
