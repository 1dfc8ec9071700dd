"""A greedy first programme: the answer itself when it costs no more than the floor
(`pricing.py`), else CP-SAT's hint.

Most constrained occurrences first, each where its venue (with changeover) and its artists
(with walking or travel time) are free, honouring `after`, day relations and the order of
repeats: at the cheapest of several candidate starts when a soft weight can price a start
(`marginal.py`), else at the earliest. A complete priced programme then gets its artists'
stays shortened (`exchange.py`) and a bounded local search. It respects every hard rule
it knows, so a complete greedy programme is a feasible solution; an occurrence it cannot
place is simply left without a hint.
"""

from __future__ import annotations

import time
from bisect import bisect_left, bisect_right, insort
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial

from affiche.programmes import rules
from affiche.programmes.rules import Relation
from affiche.scheduler.exchange import (
    Step,
    put_back,
    renumber,
    shorten_stays,
    sweep,
    trade_for_cheaper_starts,
)
from affiche.scheduler.marginal import MarginalCost, prices_time
from affiche.scheduler.occurrences import Occurrence, Option
from affiche.scheduler.pricing import at_floor
from affiche.scheduler.problem import Problem

NEVER = 1 << 40  # a start past every window: nothing later works
PASSES = 4  # at most; only a pass that leaves something out is followed by another
# Measured on generated festivals (2 cores): 48/40/100/12 against 120/96/300/all cost the
# same at 1,000 items (14,093 against 14,089) and less at 250 and 2,000, in a third less time.
PRICED_STARTS = 48  # at most this many candidate starts priced per occurrence
CHEAP_STARTS = 40  # of which the cheapest this many are tried, cheapest first
VENUE_CHECKS = 100  # venue-and-start checks per occurrence, before falling back to earliest fit
START_VENUES = 12  # venues checked at one start (the cheapest first)
SWEEPS = 2  # of local search over a complete priced programme, at most
# A complete programme's local search (`_local_search`: shortening stays, `exchange.py`,
# moves to cheaper starts, `improve`, and trades for them, in turn) may do this many
# times the work the pass did. Greedy programmes, one turn of each at most 8 and 0.5
# times against turns until nothing changes: gen3/1000 (three cities, clashes not forced)
# 3,530 against 2,896 (after 2 turns), gen3/200 256 against 240; gen/1000 13,007 either
# way.
LOCAL_SEARCH_SHARE = 16.0
LOCAL_SEARCH_TURNS = 4
IMPROVING_SWEEPS = 20  # of `improve` per turn, at most (each costs about 0.1 times the pass)
# Both together take at most this share of the time left before the deadline: on gen/1000
# and gen/4000 a sweep lowered the cost more than CP-SAT did in all the rest of the time.
IMPROVING_TIME_SHARE = 0.5
LEFT_OUT_AT_MOST = 10  # occurrences a pass leaves out that are placed again (`_place_left_out`)
FIRST_PASS_GRACE = 0.25  # seconds a first pass may take even past the deadline


