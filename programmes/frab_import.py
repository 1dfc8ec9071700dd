"""Import a published frab schedule (`schedule.xml` or `schedule.json`) as a spec.

frab, pretalx and c3voc export the same shape: a conference, its days, the rooms of each
day, the events of each room, the persons of each event. Events become items, rooms
venues, persons artists. The published times are forgotten (each item keeps its day, its
duration and the rooms of its track), or kept as pins with `keep_times=True`.

A file that cannot be imported raises `SpecError` with one located issue per problem;
dirt that can be lived with (persons double-booked by the source, a time zone inferred
from the city or the UTC offsets, ...) becomes a warning and the import carries on.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytz
from lxml import etree
from pydantic import ValidationError

from affiche.programmes.errors import SpecError, SpecIssue, field_path
from affiche.programmes.identity import Link, Source
from affiche.programmes.model import Artist, DayBoundary, Festival, Item, Kind, Pin, Spec
from affiche.programmes.text import (
    Text,
    control_characters,
    html_to_plain,
    looks_like_html,
    looks_like_markdown,
    markdown_to_html,
    sanitize_html,
    strip_controls,
)
from affiche.venues.model import Venue
from affiche.venues.timeutil import localize, zone
from affiche.venues.window import FIRST_YEAR, LAST_YEAR, Window

_INVALID_SLUG_CHARS = re.compile(r"[^A-Za-z0-9_-]")
_VALID_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_DURATION = re.compile(r"^\s*(\d{1,3}):([0-5]?\d)(?::([0-5]?\d))?\s*$")
_CLOCK = re.compile(r"^\s*(\d{1,2}):([0-5]\d)(?::([0-5]\d))?\s*$")
_JSON_FRAB_HINT = re.compile(r'"schedule"\s*:\s*\{')
_KIND_WORDS: list[tuple[Kind, frozenset[str]]] = [
    (Kind.workshop, frozenset({"workshop", "workshops"})),
    (Kind.concert, frozenset({"concert", "concerts", "music", "dj", "djs"})),
    (Kind.performance, frozenset({"performance", "performances"})),
    (Kind.screening, frozenset({"screening", "screenings", "film", "films", "movie", "movies"})),
    (Kind.meeting, frozenset({"meeting", "meetings"})),
]
DAY_START_HOURS = [4, *(hour for hour in range(13) if hour != 4)]
SHOWN_EXAMPLES = 3


# ----------------------------------------------------------------------------------------
# Public API


def looks_like_frab(path: Path) -> bool:
    """Whether `path` holds a frab schedule: XML with root `<schedule>`, or a JSON object with
    a "schedule" key. A broken file that starts like one counts, so that `load_frab` can say
    where it breaks."""
    try:
        head = Path(path).read_bytes()
    except OSError:
        return False
    first = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if first == b"<":
        return _xml_root_name(head) == "schedule"
    if first == b"{":
        try:
            data = json.loads(head)
        except (ValueError, UnicodeDecodeError):
            return bool(_JSON_FRAB_HINT.search(head[:4096].decode("utf-8", "replace")))
        return isinstance(data, dict) and (
            "schedule" in data or isinstance(data.get("conference"), dict)
        )
    return False


def load_frab(
    path: Path, *, keep_times: bool = False, timezone: str | None = None, verbose: bool = False
) -> tuple[Spec, list[str]]:
    """The spec of one frab schedule file, and the warnings about its dirt.

    `timezone` (an IANA name) is the zone of a file that names none; a file that names
    its own keeps it (with a warning if the two differ).
    With `verbose`, every case of the summarised dirt follows, one line each.
    Raises `SpecError` (every problem, located) if the file cannot be imported.
    """
    path = Path(path)
    report = _Report(str(path))
    conference = _read(path, report)
    report.raise_if_any()
    zone_name = _resolve_zone(conference, report, timezone)
    report.raise_if_any()
    events = _localized_events(conference, zone_name, report)
    report.raise_if_any()
    spec = _build_spec(conference, events, zone_name, keep_times, report)
    return spec, report.warnings + (report.details if verbose else [])


# ----------------------------------------------------------------------------------------
# Problems and warnings


@dataclass
class _Report:
    """The issues (fatal) and warnings (not) found in one file.

    Dirt that repeats (a person named two ways, a double booking, ...) is noted by kind
    and comes out as one warning per kind, with its count and the first examples;
    `details` keeps every case for the report."""

    file: str
    issues: list[SpecIssue] = field(default_factory=list)
    _warnings: list[str] = field(default_factory=list)
    _kinds: dict[str, list[str]] = field(default_factory=dict)

    def issue(self, field_name: str, message: str, line: int | None = None) -> None:
        self.issues.append(SpecIssue(self.file, field_name, message, line))

    def warn(self, message: str) -> None:
        self._warnings.append(f"{self.file}: {message}")

    def note(self, kind: str, detail: str) -> None:
        """One case of a kind of dirt; `kind` reads after a count ("3 events ...")."""
        self._kinds.setdefault(kind, []).append(detail)

    @property
    def warnings(self) -> list[str]:
        summary = []
        for kind, details in self._kinds.items():
            shown = "; ".join(details[:SHOWN_EXAMPLES])
            hidden = len(details) - SHOWN_EXAMPLES
            more = f"; and {hidden} more" if hidden > 0 else ""
            summary.append(f"{self.file}: {len(details)} {kind}: {shown}{more}")
        return self._warnings + summary

    @property
    def details(self) -> list[str]:
        return [f"{self.file}: {kind}: {detail}"
                for kind, details in self._kinds.items() for detail in details]

    def raise_if_any(self) -> None:
        if self.issues:
            raise SpecError(self.issues)


# ----------------------------------------------------------------------------------------
# Format-neutral intermediate form


@dataclass
class _RawPerson:
    id: str | None
    guid: str | None
    name: str


@dataclass
class _RawEvent:
    """One event as published: strings, with the line of each field when known."""

    id: str | None
    line: int | None
    day: date
    day_starts: time | None
    room: str
    values: dict[str, str | None]
    lines: dict[str, int | None]
    persons: list[_RawPerson]
    day_index: int = 0
    links: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Conference:
    acronym: str | None = None
    title: str | None = None
    time_zone_name: str | None = None
    city: str | None = None
    start: date | None = None
    end: date | None = None
    day_change: time | None = None
    line: int | None = None
    lines: dict[str, int | None] = field(default_factory=dict)
    days: list[date] = field(default_factory=list)
    events: list[_RawEvent] = field(default_factory=list)


@dataclass
class _Event:
    """One event, checked, with its aware published start in the festival's zone."""

    id: str
    line: int | None
    day: date
    room: str
    start: datetime
    duration: int
    title: str
    abstract: str
    track: str | None
    language: str | None
    kind: Kind
    persons: list[_RawPerson]
    day_index: int = 0
    source: Source | None = None

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.duration)


