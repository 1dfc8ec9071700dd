"""A lower bound from the programme's days: which day each occurrence is on, solved alone.

The families' floors (`pricing.floors`) look at each family apart, so they miss what the
families force together: an artist with a performance given three times and two talks, on
days that hold two of them each, either sleeps nights or repeats the performance on one day,
and each floor alone may count neither. This relaxation keeps only the choice of a programme
day per occurrence and what that choice alone decides:

- hotel nights (`soft/hotel_nights.py`): each stay runs from its first to its last day;
- repeats on one day (`soft/repeats.py`): each pair of one item's occurrences on one day;
- prime time and preferred hours: an occurrence on a day where none of its starts is in them;
- an artist's occurrences on one day fit, end to end, in the time they could use that day,
  and `max_per_day` holds;
- with the venues (`_Relaxation(venues=True)`, one model per festival, for problems
  up to VENUES_AT_MOST occurrences): the timed occurrences a set of venues must take on one
  day fit, end to end with the changeovers, in the time those venues could hold them that
  day (times `parallel`),
  and those kept in their preferred hours, or headliners in prime time, fit in the time
  those venues could hold them inside their wish (else the wish is paid for); and the
  relations between items hold on days ('same_day', 'not_same_day', 'after' and links on
  no earlier day).

Every programme gives each occurrence a day its starts allow, so every programme pays at least
this model's optimum, and CP-SAT's proven bound on it (whether or not it finished) is a lower
bound on those families' cost in every complete programme. Everything else (venues, exact
times, walking, audiences: their floor is counted apart) is dropped, which only lowers it.

These costs never cross two sets of occurrences tied by an artist or an item's repeats, so
each set is its own small model. A large set (touring artists tie many) is first split into
one group per artist at a festival, neighbouring groups joined up to WHOLE occurrences
(`_clusters`), each occurrence copied into every group that needs it and each cost counted
in one group: dropping "the copies agree" lowers the bound, never
raises it; then, while time is left and up to WHOLE_AT_MOST occurrences, the set is solved
whole and the larger bound counts. Venue time ties every set of a festival, so the model with
the venues is a whole festival (no day cost or venue crosses festivals, so each festival is
bounded apart, in a share of the time by its size). On problems small enough for it, it is
tried first: proven, it is the festival's bound (its optimum is at least the sets'), and the
sets are not solved at all; else it counts when it proves more than the sets' sum.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from ortools.sat.python import cp_model

from affiche.programmes import rules
from affiche.scheduler.occurrences import Occurrence
from affiche.scheduler.problem import Problem, timed_by_item
from affiche.scheduler.soft import SOFT_FAMILIES
from affiche.scheduler.soft.hotel_nights import HotelNights, anchors, stays
from affiche.scheduler.soft.preferred_hours import PreferredHours
from affiche.scheduler.soft.prime_time import PrimeTime
from affiche.scheduler.soft.repeats import RepeatOnOneDay
from affiche.scheduler.spans import (
    Spans,
    intersect,
    normalise,
    start_ranges,
    total,
)

FAMILIES = (HotelNights.name, RepeatOnOneDay.name, PrimeTime.name,
            PreferredHours.name)
PART = " + ".join(FAMILIES) + ", by programme day"  # the bound's part, as reports name it
MAX_OCCURRENCES = 20_000  # larger problems are left to the families' floors
WHOLE = 40  # tied sets up to this many occurrences are one group; larger ones are split
GROUP_SECONDS = 1.0  # the fast settings' limit for one model, before the portfolio's
WHOLE_SECONDS_LEFT = 0.5  # a large set is tried whole only with this much time left
# and only up to this many occurrences: gen/500's 330 were proven whole in 3.9 s (148 split,
# 178 whole), gen/1000's 631 gave no bound in 6 s (25 s to prove 281 against 275 split)
WHOLE_AT_MOST = 400
# The model with the venues, festival by festival, on problems up to this many occurrences,
# with the fast settings: gen3/200 seeds 1-4 proven in 0.4-0.7 s (the whole problem as one
# model: 0.8-2.0 s). On gen3/1000 each festival's is proven in 1.4-2.3 s but adds up to the
# tied sets' bound (452), and in a 6-s limit it left them too little time (450)
VENUES_AT_MOST = 400
VENUES_SHARE = 0.75  # of a festival's time, for it first (the tied sets the rest)
BATCH = 5  # groups solved in one model (CP-SAT's fixed cost per solve is a few ms)
# CP-SAT proves small groups fastest with one worker, core-based search (the objective is a
# sum of small independent parts) and neither presolve nor linear relaxation: gen/4000's
# groups in 2.2 s five to a model, 2.9 s one by one, 11.5 s one by one without the cores. A
# model those settings leave open, and a whole large tied set, get the default portfolio of
# this many workers (on 2 cores, 4 proved gen/200's 107-occurrence set in 0.3 s; 2 found no
# bound in 20 s)
PORTFOLIO_WORKERS = 4


@dataclass
class DayBound:
    """A proven lower bound on `FAMILIES`' joint cost in every complete programme, and the
    seconds it took."""

    value: float
    seconds: float


def day_bound(problem: Problem, time_limit: float) -> DayBound | None:
    """The relaxation's bound within `time_limit` seconds; None when it cannot be built (an
    occurrence that may start outside every programme day, or too large). Each tied set is
    solved split first (fast, each group proven), then whole while time is left, and counts
    the larger bound; a group left unsolved at the deadline counts 0 (each cost is in one
    group only, so what the others prove still holds)."""
    started = time.perf_counter()
    deadline = started + time_limit
    if not problem.occurrences or len(problem.occurrences) > MAX_OCCURRENCES:
        return None
    starts = {o.uid: _starts_by_day(problem, o) for o in problem.occurrences}
    if any(not by_day for by_day in starts.values()):
        return None
    by_festival: dict[str, list[_TiedSet]] = defaultdict(list)
    for tied_set in _tied_sets(problem):
        by_festival[tied_set.occurrences[0].festival].append(tied_set)
    value, left = 0, len(problem.occurrences)
    for tied in sorted(by_festival.values(), key=_size):  # what the small leave, the large get
        share = (deadline - time.perf_counter()) * _size(tied) / left
        value += _festival_bound(problem, starts, tied, time.perf_counter() + share,
                                 venues=len(problem.occurrences) <= VENUES_AT_MOST)
        left -= _size(tied)
    return DayBound(float(value), time.perf_counter() - started)


def _size(tied: list[_TiedSet]) -> int:
    return sum(len(s.occurrences) for s in tied)


def _festival_bound(problem: Problem, starts: dict[str, dict[int, Spans]],
                    tied: list[_TiedSet], deadline: float, venues: bool) -> int:
    """One festival's bound (no day cost and no venue crosses two festivals): with `venues`,
    the model with the venues first, which proven is the bound (its optimum is at least the
    tied sets'); else the tied sets, and the larger of the two."""
    held = None
    if venues:
        seconds = (deadline - time.perf_counter()) * VENUES_SHARE
        held = _solve(_Relaxation(problem, starts, [s.groups(whole=True)[0] for s in tied],
                                  venues=True), deadline, portfolio=False, fast_seconds=seconds)
        if held is not None and held[1]:
            return held[0]
    small = [s.groups(whole=True)[0] for s in tied if len(s.occurrences) <= WHOLE]
    large = sorted((s for s in tied if len(s.occurrences) > WHOLE),
                   key=lambda s: len(s.occurrences))
    value = _solve_all(problem, starts, small, deadline)
    splits = [_solve_all(problem, starts, s.groups(whole=False), deadline) for s in large]
    for tied_set, split in zip(large, splits, strict=True):
        whole = None
        if (len(tied_set.occurrences) <= WHOLE_AT_MOST
                and deadline - time.perf_counter() > WHOLE_SECONDS_LEFT):
            whole = _solve(_Relaxation(problem, starts, tied_set.groups(whole=True)),
                           deadline, fast=False)
        value += max(split, whole[0] if whole else 0)
    return max(value, held[0] if held else 0)


def _solve_all(problem: Problem, starts: dict[str, dict[int, Spans]], groups: list[_Group],
               deadline: float) -> int:
    """The sum of the groups' proven bounds, BATCH groups to a model (independent, so the
    batch's optimum is the sum of theirs); a batch left open is solved group by group, and
    a group with no answer in time counts 0."""
    value = 0
    for first in range(0, len(groups), BATCH):
        if time.perf_counter() >= deadline:
            break
        batch = groups[first:first + BATCH]
        answer = _solve(_Relaxation(problem, starts, batch), deadline, portfolio=False)
        if answer is None or not answer[1]:
            answers = [_solve(_Relaxation(problem, starts, [group]), deadline)
                       for group in batch]
            answer = (sum(a[0] for a in answers if a is not None), True)
        value += answer[0]
    return value


def _solve(relaxation: _Relaxation, deadline: float, fast: bool = True,
           portfolio: bool = True, fast_seconds: float = GROUP_SECONDS) -> tuple[int, bool] | None:
    """The model's proven bound and whether it is its optimum (None: no answer in time, or
    none at all: then no programme gives everyone a day, and the solve says why); the fast
    settings first (`fast`, for up to `fast_seconds`), then the portfolio (`portfolio`)."""
    if not relaxation.costs:
        return 0, True
    solver = cp_model.CpSolver()
    code = cp_model.UNKNOWN
    for settings in ["fast"] * fast + ["portfolio"] * portfolio:
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        solver = cp_model.CpSolver()
        if settings == "fast":
            solver.parameters.num_workers = 1
            solver.parameters.cp_model_presolve = False
            solver.parameters.linearization_level = 0
            solver.parameters.optimize_with_core = True
            solver.parameters.max_time_in_seconds = min(fast_seconds, left)
        else:
            solver.parameters.num_workers = PORTFOLIO_WORKERS
            solver.parameters.max_time_in_seconds = left
        code = solver.solve(relaxation.model)
        if code == cp_model.OPTIMAL:
            break
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None  # no time, or an artist's days cannot hold their occurrences
    if code == cp_model.OPTIMAL:
        return round(solver.objective_value), True
    return max(0, _ceil(solver.best_objective_bound)), False


def with_day_bound(parts: dict[str, float], value: float) -> dict[str, float]:
    """The floors' parts (`pricing.floors`) with the relaxation's `value` in place of the
    parts it covers, when it proves more than they add up to."""
    covered = [family.floor_name or family.name for family in SOFT_FAMILIES
               if family.name in FAMILIES]
    if value <= sum(parts[part] for part in covered):
        return dict(parts)
    return {**{part: bound for part, bound in parts.items() if part not in covered},
            PART: value}


def _ceil(value: float) -> int:
    """The least integer objective the bound allows (CP-SAT's bound may be fractional)."""
    whole = int(value)
    return whole if value - whole < 1e-6 else whole + 1


@dataclass
class _Group:
    """Occurrences whose day costs are counted together: `stays`, `repeated` items and the
    `wishes` (prime time, preferred hours) of some occurrences. Each cost is counted in one
    group only; an occurrence may sit in several (its copies' days are chosen apart, which
    only lowers the bound)."""

    occurrences: list[Occurrence] = field(default_factory=list)
    stays: list[tuple[str, str]] = field(default_factory=list)
    repeated: list[list[Occurrence]] = field(default_factory=list)
    wishes: list[Occurrence] = field(default_factory=list)


@dataclass
class _TiedSet:
    """Occurrences a stay (an artist at a festival), an artist's time or an item's repeats
    tie together: no day cost crosses two tied sets."""

    occurrences: list[Occurrence]
    stays: list[tuple[str, str]]
    repeated: list[list[Occurrence]]

    def groups(self, whole: bool) -> list[_Group]:
        """The set as one group, or split: one group per artist at a festival (who owns the
        repeats and wishes of the items they are first in), neighbours joined while the
        group stays within WHOLE occurrences (`_clusters`)."""
        if whole:
            return [_Group(self.occurrences, self.stays, self.repeated, self.occurrences)]
        split: dict[tuple[str, str], _Group] = defaultdict(_Group)
        for occ in self.occurrences:
            for artist in occ.bound_artists:
                split[(artist, occ.festival)].occurrences.append(occ)
            owner = split[_owner(occ)]
            if occ not in owner.occurrences:
                owner.occurrences.append(occ)
            owner.wishes.append(occ)
        for stay in self.stays:
            split[stay].stays.append(stay)
        for occs in self.repeated:
            owner = split[_owner(occs[0])]
            owner.repeated.append(occs)
            owner.occurrences += [o for o in occs if o not in owner.occurrences]
        return _clusters(list(split.values()))


def _clusters(groups: list[_Group]) -> list[_Group]:
    """Groups that share occurrences joined, breadth first from each group not yet taken,
    while the union holds at most WHOLE occurrences (the ties kept inside a cluster are
    what the split would lose)."""
    holding: dict[str, list[int]] = defaultdict(list)
    for index, group in enumerate(groups):
        for occ in group.occurrences:
            holding[occ.uid].append(index)
    taken: set[int] = set()
    clusters = []
    for seed in range(len(groups)):
        if seed in taken:
            continue
        taken.add(seed)
        cluster = _Group(list(groups[seed].occurrences), list(groups[seed].stays),
                         list(groups[seed].repeated), list(groups[seed].wishes))
        uids = {o.uid for o in cluster.occurrences}
        queue = [seed]
        while queue:
            for occ in groups[queue.pop(0)].occurrences:
                for index in holding[occ.uid]:
                    other = groups[index]
                    extra = [o for o in other.occurrences if o.uid not in uids]
                    if index in taken or len(uids) + len(extra) > WHOLE:
                        continue
                    taken.add(index)
                    queue.append(index)
                    uids |= {o.uid for o in extra}
                    cluster.occurrences += extra
                    cluster.stays += other.stays
                    cluster.repeated += other.repeated
                    cluster.wishes += other.wishes
        clusters.append(cluster)
    return clusters


def _owner(occ: Occurrence) -> tuple[str, str]:
    """The group an occurrence's own costs go to: its first artist's at its festival."""
    return (occ.bound_artists[0], occ.festival) if occ.bound_artists else (occ.item, "")


def _tied_sets(problem: Problem) -> list[_TiedSet]:
    all_stays = stays(problem)
    repeated = [occs for occs in timed_by_item(problem).values() if len(occs) >= 2]
    parent = {o.uid: o.uid for o in problem.occurrences}

    def root(uid: str) -> str:
        while parent[uid] != uid:
            parent[uid] = parent[parent[uid]]
            uid = parent[uid]
        return uid

    by_artist: dict[tuple[str, str], list[Occurrence]] = defaultdict(list)
    for occ in problem.occurrences:
        for artist in occ.bound_artists:
            by_artist[(artist, occ.festival)].append(occ)
    for linked in [*all_stays.values(), *repeated, *by_artist.values()]:
        for occ in linked[1:]:
            parent[root(occ.uid)] = root(linked[0].uid)
    sets: dict[str, _TiedSet] = {}
    for occ in problem.occurrences:
        sets.setdefault(root(occ.uid), _TiedSet([], [], [])).occurrences.append(occ)
    for stay, occs in all_stays.items():
        sets[root(occs[0].uid)].stays.append(stay)
    for occs in repeated:
        sets[root(occs[0].uid)].repeated.append(occs)
    return list(sets.values())


def _starts_by_day(problem: Problem, occ: Occurrence) -> dict[int, Spans]:
    """Per programme day, the starts of `occ` in it (half-open spans of start grains);
    empty when some start lies outside every day (priced as no day at all)."""
    days = problem.days[occ.festival]
    ranges = normalise((a, b + 1) for spans in {option.spans for option in occ.options}
                       for a, b in start_ranges(spans, occ.duration))
    by_day = {index: intersect(ranges, ((day.start, day.end),))
              for index, day in enumerate(days)}
    by_day = {index: spans for index, spans in by_day.items() if spans}
    covered = normalise(span for spans in by_day.values() for span in spans)
    return by_day if total(covered) == total(ranges) else {}


def _time_used(occ: Occurrence, starts: Spans) -> Spans:
    """The time `occ` can occupy when it starts in `starts`."""
    return normalise((a, b - 1 + occ.duration) for a, b in starts)


class _Relaxation:
    """Some groups' day model: a literal per occurrence and possible day in each group (an
    occurrence in two groups has two), the groups' day costs summed; with `venues`, the
    groups are a whole festival, each occurrence in one, and the venues' time holds them."""

    def __init__(self, problem: Problem, starts: dict[str, dict[int, Spans]],
                 groups: list[_Group], venues: bool = False) -> None:
        self.problem = problem
        self.starts = starts
        self.model = cp_model.CpModel()
        self.costs: list[tuple[int, cp_model.LinearExprT]] = []
        # every group's literals (the last one's for an occurrence in two groups)
        self.days: dict[tuple[str, int], cp_model.IntVar] = {}
        self.given: set[str] = set()  # occurrences given a day
        # with `venues`: the occurrences (one festival's) whose venues' time holds them
        self.held = list({o.uid: o for g in groups
                          for o in g.occurrences}.values()) if venues else []
        for group in groups:
            self._add(group)
        if venues:
            self._wishes_hold()
        if venues and self.costs:
            self._venues_hold()
            self._relations_hold()
        if self.costs:
            self.model.minimize(sum(weight * expr for weight, expr in self.costs))

    def _add(self, group: _Group) -> None:
        self.group = group
        self.on: dict[tuple[str, int], cp_model.IntVar] = {}
        costs = len(self.costs)
        self._hotel_nights()
        self._repeats()
        self._day_wishes()
        if len(self.costs) == costs:
            return  # nothing to count: the group's days are free
        for occ in group.occurrences:
            self.model.add_exactly_one(self.literal(occ.uid, day) for day in self.starts[occ.uid])
            self.given.add(occ.uid)
        self._artists_fit()

    def literal(self, uid: str, day: int) -> cp_model.IntVar:
        """The group's literal for "`uid` is on `day`"."""
        if (uid, day) not in self.on:
            self.on[(uid, day)] = self.model.new_bool_var(f"on[{uid},{day}]")
            self.days[(uid, day)] = self.on[(uid, day)]
        return self.on[(uid, day)]

    def _venues_hold(self) -> None:
        """Per festival, day and set of venues some timed occurrence may use: the timed
        occurrences that may use only venues of the set, and are on that day, each with the
        least changeover of its venues after it, add up to at most the time those venues
        could hold them then (each stretch of it lengthened by the venue's changeover: the
        last item's may run past). Occurrences of groups with nothing to count get their day
        here."""
        for occ in self.held:
            if occ.uid not in self.given:
                self.model.add_exactly_one(self._day(occ.uid, day) for day in self.starts[occ.uid])
        timed: dict[str, list[Occurrence]] = defaultdict(list)
        venues_of: dict[str, frozenset[str]] = {}
        for occ in self.held:
            if not occ.installation:
                timed[occ.festival].append(occ)
                venues_of[occ.uid] = frozenset(option.venue for option in occ.options)
        for occs in timed.values():
            for venues in {venues_of[o.uid] for o in occs}:
                inside = [o for o in occs if venues_of[o.uid] <= venues]
                for day in {d for o in inside for d in self.starts[o.uid]}:
                    here = [o for o in inside if day in self.starts[o.uid]]
                    room = sum(self._venue_room(venue, here, day) for venue in venues)
                    held = {o.uid: o.duration + min(self.problem.venues[v].changeover
                                                    for v in venues_of[o.uid]) for o in here}
                    if sum(held.values()) > room:
                        self.model.add(sum(held[o.uid] * self._day(o.uid, day) for o in here)
                                       <= room)

    def _relations_hold(self) -> None:
        """The relations between items on days: a 'same_day' pair (`rules.related_pairs`)
        shares one, a 'not_same_day' pair never does, and what starts after another ends
        (an 'after' relation, a link with a gap of at least 0: `rules.linked_pairs`) is on
        no earlier day."""
        items = timed_by_item(self.problem)
        held = {occ.uid for occ in self.held}

        def numbered(item: str) -> dict[int, Occurrence]:
            return {o.number: o for o in items.get(item, []) if o.uid in held}

        for relation in self.problem.relations:
            for a, b in rules.related_pairs(relation.kind, numbered(relation.item),
                                            numbered(relation.other)):
                if relation.kind == rules.AFTER:
                    self.model.add(self._day_index(a.uid) >= self._day_index(b.uid))
                    continue
                for day in set(self.starts[a.uid]) | set(self.starts[b.uid]):
                    on_a, on_b = self._on_day(a.uid, day), self._on_day(b.uid, day)
                    if relation.kind == rules.SAME_DAY:
                        self.model.add(on_a == on_b)
                    else:
                        self.model.add(on_a + on_b <= 1)
        for link in self.problem.links:
            if link.low < 0:
                continue
            for a, b in rules.linked_pairs(link, numbered(link.item), numbered(link.other)):
                first, then = (a, b) if link.side == rules.LINKED_BEFORE else (b, a)
                self.model.add(self._day_index(then.uid) >= self._day_index(first.uid))

    def _on_day(self, uid: str, day: int) -> cp_model.IntVar | int:
        """The literal for "`uid` is on `day`", or 0 on a day it cannot start on."""
        return self._day(uid, day) if day in self.starts[uid] else 0

    def _day_index(self, uid: str) -> cp_model.LinearExprT:
        """The index of the day `uid` is on."""
        return sum(day * self._day(uid, day) for day in self.starts[uid])

    def _wishes_hold(self) -> None:
        """Preferred hours and prime time within reach on a day cost their weight unless
        kept; per festival, day and set of venues, the occurrences kept in one kind of wish
        add up to at most the time those venues could hold them inside it. Only wishes in
        such a sum that can overflow get a literal (the others are always kept)."""
        for weight, wished in ((PreferredHours().weight(self.problem), _in_hours),
                               (PrimeTime().weight(self.problem), _in_prime)):
            if not weight:
                continue
            wishes: dict[tuple[str, int], list[tuple[Occurrence, dict[str, Spans]]]]
            wishes = defaultdict(list)
            for occ in self.held:
                for day, starts in self.starts[occ.uid].items() if not occ.installation else ():
                    where = wished(occ, starts)
                    if where:
                        wishes[(occ.festival, day)].append((occ, where))
            kept: dict[tuple[str, int], cp_model.IntVar] = {}
            for (_, day), here in wishes.items():
                for venues in {frozenset(where) for _, where in here}:
                    inside = [(o, w) for o, w in here if set(w) <= venues]
                    room = sum(total(normalise(span for _, w in inside
                                               for span in w.get(venue, ())))
                               * self.problem.venues[venue].parallel for venue in venues)
                    if sum(o.duration for o, _ in inside) > room:
                        self.model.add(sum(o.duration * self._kept(kept, o.uid, day, weight)
                                           for o, _ in inside) <= room)

    def _kept(self, kept: dict[tuple[str, int], cp_model.IntVar], uid: str, day: int,
              weight: int) -> cp_model.IntVar:
        """The literal for "`uid` is on `day` and keeps its wish" (made, and its cost
        counted, on first use)."""
        if (uid, day) not in kept:
            on = self._day(uid, day)
            kept[(uid, day)] = self.model.new_bool_var("")
            self.model.add(kept[(uid, day)] <= on)
            self.costs.append((weight, on - kept[(uid, day)]))
        return kept[(uid, day)]

    def _day(self, uid: str, day: int) -> cp_model.IntVar:
        """The model's literal for "`uid` is on `day`" (one per occurrence with `venues`)."""
        if (uid, day) not in self.days:
            self.days[(uid, day)] = self.model.new_bool_var(f"day[{uid},{day}]")
        return self.days[(uid, day)]

    def _venue_room(self, venue: str, occs: list[Occurrence], day: int) -> int:
        """The grains of `venue` that `occs` could use on `day`, each stretch lengthened by
        its changeover, times its `parallel`."""
        used = normalise(span for o in occs for option in o.options if option.venue == venue
                         for span in intersect(_time_used(o, self.starts[o.uid][day]),
                                               option.spans))
        facts = self.problem.venues[venue]
        return total(normalise((a, b + facts.changeover) for a, b in used)) * facts.parallel

    def _artists_fit(self) -> None:
        """An artist's timed occurrences on one day fit end to end in the time they could
        use that day; at most `max_per_day` of them."""
        by_artist: dict[tuple[str, str], list[Occurrence]] = defaultdict(list)
        for occ in self.group.occurrences:
            if not occ.installation:
                for artist in occ.bound_artists:
                    by_artist[(artist, occ.festival)].append(occ)
        for (artist, _), occs in by_artist.items():
            most = self.problem.limits.get(artist, (None, 0))[0]
            for day in {d for o in occs for d in self.starts[o.uid]}:
                here = [o for o in occs if day in self.starts[o.uid]]
                used = normalise(span for o in here
                                 for span in _time_used(o, self.starts[o.uid][day]))
                room = total(used)
                if sum(o.duration for o in here) > room:
                    self.model.add(sum(o.duration * self.literal(o.uid, day) for o in here)
                                   <= room)
                self._artist_gaps(artist, here, day, used)
                if most is not None and len(here) > most:
                    self.model.add(sum(self.literal(o.uid, day) for o in here) <= most)

    def _artist_gaps(self, artist: str, here: list[Occurrence], day: int,
                     used: Spans) -> None:
        """Before each of an artist's items on a day but the first lie their rest and the
        least travel from another of the items: the items and those gaps fit between the
        earliest start and the latest end the items could have that day, plus the longest
        gap (the first item's, which it does not have). `used`: the time they could use."""
        if len(here) < 2:
            return
        rest = self.problem.limits.get(artist, (None, 0))[1]
        gaps = {occ.uid: rest + min(_least_travel(self.problem, other, occ)
                                    for other in here if other is not occ) for occ in here}
        longest = max(gaps.values())
        room = used[-1][1] - used[0][0] + longest
        if longest and sum(o.duration + gaps[o.uid] for o in here) > room:
            self.model.add(sum((o.duration + gaps[o.uid]) * self.literal(o.uid, day)
                               for o in here) <= room)

    def _hotel_nights(self) -> None:
        """Nights from the first to the last day present; at least the days present minus
        one (a bound the linear relaxation sees)."""
        weight = HotelNights().weight(self.problem)
        if not weight:
            return
        for stay in self.group.stays:
            occs = [o for o in self.group.occurrences
                    if stay[0] in o.bound_artists and o.festival == stay[1]]
            fixed = anchors(self.problem, stay)
            days = sorted({d for o in occs for d in self.starts[o.uid]} | set(fixed))
            low, high = days[0], days[-1]
            first = self.model.new_int_var(low, high, "")
            last = self.model.new_int_var(low, high, "")
            present = {}
            for day in days:
                present[day] = 1 if day in fixed else self.model.new_bool_var("")
                self.model.add(first <= day + (high - low) * (1 - present[day]))
                self.model.add(last >= day - (high - low) * (1 - present[day]))
            for occ in occs:
                for day in self.starts[occ.uid]:
                    self.model.add(present[day] >= self.literal(occ.uid, day))
            self.model.add(last - first >= sum(present.values()) - 1)
            self.costs.append((weight, last - first))

    def _repeats(self) -> None:
        weight = RepeatOnOneDay().weight(self.problem)
        if not weight:
            return
        for occs in self.group.repeated:
            for a, b in combinations(occs, 2):
                for day in set(self.starts[a.uid]) & set(self.starts[b.uid]):
                    both = self.model.new_bool_var("")
                    self.model.add(both >= self.literal(a.uid, day)
                                   + self.literal(b.uid, day) - 1)
                    self.costs.append((weight, both))

    def _day_wishes(self) -> None:
        """Prime time and preferred hours out of reach on the day an occurrence is on."""
        prime, hours = PrimeTime().weight(self.problem), PreferredHours().weight(self.problem)
        for occ in self.group.wishes:
            if occ.installation:
                continue
            for day, starts in self.starts[occ.uid].items():
                cost = 0
                if prime and occ.prime and not _in_prime(occ, starts):
                    cost += prime
                if hours and occ.preferred_spans and not _in_hours(occ, starts):
                    cost += hours
                if cost:
                    self.costs.append((cost, self.literal(occ.uid, day)))


def _least_travel(problem: Problem, first: Occurrence, second: Occurrence) -> int:
    """The shortest way from a venue `first` may use to one `second` may use."""
    return min(problem.travel_between(a.venue, b.venue)
               for a in first.options for b in second.options)


def _in_hours(occ: Occurrence, starts: Spans) -> dict[str, Spans]:
    """Per venue, the time `occ` uses when it starts in `starts` and its preferred hours."""
    if not occ.preferred_spans:
        return {}
    wished = intersect(starts, occ.preferred_spans)
    return _used_by_venue(occ, wished, {option.venue: option.spans for option in occ.options})


def _in_prime(occ: Occurrence, starts: Spans) -> dict[str, Spans]:
    """Per venue, the time `occ` uses when it starts in `starts` inside the venue's prime
    time."""
    return _used_by_venue(occ, starts, {venue: spans for venue, spans in occ.prime if spans})


def _used_by_venue(occ: Occurrence, starts: Spans, spans: dict[str, Spans]) -> dict[str, Spans]:
    """Per venue, the time `occ` uses there when it starts in `starts` and lies in the
    venue's `spans`."""
    used = {}
    for venue, inside in spans.items():
        fitting = intersect(starts, normalise(
            (a, b + 1) for a, b in start_ranges(inside, occ.duration)))
        if fitting:
            used[venue] = _time_used(occ, fitting)
    return used


__all__ = ["FAMILIES", "PART", "DayBound", "day_bound", "with_day_bound"]
