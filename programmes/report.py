"""A short, self-contained HTML report of one solve: status, gap, the objective term by term
and its named violations, each artist's days and hotel nights, and a picture of venue use.

The picture is inline SVG (venues as rows, programme days and hours as columns, one bar
per placement coloured by kind); there is no JavaScript, and every text is escaped by
the template engine.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Protocol

from jinja2 import Environment, PackageLoader, select_autoescape

from affiche.programmes import rules
from affiche.programmes.schedule import (
    FestivalInfo,
    Placement,
    Schedule,
    write_text_atomically,
)
from affiche.venues.timeutil import zone

TEMPLATE = "report.html"

# Okabe-Ito colours (distinguishable with the common colour-vision deficiencies), and the
# text colour that reads on each.
KIND_COLOURS = {
    "concert": ("#D55E00", "#ffffff"),
    "performance": ("#E69F00", "#1a1a1a"),
    "talk": ("#0072B2", "#ffffff"),
    "screening": ("#56B4E9", "#1a1a1a"),
    "workshop": ("#009E73", "#ffffff"),
    "stand": ("#F0E442", "#1a1a1a"),
    "meeting": ("#CC79A7", "#1a1a1a"),
    "installation": ("#8c8c8c", "#ffffff"),
}
OTHER_COLOUR = ("#555555", "#ffffff")

WIDTH, LABEL_WIDTH, TOP, ROW, LEGEND = 1120.0, 190.0, 46.0, 38.0, 44.0
CHAR_WIDTH = 6.4  # average width of a 11 px sans-serif character, to shorten labels
NAME_CHAR_WIDTH = 7.4  # the same at 12.5 px, for venue names


# ----------------------------------------------------------------------------- figures


class Violation(Protocol):
    """A violation as the solver names it (`scheduler.result.Violation`, or the schedule's
    `ViolationInfo`): read as data, never parsed from words."""

    @property
    def family(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def cost(self) -> float: ...
    @property
    def venue(self) -> str | None: ...


@dataclass(frozen=True)
class Term:
    family: str
    cost: float


@dataclass(frozen=True)
class Cost:
    """One violation as the report's table shows it."""

    family: str
    what: str
    cost: str


@dataclass(frozen=True)
class Stay:
    """One artist at one festival: the programme days they perform, the nights between."""

    artist: str
    festival: str
    days: list[date]
    nights: int
    installations: list[str]


def _terms(result_terms: dict[str, float]) -> list[Term]:
    return [Term(family, cost) for family, cost in sorted(result_terms.items())]


def _costs(violations: Sequence[Violation], schedule: Schedule) -> list[Cost]:
    """Each violation: its family, what it concerns (with the venue's name when it is about
    one occurrence) and its cost."""
    venues = {v.id: v.name for v in schedule.venues}
    rows = []
    for violation in sorted(violations, key=lambda v: (v.family, -v.cost, v.label)):
        what = violation.label
        if violation.venue is not None:
            what += f" at {venues.get(violation.venue, violation.venue)}"
        rows.append(Cost(violation.family, what, f"{violation.cost:g}"))
    return rows


def _stays(schedule: Schedule) -> list[Stay]:
    """Nights from an artist's first to last programme day at each festival, counting timed
    items only (installations do not book their artists), as the solver does."""
    kinds = {item.id: item.kind for item in schedule.items}
    days: dict[tuple[str, str], set[date]] = defaultdict(set)
    installed: dict[tuple[str, str], list[str]] = defaultdict(list)
    for placement in schedule.placements:
        for artist in placement.artists:
            key = (artist, placement.festival)
            if kinds.get(placement.item) == "installation":
                installed[key].append(schedule.item(placement.item).title.in_language("en"))
            else:
                days[key].add(placement.day)
    names = {a.id: a.name for a in schedule.artists}
    festivals = {f.id: f.name for f in schedule.festivals}
    stays = []
    keys = sorted(set(days) | set(installed), key=lambda k: (names.get(k[0], k[0]), k[1]))
    for artist, festival in keys:
        booked = sorted(days[(artist, festival)])
        nights = (booked[-1] - booked[0]).days if booked else 0
        stays.append(
            Stay(
                names.get(artist, artist),
                festivals.get(festival, festival),
                booked,
                nights,
                installed[(artist, festival)],
            )
        )
    return stays


# ------------------------------------------------------------------------------ picture


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    fill: str
    ink: str
    title: str
    tooltip: str
    label: str = ""
    label_x: float = 0.0
    anchor: str = "start"


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    strong: bool = False


