"""The printable programme: one A5 PDF per language, set by Typst.

`programme.pdf` is English and `programme.fr.pdf` French. One booklet per language
rather than one bilingual booklet: a reader reads one language, two columns of every
title and description would double the pages and halve the type size on A5, and it
matches the iCal naming (`.fr` before the extension).

Per festival: a cover (name, city, dates), then day by day (programme days, so a 01:00
show sits in the evening before, marked with a moon) and venue by venue, then a venue
index and an artist index whose page numbers Typst finds from each entry's label. Times
are 24-hour wall-clock times in the festival's zone. Cancelled occurrences are left out.

Typst rather than an HTML renderer: it sets FOSDEM's 900 entries (about 150 pages) in
a second or two where WeasyPrint took two to three minutes a booklet. Nothing from the
schedule is spliced into markup: the template (`templates/programme.typ`) reads the
booklet as JSON from `sys.inputs` and places every string as text, so `#`, `*`, `$`,
`<`, `@` or a backslash in a title print as written.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path

from affiche.programmes import rules
from affiche.programmes.calendar_words import MONTHS, WEEKDAYS
from affiche.programmes.publish.clock import in_zone
from affiche.programmes.publish.frab import day_bounds
from affiche.programmes.publish.versions import PublishedOccurrence
from affiche.programmes.schedule import FestivalInfo, Schedule

TEMPLATE = "programme.typ"

KINDS = {
    "fr": {
        "concert": "concert",
        "performance": "performance",
        "talk": "conférence",
        "screening": "projection",
        "workshop": "atelier",
        "installation": "installation",
        "stand": "stand",
        "meeting": "rencontre",
    },
}
LABELS = {
    "en": {
        "programme": "Programme",
        "venues": "Venues",
        "continued": "continued",
        "artists": "Artists",
        "night": "after midnight, in the night that follows",
        "forward": "Summer time begins tonight: clocks go forward one hour.",
        "back": "Summer time ends tonight: clocks go back one hour.",
        "times": "All times are local ({zone}), 24-hour clock.",
        "open": "Open daily, {first} – {last}",
    },
    "fr": {
        "programme": "Programme",
        "venues": "Lieux",
        "continued": "suite",
        "artists": "Artistes",
        "night": "après minuit, dans la nuit qui suit",
        "forward": "Passage à l’heure d’été cette nuit\u00a0: on avance d’une heure.",
        "back": "Retour à l’heure d’hiver cette nuit\u00a0: on recule d’une heure.",
        "times": "Horaires locaux ({zone}), sur 24 heures.",
        "open": "Ouvert chaque jour, du {first} au {last}",
    },
}


@dataclass(frozen=True)
class Entry:
    """One line of the day pages."""

    uid: str
    start: str
    end: str
    night: bool
    title: str
    artists: str
    kind: str
    hours: str = ""  # an installation's opening hours on this day
    anchor: bool = True  # the entry the indexes point to (an installation's first day)


@dataclass
class VenueBlock:
    name: str
    address: str
    entries: list[Entry] = field(default_factory=list)


@dataclass
class DayBlock:
    anchor: str
    label: str
    note: str
    has_night: bool
    venues: list[VenueBlock]


@dataclass(frozen=True)
class IndexLine:
    uid: str
    when: str
    night: bool
    title: str


@dataclass
class IndexEntry:
    name: str
    detail: str
    lines: list[IndexLine] = field(default_factory=list)


@dataclass
class Booklet:
    """One festival's part of the programme, ready for the template."""

    id: str
    name: str
    city: str
    dates: str
    description: str
    times_note: str
    days: list[DayBlock]
    venue_index: list[IndexEntry]
    artist_index: list[IndexEntry]


NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space: before ; ? ! and inside « »


def french_typography(text: str) -> str:
    """French spacing and punctuation: no line break before : ; ? ! », after «;
    typographic apostrophes. Only spaces already there are made non-breaking, so an
    English title inside a French programme ("Are you talking to me?") is left alone."""
    text = re.sub(r"[ \u00a0\u202f]+:", NBSP + ":", text)
    text = re.sub(r"[ \u00a0\u202f]+([;?!»])", NNBSP + r"\1", text)
    text = re.sub(r"«[ \u00a0\u202f]+", "«" + NNBSP, text)
    return re.sub(r"(?<=\w)'(?=\w)", "’", text)


