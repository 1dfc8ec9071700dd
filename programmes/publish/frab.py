"""frab / voc schedule exports: `schedule.xml` (voc XSD) and `schedule.frab.json`.

A frab schedule describes one conference, so each festival gets its own pair,
`schedule-<festival>.xml` and `schedule-<festival>.frab.json`; `schedule.xml` and
`schedule.frab.json` repeat the first festival of the schedule (what single-conference
clients such as Giggity or EventFahrplan expect at the usual address).

Identity, stable across publishes and re-solves:
- event guid: `uuid5(NAMESPACE_URL, "affiche:" + uid)`; room guid from `"affiche:venue:" +
  venue id`; person guid from `"affiche:artist:" + artist id`;
- event id (frab wants a positive integer): `guid.int % (2**31 - 1) + 1`, a 31-bit value
  that fits the Java `int` of the Android apps; on a collision inside one file the later
  uid (in sorted order) takes the next free integer;
- acronym: the festival id lower-cased, characters other than `[a-z0-9_]` as `_`, padded
  with `_` to four characters (both schemas' patterns).

An imported occurrence keeps its source identity (`item.source`, `artist.source`): the
source's event id (when a positive integer), guid (when a UUID), slug (when the schema's
alphabet allows it), URL and links, and each person's id and guid; the formulas above only
fill in what the source did not give.

Days follow the programme day (`placement.day`), from `day_start_hour` to the same hour on
the next date, so a 01:00 show belongs to the evening before. Titles are English (French
when there is no English); cancelled occurrences are left out (frab has no status).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from lxml import etree

from affiche.programmes import rules
from affiche.programmes.identity import Source
from affiche.programmes.publish.clock import in_zone
from affiche.programmes.publish.versions import PublishedOccurrence
from affiche.programmes.schedule import FestivalInfo
from affiche.venues.timeutil import days_between

GENERATOR = {"name": "affiche", "version": "0.1.0"}
JSON_SCHEMA_ID = "https://c3voc.de/schedule/schema.json"
TIMESLOT = "00:05"
ID_MODULUS = 2**31 - 1
MAX_XML_DURATION = timedelta(hours=99, minutes=59)
XML_SLUG = re.compile(r"[a-z0-9_]{4,}-[a-z0-9\-_]{4,}")
HTTP = re.compile(r"https?://.+")


@dataclass(frozen=True)
class FrabDay:
    """One programme day: its bounds and its events grouped by room (venue name)."""

    index: int
    date: date
    start: datetime
    end: datetime
    rooms: dict[str, list[PublishedOccurrence]]


def event_guid(uid: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, "affiche:" + uid)


def room_guid(venue_id: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, "affiche:venue:" + venue_id)


def person_guid(artist_id: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, "affiche:artist:" + artist_id)


def stable_int(guid: uuid.UUID) -> int:
    """A positive 31-bit integer derived from `guid`."""
    return guid.int % ID_MODULUS + 1


_UUID = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
JSON_SLUG = re.compile(r"[a-z0-9_-]+[a-z0-9]")


def source_int(text: str | None) -> int | None:
    """A source id that frab can carry: a positive integer below 2**31."""
    if text and text.isdigit() and 0 < int(text) < 2**31:
        return int(text)
    return None


def source_guid(source: Source | None) -> uuid.UUID | None:
    if source and source.guid and _UUID.fullmatch(source.guid.strip()):
        return uuid.UUID(source.guid.strip())
    return None


def guid_of(occ: PublishedOccurrence) -> uuid.UUID:
    """The source's guid of a single-occurrence import, else the affiche formula."""
    kept = source_guid(occ.source) if occ.occurrence == 1 else None
    return kept or event_guid(occ.uid)


def source_ids(occurrences: Iterable[PublishedOccurrence]) -> dict[str, int]:
    """The source's integer event id of each first occurrence that has one, once each."""
    kept: dict[str, int] = {}
    for occ in sorted(occurrences, key=lambda o: o.uid):
        number = source_int(occ.source.id if occ.source else None)
        if number is not None and occ.occurrence == 1 and number not in kept.values():
            kept[occ.uid] = number
    return kept


