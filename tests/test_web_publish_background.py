"""Publishing from the producer page runs in the background and shows its progress (issue
15): the form answers at once, the page follows the run until the version is served."""
# ruff: noqa: F811  (pytest fixtures imported from tests.test_web_support)

from __future__ import annotations

import re
import time
from pathlib import Path

from fastapi.testclient import TestClient

from affiche.programmes.publish.versions import version_numbers
from tests.test_web_support import (  # noqa: F401  (fixtures)
    SPEC_YAML,
    TOKEN,
    app,
    auth,
    client,
    published_dir,
    site_dir,
)


def _solved(client: TestClient) -> None:
    spec = {"name": "webfest", "content": SPEC_YAML}
    assert client.post("/api/producer/specs", headers=auth(), json=spec).status_code == 201
    run = client.post("/api/producer/solves", headers=auth(), json={"time_limit": 10}).json()
    done = client.get(f"/api/producer/solves/{run['id']}?wait=60", headers=auth()).json()
    assert done["status"] == "done", done


def _logged_in_page(client: TestClient) -> str:
    client.post("/producer/login", data={"token": TOKEN})
    page = client.get("/producer?lang=en").text
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]


def test_the_publish_form_answers_at_once_and_the_page_shows_progress(
    client: TestClient, site_dir: Path
) -> None:
    _solved(client)
    csrf = _logged_in_page(client)
    before = version_numbers(site_dir / "versions")
    started = time.monotonic()
    answer = client.post("/producer/publish", data={"csrf": csrf}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].endswith("done=publishing")
    assert time.monotonic() - started < 5  # not the whole publish in one request
    runs = client.get("/api/producer/publishes", headers=auth()).json()
    assert runs[0]["status"] in ("queued", "running"), runs[0]  # still going
    assert version_numbers(site_dir / "versions") == before
    page = client.get("/producer?done=publishing&lang=en").text
    assert '<meta http-equiv="refresh"' in page  # the page follows the run
    run_block = page.split(f'id="publish-{runs[0]["id"]}"')[1].split("</details>")[0]
    assert "status-queued" in run_block or "status-running" in run_block
    assert "disabled" in page.split('action="/producer/publish"')[1].split("</form>")[0]

    done = client.get(f"/api/producer/publishes/{runs[0]['id']}?wait=90", headers=auth()).json()
    assert done["status"] == "done", done
    assert done["version"] == max(before) + 1
    assert "publishing" in done["progress"] and "feeds" in done["progress"]
    assert done["progress"][-1] == f"published version {done['version']}"
    page = client.get("/producer?lang=en").text
    assert '<meta http-equiv="refresh"' not in page
    run_block = page.split(f'id="publish-{done["id"]}"')[1].split("</details>")[0]
    assert "status-done" in run_block and "feeds" in run_block
    assert f"Version {done['version']}" in run_block
    versions = client.get("/api/producer/versions", headers=auth()).json()
    assert versions[0]["version"] == done["version"]


def test_a_failed_background_publish_says_why_and_changes_nothing(
    client: TestClient, site_dir: Path
) -> None:
    _solved(client)
    before = version_numbers(site_dir / "versions")
    lock = site_dir / ".published" / "lock"
    lock.unlink(missing_ok=True)
    lock.mkdir()  # the publish lock cannot be opened: the publish fails, even as root
    run = client.post("/api/producer/publishes", headers=auth(), json={}).json()
    assert run["status"] == "queued"
    done = client.get(f"/api/producer/publishes/{run['id']}?wait=90", headers=auth()).json()
    assert done["status"] == "failed" and done["error"] and done["version"] is None
    assert done["progress"][-1].startswith("failed:")
    assert version_numbers(site_dir / "versions") == before


def test_the_synchronous_api_still_answers_the_version(client: TestClient) -> None:
    _solved(client)
    version = client.post("/api/producer/versions", headers=auth(), json={})
    assert version.status_code == 201, version.text
    runs = client.get("/api/producer/publishes", headers=auth()).json()
    assert runs[0]["status"] == "done" and runs[0]["version"] == version.json()["version"]


def test_publishing_needs_a_finished_solve(client: TestClient) -> None:
    answer = client.post("/api/producer/publishes", headers=auth(), json={})
    assert answer.status_code == 409
    assert client.get("/api/producer/publishes/99999999999", headers=auth()).status_code == 404
