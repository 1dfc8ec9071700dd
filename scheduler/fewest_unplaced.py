"""With unplaced items allowed, a proven lower bound on what leaving items out costs.

An unplaced occurrence costs `weights.unplaced` times its priority (1,000 by default), far
more than any other term, so the objective of a programme that leaves items out is mostly
that cost. CP-SAT's bound on it comes from the linear relaxation of the venues' and
artists' no-overlap constraints, which knows nothing of capacity: it stays near 0, the gap
near 100 %, and the run takes the whole time limit even when the fewest possible items are
left out. Here the same model, with the unplaced cost as its only objective (no soft term
to weaken the search), is solved first: its proven bound holds for every programme. The
main model then knows it (`sum(unplaced) >= bound`), and `total_bound` adds it to the
floor of the other families.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from affiche.scheduler.pricing import floor
from affiche.scheduler.problem import Problem
from affiche.scheduler.soft import SOFT_FAMILIES
from affiche.scheduler.soft.family import Term
from affiche.scheduler.soft.preferred_hours import PreferredHours
from affiche.scheduler.soft.preferred_venue import PreferredVenue
from affiche.scheduler.soft.unplaced import Unplaced
from affiche.scheduler.variables import Variables


def fewest_unplaced(
    variables: Variables, terms: list[Term], time_limit: float, workers: int, seed: int
) -> float:
    """A lower bound on the unplaced cost of every programme of the model (0 if none is
    proven in `time_limit`), from a copy of the model minimising that cost alone; the copy
    keeps the model's hint and variable indices."""
    left_out = [term for term in terms if term.family == Unplaced.name]
    if not left_out or time_limit <= 0:
        return 0.0
    copy = variables.model.clone()
    copy.clear_objective()
    cost = []
    for term in left_out:  # weight * (1 - placed)
        placed = variables.is_placed(term.occurrences[0])
        if not isinstance(placed, int):
            own = copy.get_bool_var_from_proto_index(placed.index)
            cost.append(term.weight * (1 - own))
    if not cost:
        return 0.0
    copy.minimize(sum(cost))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    if solver.solve(copy) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return 0.0
    return max(0.0, float(solver.best_objective_bound))


def total_bound(problem: Problem, fewest: float) -> float:
    """A lower bound on every programme's objective when items may be left out, from the
    floor of the families and `fewest`, the proven least unplaced cost.

    The floor counts every occurrence placed; the model still counts a left-out one's days
    and starts, so only its preferred venue and hours and its audiences' overlap (forced
    costs the floor counts) can be saved by leaving it out. Each saves at most a share `r`
    of its unplaced cost, so a programme leaving out U pays at least
    floor + (1 - r) U >= floor + (1 - r) fewest.
    """
    w = problem.weights
    share = 0.0
    for occ in problem.occurrences:
        forced: float = PreferredVenue().floor_of(problem, occ)
        forced += PreferredHours().floor_of(problem, occ)
        forced += sum(family.most_saved(problem, occ) for family in SOFT_FAMILIES)
        if forced:
            weight = w.unplaced * occ.priority
            share = max(share, forced / weight if weight else float("inf"))
    if share > 1:
        return fewest
    return floor(problem) + (1 - share) * fewest
