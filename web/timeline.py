"""The producer's timeline: per festival day, venues as rows and time as columns (SVG)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from affiche.web.programme import Occurrence, Programme, group_by_day

LABEL_WIDTH = 150
HOUR_WIDTH = 96
ROW_HEIGHT = 40
LANE_HEIGHT = 30  # one lane of a venue holding several items at once
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
class Row:
    """One venue's band: `lanes` bars high (a venue holding `parallel` items at once
    draws each lane of its own, so that items at the same time sit side by side)."""

    y: float
    name: str
    height: float
    lanes: int


@dataclass(frozen=True)
class TimelineDay:
    festival_name: str
    day: date
    width: int
    height: int
    rows: list[Row]
    ticks: list[tuple[float, datetime]]
    bars: list[Bar]


def _label(text: str, width: float) -> str:
    room = max(int((width - 8) / 7), 0)
    return text if len(text) <= room else (text[: max(room - 1, 0)] + "…" if room > 1 else "")


def deal_lanes(occurrences: list[Occurrence]) -> dict[str, int]:
    """Each occurrence's lane in its venue (0 first): by start, into the lowest lane whose
    last bar has ended; a sound programme never needs more lanes than `parallel`."""
    lanes: dict[str, int] = {}
    ends: dict[str, list[datetime]] = {}
    for occ in sorted(occurrences, key=lambda o: (o.start, o.end, o.uid)):
        taken = ends.setdefault(occ.venue.id, [])
        lane = next((n for n, end in enumerate(taken) if end <= occ.start), len(taken))
        if lane == len(taken):
            taken.append(occ.end)
        else:
            taken[lane] = occ.end
        lanes[occ.uid] = lane
    return lanes


def build_day(name: str, day: date, occurrences: list[Occurrence], lang: str) -> TimelineDay:
    venues = list(dict.fromkeys(o.venue.id for o in sorted(occurrences, key=lambda o: o.venue.id)))
    names = {o.venue.id: o.venue.name for o in occurrences}
    lane_of = deal_lanes(occurrences)
    lanes = {
        v: max([o.venue.parallel for o in occurrences if o.venue.id == v]
               + [lane_of[o.uid] + 1 for o in occurrences if o.venue.id == v])
        for v in venues
    }
    tops: dict[str, float] = {}
    y = float(HEADER_HEIGHT)
    for v in venues:
        tops[v] = y
        y += _row_height(lanes[v])
    first = min(o.start for o in occurrences).replace(minute=0, second=0, microsecond=0)
    last = max(o.end for o in occurrences)
    hours = max(1, int((last - first).total_seconds() // 3600) + 1)

    def x_of(moment: datetime) -> float:
        return LABEL_WIDTH + (moment - first).total_seconds() / 3600 * HOUR_WIDTH

    rows = [Row(tops[v], names[v], _row_height(lanes[v]), lanes[v]) for v in venues]
    ticks = [
        (x_of(first + timedelta(hours=h)), first + timedelta(hours=h)) for h in range(hours + 1)
    ]
    bars = []
    for occ in occurrences:
        x, width = x_of(occ.start), max(x_of(occ.end) - x_of(occ.start), 3)
        title = occ.item.title.in_language(lang)
        bars.append(
            Bar(
                occ,
                x,
                tops[occ.venue.id] + 4 + lane_of[occ.uid] * LANE_HEIGHT,
                width,
                LANE_HEIGHT - 4 if lanes[occ.venue.id] > 1 else ROW_HEIGHT - 8,
                KIND_COLOURS.get(occ.item.kind, "#333"),
                _label(title, width),
            )
        )
    width = LABEL_WIDTH + hours * HOUR_WIDTH + 48
    return TimelineDay(name, day, width, int(y) + 4, rows, ticks, bars)


def _row_height(lanes: int) -> float:
    return ROW_HEIGHT if lanes == 1 else lanes * LANE_HEIGHT + 8


def timeline(programme: Programme, lang: str) -> list[TimelineDay]:
    return [
        build_day(group.festival.name, group.day, group.occurrences, lang)
        for group in group_by_day(programme.occurrences)
    ]
