"""Real programmes as they come (issue 12), beyond the shared schedules.

Two kinds of test: hand-written fixtures (tests/fixtures/real/) reproducing dirt met in real
exports that the shared schedules do not have, and generated frab files that mix every
class of dirt of the issue into one programme, each solved by the real CLI and then judged
by an independent reading of the import rules (`judge` below reads the file with lxml, not
with affiche's importer).
"""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from affiche.cli import main
from affiche.programmes.frab_import import load_frab
from affiche.programmes.schedule import load_schedule

FIXTURES = Path(__file__).parent / "fixtures" / "real"
# Markup shown as text: escaped tags, doubly escaped entities, Markdown marks.
MARKUP = re.compile(
    r"&lt;/?(?:p|ul|li|br|a|b|em|strong|code)\b|&amp;(?:amp|lt|gt|quot|#\d+);"
    r"|\*\*\w|__\w+__|\]\(https?://|<p>|</li>"
)


def _no_markup(text: str, where: str) -> None:
    found = MARKUP.search(text)
    if found is not None:
        context = text[max(0, found.start() - 60):found.end() + 40]
        raise AssertionError(f"{where} shows markup: ...{context}...")


def _pages(out: Path, tmp_path: Path) -> dict[str, str]:
    """Every public page of a published folder, through the real app."""
    from fastapi.testclient import TestClient

    from affiche.web.app import create_app
    from tests.test_web_support import make_settings

    schedule = load_schedule(out)
    urls = ["/", "/grid"]
    urls += [f"/item/{item.id}" for item in schedule.items]
    urls += [f"/venue/{venue.id}" for venue in schedule.venues]
    urls += [f"/artist/{artist.id}" for artist in schedule.artists]
    pages = {}
    web = tmp_path / "web"
    web.mkdir(exist_ok=True)
    with TestClient(create_app(out, make_settings(web))) as client:
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            pages[url] = response.text
    return pages


def _booklet_text(out: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) missing")
    return "".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                       check=True).stdout
        for pdf in out.rglob("*.pdf")
    )


def _assert_no_markup_anywhere(out: Path, tmp_path: Path) -> None:
    for url, page in _pages(out, tmp_path).items():
        visible = re.sub(r"<script[^>]*>.*?</script>|<[^>]+>", " ", page, flags=re.S)
        _no_markup(visible, url)
        for ld in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S):
            _no_markup(ld, f"{url} JSON-LD")
    for feed in out.rglob("*.ics"):
        _no_markup(feed.read_text(encoding="utf-8"), feed.name)
    _no_markup(_booklet_text(out), "booklet")


# ----------------------------------------------------------------------------------------
# Markdown abstracts (pretalx, wafer): found in RomHack Camp 2026 and DebConf 23 exports


def test_markdown_abstracts_become_safe_html_and_plain_text() -> None:
    spec, _ = load_frab(FIXTURES / "markdown-pretalx.xml")
    items = {item.id: item for item in spec.festivals[0].items}
    opening = items["1"]
    assert opening.title.en == "Opening & <friends>"  # titles are kept as published
    assert opening.description.en == (
        "Welcome! Read the camp guide (https://camp.example/guide) first.\n"
        "Second line of the same paragraph.\n\n• the layout\n• the villages\n\n"
        "Bring a towel — and 🚩 flags."
    )
    assert opening.description_html is not None
    html = opening.description_html.en
    assert "<strong>Welcome!</strong>" in html
    assert '<a href="https://camp.example/guide" rel="noopener noreferrer">camp guide</a>' in html
    assert "<li>the <strong>layout</strong></li>" in html
    # "**Led by: **" (39C3): a space before the closing marks still closes them
    assert items["3"].description.en == "Rules\n\nHack all night: nc ctf.example 1337.\n\nLed by:"
    # continuation lines indented by a pretty-printing export are not a code block
    assert items["4"].description.en == (
        "Safe travels home!\n\nSee you next year (https://camp.example/2027), as 39C3's hub "
        "indents it."
    )
    # a text without Markdown marks stays as published, with no HTML of its own
    assert items["2"].description.en == "5 * 3 is 15, a_b_c stays, and so does a lone * star."
    assert items["2"].description_html is None


