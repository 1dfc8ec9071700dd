"""Large-neighbourhood search around the incumbent programme, re-solved with CP-SAT.

On large festivals CP-SAT improves a whole model little within a minute (gen/1000: nothing
in 60 s on 2 cores), while the same model with most occurrences fixed where the incumbent
has them solves in a second or two. Each round frees one neighbourhood (the occurrences of
a few artists, part of one programme day, of one audience tag in one day, of a few
venues, or a stretch of time in every venue of a festival), fixes every other
occurrence's venue and start in a copy of the model, hints the incumbent and keeps the
answer when it costs less counted in full (`pricing.total`). The
copies keep the model's variable indices, so the model's `Variables` read their answers.
"""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ortools.sat.python import cp_model

from affiche.scheduler.occurrences import Occurrence
from affiche.scheduler.pricing import Placed, total
from affiche.scheduler.problem import Problem
from affiche.scheduler.variables import Variables

# occurrences freed per round, about: 30 against 60, gen/200 at 20 s (three runs each)
# 96-101 against 101-117, gen/1000 at 60 s 13,071 against 13,110
NEIGHBOURHOOD = 30
# Each round solved to optimality grows the next ones of its kind by GROWTH, each that runs
# out of time shrinks them as much, within these bounds (gen/200: rounds of 30 took 0.09 s).
# Per kind: on gen3/200 a day's rounds (30 occurrences at most) solved in 0.03 s and grew a
# shared size until the artists' rounds freed 200 and ran out of time, 2 s each.
GROWTH = 1.15
MIN_NEIGHBOURHOOD, MAX_NEIGHBOURHOOD = 15.0, 300.0
ROUND_SECONDS = 2.0  # CP-SAT's limit per round, at most
MIN_ROUND = 0.3  # no round starts with less time left

Reader = Callable[[cp_model.CpSolver], Placed]
Solution = list[int]  # a value for every variable of the model, by index


def search(
    problem: Problem, variables: Variables, incumbent: Solution, deadline: float,
    read: Reader, workers: int, seed: int, allow_unplaced: bool = False,
    better: Callable[[float], None] | None = None, bound: float = 0.0,
) -> tuple[Placed, int]:
    """The cheapest programme found from the solution `incumbent` before `deadline`
    (perf_counter), and how many rounds improved it. `read` turns a solver holding a
    solution into placements. Each round is hinted with the whole incumbent solution, which
    CP-SAT takes as its first solution at once. `better` hears each cheaper cost found; the
    search stops at `bound`, what every programme pays (nothing cheaper is left to find).

    Rounds run in `workers` lanes at once, one CP-SAT worker each: CP-SAT releases the
    GIL while it solves, and a round solved by one worker is about as good as one solved by
    two (gen3/200 seeds 1-4 at 20 s summed 483 against 494; gen3/1000 seeds 1-2 at 60 s
    4,639 against 4,491), so two lanes solve nearly twice the rounds."""
    best = _placed_of(problem, variables, incumbent)
    timed = [o for o in problem.occurrences if not o.installation and o.uid in best]
    if len(timed) <= NEIGHBOURHOOD:
        return best, 0  # the whole model is the neighbourhood: CP-SAT has had it
    shared = _Shared(problem, variables, read, allow_unplaced, better, bound, timed,
                     _Incumbent(best, total(problem, best, allow_unplaced), incumbent))
    lanes = max(1, workers)
    if lanes == 1:
        shared.run_lane(random.Random(seed), deadline)
    else:
        with ThreadPoolExecutor(lanes) as pool:
            running = [pool.submit(shared.run_lane, random.Random(seed + lane), deadline)
                       for lane in range(lanes)]
            try:
                for lane in running:
                    lane.result()  # a lane's error is raised here
            finally:  # an error or an interrupt ends the other lanes after their round
                shared.stop.set()
    return shared.incumbent.placed, shared.improved