def typeset(text: str, lang: str) -> str:
    return french_typography(text) if lang == "fr" else text


def date_label(day: date, lang: str, weekday: bool = True) -> str:
    """`Saturday 28 March` / `samedi 28 mars`."""
    text = f"{day.day} {MONTHS[lang][day.month - 1]}"
    return f"{WEEKDAYS[lang][day.weekday()]} {text}" if weekday else text


def dates_label(first: date, last: date, lang: str) -> str:
    """`28–30 March 2026`, or `30 March – 2 April 2026` across months."""
    if first == last:
        return f"{date_label(first, lang, weekday=False)} {first.year}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{date_label(last, lang, weekday=False)} {last.year}"
    return (
        f"{date_label(first, lang, weekday=False)} – "
        f"{date_label(last, lang, weekday=False)} {last.year}"
    )


def kind_label(kind: str, lang: str) -> str:
    return KINDS.get(lang, {}).get(kind, kind)


def clock_change(day: date, festival: FestivalInfo, lang: str) -> str:
    """A warning when the programme day contains a daylight-saving change, else ''."""
    start, end = day_bounds(day, festival)
    before, after = start.utcoffset(), end.utcoffset()
    if before is None or after is None or before == after:
        return ""
    return LABELS[lang]["forward" if after > before else "back"]


