"""iCal feeds (RFC 5545), built with the `icalendar` library in small pure functions.

Feeds, in `DIR/ical/`, one file per language: `<kind>-<id>.ics` in English and
`<kind>-<id>.fr.ics` in French (same events, same UIDs, titles and descriptions in that
language), for `kind` in festival, artist and venue. Keeping the language as a second
suffix leaves `.ics` last, so every client and web server knows the type.

Each event's UID is `<occurrence uid>@affiche` (one per occurrence, never per item), its
SEQUENCE and STATUS come from the published version (see `versions`), DTSTART/DTEND carry
the festival's TZID and every TZID used has its VTIMEZONE. One DTSTAMP per export.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from icalendar import Calendar, Event, Timezone, vText

from affiche.programmes.publish.clock import ZoneLookup, in_zone
from affiche.programmes.publish.pdf import kind_label
from affiche.programmes.publish.versions import PublishedOccurrence
from affiche.programmes.text import strip_controls
from affiche.venues.timeutil import zone

PRODID = "-//affiche//festival programme//EN"
LANGUAGES = ("en", "fr")
REFRESH = timedelta(hours=1)  # REFRESH-INTERVAL and X-PUBLISHED-TTL (PT1H)

WITH = {"en": "With: ", "fr": "Avec : "}
YOUR_TIME = {"en": "Your time ({zone}): {when}", "fr": "Votre heure ({zone}) : {when}"}
CALNAME = {
    "festival": {"en": "{name}", "fr": "{name}"},
    "artist": {"en": "{name}: performances", "fr": "{name} : représentations"},
    "venue": {"en": "{name}: programme", "fr": "{name} : programme"},
}


@dataclass(frozen=True)
class Feed:
    """One calendar: a kind (festival, artist, venue), an id, a display name, its events."""

    kind: str
    id: str
    name: str
    occurrences: tuple[PublishedOccurrence, ...]
    timezone: str | None = None  # where the reader lives (an artist's own zone), if known

    def filename(self, lang: str) -> str:
        suffix = ".ics" if lang == "en" else f".{lang}.ics"
        return f"{self.kind}-{safe_id(self.id)}{suffix}"

    def calname(self, lang: str) -> str:
        name = self.occurrences[0].venue_in(lang) if self.kind == "venue" else self.name
        return CALNAME[self.kind][lang].format(name=name)


_LINE_BREAKS = re.compile(r"\r\n?|\n")  # U+2028 is kept: it ends no iCal line
_SCHEMES = ("http://", "https://")


def text_value(text: str) -> vText:
    """A TEXT property value: line breaks kept (icalendar escapes them as `\\n`), every other
    control character dropped, so nothing in a value can end its line (RFC 5545 3.3.11)."""
    return vText(strip_controls(_LINE_BREAKS.sub("\n", text)))


def line_value(text: str) -> vText:
    """A one-line TEXT value (names, titles, places): line breaks become spaces."""
    return text_value(_LINE_BREAKS.sub(" ", text))


def checked_base_url(base_url: str | None) -> str | None:
    """`base_url` if it is an http(s) URL on one line; a ValueError otherwise."""
    if base_url is None:
        return None
    if not base_url.lower().startswith(_SCHEMES) or re.search(r"[\x00-\x20\x7f]", base_url):
        raise ValueError(f"base URL {base_url!r} is not an http(s) URL (https://example.org/)")
    return base_url


def safe_id(identifier: str) -> str:
    """`identifier` usable as part of a file name (ids are slugs; this only guards)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "-", identifier).strip(".") or "-"


def event_uid(occ: PublishedOccurrence) -> str:
    return f"{occ.uid}@affiche"


def event_url(base_url: str, occ: PublishedOccurrence) -> str:
    return f"{base_url.rstrip('/')}/item/{occ.item}#{occ.uid}"


def collect_feeds(
    occurrences: Iterable[PublishedOccurrence], festival_names: dict[str, str]
) -> list[Feed]:
    """Every feed: one per festival, per artist and per venue that has occurrences.
    Private occurrences reach only their artists' and venue's own feeds."""
    groups: dict[tuple[str, str], list[PublishedOccurrence]] = {}
    names: dict[tuple[str, str], str] = {}
    for occ in occurrences:
        keys = [] if occ.private else [
            ("festival", occ.festival, festival_names.get(occ.festival, occ.festival))
        ]
        keys.append(("venue", occ.venue, occ.venue_name))
        keys.extend(("artist", a, n) for a, n in zip(occ.artists, occ.artist_names, strict=True))
        for kind, ident, name in keys:
            groups.setdefault((kind, ident), []).append(occ)
            names.setdefault((kind, ident), name)
    return [
        Feed(kind, ident, names[(kind, ident)], tuple(sorted(occs, key=_event_order)))
        for (kind, ident), occs in sorted(groups.items())
    ]


def _event_order(occ: PublishedOccurrence) -> tuple[datetime, str]:
    return occ.start, occ.uid