@dataclass(frozen=True)
class _Incumbent:
    """The cheapest programme found so far, its cost and the model's solution holding it;
    `version` counts the programmes that replaced it."""

    placed: Placed
    cost: float
    solution: Solution
    version: int = 0


@dataclass(frozen=True)
class _Retry:
    """A round's answer found around an incumbent since replaced, cheaper with the new one
    counted in full: its neighbourhood is solved again around the new one, hinted with the
    new solution carrying the round's changes (CP-SAT checks what the merge alone cannot,
    such as two lanes moving items into the same free hour)."""

    free: set[str]
    hint: Solution


class _Shared:
    """What the lanes share, under one lock: the incumbent, the next kind of neighbourhood
    and each kind's size, the most a round ran past its limit."""

    def __init__(self, problem: Problem, v: Variables, read: Reader, allow_unplaced: bool,
                 better: Callable[[float], None] | None, bound: float,
                 timed: list[Occurrence], incumbent: _Incumbent) -> None:
        self.problem, self.v, self.read = problem, v, read
        self.allow_unplaced, self.better, self.bound = allow_unplaced, better, bound
        self.timed, self.incumbent = timed, incumbent
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.improved = 0
        self.rounds = 0
        self.kinds = _kinds()
        self.sizes = {kind: float(NEIGHBOURHOOD) for kind in self.kinds}  # each learns its own
        # the most a round ran past its limit (choosing its neighbourhood, copying the
        # model, reading and pricing the answer: on gen3/4000 CP-SAT ran 0.2 s past its
        # limit and pricing took 0.1 s more, which took the solve call to 60.2 s of 60)
        self.overhead = 0.0

    def run_lane(self, rng: random.Random, deadline: float) -> None:
        """Rounds one after another until the deadline, the bound or `stop`."""
        retry: _Retry | None = None
        try:
            while (not self.stop.is_set() and self.incumbent.cost > self.bound
                   and deadline - time.perf_counter() > MIN_ROUND + self.overhead):
                retry = self._round(rng, deadline, retry)
        except BaseException:
            self.stop.set()
            raise

    def _round(self, rng: random.Random, deadline: float, retry: _Retry | None) -> _Retry | None:
        began = time.perf_counter()
        base = self.incumbent
        kind = None
        if retry is None:
            with self.lock:
                kind = self.kinds[self.rounds % len(self.kinds)]
                self.rounds += 1
            free = kind(self.problem, base.placed, self.timed, rng, round(self.sizes[kind]))
            hint = base.solution
        else:
            free, hint = retry.free, retry.hint
        if not free:
            return None
        limit = min(ROUND_SECONDS, deadline - began - self.overhead)
        found = _solve_round(self.problem, self.v, base.placed, hint, free, limit, 1,
                             rng.randrange(1 << 30))
        if kind is not None:
            with self.lock:
                self.sizes[kind] = _resized(self.sizes[kind], found, len(self.timed))
        retry = None if found is None else self._offer(base, free, found)
        with self.lock:
            self.overhead = max(self.overhead, time.perf_counter() - began - limit)
        return retry

    def _offer(self, base: _Incumbent, free: set[str], found: cp_model.CpSolver) -> _Retry | None:
        """Keep the round's answer if it costs less than the incumbent, counted in full; if
        another lane replaced the incumbent meanwhile, the retry that would merge them."""
        placed = self.read(found)
        cost = total(self.problem, placed, self.allow_unplaced)
        if cost >= base.cost:
            return None
        solution = list(found.response_proto.solution)
        with self.lock:
            now = self.incumbent
            if now.version == base.version:
                self._keep(_Incumbent(placed, cost, solution, now.version + 1))
                return None
        merged = dict(now.placed)
        for uid in free:
            if uid in placed:
                merged[uid] = placed[uid]
            else:
                merged.pop(uid, None)
        if total(self.problem, merged, self.allow_unplaced) >= now.cost:
            return None
        return _Retry(free, [mine if mine != was else theirs for mine, was, theirs
                             in zip(solution, base.solution, now.solution, strict=True)])

    def _keep(self, cheaper: _Incumbent) -> None:
        """Under the lock: the new incumbent, heard by `better`."""
        self.incumbent = cheaper
        self.improved += 1
        if self.better is not None:
            self.better(cheaper.cost)


