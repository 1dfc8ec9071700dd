"""Solve a problem: at once when the greedy programme is complete and costs no more than
every programme must, else with CP-SAT (loaded only then), from the greedy programme.

Whatever path found it, the programme returned is the cheapest one found counted in full:
the greedy programme when CP-SAT found nothing cheaper, or when the time limit leaves CP-SAT
no time at all."""

from __future__ import annotations

import time

from affiche.programmes.schedule import Status
from affiche.scheduler.greedy import greedy_placement, why_left_out
from affiche.scheduler.pricing import Placed, floor, floors, price
from affiche.scheduler.problem import Problem
from affiche.scheduler.prune import model_candidates
from affiche.scheduler.result import Chosen, SolveOptions, SolveResult, chosen_of

__all__ = ["Chosen", "SolveOptions", "SolveResult", "solve", "has_objective"]

# Building the CP-SAT model and completing the hint cost about this many seconds per
# candidate venue of an occurrence (measured on generated festivals, 2 cores); with less
# time left than that, the greedy programme is the answer.
MODEL_SECONDS_PER_CANDIDATE = 2e-4
# The day relaxation (a lower bound) gets at most this share of the time left after the
# greedy pass, and at most this many seconds; the search has the rest.
DAY_BOUND_SHARE = 0.15
DAY_BOUND_SECONDS = 6.0


def has_objective(problem: Problem) -> bool:
    """False when every programme that places everything costs 0: each soft weight is 0
    (`moved` counts only against a published version, `unplaced` only for left-out items,
    `prime_time` only for headliners whose venues have a prime time)."""
    weights = problem.weights.model_dump()
    weights.pop("unplaced")
    if not problem.previous:
        weights.pop("moved")
    if not any(occ.prime for occ in problem.occurrences):
        weights.pop("prime_time")
    return any(weights.values())


def solve(problem: Problem, options: SolveOptions | None = None) -> SolveResult:
    """Where and when every occurrence goes; the status is optimal, feasible, infeasible,
    unknown or invalid. A complete programme comes with the bound's parts (`floors`, and
    the programme days' relaxation where it was solved: `daybound.py`)."""
    parts: dict[str, float] = {}
    result = _solve(problem, options or SolveOptions(), parts)
    if result.has_solution and len(result.chosen) == len(problem.occurrences):
        parts = parts or floors(problem)
        result.bounds = {part: bound for part, bound in parts.items() if bound}
    return result


def _solve(problem: Problem, options: SolveOptions, parts: dict[str, float]) -> SolveResult:
    """`parts` receives the bound's parts on the way to CP-SAT from a complete greedy
    programme (raised by the day relaxation where it proves more), while the time limit
    runs: the floors take 1.7 s on 4,000 items, which after CP-SAT ran past the limit."""
    started = time.perf_counter()
    placed, first = None, 0.0
    if options.shortcut:
        timings: dict[str, float] = {}
        placed = greedy_placement(problem, deadline=started + options.time_limit,
                                  timings=timings)
        first = timings.get("complete", time.perf_counter()) - started
        if not options.force_cpsat:
            result = greedy_if_optimal(problem, placed, started, options.allow_unplaced)
            if result is not None:
                return result
            if not _time_for_cpsat(problem, options, started):
                return _out_of_time(problem, placed, started, options)
    from affiche.scheduler.cpsat import solve_with_cpsat

    complete = placed is not None and len(placed) == len(problem.occurrences)
    known = 0.0
    if not options.allow_unplaced:
        parts.update(_day_parts(problem, options, started))
        known = sum(parts.values())
        if placed is not None and complete:
            result = greedy_if_optimal(problem, placed, started, bound=known)
            if result is not None:
                return result
    if complete and not parts:
        parts.update(floors(problem))
    result = solve_with_cpsat(problem, options, placed, started, known)
    if placed is not None and _answers(problem, placed, options):
        result = _never_worse(problem, result, placed, started, options.allow_unplaced)
        if len(placed) == len(problem.occurrences):  # the first complete programme
            result.first_solution_seconds = min(result.first_solution_seconds or first, first)
    _raise_bound(result, known)
    return result


def _day_parts(problem: Problem, options: SolveOptions, started: float) -> dict[str, float]:
    """The bound's parts with the programme days' relaxation (`daybound.py`) in place of
    the floors it covers where it proves more, solved in a share of the time left ({} when
    it could not be solved in that time)."""
    from affiche.scheduler.daybound import day_bound, with_day_bound

    left = options.time_limit - (time.perf_counter() - started)
    day = day_bound(problem, min(left * DAY_BOUND_SHARE, DAY_BOUND_SECONDS))
    return {} if day is None else with_day_bound(floors(problem), day.value)


def _raise_bound(result: SolveResult, known: float) -> None:
    """A complete programme's bound, at least `known`; optimal when its cost meets it."""
    if not result.has_solution or result.objective is None or not known:
        return
    if result.bound is None or result.bound < known:
        result.bound = known
        result.gap = _gap(result.objective, known)
    if result.objective <= result.bound:
        result.status = "optimal"


