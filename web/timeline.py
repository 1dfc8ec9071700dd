"""The producer's timeline: per festival day, venues as rows and time as columns (SVG)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from affiche.web.programme import Occurrence, Programme, group_by_day

LABEL_WIDTH = 150
HOUR_WIDTH = 96
ROW_HEIGHT = 40
HEADER_HEIGHT = 26
KIND_COLOURS = {
    "talk": "#1565c0",
    "concert": "#c62828",
    "performance": "#6a1b9a",
    "screening": "#2e7d32",
    "workshop": "#8a5a00",
    "stand": "#558b2f",
    "meeting": "#ad1457",
    "installation": "#546e7a",
}


@dataclass(frozen=True)
class Bar:
    occurrence: Occurrence
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str


@dataclass(frozen=True)
class TimelineDay:
    festival_name: str
    day: date
    width: int
    height: int
    rows: list[tuple[float, str]]
    ticks: list[tuple[float, datetime]]
    bars: list[Bar]


def _label(text: str, width: float) -> str:
    room = max(int((width - 8) / 7), 0)
    return text if len(text) <= room else (text[: max(room - 1, 0)] + "…" if room > 1 else "")


def build_day(name: str, day: date, occurrences: list[Occurrence], lang: str) -> TimelineDay:
    venues = list(dict.fromkeys(o.venue.id for o in sorted(occurrences, key=lambda o: o.venue.id)))
    names = {o.venue.id: o.venue.name for o in occurrences}
    first = min(o.start for o in occurrences).replace(minute=0, second=0, microsecond=0)
    last = max(o.end for o in occurrences)
    hours = max(1, int((last - first).total_seconds() // 3600) + 1)

    def x_of(moment: datetime) -> float:
        return LABEL_WIDTH + (moment - first).total_seconds() / 3600 * HOUR_WIDTH

    rows: list[tuple[float, str]] = [
        (HEADER_HEIGHT + i * ROW_HEIGHT, names[v]) for i, v in enumerate(venues)
    ]
    ticks = [
        (x_of(first + timedelta(hours=h)), first + timedelta(hours=h)) for h in range(hours + 1)
    ]
    bars = []
    for occ in occurrences:
        x, width = x_of(occ.start), max(x_of(occ.end) - x_of(occ.start), 3)
        y = HEADER_HEIGHT + venues.index(occ.venue.id) * ROW_HEIGHT + 4
        title = occ.item.title.in_language(lang)
        bars.append(
            Bar(
                occ,
                x,
                y,
                width,
                ROW_HEIGHT - 8,
                KIND_COLOURS.get(occ.item.kind, "#333"),
                _label(title, width),
            )
        )
    width = LABEL_WIDTH + hours * HOUR_WIDTH + 48
    return TimelineDay(
        name, day, width, HEADER_HEIGHT + len(venues) * ROW_HEIGHT + 4, rows, ticks, bars
    )


def timeline(programme: Programme, lang: str) -> list[TimelineDay]:
    return [
        build_day(group.festival.name, group.day, group.occurrences, lang)
        for group in group_by_day(programme.occurrences)
    ]
