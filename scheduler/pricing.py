"""What a complete programme costs, and what every programme costs, without a solver.

`soft.py` defines the objective for CP-SAT; `price` counts it for a given placement by the
same rules, term by term (tests hold the two equal). `floor` is what any programme pays,
from the domains alone: an artist whose talks can only be on Friday and Sunday sleeps two
nights in between whatever the solver does. A complete greedy programme priced at the
floor is optimal, so CP-SAT (and OR-Tools' import) is not needed at all; real conference
schedules, where days are fixed and only rooms and hours move, are mostly of this kind.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from affiche.scheduler.problem import Occurrence, Problem, timed_by_item
from affiche.scheduler.spans import start_ranges

Placed = dict[str, tuple[str, int]]  # uid -> (venue, start grain)

PREFERRED_VENUE, PREFERRED_HOURS = "preferred venue", "preferred hours"
CLASH, NIGHTS, REPEAT = "audience clash", "hotel nights", "repeat on one day"


def price(problem: Problem, placed: Placed) -> tuple[dict[str, float], list[str]]:
    """The cost of a complete programme by family, and each violation in the words CP-SAT's
    terms use ("family: label (cost N)"). Stability (`moved`) is not priced here."""
    costs: dict[str, float] = {}
    violations: list[str] = []
    for family, weight, labels in _violated(problem, placed):
        if not weight:
            continue
        costs[family] = 0.0
        for label, count in labels:
            costs[family] += weight * count
            violations.append(f"{family}: {label} (cost {weight * count:g})")
    return costs, violations


def _violated(problem: Problem, placed: Placed) -> list[tuple[str, int, list[tuple[str, int]]]]:
    w = problem.weights
    timed = [occ for occ in problem.occurrences if not occ.installation]
    return [
        (PREFERRED_VENUE, w.preferred_venue, [
            (occ.uid, 1) for occ in problem.occurrences
            if occ.preferred_venues and placed[occ.uid][0] not in occ.preferred_venues]),
        (PREFERRED_HOURS, w.preferred_hours, [
            (occ.uid, 1) for occ in timed
            if occ.preferred_spans and not in_preferred_hours(occ, placed[occ.uid][1])]),
        (CLASH, w.audience_clash, [(f"{a} / {b}", 1) for a, b in _clashes(timed, placed)]),
        (NIGHTS, w.hotel_nights, _nights(problem, placed)),
        (REPEAT, w.repeat_same_day, [
            (f"{a.uid} / {b.uid}", 1) for occs in timed_by_item(problem).values()
            for a, b in combinations(occs, 2)
            if _day(problem, a, placed) == _day(problem, b, placed)]),
    ]


def clash_cost(problem: Problem, placed: Placed) -> tuple[float, list[str]]:
    """Every audience clash among the placed occurrences: the cost and each violation."""
    timed = [o for o in problem.occurrences if not o.installation and o.uid in placed]
    weight = problem.weights.audience_clash
    pairs = _clashes(timed, placed)
    return float(weight * len(pairs)), [f"{CLASH}: {a} / {b} (cost {weight:g})"
                                        for a, b in pairs]


def in_preferred_hours(occ: Occurrence, start: int) -> bool:
    """Whether a start lies in the occurrence's preferred hours."""
    return any(a <= start < b for a, b in occ.preferred_spans)


def _day(problem: Problem, occ: Occurrence, placed: Placed) -> int | None:
    return problem.day_of(occ.festival, placed[occ.uid][1])


def _clashes(timed: list[Occurrence], placed: Placed) -> list[tuple[str, str]]:
    """Overlapping pairs of occurrences of different items that share a tag."""
    by_tag: dict[str, list[tuple[int, int, Occurrence]]] = defaultdict(list)
    for occ in timed:
        start = placed[occ.uid][1]
        for tag in occ.tags:
            by_tag[tag].append((start, start + occ.duration, occ))
    pairs: set[tuple[str, str]] = set()
    for booked in by_tag.values():
        booked.sort(key=lambda b: (b[0], b[2].uid))
        for index, (_, end, occ) in enumerate(booked):
            for other_start, _, other in booked[index + 1:]:
                if other_start >= end:
                    break
                if other.item != occ.item:
                    pairs.add((min(occ.uid, other.uid), max(occ.uid, other.uid)))
    return sorted(pairs)


def _stays(problem: Problem) -> dict[tuple[str, str], list[Occurrence]]:
    """The occurrences of each artist at each festival, where the artist has two or more."""
    stays: dict[tuple[str, str], list[Occurrence]] = defaultdict(list)
    for occ in problem.occurrences:
        for artist in occ.bound_artists:
            stays[(artist, occ.festival)].append(occ)
    return {key: occs for key, occs in stays.items() if len(occs) >= 2}