@dataclass
class Chart:
    """One festival's venue use, in SVG coordinates."""

    festival: str
    width: float
    height: float
    rows: list[tuple[float, str, str]] = field(default_factory=list)  # y, label, full name
    days: list[Tick] = field(default_factory=list)
    hours: list[Tick] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    legend: list[tuple[float, str, str]] = field(default_factory=list)
    grid_bottom: float = 0.0
    row: float = ROW


def _local(moment: datetime, festival: FestivalInfo) -> datetime:
    return moment.astimezone(zone(festival.timezone)).replace(tzinfo=None)


def _hours_into_day(moment: datetime, day: date, festival: FestivalInfo) -> float:
    """Wall-clock hours from the start of programme day `day` (day_start_hour) to `moment`."""
    start = datetime.combine(day, time(festival.day_start_hour))
    return (_local(moment, festival) - start) / timedelta(hours=1)


def _earliest_start(festival: FestivalInfo) -> int:
    """Hours from `day_start_hour` to the earliest programme-day start (`rules.day_bounds`):
    0 unless a day's `day_boundaries` entry starts it earlier."""
    starts = [_hours_into_day(rules.day_bounds(festival, day)[0], day, festival)
              for day in rules.programme_days(festival)]
    return min(0, math.floor(min(starts, default=0)))


def _hour_range(placements: list[Placement], festival: FestivalInfo) -> tuple[int, int]:
    """The hours of the programme day that timed items use (at least six), counted from
    `day_start_hour` on each day: a day that `day_boundaries` starts earlier reaches back
    before it, so that its small hours are drawn in its own column."""
    if not placements:
        return 6, 20
    floor = _earliest_start(festival)
    low = math.floor(min(_hours_into_day(p.start, p.day, festival) for p in placements))
    high = math.ceil(max(_hours_into_day(p.end, p.day, festival) for p in placements))
    low, high = max(low, floor), min(max(high, low + 1), 30)
    while high - low < 6:
        low, high = max(low - 1, floor), high + 1
    return low, high


def _clock(hours_into_day: int, festival: FestivalInfo) -> str:
    return f"{(festival.day_start_hour + hours_into_day) % 24:02d}"


def _shorten(text: str, width: float) -> str:
    room = int((width - 8) / CHAR_WIDTH)
    if room < 3:
        return ""
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


def _shorten_middle(name: str) -> str:
    """A venue name that fits the label column, keeping its end (`... stand island A`)."""
    room = int((LABEL_WIDTH - 14) / NAME_CHAR_WIDTH)
    if len(name) <= room:
        return name
    tail = room * 2 // 5
    return name[: room - tail - 1].rstrip() + "…" + name[-tail:].lstrip()


def _axis(chart: Chart, days: list[date], low: int, high: int, festival: FestivalInfo) -> None:
    day_width = (chart.width - LABEL_WIDTH) / len(days)
    hour_width = day_width / (high - low)
    step = next(s for s in (1, 2, 3, 4, 6, 12) if s * hour_width >= 26)
    for index, day in enumerate(days):
        left = LABEL_WIDTH + index * day_width
        chart.days.append(Tick(left + day_width / 2, f"{day:%a %d %b}", True))
        for hour in range(low, high, 1):
            if (festival.day_start_hour + hour) % step == 0:
                x = left + (hour - low) * hour_width
                label = _clock(hour, festival) if x < left + day_width - 16 else ""
                chart.hours.append(Tick(x, label, hour == low))
        chart.hours.append(Tick(left, "", True))


def _bar(
    placement: Placement, schedule: Schedule, geometry: tuple[float, float, int], y: float
) -> Bar:
    left, hour_width, low = geometry
    festival = schedule.festival(placement.festival)
    item = schedule.item(placement.item)
    start = _hours_into_day(placement.start, placement.day, festival)
    end = _hours_into_day(placement.end, placement.day, festival)
    x = left + (start - low) * hour_width
    width = max((end - start) * hour_width, 2.0)
    fill, ink = KIND_COLOURS.get(item.kind, OTHER_COLOUR)
    title = item.title.in_language("en")
    when = f"{_local(placement.start, festival):%a %H:%M}–{_local(placement.end, festival):%H:%M}"
    tooltip = f"{title} ({item.kind}), {when}, {schedule.venue(placement.venue).name}"
    return Bar(x, y + 5, width, ROW - 10, fill, ink, title, tooltip)


