"""What placing one more occurrence adds to the objective, for the greedy pass.

The greedy programme is CP-SAT's first solution, and on large festivals CP-SAT improves it
little within a minute, so its quality is much of the final programme's. Placing every
occurrence at its earliest fit packs each day's mornings: items for one audience then all
clash. This module prices a candidate start the way `soft.py` counts its terms (same
weights, same rules) against what is placed so far, so the greedy pass can take the
cheapest of several fits. It is a heuristic's yardstick, not the objective: `soft.py`
stays the only definition of what a programme costs.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import defaultdict

from affiche.scheduler.pricing import in_preferred_hours
from affiche.scheduler.problem import Occurrence, Problem
from affiche.scheduler.spans import Spans, normalise


def prices_time(problem: Problem) -> bool:
    """Whether a start time can cost anything at all (else earliest fit is as good)."""
    w = problem.weights
    return any((w.audience_clash, w.repeat_same_day, w.hotel_nights, w.preferred_hours))


class MarginalCost:
    """Soft costs of a programme built one occurrence at a time."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.weights = problem.weights
        self._tagged: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
        self._longest = max((o.duration for o in problem.occurrences), default=0)
        self._item_days: dict[str, list[int]] = defaultdict(list)
        self._artist_days: dict[tuple[str, str], list[int]] = defaultdict(list)
        self._window_cache: dict[tuple[object, int], tuple[frozenset[int], Spans]] = {}

    def record(self, occ: Occurrence, start: int) -> None:
        """`occ` now starts at `start`."""
        if occ.installation:
            return
        for tag in occ.tags:
            insort(self._tagged[tag], (start, start + occ.duration, occ.item, occ.uid))
        day = self._day(occ, start)
        if day is None:
            return
        self._item_days[occ.item].append(day)
        for artist in occ.bound_artists:
            self._artist_days[(artist, occ.festival)].append(day)

    def forget(self, occ: Occurrence, start: int) -> None:
        """Undo `record(occ, start)`."""
        if occ.installation:
            return
        for tag in occ.tags:
            self._tagged[tag].remove((start, start + occ.duration, occ.item, occ.uid))
        day = self._day(occ, start)
        if day is None:
            return
        self._item_days[occ.item].remove(day)
        for artist in occ.bound_artists:
            self._artist_days[(artist, occ.festival)].remove(day)

    def at(self, occ: Occurrence, start: int) -> int:
        """What starting `occ` at `start` adds, venue aside."""
        day = self._day(occ, start)
        return (
            self.weights.audience_clash * self._clashes(occ, start)
            + self.weights.repeat_same_day * self._item_days[occ.item].count(day)
            + self.weights.hotel_nights * self._extra_nights(occ, day)
            + self.weights.preferred_hours * self._outside_preferred_hours(occ, start)
        )

    def venue(self, occ: Occurrence, venue: str) -> int:
        """What putting `occ` in `venue` adds."""
        away = bool(occ.preferred_venues) and venue not in occ.preferred_venues
        return self.weights.preferred_venue * away

    def starts_worth_trying(self, occ: Occurrence, earliest: int, latest: int | None) -> list[int]:
        """Where a cheap start may be, from `earliest` to `latest` (None: any): the openings
        of its venues' spans, and the ends of the items that share an audience with it
        (just after a clash would end)."""
        openings, startable = self._windows(occ)
        starts = set(openings)
        for tag in occ.tags:
            starts.update(end for _, end, _, _ in self._tagged[tag])
        last = latest if latest is not None else max(starts, default=earliest)
        lows = [a for a, _ in startable]

        def startable_at(start: int) -> bool:
            index = bisect_right(lows, start) - 1
            return index >= 0 and start < startable[index][1]

        return sorted(s for s in starts if earliest <= s <= last and startable_at(s))

    def _windows(self, occ: Occurrence) -> tuple[frozenset[int], Spans]:
        """The openings of its venues' spans, and where it can start in some venue ([a, b -
        duration] for a span [a, b)); shared by occurrences with the same options."""
        key = (occ.options, occ.duration)
        if key not in self._window_cache:
            openings = frozenset(a for o in occ.options for a, _ in o.spans)
            startable = normalise((a, b - occ.duration + 1) for o in occ.options
                                  for a, b in o.spans)
            self._window_cache[key] = (openings, startable)
        return self._window_cache[key]

    def _day(self, occ: Occurrence, start: int) -> int | None:
        return self.problem.day_of(occ.festival, start)

    def _clashes(self, occ: Occurrence, start: int) -> int:
        """Occurrences of other items for one of its audiences that overlap it."""
        if not self.weights.audience_clash or not occ.tags:
            return 0
        end = start + occ.duration
        clashing = set()
        for tag in occ.tags:
            booked = self._tagged[tag]
            low = bisect_left(booked, (start - self._longest + 1,))
            high = bisect_left(booked, (end,))
            for _, other_end, item, uid in booked[low:high]:
                if other_end > start and item != occ.item:
                    clashing.add(uid)
        return len(clashing)

    def _extra_nights(self, occ: Occurrence, day: int | None) -> int:
        """Nights added to its artists' stays at this festival."""
        if not self.weights.hotel_nights or day is None:
            return 0
        extra = 0
        for artist in occ.bound_artists:
            days = self._artist_days[(artist, occ.festival)]
            if days:
                extra += max(max(days), day) - min(min(days), day) - (max(days) - min(days))
        return extra

    @staticmethod
    def _outside_preferred_hours(occ: Occurrence, start: int) -> bool:
        return bool(occ.preferred_spans) and not in_preferred_hours(occ, start)
