"""The web app against a hostile client: sessions, forged Host headers, echoed links,
security headers, large and deep bodies."""
# ruff: noqa: F811  (pytest fixtures imported from tests.test_web_support)

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from fastapi.testclient import TestClient

from affiche.web.app import create_app
from tests.test_web_support import (  # noqa: F401  (fixtures)
    TOKEN,
    app,
    auth,
    client,
    make_settings,
    published_dir,
    site_dir,
)


def login(client: TestClient, token: str = TOKEN) -> str:
    answer = client.post("/producer/login", data={"token": token}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return answer.cookies["affiche_session"]


def csrf_of(client: TestClient) -> str:
    page = client.get("/producer").text
    return page.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def fresh_client(site_dir: Path, tmp_path: Path, **settings: object) -> TestClient:
    return TestClient(create_app(site_dir, make_settings(tmp_path, **settings)))


def test_each_login_is_a_new_session_and_logout_revokes_it(client: TestClient) -> None:
    first = login(client)
    client.cookies.clear()
    second = login(client)
    assert first != second and TOKEN not in first
    csrf = csrf_of(client)
    client.post("/producer/logout", follow_redirects=False)
    client.cookies.set("affiche_session", second)
    replay = client.post("/producer/solves", data={"csrf": csrf})
    assert replay.status_code == 403  # the cookie no longer opens anything
    assert 'type="password"' in client.get("/producer").text


def test_a_session_expires(site_dir: Path, tmp_path: Path) -> None:
    with fresh_client(site_dir, tmp_path, session_hours=0.5 / 3600) as short:
        login(short)
        assert 'name="csrf"' in short.get("/producer").text
        time.sleep(0.6)
        assert 'type="password"' in short.get("/producer").text


def test_failed_logins_are_rate_limited(site_dir: Path, tmp_path: Path) -> None:
    with fresh_client(site_dir, tmp_path, login_attempts=3) as limited:
        for _ in range(3):
            assert limited.post("/producer/login", data={"token": "guess"}).status_code == 401
        blocked = limited.post("/producer/login", data={"token": TOKEN}, follow_redirects=False)
        assert blocked.status_code == 429 and "retry-after" in blocked.headers
        assert "affiche_session" not in blocked.cookies


def test_cookie_flags_and_secure_behind_https(site_dir: Path, tmp_path: Path) -> None:
    with fresh_client(site_dir, tmp_path, base_url="https://fest.example") as secure:
        answer = secure.post("/producer/login", data={"token": TOKEN}, follow_redirects=False)
        cookie = answer.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie


def test_forged_host_never_reaches_links(client: TestClient) -> None:
    evil = {"Host": "evil.example"}
    for path in ("/calendars", "/item/evil", "/api/feeds", "/"):
        answer = client.get(path, headers=evil)
        assert answer.status_code == 200, path
        assert "evil.example" not in answer.text, path
    feeds = client.get("/api/feeds", headers=evil).json()
    assert feeds and all(f["url"].startswith("http://testserver/ical/") for f in feeds)


def test_without_a_base_url_links_start_at_the_site_root(site_dir: Path, tmp_path: Path) -> None:
    with fresh_client(site_dir, tmp_path, base_url=None) as rooted:
        feeds = rooted.get("/api/feeds", headers={"Host": "evil.example"}).json()
        assert feeds and all(f["url"].startswith("/ical/") for f in feeds)
        assert "evil.example" not in rooted.get("/calendars", headers={"Host": "evil.example"}).text


def test_paths_and_parameters_are_not_echoed_into_links(client: TestClient) -> None:
    missing = client.get("http://testserver//evil.example/")
    assert missing.status_code == 404
    assert 'href="//evil.example' not in missing.text
    switched = client.get('/?lang=en&next="><script>x</script>&day=2026-06-12')
    assert "next=" not in switched.text and "<script>x" not in switched.text
    assert "day=2026-06-12" in switched.text  # a known filter is kept on the switch
    login(client)
    page = client.get("/producer?done=<b>owned</b>").text
    assert "owned" not in page


def test_security_headers_on_every_response(client: TestClient) -> None:
    for path in ("/", "/api/feeds", "/nowhere", "/static/affiche.css", "/openapi.json"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp, path
        script = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
        assert "unsafe-inline" not in script, path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"], path


def test_credentials_are_checked_before_the_body_is_read(client: TestClient) -> None:
    sent = 0

    def body() -> Iterator[bytes]:
        nonlocal sent
        for _ in range(400):
            sent += 1
            yield b"x" * 1_000_000

    answer = client.post(
        "/api/producer/specs", content=body(), headers={"content-type": "application/json"}
    )
    assert answer.status_code == 401
    assert sent <= 2  # the 400 MB were not read
    wrong = client.post("/api/producer/specs", content=b"{}", headers={"authorization": "Bearer x"})
    assert wrong.status_code == 403


def test_a_body_over_the_limit_is_refused(site_dir: Path, tmp_path: Path) -> None:
    with fresh_client(site_dir, tmp_path, max_body_bytes=4096) as small:
        declared = small.post("/api/producer/specs", headers=auth(), content=b"x" * 5000)
        assert declared.status_code == 413

        def chunks() -> Iterator[bytes]:
            for _ in range(10):
                yield b"x" * 1000

        streamed = small.post("/api/producer/specs", headers=auth(), content=chunks())
        assert streamed.status_code == 413


def test_deep_json_is_a_client_error(client: TestClient) -> None:
    deep = b'{"name": "a", "content": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    answer = client.post(
        "/api/producer/specs", headers={**auth(), "content-type": "application/json"},
        content=deep,
    )
    assert answer.status_code in (400, 422)


def test_publish_refuses_a_non_http_base_url(client: TestClient) -> None:
    answer = client.post(
        "/api/producer/versions", headers=auth(), json={"base_url": "javascript:alert(1)"}
    )
    assert answer.status_code == 422
