"""Solve a problem: at once when the greedy programme is complete and costs no more than
every programme must, else with CP-SAT (loaded only then), from the greedy programme."""

from __future__ import annotations

import time

from affiche.scheduler.greedy import greedy_placement
from affiche.scheduler.pricing import Placed, floor, price
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
    placed = None
    if options.shortcut:
        placed = greedy_placement(problem)
        result = greedy_if_optimal(problem, placed, started, options.allow_unplaced)
        if result is not None:
            return result
    from affiche.scheduler.cpsat import solve_with_cpsat

    return solve_with_cpsat(problem, options, placed, started)


def greedy_if_optimal(
    problem: Problem, placed: Placed, started: float, allow_unplaced: bool = False
) -> SolveResult | None:
    """The greedy programme as an optimal answer, or None if it leaves anything out or
    costs more than the floor every programme pays (`pricing.py`).

    The greedy pass keeps every hard rule of `hard.py` (tests/test_solve_shortcut.py checks
    this against CP-SAT and the independent checker), so a complete greedy programme at the
    floor needs no solver. Stability is not priced: with a published version to keep, any
    weight on moves sends the problem to CP-SAT.
    """
    if len(placed) < len(problem.occurrences):
        return None
    if problem.previous and problem.weights.moved:
        return None
    terms, violations = price(problem, placed)
    if allow_unplaced and problem.weights.unplaced:
        terms["unplaced"] = 0.0  # everything is placed
    objective, bound = float(sum(terms.values())), floor(problem)
    if objective > bound:
        return None
    elapsed = time.perf_counter() - started
    return SolveResult(
        status="optimal", objective=objective, bound=bound, gap=0.0, wall_seconds=elapsed,
        first_solution_seconds=elapsed, chosen=_chosen(problem, placed), terms=terms,
        violations=violations,
    )


def _chosen(problem: Problem, placed: Placed) -> dict[str, Chosen]:
    chosen: dict[str, Chosen] = {}
    for occ in problem.occurrences:
        venue, start = placed[occ.uid]
        if occ.installation:
            option = next(o for o in occ.options if o.venue == venue)
            first, last = option.spans[0][0], option.spans[-1][1]
        else:
            first, last = start, start + occ.duration
        chosen[occ.uid] = Chosen(venue, problem.clock.instant(first), problem.clock.instant(last))
    return chosen