def _nights(problem: Problem, placed: Placed) -> list[tuple[str, int]]:
    nights = []
    for (artist, festival), occs in _stays(problem).items():
        days = [_day(problem, occ, placed) or 0 for occ in occs]
        if max(days) > min(days):
            nights.append((f"{artist}@{festival}", max(days) - min(days)))
    return nights


def at_floor(problem: Problem, placed: Placed) -> bool:
    """Whether a complete programme costs no more than every programme must."""
    return sum(price(problem, placed)[0].values()) <= floor(problem)


def floor(problem: Problem) -> float:
    """A lower bound on every programme's cost (stability and unplaced items aside, which
    can cost nothing): each family's cost forced by the domains."""
    days = {occ.uid: _possible_days(problem, occ) for occ in problem.occurrences
            if not occ.installation}
    nights, free = _forced_nights(problem, days)
    return float(nights + _forced_repeats(problem, days, free) + _forced_preferences(problem))


def _forced_nights(
    problem: Problem, days: dict[str, tuple[int, int]]
) -> tuple[int, set[tuple[str, str]]]:
    """Nights every programme gives artists (the latest first possible day of their
    occurrences against the earliest last one), and the stays that none are forced on."""
    forced, free = 0, set()
    for stay, occs in _stays(problem).items():
        nights = max(0, max(days[o.uid][0] for o in occs) - min(days[o.uid][1] for o in occs))
        forced += problem.weights.hotel_nights * nights
        if not nights:
            free.add(stay)
    return forced, free


def _forced_repeats(
    problem: Problem, days: dict[str, tuple[int, int]], free: set[tuple[str, str]]
) -> int:
    """Per repeated item: k occurrences on the d days open to them either share days (a
    pair per shared day costs `repeat_same_day`) or spread over s days, keeping each of its
    artists s - 1 nights. Nights are counted only for artists whose stay no other repeated
    item and no forced night already counts, so no night is counted twice."""
    w = problem.weights
    repeated = [occs for occs in timed_by_item(problem).values() if len(occs) >= 2]
    stays_used: dict[tuple[str, str], int] = defaultdict(int)
    for occs in repeated:
        for artist in occs[0].bound_artists:
            stays_used[(artist, occs[0].festival)] += 1
    forced = 0
    for occs in repeated:
        open_days = {d for o in occs for d in range(days[o.uid][0], days[o.uid][1] + 1)}
        artists = sum(stays_used[(a, occs[0].festival)] == 1 and (a, occs[0].festival) in free
                      for a in occs[0].bound_artists)
        spread = min(w.repeat_same_day * _pairs_sharing_days(len(occs), s)
                     + w.hotel_nights * artists * (s - 1) for s in range(1, len(open_days) + 1))
        fixed = w.repeat_same_day * sum(
            days[a.uid][0] == days[a.uid][1] == days[b.uid][0] == days[b.uid][1]
            for a, b in combinations(occs, 2))
        forced += max(spread, fixed)
    return forced


def _pairs_sharing_days(count: int, days: int) -> int:
    """The fewest pairs on one day when `count` occurrences spread over `days` days."""
    each, extra = divmod(count, days)
    return extra * (each + 1) * each // 2 + (days - extra) * each * (each - 1) // 2


def _forced_preferences(problem: Problem) -> int:
    """Preferred venues that no option offers, preferred hours no allowed start is in."""
    w = problem.weights
    forced = 0
    for occ in problem.occurrences:
        venues = {o.venue for o in occ.options}
        forced += w.preferred_venue * bool(occ.preferred_venues and
                                           not venues & occ.preferred_venues)
        if occ.preferred_spans and not occ.installation:
            forced += w.preferred_hours * (not _can_start_inside(occ))
    return forced


def _possible_days(problem: Problem, occ: Occurrence) -> tuple[int, int]:
    """The first and last programme day (indices) it could start on (every span of a timed
    occurrence's options is long enough for it, so its reach gives the starts)."""
    first, last = problem.reach(occ)
    low, high = first, last - occ.duration
    candidates = [index for index, day in enumerate(problem.days[occ.festival])
                  if day.start <= high and day.end > low]
    return min(candidates), max(candidates)


def _can_start_inside(occ: Occurrence) -> bool:
    """Whether some allowed start lies in its preferred hours."""
    return any(max(a, pa) <= min(b_end, pb - 1)
               for o in occ.options for a, b_end in start_ranges(o.spans, occ.duration)
               for pa, pb in occ.preferred_spans)
