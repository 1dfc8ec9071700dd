"""What placing one more occurrence adds to the objective, for the greedy pass.

The greedy programme is CP-SAT's first solution, and on large festivals CP-SAT improves it
little within a minute, so its quality is much of the final programme's. Placing every
occurrence at its earliest fit packs each day's mornings: items for one audience then all
clash. `MarginalCost` prices a candidate start the way the soft families count their terms
(each family's `marginal`, same weights, same rules) against what is placed so far, so the
greedy pass can take the cheapest of several fits. It is a heuristic's yardstick, not the
objective: the families' terms stay the only definition of what a programme costs.
"""

from __future__ import annotations

from bisect import bisect_right

from affiche.scheduler.occurrences import Occurrence
from affiche.scheduler.problem import Problem
from affiche.scheduler.soft import SOFT_FAMILIES
from affiche.scheduler.soft.family import Marginal
from affiche.scheduler.spans import Spans, normalise


def prices_time(problem: Problem) -> bool:
    """Whether a start time can cost anything at all (else earliest fit is as good)."""
    return any(family.weight(problem) and part.prices_time
               for family in SOFT_FAMILIES
               if (part := family.marginal(problem)) is not None)


class MarginalCost:
    """Soft costs of a programme built one occurrence at a time."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        parts = [family.marginal(problem) for family in SOFT_FAMILIES]
        self._parts: list[Marginal] = [part for part in parts if part is not None]
        self._timed = [part for part in self._parts if part.prices_time]
        self._venued = [part for part in self._parts if type(part).venue is not Marginal.venue]
        self._venued_at = [part for part in self._parts
                           if type(part).venue_at is not Marginal.venue_at]
        self._suggesting = [part for part in self._parts
                            if type(part).starts is not Marginal.starts]
        self._window_cache: dict[tuple[int, int], tuple[frozenset[int], Spans, object]] = {}
        self._days: dict[tuple[str, int], int | None] = {}

    def record(self, occ: Occurrence, start: int) -> None:
        """`occ` now starts at `start`."""
        if occ.installation:
            return
        day = self.day(occ, start)
        for part in self._parts:
            part.record(occ, start, day)

    def forget(self, occ: Occurrence, start: int) -> None:
        """Undo `record(occ, start)`."""
        if occ.installation:
            return
        day = self.day(occ, start)
        for part in self._parts:
            part.forget(occ, start, day)

    def at(self, occ: Occurrence, start: int) -> int:
        """What starting `occ` at `start` adds, venue aside."""
        day = self.day(occ, start)
        return sum(part.at(occ, start, day) for part in self._timed)

    def placing(self, occ: Occurrence, venue: str, start: int) -> int:
        """What placing `occ` in `venue` from `start` adds, all told."""
        return self.at(occ, start) + self.venue(occ, venue) + self.venue_at(occ, venue, start)

    def venue(self, occ: Occurrence, venue: str) -> int:
        """What putting `occ` in `venue` adds."""
        return sum(part.venue(occ, venue) for part in self._venued)

    def venue_at(self, occ: Occurrence, venue: str, start: int) -> int:
        """What putting `occ` in `venue` at `start` adds beyond `at` and `venue`."""
        return sum(part.venue_at(occ, venue, start) for part in self._venued_at)

    def venue_matters_at(self, occ: Occurrence) -> bool:
        """Whether the cheapest venue may depend on the start (see `venue_at`)."""
        return bool(self._venued_at) and bool(occ.prime)

    def starts_worth_trying(self, occ: Occurrence, earliest: int, latest: int | None) -> list[int]:
        """Where a cheap start may be, from `earliest` to `latest` (None: any): the openings
        of its venues' spans, and the starts the families suggest (just after the items
        that share an audience with it end)."""
        openings, startable = self._windows(occ)
        starts = set(openings)
        for part in self._suggesting:
            starts.update(part.starts(occ))
        last = latest if latest is not None else max(starts, default=earliest)
        lows = [a for a, _ in startable]

        def startable_at(start: int) -> bool:
            index = bisect_right(lows, start) - 1
            return index >= 0 and start < startable[index][1]

        return sorted(s for s in starts if earliest <= s <= last and startable_at(s))

    def _windows(self, occ: Occurrence) -> tuple[frozenset[int], Spans]:
        """The openings of its venues' spans, and where it can start in some venue ([a, b -
        duration] for a span [a, b)); shared by occurrences with the same options."""
        # by identity: occurrences the domains see alike share one options tuple, and
        # hashing a long one for each occurrence cost more than the rest of this method
        key = (id(occ.options), occ.duration)
        if key not in self._window_cache:
            openings = frozenset(a for o in occ.options for a, _ in o.spans)
            startable = normalise((a, b - occ.duration + 1) for o in occ.options
                                  for a, b in o.spans)
            self._window_cache[key] = (openings, startable, occ.options)  # kept alive
        openings, startable, _ = self._window_cache[key]
        return openings, startable

    def day(self, occ: Occurrence, start: int) -> int | None:
        """`Problem.day_of`, kept for items that list no days (whose day the start alone
        gives): local search asks for the same few starts again and again."""
        if self.problem.listed_days.get(occ.item):
            return self.problem.day_of(occ.festival, start, occ.item)
        key = (occ.festival, start)
        if key not in self._days:
            self._days[key] = self.problem.day_of(occ.festival, start)
        return self._days[key]
