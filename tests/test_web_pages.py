"""Public pages over a real solved and published folder."""
# ruff: noqa: F811  (pytest fixtures imported from tests.test_web_support)

from __future__ import annotations

import html
import json
import re
from datetime import timedelta
from html import escape
from urllib.parse import parse_qs, urlparse

import pytest
import pytz
from fastapi.testclient import TestClient

from affiche.programmes.publish import publish_directory
from affiche.programmes.schedule import load_schedule, save_schedule
from affiche.web import public
from tests.test_web_support import (  # noqa: F401  (fixtures)
    EVIL_TITLE,
    app,
    client,
    first_timed,
    published_dir,
    site_dir,
)


def test_front_page_lists_the_programme_by_day(client: TestClient, site_dir) -> None:
    page = client.get("/", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Meeting point" in page.text and "Sound workshop" in page.text
    assert "Friday 15 June 2018" in page.text and "Thursday 14 June 2018" in page.text
    schedule = load_schedule(site_dir)
    for placement in schedule.placements:
        assert f'id="{placement.uid}"' in page.text


def test_titles_are_escaped_everywhere(client: TestClient) -> None:
    for url in ("/", "/item/evil", "/grid?day=2018-06-15", "/venue/lac", "/artist/oikawa"):
        text = client.get(url, headers={"Accept-Language": "en"}).text
        assert EVIL_TITLE not in text, url
        assert "<script>alert" not in text, url
        assert escape(EVIL_TITLE, quote=True) in text or "&lt;script&gt;" in text, url
    french = client.get("/item/evil?lang=fr").text
    assert "<b>gras</b>" not in french and "&lt;b&gt;gras&lt;/b&gt;" in french


def test_item_page_has_anchors_and_safe_json_ld(client: TestClient, site_dir) -> None:
    page = client.get("/item/evil", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert 'id="webfest.evil.1"' in page.text and 'id="webfest.evil.2"' in page.text
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page.text, re.S)
    assert len(scripts) == 1
    assert "</" not in scripts[0]
    events = json.loads(scripts[0])
    assert {e["@type"] for e in events} == {"Event"}
    assert events[0]["name"] == EVIL_TITLE
    assert events[0]["startDate"].endswith("+02:00")
    assert events[0]["location"]["name"] == "Stage on the lake"
    assert "webcal://testserver/ical/festival-webfest.ics" in page.text


def test_times_are_shown_in_the_festival_zone(client: TestClient, site_dir) -> None:
    placement = next(p for p in load_schedule(site_dir).placements if p.item == "talk")
    local = placement.start.astimezone(__import__("pytz").timezone("Europe/Paris"))
    page = client.get("/item/talk?lang=en")
    assert f'datetime="{local.isoformat()}"' in page.text
    assert local.strftime("%H:%M") in page.text


def test_filters_by_day_kind_tag_and_venue(client: TestClient) -> None:
    day = client.get("/?day=2018-06-14&lang=en").text
    assert "Sound workshop" in day and "Meeting point" not in day
    kind = client.get("/?kind=talk&lang=en").text
    assert "Meeting point" in kind and "Sound workshop" not in kind
    tag = client.get("/?tag=family&lang=en").text
    assert "Meeting point" in tag and "Sound workshop" in tag and "alert" not in tag
    venue = client.get("/?venue=lac&lang=en").text
    assert "&lt;script&gt;" in venue and "Meeting point" not in venue
    nothing = client.get("/?kind=screening&lang=en").text
    assert "Nothing matches these filters." in nothing
    assert client.get("/?day=not-a-day&lang=en").status_code == 200


def test_free_text_search_ignores_case_and_accents(client: TestClient) -> None:
    def titles(**params: str) -> list[str]:
        page = client.get("/", params={"lang": "en", **params}).text
        return re.findall(r'<p class="what"><a href="/item/(\w+)#', page)

    assert set(titles(q="SOUND")) == {"atelier"}  # "Sound workshop"
    assert set(titles(q="rendez")) == {"talk"}  # the French title counts too
    assert set(titles(q="claire")) == {"atelier", "voice"}  # artists' names
    assert set(titles(q="scene du LAC")) == {"evil"}  # "Scène du lac", accents ignored
    assert set(titles(q="claire sound")) == {"atelier"}  # every word must match
    assert titles(q="nothing-like-this") == []
    page = client.get("/", params={"lang": "fr", "q": "atelier"}).text
    assert '<label for="f-q">Rechercher' in page and 'value="atelier"' in page
    assert "q=atelier" in re.search(r'<a class="lang" href="([^"]+)"', page).group(1)


def test_filters_by_track_and_festival(client: TestClient, site_dir) -> None:
    schedule = load_schedule(site_dir)
    items = [i.model_copy(update={"track": "Sound art"}) if i.id in ("atelier", "evil") else i
             for i in schedule.items]
    save_schedule(schedule.model_copy(update={"items": items}), site_dir)
    grid = client.get("/grid", params={"lang": "en", "day": "2018-06-14"}).text
    assert '<span class="tr">Sound art</span>' in grid  # tracks show on the grid's blocks
    page = client.get("/", params={"lang": "en", "track": "Sound art"}).text
    assert set(re.findall(r'<p class="what"><a href="/item/(\w+)#', page)) == {"atelier", "evil"}
    assert '<label for="f-track">Track</label>' in page
    assert '<option value="Sound art" selected>' in page
    french = client.get("/", params={"lang": "fr"}).text
    assert '<label for="f-track">Thème</label>' in french
    assert client.get("/", params={"festival": "webfest", "q": "meeting"}).text.count(
        'class="occ kind-') == 1
    assert 'class="occ kind-' not in client.get("/", params={"festival": "other"}).text


def test_grid_places_venues_side_by_side(client: TestClient) -> None:
    page = client.get("/grid?day=2018-06-15&lang=en")
    assert page.status_code == 200
    assert "Stage on the lake" in page.text and "Salle des arts" in page.text
    assert "Scène du lac" not in page.text
    assert page.text.count('class="block kind-') == 3
    assert client.get("/grid?day=2030-01-01").status_code == 404
    assert client.get("/grid").status_code == 200


def test_grid_columns_follow_the_producers_venue_order(site_dir) -> None:
    """The spec lists lac before salle; reversed in schedule.json, the grid follows."""
    from affiche.web.programme import build_grid, build_programme

    schedule = load_schedule(site_dir)
    for order in (schedule.venues, list(reversed(schedule.venues))):
        programme = build_programme(schedule.model_copy(update={"venues": order}))
        festival = programme.schedule.festivals[0]
        grids = [build_grid(festival, d, programme.occurrences, programme.schedule.venues)
                 for d in programme.days()]
        for grid in (g for g in grids if g and len(g.venues) > 1):
            wanted = [v.id for v in order if v.id in {w.id for w in grid.venues}]
            assert [v.id for v in grid.venues] == wanted


def test_grid_blocks_start_and_end_on_their_own_minutes(site_dir) -> None:
    from affiche.web.programme import GRID_MINUTES, build_grid, build_programme

    programme = build_programme(load_schedule(site_dir))
    for day in programme.days():
        grid = build_grid(programme.schedule.festivals[0], day, programme.occurrences)
        assert grid is not None
        first = grid.hours[0][1]
        for block in grid.blocks:
            occ = block.occurrence
            assert (block.row_start - 2) * GRID_MINUTES == (occ.start - first).seconds // 60
            assert (block.row_end - 2) * GRID_MINUTES == (occ.end - first).seconds // 60
        assert GRID_MINUTES <= 5 and 0.4 <= grid.row_rem <= 1.2


def test_grid_blocks_name_their_artists(client: TestClient) -> None:
    page = client.get("/grid?day=2018-06-15&lang=en").text
    assert re.search(r'<span class="who">Junya Oikawa</span>', page)


def test_venue_and_artist_pages_link_their_feeds(client: TestClient) -> None:
    venue = client.get("/venue/lac?lang=en")
    assert venue.status_code == 200 and "/ical/venue-lac.ics" in venue.text
    artist = client.get("/artist/claire?lang=en")
    assert "Voice Landscape" in artist.text and "/ical/artist-claire.ics" in artist.text
    assert "webcal://testserver/ical/artist-claire.ics" in artist.text


def test_calendars_page_lists_every_feed_present(client: TestClient, site_dir) -> None:
    page = client.get("/calendars?lang=en").text
    for path in (site_dir / "ical").glob("*.ics"):
        assert f"http://testserver/ical/{path.name}" in page
        assert f"webcal://testserver/ical/{path.name}" in page
    assert 'href="/programme.pdf"' in page


def test_a_long_list_of_artists_calendars_goes_by_initial(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past LETTERS_AT artists (FOSDEM: 927, 6,700 nodes) the calendars page lists one
    initial at a time; festivals and venues stay whole."""
    assert public.initial("Élodie") == "E" and public.initial("42 crew") == "#"
    monkeypatch.setattr(public, "LETTERS_AT", 1)
    page = client.get("/calendars", params={"lang": "en"}).text
    artists = page.split('id="artist-feeds"')[1]
    assert re.findall(r'letter=(\w)#artist-feeds"', artists) == ["C", "J"]
    assert "Junya Oikawa" not in artists and "Claire Dumont" not in artists
    assert "Stage on the lake" in page  # venues listed whole
    picked = client.get("/calendars", params={"lang": "en", "letter": "j"}).text
    assert "Junya Oikawa" in picked and "Claire Dumont" not in picked
    assert 'aria-current="page">J<' in picked


def test_language_negotiation_switch_and_cookie(client: TestClient) -> None:
    french = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert '<html lang="fr">' in french.text and "Rendez-vous" in french.text
    assert "vendredi 15 juin 2018" in french.text
    english = client.get("/", headers={"Accept-Language": "de, en;q=0.4, fr;q=0.3"})
    assert '<html lang="en">' in english.text
    switched = client.get("/?lang=fr", headers={"Accept-Language": "en"})
    assert switched.cookies.get("lang") == "fr"
    assert 'href="/?lang=en"' in switched.text
    remembered = client.get("/item/talk", headers={"Accept-Language": "en"})
    assert '<html lang="fr">' in remembered.text


def test_unknown_ids_answer_404_in_the_chosen_language(client: TestClient) -> None:
    for url in ("/item/nope", "/venue/nope", "/artist/nope", "/no/such/page"):
        english = client.get(url, headers={"Accept-Language": "en"})
        assert english.status_code == 404 and "Page not found" in english.text, url
    french = client.get("/item/nope?lang=fr")
    assert french.status_code == 404 and "Page introuvable" in french.text
    assert client.get("/api/items/nope").json()["detail"]


def test_now_and_next_uses_the_injected_clock(client: TestClient, site_dir) -> None:
    current = first_timed(site_dir)
    page = client.get("/?lang=en").text
    assert "Now and next" in page
    now_section = page.split('class="occs now"')[1].split("</ul>")[0]
    assert f'id="{current.uid}"' in now_section
    assert "Now and next" not in client.get("/?kind=talk&lang=en").text


def test_pages_have_etags_and_answer_304(client: TestClient) -> None:
    first = client.get("/item/talk?lang=en")
    etag = first.headers["etag"]
    assert "max-age" in first.headers["cache-control"]
    again = client.get("/item/talk?lang=en", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    other = client.get("/item/talk?lang=fr", headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_static_css_and_focus_styles(client: TestClient) -> None:
    css = client.get("/static/affiche.css")
    assert css.status_code == 200 and ":focus-visible" in css.text


def test_french_pages_use_french_venue_names_and_labels(client: TestClient) -> None:
    """Issue 13, item 7: the French edition says "Scène du lac", never "Stage on the lake"."""
    for path in ("/grid?day=2018-06-15", "/venue/lac", "/item/evil", "/", "/calendars"):
        page = client.get(path, params={"lang": "fr"})
        assert page.status_code == 200, path
        assert "Scène du lac" in page.text, path
        assert "Stage on the lake" not in page.text, path
    home = client.get("/", params={"lang": "fr"}).text
    assert ">en famille</option>" in home and ">conférence</option>" in home
    item = client.get("/item/evil", params={"lang": "fr"}).text
    events = json.loads(re.findall(r'application/ld\+json">(.*?)</script>', item, re.S)[0])
    assert events[0]["location"]["name"] == "Scène du lac"


def test_french_feeds_use_french_venue_names(client: TestClient) -> None:
    french = client.get("/ical/venue-lac.fr.ics").text.replace("\r\n ", "")
    english = client.get("/ical/venue-lac.ics").text.replace("\r\n ", "")
    assert "LOCATION:Scène du lac" in french and "X-WR-CALNAME:Scène du lac : programme" in french
    assert "LOCATION:Stage on the lake" in english and "Scène du lac" not in english


def _day_sections(html: str) -> dict[str, str]:
    parts = re.split(r'<section class="day" aria-labelledby="day-webfest-', html)[1:]
    return {part[:10]: part for part in parts}


def test_installations_are_listed_on_every_day_they_are_open(client: TestClient) -> None:
    days = _day_sections(client.get("/?lang=en").text)
    assert sorted(days) == ["2018-06-14", "2018-06-15"]
    for day, section in days.items():
        assert "Installations open this day" in section, day
        assert "Voice Landscape" in section, day
    assert days["2018-06-14"].count('id="webfest.voice.1"') == 1  # its anchor: the first day
    assert 'id="webfest.voice.1"' not in days["2018-06-15"]
    one_day = _day_sections(client.get("/?day=2018-06-15&lang=fr").text)
    assert list(one_day) == ["2018-06-15"]
    assert "Installations ouvertes ce jour" in one_day["2018-06-15"]
    assert "Voice Landscape" in one_day["2018-06-15"]


def test_every_page_has_its_own_title_description_and_favicon(client: TestClient) -> None:
    pages = ("/", "/grid?day=2018-06-15", "/venue/lac", "/artist/claire", "/item/talk",
             "/calendars")
    titles, descriptions = set(), set()
    for path in pages:
        html = client.get(path, headers={"Accept-Language": "en"}).text
        title = re.search(r"<title>(.*?)</title>", html, re.S)
        description = re.search(r'<meta name="description" content="([^"]+)">', html)
        assert title and title.group(1).strip(), path
        assert description and len(description.group(1)) > 20, path
        assert re.search(r'rel="icon" href="[^"]*/static/favicon\.svg"', html), path
        titles.add(title.group(1))
        descriptions.add(description.group(1))
    assert len(titles) == len(pages) and len(descriptions) == len(pages)
    assert "Web Fest" in client.get("/").text.split("</title>")[0]
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.text.startswith("<svg")


def _republish_with_changes(site_dir) -> None:  # type: ignore[no-untyped-def]
    """Version 2: the talk moves one hour later, the workshop is dropped (cancelled)."""
    schedule = load_schedule(site_dir)
    placements = []
    for p in schedule.placements:
        if p.item == "atelier":
            continue
        if p.item == "talk":
            p = p.model_copy(
                update={"start": p.start + timedelta(hours=1), "end": p.end + timedelta(hours=1)}
            )
        placements.append(p)
    save_schedule(schedule.model_copy(update={"placements": placements}), site_dir)
    publish_directory(site_dir)


def test_cancelled_and_moved_items_say_so(client: TestClient, site_dir) -> None:
    before = next(p for p in load_schedule(site_dir).placements if p.item == "talk")
    _republish_with_changes(site_dir)
    cancelled = client.get("/item/atelier", params={"lang": "en"})
    assert cancelled.status_code == 200
    assert "Cancelled" in cancelled.text and "Sound workshop" in cancelled.text
    ld = json.loads(re.findall(r'application/ld\+json">(.*?)</script>', cancelled.text, re.S)[0])
    assert [e["eventStatus"] for e in ld] == ["https://schema.org/EventCancelled"]
    french = client.get("/item/atelier", params={"lang": "fr"}).text
    assert "Annulé" in french and "Atelier son" in french
    moved = client.get("/item/talk", params={"lang": "en"}).text
    assert "Rescheduled" in moved
    previous = before.start.astimezone(pytz.timezone("Europe/Paris"))
    assert f"previously <time datetime=\"{previous.isoformat()}\">" in moved
    events = json.loads(re.findall(r'application/ld\+json">(.*?)</script>', moved, re.S)[0])
    assert events[0]["eventStatus"] == "https://schema.org/EventRescheduled"
    assert events[0]["previousStartDate"] == previous.isoformat()
    assert client.get("/item/never-was").status_code == 404


def test_the_changes_page_lists_each_versions_changes(client: TestClient, site_dir) -> None:
    first = client.get("/changes", params={"lang": "en"})
    assert first.status_code == 200 and "The first published programme" in first.text
    _republish_with_changes(site_dir)
    page = client.get("/changes", params={"lang": "en"}).text
    assert page.index("Version 2") < page.index("Version 1")
    moved = page.split("Rescheduled (1)")[1].split("</ul>")[0]
    assert "Meeting point" in moved and "previously" in moved
    cancelled = page.split("Cancelled (1)")[1].split("</ul>")[0]
    assert "Sound workshop" in cancelled and 'href="/item/atelier#webfest.atelier.1"' in cancelled
    assert client.get("/item/atelier").status_code == 200  # the link it gives answers
    french = client.get("/changes", params={"lang": "fr", "version": "2"}).text
    assert "Atelier son" in french and "Annulé (1)" in french and "Version 1" not in french
    assert client.get("/changes", params={"version": "9"}).status_code == 404


def test_the_changes_page_reads_only_the_versions_it_shows(
    client: TestClient, site_dir, monkeypatch: pytest.MonkeyPatch
) -> None:
    _republish_with_changes(site_dir)  # version 2
    _republish_with_changes(site_dir)  # version 3: the talk moves again
    monkeypatch.setattr(public, "CHANGES_SHOWN", 1)
    read: list[str] = []
    cached = public._cached_version
    monkeypatch.setattr(public, "_cached_version", lambda path: read.append(path.name)
                        or cached(path))
    page = client.get("/changes", params={"lang": "en"}).text
    assert "Version 3" in page and "Version 2<" not in page and "Rescheduled (1)" in page
    assert read == ["0002.json", "0003.json"]
    assert "Cancelled (1)" not in page  # the workshop was cancelled in version 2, not 3
    read.clear()
    assert "Cancelled (1)" in client.get("/changes", params={"version": "2"}).text
    assert read == ["0001.json", "0002.json"]


def test_the_front_page_points_to_the_latest_changes(client: TestClient, site_dir) -> None:
    assert "changes-note" not in client.get("/", params={"lang": "en"}).text  # version 1
    _republish_with_changes(site_dir)
    page = client.get("/", params={"lang": "en"}).text
    note = re.search(r'<p class="notice changes-note"[^>]*><a href="([^"]+)">([^<]+)<', page)
    assert note and note.group(1) == "/changes?version=2"
    assert "1 rescheduled, 1 cancelled, 0 new" in note.group(2)
    talk = page.split('id="webfest.talk.1"')[1].split("</li>")[0]
    assert '<strong class="changed-badge">Rescheduled</strong>' in talk
    evil = page.split('id="webfest.evil.1"')[1].split("</li>")[0]
    assert "changed-badge" not in evil
    assert "1 déplacement(s)" in client.get("/", params={"lang": "fr"}).text


def test_unchanged_item_is_not_marked_rescheduled(client: TestClient, site_dir) -> None:
    _republish_with_changes(site_dir)
    page = client.get("/item/evil", params={"lang": "en"}).text
    assert "Rescheduled" not in page and "previousStartDate" not in page


def test_item_calendar_download_and_google_link(client: TestClient) -> None:
    page = client.get("/item/evil", params={"lang": "en"}).text
    assert 'href="http://testserver/item/evil/calendar.ics"' in page
    links = re.findall(r'href="(https://calendar\.google\.com/[^"]+)"', page)
    assert len(links) == 2
    query = parse_qs(urlparse(html.unescape(links[0])).query)
    assert query["action"] == ["TEMPLATE"] and query["ctz"] == ["Europe/Paris"]
    assert re.fullmatch(r"\d{8}T\d{6}Z/\d{8}T\d{6}Z", query["dates"][0])
    assert query["text"] == [EVIL_TITLE]
    ics = client.get("/item/evil/calendar.ics")
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    assert ics.text.count("BEGIN:VEVENT") == 2 and "UID:webfest.evil.1@affiche" in ics.text
    assert client.get("/item/nope/calendar.ics").status_code == 404


def test_a_large_programme_opens_on_days_and_venues(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past OVERVIEW_AT occurrences the front page lists days and venues with counts (the
    FOSDEM front page goes from 424 KB to 10 KB); a day or a venue shows the items."""
    small = client.get("/?lang=en").text
    assert 'class="venue-counts"' not in small and '<section class="day" aria' in small
    monkeypatch.setattr(public, "OVERVIEW_AT", 2)
    client.app.state.page_cache.clear()  # type: ignore[attr-defined]  # rendered per version
    big = client.get("/?lang=en").text
    assert 'class="venue-counts"' in big and '<section class="day" aria' not in big
    assert 'href="/?day=2018-06-15&amp;venue=salle"' in big
    assert 'href="/?day=2018-06-15"' in big
    day = client.get("/?day=2018-06-15&lang=en").text
    assert '<section class="day" aria' in day and 'class="venue-counts"' not in day
    assert "Meeting point" in day
