"""The scheduling problem as plain data: occurrences, their options, in integer grains.

Built from a validated `Spec` by `build_problem`. Unary constraint families (opening hours,
features, capacity, availability, curfew, after dark, pins, windows) are applied here as
domain filters, one named function each in `domains.py`; what is left for an occurrence
is its list of options (venue + spans it must fit inside). No solver objects here.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import reduce

from affiche.programmes import rules
from affiche.programmes.model import Festival, Spec, Weights
from affiche.programmes.rules import Linked, Relation
from affiche.scheduler.domains import Frame, item_occurrences, venue_open_spans
from affiche.scheduler.grains import Clock, origin_for
from affiche.scheduler.occurrences import Day, Loc, Occurrence, Option, Unplaceable
from affiche.venues.timeutil import local_at

__all__ = [
    "Day", "Loc", "Occurrence", "Option", "Problem", "Relation", "Unplaceable", "VenueFacts",
    "build_problem", "choose_grain", "festival_days", "set_previous", "timed_by_item",
    "travel_grains",
]


# `Problem._day_segments`: cuts, the days holding each piece, the latest-starting of them
_Segments = tuple[list[int], list[tuple[int, ...]], list[int | None]]


@dataclass(frozen=True)
class VenueFacts:
    id: str
    festival: str
    city: str
    changeover: int
    installation_slots: int
    parallel: int = 1  # timed items at once (`parallel`)


@dataclass
class Problem:
    clock: Clock
    occurrences: list[Occurrence]
    venues: dict[str, VenueFacts]
    days: dict[str, list[Day]]
    relations: list[Relation]
    travel: dict[tuple[str, str], int]
    weights: Weights
    unplaceable: list[Unplaceable] = field(default_factory=list)
    previous: dict[str, tuple[str, int]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    links: list[Linked] = field(default_factory=list)  # `before`/`after` links
    # artist -> (max_per_day or None, min rest in grains), for artists with either
    limits: dict[str, tuple[int | None, int]] = field(default_factory=dict)
    # (artist, festival) -> programme-day indices of arrival and departure (hotel nights)
    stay_days: dict[tuple[str, str], tuple[int | None, int | None]] = field(
        default_factory=dict)
    # running orders: (occurrence, the one right after it, the venue's changeover in grains)
    sequences: list[tuple[str, str, int]] = field(default_factory=list)
    stay_words: dict[str, str] = field(default_factory=dict)  # artist -> `rules.stay_words`
    zones: dict[str, str] = field(default_factory=dict)  # festival -> time zone (messages)
    item_rules: dict[str, tuple[str, ...]] = field(default_factory=dict)  # `rules.item_time_rules`
    listed_days: dict[str, tuple[int, ...]] = field(default_factory=dict)  # item -> day indices
    # venue -> its open windows as published (`rules.open_windows` minus closures), for messages
    opening: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    _festival_travel: dict[tuple[str, str], set[int]] = field(default_factory=dict, repr=False)
    _reach: dict[str, tuple[int, int]] = field(default_factory=dict, repr=False)
    _segments: dict[str, tuple[list[Day], _Segments]] = field(default_factory=dict, repr=False)

    def travel_between(self, first: str, second: str) -> int:
        return 0 if first == second else self.travel.get((first, second), 0)

    def travel_values(self, festival_a: str, festival_b: str) -> set[int]:
        """Every travel time between two distinct venues of these festivals."""
        key = (festival_a, festival_b)
        if key not in self._festival_travel:
            venues_a = [v for v, f in self.venues.items() if f.festival == festival_a]
            venues_b = [v for v, f in self.venues.items() if f.festival == festival_b]
            self._festival_travel[key] = {
                self.travel_between(a, b) for a in venues_a for b in venues_b if a != b
            } or {0}
        return self._festival_travel[key]

    def reach(self, occ: Occurrence) -> tuple[int, int]:
        """The earliest start and the latest end an occurrence can have."""
        if occ.uid not in self._reach:
            firsts = [o.spans[0][0] for o in occ.options]
            lasts = [o.spans[-1][1] for o in occ.options]
            self._reach[occ.uid] = (min(firsts), max(lasts))
        return self._reach[occ.uid]

    def day_of(self, festival: str, grain: int, item: str | None = None) -> int | None:
        """`rules.day_of` in grains: the index of the day holding `grain` that `item` lists,
        else of the latest-starting day holding it (days overlap only by `day_boundaries`);
        None outside every day."""
        bounds, holding, latest = self._day_segments(festival)
        segment = bisect_right(bounds, grain)
        listed = self.listed_days.get(item, ()) if item is not None else ()
        if listed:
            for index in holding[segment]:
                if index in listed:
                    return index
        return latest[segment]

    def _day_segments(self, festival: str) -> _Segments:
        """The festival's time cut at every day's start and end: the cuts, and per piece
        (before the first cut, between two, after the last) the days holding it, in index
        order, and the latest-starting of them (None: none). The greedy pass and its
        pricing ask `day_of` millions of times on large festivals."""
        days = self.days[festival]
        found = self._segments.get(festival)
        if found is not None and found[0] is days:
            return found[1]
        bounds = sorted({d.start for d in days} | {d.end for d in days})
        holding, latest = [], []
        for grain in [bounds[0] - 1, *bounds] if bounds else [0]:
            here = tuple(index for index, day in enumerate(days) if day.start <= grain < day.end)
            holding.append(here)
            latest.append(max(here, key=lambda index: days[index].start, default=None))
        segments = (bounds, holding, latest)
        self._segments[festival] = (days, segments)
        return segments


def _clock_minutes(spec: Spec) -> list[int]:
    """Every minute-of-hour a producer wrote: hours, windows, curfews, pins."""
    times: list[datetime | time] = []
    for festival in spec.festivals:
        hours = [festival.hours, *festival.hours_by_day.values()]
        for venue in festival.venues:
            hours += [venue.hours] if venue.hours else []
            hours += [venue.prime] if venue.prime else []
            hours += list(venue.prime_by_day.values())
            times += [w.start for w in venue.open + venue.closures]
            times += [w.end for w in venue.open + venue.closures]
            times += [venue.sound_curfew] if venue.sound_curfew else []
        for item in festival.items:
            hours += item.preferred_hours
            times += [w.start for w in item.windows] + [w.end for w in item.windows]
            times += [pin.start for pin in item.pins if pin.start is not None]
        times += [h.opens for h in hours] + [h.closes for h in hours]
    for artist in spec.artists:
        times += [w.start for w in artist.availability] + [w.end for w in artist.availability]
        times += [t for t in (artist.arrive, artist.depart) if isinstance(t, datetime)]
    return [t.minute for t in times]


def choose_grain(spec: Spec) -> int:
    """5 minutes, or the largest divisor of 5 that every duration, changeover and clock
    time in the spec shares (so that no window shrinks when rounded to grains)."""
    if spec.solver.grain_minutes is not None:
        return spec.solver.grain_minutes
    minutes = [item.duration for f in spec.festivals for item in f.items if item.duration]
    minutes += [v.changeover_minutes for f in spec.festivals for v in f.venues]
    minutes += _clock_minutes(spec)
    minutes += _link_minutes(spec)
    return reduce(math.gcd, minutes, 5) or 5


def _link_minutes(spec: Spec) -> list[int]:
    """The gaps of links and the set-up times of installations, which grains must divide."""
    minutes = []
    for festival in spec.festivals:
        minutes += [link.low for link in rules.links(festival)]
        minutes += [link.high for link in rules.links(festival) if link.high is not None]
        minutes += [item.setup_minutes for item in festival.items]
    return [m for m in minutes if m]


def festival_days(festival: Festival, clock: Clock) -> list[Day]:
    """The programme days (`rules.day_bounds`) in grains."""
    days = []
    for day in rules.programme_days(festival):
        start, end = rules.day_bounds(festival, day)
        days.append(Day(festival.id, day, clock.ceil(start), clock.floor(end)))
    return days


def _listed_indices(days: list[Day], listed: list[date]) -> tuple[int, ...]:
    """The indices of the programme days an item lists (`rules.item_days`)."""
    return tuple(index for index, day in enumerate(days) if day.date in listed)


def _first_instant(spec: Spec) -> datetime:
    return min(
        local_at(f.start, datetime.min.time(), f.timezone) - timedelta(days=1)
        for f in spec.festivals
    )


def travel_grains(spec: Spec, clock: Clock) -> dict[tuple[str, str], int]:
    """`rules.travel_minutes` in grains (rounded up)."""
    return {pair: clock.grains(minutes) for pair, minutes in rules.travel_minutes(spec).items()}


def build_problem(spec: Spec) -> Problem:
    """The plain-data problem: every occurrence with the options its hard filters leave."""
    clock = Clock(origin_for(_first_instant(spec)), choose_grain(spec))
    days = {f.id: festival_days(f, clock) for f in spec.festivals}
    venues = {
        venue.id: VenueFacts(
            venue.id, f.id, f.city, clock.grains(venue.changeover_minutes),
            venue.installation_slots, rules.at_once(venue),
        )
        for f in spec.festivals
        for venue in f.venues
    }
    problem = Problem(
        clock=clock,
        occurrences=[],
        venues=venues,
        days=days,
        relations=[r for f in spec.festivals for r in rules.relations(f)],
        travel=travel_grains(spec, clock),
        weights=spec.solver.weights,
        labels=_labels(spec),
        links=[link for f in spec.festivals for link in rules.links(f)],
        zones={f.id: f.timezone for f in spec.festivals},
        item_rules={item.id: tuple(rules.item_time_rules(item))
                    for f in spec.festivals for item in f.items},
        listed_days={item.id: _listed_indices(days[f.id], rules.item_days(item))
                     for f in spec.festivals for item in f.items},
    )
    artists = {artist.id: artist for artist in spec.artists}
    problem.limits = {
        a.id: (a.max_per_day, clock.grains(a.min_rest_minutes))
        for a in spec.artists if a.max_per_day is not None or a.min_rest_minutes
    }
    for f_index, festival in enumerate(spec.festivals):
        frame = Frame(festival, clock, days[festival.id], artists)
        _add_stays(spec, festival, frame, problem)
        problem.opening.update((v.id, tuple(venue_open_spans(frame, v))) for v in festival.venues)
        for i_index, item in enumerate(festival.items):
            loc: Loc = ("festivals", f_index, "items", i_index)
            placed, unplaceable = item_occurrences(frame, item, loc)
            problem.occurrences += placed
            problem.unplaceable += unplaceable
    locs: dict[str, Loc] = {
        item.id: ("festivals", f_index, "items", i_index)
        for f_index, festival in enumerate(spec.festivals)
        for i_index, item in enumerate(festival.items)
    }
    _keep_to_linked_venues(problem, locs)
    problem.sequences = _sequences(spec, problem)
    return problem


def _add_stays(spec: Spec, festival: Festival, frame: Frame, problem: Problem) -> None:
    """Arrivals and departures: the frame's bounds on when artists play, and the days
    hotel nights count from and to."""
    for artist in spec.artists:
        bounds = rules.stay_bounds(spec, festival, artist)
        if bounds is not None:
            frame.stays[artist.id] = bounds
            frame.stay_words[artist.id] = rules.stay_words(spec, festival, artist)
            problem.stay_words.setdefault(artist.id, frame.stay_words[artist.id])
            problem.stay_days[(artist.id, festival.id)] = rules.stay_days(festival, artist)


def _sequences(spec: Spec, problem: Problem) -> list[tuple[str, str, int]]:
    """Running orders as pairs of occurrences (the k-th of one item, the k-th of the next)."""
    by_item = timed_by_item(problem)
    found = []
    for festival in spec.festivals:
        for order, first, then in rules.running_pairs(festival):
            mine = {o.number: o.uid for o in by_item.get(first, [])}
            theirs = {o.number: o.uid for o in by_item.get(then, [])}
            changeover = problem.venues[order.venue].changeover
            found += [(a, b, changeover) for a, b in rules.related_pairs(rules.SAME_DAY, mine,
                                                                           theirs)]
    return found


def _keep_to_linked_venues(problem: Problem, locs: dict[str, Loc]) -> None:
    """A linked item in its item's venue (`same_venue`) may only use the venues its item
    may: the others are dropped from its options (none left: unplaceable, by the rule)."""
    timed = timed_by_item(problem)
    allowed: dict[str, set[str]] = {}
    for link in problem.links:
        if not link.same_venue:
            continue
        mine = {o.number: o for o in timed.get(link.item, [])}
        theirs = {o.number: o for o in timed.get(link.other, [])}
        for child, parent in rules.linked_pairs(link, mine, theirs):
            venues = {o.venue for o in parent.options}
            allowed[child.uid] = allowed.get(child.uid, venues) & venues
    kept = []
    for occ in problem.occurrences:
        if occ.uid not in allowed:
            kept.append(occ)
            continue
        options = tuple(o for o in occ.options if o.venue in allowed[occ.uid])
        if options:
            kept.append(replace(occ, options=options))
        else:
            reason = (f"{problem.labels.get(occ.item, occ.item)!r} fits in no venue its "
                      f"linked item may use ({rules.LINKED_BEFORE.split(' (')[0]} / "
                      f"{rules.LINKED_AFTER.split(' (')[0]}, same_venue)")
            problem.unplaceable.append(Unplaceable(occ.uid, occ.item, locs[occ.item], reason))
    problem.occurrences = kept


def set_previous(problem: Problem, placements: dict[str, tuple[str, datetime]]) -> int:
    """Record where published occurrences were (uid -> venue, aware start), for the
    stability term and the greedy warm start. Returns how many still exist."""
    known = {occ.uid for occ in problem.occurrences}
    problem.previous = {
        uid: (venue, problem.clock.ceil(start))
        for uid, (venue, start) in placements.items()
        if uid in known
    }
    return len(problem.previous)


def _labels(spec: Spec) -> dict[str, str]:
    """Names producers know things by: item titles, venue and artist names."""
    labels = {artist.id: artist.name for artist in spec.artists}
    for festival in spec.festivals:
        labels.update({venue.id: venue.name for venue in festival.venues})
        labels.update({item.id: item.title.en or item.title.fr for item in festival.items})
    return labels


def timed_by_item(problem: Problem) -> dict[str, list[Occurrence]]:
    """The timed occurrences (not installations) of each item, in problem order."""
    grouped: dict[str, list[Occurrence]] = defaultdict(list)
    for occ in problem.occurrences:
        if not occ.installation:
            grouped[occ.item].append(occ)
    return grouped