def test_markdown_never_shows_as_marks_in_pages_feeds_or_booklet(tmp_path: Path) -> None:
    out = tmp_path / "out"
    path = FIXTURES / "markdown-pretalx.xml"
    assert main(["solve", str(path), "--out", str(out), "--time-limit", "10"]) == 0
    assert main(["publish", str(out)]) == 0
    _assert_no_markup_anywhere(out, tmp_path)
    page = _pages(out, tmp_path)["/item/1"]
    assert "<strong>Welcome!</strong>" in page


# ----------------------------------------------------------------------------------------
# A last day that runs past its end (found by the generated dirt below): the programme's
# time ended with its last programme day, so a round-the-clock room's last window and a
# closing night set were cut short, and even the published times were "infeasible"


@pytest.mark.parametrize("flag", [None, "--keep-times", "--allow-unplaced"])
def test_events_running_past_the_last_day_fit_at_their_published_times(
    flag: str | None, tmp_path: Path
) -> None:
    path = FIXTURES / "last-night.xml"
    out = tmp_path / "out"
    flags = [flag] if flag else []
    assert main(["solve", str(path), "--out", str(out), "--time-limit", "10", *flags]) == 0
    assert judge(path, out, "UTC") == []
    schedule = load_schedule(out)
    assert not schedule.unplaced
    assert {p.day.isoformat() for p in schedule.placements if p.item in {"4", "5", "6"}} == {
        "2026-07-11"
    }


def test_texts_escaped_twice_by_the_source_read_once() -> None:
    spec, _ = load_frab(FIXTURES / "last-night.xml")
    item = next(i for i in spec.festivals[0].items if i.id == "1")
    assert item.description.en == "News, Q&A and <music>"
    assert item.description_html is not None
    assert item.description_html.en == "<p>News, Q&amp;A and &lt;music&gt;</p>"