def _installation_bar(placement: Placement, schedule: Schedule, y: float, width: float) -> Bar:
    item = schedule.item(placement.item)
    fill, ink = KIND_COLOURS["installation"]
    title = item.title.in_language("en")
    tooltip = f"{title} (installation, all festival), {schedule.venue(placement.venue).name}"
    return Bar(LABEL_WIDTH, y + ROW - 9, width - LABEL_WIDTH, 5, fill, ink, "", tooltip)


def _place_labels(bars: list[Bar], right: float) -> None:
    """Each title inside its bar; when the bar is too short for it, just after the bar or
    just before it (in dark ink) where the row is free, left to right so that labels never
    cover each other; cut short with an ellipsis to what fits."""
    timed = sorted((b for b in bars if b.title), key=lambda b: (b.y, b.x))
    taken = LABEL_WIDTH
    for index, bar in enumerate(timed):
        if index == 0 or timed[index - 1].y != bar.y:
            taken = LABEL_WIDTH
        following = timed[index + 1] if index + 1 < len(timed) else None
        limit = following.x if following is not None and following.y == bar.y else right
        end = bar.x + bar.width
        options = [(_shorten(bar.title, bar.width), bar.x + 4, "start", bar.ink)]
        if len(options[0][0]) < min(len(bar.title), 8):
            options += [
                (_shorten(bar.title, limit - end), end + 2, "start", "#1a1a1a"),
                (_shorten(bar.title, bar.x - taken), bar.x - 2, "end", "#1a1a1a"),
            ]
        best = max(options, key=lambda option: len(option[0]))
        bar.label, bar.label_x, bar.anchor, bar.ink = best
        label_end = bar.label_x + CHAR_WIDTH * len(bar.label) if bar.anchor == "start" else end
        taken = max(end, label_end)


def _chart(schedule: Schedule, festival: FestivalInfo) -> Chart:
    venues = [v for v in schedule.venues if v.festival == festival.id]
    placements = [p for p in schedule.placements if p.festival == festival.id]
    kinds = {item.id: item.kind for item in schedule.items}
    timed = [p for p in placements if kinds.get(p.item) != "installation"]
    days = rules.programme_days(festival)
    low, high = _hour_range(timed, festival)
    chart = Chart(festival.name, WIDTH, TOP + ROW * len(venues) + LEGEND)
    chart.grid_bottom = TOP + ROW * len(venues)
    _axis(chart, days, low, high, festival)
    day_width = (WIDTH - LABEL_WIDTH) / len(days)
    row_of = {venue.id: TOP + index * ROW for index, venue in enumerate(venues)}
    chart.rows = [(row_of[v.id], _shorten_middle(v.name), v.name) for v in venues]
    for placement in placements:
        y = row_of.get(placement.venue)
        if y is None:
            continue
        if kinds.get(placement.item) == "installation":
            chart.bars.append(_installation_bar(placement, schedule, y, WIDTH))
        elif placement.day in days:
            left = LABEL_WIDTH + days.index(placement.day) * day_width
            geometry = (left, day_width / (high - low), low)
            chart.bars.append(_bar(placement, schedule, geometry, y))
    _place_labels(chart.bars, WIDTH)
    _legend(chart, sorted({kinds.get(p.item, "") for p in placements}))
    return chart


def _legend(chart: Chart, kinds: list[str]) -> None:
    x = LABEL_WIDTH
    for kind in kinds:
        chart.legend.append((x, KIND_COLOURS.get(kind, OTHER_COLOUR)[0], kind))
        x += 30 + CHAR_WIDTH * len(kind)


# ------------------------------------------------------------------------------- output


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("affiche.programmes", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.2f} %"


def render_report(
    schedule: Schedule, result_terms: dict[str, float], violations: Sequence[Violation]
) -> str:
    """The report as an HTML document."""
    solve = schedule.solve
    return _environment().get_template(TEMPLATE).render(
        title=" · ".join(f.name for f in schedule.festivals),
        schedule=schedule,
        solve=solve,
        gap=_percent(solve.gap),
        terms=_terms(result_terms),
        total=sum(result_terms.values()),
        violations=_costs(violations, schedule),
        stays=_stays(schedule),
        charts=[_chart(schedule, festival) for festival in schedule.festivals],
        generated=f"{schedule.generated:%Y-%m-%d %H:%M %Z}",
    )


def write_report(
    schedule: Schedule,
    result_terms: dict[str, float],
    violations: Sequence[Violation],
    path: Path,
) -> None:
    """Write the report of a solve to `path` (replaced atomically, readable by all)."""
    write_text_atomically(Path(path), render_report(schedule, result_terms, violations))
    Path(path).chmod(0o644)
