"""The producer API and page: auth on every write, upload, solve in a worker, pin, publish."""
# ruff: noqa: F811  (pytest fixtures imported from tests.test_web_support)

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from affiche.web.app import create_app
from affiche.web.settings import InsecureSettings, Settings
from tests.test_web_support import (  # noqa: F401  (fixtures)
    SPEC_YAML,
    TOKEN,
    app,
    auth,
    client,
    published_dir,
    site_dir,
)

WRITE_METHODS = {"post", "put", "patch", "delete"}
OPEN_WRITES = {("/producer/login", "post"), ("/producer/logout", "post")}


def write_operations(client: TestClient) -> list[tuple[str, str]]:
    schema = client.get("/openapi.json").json()
    found = []
    for path, operations in schema["paths"].items():
        for method in operations:
            if method in WRITE_METHODS and (path, method) not in OPEN_WRITES:
                url = re.sub(r"\{[^}]+\}", "x.y.1", path)
                found.append((url, method))
    return found


def test_every_write_needs_the_token(client: TestClient) -> None:
    operations = write_operations(client)
    assert len(operations) >= 8
    assert ("/api/producer/specs", "post") in operations
    for url, method in operations:
        anonymous = client.request(method.upper(), url)
        assert anonymous.status_code == 401, (method, url)
        assert anonymous.headers["www-authenticate"] == "Bearer"
        wrong = client.request(method.upper(), url, headers={"Authorization": "Bearer wrong"})
        assert wrong.status_code == 403, (method, url)
        bad_cookie = client.request(method.upper(), url, cookies={"affiche_session": "forged"})
        assert bad_cookie.status_code == 403, (method, url)


def test_reads_of_the_producer_api_need_the_token_too(client: TestClient) -> None:
    assert client.get("/api/producer/specs").status_code == 401
    assert client.get("/api/producer/specs", headers=auth()).json() == []


def test_a_bad_spec_is_refused_with_the_loaders_messages(client: TestClient) -> None:
    bad = SPEC_YAML.replace("duration: 45", "duration: -5").replace(
        "venues: [salle]", "venues: [nowhere]", 1
    )
    answer = client.post(
        "/api/producer/specs", headers=auth(), json={"name": "bad", "content": bad}
    )
    assert answer.status_code == 422
    issues = answer.json()["detail"]
    assert any("duration" in i["field"] for i in issues)
    assert all(i["file"] == "bad.yaml" and i["line"] for i in issues)
    assert client.get("/api/producer/specs", headers=auth()).json() == []
    broken = client.post(
        "/api/producer/specs", headers=auth(), json={"name": "x", "content": "a: ["}
    )
    assert broken.status_code == 422 and "not valid YAML" in broken.json()["detail"][0]["message"]


def test_upload_solve_pin_and_publish(client: TestClient, site_dir) -> None:
    created = client.post(
        "/api/producer/specs", headers=auth(), json={"name": "webfest", "content": SPEC_YAML}
    )
    assert created.status_code == 201 and created.json()["festivals"] == ["webfest"]
    replaced = client.post(
        "/api/producer/specs", headers=auth(), json={"name": "webfest", "content": SPEC_YAML}
    )
    assert replaced.status_code == 200

    started = client.post("/api/producer/solves", headers=auth(), json={"time_limit": 10})
    assert started.status_code == 202
    run = started.json()
    assert run["status"] in ("queued", "running") and run["specs"] == ["webfest"]
    finished = client.get(f"/api/producer/solves/{run['id']}?wait=60", headers=auth()).json()
    assert finished["status"] == "done", finished
    assert finished["summary"]["placed"] == 5
    summary = finished["summary"]  # the objective and its proof, part by part, as the CLI says
    assert summary["terms"] and summary["objective"] == sum(summary["terms"].values())
    assert sum(summary["bounds"].values()) <= summary["objective"]
    assert any(line.startswith("solving") for line in finished["progress"])

    pin = client.put(
        "/api/producer/pins/webfest.talk.1",
        headers=auth(),
        json={"venue": "salle", "start": "2018-06-15T15:00:00"},
    )
    assert pin.status_code == 200 and pin.json()["venue"] == "salle"
    second = client.post("/api/producer/solves", headers=auth(), json={}).json()
    done = client.get(f"/api/producer/solves/{second['id']}?wait=60", headers=auth()).json()
    assert done["status"] == "done", done

    version = client.post("/api/producer/versions", headers=auth(), json={})
    assert version.status_code == 201, version.text
    assert version.json()["solve_id"] == second["id"]
    talk = client.get("/api/items/talk").json()["occurrences"][0]
    assert talk["start"] == "2018-06-15T15:00:00+02:00" and talk["venue"] == "salle"
    assert client.delete("/api/producer/pins/webfest.talk.1", headers=auth()).status_code == 204
    assert client.get("/api/producer/pins", headers=auth()).json() == []
    versions = client.get("/api/producer/versions", headers=auth()).json()
    assert versions[0]["version"] == 2