def sort_key(name: str) -> tuple[str | int, ...]:
    """Alphabetical order that puts É with E and "DJ 2" before "DJ 10"."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", plain))


def build_booklet(
    festival: FestivalInfo,
    occurrences: Iterable[PublishedOccurrence],
    venue_order: list[str],
    lang: str,
) -> Booklet:
    """The view of one festival in `lang`."""
    occs = sorted(
        (o for o in occurrences if o.festival == festival.id and not o.cancelled),
        key=lambda o: (o.start, o.uid),
    )
    rank = {venue: n for n, venue in enumerate(venue_order)}
    return Booklet(
        id=festival.id,
        name=festival.name,
        city=", ".join(p for p in (festival.city, festival.country) if p),
        dates=dates_label(festival.start, festival.end, lang),
        description=typeset(festival.description.in_language(lang), lang),
        times_note=LABELS[lang]["times"].format(zone=festival.timezone),
        days=_days(festival, occs, rank, lang),
        venue_index=_venue_index(festival, occs, rank, lang),
        artist_index=_artist_index(festival, occs, lang),
    )


def open_days(occ: PublishedOccurrence, festival: FestivalInfo) -> list[date]:
    """The programme days an occurrence covers: one for a show, every day it is open for
    an installation (one closing at midnight is not open on the next day)."""
    if occ.kind != "installation":  # a show belongs to its programme day alone
        return [occ.day]
    last = rules.day_of(festival, occ.end - timedelta(minutes=1))
    count = max(0, (last - occ.day).days)
    return [occ.day + timedelta(days=n) for n in range(count + 1)]


def _days(
    festival: FestivalInfo, occs: list[PublishedOccurrence], rank: dict[str, int], lang: str
) -> list[DayBlock]:
    by_day: dict[date, list[tuple[PublishedOccurrence, bool]]] = {}
    for occ in occs:
        covered = open_days(occ, festival)
        for n, day in enumerate(covered):
            by_day.setdefault(day, []).append((occ, len(covered) > 1 and n > 0))
    days = []
    for day in sorted(by_day):
        venues: dict[str, VenueBlock] = {}
        todays = sorted(by_day[day], key=lambda p: (rank.get(p[0].venue, len(rank)), p[0].venue))
        for occ, again in todays:
            block = venues.setdefault(
                occ.venue, VenueBlock(occ.venue_in(lang), occ.venue_address)
            )
            block.entries.append(_entry(festival, occ, lang, again))
        has_night = any(e.night for v in venues.values() for e in v.entries)
        label = date_label(day, lang)
        days.append(
            DayBlock(
                f"{festival.id}-{day.isoformat()}",
                label,
                clock_change(day, festival, lang),
                has_night,
                list(venues.values()),
            )
        )
    return days


def _local(instant: datetime, festival: FestivalInfo) -> datetime:
    return in_zone(instant, festival.timezone)


def _entry(
    festival: FestivalInfo, occ: PublishedOccurrence, lang: str, again: bool = False
) -> Entry:
    """The entry of `occ`; one open over several days shows its daily hours and its dates
    (`again` on the days after the first, which the indexes do not point to)."""
    start, end = _local(occ.start, festival), _local(occ.end, festival)
    covered = open_days(occ, festival)
    hours = ""
    if len(covered) > 1:
        first, last = (date_label(d, lang, weekday=False) for d in (covered[0], covered[-1]))
        hours = LABELS[lang]["open"].format(first=first, last=last)
    return Entry(
        uid=occ.uid,
        start=f"{start:%H:%M}",
        end=f"{end:%H:%M}",
        night=start.date() > occ.day and not again,
        title=typeset(occ.title.in_language(lang), lang),
        artists=", ".join(occ.artist_names),
        kind=" · ".join(p for p in (kind_label(occ.kind, lang), occ.track or "") if p),
        hours=hours,
        anchor=not again,
    )


def _when(festival: FestivalInfo, occ: PublishedOccurrence, lang: str) -> str:
    start = _local(occ.start, festival)
    weekday = WEEKDAYS[lang][occ.day.weekday()][:3]
    weekday = weekday.capitalize() if lang == "en" else weekday + "."
    return f"{weekday} {occ.day.day} · {start:%H:%M}"


def _index_line(festival: FestivalInfo, occ: PublishedOccurrence, lang: str) -> IndexLine:
    night = _local(occ.start, festival).date() > occ.day
    title = typeset(occ.title.in_language(lang), lang)
    return IndexLine(occ.uid, _when(festival, occ, lang), night, title)


def _venue_index(
    festival: FestivalInfo, occs: list[PublishedOccurrence], rank: dict[str, int], lang: str
) -> list[IndexEntry]:
    entries: dict[str, IndexEntry] = {}
    for occ in sorted(occs, key=lambda o: (rank.get(o.venue, len(rank)), o.venue)):
        entry = entries.setdefault(
            occ.venue, IndexEntry(occ.venue_in(lang), occ.venue_address)
        )
        entry.lines.append(_index_line(festival, occ, lang))
    return list(entries.values())


def _artist_index(
    festival: FestivalInfo, occs: list[PublishedOccurrence], lang: str
) -> list[IndexEntry]:
    entries: dict[str, IndexEntry] = {}
    for occ in occs:
        for artist, name in zip(occ.artists, occ.artist_names, strict=True):
            entry = entries.setdefault(artist, IndexEntry(name, ""))
            entry.lines.append(_index_line(festival, occ, lang))
    return sorted(entries.values(), key=lambda e: sort_key(e.name))


def booklets(
    schedule: Schedule, occurrences: list[PublishedOccurrence], lang: str
) -> list[Booklet]:
    """One booklet part per festival that has something on the programme."""
    venue_order = [v.id for v in schedule.venues]
    parts = [build_booklet(f, occurrences, venue_order, lang) for f in schedule.festivals]
    return [part for part in parts if part.days]


def booklet_data(parts: list[Booklet], lang: str, title: str) -> str:
    """The booklet as the JSON the Typst template reads: all text travels as data."""
    payload = {
        "lang": lang,
        "title": title,
        "labels": LABELS[lang],
        "parts": [asdict(part) for part in parts],
    }
    return json.dumps(payload, ensure_ascii=False)


def template_path() -> Path:
    return Path(str(resources.files("affiche.programmes") / "templates" / TEMPLATE))


def write_pdf(data: str, path: Path) -> None:
    """Set the booklet whose JSON is `data` with the programme template into `path`."""
    import typst  # only publishing needs it

    template = template_path()
    try:
        pdf = typst.compile(
            str(template), root=str(template.parent), sys_inputs={"data": data}, pdf_tags=False
        )
    except typst.TypstError as error:  # a fault of the template, never of the data
        raise RuntimeError(f"{template}: the booklet could not be set: {error}") from error
    Path(path).write_bytes(pdf)


def render_programme(
    schedule: Schedule, occurrences: list[PublishedOccurrence], lang: str, path: Path
) -> None:
    """Write the programme in `lang` to `path`."""
    title = " · ".join(f.name for f in schedule.festivals)
    write_pdf(booklet_data(booklets(schedule, occurrences, lang), lang, title), path)