Neighbourhood = Callable[[Problem, Placed, list[Occurrence], random.Random, int], set[str]]


def _kinds() -> list[Neighbourhood]:
    """The kinds of neighbourhood, in turn. A stretch of time takes two turns in six:
    gen3/200 seeds 1-8 at 20 s summed 1,049 without it, 988 with one turn, 958 with two
    (964 with four in eight); gen3/1000 seeds 1-3 at 60 s 6,955, 6,931 and 6,891."""
    return [_by_artists, _by_day, _by_tag, _by_venues, _by_window, _by_window]


def _resized(size: float, found: cp_model.CpSolver | None, timed: int) -> float:
    """The next rounds' neighbourhood: larger after a round CP-SAT solved to optimality
    (its neighbourhood held nothing better), smaller after one it ran out of time on."""
    solved = found is not None and found.response_proto.status == cp_model.OPTIMAL
    size = size * GROWTH if solved else size / GROWTH
    return min(max(size, MIN_NEIGHBOURHOOD), MAX_NEIGHBOURHOOD, float(timed))


def _placed_of(problem: Problem, v: Variables, solution: Solution) -> Placed:
    placed: Placed = {}

    def value(var: cp_model.IntVar | int) -> int:
        if isinstance(var, int):
            return var
        return solution[var.index] if var.index >= 0 else 1 - solution[-var.index - 1]

    for occ in problem.occurrences:
        if not value(v.is_placed(occ.uid)):
            continue
        option = next(o for o in occ.options if value(v.is_at(occ.uid, o.venue)))
        start = option.spans[0][0] if occ.installation else value(v.start_of(occ.uid))
        placed[occ.uid] = (option.venue, int(start))
    return placed


def _solve_round(
    problem: Problem, v: Variables, best: Placed, incumbent: Solution, free: set[str],
    limit: float, workers: int, seed: int,
) -> cp_model.CpSolver | None:
    copy = v.model.clone()
    copy.clear_hints()
    copy.proto.solution_hint.vars.extend(range(len(incumbent)))
    copy.proto.solution_hint.values.extend(incumbent)
    domains = copy.proto.variables
    for occ in problem.occurrences:
        if occ.uid in free or occ.uid not in best:
            continue
        venue, start = best[occ.uid]
        for option in occ.options:
            _fix(domains, v.is_at(occ.uid, option.venue), int(option.venue == venue))
        placed = v.is_placed(occ.uid)
        _fix(domains, placed, 1)
        if not occ.installation:
            _fix(domains, v.start_of(occ.uid), start)
        for tag in occ.tags:  # the part its audience sees stays too: the search is local
            for var in v.audience_parts.get((tag, occ.uid), ()):
                _fix(domains, var, incumbent[var.index])
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    # most of the model is fixed: presolve's passes over it cost more than the search
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.max_presolve_iterations = 1
    if solver.solve(copy) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return solver


def _fix(domains: object, var: cp_model.IntVar | int, value: int) -> None:
    if isinstance(var, int):
        return
    index = var.index
    if index < 0:  # a negated literal
        index, value = -index - 1, 1 - value
    domain = domains[index].domain  # type: ignore[index]
    domain.clear()
    domain.extend([value, value])


def _day(problem: Problem, occ: Occurrence, best: Placed) -> tuple[str, int | None]:
    return occ.festival, problem.day_of(occ.festival, best[occ.uid][1], occ.item)


