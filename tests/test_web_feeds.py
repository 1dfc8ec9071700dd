"""Feeds, exports and the public JSON API over HTTP."""
# ruff: noqa: F811  (pytest fixtures imported from tests.test_web_support)

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.test_web_support import app, client, published_dir, site_dir  # noqa: F401


def test_ical_feeds_are_served_as_calendars(client: TestClient, site_dir) -> None:
    names = sorted(p.name for p in (site_dir / "ical").glob("*.ics"))
    assert "festival-webfest.ics" in names and "festival-webfest.fr.ics" in names
    for name in names:
        answer = client.get(f"/ical/{name}")
        assert answer.status_code == 200, name
        assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
        assert answer.text.startswith("BEGIN:VCALENDAR")
        assert answer.headers["etag"] and "max-age" in answer.headers["cache-control"]


def test_files_answer_304_on_if_none_match(client: TestClient) -> None:
    first = client.get("/ical/festival-webfest.ics")
    again = client.get(
        "/ical/festival-webfest.ics", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    pdf = client.get("/programme.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert (
        client.get("/programme.pdf", headers={"If-None-Match": pdf.headers["etag"]}).status_code
        == 304
    )


def test_unknown_feeds_and_traversal_are_404(client: TestClient) -> None:
    assert client.get("/ical/nope.ics").status_code == 404
    assert client.get("/ical/..%2Fschedule.ics").status_code == 404
    assert client.get("/ical/.hidden.ics").status_code == 404


def test_exports(client: TestClient) -> None:
    xml = client.get("/schedule.xml")
    assert xml.status_code == 200 and xml.headers["content-type"].startswith("application/xml")
    assert b"<schedule" in xml.content
    frab = client.get("/schedule.frab.json")
    assert frab.status_code == 200 and "schedule" in frab.json()


def test_json_api(client: TestClient) -> None:
    programme = client.get("/api/programme").json()
    assert [f["id"] for f in programme["festivals"]] == ["webfest"]
    assert len(programme["occurrences"]) == 5
    assert all(o["start"].endswith("+02:00") for o in programme["occurrences"])
    talks = client.get("/api/programme?kind=talk").json()["occurrences"]
    assert [o["item"] for o in talks] == ["talk"]
    item = client.get("/api/items/evil").json()
    assert item["title"]["en"].startswith("<script>") and len(item["occurrences"]) == 2
    venue = client.get("/api/venues/lac").json()["venue"]
    assert (venue["name"], venue["name_fr"]) == ("Stage on the lake", "Scène du lac")
    assert client.get("/api/artists/claire").json()["artist"]["name"] == "Claire Dumont"
    feeds = client.get("/api/feeds").json()
    assert {
        "kind": "venue",
        "id": "lac",
        "language": "fr",
        "url": "http://testserver/ical/venue-lac.fr.ics",
        "webcal": "webcal://testserver/ical/venue-lac.fr.ics",
    } in feeds


def test_openapi_lists_the_api_with_models(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path in (
        "/api/programme",
        "/api/items/{item_id}",
        "/api/producer/specs",
        "/api/producer/solves/{solve_id}",
        "/ical/{name}.ics",
        "/schedule.xml",
    ):
        assert path in schema["paths"], path
    components = schema["components"]["schemas"]
    for model in ("ProgrammePublic", "ItemPublic", "SpecCreate", "SolvePublic", "PinUpdate"):
        assert model in components
    assert "HTTPBearer" in schema["components"]["securitySchemes"]


def test_feeds_name_their_zone_and_have_no_empty_description(client: TestClient, site_dir) -> None:
    for path in sorted((site_dir / "ical").glob("*.ics")):
        lines = client.get(f"/ical/{path.name}").text.splitlines()
        assert "X-WR-TIMEZONE:Europe/Paris" in lines, path.name
        assert "DESCRIPTION:" not in lines, path.name


def test_personal_feed_holds_exactly_the_starred_occurrences(client: TestClient) -> None:
    uids = ["webfest.evil.1", "webfest.evil.2", "webfest.talk.1"]
    feed = client.get("/my.ics", params=[("uid", u) for u in uids])
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    found = sorted(line for line in feed.text.splitlines() if line.startswith("UID:"))
    assert found == sorted(f"UID:{u}@affiche" for u in uids)
    assert client.get("/my.ics", params={"uid": "nope"}).status_code == 404
    assert client.get("/my.ics").status_code == 404


def test_every_registered_export_is_served_with_its_content_type(client, site_dir) -> None:  # type: ignore[no-untyped-def]
    from affiche.programmes.publish.exporters import EXPORTERS

    for export in EXPORTERS:
        urls = list(export.files) or [
            export.url.format(name=path.name[: -len(export.suffix)]).lstrip("/")
            for path in sorted((site_dir / export.folder).glob(f"*{export.suffix}"))[:2]
        ]
        assert urls or export.name == "booklets", export.name  # booklets: several festivals
        for url in urls:
            answer = client.get(url if url.startswith("http") else f"/{url}")
            assert answer.status_code == 200, (export.name, url)
            assert answer.headers["content-type"].startswith(export.content_type.split(";")[0])


def test_each_festivals_booklet_is_served_and_listed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from affiche.programmes.publish import engine, publish_directory
    from affiche.programmes.schedule import save_schedule
    from affiche.web.app import create_app
    from tests.publish_builders import paris_and_tokyo
    from tests.test_web_support import make_settings

    site = tmp_path / "site"
    save_schedule(paris_and_tokyo(), site)
    publish_directory(site)
    assert engine.festival_booklet("tokyo", "fr") == "tokyo.fr.pdf"
    with TestClient(create_app(site, make_settings(tmp_path))) as client:
        page = client.get("/calendars", params={"lang": "en"}).text
        assert 'href="/booklets/tokyo.pdf"' in page and 'href="/booklets/nuits.fr.pdf"' in page
        assert "Tokyo Sound Days" in page.split('class="exports-top booklets"')[1]
        pdf = client.get("/booklets/tokyo.fr.pdf")
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
        assert client.get("/booklets/..%2Fschedule.pdf").status_code == 404
        assert client.get("/booklets/nope.pdf").status_code == 404


def test_json_api_takes_the_front_page_search_and_filters(client: TestClient) -> None:
    """`q`, `track` and `festival` as on the front page: every word, case and accents
    ignored, in both languages' titles, artists and venue names."""

    def items(query: str) -> list[str]:
        answer = client.get(f"/api/programme?{query}")
        assert answer.status_code == 200, answer.text
        return sorted({o["item"] for o in answer.json()["occurrences"]})

    assert items("q=ATELIER") == ["atelier"]  # the French title
    assert items("q=claire+dumont") == ["atelier", "voice"]  # an artist's name
    assert items("q=scène+du+LAC") == items("q=scene+du+lac") == ["evil"]  # accents ignored
    assert items("q=atelier+nowhere") == []  # every word must appear
    assert len(items("festival=webfest")) == 4 and items("festival=other") == []
    assert items("track=no-such-track") == []
    assert client.get("/api/programme?q=" + "x" * 201).status_code == 422