def test_published_times_hold_when_no_day_start_hour_files_every_day(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 04:30 start of day 1 after a 03:00 start of day 2: the programme days (one start
    hour for the festival) cannot file both, yet --keep-times keeps every published time."""
    path = FIXTURES / "early-after-hour.xml"
    out = tmp_path / "out"
    assert main(["solve", str(path), "--out", str(out), "--time-limit", "10",
                 "--keep-times"]) == 0
    assert judge(path, out, "UTC") == []
    assert "event 2 at 2026-07-11T04:30:00+02:00, listed under 2026-07-10" in (
        capsys.readouterr().err
    )
    assert main(["solve", str(path), "--out", str(tmp_path / "free"), "--time-limit",
                 "10"]) == 0
    assert judge(path, tmp_path / "free", "UTC") == []


# ----------------------------------------------------------------------------------------
# Generated dirt: every class of the issue in one frab file


@dataclass
class _Gen:
    """One generated event, at its published local wall-clock start."""

    id: int
    day: int
    room: str
    start: datetime
    minutes: int
    track: str | None = None
    persons: list[tuple[str, str]] = field(default_factory=list)
    abstract: str = ""
    title: str = ""


ABSTRACTS = [
    "<p>Warm &amp; <b>loud</b></p><ul><li>one</li><li>two</li></ul>",
    "<p>Q&amp;amp;A after the talk</p>",
    "**Bold** claims, a [link](https://example.org/x) and\n\n- a list\n- of two",
    "Plain text with bidi \u200f marks, zero\u200bwidth, a line\u2028separator and 🎉",
    "<script>alert(1)</script><p onclick='x()'>Click</p>",
    "",
]


def _dirty_events(rng: random.Random, days: int, base: date) -> list[_Gen]:
    events: list[_Gen] = []

    def add(day: int, room: str, start: datetime, minutes: int, **kw: object) -> None:
        events.append(_Gen(id=1000 + len(events), day=day, room=room, start=start,
                           minutes=minutes, abstract=rng.choice(ABSTRACTS), **kw))  # type: ignore[arg-type]

    for day in range(days):
        noon = datetime.combine(base + timedelta(days=day), time(12))
        clock = noon
        for _ in range(rng.randint(3, 5)):  # talks in two rooms of one track
            minutes = rng.choice([30, 45, 60])
            add(day, "Main Hall", clock, minutes, track="Talks",
                persons=[(str(rng.randint(1, 6)), "")])
            clock += timedelta(minutes=minutes + rng.choice([0, 15]))
        add(day, "Side Room", noon + timedelta(hours=1), 60, track="Talks")  # no persons
        # class 1: a night set past midnight, 23:30-07:00 (450 min), and a warm-up
        add(day, "Club", noon + timedelta(hours=10), 90, track="Music",
            persons=[("50", "DJ Warm"), ("50", "DJ Warm")])  # listed twice in one event
        add(day, "Club", noon + timedelta(hours=11, minutes=30), 450, track="Music",
            persons=[("51", f"Night Act {day}")])  # class 5: one id, a name per night
        # class 2: a room open round the clock, windows touching across days at 09:05
        first = datetime.combine(base + timedelta(days=day), time(9, 5))
        for show in range(4):
            add(day, "Radio", first + timedelta(hours=6 * show), 360)
        # class 4: a room the published schedule double-books
        add(day, "Foyer", noon + timedelta(hours=2), 120, persons=[("60", "Crew")])
        add(day, "Foyer", noon + timedelta(hours=3), 60)
    # class 5: a person the source itself double-books (Crew in the Foyer and on the radio)
    events[-1].persons = [("60", "Crew")]
    for event in events:
        event.title = f"Event {event.id} & <friends>"
    return events


def _xml_event(event: _Gen, layout: str, zone: ZoneInfo, room_child: bool) -> str:
    local = event.start.replace(tzinfo=zone)
    date_tag = {
        "frab": f"<date>{local.isoformat()}</date>",
        "wafer": f"<date>{local.astimezone(ZoneInfo('UTC')).isoformat()}</date>",
        "pentabarf": "",
    }[layout]
    persons = "".join(f'<person id="{pid}">{escape(name)}</person>' if name
                      else f'<person id="{pid}"/>' for pid, name in event.persons)
    track = f"<track>{escape(event.track)}</track>" if event.track else ""
    return (
        f'<event id="{event.id}" guid="00000000-0000-4000-8000-{event.id:012d}">'
        f"{date_tag}<start>{event.start:%H:%M}</start>"
        f"<duration>{event.minutes // 60:02d}:{event.minutes % 60:02d}</duration>"
        f"{'<room>' + escape(event.room) + '</room>' if room_child else ''}"
        f"<slug>gen-{event.id}</slug><title>{escape(event.title)}</title>{track}"
        f"<type>lecture</type><abstract>{escape(event.abstract)}</abstract>"
        f"<url>https://dirty.example/e/{event.id}</url>"
        f"<persons>{persons}</persons></event>"
    )


def dirty_frab(seed: int) -> tuple[str, str | None, list[_Gen], int]:
    """A frab file mixing the issue's dirt: (XML, the zone to pass with --timezone or None,
    the events, the hour days change at for events without a <date>)."""
    rng = random.Random(seed)
    layout = ["frab", "pentabarf", "wafer", "schema2"][seed % 4]
    zone_name = {"frab": "Europe/Berlin", "pentabarf": "Europe/Brussels",
                 "wafer": "Asia/Kolkata", "schema2": "America/New_York"}[layout]
    zone = ZoneInfo(zone_name)
    base = date(2026, 7, 10)
    days = 3
    events = _dirty_events(rng, days, base)
    if layout == "schema2":
        return _schema2(seed, zone_name, base, days, events), None, events, 0
    named = "" if layout == "pentabarf" else f"<time_zone_name>{zone_name}</time_zone_name>"
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?><schedule><conference>',
        f"<acronym>dirty{seed}</acronym><title>Dirty {seed}</title>",
        f"<start>{base}</start><end>{base + timedelta(days=days - 1)}</end>",
        f"<day_change>06:00</day_change>{named}</conference>",
    ]
    for day in range(days):
        local_day = base + timedelta(days=day)
        # wafer: the <day date> is the UTC date of a 03:00 local day start (the day before)
        start = datetime.combine(local_day, time(3), zone).astimezone(ZoneInfo("UTC"))
        published = start.date() if layout == "wafer" else local_day
        parts.append(f'<day index="{day + 1}" date="{published}">')
        mine = [e for e in events if e.day == day]
        if layout == "pentabarf":  # events right under the day, each naming its room
            parts += [_xml_event(e, layout, zone, room_child=True) for e in mine]
        else:
            for room in dict.fromkeys(e.room for e in mine):
                parts.append(f'<room name="{escape(room)}">')
                parts += [_xml_event(e, layout, zone, True) for e in mine if e.room == room]
                parts.append("</room>")
        parts.append("</day>")
    parts.append("</schedule>")
    return "".join(parts), (zone_name if layout == "pentabarf" else None), events, 6


def _schema2(seed: int, zone_name: str, base: date, days: int, events: list[_Gen]) -> str:
    """c3voc schema-2 JSON: no `schedule` wrapper, days beside the conference, rooms as a
    list, durations in minutes, persons as objects or bare names."""
    zone = ZoneInfo(zone_name)

    def event(e: _Gen) -> dict[str, object]:
        persons: list[object] = [{"id": int(pid), "name": name} if name else pid
                                 for pid, name in e.persons]
        return {"id": e.id, "guid": f"00000000-0000-4000-8000-{e.id:012d}",
                "date": e.start.replace(tzinfo=zone).isoformat(), "duration": e.minutes,
                "title": e.title, "track": e.track, "type": "lecture",
                # JSON can carry control characters, which XML cannot: stripped at load
                "abstract": e.abstract + ("\u0000\u0007" if e.id % 7 == 0 else ""),
                "url": f"https://dirty.example/e/{e.id}",
                "persons": persons}

    document = {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "conference": {"acronym": f"dirty{seed}", "title": f"Dirty {seed}",
                       "start": str(base), "end": str(base + timedelta(days=days - 1)),
                       "time_zone_name": zone_name},
        "days": [
            {"index": day + 1, "date": str(base + timedelta(days=day)),
             "rooms": [{"name": room, "events": [event(e) for e in events
                                                 if e.day == day and e.room == room]}
                       for room in dict.fromkeys(e.room for e in events if e.day == day)]}
            for day in range(days)
        ],
    }
    return json.dumps(document, ensure_ascii=False)


# ----------------------------------------------------------------------------------------
# The independent judge: same day as listed, inside the room's window for that day, track
# rooms, room capacity as published, no person in two places


def _most_at_once(spans: list[tuple[datetime, datetime]]) -> int:
    changes = sorted([(s, 1) for s, _ in spans] + [(e, -1) for _, e in spans])
    now = most = 0
    for _, step in changes:
        now += step
        most = max(most, now)
    return most


def _overlapping(spans: list[tuple[datetime, datetime]]) -> bool:
    ordered = sorted(spans)
    return any(b[0] < a[1] for a, b in zip(ordered, ordered[1:], strict=False))


@dataclass
class _Pub:
    """One event as published, read with lxml only."""

    id: str
    day: int
    room: str
    start: datetime
    end: datetime
    track: str | None
    persons: set[str]


def _published_json(path: Path) -> list[_Pub]:
    document = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for index, day in enumerate(document["days"]):
        for room in day["rooms"]:
            for e in room["events"]:
                start = datetime.fromisoformat(e["date"])
                persons = {f"{p['id']}:{p['name'].casefold()}" if isinstance(p, dict)
                           else f"{p}:" for p in e.get("persons", [])}
                found.append(_Pub(id=str(e["id"]), day=index, room=room["name"],
                                  start=start, end=start + timedelta(minutes=e["duration"]),
                                  track=e.get("track"), persons=persons))
    return found


def _published(path: Path, zone_name: str) -> list[_Pub]:
    if path.suffix == ".json":
        return _published_json(path)
    root = etree.parse(str(path)).getroot()
    conference = root.find("conference")
    assert conference is not None
    zone = ZoneInfo((conference.findtext("time_zone_name") or "").strip() or zone_name)
    change = time.fromisoformat((conference.findtext("day_change") or "00:00").strip())
    found = []
    for index, day in enumerate(root.iterfind("day")):
        listed = date.fromisoformat(day.get("date", ""))
        for element in day.iter("event"):
            text = (element.findtext("date") or "").strip()
            clock = time.fromisoformat(element.findtext("start", "").strip())
            if text:
                start = datetime.fromisoformat(text).astimezone(zone)
            else:
                on = listed + timedelta(days=1) if clock < change else listed
                start = datetime.combine(on, clock, zone)
            hours, minutes = (int(x) for x in element.findtext("duration", "").split(":"))
            parent = element.getparent()
            room = parent.get("name") if parent is not None and parent.tag == "room" else None
            found.append(_Pub(
                id=element.get("id", ""), day=index,
                room=room or element.findtext("room", "").strip(),
                start=start, end=start + timedelta(hours=hours, minutes=minutes),
                track=(element.findtext("track") or "").strip() or None,
                persons={f"{p.get('id')}:{(p.text or '').strip().casefold()}"
                         for p in element.iterfind("persons/person")},
            ))
    return found


def judge(path: Path, out: Path, zone_name: str) -> list[str]:
    """Every way the solved programme in `out` breaks the import rules of `path`."""
    events = _published(path, zone_name)
    by_id = {e.id: e for e in events}
    windows: dict[tuple[str, int], tuple[datetime, datetime]] = {}
    tracks: dict[str, set[str]] = defaultdict(set)
    for e in events:
        first, last = windows.get((e.room, e.day), (e.start, e.end))
        windows[(e.room, e.day)] = (min(first, e.start), max(last, e.end))
        if e.track:
            tracks[e.track].add(e.room)
    schedule = load_schedule(out)
    room_of = {venue.id: venue.name for venue in schedule.venues}
    broken = []
    in_room: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    of_person: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for placement in schedule.placements:
        e = by_id[placement.item]
        room = room_of[placement.venue]
        if room not in (tracks[e.track] if e.track else {e.room}):
            broken.append(f"{e.id} in {room}, not a room of its track")
        window = windows.get((room, e.day))
        if window is None or not window[0] <= placement.start <= placement.end <= window[1]:
            broken.append(f"{e.id} at {placement.start}-{placement.end} is outside "
                          f"{room}'s window of day {e.day}: {window}")
        in_room[room].append((placement.start, placement.end))
        for person in e.persons:
            of_person[person].append((placement.start, placement.end))
    for room, spans in in_room.items():
        published = _most_at_once([(e.start, e.end) for e in events if e.room == room])
        if _most_at_once(spans) > published:
            broken.append(f"{room} holds more at once than published ({published})")
    for person, spans in of_person.items():
        own = [(e.start, e.end) for e in events if person in e.persons]
        if _overlapping(spans) and not _overlapping(own):
            broken.append(f"person {person} in two places")
    unplaced = set(by_id) - {p.item for p in schedule.placements}
    if unplaced:
        broken.append(f"events left out: {sorted(unplaced)}")
    return broken


def test_the_judge_catches_a_programme_that_breaks_the_rules(tmp_path: Path) -> None:
    """The judge is not a rubber stamp: moved into another day's window, an event fails."""
    xml, zone, _, _ = dirty_frab(0)
    path = tmp_path / "dirty.xml"
    path.write_text(xml, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["solve", str(path), "--out", str(out), "--time-limit", "20",
                 "--keep-times"]) == 0
    assert judge(path, out, zone or "UTC") == []
    text = (out / "schedule.json").read_text(encoding="utf-8")
    moved = text.replace("2026-07-10T12:00:00+02:00", "2026-07-11T12:00:00+02:00", 1)
    assert moved != text
    (out / "schedule.json").write_text(moved, encoding="utf-8")
    assert any("outside" in problem for problem in judge(path, out, zone or "UTC"))


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_generated_dirt_solves_checks_and_publishes_without_markup(
    seed: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    xml, zone, events, _ = dirty_frab(seed)
    path = tmp_path / ("dirty.json" if xml.startswith("{") else "dirty.xml")
    path.write_text(xml, encoding="utf-8")
    out = tmp_path / "out"
    flags = ["--timezone", zone] if zone else []
    if zone:  # a file naming no zone: the message says to pass one
        assert main(["solve", str(path), "--out", str(tmp_path / "no"), "--time-limit",
                     "5"]) == 2
        assert "--timezone ZONE" in capsys.readouterr().err
        assert not (tmp_path / "no" / "schedule.json").exists()
    assert main(["solve", str(path), "--out", str(out), "--time-limit", "30", *flags]) == 0
    assert main(["check", str(path), str(out), *flags]) == 0
    assert judge(path, out, zone or "UTC") == []
    assert main(["publish", str(out)]) == 0
    _assert_no_markup_anywhere(out, tmp_path)
    err = capsys.readouterr().err
    assert len(err.splitlines()) < 20, err  # dirt summarised, one line per kind
    # class 7: the source's ids are kept
    schedule = load_schedule(out)
    assert {item.id for item in schedule.items} == {str(e.id) for e in events}