def _out_of_time(
    problem: Problem, placed: Placed, started: float, options: SolveOptions
) -> SolveResult:
    """No time left for CP-SAT: the greedy programme if it is an answer, else none (status
    unknown), saying how far the greedy pass got."""
    if _answers(problem, placed, options):
        return _greedy_result(problem, placed, started, options.allow_unplaced, [
            "the time limit left no time for CP-SAT: this is the greedy programme"],
            reason="not placed within the time limit")
    elapsed = time.perf_counter() - started
    return SolveResult(status="unknown", wall_seconds=elapsed, notes=[
        f"no complete programme within the time limit: the greedy pass placed {len(placed)} "
        f"of {len(problem.occurrences)} occurrences in {elapsed:.1f}s (allow more time, or "
        "--allow-unplaced to take what fits)"])


def _answers(problem: Problem, placed: Placed, options: SolveOptions) -> bool:
    """Whether the greedy programme is an answer: complete, or items may be left out."""
    return options.allow_unplaced or len(placed) == len(problem.occurrences)


def _time_for_cpsat(problem: Problem, options: SolveOptions, started: float) -> bool:
    left = options.time_limit - (time.perf_counter() - started)
    return left > MODEL_SECONDS_PER_CANDIDATE * model_candidates(problem)


def _never_worse(
    problem: Problem, result: SolveResult, placed: Placed, started: float, allow_unplaced: bool
) -> SolveResult:
    """CP-SAT's answer, or the greedy programme when that costs less counted in full."""
    greedy_cost = sum(price(problem, placed, allow_unplaced)[0].values())
    if len(placed) == len(problem.occurrences):
        result.first_objective = greedy_cost
    if result.has_solution and result.objective is not None and (
            result.objective <= greedy_cost):
        return result
    greedy = _greedy_result(problem, placed, started, allow_unplaced, result.notes)
    if result.bound is not None and greedy.objective is not None:
        greedy.bound = max(result.bound, greedy.bound or 0.0)
        greedy.gap = _gap(greedy.objective, greedy.bound)
    greedy.first_objective = result.first_objective
    greedy.notes.append("CP-SAT found no programme cheaper than the greedy one in time")
    return greedy


def _greedy_result(
    problem: Problem, placed: Placed, started: float, allow_unplaced: bool, notes: list[str],
    reason: str | None = None,
) -> SolveResult:
    """The greedy programme as a feasible answer, priced in full; `reason`, when given, is
    why every left-out occurrence is out (else each is explained, `why_left_out`)."""
    terms, violations = price(problem, placed, allow_unplaced)
    objective = float(sum(terms.values()))
    complete = len(placed) == len(problem.occurrences)
    bound = floor(problem) if complete and not (problem.previous and
                                                problem.weights.moved) else None
    elapsed = time.perf_counter() - started
    status: Status = "optimal" if bound is not None and objective <= bound else "feasible"
    unplaced = {occ.uid: reason or why_left_out(problem, placed, occ)
                for occ in problem.occurrences if occ.uid not in placed}
    return SolveResult(
        status=status, objective=objective, bound=bound,
        gap=None if bound is None else _gap(objective, bound), wall_seconds=elapsed,
        first_solution_seconds=elapsed, chosen=chosen_of(problem, placed), terms=terms,
        violations=violations, unplaced=unplaced, notes=list(notes),
    )


def _gap(objective: float, bound: float) -> float:
    return 0.0 if objective <= bound else abs(objective - bound) / max(abs(objective), 1.0)


def greedy_if_optimal(
    problem: Problem, placed: Placed, started: float, allow_unplaced: bool = False,
    bound: float = 0.0,
) -> SolveResult | None:
    """The greedy programme as an optimal answer, or None if it leaves anything out or
    costs more than the floor every programme pays (`pricing.py`).

    The greedy pass keeps every hard rule of `hard.py` (tests/test_solve_shortcut.py checks
    this against CP-SAT and the independent checker), so a complete greedy programme at the
    floor needs no solver. Stability is not in the floor: with a published version to keep,
    any weight on moves sends the problem to CP-SAT. `bound`, when given, is a proven bound
    higher than the floor (the day relaxation's).
    """
    if len(placed) < len(problem.occurrences):
        return None
    if problem.previous and problem.weights.moved:
        return None
    terms, violations = price(problem, placed, allow_unplaced)
    objective, bound = float(sum(terms.values())), max(bound, floor(problem))
    if objective > bound:
        return None
    elapsed = time.perf_counter() - started
    return SolveResult(
        status="optimal", objective=objective, bound=bound, gap=0.0, wall_seconds=elapsed,
        first_solution_seconds=elapsed, first_objective=objective,
        chosen=chosen_of(problem, placed), terms=terms,
        violations=violations,
    )
