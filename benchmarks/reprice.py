"""An independent re-pricing of a written programme, from the documented rules alone.

    python -m benchmarks.reprice SPEC... SCHEDULE   # SCHEDULE: a schedule.json or its DIR

Reads the spec (YAML/JSON files, plain data or a `Spec`) and `schedule.json`, and prices
each soft family as docs/spec-format.md states it, without the solver's code
(`affiche.scheduler` is never imported: the point is a second opinion on its objective):

- preferred venue: each occurrence away from its item's `preferred_venues`;
- preferred hours: each timed occurrence starting outside every `preferred_hours`
  window of every programme day (start in [opens, closes));
- audience clash: per tag, the tagged timed occurrences' minutes minus the minutes of
  their union, over all festivals (a minute with k of them running costs k - 1);
- hotel nights: per artist and festival, the nights between the first and the last
  programme day of their timed items (installations and `may_double_book` aside), from
  the arrival and to the departure when given; a single item counts only with a stay;
- repeat on one day: each pair of occurrences of one item on one programme day;
- prime time: a `headliner: true` occurrence not wholly inside its venue's prime time on
  its day, for headliners one of whose possible venues has a prime time;
- unplaced (only with `allow_unplaced`): each occurrence left out, times its priority.

Moving a published occurrence (`moved`) needs the published version and is not priced.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from affiche.programmes.model import Artist, Festival, Hours, Item, Spec, Venue

Span = tuple[datetime, datetime]
TOLERANCE = 1e-6


# --- time, from the spec format's time rules ----------------------------------------------


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def localize(moment: datetime, zone: str) -> datetime:
    """A naive wall time read in `zone` (fold 0: a time in the spring gap moves forward by
    the gap, an ambiguous one takes its first, summer-time reading); an aware one as is."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=_zone(zone))


def _day_start(festival: Festival, day: date) -> datetime:
    for boundary in festival.day_boundaries:
        if boundary.date == day:
            return localize(boundary.starts, festival.timezone)
    wall = datetime.combine(day, time()) + timedelta(hours=festival.day_start_hour)
    return localize(wall, festival.timezone)


def _day_end(festival: Festival, day: date) -> datetime:
    for boundary in festival.day_boundaries:
        if boundary.date == day and boundary.ends is not None:
            return localize(boundary.ends, festival.timezone)
    return _day_start(festival, day + timedelta(days=1))


def festival_days(festival: Festival) -> list[date]:
    return [festival.start + timedelta(days=n)
            for n in range((festival.end - festival.start).days + 1)]


def programme_day(festival: Festival, moment: datetime, listed: Iterable[date] = ()) -> date:
    """The day an occurrence starting at `moment` belongs to: from `day_start_hour` to the
    same hour the next morning; with `day_boundaries`, the listed day holding it, else the
    latest-starting one."""
    if not festival.day_boundaries:
        local = moment.astimezone(_zone(festival.timezone))
        return (local - timedelta(hours=festival.day_start_hour)).date()
    holding = [d for d in festival_days(festival)
               if _day_start(festival, d) <= moment < _day_end(festival, d)]
    wanted = set(listed)
    for day in holding:
        if day in wanted:
            return day
    if holding:
        return max(holding, key=lambda d: _day_start(festival, d))
    return programme_day(festival.model_copy(update={"day_boundaries": []}), moment)


def daily_window(festival: Festival, day: date, hours: Hours) -> Span:
    """`hours` on programme day `day`: a clock time before `day_start_hour` is the next
    morning; `closes` not after `opens` runs past midnight."""
    def at(clock: time) -> datetime:
        calendar = day + timedelta(days=1) if clock.hour < festival.day_start_hour else day
        return localize(datetime.combine(calendar, clock), festival.timezone)

    opens, closes = at(hours.opens), at(hours.closes)
    if closes <= opens:
        closes = localize(datetime.combine(day + timedelta(days=1), hours.closes),
                          festival.timezone)
    return opens, closes


# --- the programme as read ----------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    uid: str
    item: Item
    festival: Festival
    venue: str
    start: datetime
    end: datetime
    day: date

    @property
    def timed(self) -> bool:
        return not self.item.is_installation

    @property
    def minutes(self) -> float:
        return (self.end - self.start).total_seconds() / 60


def _listed_days(item: Item) -> list[date]:
    return list(item.days) + [pin.day for pin in item.pins if pin.day is not None]