def event_ids(uids: Iterable[str], kept: dict[str, int] | None = None) -> dict[str, int]:
    """A distinct positive integer per uid: the source's (`kept`), else one from its guid
    unless that one is taken."""
    result = dict(kept or {})
    taken: set[int] = set(result.values())
    for uid in sorted(set(uids) - set(result)):
        number = stable_int(event_guid(uid))
        while number in taken:
            number = number % ID_MODULUS + 1
        taken.add(number)
        result[uid] = number
    return result


def acronym(festival_id: str) -> str:
    return re.sub(r"[^a-z0-9_]", "_", festival_id.lower()).ljust(4, "_")


def slug(festival_id: str, occ: PublishedOccurrence) -> str:
    """The source's slug when both schemas accept it, else `<acronym>-<item>-<n>` in the
    schemas' slug alphabet."""
    kept = (occ.source.slug or "").strip() if occ.source and occ.occurrence == 1 else ""
    if XML_SLUG.fullmatch(kept) and JSON_SLUG.fullmatch(kept):
        return kept
    rest = re.sub(r"[^a-z0-9_-]", "-", f"{occ.item}-{occ.occurrence}".lower())
    return f"{acronym(festival_id)}-{rest}"


def hhmm(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def day_bounds(day: date, festival: FestivalInfo) -> tuple[datetime, datetime]:
    """The programme day's bounds (`rules.day_bounds`: by default from `day_start_hour` on
    `day` to the same hour the next date), in the festival zone."""
    return rules.day_bounds(festival, day)


def frab_days(
    festival: FestivalInfo, occurrences: Iterable[PublishedOccurrence], venue_order: list[str]
) -> list[FrabDay]:
    """The festival's days (its dates plus any day holding an event), rooms in order."""
    occs = [o for o in occurrences if o.festival == festival.id and not o.cancelled]
    dates = sorted(set(days_between(festival.start, festival.end)) | {o.day for o in occs})
    rank = {venue: n for n, venue in enumerate(venue_order)}
    days = []
    for index, day in enumerate(dates, start=1):
        todays = sorted((o for o in occs if o.day == day), key=lambda o: (o.start, o.uid))
        rooms: dict[str, list[PublishedOccurrence]] = {}
        for occ in sorted(todays, key=lambda o: (rank.get(o.venue, len(rank)), o.venue)):
            rooms.setdefault(occ.venue_name, []).append(occ)
        start, end = day_bounds(day, festival)
        days.append(FrabDay(index, day, start, end, rooms))
    return days


def event_url(base_url: str | None, occ: PublishedOccurrence) -> str | None:
    """The source's URL of the event, else its page on this site."""
    if occ.source and occ.source.url and HTTP.fullmatch(occ.source.url.strip()):
        return occ.source.url.strip()
    return f"{base_url.rstrip('/')}/item/{occ.item}#{occ.uid}" if base_url else None


def links_of(occ: PublishedOccurrence) -> list[tuple[str, str]]:
    """(title, url) of the source's links that are web addresses."""
    if not occ.source:
        return []
    return [(link.title or link.url, link.url.strip()) for link in occ.source.links
            if HTTP.fullmatch(link.url.strip())]


def person_identity(artist: str, source: Source | None) -> tuple[int, uuid.UUID]:
    """A person's frab id and guid: the source's when usable, else from the artist id."""
    guid = source_guid(source) or person_guid(artist)
    number = source_int(source.id if source else None)
    return (number if number is not None else stable_int(person_guid(artist))), guid


def _persons(occ: PublishedOccurrence) -> list[tuple[str, int, uuid.UUID]]:
    sources = list(occ.artist_sources) or [None] * len(occ.artists)
    return [(name, *person_identity(artist, source))
            for artist, name, source in zip(occ.artists, occ.artist_names, sources, strict=True)]


def frab_warnings(occurrences: Iterable[PublishedOccurrence]) -> list[str]:
    """Things the XML cannot say exactly (its durations stop at 99:59)."""
    return [
        f"frab: {occ.uid} lasts more than 99:59, shown as 99:59 in schedule.xml"
        for occ in occurrences
        if not occ.cancelled and occ.end - occ.start > MAX_XML_DURATION
    ]


def _local(instant: datetime, festival: FestivalInfo) -> datetime:
    return in_zone(instant, festival.timezone)


def _iso(instant: datetime) -> str:
    return instant.isoformat(timespec="seconds")


def _tracks(days: list[FrabDay]) -> list[str]:
    return sorted({o.track for d in days for occs in d.rooms.values() for o in occs if o.track})


def _track_slug(name: str) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return text if re.fullmatch(r"[a-z][a-z0-9-]+", text) else f"track-{text}".rstrip("-")


def _rooms(days: list[FrabDay]) -> dict[str, str]:
    """Room name -> venue id, in order of first appearance."""
    rooms: dict[str, str] = {}
    for day in days:
        for name, occs in day.rooms.items():
            rooms.setdefault(name, occs[0].venue)
    return rooms


def _ids(days: list[FrabDay]) -> dict[str, int]:
    occs = [o for d in days for group in d.rooms.values() for o in group]
    return event_ids((o.uid for o in occs), source_ids(occs))


# --- XML ---------------------------------------------------------------------------


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> Any:
    element = etree.SubElement(parent, tag, **attrs)
    if text is not None:
        element.text = text
    return element


def build_frab_xml(
    festival: FestivalInfo,
    days: list[FrabDay],
    version: str,
    base_url: str | None = None,
) -> bytes:
    """The festival as a voc `schedule.xml` document."""
    root = etree.Element("schedule")
    _sub(root, "generator", name=GENERATOR["name"], version=GENERATOR["version"])
    if base_url and HTTP.fullmatch(base_url):
        _sub(root, "url", f"{base_url.rstrip('/')}/schedule.xml")
    _sub(root, "version", version)
    _xml_conference(_sub(root, "conference"), festival, days, base_url)
    ids = _ids(days)
    for day in days:
        _xml_day(root, festival, day, ids, base_url)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _xml_conference(
    conference: Any, festival: FestivalInfo, days: list[FrabDay], base_url: str | None
) -> None:
    _sub(conference, "acronym", acronym(festival.id))
    _sub(conference, "title", festival.name)
    _sub(conference, "start", _iso(days[0].start))
    _sub(conference, "end", _iso(days[-1].end))
    _sub(conference, "days", str(len(days)))
    _sub(conference, "timeslot_duration", TIMESLOT)
    if base_url and HTTP.fullmatch(base_url):
        _sub(conference, "base_url", base_url.rstrip("/") + "/")
    _sub(conference, "time_zone_name", festival.timezone)
    for track in _tracks(days):
        _sub(conference, "track", name=track, slug=_track_slug(track))


def _xml_day(
    root: Any, festival: FestivalInfo, day: FrabDay, ids: dict[str, int], base_url: str | None
) -> None:
    element = _sub(
        root,
        "day",
        index=str(day.index),
        date=day.date.isoformat(),
        start=_iso(day.start),
        end=_iso(day.end),
    )
    for name, occs in day.rooms.items():
        room = _sub(element, "room", name=name, guid=str(room_guid(occs[0].venue)))
        for occ in occs:
            _xml_event(room, festival, occ, ids[occ.uid], base_url)


def _xml_event(
    room: Any,
    festival: FestivalInfo,
    occ: PublishedOccurrence,
    ident: int,
    base_url: str | None,
) -> None:
    event = _sub(room, "event", id=str(ident), guid=str(guid_of(occ)))
    start = _local(occ.start, festival)
    _sub(event, "date", _iso(start))
    _sub(event, "start", start.strftime("%H:%M"))
    _sub(event, "duration", hhmm(min(occ.end - occ.start, MAX_XML_DURATION)))
    _sub(event, "room", occ.venue_name)
    event_slug = slug(festival.id, occ)
    if XML_SLUG.fullmatch(event_slug):
        _sub(event, "slug", event_slug)
    _sub(event, "title", occ.title.in_language("en"))
    _sub(event, "type", occ.kind)
    _sub(event, "track", occ.track or "")
    if occ.language:
        _sub(event, "language", occ.language)
    _sub(event, "abstract", occ.description.in_language("en"))
    persons = _sub(event, "persons")
    for name, number, guid in _persons(occ):
        _sub(persons, "person", name, id=str(number), guid=str(guid))
    links = links_of(occ)
    if links:
        element = _sub(event, "links")
        for title, href in links:
            _sub(element, "link", title, href=href)
    url = event_url(base_url, occ)
    if url and HTTP.fullmatch(url):
        _sub(event, "url", url)


# --- JSON --------------------------------------------------------------------------


def build_frab_json(
    festival: FestivalInfo,
    days: list[FrabDay],
    version: str,
    base_url: str | None = None,
) -> dict[str, Any]:
    """The festival as a voc `schedule.json` document (a dict ready for `json.dumps`)."""
    ids = _ids(days)
    schedule: dict[str, Any] = {"version": version}
    if base_url:
        schedule["base_url"] = base_url.rstrip("/") + "/"
    schedule["conference"] = _json_conference(festival, days, ids, base_url)
    return {"$schema": JSON_SCHEMA_ID, "generator": dict(GENERATOR), "schedule": schedule}


def _json_conference(
    festival: FestivalInfo, days: list[FrabDay], ids: dict[str, int], base_url: str | None
) -> dict[str, Any]:
    conference: dict[str, Any] = {
        "acronym": acronym(festival.id),
        "title": festival.name,
        "start": _iso(days[0].start),
        "end": _iso(days[-1].end),
        "daysCount": len(days),
        "timeslot_duration": TIMESLOT,
        "time_zone_name": festival.timezone,
    }
    if festival.description.en:
        conference["description"] = festival.description.en
    conference["tracks"] = [{"name": t, "slug": _track_slug(t)} for t in _tracks(days)]
    conference["rooms"] = [
        {"name": name, "guid": str(room_guid(venue))} for name, venue in _rooms(days).items()
    ]
    conference["days"] = [_json_day(festival, day, ids, base_url) for day in days]
    return conference


def _json_day(
    festival: FestivalInfo, day: FrabDay, ids: dict[str, int], base_url: str | None
) -> dict[str, Any]:
    return {
        "index": day.index,
        "date": day.date.isoformat(),
        "day_start": _iso(day.start),
        "day_end": _iso(day.end),
        "rooms": {
            name: [_json_event(festival, occ, ids[occ.uid], base_url) for occ in occs]
            for name, occs in day.rooms.items()
        },
    }


def _json_event(
    festival: FestivalInfo, occ: PublishedOccurrence, ident: int, base_url: str | None
) -> dict[str, Any]:
    guid = guid_of(occ)
    start = _local(occ.start, festival)
    return {
        "guid": str(guid),
        "id": ident,
        "date": _iso(start),
        "start": start.strftime("%H:%M"),
        "end": _iso(_local(occ.end, festival)),
        "duration": hhmm(occ.end - occ.start),
        "room": occ.venue_name,
        "slug": slug(festival.id, occ),
        "url": event_url(base_url, occ) or guid.urn,
        "title": occ.title.in_language("en"),
        "subtitle": None,
        "track": occ.track,
        "type": occ.kind,
        "language": occ.language,
        "abstract": occ.description.in_language("en"),
        "description": None,
        "persons": [
            {"name": name, "id": number, "guid": str(guid)}
            for name, number, guid in _persons(occ)
        ],
        "links": [{"title": title, "url": href} for title, href in links_of(occ)],
    }
