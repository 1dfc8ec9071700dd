"""iCal feeds, read back with a second, strict parser (vobject) and checked line by line."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import vobject

from affiche.programmes.publish import ical, publish_directory
from affiche.programmes.publish.versions import occurrences_from_schedule, reconcile
from affiche.programmes.schedule import Placement, Schedule, save_schedule
from affiche.venues.timeutil import zone
from tests.publish_builders import MARKUP_TITLE, paris_and_tokyo

STAMP = datetime(2026, 3, 20, 9, 30, tzinfo=UTC)
BASE_URL = "https://example.org/fest"


def feeds_of(schedule: Schedule) -> list[ical.Feed]:
    occurrences, _ = reconcile(occurrences_from_schedule(schedule), None)
    return ical.collect_feeds(occurrences, {f.id: f.name for f in schedule.festivals})


def render_all(schedule: Schedule, zones: str, base_url: str | None = None) -> dict[str, bytes]:
    lookup = zone if zones == "pytz" else ZoneInfo
    return {
        feed.filename(lang): ical.serialize_calendar(
            ical.build_calendar(feed, lang, STAMP, base_url, zones=lookup)
        )
        for feed in feeds_of(schedule)
        for lang in ical.LANGUAGES
    }


def parse(data: bytes) -> vobject.base.Component:
    return vobject.readOne(data.decode("utf-8"), validate=True)


def tzid(prop: vobject.base.ContentLine) -> str:
    """The TZID a property was written with (vobject renames the parameter on parsing)."""
    return (prop.params.get("X-VOBJ-ORIGINAL-TZID") or prop.params["TZID"])[0]


def placements_by_uid(schedule: Schedule) -> dict[str, Placement]:
    return {f"{p.uid}@affiche": p for p in schedule.placements}


@pytest.fixture(params=["pytz", "zoneinfo"])
def zones(request: pytest.FixtureRequest) -> str:
    """Build the schedule and convert its times with pytz, then with zoneinfo."""
    return request.param


def test_feed_names_cover_festivals_artists_venues_in_both_languages() -> None:
    names = set(render_all(paris_and_tokyo(), "pytz"))
    for stem in (
        "festival-nuits",
        "festival-tokyo",
        "artist-ana",
        "artist-bo",
        "artist-cy",
        "venue-halle",
        "venue-cube",
        "venue-hall-t",
    ):
        assert {f"{stem}.ics", f"{stem}.fr.ics"} <= names


def test_every_instant_matches_the_schedule(zones: str) -> None:
    schedule = paris_and_tokyo(zones)
    expected = placements_by_uid(schedule)
    for name, data in render_all(schedule, zones).items():
        for event in parse(data).vevent_list:
            placement = expected[event.uid.value]
            assert event.dtstart.value.astimezone(UTC) == placement.start.astimezone(UTC), name
            assert event.dtend.value.astimezone(UTC) == placement.end.astimezone(UTC), name


def test_night_show_across_the_dst_change_keeps_its_local_times(zones: str) -> None:
    data = render_all(paris_and_tokyo(zones), zones)["festival-nuits.ics"]
    text = data.decode()
    night = text.split("UID:nuits.night.1@affiche")[0].rsplit("BEGIN:VEVENT", 1)[1]
    assert "DTSTART;TZID=Europe/Paris:20260329T010000" in night
    assert "DTEND;TZID=Europe/Paris:20260329T030000" in night  # one hour later: 02:00 skipped
    event = next(e for e in parse(data).vevent_list if e.uid.value == "nuits.night.1@affiche")
    elapsed = event.dtend.value.astimezone(UTC) - event.dtstart.value.astimezone(UTC)
    assert elapsed == timedelta(hours=1)


def test_wall_clock_time_inside_the_gap_is_exported_as_a_real_local_time() -> None:
    """zoneinfo arithmetic can give 02:30 on the spring-forward night: it is 03:30 CEST."""
    schedule = paris_and_tokyo("zoneinfo")
    paris = ZoneInfo("Europe/Paris")
    placements = [
        p.model_copy(update={"end": datetime(2026, 3, 29, 2, 30, tzinfo=paris)})
        if p.uid == "nuits.night.1"
        else p
        for p in schedule.placements
    ]
    schedule = schedule.model_copy(update={"placements": placements})
    text = render_all(schedule, "zoneinfo")["festival-nuits.ics"].decode()
    assert "DTEND;TZID=Europe/Paris:20260329T033000" in text
    assert "T023000" not in text


def test_rfc5545_lines(zones: str) -> None:
    for name, data in render_all(paris_and_tokyo(zones), zones, BASE_URL).items():
        assert data.endswith(b"\r\n"), name
        assert b"\n" not in data.replace(b"\r\n", b""), f"{name}: bare LF"
        lines = data.split(b"\r\n")[:-1]
        assert all(len(line) <= 75 for line in lines), name
        assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b"END:VCALENDAR"
        unfolded = data.decode().replace("\r\n ", "")
        assert "VERSION:2.0" in unfolded and "PRODID:" in unfolded


def test_long_utf8_text_is_folded_on_octets() -> None:
    schedule = paris_and_tokyo()
    long_title = "Écoute à l'aube, " * 20
    items = [
        i.model_copy(update={"title": i.title.model_copy(update={"fr": long_title})})
        for i in schedule.items
    ]
    data = render_all(schedule.model_copy(update={"items": items}), "pytz")
    for blob in data.values():
        assert all(len(line) <= 75 for line in blob.split(b"\r\n"))
    summaries = [e.summary.value for e in parse(data["festival-nuits.fr.ics"]).vevent_list]
    assert long_title in summaries


def test_every_tzid_has_a_vtimezone(zones: str) -> None:
    for name, data in render_all(paris_and_tokyo(zones), zones).items():
        text = data.decode().replace("\r\n ", "")
        used = set(re.findall(r";TZID=([^:;]+)", text))
        defined = set(re.findall(r"^TZID:([^\r\n]+)", text, flags=re.M))
        assert used and used <= defined, name
        cal = parse(data)
        assert {tz.tzid.value for tz in cal.vtimezone_list} == used


def test_uids_unique_stable_and_per_occurrence() -> None:
    data = render_all(paris_and_tokyo(), "pytz")["festival-nuits.ics"]
    uids = [e.uid.value for e in parse(data).vevent_list]
    assert len(uids) == len(set(uids)) == 6
    assert {"nuits.nuit.1@affiche", "nuits.nuit.2@affiche"} <= set(uids)


def test_touring_artist_feed_holds_both_zones(zones: str) -> None:
    data = render_all(paris_and_tokyo(zones), zones)["artist-ana.ics"]
    cal = parse(data)
    zone_names = {tzid(e.dtstart) for e in cal.vevent_list}
    assert zone_names == {"Europe/Paris", "Asia/Tokyo"}
    assert {tz.tzid.value for tz in cal.vtimezone_list} == zone_names
    tokyo = next(e for e in cal.vevent_list if e.uid.value.startswith("tokyo."))
    assert tokyo.dtstart.value.utcoffset() == timedelta(hours=9)


def test_event_content_per_language() -> None:
    data = render_all(paris_and_tokyo(), "pytz", BASE_URL)
    english = parse(data["festival-nuits.ics"])
    french = parse(data["festival-nuits.fr.ics"])
    event = next(e for e in english.vevent_list if e.uid.value == "nuits.nuit.1@affiche")
    assert event.summary.value == MARKUP_TITLE.en
    assert event.location.value == "Grande Halle, 211 avenue Jean Jaurès, Paris"
    assert "Ana Lumière" in event.description.value and "Bo <Kollektiv>" in event.description.value
    assert event.url.value == f"{BASE_URL}/item/nuit#nuits.nuit.1"
    assert event.status.value == "CONFIRMED" and event.sequence.value == "0"
    assert event.dtstamp.value == STAMP
    fr_event = next(e for e in french.vevent_list if e.uid.value == "nuits.nuit.1@affiche")
    assert fr_event.summary.value == MARKUP_TITLE.fr
    assert english.contents["x-wr-calname"][0].value == "Nuits numériques"


def test_no_url_without_base_url() -> None:
    for data in render_all(paris_and_tokyo(), "pytz").values():
        assert b"\r\nURL" not in data


def test_one_dtstamp_and_refresh_properties_per_feed() -> None:
    for data in render_all(paris_and_tokyo(), "pytz").values():
        text = data.decode()
        assert set(re.findall(r"DTSTAMP:(\S+)", text)) == {"20260320T093000Z"}
        assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in text
        assert "X-PUBLISHED-TTL:PT1H" in text


def test_published_files_parse(tmp_path: Path) -> None:
    save_schedule(paris_and_tokyo(), tmp_path)
    publish_directory(tmp_path, now=STAMP)
    files = sorted((tmp_path / "ical").glob("*.ics"))
    assert len(files) == 16
    expected = placements_by_uid(paris_and_tokyo())
    for path in files:
        for event in parse(path.read_bytes()).vevent_list:
            assert event.dtstart.value == expected[event.uid.value].start


def test_an_artists_feed_is_shown_in_the_artists_own_zone(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Ana lives in Tokyo: her feed's X-WR-TIMEZONE is Asia/Tokyo, each event keeps its
    festival's zone (the instant is right in any app) and says the time in hers."""
    from affiche.programmes.publish import engine

    monkeypatch.setattr(engine.pdf, "render_programme",
                        lambda schedule, occurrences, lang, path: path.write_bytes(b"%PDF-"))
    schedule = paris_and_tokyo()
    artists = [a.model_copy(update={"timezone": "Asia/Tokyo"}) if a.id == "ana" else a
               for a in schedule.artists]
    save_schedule(schedule.model_copy(update={"artists": artists}), tmp_path)
    publish_directory(tmp_path, now=STAMP)
    ana = parse((tmp_path / "ical" / "artist-ana.ics").read_bytes())
    assert ana.contents["x-wr-timezone"][0].value == "Asia/Tokyo"
    paris = next(e for e in ana.vevent_list if e.uid.value == "nuits.nuit.1@affiche")
    assert tzid(paris.dtstart) == "Europe/Paris"
    assert paris.description.value.startswith("Your time (Asia/Tokyo): 2026-03-29 05:00–06:30")
    tokyo = next(e for e in ana.vevent_list if e.uid.value.startswith("tokyo."))
    assert "Your time" not in tokyo.description.value  # already in her zone
    french = parse((tmp_path / "ical" / "artist-ana.fr.ics").read_bytes())
    assert "Votre heure (Asia/Tokyo) : 2026-03-29 05:00" in french.vevent_list[0].description.value
    bo = parse((tmp_path / "ical" / "artist-bo.ics").read_bytes())  # no zone of his own
    assert bo.contents["x-wr-timezone"][0].value == "Europe/Paris"
    assert "Your time" not in (tmp_path / "ical" / "festival-nuits.ics").read_text()


def test_fast_folding_gives_icalendars_own_bytes() -> None:
    """`fold` cuts where icalendar's char-by-char folding cuts: never inside a UTF-8
    character nor just after a backslash or caret (icalendar's own is the oracle)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from icalendar.parser.string import _foldline

    alphabet = st.sampled_from(list("ab \\^;,:é€😀\u2028") + ["x" * 10])

    @settings(max_examples=400, deadline=None)
    @given(st.lists(alphabet, max_size=60).map("".join))
    def same(text: str) -> None:
        line = "DESCRIPTION:" + text
        assert ical.fold(line.encode()) == _foldline(line).encode()

    same()
    for data in render_all(paris_and_tokyo(), "pytz", BASE_URL).values():
        cal = vobject.readOne(data.decode())  # parses; and the bytes are icalendar's
        assert cal is not None
    for feed in feeds_of(paris_and_tokyo()):
        built = ical.build_calendar(feed, "fr", STAMP, BASE_URL)
        assert ical.serialize_calendar(built) == built.to_ical()
