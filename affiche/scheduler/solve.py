"""Solve a problem: at once when the problem has no objective and the greedy programme is
complete, else with CP-SAT (loaded only then)."""

from __future__ import annotations

import time

from affiche.scheduler.greedy import greedy_placement
from affiche.scheduler.problem import Problem
from affiche.scheduler.result import Chosen, SolveOptions, SolveResult

__all__ = ["Chosen", "SolveOptions", "SolveResult", "solve", "has_objective"]


def has_objective(problem: Problem) -> bool:
    """False when every programme that places everything costs 0: each soft weight is 0
    (`moved` counts only against a published version, `unplaced` only for left-out items)."""
    weights = problem.weights.model_dump()
    weights.pop("unplaced")
    if not problem.previous:
        weights.pop("moved")
    return any(weights.values())


def solve(problem: Problem, options: SolveOptions | None = None) -> SolveResult:
    """Where and when every occurrence goes; the status is optimal, feasible, infeasible,
    unknown or invalid."""
    options = options or SolveOptions()
    started = time.perf_counter()
    if options.shortcut and not has_objective(problem):
        result = complete_greedy_programme(problem, started)
        if result is not None:
            return result
    from affiche.scheduler.cpsat import solve_with_cpsat

    return solve_with_cpsat(problem, options)


def complete_greedy_programme(problem: Problem, started: float) -> SolveResult | None:
    """The greedy programme as an optimal answer, or None if it leaves anything out.

    With no objective, any programme that keeps every hard rule is optimal; the greedy pass
    keeps every hard rule of `hard.py` (tests/test_solve_shortcut.py checks this against
    CP-SAT and the independent checker), so CP-SAT is not needed, nor loaded.
    """
    placed = greedy_placement(problem)
    if len(placed) < len(problem.occurrences):
        return None
    chosen: dict[str, Chosen] = {}
    for occ in problem.occurrences:
        venue, start = placed[occ.uid]
        if occ.installation:
            option = next(o for o in occ.options if o.venue == venue)
            first, last = option.spans[0][0], option.spans[-1][1]
        else:
            first, last = start, start + occ.duration
        chosen[occ.uid] = Chosen(venue, problem.clock.instant(first), problem.clock.instant(last))
    elapsed = time.perf_counter() - started
    return SolveResult(
        status="optimal", objective=0.0, bound=0.0, gap=0.0, wall_seconds=elapsed,
        first_solution_seconds=elapsed, chosen=chosen,
    )
