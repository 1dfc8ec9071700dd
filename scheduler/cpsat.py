"""Build the CP-SAT model, solve it, and hand back plain data: where and when each
occurrence goes, the status in words, and the objective term by term.

Within the package only `solve.py` imports this module, and only when CP-SAT is needed:
loading OR-Tools (which loads numpy and pandas) costs about 0.3 s of a small solve. (The
explanations, `explain.py`, build their own models from `hard.py`; tests and benchmarks
reach in here to probe the model.)"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext

from ortools.sat.python import cp_model

from affiche.programmes.schedule import Status
from affiche.scheduler.fewest_unplaced import fewest_unplaced, total_bound
from affiche.scheduler.greedy import greedy_placement, why_left_out
from affiche.scheduler.hard import HARD_FAMILIES
from affiche.scheduler.occurrences import Occurrence
from affiche.scheduler.pricing import Placed, floor, price, with_venues
from affiche.scheduler.problem import Problem
from affiche.scheduler.prune import PRUNED_VENUES, pruned
from affiche.scheduler.result import Chosen, SolveOptions, SolveResult, Violation, chosen_of
from affiche.scheduler.soft import SOFT_FAMILIES, Term, soft_terms
from affiche.scheduler.soft.unplaced import Unplaced
from affiche.scheduler.variables import Variables

# Above this many variables, presolve probing costs more than it gives: on 1,000 generated
# items (97k variables, 2 cores, 40 s) default settings spent 35 s in presolve and found
# nothing better than the greedy programme (6,424); without probing CP-SAT reached 6,218.
# On 500 items (36k) both were within 1 %; below that the defaults are kept.
LARGE_MODEL = 30_000
# Above LNS_MODEL variables the whole-model search gets WHOLE_MODEL_SHARE of the time left
# and large-neighbourhood search (`lns.py`) the rest, unless the former proves optimality.
# gen/250 (5,665 variables) at 20 s: 1,168 whole-model only, 976 with the search; gen/1000
# at 60 s: the whole model alone found nothing cheaper than the greedy programme (14,093).
LNS_MODEL = 3_000
WHOLE_MODEL_SHARE = 0.3
# ... and gives up after WHOLE_MODEL_TRIAL of the time left when it has found nothing cheaper
# than the greedy programme by then: gen3/1000 at 60 s found nothing in its 12 s; given to the
# search, they lowered seeds 1-2's sum from 4,580 to 4,387 (gen3/200 at 20 s finds its first
# improvement in under a second).
WHOLE_MODEL_TRIAL = 0.08
# After the search the answer is priced, read back and held against the greedy programme:
# about this many times what pricing the greedy programme took, and READ_BACK_SECONDS (the
# last solve's own overrun), kept off the search's time (gen/1000 at 60 s without the
# seconds: the solve call took 60.02 s).
READ_BACK = 4
READ_BACK_SECONDS = 0.1


STATUS_NAMES: dict[cp_model.CpSolverStatus, Status] = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.UNKNOWN: "unknown",
    cp_model.MODEL_INVALID: "invalid",
}


class _Progress(cp_model.CpSolverSolutionCallback):
    """Reports the best objective and bound as they improve, once the run passes 1 s: the
    objective of the cheapest programme so far counted in full when `cheapest` gives it, and
    never a bound below `floor` (what the floors and the day bound proved before CP-SAT started:
    CP-SAT's own bound on a large model stays near 0, and "bound 0" above "gap 0.00 %" told
    a producer nothing)."""

    def __init__(
        self,
        report: Callable[[str], None] | None,
        keep: Callable[[cp_model.CpSolverSolutionCallback], None] | None = None,
        cheapest: Callable[[], float] | None = None,
        floor: float = 0.0,
    ) -> None:
        super().__init__()
        self.report = report
        self.keep = keep  # sees every solution (to re-price it in full)
        self.cheapest = cheapest
        self.floor = floor
        self.started = time.perf_counter()
        self.first_solution: float | None = None
        self.bound: float | None = floor or None
        self._last_line = 0.0

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def on_solution_callback(self) -> None:
        if self.first_solution is None:
            self.first_solution = self.elapsed()
        if self.keep is not None:
            self.keep(self)
        self.say(self.cheapest() if self.cheapest is not None else self.objective_value)

    def on_bound(self, bound: float) -> None:
        self.bound = max(bound, self.floor, 0.0)  # every term is non-negative (see `_bound`)
        self.say(None)

    def say(self, objective: float | None) -> None:
        """One line (at most every half second): the best objective so far, and the bound."""
        now = self.elapsed()
        if self.report is None or now < 1.0 or now - self._last_line < 0.5:
            return
        self._last_line = now
        best = f"{objective:g}" if objective is not None else "…"
        bound = f"{self.bound:g}" if self.bound is not None else "…"
        self.report(f"  {now:6.1f}s  best objective {best}  bound {bound}")


def add_hints(problem: Problem, variables: Variables, placed: Placed | None = None) -> None:
    """The greedy programme (published placements kept where they still fit) as a hint;
    `placed` when the caller has it already."""
    placed = greedy_placement(problem) if placed is None else placed
    for uid, (venue, start) in placed.items():
        variables.hint(uid, venue, start)


def complete_hint(model: cp_model.CpModel, time_limit: float) -> cp_model.CpSolver | None:
    """Extend a hint on the decisions to every variable of the model.

    CP-SAT takes a complete, feasible hint as its first solution at once; a partial one
    it must repair, which on large festivals can take longer than the whole time limit.
    The hinted variables' domains are narrowed to their values in a copy of the model,
    solved by propagation. The returned solver holds that complete programme (the copy
    keeps variable indices, so it reads the original model's variables); None when the
    hint is incomplete or infeasible. The protos are edited directly: one constraint or
    one `add_hint` call per variable took three times as long on 2,000 items.
    """
    proto = model.proto
    if not proto.solution_hint.vars:
        return None
    fixed = model.clone()
    variables = fixed.proto.variables
    for index, value in zip(proto.solution_hint.vars, proto.solution_hint.values, strict=True):
        if index < 0:  # a negated literal
            index, value = -index - 1, 1 - value
        domain = variables[index].domain
        domain.clear()
        domain.extend([value, value])
    fixed.clear_objective()
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1
    if solver.solve(fixed) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    model.clear_hints()
    proto.solution_hint.vars.extend(range(len(proto.variables)))
    proto.solution_hint.values.extend(solver.response_proto.solution)
    return solver


def build_model(
    problem: Problem, allow_unplaced: bool, placed: Placed | None = None
) -> tuple[Variables, list[Term]]:
    """The model with every hard family and the weighted sum of every soft family, hinted
    with the greedy programme (`placed`, or computed here)."""
    variables = Variables(cp_model.CpModel(), problem, allow_unplaced)
    for family in HARD_FAMILIES:
        family(problem, variables)
    placed = greedy_placement(problem) if placed is None else placed
    add_hints(problem, variables, placed)
    terms = soft_terms(problem, variables)
    for soft in SOFT_FAMILIES:
        soft.hint(problem, variables, placed)
    if terms:
        variables.model.minimize(sum(term.weight * term.expr for term in terms))
    return variables, terms


def _bound(
    solver: cp_model.CpSolver, terms: list[Term], problem: Problem, floors: float
) -> float:
    """CP-SAT's bound, raised to what every programme pays anyway.

    Each term counts violations (never negative): constant terms are forced costs, and so
    is `pricing.floor`, so either is a valid lower bound; after presolve rewrites (`clash
    = 1 - before - after`) CP-SAT's own bound can sit far below zero, which would make the
    gap meaningless. `floors` is the families' floor (`_floors`).
    """
    forced = sum(term.weight * term.expr for term in terms if isinstance(term.expr, int))
    return max(solver.best_objective_bound, float(forced), floors) if terms else 0.0


def _floors(problem: Problem, allow_unplaced: bool, fewest: float, known: float) -> float:
    """What every programme pays: the families' floor (or `known`, when higher), or with
    items allowed out, the floor and `fewest`, the least unplaced cost proven
    (`fewest_unplaced.total_bound`)."""
    return total_bound(problem, fewest) if allow_unplaced else max(floor(problem), known)


def _gap(objective: float, bound: float) -> float:
    return 0.0 if objective == bound else abs(objective - bound) / max(abs(objective), 1.0)


Reader = cp_model.CpSolver | cp_model.CpSolverSolutionCallback


def _truth(s: Reader, literal: int | cp_model.IntVar) -> bool:
    return bool(literal) if isinstance(literal, int) else s.boolean_value(literal)


def _placement(problem: Problem, v: Variables, s: Reader, occ: Occurrence) -> Chosen:
    option = next(o for o in occ.options if _truth(s, v.is_at(occ.uid, o.venue)))
    if occ.installation:
        first, last = option.spans[0][0], option.spans[-1][1]
    else:
        first = s.value(v.start_of(occ.uid))
        last = first + occ.duration
    return Chosen(option.venue, problem.clock.instant(first), problem.clock.instant(last))


def _read_terms(
    s: Reader, terms: list[Term], venues: dict[str, str] | None = None
) -> tuple[dict[str, float], list[Violation]]:
    """The objective by family, and each violation (with the venue of the occurrence it
    concerns, from `venues`), as the solution `s` holds them."""
    totals: dict[str, float] = defaultdict(float)
    violations = []
    for term in terms:
        value = term.expr if isinstance(term.expr, int) else s.value(term.expr)
        totals[term.family] += term.weight * value
        if value:
            violations.append(term.violation(value))
    return dict(totals), with_venues(violations, venues or {})


def solve_with_cpsat(
    problem: Problem,
    options: SolveOptions,
    placed: Placed | None = None,
    started: float | None = None,
    known_bound: float = 0.0,
) -> SolveResult:
    """Solve `problem` with CP-SAT, from the greedy programme `placed` when the caller has
    it (and the time it `started` the solve, which the time limit counts from), and a bound
    proven before (`known_bound`, of complete programmes); the status is always one of
    STATUS_NAMES' values."""
    started = time.perf_counter() if started is None else started
    model_problem = pruned(problem, placed)
    variables, terms = build_model(model_problem, options.allow_unplaced, placed)
    if model_problem is not problem:
        variables.notes.append(f"the solver weighed at most {PRUNED_VENUES} candidate venues per "
                               "item (the bound is the families' floor)")
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = options.workers or max(os.cpu_count() or 1, 1)
    solver.parameters.random_seed = options.seed
    if len(variables.model.proto.variables) > LARGE_MODEL:
        solver.parameters.cp_model_probing_level = 0
    left = options.time_limit - (time.perf_counter() - started)
    if left <= 0:  # building the model took the time: the caller keeps the greedy programme
        return SolveResult(status="unknown", wall_seconds=time.perf_counter() - started,
                           notes=variables.notes)
    greedy = complete_hint(variables.model, max(0.05, min(10.0, left / 3)))
    greedy_seconds = time.perf_counter() - started
    fewest = 0.0
    if options.allow_unplaced and model_problem is problem and (
            placed is None or len(placed) < len(problem.occurrences)):
        share = (options.time_limit - (time.perf_counter() - started)) / 3
        fewest = fewest_unplaced(variables, terms, share, solver.parameters.num_workers,
                                 options.seed)
        if fewest:  # every programme leaves out at least this much: tell the main model
            unplaced = [t.weight * t.expr for t in terms if t.family == Unplaced.name]
            variables.model.add(sum(unplaced) >= round(fewest))
    floors = _floors(problem, options.allow_unplaced, fewest, known_bound)
    # every solution is re-priced in full: the model's audience overlap is exact only at its
    # optimum (see `soft/audience_clash.py`), so the cheapest programme is kept
    cheapest = _Cheapest(problem, variables, options.allow_unplaced)
    pricing_began = time.perf_counter()
    if greedy is not None:
        cheapest.keep(greedy)
    # what reading the answer back costs after the search (`READ_BACK` prices, about)
    reserve = READ_BACK * (time.perf_counter() - pricing_began) + READ_BACK_SECONDS
    spent = time.perf_counter() - started
    left = options.time_limit - spent - reserve
    large = len(variables.model.proto.variables) > LNS_MODEL and greedy is not None
    solver.parameters.max_time_in_seconds = max(0.1, left * WHOLE_MODEL_SHARE if large else left)
    progress = _Progress(options.progress, cheapest.keep, lambda: cheapest.cost, floors)
    solver.best_bound_callback = progress.on_bound
    trial = (_given_up_unless_cheaper(solver, cheapest, left * WHOLE_MODEL_TRIAL) if large
             else nullcontext())
    with trial:
        code = solver.solve(variables.model, progress)
    if code == cp_model.MODEL_INVALID:
        raise RuntimeError(f"internal error, invalid model: {variables.model.validate()}")
    if large and code != cp_model.OPTIMAL and greedy is not None:
        incumbent = solver if code == cp_model.FEASIBLE else greedy
        _search_around(problem, variables, cheapest, started + options.time_limit - reserve,
                       list(incumbent.response_proto.solution), solver, options, progress)
    result = SolveResult(status=STATUS_NAMES[code], wall_seconds=time.perf_counter() - started,
                         notes=variables.notes)
    if greedy is not None:
        # the completed greedy programme satisfies every hard constraint of the model
        result.first_solution_seconds = greedy_seconds
    elif progress.first_solution is not None:
        result.first_solution_seconds = greedy_seconds + progress.first_solution
    if code == cp_model.UNKNOWN and greedy is not None:
        # CP-SAT found nothing better in time: the greedy programme is still a sound one.
        _read_solution(result, problem, variables, terms, greedy, floors, cheapest)
        result.status = "feasible"
        return result
    if result.has_solution:
        bound = _bound(solver, terms, problem, floors) if model_problem is problem else floors
        _read_solution(result, problem, variables, terms, solver, bound, cheapest)
    return result


@contextmanager
def _given_up_unless_cheaper(
    solver: cp_model.CpSolver, cheapest: _Cheapest, seconds: float
) -> Iterator[None]:
    """Stop `solver`'s search after `seconds` unless it has found a programme cheaper (in
    full) than `cheapest` holds now. A timer thread calls `stop_search`, as OR-Tools'
    maintainers advise for early stopping."""
    cost = cheapest.cost

    def give_up() -> None:
        if cheapest.cost >= cost:
            solver.stop_search()

    timer = threading.Timer(seconds, give_up)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def _search_around(
    problem: Problem, variables: Variables, cheapest: _Cheapest, deadline: float,
    incumbent: list[int], solver: cp_model.CpSolver, options: SolveOptions,
    progress: _Progress,
) -> None:
    """Large-neighbourhood search from the solution `incumbent` (`lns.py`); `cheapest`
    takes its answer when that costs less. Its improvements are reported as the whole
    model's were (a producer watching saw nothing for the rest of the time)."""
    from affiche.scheduler.lns import search

    def better(cost: float) -> None:
        progress.say(min(cost, cheapest.cost))

    found, improved = search(
        problem, variables, incumbent, deadline,
        lambda reader: _grains(problem, variables, reader),
        solver.parameters.num_workers, options.seed, options.allow_unplaced, better,
        progress.floor)
    cost = sum(price(problem, found, options.allow_unplaced)[0].values())
    if improved and cost < cheapest.cost:
        cheapest.placed, cheapest.cost = found, cost
        variables.notes.append(f"large-neighbourhood search improved the programme {improved} "
                               "time(s)")


class _Cheapest:
    """The cheapest programme among the solutions seen, each counted in full: the model's
    audience overlap can sit above the true one in a solution that is not optimal, so a
    later solution can cost more than an earlier one counted in full."""

    def __init__(self, problem: Problem, variables: Variables, allow_unplaced: bool) -> None:
        self.problem, self.variables, self.allow_unplaced = problem, variables, allow_unplaced
        self.placed: Placed | None = None
        self.cost = float("inf")

    def keep(self, reader: Reader) -> None:
        placed = _grains(self.problem, self.variables, reader)
        cost = sum(price(self.problem, placed, self.allow_unplaced)[0].values())
        if cost < self.cost:
            self.placed, self.cost = placed, cost


def _grains(problem: Problem, v: Variables, reader: Reader) -> Placed:
    """Where and when (grains) each placed occurrence is in the solution `reader` holds."""
    placed: Placed = {}
    for occ in problem.occurrences:
        if not _truth(reader, v.is_placed(occ.uid)):
            continue
        option = next(o for o in occ.options if _truth(reader, v.is_at(occ.uid, o.venue)))
        start = option.spans[0][0] if occ.installation else reader.value(v.start_of(occ.uid))
        placed[occ.uid] = (option.venue, int(start))
    return placed


def _read_solution(
    result: SolveResult,
    problem: Problem,
    variables: Variables,
    terms: list[Term],
    reader: cp_model.CpSolver,
    bound: float | None,
    cheapest: _Cheapest | None = None,
) -> None:
    """Fill `result` with the placements and objective terms `reader` holds, or, when the
    model's terms may overstate the programme (audience overlap away from its optimum), with
    the programme of all those seen that costs least counted in full (`cheapest`). The
    bound stays valid then (the model's least cost is the true least cost: at each of its
    optima the overlap is exact); the programme is called optimal only when its full price
    meets the bound."""
    if cheapest is not None and cheapest.placed is not None:
        grains = cheapest.placed
        result.chosen = chosen_of(problem, grains)
        result.terms, result.violations = price(problem, grains, cheapest.allow_unplaced)
        if bound is not None and sum(result.terms.values()) > bound:
            result.status = "feasible"
    else:
        for occ in problem.occurrences:
            if _truth(reader, variables.is_placed(occ.uid)):
                result.chosen[occ.uid] = _placement(problem, variables, reader, occ)
        grains = {uid: (c.venue, problem.clock.ceil(c.start)) for uid, c in result.chosen.items()}
        venues = {uid: c.venue for uid, c in result.chosen.items()}
        result.terms, result.violations = _read_terms(reader, terms, venues)
    result.objective = sum(result.terms.values())
    if cheapest is not None and bound is not None and result.objective < bound:
        bound = None  # the full price left out costs the model counts (unplaced items' days)
    if bound is not None and result.objective <= bound:
        result.status = "optimal"  # the floors prove what CP-SAT could not
    result.bound = bound
    result.gap = _gap(result.objective, bound) if bound is not None else None
    for occ in problem.occurrences:
        if occ.uid not in result.chosen:
            result.unplaced[occ.uid] = why_left_out(problem, grains, occ)
