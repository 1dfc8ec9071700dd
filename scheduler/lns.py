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
import time
from collections import defaultdict
from collections.abc import Callable

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
    search stops at `bound`, what every programme pays (nothing cheaper is left to find)."""
    rng = random.Random(seed)
    best = _placed_of(problem, variables, incumbent)
    cost = total(problem, best, allow_unplaced)
    improved = 0
    # A stretch of time takes two turns in six: gen3/200 seeds 1-8 at 20 s summed 1,049
    # without it, 988 with one turn, 958 with two (964 with four in eight); gen3/1000
    # seeds 1-3 at 60 s 6,955, 6,931 and 6,891
    kinds = [_by_artists, _by_day, _by_tag, _by_venues, _by_window, _by_window]
    timed = [o for o in problem.occurrences if not o.installation and o.uid in best]
    if len(timed) <= NEIGHBOURHOOD:
        return best, 0  # the whole model is the neighbourhood: CP-SAT has had it
    round_index = 0
    sizes = {kind: float(NEIGHBOURHOOD) for kind in kinds}  # each kind learns its own
    overhead = 0.0  # the most a round ran past its limit (choosing its neighbourhood,
    # copying the model, reading and pricing the answer: on gen3/4000 CP-SAT ran 0.2 s past
    # its limit and pricing took 0.1 s more, which took the solve call to 60.2 s of 60)
    while deadline - time.perf_counter() > MIN_ROUND + overhead and cost > bound:
        kind = kinds[round_index % len(kinds)]
        round_index += 1
        began = time.perf_counter()
        free = kind(problem, best, timed, rng, round(sizes[kind]))
        if not free:
            continue
        limit = min(ROUND_SECONDS, deadline - began - overhead)
        found = _solve_round(problem, variables, best, incumbent, free, limit, workers,
                             rng.randrange(1 << 30))
        sizes[kind] = _resized(sizes[kind], found, len(timed))
        if found is not None:
            placed = read(found)
            found_cost = total(problem, placed, allow_unplaced)
            if found_cost < cost:
                best, cost, incumbent = placed, found_cost, list(found.response_proto.solution)
                improved += 1
                if better is not None:
                    better(cost)
        overhead = max(overhead, time.perf_counter() - began - limit)
    return best, improved


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