def _by_artists(problem: Problem, best: Placed, timed: list[Occurrence],
                rng: random.Random, size: int) -> set[str]:
    """A few artists (those whose stays cost nights first), all their occurrences, and
    others on the artists' days in venues the artists' items may use (to make room there,
    or to trade places with them), those sharing an audience first."""
    by_artist: dict[str, list[Occurrence]] = defaultdict(list)
    for occ in timed:
        for artist in occ.bound_artists:
            by_artist[artist].append(occ)
    spread = [a for a, occs in by_artist.items()
              if len({_day(problem, o, best) for o in occs}) > 1]
    pool = spread or list(by_artist)
    rng.shuffle(pool)
    free: set[str] = set()
    around: set[tuple[str, tuple[str, int | None]]] = set()  # (tag, day)
    days: set[tuple[str, int | None]] = set()
    venues: set[str] = set()
    for artist in pool:
        for occ in by_artist[artist]:
            free.add(occ.uid)
            days.add(_day(problem, occ, best))
            venues.update(option.venue for option in occ.options)
            around.update((tag, _day(problem, occ, best)) for tag in occ.tags)
        if len(free) >= size // 3:
            break
    near = [o for o in timed if o.uid not in free and best[o.uid][0] in venues
            and _day(problem, o, best) in days]
    rng.shuffle(near)
    near.sort(key=lambda o: not any((tag, _day(problem, o, best)) in around for tag in o.tags))
    free.update(o.uid for o in near[:max(0, size - len(free))])
    return free


def _by_day(problem: Problem, best: Placed, timed: list[Occurrence],
            rng: random.Random, size: int) -> set[str]:
    """Part of one programme day."""
    by_day: dict[tuple[str, int | None], list[Occurrence]] = defaultdict(list)
    for occ in timed:
        by_day[_day(problem, occ, best)].append(occ)
    day = rng.choice(sorted(by_day, key=str))
    occs = by_day[day]
    return {o.uid for o in rng.sample(occs, min(len(occs), size))}


def _by_tag(problem: Problem, best: Placed, timed: list[Occurrence],
            rng: random.Random, size: int) -> set[str]:
    """The occurrences of one audience tag on one day, and others of that day."""
    tagged = [o for o in timed if o.tags]
    if not tagged:
        return set()
    pick = rng.choice(tagged)
    tag, day = rng.choice(pick.tags), _day(problem, pick, best)
    same = [o for o in timed if tag in o.tags and _day(problem, o, best) == day]
    return {o.uid for o in rng.sample(same, min(len(same), size))}


def _by_venues(problem: Problem, best: Placed, timed: list[Occurrence],
               rng: random.Random, size: int) -> set[str]:
    """A few venues' occurrences on one day."""
    pick = rng.choice(timed)
    day = _day(problem, pick, best)
    venues = sorted({best[o.uid][0] for o in timed})
    rng.shuffle(venues)
    free: set[str] = set()
    for venue in venues:
        free.update(o.uid for o in timed
                    if best[o.uid][0] == venue and _day(problem, o, best) == day)
        if len(free) >= size:
            break
    return free


def _by_window(problem: Problem, best: Placed, timed: list[Occurrence],
               rng: random.Random, size: int) -> set[str]:
    """A stretch of one festival's time in every venue, around one of its audiences'
    occurrences: it can shift and trade venues as a whole (closing the small overlaps of
    one audience's items end to end, which moving one at a time cannot)."""
    pick = rng.choice([o for o in timed if o.tags] or timed)
    return _nearest_in_time(best, timed, pick, size, rng)


def _nearest_in_time(best: Placed, timed: list[Occurrence], centre: Occurrence, size: int,
                     rng: random.Random) -> set[str]:
    """The `size` occurrences of `centre`'s festival nearest to its start (grains between,
    0 for those running then), ties in random order."""
    start = best[centre.uid][1]
    same = [o for o in timed if o.festival == centre.festival]
    rng.shuffle(same)
    same.sort(key=lambda o: _apart(best[o.uid][1], o.duration, start))
    return {o.uid for o in same[:size]}


def _apart(start: int, duration: int, instant: int) -> int:
    """Grains between `instant` and [start, start + duration)."""
    return max(0, start - instant, instant - start - duration)