# ----------------------------------------------------------------------------------------
# Reading XML and JSON


def _read(path: Path, report: _Report) -> _Conference:
    try:
        data = path.read_bytes()
    except OSError as error:
        report.issue("", f"cannot read the file: {error}")
        return _Conference()
    first = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if first == b"<":
        return _read_xml(data, report)
    if first in (b"{", b"["):
        return _read_json(data, report)
    report.issue("", "not a frab schedule: the file is neither XML nor JSON", 1)
    return _Conference()


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _xml_root_name(data: bytes) -> str | None:
    """The local name of the root element, read without parsing the rest."""
    parser = etree.XMLPullParser(
        events=("start",), resolve_entities=False, no_network=True, load_dtd=False
    )
    try:
        for start in range(0, len(data), 8192):
            parser.feed(data[start : start + 8192])
            for _, element in parser.read_events():
                return etree.QName(element).localname
    except etree.XMLSyntaxError:
        return None
    return None


def _child_text(element: etree._Element, tag: str) -> str | None:
    """Text of the direct child `tag` (descendant text included), None if there is none."""
    child = element.find(tag)
    return None if child is None else "".join(child.itertext())


def _child_line(element: etree._Element, tag: str) -> int | None:
    child = element.find(tag)
    return element.sourceline if child is None else child.sourceline


def _read_xml(data: bytes, report: _Report) -> _Conference:
    try:
        root = etree.fromstring(data, _xml_parser())
    except etree.XMLSyntaxError as error:
        report.issue("", f"not valid XML: {error.msg}", error.lineno)
        return _Conference()
    if etree.QName(root).localname != "schedule":
        report.issue(
            "", f"the root element is <{root.tag}>, a frab schedule has <schedule>",
            root.sourceline,
        )
        return _Conference()
    element = root.find("conference")
    if element is None:
        report.issue("conference", "the schedule has no <conference>", root.sourceline)
        return _Conference()
    conference = _xml_conference(element)
    names = _xml_person_names(root)
    for day_element in root.iterfind("day"):
        _xml_day(day_element, conference, names, report)
    return conference


def _xml_conference(element: etree._Element) -> _Conference:
    tags = ("acronym", "title", "time_zone_name", "city", "start", "end", "day_change")
    values = {tag: _child_text(element, tag) for tag in tags}
    lines = {tag: _child_line(element, tag) for tag in tags}
    return _conference_from(values, lines, element.sourceline)


def _xml_person_names(root: etree._Element) -> dict[str, str]:
    """Names from the top-level `<persons>` list (FOSDEM), by person id."""
    names = {}
    for person in root.iterfind("persons/person"):
        name = _child_text(person, "name") or _child_text(person, "public_name")
        if person.get("id") and name and name.strip():
            names[person.get("id")] = name.strip()
    return names


def _day_date(text: str | None, conference: _Conference) -> date | None:
    """A day's date as published, else (pentabarf days without one) the conference start
    plus the days before it."""
    parsed = _parse_date(text)
    if parsed is None and not text and conference.start is not None:
        return conference.start + timedelta(days=len(conference.days))
    return parsed


def _xml_day(
    element: etree._Element, conference: _Conference, names: dict[str, str], report: _Report
) -> None:
    day = _day_date(element.get("date"), conference)
    if day is None:
        report.issue("day.date", f"a <day> needs a date, got {element.get('date')!r}",
                     element.sourceline)
        return
    index = len(conference.days)
    conference.days.append(day)
    day_starts = _clock_of(element.get("start"))
    for room in element.iterfind("room"):
        room_name = (room.get("name") or "").strip()
        for event in room.iterfind("event"):
            name = room_name or (_child_text(event, "room") or "").strip()
            if not name:
                report.issue(f"day[{day}].room", "a <room> needs a name", room.sourceline)
                continue
            conference.events.append(_xml_event(event, day, day_starts, name, names, index))
    for event in element.iterfind("event"):  # pentabarf: events right under the day
        name = (_child_text(event, "room") or "").strip()
        if not name:
            report.issue(f"day[{day}].event", "an event outside any <room> needs a <room>",
                         event.sourceline)
            continue
        conference.events.append(_xml_event(event, day, day_starts, name, names, index))


_EVENT_TAGS = (
    "date", "start", "duration", "title", "abstract", "track", "language", "type", "room",
    "slug", "url", "description", "guid",
)


def _xml_links(element: etree._Element) -> list[tuple[str, str]]:
    """(title, href) of each `<links><link href>`: the title is the text, or `<title>`."""
    links = []
    for link in element.iterfind("links/link"):
        href = (link.get("href") or "").strip()
        named = _child_text(link, "title") if link.find("title") is not None else link.text
        title = (named or "").strip()
        if href:
            links.append((title or href, href))
    return links