def read_placements(spec: Spec, schedule: dict[str, Any]) -> list[Placed]:
    """The schedule's placements of the spec's items (others are an error: the schedule
    is not of this spec)."""
    items = {i.id: (i, f) for f in spec.festivals for i in f.items}
    placed = []
    for p in schedule["placements"]:
        if p.get("private") and p.get("table") is not None:
            continue  # a one-to-one meeting, not an item of the programme
        if p["item"] not in items:
            raise ValueError(f"placement {p['uid']} of item {p['item']!r}, not in the spec")
        item, festival = items[p["item"]]
        start = datetime.fromisoformat(p["start"])
        end = datetime.fromisoformat(p["end"])
        placed.append(Placed(p["uid"], item, festival, p["venue"], start, end,
                             programme_day(festival, start, _listed_days(item))))
    return placed


# --- the families -------------------------------------------------------------------------


def preferred_venue(spec: Spec, placed: list[Placed]) -> float:
    return float(spec.solver.weights.preferred_venue * sum(
        bool(p.item.preferred_venues) and p.venue not in p.item.preferred_venues
        for p in placed))


def _in_preferred_hours(p: Placed) -> bool:
    return any(a <= p.start < b for day in festival_days(p.festival)
               for hours in p.item.preferred_hours
               for a, b in [daily_window(p.festival, day, hours)])


def preferred_hours(spec: Spec, placed: list[Placed]) -> float:
    return float(spec.solver.weights.preferred_hours * sum(
        p.timed and bool(p.item.preferred_hours) and not _in_preferred_hours(p)
        for p in placed))


def overlap_minutes(spans: Iterable[Span]) -> float:
    """Total minutes of the spans minus the minutes of their union."""
    ordered = sorted(spans)
    total = sum((b - a).total_seconds() for a, b in ordered)
    union, reach = 0.0, None
    for a, b in ordered:
        if reach is None or a >= reach:
            union += (b - a).total_seconds()
            reach = b
        elif b > reach:
            union += (b - reach).total_seconds()
            reach = b
    return (total - union) / 60


def audience_clash(spec: Spec, placed: list[Placed]) -> float:
    by_tag: dict[str, list[Span]] = defaultdict(list)
    for p in placed:
        if p.timed:
            for tag in set(p.item.tags):
                by_tag[tag].append((p.start, p.end))
    return float(spec.solver.weights.audience_clash
                 * sum(overlap_minutes(spans) for spans in by_tag.values()))


def _stay_anchor(festival: Festival, artist: Artist, leaving: bool) -> int | None:
    """The programme-day index (from the festival's first day) of the artist's arrival or
    departure: a date is that day; a datetime (in the artist's zone, else the festival's)
    the day it falls in."""
    value = artist.depart if leaving else artist.arrive
    if value is None:
        return None
    if isinstance(value, datetime):
        value = programme_day(festival, localize(value, artist.timezone or festival.timezone))
    return (value - festival.start).days


def hotel_nights(spec: Spec, placed: list[Placed]) -> float:
    artists = {a.id: a for a in spec.artists}
    days: dict[tuple[str, str], list[int]] = defaultdict(list)
    festivals: dict[str, Festival] = {}
    for p in placed:
        if not p.timed:
            continue
        for artist in dict.fromkeys(p.item.artists):
            if not artists[artist].may_double_book:
                days[(artist, p.festival.id)].append((p.day - p.festival.start).days)
                festivals[p.festival.id] = p.festival
    nights = 0
    for (artist, festival_id), held in days.items():
        anchors = [d for d in (_stay_anchor(festivals[festival_id], artists[artist], leaving)
                               for leaving in (False, True)) if d is not None]
        if len(held) < 2 and not anchors:
            continue
        counted = held + anchors
        nights += max(counted) - min(counted)
    return float(spec.solver.weights.hotel_nights * nights)


def repeat_on_one_day(spec: Spec, placed: list[Placed]) -> float:
    by_item: dict[str, list[date]] = defaultdict(list)
    for p in placed:
        if p.timed:
            by_item[p.item.id].append(p.day)
    return float(spec.solver.weights.repeat_same_day * sum(
        a == b for held in by_item.values() for a, b in combinations(held, 2)))


def _has_prime(venue: Venue) -> bool:
    return venue.prime is not None or bool(venue.prime_by_day)


def _possible_venues(festival: Festival, item: Item) -> list[Venue]:
    """Its `venues` (else all), with the features it requires and room for its audience."""
    allowed = set(item.venues)
    return [v for v in festival.venues
            if (not allowed or v.id in allowed)
            and set(item.requires) <= (set(v.features) | ({"outdoor"} if v.outdoor else set()))
            and (item.audience is None or v.capacity is None or item.audience <= v.capacity)]


