"""Audit of every public output served by the app: private items (a soundcheck, a closed
jury) answer nowhere public, whatever the route, while their artist's and venue's own feeds
hold them. Each test here stood for a leak found by crawling a published festival."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient

from affiche.cli import main
from affiche.web.app import create_app
from tests.builders import artist, festival, item, spec_data, write_yaml
from tests.test_web_support import make_settings

PRIVATE_WORDS = ("soundcheck", "balance du", "jury", "huis clos")
OWN_FEEDS = ("/ical/artist-", "/ical/venue-")  # the private items' own feeds hold them


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    tmp = tmp_path_factory.mktemp("audit")
    data = spec_data(
        festivals=[festival(items=[
            item("show", artists=["ana"], venues=["hall"]),
            item("soundcheck-show", duration=30, artists=["ana"], venues=["hall"],
                 title={"en": "Soundcheck of the show", "fr": "Balance du spectacle"},
                 private=True),
            item("jury", kind="meeting", duration=60, venues=["hall"], private=True,
                 title={"en": "Jury deliberation", "fr": "Délibération (huis clos)"}),
            item("get-in", duration=30, artists=["crew"], venues=["hall"], private=True,
                 title="Soundcheck crew get-in"),
        ])],
        artists=[artist("ana"), artist("crew", name="Crew only in private")],
    )
    spec, out = write_yaml(tmp / "fest.yaml", data), tmp / "out"
    assert main(["solve", str(spec), "--out", str(out), "--time-limit", "5", "--publish"]) == 0
    with TestClient(create_app(out, make_settings(tmp))) as client:
        yield client


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links += [v for k, v in attrs if k in ("href", "src") and v]


def crawl(client: TestClient, seeds: list[str]) -> dict[str, str]:
    """url -> text of every same-site page reachable from `seeds` (the producer's aside)."""
    seen: dict[str, str] = {}
    queue = list(seeds)
    while queue:
        parts = urlsplit(urljoin("http://testserver/", queue.pop()))
        url = parts.path + (f"?{parts.query}" if parts.query else "")
        if parts.netloc != "testserver" or url in seen or url.startswith("/producer"):
            continue
        answer = client.get(url)
        seen[url] = answer.text if "pdf" not in answer.headers.get("content-type", "") else ""
        if "html" in answer.headers.get("content-type", ""):
            parser = _Links()
            parser.feed(answer.text)
            queue += [link for link in parser.links if not link.startswith(("webcal:", "#"))]
    return seen


def test_no_public_page_feed_or_export_names_a_private_item(site: TestClient) -> None:
    pages = crawl(site, ["/", "/?lang=fr", "/grid", "/changes", "/my", "/calendars",
                         "/calendars?lang=fr", "/api/programme", "/api/feeds"])
    assert len(pages) > 10 and any(url.startswith(OWN_FEEDS) for url in pages)
    for url, text in pages.items():
        if url.startswith(OWN_FEEDS):
            continue
        assert not [w for w in PRIVATE_WORDS if w in text.lower()], url
    assert "Soundcheck of the show" in site.get("/ical/artist-ana.ics").text
    assert "Jury deliberation" in site.get("/ical/venue-hall.ics").text


@pytest.mark.parametrize("url", [
    "/item/soundcheck-show", "/item/jury", "/api/items/jury",
    # these two read the published versions, which keep private occurrences for the
    # artists' feeds: they answered a soundcheck's or a jury's uid with its time and title
    "/item/soundcheck-show/calendar.ics", "/item/jury/calendar.ics",
    "/my.ics?uid=fest.soundcheck-show.1", "/my.ics?uid=fest.jury.1",
])
def test_a_private_items_own_urls_answer_as_an_unknown_one(site: TestClient, url: str) -> None:
    answer = site.get(url)
    assert answer.status_code == 404
    unknown = site.get(url.replace("soundcheck-show", "nothing").replace("jury", "nothing"))
    assert unknown.status_code == 404
    assert "Soundcheck of" not in answer.text and "deliberation" not in answer.text


def test_an_artist_with_only_private_items_is_unknown_to_the_public(site: TestClient) -> None:
    for url in ("/artist/crew", "/api/artists/crew"):
        answer = site.get(url)
        assert answer.status_code == site.get(url.replace("crew", "nobody")).status_code, url
        assert "Crew only in private" not in answer.text, url


def test_the_public_items_urls_still_answer(site: TestClient) -> None:
    assert site.get("/item/show/calendar.ics").status_code == 200
    feed = site.get("/my.ics", params=[("uid", "fest.show.1"), ("uid", "fest.jury.1")])
    uids = [line for line in feed.text.splitlines() if line.startswith("UID:")]
    assert feed.status_code == 200 and uids == ["UID:fest.show.1@affiche"]


def test_a_french_feed_names_kinds_in_french(site: TestClient) -> None:
    """CATEGORIES carried the kind's id ("talk", "workshop") in every .fr.ics feed."""
    french = site.get("/ical/festival-fest.fr.ics").text
    assert "CATEGORIES:conférence" in french and "CATEGORIES:talk" not in french
    assert "CATEGORIES:talk" in site.get("/ical/festival-fest.ics").text


def test_the_producers_timeline_shows_the_private_items(site: TestClient) -> None:
    """Served from a CLI solve (no solve in the store), the timeline read the public
    programme and lost the soundcheck and the jury, which book their venue all the same."""
    from tests.test_web_support import TOKEN

    site.post("/producer/login", data={"token": TOKEN}, follow_redirects=False)
    try:
        page = site.get("/producer", params={"lang": "en"}).text
        assert 'class="timeline"' in page
        assert "Soundcheck of the show" in page and "Jury deliberation" in page
    finally:
        site.cookies.clear()