def _xml_event(
    element: etree._Element, day: date, day_starts: time | None, room: str,
    names: dict[str, str], day_index: int = 0,
) -> _RawEvent:
    persons = []
    for person in element.iterfind("persons/person"):
        person_id = person.get("id")
        name = (person.text or "").strip() or (
            _child_text(person, "public_name") or _child_text(person, "name") or ""
        ).strip()
        persons.append(_RawPerson(person_id, person.get("guid"), name or names.get(person_id, "")))
    values = {tag: _child_text(element, tag) for tag in _EVENT_TAGS}
    values["guid"] = element.get("guid") or values["guid"]
    return _RawEvent(
        id=element.get("id"),
        line=element.sourceline,
        day=day,
        day_starts=day_starts,
        room=room,
        values=values,
        lines={tag: _child_line(element, tag) for tag in _EVENT_TAGS},
        persons=persons,
        day_index=day_index,
        links=_xml_links(element),
    )


def _read_json(data: bytes, report: _Report) -> _Conference:
    """A frab / pretalx / c3voc JSON schedule. Besides the classic shape (`schedule` >
    `conference` > `days` > `rooms` as a mapping of room names to events) this reads the
    c3voc schema-2 variants: no `schedule` wrapper, `days` beside the conference, rooms as
    a list of `{"name", "events"}`, durations in minutes, persons as plain names."""
    try:
        document = json.loads(data)
    except UnicodeDecodeError as error:
        report.issue("", f"not valid JSON: {error}")
        return _Conference()
    except json.JSONDecodeError as error:
        report.issue("", f"not valid JSON: {error.msg}", error.lineno)
        return _Conference()
    schedule = document.get("schedule") if isinstance(document, dict) else None
    if schedule is None and isinstance(document, dict) and "conference" in document:
        schedule = document
    if not isinstance(schedule, dict):
        report.issue("schedule", 'a frab JSON schedule is an object with a "schedule" object', 1)
        return _Conference()
    element = schedule.get("conference")
    if not isinstance(element, dict):
        report.issue("schedule.conference", "the schedule has no conference")
        return _Conference()
    tags = ("acronym", "title", "time_zone_name", "city", "start", "end", "day_change")
    values = {tag: _json_str(element.get(tag)) for tag in tags}
    conference = _conference_from(values, {}, None)
    days = element.get("days")
    where = "schedule.conference.days"
    if not isinstance(days, list) and isinstance(schedule.get("days"), list):
        days, where = schedule["days"], "schedule.days"
    if not isinstance(days, list):
        report.issue("schedule.conference.days", "the conference has no list of days")
        return conference
    for index, day in enumerate(days):
        _json_day(day, f"{where}[{index}]", conference, report)
    return conference


