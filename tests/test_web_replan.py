"""Through the producer API on a bundled festival: the web re-plans against the published
version (pins hold, ≥95 % of published placements stay), and installations pin by venue."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from affiche.programmes.examples import bundled_specs

BAINS = next(p for p in bundled_specs() if p.name.startswith("bains"))
pytestmark = pytest.mark.slow


def _solve(client: TestClient, time_limit: float = 10) -> dict[str, Any]:
    run = client.post("/api/producer/solves", json={"time_limit": time_limit})
    assert run.status_code == 202, run.text
    done = client.get(f"/api/producer/solves/{run.json()['id']}?wait=120").json()
    assert done["status"] == "done", done
    return done


def _placements(client: TestClient) -> dict[str, tuple[str, str]]:
    programme = client.get("/api/programme").json()
    return {o["uid"]: (o["venue"], o["start"]) for o in programme["occurrences"]}


def _publish(client: TestClient) -> None:
    answer = client.post("/api/producer/versions", json={})
    assert answer.status_code == 201, answer.text


def test_the_empty_folder_serves_the_producer_page(empty_site: TestClient) -> None:
    page = empty_site.get("/producer")
    assert page.status_code == 200 and 'type="password"' in page.text
    assert empty_site.get("/api/producer/specs").json() == []


def test_pin_and_resolve_through_the_api_keeps_the_published_programme(
    empty_site: TestClient, producer_token: str
) -> None:
    client = empty_site
    upload = client.post("/api/producer/specs",
                         json={"name": "bains", "content": BAINS.read_text(encoding="utf-8")})
    assert upload.status_code == 201, upload.text
    first = _solve(client)
    assert first["summary"]["changes"] is None  # nothing published yet
    _publish(client)
    published = _placements(client)
    assert len(published) > 50

    programme = client.get("/api/programme").json()
    timed = [o for o in programme["occurrences"] if o["kind"] != "installation"]
    target = timed[len(timed) // 2]
    pin = client.put(f"/api/producer/pins/{target['uid']}")  # where it stands
    assert pin.status_code == 200 and pin.json()["venue"] == target["venue"], pin.text

    second = _solve(client)
    assert any(line.startswith("re-planning") for line in second["progress"])
    client.post("/producer/login", data={"token": producer_token})
    page = client.get("/producer?lang=en").text  # before Publish: what it would change
    changes = second["summary"]["changes"]
    assert f"kept: {changes['kept']}" in page and f"moved: {len(changes['moved'])}" in page
    names = {a["name"] for a in client.get("/api/programme").json()["artists"]}
    assert set(changes["artists_to_tell"]) <= names  # by name, not id
    _publish(client)
    after = _placements(client)
    assert after[target["uid"]] == (target["venue"], target["start"])  # the pin holds
    others = [uid for uid in published if uid != target["uid"]]
    kept = sum(1 for uid in others if after.get(uid) == published[uid])
    assert kept / len(others) >= 0.95, (kept, len(others))

    again = _solve(client)  # the same specs and pins: publishing it would move nothing
    changes = again["summary"]["changes"]
    assert changes["moved"] == [] and changes["cancelled"] == [] and changes["new"] == []


def test_an_installation_pinned_where_it_stands_keeps_its_venue(
    empty_site: TestClient,
) -> None:
    client = empty_site
    client.post("/api/producer/specs",
                json={"name": "bains", "content": BAINS.read_text(encoding="utf-8")})
    _solve(client, time_limit=5)
    programme = client.get("/api/producer/solves").json()
    assert programme[0]["status"] == "done"
    latest = _placements_of_latest(client)
    uid, venue = next((u, v) for u, (v, kind) in latest.items() if kind == "installation")
    pin = client.put(f"/api/producer/pins/{uid}", json={"venue": venue})
    assert pin.status_code == 200 and pin.json()["start"] is None
    done = _solve(client, time_limit=5)
    assert done["summary"]["placed"] >= len(latest)


def _placements_of_latest(client: TestClient) -> dict[str, tuple[str, str]]:
    """uid -> (venue, kind) of the latest finished solve, through the producer page's data."""
    from affiche.programmes.schedule import Schedule
    from affiche.web.store import Store

    store: Store = client.app.state.store  # type: ignore[attr-defined]
    row = store.latest_done_solve()
    assert row is not None and row.schedule_json
    schedule = Schedule.model_validate_json(row.schedule_json)
    kinds = {i.id: i.kind for i in schedule.items}
    return {p.uid: (p.venue, kinds[p.item]) for p in schedule.placements}