def _in_prime(p: Placed, venue: Venue) -> bool:
    hours = venue.prime_by_day.get(p.day) or venue.prime
    if hours is None:
        return False
    opens, closes = daily_window(p.festival, p.day, hours)
    return opens <= p.start and p.end <= closes


def prime_time(spec: Spec, placed: list[Placed]) -> float:
    count = 0
    for p in placed:
        if not p.timed or p.item.headliner is not True:
            continue
        venues = {v.id: v for v in p.festival.venues}
        if not any(_has_prime(v) for v in _possible_venues(p.festival, p.item)):
            continue  # no venue of its own has a prime time: nothing to price
        count += not _in_prime(p, venues[p.venue])
    return float(spec.solver.weights.prime_time * count)


def unplaced(spec: Spec, schedule: dict[str, Any]) -> float:
    items = {i.id: i for f in spec.festivals for i in f.items}
    return float(spec.solver.weights.unplaced
                 * sum(items[u["item"]].priority for u in schedule.get("unplaced", [])))


FAMILIES = {
    "preferred venue": preferred_venue,
    "preferred hours": preferred_hours,
    "audience clash": audience_clash,
    "hotel nights": hotel_nights,
    "repeat on one day": repeat_on_one_day,
    "prime time": prime_time,
}


def reprice(spec: Spec, schedule: dict[str, Any], allow_unplaced: bool = False
            ) -> dict[str, float]:
    """Each family's cost of the programme `schedule` (schedule.json as plain data)."""
    placed = read_placements(spec, schedule)
    costs = {name: family(spec, placed) for name, family in FAMILIES.items()}
    if allow_unplaced:
        costs["unplaced"] = unplaced(spec, schedule)
    return costs


@dataclass
class Comparison:
    """Our costs against the solver's own (`solve.objective` and `solve.terms`)."""

    ours: dict[str, float]
    objective: float | None
    terms: dict[str, float]

    @property
    def total(self) -> float:
        return sum(self.ours.values())

    @property
    def difference(self) -> float | None:
        return None if self.objective is None else self.total - self.objective

    def differing(self) -> dict[str, tuple[float, float]]:
        """Families where we and the solver disagree: (ours, theirs)."""
        names = set(self.ours) | {n for n, v in self.terms.items() if v}
        return {n: (self.ours.get(n, 0.0), self.terms.get(n, 0.0)) for n in sorted(names)
                if abs(self.ours.get(n, 0.0) - self.terms.get(n, 0.0)) > TOLERANCE}

    @property
    def agrees(self) -> bool:
        return (self.difference is not None and abs(self.difference) <= TOLERANCE
                and not self.differing())


def compare(spec: Spec, schedule: dict[str, Any], allow_unplaced: bool = False) -> Comparison:
    solve = schedule.get("solve", {})
    return Comparison(reprice(spec, schedule, allow_unplaced), solve.get("objective"),
                      dict(solve.get("terms", {})))


# --- reading ------------------------------------------------------------------------------


def read_spec(source: Spec | dict[str, Any] | Sequence[Path]) -> Spec:
    """A `Spec` as is, plain data validated, or files read by the spec loader."""
    if isinstance(source, Spec):
        return source
    if isinstance(source, dict):
        return Spec.model_validate(source)
    from affiche.programmes.loader import load_specs

    return load_specs([Path(p) for p in source]).spec


def read_schedule(path: Path) -> dict[str, Any]:
    """schedule.json (or the folder holding it) as plain data."""
    path = path / "schedule.json" if path.is_dir() else path
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reprice",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("spec", nargs="+", type=Path)
    parser.add_argument("schedule", type=Path, help="schedule.json or the DIR holding it")
    parser.add_argument("--allow-unplaced", action="store_true")
    args = parser.parse_args(argv)
    found = compare(read_spec(args.spec), read_schedule(args.schedule), args.allow_unplaced)
    for name, cost in found.ours.items():
        theirs = found.terms.get(name, 0.0)
        mark = "" if abs(cost - theirs) <= TOLERANCE else f"   solver says {theirs:g}"
        print(f"  {name}: {cost:g}{mark}")
    print(f"re-priced {found.total:g}, solver's objective {found.objective}: "
          + ("they agree" if found.agrees else "THEY DIFFER"))
    return 0 if found.agrees else 1


if __name__ == "__main__":
    sys.exit(main())