def _json_str(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    return str(value)


def _json_rooms(rooms: Any) -> list[tuple[str, list[Any]]] | None:
    """(room name, events) of a day's rooms: a mapping, or a list of room objects."""
    if isinstance(rooms, dict):
        return [(str(name).strip(), events if isinstance(events, list) else [])
                for name, events in rooms.items()]
    if isinstance(rooms, list):
        pairs = []
        for room in rooms:
            if isinstance(room, dict):
                events = room.get("events") or room.get("talks") or []
                pairs.append((str(room.get("name") or "").strip(),
                              events if isinstance(events, list) else []))
        return pairs
    return None


def _json_day(day: Any, where: str, conference: _Conference, report: _Report) -> None:
    if not isinstance(day, dict):
        report.issue(where, "a day is an object with a date and rooms")
        return
    text = _json_str(day.get("date")) or _json_str(day.get("day_start"))
    parsed = _parse_date(text)
    if parsed is None:
        report.issue(f"{where}.date", "a day needs a date (YYYY-MM-DD)")
        return
    index = len(conference.days)
    conference.days.append(parsed)
    rooms = _json_rooms(day.get("rooms") or {})
    if rooms is None:
        report.issue(f"{where}.rooms", "rooms should map each room name to its events")
        return
    day_starts = _clock_of(_json_str(day.get("day_start")))
    for room_name, events in rooms:
        for event in events:
            if isinstance(event, dict):
                name = room_name or str(event.get("room") or "").strip()
                conference.events.append(_json_event(event, parsed, day_starts, name, index))


def _json_person(person: Any) -> _RawPerson | None:
    if isinstance(person, str):
        return _RawPerson(None, None, person.strip())
    if not isinstance(person, dict):
        return None
    name = person.get("public_name") or person.get("name") or person.get("full_public_name")
    person_id = person.get("id", person.get("code"))
    return _RawPerson(
        None if person_id is None else str(person_id),
        _json_str(person.get("guid")),
        str(name or "").strip(),
    )


def _json_duration(value: Any) -> str | None:
    """`"01:30"` as published; a bare number of minutes as `H:MM`."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        minutes = max(0, int(value))
        return f"{minutes // 60}:{minutes % 60:02d}"
    return _json_str(value)


def _json_links(event: dict[str, Any]) -> list[tuple[str, str]]:
    links = []
    for link in event.get("links") or []:
        if isinstance(link, dict) and (link.get("url") or link.get("href")):
            href = str(link.get("url") or link.get("href")).strip()
            links.append((str(link.get("title") or href).strip(), href))
    return links


def _json_event(
    event: dict[str, Any], day: date, day_starts: time | None, room: str, day_index: int = 0
) -> _RawEvent:
    listed = event.get("persons")
    listed = listed if isinstance(listed, list) else []
    persons = [p for p in map(_json_person, listed) if p is not None]
    event_id = event.get("id", event.get("code"))
    values = {tag: _json_str(event.get(tag)) for tag in _EVENT_TAGS}
    values["duration"] = _json_duration(event.get("duration"))
    return _RawEvent(
        id=None if event_id is None else str(event_id),
        line=None,
        day=day,
        day_starts=day_starts,
        room=room,
        values=values,
        lines={},
        persons=persons,
        day_index=day_index,
        links=_json_links(event),
    )


def _conference_from(
    values: dict[str, str | None], lines: dict[str, int | None], line: int | None
) -> _Conference:
    def clean(tag: str) -> str | None:
        text = values.get(tag)
        return text.strip() if text and text.strip() else None

    return _Conference(
        acronym=clean("acronym"),
        title=clean("title"),
        time_zone_name=clean("time_zone_name"),
        city=clean("city"),
        start=_parse_date(clean("start")),
        end=_parse_date(clean("end")),
        day_change=_clock_of(clean("day_change")),
        line=line,
        lines=lines,
    )


# ----------------------------------------------------------------------------------------
# Values


def _parse_date(text: str | None) -> date | None:
    """`2026-01-31`, or the date part of `2025-12-27T09:00:00+00:00`."""
    if not text:
        return None
    try:
        parsed = date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None
    return parsed if FIRST_YEAR <= parsed.year <= LAST_YEAR else None  # datetime's edges


def _clock_of(text: str | None) -> time | None:
    """The wall-clock time of `09:00`, `09:00:00` or `2026-01-31T09:00:00+01:00`."""
    if not text:
        return None
    text = text.strip()
    if "T" in text:
        try:
            return datetime.fromisoformat(text).time()
        except ValueError:
            return None
    match = _CLOCK.match(text)
    if not match or int(match.group(1)) > 23:
        return None
    return time(int(match.group(1)), int(match.group(2)))


def parse_duration(text: str | None) -> tuple[int, bool] | None:
    """Minutes of `HH:MM` or `H:MM:SS` (rounded up to a whole minute, flagged), None if
    the text is not a duration."""
    match = _DURATION.match(text or "")
    if not match:
        return None
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return hours * 60 + minutes + (1 if seconds else 0), bool(seconds)


def slugify(text: str) -> str:
    """`text` as an id: each character outside A-Z, a-z, 0-9, '_' and '-' becomes '-'."""
    slug = _INVALID_SLUG_CHARS.sub("-", text.strip())[:120].lstrip("-_")
    return slug or "x"


def _unique(base: str, taken: set[str]) -> str:
    candidate, number = base, 2
    while candidate in taken:
        suffix = f"-{number}"
        candidate, number = base[: 120 - len(suffix)] + suffix, number + 1
    taken.add(candidate)
    return candidate


def kind_of(frab_type: str | None) -> Kind:
    """The item kind of a frab event type (words, case-insensitive); talk by default."""
    words = set(re.findall(r"[a-z0-9]+", (frab_type or "").lower()))
    for kind, keywords in _KIND_WORDS:
        if words & keywords:
            return kind
    return Kind.talk


# ----------------------------------------------------------------------------------------
# Time zone


def _resolve_zone(conference: _Conference, report: _Report, given: str | None = None) -> str:
    """The conference's time zone: as published, else the one given (`--timezone`), else
    inferred honestly, else an issue."""
    line = conference.lines.get("time_zone_name", conference.line)
    if given is not None:
        try:
            zone(given)
        except ValueError as error:
            report.issue("--timezone", str(error))
            return "UTC"
    if conference.time_zone_name:
        try:
            zone(conference.time_zone_name)
        except ValueError as error:
            report.issue("conference.time_zone_name", str(error), line)
        if given is not None and given != conference.time_zone_name:
            report.warn(f"the file names time_zone_name {conference.time_zone_name}; "
                        f"--timezone {given} is ignored")
        return conference.time_zone_name
    if given is not None:
        return given
    by_city = _zone_of_city(conference.city)
    if by_city:
        report.warn(
            f"no time_zone_name: using {by_city}, the IANA zone of the conference city "
            f"{conference.city!r}"
        )
        return by_city
    by_offset = _zone_of_offsets(conference.events)
    if by_offset:
        report.warn(
            f"no time_zone_name: every event is published at the same UTC offset, read as "
            f"the fixed zone {by_offset} (no daylight-saving rules)"
        )
        return by_offset
    report.issue(
        "conference.time_zone_name",
        "no time_zone_name, and neither the city nor one common UTC offset of the events "
        "gives the time zone: run again with --timezone ZONE (an IANA name such as "
        "Europe/Brussels), or add <time_zone_name> to the file",
        line,
    )
    return "UTC"


def _zone_of_city(city: str | None) -> str | None:
    """The one IANA zone named after `city` (Brussels -> Europe/Brussels), if any."""
    if not city:
        return None
    wanted = city.strip().lower().replace(" ", "_")
    matches = [name for name in pytz.common_timezones if name.rsplit("/", 1)[-1].lower() == wanted]
    return matches[0] if len(matches) == 1 else None


def _zone_of_offsets(events: list[_RawEvent]) -> str | None:
    """A fixed-offset zone if every event is published with the same whole-hour offset."""
    offsets: set[timedelta] = set()
    for event in events:
        start = _published_datetime(event.values.get("date"))
        offset = None if start is None else start.utcoffset()
        if offset is None:
            return None
        offsets.add(offset)
    if len(offsets) != 1:
        return None
    seconds = int(offsets.pop().total_seconds())
    if seconds % 3600:
        return None
    hours = seconds // 3600
    return "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"


def _published_datetime(text: str | None) -> datetime | None:
    if not text or not text.strip():
        return None
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        return None


# ----------------------------------------------------------------------------------------
# Events


def _localized_events(conference: _Conference, zone_name: str, report: _Report) -> list[_Event]:
    """Every event checked and placed at its aware published start; issues for the rest."""
    events: list[_Event] = []
    first_line: dict[str, int | None] = {}
    mismatched: list[str] = []
    for raw in conference.events:
        event = _checked_event(raw, conference, zone_name, report)
        if event is None:
            continue
        if event.id in first_line:
            seen = first_line[event.id]
            where = f" (first on line {seen})" if seen else ""
            report.issue(f"events[{event.id}].id", f"event id {event.id} is used twice{where}",
                         event.line)
            continue
        first_line[event.id] = event.line
        if _offset_disagrees(raw, zone_name):
            mismatched.append(event.id)
        events.append(event)
    if mismatched:
        report.warn(
            f"{len(mismatched)} events (first: {mismatched[0]}) are published with a UTC offset "
            f"that differs from time_zone_name {zone_name}; their instants are kept as published"
        )
    if not events and not report.issues:
        report.issue("events", "the schedule has no events", conference.line)
    return events


def _offset_disagrees(raw: _RawEvent, zone_name: str) -> bool:
    published = _published_datetime(raw.values.get("date"))
    if published is None or published.utcoffset() is None:
        return False
    return published.utcoffset() != published.astimezone(zone(zone_name)).utcoffset()


def _checked_event(
    raw: _RawEvent, conference: _Conference, zone_name: str, report: _Report
) -> _Event | None:
    if not raw.id or not raw.id.strip():
        report.issue(f"day[{raw.day}].room[{raw.room}].event", "an event needs an id", raw.line)
        return None
    event_id = raw.id.strip()
    where = f"events[{event_id}]"
    ok = True
    if not _VALID_SLUG.match(event_id) or len(event_id) > 120:
        report.issue(f"{where}.id", f"event id {event_id!r} cannot be used as an id", raw.line)
        ok = False
    duration = _event_duration(raw, where, report)
    start = _event_start(raw, conference, where, report)
    if duration is None or start is None or not ok:
        return None
    published_room = (raw.values.get("room") or "").strip()
    if published_room and published_room != raw.room:
        report.warn(f"event {event_id} is listed in room {raw.room!r} but names room "
                    f"{published_room!r}; using {raw.room!r}")
    title = raw.values.get("title") or ""  # a name: control characters are refused, not removed
    if not title.strip():
        report.note("events without a title", f"event {event_id}")
    abstract = _clean_text(raw, "abstract", report)
    if not abstract.strip():  # pentabarf and FOSDEM keep the text in <description>
        abstract = _clean_text(raw, "description", report)
    return _Event(
        id=event_id,
        line=raw.line,
        day=raw.day,
        room=raw.room,
        start=localize(start, zone_name),
        duration=duration,
        title=title,
        abstract=abstract,
        track=(raw.values.get("track") or "").strip() or None,
        language=(raw.values.get("language") or "").strip() or None,
        kind=kind_of(raw.values.get("type")),
        persons=raw.persons,
        day_index=raw.day_index,
        source=_event_source(raw),
    )


def _clean_text(raw: _RawEvent, tag: str, report: _Report) -> str:
    """A published text without control characters (noted, with the event's line)."""
    text = raw.values.get(tag) or ""
    found = control_characters(text)
    if found:
        line = raw.lines.get(tag, raw.line)
        where = f" (line {line})" if line else ""
        report.note("texts with control characters, removed",
                    f"event {raw.id} {tag}{where}: {', '.join(code for _, code in found[:3])}")
        text = strip_controls(text)
    return text


def _event_source(raw: _RawEvent) -> Source:
    """The event's identity in the source, for re-exports."""
    def value(tag: str) -> str | None:
        text = (raw.values.get(tag) or "").strip()
        return text or None

    return Source(
        id=(raw.id or "").strip() or None,
        guid=value("guid"),
        slug=value("slug"),
        url=value("url"),
        links=tuple(Link(title=title, url=url) for title, url in raw.links),
    )


def _event_duration(raw: _RawEvent, where: str, report: _Report) -> int | None:
    text = raw.values.get("duration")
    line = raw.lines.get("duration", raw.line)
    if text is None or not text.strip():
        report.issue(f"{where}.duration", f"event {raw.id} has no duration", line)
        return None
    parsed = parse_duration(text)
    if parsed is None:
        report.issue(f"{where}.duration",
                     f"duration {text.strip()!r} is not HH:MM or H:MM:SS", line)
        return None
    minutes, rounded = parsed
    if minutes < 1:
        report.issue(f"{where}.duration", f"duration {text.strip()!r} is empty", line)
        return None
    if rounded:
        report.warn(f"event {raw.id}: duration {text.strip()} rounded up to {minutes} minutes")
    return minutes


def _event_start(
    raw: _RawEvent, conference: _Conference, where: str, report: _Report
) -> datetime | None:
    """The published start: `<date>` (aware, or naive festival wall clock), else the day's
    date and `<start>`, on the next calendar day when before the day's start."""
    text = raw.values.get("date")
    if text and text.strip():
        published = _published_datetime(text)
        if published is None:
            report.issue(f"{where}.date", f"{text.strip()!r} is not an ISO 8601 date and time",
                         raw.lines.get("date", raw.line))
        return published
    clock_text = raw.values.get("start")
    clock = _clock_of(clock_text) if clock_text and "T" not in clock_text else None
    if clock is None:
        report.issue(f"{where}.start", f"event {raw.id} has no start time (HH:MM), got "
                     f"{clock_text!r}", raw.lines.get("start", raw.line))
        return None
    boundary = raw.day_starts or conference.day_change
    calendar_day = raw.day + timedelta(days=1) if boundary and clock < boundary else raw.day
    return datetime.combine(calendar_day, clock)


# ----------------------------------------------------------------------------------------
# Building the spec


def _build_spec(
    conference: _Conference, events: list[_Event], zone_name: str, keep_times: bool,
    report: _Report,
) -> Spec:
    festival_id = _festival_id(conference, report)
    room_ids = _room_ids(events)
    try:  # names and titles with control characters, out-of-range values: located issues
        artists, artists_of = _artists(events, report)
        days = _programme_days(events, zone_name, report)
        for event in events:
            event.day = days.labels[event.day_index]
        windows = _room_day_windows(events)
        venues = _venues(events, room_ids, windows, days, zone_name, report)
        items = _items(events, room_ids, artists_of, windows, days, keep_times)
        start, end = _festival_dates(conference, events, report)
        festival = Festival(
            id=festival_id,
            name=conference.title or conference.acronym or festival_id,
            city=conference.city or "",
            timezone=zone_name,
            start=start,
            end=end,
            day_start_hour=days.hour,
            day_boundaries=days.boundaries(zone_name),
            default_walking_minutes=0,
            venues=venues,
            items=items,
        )
        return Spec(festivals=[festival], artists=artists)
    except ValidationError as error:
        for problem in error.errors():
            loc = tuple(part for part in problem["loc"] if isinstance(part, int | str))
            report.issue(field_path(loc), str(problem["msg"]), conference.line)
        report.raise_if_any()
        raise  # unreachable: raise_if_any raised


def _festival_id(conference: _Conference, report: _Report) -> str:
    if conference.acronym:
        return slugify(conference.acronym)
    if conference.title:
        report.warn(f"no conference acronym: the festival id comes from the title "
                    f"{conference.title!r}")
        return slugify(conference.title)
    report.issue("conference.acronym", "the conference has neither acronym nor title",
                 conference.line)
    report.raise_if_any()
    return ""


def _festival_dates(
    conference: _Conference, events: list[_Event], report: _Report
) -> tuple[date, date]:
    """The conference's start and end, widened to cover every programme day (a last day's
    events running past its end do not widen it: that day has its own boundaries)."""
    days = [event.day for event in events]
    start = min([conference.start] if conference.start else days)
    end = max([conference.end] if conference.end else days)
    if min(days) < start or max(days) > end:
        report.warn(f"programme days {min(days)} to {max(days)} run outside the conference "
                    f"dates {start} to {end}; the festival covers them all")
    return min(start, *days), max(end, *days)


def _room_ids(events: list[_Event]) -> dict[str, str]:
    """Each room name's venue id: its slug, made unique, in order of first publication."""
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for event in events:
        if event.room not in ids:
            ids[event.room] = _unique(slugify(event.room), taken)
    return ids


# ----------------------------------------------------------------------------------------
# Programme days and room-day windows


@dataclass
class _Days:
    """The programme days: the hour they start at, and the date each frab <day> (by its
    position in the file) is filed under."""

    hour: int
    labels: dict[int, date]
    bounds: dict[int, tuple[datetime, datetime]]
    own: dict[int, tuple[datetime, datetime]] = field(default_factory=dict)

    def boundaries(self, zone_name: str) -> list[DayBoundary]:
        """The days with bounds of their own, as the festival's `day_boundaries`."""
        tz = zone(zone_name)
        return [DayBoundary(date=self.labels[index],
                            starts=start.astimezone(tz).replace(tzinfo=None),
                            ends=end.astimezone(tz).replace(tzinfo=None))
                for index, (start, end) in sorted(self.own.items())]


def _labels_at(
    local: list[tuple[datetime, int]], hour: int
) -> tuple[dict[int, date], int]:
    """Each frab day's programme date at day start `hour` (the date most of its events
    start on), and how many events then start on another date or share a date with
    another frab day."""
    shift = timedelta(hours=hour)
    counts: dict[int, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for wall, index in local:
        counts[index][(wall - shift).date()] += 1
    labels = {index: max(dates, key=lambda d: (dates[d], -d.toordinal()))
              for index, dates in counts.items()}
    misfits = sum(n for index, dates in counts.items() for d, n in dates.items()
                  if d != labels[index])
    ordered = [labels[index] for index in sorted(labels)]
    clashes = sum(1 for a, b in zip(ordered, ordered[1:], strict=False) if b <= a)
    return labels, misfits + clashes


def _programme_days(events: list[_Event], zone_name: str, report: _Report) -> _Days:
    """The frab <day> is the programme day: every event listed under it belongs to it.

    Affiche's programme days run from `day_start_hour` to the same hour the next date, so
    the import picks the hour (4, then 0..12) at which every frab day's events start on
    one date of their own and run inside that day, as far as they can. The date each frab
    day is filed under follows from its events' local times, never from the published
    `<day date>` (a wafer export's can be the UTC date of a local day)."""
    tz = zone(zone_name)
    local = [(event.start.astimezone(tz).replace(tzinfo=None), event.day_index)
             for event in events]
    published = {event.day_index: event.day for event in events}

    spans = [(wall, wall + timedelta(minutes=event.duration), event.day_index)
             for (wall, _), event in zip(local, events, strict=True)]

    def cost(hour: int) -> tuple[int, int]:
        """Events off their day's date, and events running out of their programme day
        (least first; the published dates do not vote: they may be UTC dates)."""
        labels, misfits = _labels_at(local, hour)
        shift = timedelta(hours=hour)
        outside = sum(
            not (datetime.combine(labels[i], time()) <= start - shift
                 and end - shift <= datetime.combine(labels[i] + timedelta(days=1), time()))
            for start, end, i in spans
        )
        return misfits, outside

    hour = min(DAY_START_HOURS, key=cost)  # stable: 4 wins ties, then 0..12
    labels, misfits = _labels_at(local, hour)
    moved = sorted(i for i in labels if labels[i] != published[i])
    if moved:
        first = moved[0]
        report.warn(f"{len(moved)} published days are filed under the local date their "
                    f"events start on (day {first + 1}, published as {published[first]}, "
                    f"is {labels[first]})")
    bounds = {}
    for index, label in labels.items():
        bounds[index] = (localize(datetime.combine(label, time(hour)), zone_name),
                         localize(datetime.combine(label + timedelta(days=1), time(hour)),
                                  zone_name))
    own = _own_bounds(events, bounds)
    for event in events:
        opens, closes = bounds[event.day_index]
        if not opens <= event.start < closes:
            report.note(f"events starting outside their published day at any one day start "
                        f"hour (using {hour}; kept on that day at their published times: "
                        f"it has its own day_boundaries)", f"event {event.id} at "
                        f"{event.start.isoformat()}, listed under {labels[event.day_index]}")
    bounds.update(own)
    return _Days(hour, labels, bounds, own)


def _own_bounds(
    events: list[_Event], bounds: dict[int, tuple[datetime, datetime]]
) -> dict[int, tuple[datetime, datetime]]:
    """The days whose `day_start_hour` bounds do not hold their own events: a day with an
    event starting outside it runs from its earliest start to its latest end (the days may
    overlap: each event stays on its listed day at its published time); the last day runs
    to its latest end (a closing night set), so the festival's dates stay as published."""
    starts: dict[int, datetime] = {}
    ends: dict[int, datetime] = {}
    misfiled: set[int] = set()
    for event in events:
        index = event.day_index
        starts[index] = min(starts.get(index, event.start), event.start)
        ends[index] = max(ends.get(index, event.end), event.end)
        if not bounds[index][0] <= event.start < bounds[index][1]:
            misfiled.add(index)
    last = max(bounds)
    own = {}
    for index, (first, end) in bounds.items():
        if index in misfiled:
            own[index] = (min(first, starts[index]), max(end, ends[index]))
        elif index == last and ends[index] > end:
            own[index] = (first, ends[index])
    return own


_Windows = dict[str, dict[int, tuple[datetime, datetime]]]


def _room_day_windows(events: list[_Event]) -> _Windows:
    """Each room's window on each frab day: from the earliest start to the latest end of
    that room's events under that day (past the next day's start if they run so)."""
    spans: _Windows = defaultdict(dict)
    for event in events:
        days = spans[event.room]
        first, last = days.get(event.day_index, (event.start, event.end))
        days[event.day_index] = (min(first, event.start), max(last, event.end))
    return spans


def _spilling_rooms(windows: _Windows, days: _Days) -> set[str]:
    """Rooms whose window on some day starts or ends outside that programme day, or meets
    another day's window: an item of a neighbouring day could start there."""
    rooms = set()
    for room, by_day in windows.items():
        ordered = sorted(by_day.values())
        overlapping = any(b[0] < a[1] for a, b in zip(ordered, ordered[1:], strict=False))
        spilling = any(start < days.bounds[i][0] or end > days.bounds[i][1]
                       for i, (start, end) in by_day.items())
        if overlapping or spilling:
            rooms.add(room)
    return rooms


def _venues(
    events: list[_Event], room_ids: dict[str, str], windows: _Windows, days: _Days,
    zone_name: str, report: _Report,
) -> list[Venue]:
    """One venue per room, open on each day from its first published start to its last
    end, holding at once as many events as the published schedule had there."""
    tz = zone(zone_name)
    venues = []
    for room, venue_id in room_ids.items():
        merged = _merged(sorted(windows[room].values()), room, report)
        parallel = _most_at_once([e for e in events if e.room == room])
        if parallel > 1:
            report.note("rooms the published schedule double-books (each holds as many "
                        "events at once as published)", f"{room} ({parallel} at once)")
        venues.append(
            Venue(
                id=venue_id,
                name=room,
                changeover_minutes=0,
                parallel=parallel,
                open=[Window(start=s.astimezone(tz), end=e.astimezone(tz)) for s, e in merged],
            )
        )
    return venues


def _most_at_once(events: list[_Event]) -> int:
    """The most events that run at one instant (an end and a start that meet do not)."""
    changes = sorted([(e.start, 1) for e in events] + [(e.end, -1) for e in events],
                     key=lambda change: (change[0], change[1]))
    most = current = 0
    for _, step in changes:
        current += step
        most = max(most, current)
    return max(most, 1)


def _merged(
    windows: list[tuple[datetime, datetime]], room: str, report: _Report
) -> list[tuple[datetime, datetime]]:
    """A room's opening: its day windows, those that overlap joined (each item keeps to
    its own day's window by its `windows`)."""
    merged: list[tuple[datetime, datetime]] = []
    for start, end in windows:
        if merged and start < merged[-1][1]:
            report.note("rooms whose windows of two days overlap (a night set runs into the "
                        "next day)", f"{room} at {start.isoformat()}")
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _items(
    events: list[_Event], room_ids: dict[str, str], artists_of: dict[str, list[str]],
    windows: _Windows, days: _Days, keep_times: bool,
) -> list[Item]:
    rooms_of_track: dict[str, dict[str, None]] = defaultdict(dict)
    for event in events:
        if event.track:
            rooms_of_track[event.track][event.room] = None
    spilling = _spilling_rooms(windows, days)
    items = []
    for event in events:
        rooms = list(rooms_of_track[event.track]) if event.track else [event.room]
        first, last = days.bounds[event.day_index]
        inside_its_day = first <= event.start and event.end <= last
        own_windows: list[Window] = []
        if spilling & set(rooms) or not inside_its_day:
            own_windows = _day_windows(event, rooms, windows, (first, last))
        items.append(_item(event, room_ids, rooms, artists_of, own_windows, keep_times,
                           [event.day] if inside_its_day else []))
    return items


def _day_windows(
    event: _Event, rooms: list[str], windows: _Windows, bounds: tuple[datetime, datetime],
) -> list[Window]:
    """Where an event may run when its programme day cannot say it (it runs past the day's
    end, or a room's windows spill over): inside its rooms' windows of its own frab day,
    starting within that programme day (which holds every start listed under it)."""
    first, last = bounds
    latest_end = last + timedelta(minutes=event.duration)
    spans = set()
    for room in rooms:
        if event.day_index in windows[room]:
            start, end = windows[room][event.day_index]
            if min(end, latest_end) > max(start, first):
                spans.add((max(start, first), min(end, latest_end)))
    joined: list[tuple[datetime, datetime]] = []
    for start, end in sorted(spans):
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    return [Window(start=s, end=e) for s, e in joined]


def _item(
    event: _Event, room_ids: dict[str, str], rooms: list[str],
    artists_of: dict[str, list[str]], windows: list[Window], keep_times: bool,
    on_days: list[date],
) -> Item:
    room = room_ids[event.room]
    pins = [Pin(occurrence=1, venue=room, start=event.start)] if keep_times else []
    description, description_html = _description(event.abstract)
    return Item(
        id=event.id,
        kind=event.kind,
        title=Text(en=event.title, fr=event.title),
        description=Text(en=description, fr=description),
        description_html=(Text(en=description_html, fr=description_html)
                          if description_html else None),
        duration=event.duration,
        artists=artists_of.get(event.id, []),
        venues=[room_ids[r] for r in rooms],
        days=on_days,
        windows=windows,
        pins=pins,
        track=event.track,
        language=event.language,
        source=event.source,
    )


def _description(abstract: str) -> tuple[str, str | None]:
    """The plain text of an abstract, and its safe HTML when it is HTML or Markdown."""
    if looks_like_html(abstract):
        return html_to_plain(abstract), sanitize_html(abstract) or None
    if looks_like_markdown(abstract):
        html = markdown_to_html(abstract)
        return html_to_plain(html), html or None
    return abstract.strip(), None


# ----------------------------------------------------------------------------------------
# Persons


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


@dataclass
class _People:
    """The persons met so far: artist id and name by key, and the keys of each source id
    (one id may carry several people: each distinct name is its own person)."""

    ids: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    by_id: dict[str, list[str]] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)

    def key(self, person: _RawPerson, report: _Report) -> str | None:
        if person.id:
            keys = self.by_id.setdefault(person.id, [])
            for key in keys:
                if not person.name or _same_name(self.names[key], person.name):
                    return key
            key = f"id:{person.id}" if not keys else f"id:{person.id}:{person.name}"
            if keys:
                report.note("person ids carried by another name (kept as distinct people)",
                            f"id {person.id} is {self.names[keys[0]]!r} and {person.name!r}")
            keys.append(key)
        elif person.guid:
            key = f"guid:{person.guid}"
        elif person.name:
            key = f"name:{' '.join(person.name.split()).casefold()}"
        else:
            return None
        if key not in self.ids:
            base = f"p{person.id}" if person.id else person.name or person.guid or "person"
            self.ids[key] = _unique(slugify(base), self.taken)
            self.names[key] = person.name or self.ids[key]
            self.sources[key] = Source(id=person.id, guid=person.guid)
        return key


def _artists(
    events: list[_Event], report: _Report
) -> tuple[list[Artist], dict[str, list[str]]]:
    """One artist per person, the artist ids of each event, double bookings exempted."""
    people = _People()
    artists_of: dict[str, list[str]] = {}
    bookings: dict[str, list[_Event]] = defaultdict(list)
    for event in events:
        listed: list[str] = []
        for person in event.persons:
            key = people.key(person, report)
            if key is None:
                report.note("persons without id or name, left out", f"event {event.id}")
                continue
            if people.ids[key] in listed:
                report.note("persons listed twice in one event",
                            f"event {event.id}: {people.names[key]} ({people.ids[key]})")
                continue
            listed.append(people.ids[key])
            bookings[key].append(event)
        artists_of[event.id] = listed
    double = _double_booked(bookings, people.ids, people.names, report)
    artists = [
        Artist(id=people.ids[key], name=people.names[key], may_double_book=key in double,
               source=people.sources[key])
        for key in people.ids
    ]
    return artists, artists_of


def _double_booked(
    bookings: dict[str, list[_Event]], ids: dict[str, str], names: dict[str, str],
    report: _Report,
) -> set[str]:
    """Persons whose own published events overlap in time, noted once each."""
    double = set()
    for key, events in bookings.items():
        clashes = list(_overlaps(events))
        if clashes:
            double.add(key)
            pairs = ", ".join(f"{a.id} and {b.id} ({_where(a)}; {_where(b)})"
                              for a, b in clashes)
            report.note("persons double-booked in the published schedule (exempted from "
                        "no-overlap)", f"person {names[key]} ({ids[key]}): events {pairs}")
    return double


def _where(event: _Event) -> str:
    """An event as a producer finds it in the published schedule: title, room, time."""
    return f"\"{event.title}\" in {event.room}, {event.start:%-d %B %H:%M}-{event.end:%H:%M}"


def _overlaps(events: Iterable[_Event]) -> Iterable[tuple[_Event, _Event]]:
    """Pairs of events that overlap in time, each later event paired with the one it hits."""
    ordered = sorted(events, key=lambda event: (event.start, event.end))
    latest: _Event | None = None
    for event in ordered:
        if latest is not None and event.start < latest.end:
            yield latest, event
        if latest is None or event.end > latest.end:
            latest = event
