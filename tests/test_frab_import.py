"""The frab importer: real published schedules, a hand-made DST schedule, every error path."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from lxml import etree

from affiche.programmes.errors import SpecError
from affiche.programmes.frab_import import kind_of, load_frab, looks_like_frab, parse_duration
from affiche.programmes.model import Kind, Spec
from affiche.programmes.validate import check_references
from affiche.venues.timeutil import localize, programme_day

DATA = Path(os.environ.get("AFFICHE_SHARED_DATA")
            or Path(__file__).resolve().parents[2] / "shared" / "data")
SCHEDULES = DATA / "schedules"

# Persons whose own published events overlap (checked by hand against the files; the data
# README says FOSDEM 2026: 2 and 39C3: 5, but FOSDEM 2026's second "double booking" is
# one person listed twice in one event, and 39C3's five are the overlapping event pairs of
# one person, elzbeth, who with ghenny makes two persons).
DOUBLE_BOOKED = {
    "fosdem-2026.xml": {"Alexander Zaitsev"},
    "fosdem-2019.xml": set(),
    "ccc-39c3-20251206.xml": {"elzbeth", "ghenny (She / Her)"},
    "ccc-31c3.xml": {"Fefe", "Ron"},
    "camp2019-frab.json": set(),
    "rc3-pretalx.json": set(),
    "democon-pretalx.json": {"Stephanie Hudson"},
}


def real(name: str) -> Path:
    path = SCHEDULES / name
    if not path.is_file():
        pytest.skip(f"reference schedule {path} is absent (see shared/data/README.md)")
    return path


# ----------------------------------------------------------------------------------------
# An independent reading of the published events, to compare the import against


@dataclass
class Published:
    id: str
    day: date
    room: str
    start: datetime
    minutes: int
    track: str | None


def minutes_of(text: str) -> int:
    parts = [int(part) for part in text.split(":")]
    return parts[0] * 60 + parts[1] + (1 if len(parts) > 2 and parts[2] else 0)


def published_xml(path: Path) -> list[Published]:
    root = etree.parse(str(path)).getroot()
    events = []
    for day in root.iterfind("day"):
        day_date = date.fromisoformat(day.get("date"))
        for room in day.iterfind("room"):
            for event in room.iterfind("event"):
                stamp = event.findtext("date")
                if stamp:
                    start = datetime.fromisoformat(stamp)
                else:  # FOSDEM 2019: day date + wall clock in Brussels, all in daytime
                    clock = datetime.strptime(event.findtext("start"), "%H:%M").time()
                    start = localize(datetime.combine(day_date, clock), "Europe/Brussels")
                events.append(
                    Published(
                        event.get("id"), day_date, room.get("name"), start,
                        minutes_of(event.findtext("duration")), event.findtext("track") or None,
                    )
                )
    return events


def published_json(path: Path) -> list[Published]:
    conference = json.loads(path.read_text(encoding="utf-8"))["schedule"]["conference"]
    return [
        Published(
            str(event["id"]), date.fromisoformat(day["date"]), room,
            datetime.fromisoformat(event["date"]), minutes_of(event["duration"]),
            event.get("track") or None,
        )
        for day in conference["days"]
        for room, events in day["rooms"].items()
        for event in events
    ]


def published(path: Path) -> list[Published]:
    return published_xml(path) if path.suffix == ".xml" else published_json(path)


@pytest.fixture(scope="module", params=sorted(DOUBLE_BOOKED))
def imported(request: pytest.FixtureRequest) -> tuple[str, Spec, list[str], list[Published]]:
    path = real(request.param)
    spec, warnings = load_frab(path, keep_times=True)
    return request.param, spec, warnings, published(path)


# ----------------------------------------------------------------------------------------
# Real schedules


def test_real_schedules_look_like_frab(imported) -> None:
    name, _, _, _ = imported
    assert looks_like_frab(SCHEDULES / name)


def test_every_event_becomes_one_item_with_its_duration_and_day(imported) -> None:
    _, spec, _, events = imported
    items = {item.id: item for item in spec.festivals[0].items}
    assert len(spec.festivals[0].items) == len(events)
    assert set(items) == {event.id for event in events}
    for event in events:
        assert items[event.id].duration == event.minutes, event.id
        assert items[event.id].days == [event.day], event.id


def test_day_start_hour_puts_every_event_on_its_published_day(imported) -> None:
    _, spec, _, events = imported
    festival = spec.festivals[0]
    for event in events:
        assert programme_day(event.start, festival.timezone, festival.day_start_hour) == event.day


def test_rooms_are_open_exactly_around_their_published_events(imported) -> None:
    _, spec, _, events = imported
    festival = spec.festivals[0]
    venue_of = {venue.name: venue for venue in festival.venues}
    assert set(venue_of) == {event.room for event in events}
    spans: dict[tuple[str, date], list[datetime]] = {}
    for event in events:
        end = event.start + timedelta(minutes=event.minutes)
        window = [w for w in venue_of[event.room].open if w.start <= event.start and end <= w.end]
        assert len(window) == 1, (event.id, event.room)
        first, last = spans.setdefault((event.room, event.day), [event.start, end])
        spans[(event.room, event.day)] = [min(first, event.start), max(last, end)]
    for (room, _), (first, last) in spans.items():
        assert any(w.start == first and w.end == last for w in venue_of[room].open), room
    assert all(venue.changeover_minutes == 0 for venue in festival.venues)
    assert festival.default_walking_minutes == 0


def test_items_may_use_every_room_of_their_track(imported) -> None:
    _, spec, _, events = imported
    festival = spec.festivals[0]
    venue_id = {venue.name: venue.id for venue in festival.venues}
    rooms_of_track: dict[str, set[str]] = {}
    for event in events:
        if event.track:
            rooms_of_track.setdefault(event.track, set()).add(venue_id[event.room])
    items = {item.id: item for item in festival.items}
    for event in events:
        item = items[event.id]
        assert venue_id[event.room] in item.venues
        expected = rooms_of_track[event.track] if event.track else {venue_id[event.room]}
        assert set(item.venues) == expected, event.id


def test_double_booked_persons_are_warned_about_and_exempted(imported) -> None:
    name, spec, warnings, _ = imported
    flagged = {artist.name for artist in spec.artists if artist.may_double_book}
    assert flagged == DOUBLE_BOOKED[name]
    double_warnings = [w for w in warnings if "double-booked" in w]
    assert len(double_warnings) == (1 if flagged else 0)  # one summary line per kind
    for person in flagged:
        assert f"{len(flagged)} persons double-booked" in double_warnings[0]
        assert f"person {person} " in double_warnings[0], person


def test_kept_times_are_pins_at_the_published_instants(imported) -> None:
    _, spec, _, events = imported
    festival = spec.festivals[0]
    venue_id = {venue.name: venue.id for venue in festival.venues}
    items = {item.id: item for item in festival.items}
    for event in events:
        (pin,) = items[event.id].pins
        assert (pin.occurrence, pin.venue, pin.start) == (1, venue_id[event.room], event.start)
        assert pin.start.utcoffset() is not None


def test_real_imports_pass_the_spec_checks(imported) -> None:
    _, spec, _, _ = imported
    assert check_references(spec) == []
    artists = {artist.id for artist in spec.artists}
    assert all(set(item.artists) <= artists for item in spec.festivals[0].items)


def test_published_times_are_forgotten_by_default() -> None:
    spec, _ = load_frab(real("ccc-31c3.xml"))
    assert all(item.pins == [] for item in spec.festivals[0].items)


def test_fosdem_2026_festival_and_persons() -> None:
    spec, warnings = load_frab(real("fosdem-2026.xml"))
    festival = spec.festivals[0]
    assert (festival.id, festival.name, festival.timezone) == (
        "fosdem-2026", "FOSDEM 2026", "Europe/Brussels"
    )
    assert (festival.start, festival.end, festival.day_start_hour) == (
        date(2026, 1, 31), date(2026, 2, 1), 4
    )
    assert len(spec.artists) == 927
    welcome = next(item for item in festival.items if item.id == "8376")
    assert welcome.artists == ["p2"] and welcome.kind is Kind.talk
    assert welcome.description.en == "FOSDEM welcome and opening talk."
    assert welcome.description_html is not None
    assert welcome.description_html.en == "<p>FOSDEM welcome and opening talk.</p>"
    assert any("9796" in w and "listed twice" in w for w in warnings)


def test_fosdem_2019_without_offsets_or_time_zone_name_reads_brussels_time() -> None:
    spec, warnings = load_frab(real("fosdem-2019.xml"))
    festival = spec.festivals[0]
    assert festival.timezone == "Europe/Brussels"
    assert any("Europe/Brussels" in w for w in warnings)
    venue = next(v for v in festival.venues if v.name == "Janson")
    assert venue.open[0].start == datetime(2019, 2, 2, 8, 30, tzinfo=UTC)  # 09:30 CET


def test_39c3_links_with_child_elements_do_not_leak_into_the_event() -> None:
    spec, _ = load_frab(real("ccc-39c3-20251206.xml"))
    item = next(i for i in spec.festivals[0].items if i.id == "1254")
    assert item.title.en == "All my Deutschlandtickets gone: Fraud at an industrial scale"
    assert item.kind is Kind.talk and item.track == "Security" and item.language == "en"


# ----------------------------------------------------------------------------------------
# A hand-made schedule across the spring daylight-saving change (Paris, 29 March 2026)

DST_XML = """<?xml version="1.0" encoding="UTF-8"?>
<schedule>
  <conference>
    <acronym>nuit blanche/26</acronym>
    <title>Nuit &amp; jour</title>
    <start>2026-03-28</start>
    <end>2026-03-30</end>
    <time_zone_name>Europe/Paris</time_zone_name>
  </conference>
  <day index="1" date="2026-03-28">
    <room name="Grande salle">
      <event id="101">
        <date>2026-03-28T22:00:00+01:00</date>
        <duration>01:00</duration>
        <title>&lt;b&gt;&amp;amp;"&lt;/b&gt; late</title>
        <abstract>Plain &lt;i&gt;text&lt;/i&gt;</abstract>
        <track>Music</track>
        <type>DJ set</type>
        <language>fr</language>
        <persons><person id="7">Ada</person><person id="8">Bo</person></persons>
        <links><link href="https://example.org"><type>related</type><title>x</title></link></links>
      </event>
      <event id="102">
        <date>2026-03-29T01:30:00+01:00</date>
        <duration>01:00</duration>
        <title>After midnight</title>
        <track>Music</track>
        <type>concert</type>
        <persons><person id="7">Ada</person></persons>
      </event>
    </room>
    <room name="Petite salle">
      <event id="103">
        <date>2026-03-28T22:30:00+01:00</date>
        <duration>0:45:00</duration>
        <title>Overlaps Ada's set</title>
        <type>Workshop 45 min</type>
        <persons><person id="7">Ada</person></persons>
      </event>
    </room>
  </day>
  <day index="2" date="2026-03-29">
    <room name="Petite salle">
      <event id="201">
        <date>2026-03-29T10:00:00+02:00</date>
        <duration>00:30</duration>
        <title>Summer time</title>
        <track>Music</track>
        <type>film screening</type>
      </event>
    </room>
  </day>