def get_calendar(name: str) -> Calendar:
    """An empty VCALENDAR with the feed-level properties."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", line_value(name))
    cal.add("x-wr-calname", line_value(name))
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    return cal


def build_vevent(
    occ: PublishedOccurrence,
    lang: str,
    stamp: datetime,
    base_url: str | None = None,
    zones: ZoneLookup = zone,
    reader_zone: str | None = None,
) -> Event:
    """The VEVENT of one occurrence, times in the festival's zone (with the times in
    `reader_zone` too in its description, when that zone differs)."""
    event = Event()
    event.add("uid", event_uid(occ))
    event.add("dtstamp", stamp)
    event.add("dtstart", in_zone(occ.start, occ.timezone, zones))
    event.add("dtend", in_zone(occ.end, occ.timezone, zones))
    event.add("sequence", occ.sequence)
    event.add("status", occ.status)
    event.add("summary", line_value(occ.title.in_language(lang)))
    event.add("location", line_value(location(occ, lang)))
    if text := description(occ, lang, reader_zone, zones):  # no empty DESCRIPTION: lines
        event.add("description", text_value(text))
    # the kind in the feed's language, as the booklet and the pages name it
    categories = [kind_label(occ.kind, lang)] + ([occ.track] if occ.track else [])
    event.add("categories", [line_value(c) for c in categories])
    if occ.kind == "installation":
        event.add("transp", "TRANSPARENT")
    if checked_base_url(base_url):
        event.add("url", event_url(str(base_url), occ))
    return event


def location(occ: PublishedOccurrence, lang: str = "en") -> str:
    return ", ".join(part for part in (occ.venue_in(lang), occ.venue_address) if part)


def reader_time(occ: PublishedOccurrence, lang: str, reader_zone: str,
                zones: ZoneLookup = zone) -> str:
    """`Your time (Asia/Tokyo): 2026-03-29 05:00-06:30`."""
    start, end = (moment.astimezone(zones(reader_zone)) for moment in (occ.start, occ.end))
    end_text = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}"
    return YOUR_TIME[lang].format(zone=reader_zone, when=f"{start:%Y-%m-%d %H:%M}–{end_text}")


def description(occ: PublishedOccurrence, lang: str, reader_zone: str | None = None,
                zones: ZoneLookup = zone) -> str:
    lines = []
    if reader_zone and reader_zone != occ.timezone:
        lines.append(reader_time(occ, lang, reader_zone, zones))
    if occ.artist_names:
        lines.append(WITH[lang] + ", ".join(occ.artist_names))
    text = occ.description.in_language(lang)
    if text:
        lines.append(text)
    return "\n\n".join(lines)


def build_calendar(
    feed: Feed,
    lang: str,
    stamp: datetime,
    base_url: str | None = None,
    zones: ZoneLookup = zone,
) -> Calendar:
    """The feed as a VCALENDAR with its events and the VTIMEZONE of every TZID used."""
    cal = get_calendar(feed.calname(lang))
    # Google and Outlook show the calendar in X-WR-TIMEZONE: the reader's own zone if known
    cal.add("x-wr-timezone", feed.timezone or feed.occurrences[0].timezone)
    for occ in feed.occurrences:
        cal.add_component(build_vevent(occ, lang, stamp, base_url, zones, feed.timezone))
    first, last = _span(feed.occurrences)
    found = [_vtimezone(tzid, first, last) for tzid in sorted(cal.get_missing_tzids())]
    cal.subcomponents[0:0] = [tz for tz in found if tz is not None]  # before the events
    return cal


@lru_cache(maxsize=256)
def _vtimezone(tzid: str, first: date, last: date) -> Timezone | None:
    """One VTIMEZONE per zone and span, shared by every feed (computing one is slow);
    None for a zone the library does not know (`missing_timezones` reports it)."""
    try:
        return Timezone.from_tzid(tzid, first_date=first, last_date=last)
    except ValueError:
        return None


def _span(occurrences: Iterable[PublishedOccurrence]) -> tuple[date, date]:
    """Dates safely around every event, to keep VTIMEZONE transitions few but sufficient."""
    occs = list(occurrences)
    first = min(occ.start for occ in occs).date() - timedelta(days=366)
    last = max(occ.end for occ in occs).date() + timedelta(days=366)
    return date(first.year, 1, 1), date(last.year, 12, 31)  # whole years: feeds share them


def missing_timezones(cal: Calendar) -> set[str]:
    """TZIDs used in `cal` without a VTIMEZONE (empty when all is well)."""
    return set(cal.get_missing_tzids())


FOLD_AT = 74  # octets of a folded line's content: 75 with the space that continues it


def fold(line: bytes) -> bytes:
    """One content line folded as icalendar folds it (never inside a UTF-8 character, nor
    just after a backslash or caret), in steps of 74 octets instead of char by char: its
    own folding was two thirds of FOSDEM's feed time."""
    if len(line) <= FOLD_AT:
        return line
    pieces, start = [], 0
    while len(line) - start > FOLD_AT:
        cut = start + FOLD_AT
        while line[cut] & 0xC0 == 0x80:  # inside a character: cut before it
            cut -= 1
        if cut - 1 > start and line[cut - 1] in b"\\^":  # keep an escape with what follows
            cut -= 1
        pieces.append(line[start:cut])
        start = cut
    pieces.append(line[start:])
    return b"\r\n ".join(pieces)


def serialize_calendar(cal: Calendar) -> bytes:
    """RFC 5545 text: CRLF line ends, lines folded at 75 octets, UTF-8 (the bytes of
    `cal.to_ical()`, folded faster)."""
    lines = (fold(str(line).encode("utf-8")) for line in cal.content_lines() if line)
    return b"\r\n".join(lines) + b"\r\n"
