"""Concurrent producers against a real server (two worker processes) on SQLite and on
PostgreSQL: the same pin or spec put at once never answers 500, no write is lost, the
store never says "database is locked"; values past the columns answer 4xx with a message."""
# ruff: noqa: F811  (pytest fixtures imported from tests.test_web_support)

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from affiche.web.app import create_app
from affiche.web.settings import Settings
from tests.live_server import TOKEN, live_server
from tests.test_web_support import SPEC_YAML, published_dir, site_dir  # noqa: F401

POSTGRES_URL = os.environ.get("AFFICHE_TEST_POSTGRES_URL")
TABLES = ("producer_sessions", "login_failures", "solve_progress", "published_versions",
          "solve_runs", "pins", "specs", "schema_version")
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _fresh_postgres(url: str) -> str:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for table in TABLES:
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not POSTGRES_URL, reason="set AFFICHE_TEST_POSTGRES_URL to run on PostgreSQL"))])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return _fresh_postgres(str(POSTGRES_URL))


def _pin(base: str, uid: str, hour: int) -> int:
    body = {"venue": "salle", "start": f"2018-06-15T{hour:02d}:00:00"}
    return httpx.put(f"{base}/api/producer/pins/{uid}", json=body, headers=AUTH,
                     timeout=60).status_code


def _spec(base: str, name: str) -> int:
    body = {"name": name, "content": SPEC_YAML}
    return httpx.post(f"{base}/api/producer/specs", json=body, headers=AUTH,
                      timeout=60).status_code


def test_concurrent_producers_never_get_500_nor_lose_a_write(
    site_dir: Path, db_url: str
) -> None:
    with live_server(site_dir, workers=2, db=db_url) as live, ThreadPoolExecutor(24) as pool:
        same_pin = [pool.submit(_pin, live.base, "webfest.talk.1", 10 + n % 8)
                    for n in range(60)]
        own_pins = [pool.submit(_pin, live.base, f"webfest.item{n}.1", 12) for n in range(30)]
        same_spec = [pool.submit(_spec, live.base, "webfest") for _ in range(30)]
        statuses = [f.result() for f in same_pin + own_pins + same_spec]
        assert sorted(set(statuses)) <= [200, 201], statuses
        pins = httpx.get(live.base + "/api/producer/pins", headers=AUTH).json()
        uids = [p["uid"] for p in pins]
        assert uids.count("webfest.talk.1") == 1
        assert {f"webfest.item{n}.1" for n in range(30)} <= set(uids)  # none lost
        specs = httpx.get(live.base + "/api/producer/specs", headers=AUTH).json()
        assert [s["name"] for s in specs] == ["webfest"]
        assert sum(1 for s in statuses[-30:] if s == 201) == 1  # created once, then replaced
    log = live.log.read_text()
    assert "database is locked" not in log and "Traceback" not in log, log[-3000:]


@pytest.fixture
def store_client(site_dir: Path, db_url: str) -> Iterator[TestClient]:
    settings = Settings(token=TOKEN, db=db_url, base_url="http://testserver")
    with TestClient(create_app(site_dir, settings), raise_server_exceptions=False) as client:
        client.headers.update(AUTH)
        yield client


LONG = "x" * 400
PROBES = [
    ("PUT", f"/api/producer/pins/{LONG}.talk.1", {"venue": "salle",
                                                   "start": "2018-06-15T10:00:00"}),
    ("PUT", f"/api/producer/pins/webfest.{'i' * 200}.1", {"venue": "salle",
                                                          "start": "2018-06-15T10:00:00"}),
    ("PUT", "/api/producer/pins/webfest.talk.99999999999", {"venue": "salle",
                                                             "start": "2018-06-15T10:00:00"}),
    ("PUT", "/api/producer/pins/webfest.talk.1", {"venue": "v" * 300,
                                                   "start": "2018-06-15T10:00:00"}),
    ("DELETE", f"/api/producer/pins/{LONG}", None),
    ("GET", "/api/producer/solves/99999999999", None),
    ("GET", "/api/producer/solves/2147483648", None),
    ("GET", "/api/producer/solves/-1", None),
    ("GET", f"/api/producer/specs/{LONG}", None),
    ("DELETE", f"/api/producer/specs/{LONG}", None),
    ("POST", "/api/producer/specs", {"name": LONG, "content": SPEC_YAML}),
    ("POST", "/api/producer/versions", {"solve_id": 2**40}),
    ("POST", "/api/producer/versions", {"solve_id": 2**31}),
    ("POST", "/api/producer/solves", {"specs": [LONG]}),
]


@pytest.mark.parametrize(("method", "path", "body"), PROBES)
def test_edge_values_answer_4xx_with_a_message(
    store_client: TestClient, method: str, path: str, body: object
) -> None:
    answer = store_client.request(method, path, json=body)
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.text[:300])
    assert answer.json()["detail"]
