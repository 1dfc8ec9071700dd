"""What a programme costs, and what every programme costs, without a solver.

The soft families (`affiche.scheduler.soft`) each price a programme by the rules their
CP-SAT terms count (tests hold the two equal, term by term); `price` adds them up. `floor`
is what any programme pays, from the domains alone: an artist whose talks can only be on
Friday and Sunday sleeps two nights in between whatever the solver does. A complete greedy
programme priced at the floor is optimal, so CP-SAT (and OR-Tools' import) is not needed at
all; real conference schedules, where days are fixed and only rooms and hours move, are
mostly of this kind.
"""

from __future__ import annotations

from dataclasses import replace

from affiche.scheduler.occurrences import Occurrence
from affiche.scheduler.problem import Problem
from affiche.scheduler.result import Violation
from affiche.scheduler.soft import SOFT_FAMILIES
from affiche.scheduler.soft.family import FloorContext, Placed

__all__ = ["Placed", "at_floor", "floor", "floors", "price", "total"]


def price(
    problem: Problem, placed: Placed, allow_unplaced: bool = False
) -> tuple[dict[str, float], list[Violation]]:
    """The cost of a programme by family (every family that can cost anything, 0 when
    nothing is violated), and each violation. `placed` may leave occurrences out only with
    `allow_unplaced`; a violation names the venue of the occurrence it concerns, if one."""
    costs: dict[str, float] = {}
    violations: list[Violation] = []
    for family in SOFT_FAMILIES:
        if not family.active(problem, allow_unplaced):
            continue
        found = family.violations(problem, placed)
        costs[family.name] = float(sum(v.cost for v in found))
        violations += found
    venues = {uid: venue for uid, (venue, _) in placed.items()}
    return costs, with_venues(violations, venues)


def total(problem: Problem, placed: Placed, allow_unplaced: bool = False) -> float:
    """The whole cost of a programme, every family counted in full."""
    return sum(price(problem, placed, allow_unplaced)[0].values())


def with_venues(violations: list[Violation], venues: dict[str, str]) -> list[Violation]:
    """Each violation about one placed occurrence, with that occurrence's venue."""
    return [replace(v, venue=venues.get(v.occurrences[0]))
            if len(v.occurrences) == 1 and v.venue is None else v for v in violations]


def at_floor(problem: Problem, placed: Placed) -> bool:
    """Whether a complete programme costs no more than every programme must."""
    return total(problem, placed) <= floor(problem)


def floor(problem: Problem) -> float:
    """A lower bound on every complete programme's cost (stability and unplaced items
    aside, which can cost nothing): each family's cost forced by the domains."""
    return float(sum(floors(problem).values()))


def floors(problem: Problem) -> dict[str, float]:
    """`floor` part by part: each a proven lower bound on the cost it names (a family's, or
    with the repeats', theirs and the hotel nights that spreading them forces) in every
    complete programme; their sum is one too, since no cost is counted twice. Kept for the
    last problem asked about (a solve asks up to five times; 0.5-1.7 s each at 4,000 items)."""
    key = (id(problem), id(problem.occurrences), len(problem.occurrences),
           hash(tuple(problem.weights.model_dump().values())))
    kept = _FLOORS.get(key)
    if kept is None or kept[0] is not problem:
        _FLOORS.clear()
        kept = (problem, _floors(problem))
        _FLOORS[key] = kept
    return dict(kept[1])


_FLOORS: dict[tuple[int, ...], tuple[Problem, dict[str, float]]] = {}


def _floors(problem: Problem) -> dict[str, float]:
    days = {occ.uid: _possible_days(problem, occ) for occ in problem.occurrences
            if not occ.installation}
    context = FloorContext(days)
    return {family.floor_name or family.name: family.floor(problem, context)
            for family in SOFT_FAMILIES}


def _possible_days(problem: Problem, occ: Occurrence) -> tuple[int, int]:
    """The first and last programme day (indices) it could start on (every span of a timed
    occurrence's options is long enough for it, so its reach gives the starts)."""
    first, last = problem.reach(occ)
    low, high = first, last - occ.duration
    candidates = [index for index, day in enumerate(problem.days[occ.festival])
                  if day.start <= high and day.end > low]
    return min(candidates), max(candidates)
