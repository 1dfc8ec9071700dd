"""Serving the app in production: granian (a Rust HTTP server) with several worker processes.

`run(DIR, workers=N)` starts granian on `app_from_env`, a factory each worker process calls;
what a worker needs travels in the environment (`AFFICHE_SERVE_DIR` and the `AFFICHE_*`
settings), so every worker serves the same folder with the same producer token (a
development token is made once, here, not once per worker). The store's tables are
created once before the workers start.

What granian gives, and the tests hold:
- SIGTERM or SIGINT stops the workers, each running the app's shutdown, which ends its
  solve processes (`SolveRunner.shutdown`), so nothing is left running;
- a connection that has not sent its whole request head within `header_timeout` seconds
  is closed (slowloris);
- `X-Forwarded-For` / `-Proto` are read from a proxy on the same machine only (uvicorn's
  `ProxyHeadersMiddleware`, trusted hosts 127.0.0.1), as `uvicorn --proxy-headers` did.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from affiche.web.settings import Settings, checked_token

DIR_ENV = "AFFICHE_SERVE_DIR"
HEADER_TIMEOUT = 10.0  # seconds for a request's head: slow clients are closed after this


def app_from_env() -> Any:
    """The ASGI app of one worker process (granian's factory)."""
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    from affiche.web.app import create_app

    directory = os.environ.get(DIR_ENV)
    if not directory:
        raise RuntimeError(f"{DIR_ENV} is not set: start the server with `affiche serve DIR`")
    app: Any = create_app(Path(directory), Settings())  # an ASGI app to uvicorn's types
    return ProxyHeadersMiddleware(app, "127.0.0.1")


def prepare_environment(directory: Path, db: str | None) -> tuple[str, bool]:
    """Put what every worker needs in the environment; the token and whether it was made."""
    settings = Settings(db=db) if db else Settings()
    token, generated = checked_token(settings)
    os.environ[DIR_ENV] = str(Path(directory).resolve())
    os.environ["AFFICHE_TOKEN"] = token
    if db:
        os.environ["AFFICHE_DB"] = db
    from affiche.web.store import Store, default_db_url

    store = Store(settings.db or default_db_url(Path(directory)))
    try:
        store.migrate()
    finally:
        store.dispose()
    return token, generated


def run(directory: Path, host: str = "127.0.0.1", port: int = 8000, db: str | None = None,
        workers: int = 1, header_timeout: float = HEADER_TIMEOUT) -> None:
    """Serve `directory` with granian until SIGTERM/SIGINT."""
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings
    from granian.server import Server

    token, generated = prepare_environment(directory, db)
    if generated:
        print(f"affiche: development producer token (this run only): {token}",
              file=sys.stderr, flush=True)
    server = Server(
        "affiche.web.serving:app_from_env",
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        factory=True,
        workers=workers,
        http1_settings=HTTP1Settings(header_read_timeout=int(header_timeout * 1000)),
        respawn_failed_workers=True,
        workers_kill_timeout=30,
        log_access=False,
    )
    server.serve()