@dataclass
class _Board:
    """What is taken so far: venue time, artist time, installation slots."""

    # bookings of each one-at-a-time venue, as two sorted lists (disjoint, so ends sort
    # like starts); each booking holds the venue until its end plus the changeover
    venue_starts: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    venue_ends: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    # bookings (start, held until) of each venue holding several items at once, by start
    venue_held: dict[str, list[tuple[int, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    artist_busy: dict[str, list[tuple[int, int, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # installations holding a slot, per (venue, programme-day index)
    slots_used: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))


def _order(problem: Problem, promoted: frozenset[str] = frozenset()) -> list[Occurrence]:
    """Items others must follow come first; then pinned, then `promoted` items (left out by
    an earlier pass), then the least flexible. An item's occurrences keep their numbers'
    order, which the model requires of their starts (`add_repeat_order`)."""
    level: dict[str, int] = defaultdict(int)
    item_of = {occ.uid: occ.item for occ in problem.occurrences}
    follows = [(r.item, r.other) for r in problem.relations if r.kind == rules.AFTER]
    follows += [(link.item, link.other) for link in problem.links]  # linked: after its item
    follows += [(item_of[b], item_of[a]) for a, b, _ in problem.sequences
                if a in item_of and b in item_of]
    # an item kept off another's day goes after it when that one is also tied to a day
    # (same_day_as): the tied one takes its day first, the free one keeps off it
    tied = {r.item for r in problem.relations if r.kind == rules.SAME_DAY}
    follows += [(r.item, r.other) for r in problem.relations
                if r.kind == rules.NOT_SAME_DAY and r.other in tied and r.item not in tied]
    for _ in range(len(follows)):
        changed = False
        for later, earlier in follows:
            if level[later] <= level[earlier]:
                level[later] = level[earlier] + 1
                changed = True
        if not changed:
            break

    slacks: dict[tuple[int, int], int] = {}  # occurrences alike share one options tuple

    def slack(occ: Occurrence) -> int:
        key = (id(occ.options), occ.duration)
        if key not in slacks:
            slacks[key] = sum(b - a - occ.duration for o in occ.options for a, b in o.spans)
        return slacks[key]

    return sorted(
        problem.occurrences,
        key=lambda o: (level[o.item], not o.setup, not o.pinned, o.item not in promoted,
                       len(o.options),
                       slack(o), o.item, o.number),
    )


class Greedy:
    def __init__(
        self,
        problem: Problem,
        promoted: frozenset[str] = frozenset(),
        priced: bool = True,
        deadline: float | None = None,
    ) -> None:
        self.problem = problem
        self.promoted = promoted
        self.deadline = deadline  # a `time.perf_counter()` instant: stop placing past it
        self.costs = MarginalCost(problem)
        self.priced = priced and prices_time(problem)
        self.board = _Board()
        self.work = 0  # placement checks made: a measure of effort that does not depend on
        # the machine, so that a spec always gives the same programme
        self.placed: dict[str, tuple[str, int]] = {}
        self._looking_ahead = False  # inside `_children_fit`: no look further ahead
        self._interchangeable: dict[str, bool] = {}  # item -> `interchangeable`
        self.by_item: dict[str, list[Occurrence]] = defaultdict(list)
        for occ in problem.occurrences:
            self.by_item[occ.item].append(occ)
        self.durations = {occ.uid: occ.duration for occ in problem.occurrences}
        # running orders: occurrence -> (the one before it, changeover), and the reverse
        self.before: dict[str, tuple[str, int]] = {b: (a, c) for a, b, c in problem.sequences}
        self.after: dict[str, tuple[str, int]] = {a: (b, c) for a, b, c in problem.sequences}
        # items in a day relation (either side): the others need no day checked
        self.day_related = {item for r in problem.relations if r.kind != rules.AFTER
                            for item in (r.item, r.other)}
        self.parallel = {venue: facts.parallel for venue, facts in problem.venues.items()}
        # grains of each audience's items placed per (festival, programme day, tag)
        self.day_load: dict[tuple[str, int | None, str], int] = defaultdict(int)

    def run(self) -> dict[str, tuple[str, int]]:
        for occ in self.problem.occurrences:
            if occ.uid in self.problem.previous:
                self._keep_previous(occ)
        for count, occ in enumerate(_order(self.problem, self.promoted)):
            if occ.uid in self.placed:
                continue
            if count % 16 == 0 and self._out_of_time():
                break  # the caller sees what is left out
            if occ.installation:
                self._place_installation(occ)
            else:
                self._place_timed(occ)
        return self.placed

    def _out_of_time(self) -> bool:
        return self.deadline is not None and time.perf_counter() > self.deadline

    def _keep_previous(self, occ: Occurrence) -> None:
        """Put a published occurrence back where it was, if that is still allowed."""
        venue, start = self.problem.previous[occ.uid]
        option = next((o for o in occ.options if o.venue == venue), None)
        if option is None:
            return
        if occ.installation:
            if self._installation_fits(occ, option):
                self._take_installation(occ, option)
            return
        if self._fits_at(occ, option, start):
            self._take(occ, venue, start)

    def _take(self, occ: Occurrence, venue: str, start: int) -> None:
        self.placed[occ.uid] = (venue, start)
        self.costs.record(occ, start)
        facts = self.problem.venues[venue]
        held = start + occ.duration + facts.changeover
        if facts.parallel > 1:
            insort(self.board.venue_held[venue], (start, held))
        else:
            insort(self.board.venue_starts[venue], start)
            insort(self.board.venue_ends[venue], held)
        for artist in occ.bound_artists:
            self.board.artist_busy[artist].append((start, start + occ.duration, venue))
        day = self.costs.day(occ, start)
        for tag in occ.tags:
            self.day_load[(occ.festival, day, tag)] += occ.duration

    def _place_installation(self, occ: Occurrence) -> None:
        for option in occ.options:
            if self._installation_fits(occ, option):
                self._take_installation(occ, option)
                return

    def _installation_fits(self, occ: Occurrence, option: Option) -> bool:
        """A free slot on each day it holds one, and its artists free for the set-up."""
        slots = self.problem.venues[option.venue].installation_slots
        if any(self.board.slots_used[(option.venue, d)] >= slots for d in occ.slot_days):
            return False
        if not occ.setup:
            return True
        opens = option.spans[0][0]
        setup = Occurrence(**{**occ.__dict__, "duration": occ.setup,
                              "bound_artists": occ.setup_artists, "installation": False})
        return self._artists_free(setup, option.venue, opens - occ.setup)

    def _take_installation(self, occ: Occurrence, option: Option) -> None:
        for day in occ.slot_days:
            self.board.slots_used[(option.venue, day)] += 1
        opens = option.spans[0][0]
        self.placed[occ.uid] = (option.venue, opens)
        for artist in occ.setup_artists if occ.setup else ():
            self.board.artist_busy[artist].append((opens - occ.setup, opens, option.venue))

    def _earliest(self, occ: Occurrence) -> int:
        """No earlier than the ends of items it must follow, or the previous repeat's start."""
        bound = 0
        for relation in self.problem.relations:
            if relation.kind == rules.AFTER and relation.item == occ.item:
                for other in self._partners(relation, occ):
                    if other.uid in self.placed:
                        bound = max(bound, self.placed[other.uid][1] + other.duration)
        bound = max(bound, self._linked_earliest(occ))
        if not occ.pinned:
            for other in self.by_item[occ.item]:
                if other.number < occ.number and other.uid in self.placed:
                    bound = max(bound, self.placed[other.uid][1])
        required = self._running_start(occ)
        return bound if required is None else max(bound, required)

    def _running_start(self, occ: Occurrence) -> int | None:
        """The one start a running order leaves `occ`, once its neighbour is placed."""
        if occ.uid in self.before and self.before[occ.uid][0] in self.placed:
            first, changeover = self.before[occ.uid]
            return self.placed[first][1] + self.durations[first] + changeover
        if occ.uid in self.after and self.after[occ.uid][0] in self.placed:
            then, changeover = self.after[occ.uid]
            return self.placed[then][1] - changeover - occ.duration
        return None

    def _linked_earliest(self, occ: Occurrence) -> int:
        """A linked item starts no earlier than its gap allows from its placed item."""
        bound, grain = 0, self.problem.clock.minutes
        for link in self.problem.links:
            if link.item != occ.item:
                continue
            for _, parent in self._link_partners(link, occ):
                if parent.uid not in self.placed:
                    continue
                start = self.placed[parent.uid][1]
                if link.side == rules.LINKED_AFTER:
                    bound = max(bound, start + parent.duration - (-link.low // grain))
                elif link.high is not None:
                    bound = max(bound, start - link.high // grain - occ.duration)
        return bound

    def _place_timed(self, occ: Occurrence) -> None:
        earliest = self._earliest(occ)
        if self.priced and self._place_cheapest(occ, earliest):
            return
        spread = self._day_after_previous_repeat(occ)
        if spread is not None and self._try_from(occ, max(earliest, spread)):
            return
        self._try_from(occ, earliest)

    def _place_cheapest(self, occ: Occurrence, earliest: int) -> bool:
        """Place `occ` at the cheapest start worth trying; False if none is free."""
        found = self._cheapest(occ, earliest, self._latest(occ))
        if found is None:
            return False
        self._take(occ, found[2], found[1])
        return True

    def _cheapest(
        self, occ: Occurrence, earliest: int, latest: int | None
    ) -> tuple[int, int, str] | None:
        """(cost, start, venue) of the cheapest start worth trying (soft costs so far, then
        the emptiest day for its audience, `_load`, then the earliest) where some venue is
        free exactly then; None if none is."""
        starts = self.costs.starts_worth_trying(occ, earliest, latest)
        if len(starts) > PRICED_STARTS:  # evenly spread, so the cost per item stays flat
            starts = starts[:: -(-len(starts) // PRICED_STARTS)]
        priced = sorted((self.costs.at(occ, start), self._load(occ, start), start)
                        for start in starts)
        options = sorted(occ.options, key=lambda o: self.costs.venue(occ, o.venue))
        best: tuple[int, int, int, str] | None = None  # (cost, load, start, venue)
        checks = VENUE_CHECKS
        for cost, load, start in priced[:CHEAP_STARTS]:
            if (best is not None and cost >= best[0]) or checks <= 0:
                break  # sorted by cost: nothing later is cheaper; or enough looking
            if not self._artists_may_be_free(occ, start):
                continue  # no venue can work then: skip checking each one
            if self.costs.venue_matters_at(occ):
                found = self._cheapest_venue_at(occ, options[:checks], start)
                checks -= len(options)
                if found is None:
                    continue
                option, extra = found
            else:
                # the first venue free at `start` is its cheapest there (options sorted by cost)
                for option in options[:min(checks, START_VENUES)]:
                    checks -= 1
                    if self._fits_at(occ, option, start):
                        break
                else:
                    continue
                extra = 0
            total = cost + self.costs.venue(occ, option.venue) + extra
            if best is None or (total, load, start) < best[:3]:
                best = (total, load, start, option.venue)
        return None if best is None else (best[0], best[2], best[3])

    def _load(self, occ: Occurrence, start: int) -> int:
        """Grains of its audience's items already on the day of `start`. Of equally cheap
        starts the one on its audience's emptiest day is taken: taking the earliest sent
        every artist's first item to the first days while the audience was free there, and
        the artists' other items followed them (a night costs more than a few minutes of
        overlap), so the first days clashed while the last stood half empty (gen3/1000:
        Enghien's days held 1,788, 1,500, 969 and 921 grains)."""
        day = self.costs.day(occ, start)
        return sum(self.day_load[(occ.festival, day, tag)] for tag in occ.tags)

    def _cheapest_venue_at(
        self, occ: Occurrence, options: list[Option], start: int
    ) -> tuple[Option, int] | None:
        """The free venue at `start` that costs least with what it adds there (a venue's
        own prime time), and that addition; None if none is free."""
        free = [o for o in options if self._fits_at(occ, o, start)]
        if not free:
            return None
        priced = [(self.costs.venue(occ, o.venue) + self.costs.venue_at(occ, o.venue, start), n)
                  for n, o in enumerate(free)]
        _, best = min(priced)
        return free[best], self.costs.venue_at(occ, free[best].venue, start)

    def improve(self, work: int, sweeps: int = SWEEPS) -> int:
        """Local search on the soft costs: take each movable occurrence out and put it back
        at its cheapest start given all the others, when that is cheaper than where it was.
        In sweeps (`exchange.sweep`; within `work` more placement checks: the first
        programme is what a producer waits for); returns how many moves were made."""
        movable = [occ for occ in self.problem.occurrences if self._movable(occ)]

        def steps() -> Iterator[Step]:
            for occ in movable:
                yield partial(self._move_to_cheapest, occ)

        return sweep(self, work, sweeps, steps)

    def _move_to_cheapest(self, occ: Occurrence) -> bool:
        """Move `occ` to its cheapest start given the others if that costs less than where
        it is; whether it moved."""
        venue, start = self._release(occ)
        here = self.costs.placing(occ, venue, start)
        found = self._cheapest(occ, self._earliest(occ), self._next_repeat(occ))
        if found is None or found[0] >= here:
            self._take(occ, venue, start)
            return False
        self._take(occ, found[2], found[1])
        return True

    def interchangeable(self, item: str) -> bool:
        """Whether the item's occurrences differ in nothing but their numbers and are all
        free to move: any of them may take any one's place (their numbers then follow
        the time order again, as `add_repeat_order` requires). Callers keep them placed."""
        if item not in self._interchangeable:
            occs = self.by_item[item]
            alike = {tuple((k, v) for k, v in o.__dict__.items() if k not in ("uid", "number"))
                     for o in occs}
            self._interchangeable[item] = len(alike) == 1 and all(
                self._free_to_move(o) for o in occs)
        return self._interchangeable[item]

    def _movable(self, occ: Occurrence) -> bool:
        """Placed, and free to move (`_free_to_move`)."""
        return occ.uid in self.placed and self._free_to_move(occ)

    def _free_to_move(self, occ: Occurrence) -> bool:
        """Timed, not pinned, not published, and in no relation with other items, whose
        order or days a move could break."""
        related = any(occ.item in (r.item, r.other) for r in self.problem.relations) or any(
            occ.item in (link.item, link.other) for link in self.problem.links)
        related = related or occ.uid in self.before or occ.uid in self.after
        return (not occ.installation and not occ.pinned
                and occ.uid not in self.problem.previous and not related)

    def _next_repeat(self, occ: Occurrence) -> int | None:
        """The start of the item's next occurrence: repeats keep their numbers' order."""
        later = [self.placed[o.uid][1] for o in self.by_item[occ.item]
                 if o.number > occ.number and o.uid in self.placed]
        return min(later, default=None)

    def _release(self, occ: Occurrence) -> tuple[str, int]:
        """Undo `_take`: `occ` is no longer placed; where it was."""
        venue, start = self.placed.pop(occ.uid)
        self.costs.forget(occ, start)
        facts = self.problem.venues[venue]
        end = start + occ.duration + facts.changeover
        if facts.parallel > 1:
            self.board.venue_held[venue].remove((start, end))
        else:
            starts, ends = self.board.venue_starts[venue], self.board.venue_ends[venue]
            del starts[bisect_left(starts, start)]
            del ends[bisect_left(ends, end)]
        for artist in occ.bound_artists:
            self.board.artist_busy[artist].remove((start, start + occ.duration, venue))
        day = self.costs.day(occ, start)
        for tag in occ.tags:
            self.day_load[(occ.festival, day, tag)] -= occ.duration
        return venue, start

    def _artists_may_be_free(self, occ: Occurrence, start: int) -> bool:
        """False when an artist is booked during the very time (travel aside)."""
        end = start + occ.duration
        return not any(busy_start < end and start < busy_end
                       for artist in occ.bound_artists
                       for busy_start, busy_end, _ in self.board.artist_busy[artist])

    def _latest(self, occ: Occurrence) -> int | None:
        """A cheap start may not take the days later repeats need: with n repeats to come,
        none after the n-th day from the end (None: no such limit)."""
        later = sum(o.number > occ.number for o in self.by_item[occ.item])
        days = self.problem.days[occ.festival]
        if occ.pinned or not later or later >= len(days):
            return None
        return days[len(days) - 1 - later].end - 1

    def _fits_at(self, occ: Occurrence, option: Option, start: int) -> bool:
        inside = any(a <= start and start + occ.duration <= b for a, b in option.spans)
        changeover = self.problem.venues[option.venue].changeover
        return inside and self._conflict(occ, option.venue, start, changeover) is None

    def _day_after_previous_repeat(self, occ: Occurrence) -> int | None:
        """Where a repeat should start looking when repeats on one day cost something: the
        next programme day after the previous repeat's (None: no such day, or no cost)."""
        if occ.pinned or occ.number == 1 or not self.problem.weights.repeat_same_day:
            return None
        previous = next((o for o in self.by_item[occ.item] if o.number == occ.number - 1), None)
        if previous is None or previous.uid not in self.placed:
            return None
        days = self.problem.days[occ.festival]
        day = self.problem.day_of(occ.festival, self.placed[previous.uid][1], previous.item)
        return days[day + 1].start if day is not None and day + 1 < len(days) else None

    def _try_from(self, occ: Occurrence, earliest: int) -> bool:
        """Place `occ` at its earliest fit from `earliest` (preferred venues first)."""
        best: tuple[int, int, int, str] | None = None  # (preferred, start, index, venue)
        # the emptiest venues first: an early fit there bounds the search in the others;
        # ties go to the first in the options' order, as if they were searched in it
        by_load = sorted(enumerate(occ.options),
                         key=lambda pair: len(self.board.venue_starts[pair[1].venue]))
        for index, option in by_load:
            preferred = 0 if option.venue in occ.preferred_venues else 1
            if best is not None and best[0] < preferred:
                continue  # a preferred venue is taken already: this one cannot win
            before = None
            if best is not None and best[0] == preferred:
                before = best[1] + (index < best[2])  # an earlier option wins a tie
            start = self._first_fit(occ, option, earliest, before)
            if start is None:
                continue
            if best is None or (preferred, start, index) < best[:3]:
                best = (preferred, start, index, option.venue)
        if best is None:
            return False
        _, start, _, venue = best
        self._take(occ, venue, start)
        return True

    def _first_fit(
        self, occ: Occurrence, option: Option, earliest: int, before: int | None = None
    ) -> int | None:
        """The earliest start from `earliest` that fits (None: none before `before`)."""
        changeover = self.problem.venues[option.venue].changeover
        for low, high in option.spans:
            start = max(low, earliest)
            while start + occ.duration <= high and (before is None or start < before):
                pushed = self._conflict(occ, option.venue, start, changeover, before)
                if pushed is None:
                    return start
                start = pushed
        return None

    def _conflict(
        self, occ: Occurrence, venue: str, start: int, changeover: int, before: int | None = None
    ) -> int | None:
        """None if `start` works, else a later start worth trying (one from `before` on
        when none before it is free at the venue)."""
        self.work += 1
        free = self._venue_free_from(venue, start, occ.duration + changeover, before)
        if free != start:
            return free
        required = self._running_start(occ)
        if required is not None and start != required:
            return required if start < required else NEVER
        pushed = self._artist_conflict(occ, venue, start)
        if pushed is not None:
            return pushed
        pushed = self._link_conflict(occ, venue, start) or self._day_conflict(occ, start)
        if pushed is None and not self._looking_ahead and not self._children_fit(
                occ, venue, start):
            return start + 1
        return pushed

    def _children_fit(self, occ: Occurrence, venue: str, start: int) -> bool:
        """Whether each linked item still to place (a soundcheck) has a free start once
        `occ` is at `venue` from `start`: so that an item is not put where its soundcheck
        cannot go."""
        self._looking_ahead = True
        try:
            for link in self.problem.links:
                if link.other != occ.item:
                    continue
                for child, _ in self._link_partners(link, occ):
                    if child.uid not in self.placed and not self._child_fits(
                            link, child, occ, venue, start):
                        return False
            return True
        finally:
            self._looking_ahead = False

    def _child_fits(
        self, link: rules.Linked, child: Occurrence, parent: Occurrence, venue: str, start: int
    ) -> bool:
        grain = self.problem.clock.minutes
        low = -(-link.low // grain)
        high = link.high // grain if link.high is not None else NEVER // 2
        changeover = self.problem.venues[venue].changeover
        if link.side == rules.LINKED_BEFORE:
            first, last = start - high - child.duration, start - low - child.duration
        else:
            first, last = start + parent.duration + low, start + parent.duration + high
        for option in child.options:
            if link.same_venue and option.venue != venue:
                continue
            here = changeover if option.venue == venue else 0  # the parent's place there
            for a, b in option.spans:
                begin, end = max(a, first), min(b - child.duration, last)
                if link.side == rules.LINKED_BEFORE:
                    end = min(end, start - here - child.duration)
                else:
                    begin = max(begin, start + parent.duration + here)
                at = begin
                while at <= end:
                    pushed = self._conflict(child, option.venue, at,
                                            self.problem.venues[option.venue].changeover)
                    if pushed is None:
                        return True
                    at = max(pushed, at + 1)
        return False

    def _artist_conflict(self, occ: Occurrence, venue: str, start: int) -> int | None:
        end = start + occ.duration
        for artist in occ.bound_artists:
            most, rest = self.problem.limits.get(artist, (None, 0))
            for busy_start, busy_end, where in self.board.artist_busy[artist]:
                there = self.problem.travel_between(where, venue) + rest
                back = self.problem.travel_between(venue, where) + rest
                if busy_start < end + back and start < busy_end + there:
                    return busy_end + there
            if most is not None and self._artist_day_count(artist, occ.festival, start) >= most:
                return self._next_day_start(occ.festival, start, None)
        return None

    def _artists_free(self, occ: Occurrence, venue: str, start: int) -> bool:
        return self._artist_conflict(occ, venue, start) is None

    def _link_conflict(self, occ: Occurrence, venue: str, start: int) -> int | None:
        """None if `start` at `venue` keeps occ's links (`rules.linked_pairs`) with the
        placed occurrences they pair it with, else a later start worth trying (NEVER:
        none)."""
        grain = self.problem.clock.minutes
        for link in self.problem.links:
            if occ.item not in (link.item, link.other):
                continue
            low, high = -(-link.low // grain), None if link.high is None else link.high // grain
            for child, parent in self._link_partners(link, occ):
                other = parent if child is occ else child
                if other.uid not in self.placed:
                    continue
                other_venue, other_start = self.placed[other.uid]
                if link.same_venue and other_venue != venue:
                    return NEVER
                # the gap from occ's point of view: child start offset from the parent
                if link.side == rules.LINKED_BEFORE:
                    gap = (other_start - start - occ.duration if child is occ
                           else start - other_start - other.duration)
                else:
                    gap = (start - other_start - other.duration if child is occ
                           else other_start - start - occ.duration)
                later_widens = (child is occ) != (link.side == rules.LINKED_BEFORE)
                if gap < low:
                    return start + (low - gap) if later_widens else NEVER
                if high is not None and gap > high:
                    return NEVER if later_widens else start + (gap - high)
        return None

    def _link_partners(
        self, link: rules.Linked, occ: Occurrence
    ) -> list[tuple[Occurrence, Occurrence]]:
        """The (linked, its item) occurrence pairs `link` binds with `occ` on either side."""
        me = {occ.number: occ}
        pairs = []
        if link.item == occ.item:
            theirs = {o.number: o for o in self.by_item[link.other] if not o.installation}
            pairs += rules.linked_pairs(link, me, theirs)
        if link.other == occ.item:
            mine = {o.number: o for o in self.by_item[link.item] if not o.installation}
            pairs += rules.linked_pairs(link, mine, me)
        return pairs

    def _artist_day_count(self, artist: str, festival: str, start: int) -> int:
        """How many of the artist's items are placed on the programme day of `start`."""
        day = self.problem.day_of(festival, start)
        return sum(self.problem.venues[where].festival == festival
                   and self.problem.day_of(festival, busy_start) == day
                   for busy_start, _, where in self.board.artist_busy[artist])

    def _venue_free_from(
        self, venue: str, start: int, length: int, before: int | None = None
    ) -> int:
        """The earliest start from `start` at which `length` grains overlap nothing booked
        at `venue` (fewer than `parallel` bookings at every instant, for a venue holding
        several): past every booking in the way at once, not one call per booking; or,
        searching only `before` an instant, any start from there on when none is."""
        capacity = self.parallel[venue]
        if capacity > 1:
            return _shared_free_from(self.board.venue_held[venue], start, length, capacity)
        starts, ends = self.board.venue_starts[venue], self.board.venue_ends[venue]
        index = bisect_right(ends, start)  # the first booking that ends after `start`
        count = len(starts)
        while index < count and starts[index] < start + length:
            end = ends[index]  # (a plain comparison: this loop is the greedy's hottest)
            if end > start:
                start = end
            index += 1
            if before is not None and start >= before:
                break
        return start

    def _day_conflict(self, occ: Occurrence, start: int) -> int | None:
        """None if `start` keeps occ's day relations with the placed occurrences they
        pair it with (`rules.related_pairs`), else a later start worth trying."""
        if occ.item not in self.day_related:
            return None
        day = self.problem.day_of(occ.festival, start, occ.item)
        for relation in self.problem.relations:
            if relation.kind == rules.AFTER or occ.item not in (relation.item, relation.other):
                continue
            for other in self._partners(relation, occ):
                if other.uid not in self.placed:
                    continue
                other_day = self.problem.day_of(other.festival, self.placed[other.uid][1],
                                                 other.item)
                if relation.kind == rules.SAME_DAY and other_day != day:
                    return self._next_day_start(occ.festival, start, other_day)
                if relation.kind == rules.NOT_SAME_DAY and other_day == day:
                    return self._next_day_start(occ.festival, start, None)
        return None

    def _partners(self, relation: Relation, occ: Occurrence) -> list[Occurrence]:
        """The occurrences `relation` binds `occ` to (either side of it)."""
        me = {occ.number: occ}
        partners = []
        if relation.item == occ.item:
            theirs = {o.number: o for o in self.by_item[relation.other]}
            partners += [b for _, b in rules.related_pairs(relation.kind, me, theirs)]
        if relation.other == occ.item:
            mine = {o.number: o for o in self.by_item[relation.item]}
            partners += [a for a, _ in rules.related_pairs(relation.kind, mine, me)]
        return partners

    def _next_day_start(self, festival: str, start: int, target: int | None) -> int:
        days = self.problem.days[festival]
        current = self.problem.day_of(festival, start)
        if target is not None and current is not None and target > current:
            return days[target].start
        if current is None or current + 1 >= len(days):
            return NEVER
        return days[current + 1].start


def _shared_free_from(
    held: list[tuple[int, int]], start: int, length: int, capacity: int
) -> int:
    """The earliest start from `start` at which `length` grains keep fewer than `capacity`
    of the bookings `held` (start, held until) at every instant. Where `capacity` are
    held at once, no start before the first of them ends can work: jump there."""
    while True:
        end = start + length
        meeting = [(a, b) for a, b in held if a < end and b > start]
        if len(meeting) < capacity:
            return start
        for instant in sorted({start, *(a for a, _ in meeting if a > start)}):
            here = [b for a, b in meeting if a <= instant < b]
            if len(here) >= capacity:
                start = min(here)
                break
        else:
            return start


def greedy_placement(
    problem: Problem, passes: int = PASSES, deadline: float | None = None,
    timings: dict[str, float] | None = None,
) -> dict[str, tuple[str, int]]:
    """A venue and start (grains) for every occurrence the greedy passes could place.

    Each occurrence goes to the cheapest of several starts (see `marginal.py`). When a pass
    leaves occurrences out, the next one places them first, with those of every earlier
    pass ("squeaky wheel"); the first complete pass wins. Cheap starts can use up time that
    later occurrences needed (a first repeat placed late leaves no room for the second), so
    if no priced pass is complete, the same passes run again at earliest fits; the fullest
    pass of all is returned. Past `deadline` (a `time.perf_counter()` instant) no further
    pass or local search starts, and a pass under way stops placing (the first pass is given
    FIRST_PASS_GRACE seconds in any case); local search takes at most IMPROVING_TIME_SHARE
    of the time left. `timings["complete"]`, when given, gets the instant the first complete
    programme was there (before local search, which only lowers its cost).
    """
    best: dict[str, tuple[str, int]] = {}
    began = time.perf_counter()
    cut = None if deadline is None else max(deadline, began + FIRST_PASS_GRACE)
    for priced in (True, False):
        promoted: frozenset[str] = frozenset()
        for _ in range(passes):
            greedy = Greedy(problem, promoted, priced, deadline=cut)
            placed = greedy.run()
            cut = deadline  # the grace is the first pass's only
            _place_left_out(greedy)
            if len(placed) > len(best):
                best = placed
            left_out = {occ.item for occ in problem.occurrences if occ.uid not in placed}
            if not left_out:
                now = time.perf_counter()
                if timings is not None:
                    timings["complete"] = now
                if prices_time(problem) and not (
                        deadline is not None and now > deadline) and not (
                        at_floor(problem, placed)):
                    if deadline is not None:
                        greedy.deadline = now + IMPROVING_TIME_SHARE * (deadline - now)
                    _local_search(greedy)
                return placed
            if deadline is not None and time.perf_counter() > deadline:
                return best  # out of time: the fullest pass so far
            if left_out <= promoted:
                break  # promoting again would repeat this pass
            promoted |= left_out
        if not prices_time(problem):
            break  # nothing is priced: the earliest-fit passes have just run
    return best


def _place_left_out(greedy: Greedy) -> None:
    """Place what a pass left out without another pass (gen3/4000 seed 3: two more passes,
    4.3 s each, for one and then two occurrences): the item of each of at most
    LEFT_OUT_AT_MOST left-out occurrences is taken out and placed again, those left out
    first (their repeats then fit around them) and numbered in time order again
    (`add_repeat_order`), or put back as it was. Only items whose occurrences are
    interchangeable (`Greedy.interchangeable`: free to move, in no relation, link or
    running order that placing them after their partners could break)."""
    left_out = [o for o in greedy.problem.occurrences if o.uid not in greedy.placed]
    if len(left_out) > LEFT_OUT_AT_MOST or greedy._out_of_time():
        return
    for item in dict.fromkeys(o.item for o in left_out):
        if not greedy.interchangeable(item):
            continue
        occs = greedy.by_item[item]
        was = {o.uid: greedy._release(o) for o in occs if o.uid in greedy.placed}
        for occ in sorted(occs, key=lambda o: o.uid in was):
            greedy._place_timed(occ)
        renumber(greedy, item)
        if any(o.uid not in greedy.placed for o in occs):
            put_back(greedy, occs, was)


def _local_search(greedy: Greedy) -> None:
    """Shorten stays (`exchange.py`), move occurrences to cheaper starts (`improve`) and
    trade places for cheaper starts (`exchange.trade_for_cheaper_starts`) in turn until
    none changes anything, within LOCAL_SEARCH_SHARE times the work the pass did (and the
    greedy's deadline): each opens moves for the others."""
    limit = greedy.work + int(LOCAL_SEARCH_SHARE * greedy.work)
    for _ in range(LOCAL_SEARCH_TURNS):
        shortened = shorten_stays(greedy, limit - greedy.work)
        moved = greedy.improve(limit - greedy.work, sweeps=IMPROVING_SWEEPS)
        moved += trade_for_cheaper_starts(greedy, limit - greedy.work)
        if not (shortened or moved) or greedy.work > limit or greedy._out_of_time():
            return


def why_left_out(
    problem: Problem, placed: dict[str, tuple[str, int]], occ: Occurrence
) -> str:
    """In words, what keeps `occ` out of the programme `placed` (uid -> venue, start)."""
    greedy = Greedy(problem)
    for other in problem.occurrences:
        if other.uid in placed and not other.installation:
            greedy._take(other, *placed[other.uid])
        elif other.uid in placed:
            option = next(o for o in other.options if o.venue == placed[other.uid][0])
            greedy._take_installation(other, option)
    names = ", ".join(problem.labels.get(o.venue, o.venue) for o in occ.options)
    if occ.installation:
        free = [o for o in occ.options if all(
            greedy.board.slots_used[(o.venue, d)] < problem.venues[o.venue].installation_slots
            for d in occ.slot_days)]
        if free and occ.setup:
            artists = ", ".join(problem.labels.get(a, a) for a in occ.setup_artists)
            return f"its artists ({artists}) are busy during its set-up before it opens"
        return f"every installation slot at {names} is taken on its days"
    alone = Occurrence(**{**occ.__dict__, "bound_artists": ()})
    if all(greedy._first_fit(alone, option, 0) is None for option in occ.options):
        return f"{names}: no free time left in its windows"
    if all(greedy._first_fit(occ, option, 0) is None for option in occ.options):
        artists = ", ".join(problem.labels.get(a, a) for a in occ.bound_artists)
        return f"its artists ({artists}) are busy or travelling whenever a venue is free"
    return "it fits alone, but not with its order or day relations and higher-priority items"
