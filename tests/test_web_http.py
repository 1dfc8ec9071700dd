"""HTTP of the public side: pages rendered once per version, HEAD, gzip, validators, static
lifetimes, links from the configured address; through the real app and a real publish."""
# ruff: noqa: F811  (pytest fixtures imported from tests.test_web_support)

from __future__ import annotations

import gzip
from email.utils import formatdate
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from affiche.programmes.publish import publish_directory
from affiche.programmes.schedule import load_schedule
from affiche.web import files
from affiche.web.pagecache import accepts_gzip
from tests.test_web_support import (  # noqa: F401  (fixtures)
    app,
    client,
    published_dir,
    site_dir,
)

FEED = "/ical/festival-webfest.ics"


def _republish_with_title(site: Path, title: str) -> None:
    schedule = load_schedule(site)
    items = [i.model_copy(update={"title": i.title.model_copy(update={"en": title})})
             if i.id == "talk" else i for i in schedule.items]
    publish_directory(site, base_url="http://testserver",
                      schedule=schedule.model_copy(update={"items": items}))


def test_a_page_is_rendered_once_per_version_and_again_after_a_publish(
    client: TestClient, app, site_dir: Path
) -> None:
    cache = app.state.page_cache
    first = client.get("/item/talk?lang=en")
    renders = cache.renders
    for _ in range(5):
        again = client.get("/item/talk?lang=en")
        assert again.status_code == 200 and again.content == first.content
    assert cache.renders == renders  # answered from memory
    _republish_with_title(site_dir, "A brand new title")
    fresh = client.get("/item/talk?lang=en")
    assert "A brand new title" in fresh.text and fresh.headers["etag"] != first.headers["etag"]
    assert cache.renders == renders + 1


def test_the_language_and_the_query_are_part_of_the_key(client: TestClient) -> None:
    english = client.get("/item/talk", headers={"Accept-Language": "en"})
    french = client.get("/item/talk", headers={"Accept-Language": "fr"})
    assert english.text != french.text and 'lang="fr"' in french.text
    assert client.get("/?kind=talk&lang=en").text != client.get("/?lang=en").text


def test_item_pages_list_the_feed_folder_once_per_version(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = files._read_feeds
    monkeypatch.setattr(files, "_read_feeds", lambda folder: calls.append(folder) or real(folder))
    files._listed.cache_clear()
    for item in ("talk", "atelier", "evil"):
        assert client.get(f"/item/{item}?lang=en").status_code == 200
    assert len(calls) == 1


@pytest.mark.parametrize("path", ["/", "/item/talk", "/calendars", FEED, "/api/programme",
                                  "/static/affiche.css"])
def test_head_answers_with_the_get_headers_and_no_body(client: TestClient, path: str) -> None:
    got = client.get(path, headers={"Accept-Encoding": "identity"})
    head = client.head(path, headers={"Accept-Encoding": "identity"})
    assert got.status_code == head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(got.content))
    assert head.headers["content-type"] == got.headers["content-type"]


@pytest.mark.parametrize("path", ["/?lang=en", "/item/talk?lang=en", FEED, "/api/programme",
                                  "/schedule.frab.json", "/schedule.xml"])
def test_html_json_and_ical_are_gzipped_when_asked(client: TestClient, path: str) -> None:
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    raw = client.build_request("GET", path, headers={"Accept-Encoding": "gzip"})
    packed = client.send(raw, stream=True)
    body = b"".join(packed.iter_raw())
    assert packed.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in packed.headers["vary"].lower()
    assert gzip.decompress(body) == plain.content and len(body) < len(plain.content)


def test_if_modified_since_as_well_as_if_none_match(client: TestClient) -> None:
    for path in ("/item/talk?lang=en", FEED):
        first = client.get(path)
        modified = first.headers["last-modified"]
        assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
        earlier = formatdate(0, usegmt=True)
        assert client.get(path, headers={"If-Modified-Since": earlier}).status_code == 200
        # If-None-Match wins over If-Modified-Since (RFC 9110 13.1.3)
        both = {"If-None-Match": '"other"', "If-Modified-Since": modified}
        assert client.get(path, headers=both).status_code == 200
        assert client.get(path, headers={"If-Modified-Since": "nonsense"}).status_code == 200
        unchanged = client.get(path, headers={"If-None-Match": first.headers["etag"]})
        assert unchanged.status_code == 304 and unchanged.content == b""


def test_static_files_say_how_long_to_keep_them(client: TestClient) -> None:
    css = client.get("/static/affiche.css")
    assert css.headers["cache-control"] == "public, max-age=3600"
    again = client.get("/static/affiche.css", headers={"If-None-Match": css.headers["etag"]})
    assert again.status_code == 304 and "max-age" in again.headers["cache-control"]


def test_cached_links_come_from_the_base_url_never_from_host(client: TestClient) -> None:
    forged = client.get("/item/talk?lang=en", headers={"Host": "evil.example"})
    honest = client.get("/item/talk?lang=en")
    assert forged.status_code == honest.status_code == 200
    assert "evil.example" not in forged.text and "evil.example" not in honest.text
    assert "http://testserver/item/talk" in honest.text


def test_the_producer_side_is_never_kept(client: TestClient, app) -> None:
    renders = app.state.page_cache.renders
    client.get("/producer")
    client.get("/producer")
    assert app.state.page_cache.renders == renders  # not even looked up
    assert not any(key[0].startswith("/producer") for key in app.state.page_cache.entries)


def test_security_headers_on_cached_and_304_answers(client: TestClient) -> None:
    first = client.get("/item/talk?lang=en")
    cached = client.get("/item/talk?lang=en")
    etag = first.headers["etag"]
    not_modified = client.get("/item/talk?lang=en", headers={"If-None-Match": etag})
    for answer in (cached, not_modified):
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert answer.headers["x-content-type-options"] == "nosniff"


def test_accept_encoding_parsing() -> None:
    assert accepts_gzip("gzip, deflate, br") and accepts_gzip("br;q=1, gzip;q=0.5")
    assert not accepts_gzip("gzip;q=0") and not accepts_gzip("br") and not accepts_gzip("")
    assert accepts_gzip("*") and not accepts_gzip("gzip;q=x")