</schedule>
"""


def write(tmp_path: Path, text: str, name: str = "schedule.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_dst_schedule_keeps_the_night_on_its_programme_day(tmp_path: Path) -> None:
    spec, warnings = load_frab(write(tmp_path, DST_XML))
    festival = spec.festivals[0]
    items = {item.id: item for item in festival.items}
    assert (festival.id, festival.name, festival.timezone) == (
        "nuit-blanche-26", "Nuit & jour", "Europe/Paris"
    )
    assert festival.day_start_hour == 4
    assert items["102"].days == [date(2026, 3, 28)]
    assert items["201"].days == [date(2026, 3, 29)]
    grande = next(v for v in festival.venues if v.name == "Grande salle")
    (window,) = grande.open
    assert window.start == datetime(2026, 3, 28, 21, 0, tzinfo=UTC)
    assert window.end == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 summer time
    assert window.end.utcoffset() == timedelta(hours=2)
    assert window.end - window.start == timedelta(hours=4, minutes=30)
    assert items["103"].duration == 45 and not any("rounded" in w for w in warnings)


def test_titles_are_kept_exactly_and_html_abstracts_become_plain_and_safe_html(
    tmp_path: Path,
) -> None:
    spec, _ = load_frab(write(tmp_path, DST_XML))
    item = next(i for i in spec.festivals[0].items if i.id == "101")
    assert item.title.en == item.title.fr == '<b>&amp;"</b> late'
    assert item.description.en == item.description.fr == "Plain text"
    assert item.description_html is not None
    assert item.description_html.en == "Plain <i>text</i>"


def test_kinds_tracks_and_persons_of_the_hand_made_schedule(tmp_path: Path) -> None:
    spec, warnings = load_frab(write(tmp_path, DST_XML))
    festival = spec.festivals[0]
    items = {item.id: item for item in festival.items}
    ids = {venue.name: venue.id for venue in festival.venues}
    assert ids == {"Grande salle": "Grande-salle", "Petite salle": "Petite-salle"}
    assert [items[i].kind for i in ("101", "102", "103", "201")] == [
        Kind.concert, Kind.concert, Kind.workshop, Kind.screening
    ]
    assert set(items["101"].venues) == {"Grande-salle", "Petite-salle"}  # track Music
    assert items["103"].venues == ["Petite-salle"]  # no track: its own room
    assert items["101"].artists == ["p7", "p8"] and items["101"].language == "fr"
    ada = next(artist for artist in spec.artists if artist.id == "p7")
    assert ada.may_double_book and ada.name == "Ada"
    assert not next(artist for artist in spec.artists if artist.id == "p8").may_double_book
    assert any("Ada (p7)" in w and "101 and 103" in w for w in warnings)


def test_keep_times_pins_the_published_instants_across_dst(tmp_path: Path) -> None:
    spec, _ = load_frab(write(tmp_path, DST_XML), keep_times=True)
    pins = {item.id: item.pins for item in spec.festivals[0].items}
    assert pins["102"][0].start == datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    assert pins["102"][0].venue == "Grande-salle"
    assert pins["201"][0].start == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)
    assert pins["201"][0].start.utcoffset() == timedelta(hours=2)


def test_wall_clock_times_without_offset_are_read_in_the_conference_zone(
    tmp_path: Path,
) -> None:
    text = DST_XML.replace("<date>2026-03-29T10:00:00+02:00</date>", "<start>10:00</start>")
    text = text.replace("<date>2026-03-29T01:30:00+01:00</date>", "<start>01:30</start>")
    text = text.replace('date="2026-03-28">', 'date="2026-03-28" start="2026-03-28T20:00">')
    spec, _ = load_frab(write(tmp_path, text), keep_times=True)
    pins = {item.id: item.pins[0].start for item in spec.festivals[0].items}
    assert pins["102"] == datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # next calendar day
    assert pins["201"] == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)


def test_json_schedule_durations_and_person_names(tmp_path: Path) -> None:
    document = {
        "schedule": {
            "conference": {
                "acronym": "demo", "title": "Demo", "time_zone_name": "Europe/Paris",
                "start": "2026-03-28", "end": "2026-03-28",
                "days": [{"date": "2026-03-28", "rooms": {"Salle A": [
                    {"id": 1, "date": "2026-03-28T10:00:00+01:00", "duration": "1:30:00",
                     "title": "One", "type": "Talk 30 min", "track": "",
                     "persons": [{"id": 5, "public_name": "Eve"}, {"name": "No Id"}]},
                    {"id": 2, "date": "2026-03-28T12:00:00+01:00", "duration": "00:45",
                     "title": "Two", "type": "Meeting", "persons": []},
                ]}}],
            }
        }
    }
    path = write(tmp_path, json.dumps(document), "schedule.json")
    assert looks_like_frab(path)
    spec, _ = load_frab(path)
    items = {item.id: item for item in spec.festivals[0].items}
    assert (items["1"].duration, items["2"].duration) == (90, 45)
    assert items["1"].artists == ["p5", "No-Id"] and items["1"].track is None
    assert items["2"].kind is Kind.meeting
    assert {a.id: a.name for a in spec.artists} == {"p5": "Eve", "No-Id": "No Id"}


def test_time_zone_inferred_from_one_common_offset_is_a_fixed_zone(tmp_path: Path) -> None:
    text = DST_XML.replace("<time_zone_name>Europe/Paris</time_zone_name>", "")
    text = text.replace("+02:00", "+01:00").replace("T10:00:00", "T09:00:00")
    spec, warnings = load_frab(write(tmp_path, text))
    assert spec.festivals[0].timezone == "Etc/GMT-1"
    assert any("Etc/GMT-1" in w for w in warnings)


# ----------------------------------------------------------------------------------------
# Error paths: SpecError naming the file and the line, one issue per problem


def spec_error(path: Path) -> SpecError:
    with pytest.raises(SpecError) as caught:
        load_frab(path)
    assert all(issue.file == str(path) for issue in caught.value.issues)
    return caught.value


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_file_that_is_neither_xml_nor_json(tmp_path: Path) -> None:
    error = spec_error(write(tmp_path, "festivals: []\n", "schedule.txt"))
    assert [(i.line, "neither XML nor JSON" in i.message) for i in error.issues] == [(1, True)]


def test_broken_xml_names_its_line(tmp_path: Path) -> None:
    text = DST_XML.replace("</title>\n        <abstract>", "</titel>\n        <abstract>")
    error = spec_error(write(tmp_path, text))
    (issue,) = error.issues
    assert "not valid XML" in issue.message and issue.line == line_of(text, "</titel>")


def test_wrong_root_element(tmp_path: Path) -> None:
    error = spec_error(write(tmp_path, '<?xml version="1.0"?>\n\n<festival/>\n'))
    (issue,) = error.issues
    assert "<schedule>" in issue.message and issue.line == 3


def test_missing_conference(tmp_path: Path) -> None:
    (issue,) = spec_error(write(tmp_path, "<schedule>\n</schedule>\n")).issues
    assert issue.field == "conference" and issue.line == 1


def test_missing_time_zone_that_cannot_be_inferred(tmp_path: Path) -> None:
    text = DST_XML.replace("<time_zone_name>Europe/Paris</time_zone_name>", "")
    (issue,) = spec_error(write(tmp_path, text)).issues  # offsets +01:00 and +02:00
    assert issue.field == "conference.time_zone_name"
    assert issue.line == line_of(text, "<conference>")


def test_unknown_time_zone(tmp_path: Path) -> None:
    text = DST_XML.replace("Europe/Paris", "Europe/Atlantis")
    (issue,) = spec_error(write(tmp_path, text)).issues
    assert "Atlantis" in issue.message and issue.line == line_of(text, "<time_zone_name>")


def test_bad_and_missing_durations_are_each_reported(tmp_path: Path) -> None:
    text = DST_XML.replace("<duration>01:00</duration>", "<duration>ab:cd</duration>", 1)
    text = text.replace("<duration>00:30</duration>", "")
    issues = spec_error(write(tmp_path, text)).issues
    assert [(i.field, i.line) for i in issues] == [
        ("events[101].duration", line_of(text, "ab:cd")),
        ("events[201].duration", line_of(text, 'event id="201"')),
    ]
    assert "'ab:cd'" in issues[0].message and "no duration" in issues[1].message


def test_duplicate_event_ids(tmp_path: Path) -> None:
    text = DST_XML.replace('<event id="103">', '<event id="101">')
    (issue,) = spec_error(write(tmp_path, text)).issues
    assert "101" in issue.message and "used twice" in issue.message
    assert issue.line == line_of(text, "Overlaps Ada") - 3


def test_broken_json_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, '{"schedule": {\n  "conference": {\n    "title": oops\n', "s.json")
    assert looks_like_frab(path)
    (issue,) = spec_error(path).issues
    assert "not valid JSON" in issue.message and issue.line == 3


def test_json_without_conference(tmp_path: Path) -> None:
    (issue,) = spec_error(write(tmp_path, '{"schedule": {}}', "s.json")).issues
    assert issue.field == "schedule.conference"


# ----------------------------------------------------------------------------------------
# Small pieces


@pytest.mark.parametrize(
    ("frab_type", "kind"),
    [
        ("lecture", Kind.talk), ("maintrack", Kind.talk), ("Talk 30 min + 10min Q&A", Kind.talk),
        ("other", Kind.talk), (None, Kind.talk), ("Workshop 60 Min", Kind.workshop),
        ("Concert", Kind.concert), ("music", Kind.concert), ("DJ", Kind.concert),
        ("Theater / Performance", Kind.performance), ("screening", Kind.screening),
        ("Film", Kind.screening), ("movie", Kind.screening), ("meeting", Kind.meeting),
    ],
)
def test_kind_of_frab_types(frab_type: str | None, kind: Kind) -> None:
    assert kind_of(frab_type) is kind


@pytest.mark.parametrize(
    ("text", "expected"),
    [("00:30", (30, False)), ("1:30:00", (90, False)), ("01:00:30", (61, True)),
     ("ab:cd", None), ("", None), ("90", None)],
)
def test_parse_duration(text: str, expected: tuple[int, bool] | None) -> None:
    assert parse_duration(text) == expected


def test_looks_like_frab_by_content(tmp_path: Path) -> None:
    assert looks_like_frab(write(tmp_path, DST_XML, "anything.txt"))
    assert not looks_like_frab(write(tmp_path, "festivals:\n  - id: x\n", "spec.xml"))
    assert not looks_like_frab(write(tmp_path, "<festival/>", "f.xml"))
    assert not looks_like_frab(write(tmp_path, '{"festivals": []}', "spec.json"))
    assert not looks_like_frab(tmp_path / "missing.xml")


# ----------------------------------------------------------------------------------------
# Real programmes as they come: small hand-made fixtures, one per class of dirt (issue 12)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "frab"


def solve_fixture(name: str, tmp_path: Path, *extra: str) -> tuple[int, Path]:
    from affiche.cli import main

    out = tmp_path / "out"
    code = main(["solve", str(FIXTURES / name), "--out", str(out), "--time-limit", "20", *extra])
    return code, out


def test_class1_frab_day_is_the_programme_day_and_windows_run_past_the_next_day(
    tmp_path: Path,
) -> None:
    spec, _ = load_frab(FIXTURES / "night-sets.xml")
    festival = spec.festivals[0]
    floor = next(v for v in festival.venues if v.name == "Floor")
    # day 1's window runs 20:00-07:00, past day 2's first start; day 2's 07:15-14:00
    assert [(w.start.isoformat(), w.end.isoformat()) for w in floor.open] == [
        ("2026-07-10T20:00:00+02:00", "2026-07-11T07:00:00+02:00"),
        ("2026-07-11T07:15:00+02:00", "2026-07-11T14:00:00+02:00"),
    ]
    code, out = solve_fixture("night-sets.xml", tmp_path)
    assert code == 0
    from affiche.cli import main
    from affiche.programmes.schedule import load_schedule

    assert main(["check", str(FIXTURES / "night-sets.xml"), str(out)]) == 0
    placed = {p.item: p for p in load_schedule(out).placements}
    listed = {"11": date(2026, 7, 10), "12": date(2026, 7, 10), "13": date(2026, 7, 10),
              "14": date(2026, 7, 10), "21": date(2026, 7, 11), "22": date(2026, 7, 11),
              "23": date(2026, 7, 11), "24": date(2026, 7, 11)}
    assert {item: p.day for item, p in placed.items()} == listed
    windows = {
        ("Floor", date(2026, 7, 10)): (datetime(2026, 7, 10, 18, tzinfo=UTC),
                                       datetime(2026, 7, 11, 5, tzinfo=UTC)),
        ("Floor", date(2026, 7, 11)): (datetime(2026, 7, 11, 5, 15, tzinfo=UTC),
                                       datetime(2026, 7, 11, 12, tzinfo=UTC)),
    }
    for p in placed.values():
        if p.venue == "Floor":
            first, last = windows[("Floor", p.day)]
            assert first <= p.start and p.end <= last, p.item


def test_class1_a_utc_dated_day_is_filed_under_its_local_date(tmp_path: Path) -> None:
    """wafer: <day date> is the UTC date of a 03:00 local day start (UTC+9)."""
    text = """<schedule><conference><acronym>debc</acronym><title>Deb</title>
      <time_zone_name>Asia/Seoul</time_zone_name></conference>
      <day index="1" date="2024-07-27" start="2024-07-27T18:00:00+00:00">
        <room name="Bada"><event id="1"><date>2024-07-28T10:30:00+09:00</date>
          <duration>00:45</duration><title>Opening</title></event></room></day>
      <day index="2" date="2024-07-28" start="2024-07-28T18:00:00+00:00">
        <room name="Bada"><event id="2"><date>2024-07-29T10:30:00+09:00</date>
          <duration>00:45</duration><title>Day two</title></event></room></day>
    </schedule>"""
    spec, warnings = load_frab(write(tmp_path, text))
    items = {i.id: i for i in spec.festivals[0].items}
    assert items["1"].days == [date(2024, 7, 28)] and items["2"].days == [date(2024, 7, 29)]
    assert any("filed under the local date" in w for w in warnings)


def test_class3_pentabarf_layout_needs_and_takes_a_time_zone(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="--timezone ZONE"):
        load_frab(FIXTURES / "pentabarf.xml")
    spec, _ = load_frab(FIXTURES / "pentabarf.xml", timezone="Europe/Brussels")
    festival = spec.festivals[0]
    assert festival.timezone == "Europe/Brussels"
    items = {i.id: i for i in festival.items}
    assert set(items) == {"701", "702", "703"}
    assert items["702"].days == [date(2009, 2, 7)]  # 01:00 after day_change 04:00: the 8th
    assert items["701"].description.en == "Welcome & news"
    code, _ = solve_fixture("pentabarf.xml", tmp_path, "--timezone", "Europe/Brussels")
    assert code == 0


def test_class3_c3voc_schema2_json_is_read(tmp_path: Path) -> None:
    assert looks_like_frab(FIXTURES / "schema2.json")
    spec, _ = load_frab(FIXTURES / "schema2.json")
    festival = spec.festivals[0]
    items = {i.id: i for i in festival.items}
    assert items["1"].duration == 30 and items["2"].duration == 45
    assert {a.name for a in spec.artists} == {"Hana", "Ivo"}
    assert items["2"].artists == []
    code, _ = solve_fixture("schema2.json", tmp_path)
    assert code == 0


def test_class4_a_room_the_schedule_double_books_holds_as_many_as_published() -> None:
    spec, warnings = load_frab(FIXTURES / "double-booked-room.xml", keep_times=True)
    (lab,) = spec.festivals[0].venues
    assert lab.parallel == 2
    assert any("1 rooms the published schedule double-books" in w and "Lab (2 at once)" in w
               for w in warnings)
    single, _ = load_frab(FIXTURES / "night-sets.xml")
    assert all(v.parallel == 1 for v in single.festivals[0].venues)


def test_class5_people_distinct_by_name_listed_twice_once_and_warnings_summarised() -> None:
    spec, warnings = load_frab(FIXTURES / "night-sets.xml")
    names = {a.name: a.id for a in spec.artists}
    assert "Eve" in names and "Fay" in names and names["Eve"] != names["Fay"]
    items = {i.id: i for i in spec.festivals[0].items}
    assert items["14"].artists == [names["Di"]]
    assert items["21"].artists == []
    kinds = [w for w in warnings if "another name" in w]
    assert len(kinds) == 1 and kinds[0].count("id 9") == 1


def test_class5_many_cases_make_one_warning_line(tmp_path: Path) -> None:
    events = "".join(
        f'<event id="{n}"><date>2026-01-01T{10 + n // 12:02d}:{n % 12 * 5:02d}:00+01:00</date>'
        f'<duration>00:05</duration><title>t{n}</title><persons><person id="1">Name {n}'
        f'</person></persons></event>' for n in range(40)
    )
    text = (f'<schedule><conference><acronym>many</acronym><time_zone_name>Europe/Paris'
            f'</time_zone_name></conference><day index="1" date="2026-01-01"><room name="R">'
            f'{events}</room></day></schedule>')
    spec, warnings = load_frab(write(tmp_path, text))
    assert len(spec.artists) == 40
    (line,) = [w for w in warnings if "another name" in w]
    assert line.count("id 1 is") == 3 and "and 36 more" in line and "39 person ids" in line
    _, verbose = load_frab(write(tmp_path, text), verbose=True)
    details = [w for w in verbose if "another name" in w and w not in warnings]
    assert len(details) == 39 and len(set(details)) == 39


def test_class5_verbose_solve_prints_every_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from affiche.cli import main

    events = "".join(
        f'<event id="{n}"><date>2026-01-01T{10 + n // 12:02d}:{n % 12 * 5:02d}:00+01:00</date>'
        f'<duration>00:05</duration><title>t{n}</title><persons><person id="1">Name {n}'
        f'</person></persons></event>' for n in range(10)
    )
    text = (f'<schedule><conference><acronym>few</acronym><time_zone_name>Europe/Paris'
            f'</time_zone_name></conference><day index="1" date="2026-01-01"><room name="R">'
            f'{events}</room></day></schedule>')
    path = write(tmp_path, text)
    assert main(["solve", str(path), "--out", str(tmp_path / "a"), "--time-limit", "5"]) == 0
    quiet = capsys.readouterr().err.count("another name")
    assert main(["solve", str(path), "--out", str(tmp_path / "b"), "--time-limit", "5",
                 "--verbose"]) == 0
    assert capsys.readouterr().err.count("another name") == quiet + 9


def test_class6_html_is_sanitized_once_plain_and_safe(tmp_path: Path) -> None:
    spec, _ = load_frab(FIXTURES / "night-sets.xml")
    item = next(i for i in spec.festivals[0].items if i.id == "11")
    assert item.description.en == "Warm & loud"
    assert item.description_html is not None
    assert item.description_html.en == "<p>Warm &amp; <b>loud</b></p>"
    assert "script" not in item.description_html.en and "alert" not in item.description.en


def test_class6_control_characters_in_json_text_are_stripped_with_a_located_warning(
    tmp_path: Path,
) -> None:
    payload = json.loads((FIXTURES / "schema2.json").read_text())
    event = payload["days"][0]["rooms"][0]["events"][0]
    event["abstract"] = "a\u0000b \u200f\u200b\u2028 🎉"
    spec, warnings = load_frab(write(tmp_path, json.dumps(payload), "s.json"))
    item = next(i for i in spec.festivals[0].items if i.id == "1")
    assert item.description.en == "ab \u200f\u200b\u2028 🎉"
    assert any("control characters" in w and "U+0000" in w and "event 1" in w
               for w in warnings)


def test_class6_a_control_character_in_a_yaml_description_is_refused_with_its_place(
    tmp_path: Path,
) -> None:
    from affiche.programmes.loader import load_specs

    path = tmp_path / "nul.yaml"
    path.write_text(
        "festivals:\n- id: f\n  name: F\n  timezone: Europe/Paris\n  start: 2026-06-01\n"
        "  end: 2026-06-01\n  venues: [{id: v, name: V}]\n  items:\n"
        "  - id: a\n    kind: talk\n    title: A\n    duration: 30\n"
        '    description: "x\\0y"\n', encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        load_specs([path])
    text = "\n".join(str(issue) for issue in caught.value.issues)
    assert "U+0000" in text and "description" in text


def test_class7_frab_and_json_re_exports_keep_the_source_identity(tmp_path: Path) -> None:
    from affiche.cli import main

    code, out = solve_fixture("night-sets.xml", tmp_path)
    assert code == 0 and main(["publish", str(out)]) == 0
    root = etree.parse(str(out / "schedule.xml")).getroot()
    event = root.find(".//event[@id='11']")
    assert event is not None
    assert event.get("guid") == "0b8c5e2a-3f4d-4c1e-9a6b-1d2e3f4a5b6c"
    assert event.findtext("slug") == "nacht-11-opening-set"
    assert event.findtext("url") == "https://example.org/nacht/events/11"
    assert event.find("links/link").get("href") == "https://example.org/ada"
    assert event.find("persons/person").get("id") == "501"
    assert event.findtext("abstract") == "Warm & loud"
    payload = json.loads((out / "schedule.frab.json").read_text())
    events = {e["id"]: e for d in payload["schedule"]["conference"]["days"]
              for evs in d["rooms"].values() for e in evs}
    assert set(events) == {11, 12, 13, 14, 21, 22, 23, 24}
    assert events[11]["links"] == [{"title": "Ada's site", "url": "https://example.org/ada"}]
    assert events[11]["persons"][0]["id"] == 501


def test_class6_pages_render_the_sanitized_html_and_feeds_the_plain_text(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from affiche.cli import main
    from affiche.web.app import create_app
    from tests.test_web_support import make_settings

    code, out = solve_fixture("night-sets.xml", tmp_path)
    assert code == 0 and main(["publish", str(out)]) == 0
    with TestClient(create_app(out, make_settings(tmp_path))) as client:
        page = client.get("/item/11").text
    assert "<p>Warm &amp; <b>loud</b></p>" in page
    assert "&lt;p&gt;" not in page and "&lt;b&gt;" not in page and "alert(1)" not in page
    assert '"description": "Warm \\u0026 loud"' in page  # JSON-LD: plain text
    feeds = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.ics"))
    assert "Warm & loud" in feeds and "<p>" not in feeds and "&lt;" not in feeds