def test_publishing_needs_a_finished_solve(client: TestClient) -> None:
    answer = client.post("/api/producer/versions", headers=auth(), json={})
    assert answer.status_code == 409


def test_producer_page_login_cookie_csrf_and_timeline(client: TestClient) -> None:
    login_form = client.get("/producer?lang=en")
    assert 'type="password"' in login_form.text
    refused = client.post("/producer/login", data={"token": "nope"})
    assert refused.status_code == 401
    logged = client.post("/producer/login", data={"token": TOKEN}, follow_redirects=False)
    assert logged.status_code == 303
    cookie = logged.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and TOKEN not in cookie
    page = client.get("/producer?lang=en")
    assert "<svg" in page.text and "<table" in page.text
    assert "&lt;script&gt;" in page.text and "<script>alert" not in page.text
    assert page.headers["cache-control"] == "no-store"
    no_csrf = client.post("/producer/pins/webfest.talk.1", data={})
    assert no_csrf.status_code == 403
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
    pinned = client.post(
        "/producer/pins/webfest.talk.1", data={"csrf": csrf}, follow_redirects=False
    )
    assert pinned.status_code == 303
    assert client.get("/api/producer/pins", headers=auth()).json()[0]["uid"] == "webfest.talk.1"
    upload = client.post(
        "/producer/specs",
        data={"csrf": csrf, "name": "bad"},
        files={"file": ("bad.yaml", b"festivals: []\n", "application/yaml")},
    )
    assert upload.status_code == 422 and "festivals" in upload.text


def test_production_refuses_missing_or_placeholder_tokens(tmp_path) -> None:
    for token in (None, "changethis", "short"):
        settings = Settings(env="production", token=token, db=f"sqlite:///{tmp_path}/a.db")
        with pytest.raises(InsecureSettings):
            create_app(tmp_path, settings)
    dev = create_app(
        tmp_path, Settings(env="development", token=None, db=f"sqlite:///{tmp_path}/b.db")
    )
    assert dev.state.token_generated and len(dev.state.token) >= 16


IMPOSSIBLE_YAML = """
festivals:
  - id: tight
    name: Tight
    timezone: Europe/Paris
    start: 2018-06-12
    end: 2018-06-12
    venues:
      - {id: lac, name: Scène du lac, hours: {opens: "20:00", closes: "22:00"}}
    items:
      - {id: reflets, kind: concert, title: Reflets, duration: 60}
      - {id: nuit, kind: concert, title: "Nuit d'eau", duration: 60}
      - {id: points, kind: performance, title: Points Cloud, duration: 60}
"""


def test_an_impossible_programme_fails_with_the_reason(client: TestClient) -> None:
    for spec in client.get("/api/producer/specs", headers=auth()).json():
        client.delete(f"/api/producer/specs/{spec['name']}", headers=auth())
    created = client.post(
        "/api/producer/specs", headers=auth(), json={"name": "tight", "content": IMPOSSIBLE_YAML}
    )
    assert created.status_code == 201, created.text
    run = client.post("/api/producer/solves", headers=auth(), json={"time_limit": 5}).json()
    done = client.get(f"/api/producer/solves/{run['id']}?wait=60", headers=auth()).json()
    assert done["status"] == "failed"
    assert "Scène du lac is open 20:00-22:00 on 12 June" in done["error"], done
    assert "Points Cloud" in done["error"]


def test_a_run_a_killed_server_left_running_is_listed_as_interrupted(
    app, client: TestClient  # type: ignore[no-untyped-def]
) -> None:
    """A worker killed mid-solve (SIGKILL, no callback) left the row running; long past its
    time limit the API lists it failed, saying why, instead of running for ever."""
    import sqlalchemy as sa

    from affiche.web.store import SolveRow, utcnow

    store = app.state.store
    row = store.new_solve(["webfest"], {"time_limit": 10})
    with store.session() as s:
        s.execute(sa.update(SolveRow).where(SolveRow.id == row.id).values(
            status="running", started=utcnow() - timedelta(hours=1)))
    listed = {run["id"]: run for run in client.get("/api/producer/solves", headers=auth()).json()}
    assert listed[row.id]["status"] == "failed", listed[row.id]
    one = client.get(f"/api/producer/solves/{row.id}", headers=auth()).json()
    assert one["status"] == "failed" and "interrupted" in one["error"]
