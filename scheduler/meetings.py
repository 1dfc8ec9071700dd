"""The CP-SAT model of one-to-one meetings, over the plain `MeetingGrid`.

One boolean per request and feasible start slot (tables are assigned afterwards: at every
slot the meetings under way never outnumber the tables, and meetings are intervals, so a
greedy assignment in start order always finds a table). A slot is the gcd of the meeting
lengths, so a meeting holds exactly its own minutes. Hard: every must placed, a
participant in one meeting at a time, at most `tables` meetings per slot, no run of
back-to-back meetings longer than `max_in_a_row` default lengths per participant.
Objective, lexicographic by weights: the floor (the fewest meetings of any participant,
capped by what each can have), then wishes (mutual ones weigh more), then idle slots
between a participant's first and last meeting of a day.

When the musts cannot all be placed together, a first model finds the most musts that
fit; the others are reported unplaced and the main model runs with the rest.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from affiche.programmes.meetings import GridRequest, MeetingGrid, MeetingSolution
from affiche.programmes.schedule import Status

MUTUAL_WEIGHT, WISH_WEIGHT, IDLE_WEIGHT = 150, 100, 1
STATUS: dict[Any, Status] = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible",
          cp_model.INFEASIBLE: "infeasible", cp_model.MODEL_INVALID: "invalid",
          cp_model.UNKNOWN: "unknown"}


@dataclass
class MeetingOptions:
    time_limit: float = 60.0
    workers: int = 0
    seed: int = 0
    idle: bool = True  # the soft term on idle slots (costs model size)
    floor_share: float = 0.25  # of the time limit, for the floor stage


def _covers(request: GridRequest, start: int) -> range:
    return range(start, start + request.length)


class _Model:
    """The variables and constraints of one solve (kept inside scheduler/)."""

    def __init__(self, grid: MeetingGrid, requests: list[GridRequest], musts_hard: bool) -> None:
        self.grid, self.requests = grid, requests
        self.model = cp_model.CpModel()
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}
        self.placed: dict[int, cp_model.LinearExprT] = {}
        self.busy: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        self.load: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        self.held: dict[tuple[str, int], cp_model.IntVar] = {}  # participant busy at slot
        self.derived: list[tuple[tuple[str, int], cp_model.IntVar]] = []
        self.derived_placed: list[tuple[int, cp_model.IntVar]] = []
        self.pauses: dict[tuple[str, int], cp_model.IntVar | bool] = {}
        self.floor_var: cp_model.IntVar | None = None
        self.caps: dict[str, int] = {}
        self.top = 0
        self.capped: list[tuple[cp_model.IntVar, int]] = []
        self.idle_aux: list[tuple[str, int, list[int], cp_model.IntVar, cp_model.IntVar,
                                  cp_model.IntVar]] = []
        for request in requests:
            chosen = []
            for start in request.starts:
                var = self.model.new_bool_var(f"x{request.index}_{start}")
                self.x[request.index, start] = var
                chosen.append(var)
                for slot in _covers(request, start):
                    self.load[slot].append(var)
                    for who in request.participants:
                        self.busy[who, slot].append(var)
            if request.must and musts_hard:
                self.model.add_exactly_one(chosen)
                self.placed[request.index] = 1
                continue
            placed = self.model.new_bool_var(f"placed{request.index}")
            self.model.add_exactly_one([*chosen, ~placed])
            self.placed[request.index] = placed
            self.derived_placed.append((request.index, placed))
        self._hard()

    def _hard(self) -> None:
        for slot, vars_ in self.load.items():
            if len(vars_) > self.grid.capacity(slot):
                self.model.add(cp_model.LinearExpr.sum(vars_) <= self.grid.capacity(slot))
        for key, vars_ in self.busy.items():
            if len(vars_) == 1:
                self.held[key] = vars_[0]
                continue
            held = self.model.new_bool_var(f"held_{key[0]}_{key[1]}")
            self.model.add(cp_model.LinearExpr.sum(vars_) == held)  # at most one at a time
            self.held[key] = held
            self.derived.append((key, held))
        self._in_a_row()

    def _in_a_row(self) -> None:
        """No run of back-to-back meetings (less than one default length free between
        them) spans more than `max_in_a_row` default lengths."""
        slots, span, rest = self.grid.slots, self.grid.longest_run, self.grid.rest
        people = {who for who, _ in self.busy}
        for who in people:
            for first in range(len(slots) - span):
                if slots[first + span].run != slots[first].run:
                    continue
                if rest == 1:
                    window = range(first, first + span + 1)
                    held = [self.held[who, s] for s in window if (who, s) in self.held]
                    if len(held) > span:
                        self.model.add_bool_or([~h for h in held])
                    continue
                ends = [self.held.get((who, first)), self.held.get((who, first + span))]
                if ends[0] is None or ends[1] is None:
                    continue
                pauses = [self._pause(who, s) for s in range(first + 1, first + span - rest + 1)]
                if any(pause is True for pause in pauses):
                    continue
                self.model.add_bool_or([~ends[0], ~ends[1],
                                        *(p for p in pauses if not isinstance(p, bool))])

    def _pause(self, who: str, start: int) -> cp_model.IntVar | bool:
        """True (or a boolean that implies it) when `who` is free for a whole default
        length from `start`: a pause that ends a run."""
        key = (who, start)
        if key in self.pauses:
            return self.pauses[key]
        window = range(start, start + self.grid.rest)
        if window.stop > len(self.grid.slots) or any(
                self.grid.slots[s].run != self.grid.slots[start].run for s in window):
            self.pauses[key] = False
            return False
        held = [self.held[who, s] for s in window if (who, s) in self.held]
        pause: cp_model.IntVar | bool = True
        if held:
            pause = self.model.new_bool_var(f"pause_{who}_{start}")
            for busy in held:
                self.model.add_implication(pause, ~busy)
        self.pauses[key] = pause
        return pause

    def counts(self) -> dict[str, cp_model.LinearExprT]:
        counts: dict[str, list[cp_model.LinearExprT]] = defaultdict(list)
        for request in self.requests:
            for who in request.participants:
                counts[who].append(self.placed[request.index])
        return {who: cp_model.LinearExpr.sum(terms) for who, terms in counts.items()}

    def floor(self) -> tuple[cp_model.IntVar, int]:
        caps: dict[str, int] = defaultdict(int)
        for request in self.requests:
            if request.starts:
                for who in request.participants:
                    caps[who] += 1
        slots = len(self.grid.slots)
        caps = {who: min(cap, slots) for who, cap in caps.items()}
        top = max(caps.values(), default=0)
        floor = self.model.new_int_var(0, top, "floor")
        self.floor_var, self.caps, self.top = floor, caps, top
        for who, total in self.counts().items():
            cap = caps.get(who, 0)
            if cap == 0:
                continue
            if cap >= top:
                self.model.add(total >= floor)
            else:
                capped = self.model.new_int_var(0, cap, f"floor_{who}")
                self.model.add_min_equality(capped, [floor, cap])
                self.model.add(total >= capped)
                self.capped.append((capped, cap))
        return floor, top

    def idle(self) -> tuple[list[cp_model.LinearExprT], int]:
        """Per participant and day: slots from the first meeting to the last, minus the
        slots in meetings."""
        terms: list[cp_model.LinearExprT] = []
        runs: dict[object, list[int]] = defaultdict(list)  # per programme day (lunch is
        for index, slot in enumerate(self.grid.slots):  # no slot, so it is never idle)
            runs[slot.day].append(index)
        most = 0
        people = {who for who, _ in self.busy}
        for who in sorted(people):
            for run, members in runs.items():
                used = [(s, self.held[who, s]) for s in members if (who, s) in self.held]
                if len(used) < 2:
                    continue
                low, high = used[0][0], used[-1][0]
                first = self.model.new_int_var(low, high, f"first_{who}_{run}")
                last = self.model.new_int_var(low, high, f"last_{who}_{run}")
                self.model.add(last >= first)
                held = [busy for _, busy in used]
                for moment, busy in used:
                    self.model.add(first <= moment).only_enforce_if(busy)
                    self.model.add(last >= moment).only_enforce_if(busy)
                some = self.model.new_bool_var(f"some_{who}_{run}")
                self.idle_aux.append((who, low, [moment for moment, _ in used], first, last,
                                      some))
                self.model.add_max_equality(some, held)
                # idle = last - first + 1 - held when any meeting, else 0 (first = last)
                terms.append(last - first + some - cp_model.LinearExpr.sum(held))
                most += high - low + 1
        return terms, most


def _weight(request: GridRequest) -> int:
    return MUTUAL_WEIGHT if request.mutual else WISH_WEIGHT


def _solver(options: MeetingOptions, time_limit: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit)
    solver.parameters.num_workers = options.workers or 0
    solver.parameters.random_seed = options.seed
    solver.parameters.symmetry_level = 0  # symmetry detection costs seconds, finds little
    solver.parameters.cp_model_probing_level = 0  # so does probing, at 60,000 booleans
    # every stage presolves the same model again: one pass halves that (Fabrique: 3 s
    # instead of 6.5 s to the hinted agenda, 10 s instead of 21 s with 30-minute meetings
    # on the 10-minute grid) and left the wish stage's bound where it was (1.07 % in 25 s)
    solver.parameters.max_presolve_iterations = 1
    return solver


class _FirstSolution(cp_model.CpSolverSolutionCallback):
    def __init__(self, started: float) -> None:
        super().__init__()
        self.started = started
        self.at: float | None = None

    def on_solution_callback(self) -> None:
        if self.at is None:
            self.at = time.perf_counter() - self.started


def greedy(grid: MeetingGrid, requests: list[GridRequest],
           fixed: dict[int, int] | None = None) -> dict[int, int]:
    """A quick agenda for the solver to start from: when re-planning, the confirmed
    meetings at their previous starts; then musts (fewest options first), then wishes
    (mutual first, the least-served participants first), each at the free start next to
    the participants' meetings when there is one. `fixed` starts (the must-only model's)
    come first, like confirmed ones."""
    first_choice = {**grid.previous, **(fixed or {})}
    load: dict[int, int] = defaultdict(int)
    busy: dict[str, set[int]] = defaultdict(set)
    starts: dict[int, int] = {}
    asked: dict[str, int] = defaultdict(int)
    for request in requests:
        for who in request.participants:
            asked[who] += 1
    order = sorted(requests, key=lambda r: (r.index not in first_choice, not r.must,
                                            not r.mutual, len(r.starts),
                                            sum(asked[w] for w in r.participants), r.index))
    for request in order:
        best, best_score = None, None
        options = request.starts
        if request.index in first_choice:  # a confirmed (or proven) start first
            options = [first_choice[request.index],
                       *(s for s in request.starts if s != first_choice[request.index])]
        for start in options:
            span = _covers(request, start)
            if any(load[s] >= grid.capacity(s) for s in span):
                continue
            if any(busy[w] & set(span) for w in request.participants):
                continue
            if not all(_run_ok(grid, busy[w], span) for w in request.participants):
                continue
            if start == first_choice.get(request.index):
                best = start
                break
            near = sum((start - 1) in busy[w] or (start + request.length) in busy[w]
                       for w in request.participants)
            score = (-near, start)
            if best_score is None or score < best_score:
                best, best_score = start, score
        if best is None:
            continue
        starts[request.index] = best
        for slot in _covers(request, best):
            load[slot] += 1
            for who in request.participants:
                busy[who].add(slot)
    return starts


def _run_ok(grid: MeetingGrid, busy: set[int], span: range) -> bool:
    """Adding `span` keeps its run of back-to-back meetings (less than `grid.rest` free
    slots between them, inside one run of the venue) within `grid.longest_run` slots."""
    slots, rest = grid.slots, grid.rest
    held = busy | set(span)
    low, high = span.start, span.stop - 1
    while True:
        before = [t for t in range(max(0, low - rest), low)
                  if t in held and slots[t].run == slots[low].run]
        if not before:
            break
        low = min(before)
    while True:
        after = [t for t in range(high + 1, min(len(slots), high + 1 + rest))
                 if t in held and slots[t].run == slots[high].run]
        if not after:
            break
        high = max(after)
    return high - low + 1 <= grid.longest_run


def _hint(built: _Model, starts: dict[int, int]) -> None:
    """A complete hint (choices, floor, idle bounds) from an agenda, so that the solver
    starts from a whole solution instead of repairing a partial one."""
    model = built.model
    model.clear_hints()
    for (index, start), var in built.x.items():
        model.add_hint(var, starts.get(index) == start)
    busy: dict[str, set[int]] = defaultdict(set)
    count: dict[str, int] = defaultdict(int)
    for request in built.requests:
        if request.index in starts:
            for who in request.participants:
                count[who] += 1
                busy[who].update(_covers(request, starts[request.index]))
    if built.floor_var is not None:
        floor = _floor_of(built, starts)
        model.add_hint(built.floor_var, floor)
        for var, cap in built.capped:
            model.add_hint(var, min(floor, cap))
    for index, var in built.derived_placed:
        model.add_hint(var, index in starts)
    for (who, slot), var in built.derived:
        model.add_hint(var, slot in busy[who])
    for (who, start), pause in built.pauses.items():
        if not isinstance(pause, bool):
            model.add_hint(pause, not any(s in busy[who]
                                          for s in range(start, start + built.grid.rest)))
    for who, low, used, first, last, some in built.idle_aux:
        held = [slot for slot in used if slot in busy[who]]
        model.add_hint(first, min(held, default=low))
        model.add_hint(last, max(held, default=low))
        model.add_hint(some, bool(held))


def _most_musts(grid: MeetingGrid, musts: list[GridRequest], options: MeetingOptions,
                limit: float, hint: dict[int, int]
                ) -> tuple[dict[int, int] | None, str]:
    """The largest set of musts that fit together (request index -> start; None: none
    found in time), and the solve's status."""
    built = _Model(grid, musts, musts_hard=False)
    _hint(built, hint)
    built.model.maximize(cp_model.LinearExpr.sum([built.placed[r.index] for r in musts]))
    solver = _solver(options, limit)
    status = solver.solve(built.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, STATUS[status]
    return _values(solver, built), STATUS[status]


def solve_meetings(grid: MeetingGrid, options: MeetingOptions | None = None) -> MeetingSolution:
    """Place the grid's meetings; every must placed or given a reason."""
    options = options or MeetingOptions()
    started = time.perf_counter()
    unplaced = {r.index: r.reason for r in grid.requests if not r.starts}
    requests = [r for r in grid.requests if r.starts]
    notes: list[str] = []
    musts = [r for r in requests if r.must]
    first = greedy(grid, requests)
    musts_status = "infeasible" if any(r.must and not r.starts for r in grid.requests) \
        else "all placed"
    if any(r.index not in first for r in musts):
        share = 0.75 if len(musts) == len(requests) else 0.25  # all musts: the whole job
        found, status = _most_musts(grid, musts, options, options.time_limit * share,
                                    greedy(grid, musts))
        kept = set(found) if found is not None else {r.index for r in musts}
        if found is None:
            notes.append(f"the must-only model found nothing in time ({status})")
        dropped = [r for r in musts if r.index not in kept]
        if dropped:
            if status == "optimal":
                musts_status = "infeasible"
            elif musts_status != "infeasible":
                musts_status = "not proven"
            notes.append(f"{len(dropped)} must meetings cannot be placed together with the "
                         f"others (must-only model: {status})")
            rooms: dict[str, tuple[int, int]] = {}
            for request in dropped:
                unplaced[request.index] = _must_reason(grid, request, musts, kept, options,
                                                       rooms)
            if any(room < asked for asked, room in rooms.values()):
                musts_status = "infeasible"  # proven by one participant's musts alone
            requests = [r for r in requests if not r.must or r.index in kept]
        first = greedy(grid, requests, found)
    greedy_at = time.perf_counter() - started
    solution = _main_solve(grid, requests, options, started, first)
    if all(r.index in first for r in requests if r.must):
        solution.first_agenda_seconds = greedy_at  # complete: every hard rule, every must
    else:
        solution.first_agenda_seconds = solution.first_solution_seconds
    solution.notes = notes + solution.notes
    if requests and not solution.starts and musts_status == "all placed":
        musts_status = "not proven"  # nothing found in time
    solution.musts = musts_status
    for request in requests:
        if request.index not in solution.starts and request.index not in unplaced:
            unplaced[request.index] = _wish_reason(grid, request, solution.starts)
    solution.unplaced = dict(sorted(unplaced.items()))
    solution.tables = assign_tables(grid, solution.starts)
    solution.kept = sum(solution.starts.get(i) == s for i, s in grid.previous.items())
    solution.wall_seconds = time.perf_counter() - started
    return solution


def _values(solver: cp_model.CpSolver, built: _Model) -> dict[int, int]:
    return {index: start for (index, start), var in built.x.items() if solver.value(var)}


COMPACT_SECONDS = 2.0  # the local pass on idle gaps after the idle stage
MARGIN_SECONDS = 2.0 + COMPACT_SECONDS  # model building, tables, the local pass, a
# loaded machine's late stop (60.2 s for a 60-s limit at load 11 with 1.0)


def _left(options: MeetingOptions, started: float) -> float:
    return options.time_limit - MARGIN_SECONDS - (time.perf_counter() - started)


def _gap(solver: cp_model.CpSolver) -> float:
    objective, bound = solver.objective_value, solver.best_objective_bound
    return abs(bound - objective) / max(1.0, abs(objective))


def _main_solve(grid: MeetingGrid, requests: list[GridRequest], options: MeetingOptions,
                started: float, hint: dict[int, int]) -> MeetingSolution:
    """Lexicographic stages on one model, each holding the last one's value: (re-planning)
    the most confirmed meetings kept, the highest floor, then the most (weighted) wishes,
    then the fewest idle slots. A stage that finds nothing in its time (a loaded machine,
    a slow presolve) keeps the agenda it started from when that one is complete: the
    greedy agenda obeys every hard rule, so a complete agenda is never lost."""
    built = _Model(grid, requests, musts_hard=True)
    floor, _ = built.floor()
    _hint(built, hint)
    callback = _FirstSolution(started)
    notes: list[str] = []
    kept, proven = _keep_previous(built, options, started, callback, notes)
    complete = all(r.index in hint for r in requests if r.must)
    agenda = kept if kept is not None else hint
    if kept is not None:
        _hint(built, kept)
    built.model.maximize(floor)
    solver = _solver(options, _left(options, started) * options.floor_share)
    status = solver.solve(built.model, callback)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        agenda, best_floor = _values(solver, built), int(solver.value(floor))
        proven = proven and status == cp_model.OPTIMAL
        if status != cp_model.OPTIMAL:
            notes.append(f"the floor of {best_floor} meetings is not proven the highest "
                         "(time limit)")
    elif complete or kept is not None:
        best_floor, proven = _floor_of(built, agenda), False
        notes.append(f"floor stage: {STATUS[status]} in its time; the floor of the agenda "
                     f"it started from ({best_floor}) is held")
    else:
        return MeetingSolution(STATUS[status], {},
                               notes=[*notes, f"floor stage: {STATUS[status]}"])
    built.model.add(floor >= best_floor)
    idle_terms, _ = built.idle() if options.idle else ([], 0)
    _hint(built, agenda)
    wishes = cp_model.LinearExpr.sum(
        [_weight(r) * built.placed[r.index] for r in requests if not r.must])
    built.model.maximize(wishes)
    share = 0.5 if idle_terms else 1.0
    solver = _solver(options, _left(options, started) * share)
    status = solver.solve(built.model)
    gap: float | None = None
    bound: float | None = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        proven = proven and status == cp_model.OPTIMAL
        objective, bound, gap = solver.objective_value, solver.best_objective_bound, \
            _gap(solver)
        agenda = _values(solver, built)
    else:
        notes.append(f"wish stage: {STATUS[status]} in its time; the agenda it started from "
                     "is kept (no gap known)")
        objective, proven = float(_wishes_of(requests, agenda)), False
        idle_terms = []
    idle_gap: float | None = None
    if idle_terms:
        idle_total = cp_model.LinearExpr.sum(idle_terms)
        built.model.add(wishes >= int(round(objective)))
        _hint(built, agenda)
        built.model.minimize(idle_total)
        solver = _solver(options, _left(options, started))
        status = solver.solve(built.model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            agenda = _values(solver, built)
            idle_bound = max(0.0, solver.best_objective_bound)
            idle_gap = (idle_slots(grid, requests, agenda) - idle_bound) / max(
                1.0, idle_slots(grid, requests, agenda))
            proven = proven and status == cp_model.OPTIMAL
        else:
            notes.append(f"idle stage: {STATUS[status]} (the wish stage's agenda is kept)")
    if not proven:  # a quick local pass often closes more gaps
        agenda = compact(grid, requests, agenda, COMPACT_SECONDS)
    return MeetingSolution("optimal" if proven else "feasible", agenda, objective=objective,
                           bound=bound, gap=gap, idle_gap=idle_gap, floor=best_floor,
                           idle_slots=idle_slots(grid, requests, agenda),
                           first_solution_seconds=callback.at, notes=notes)


def _floor_of(built: _Model, starts: dict[int, int]) -> int:
    """The floor an agenda reaches (as the floor stage counts it)."""
    count: dict[str, int] = defaultdict(int)
    for request in built.requests:
        if request.index in starts:
            for who in request.participants:
                count[who] += 1
    short = [count[w] for w, cap in built.caps.items() if cap > 0 and count[w] < cap]
    return min([built.top, *short])


def _wishes_of(requests: list[GridRequest], starts: dict[int, int]) -> int:
    return sum(_weight(r) for r in requests if not r.must and r.index in starts)


def _keep_previous(built: _Model, options: MeetingOptions, started: float,
                   callback: _FirstSolution, notes: list[str]
                   ) -> tuple[dict[int, int] | None, bool]:
    """Re-planning, first stage: keep the most confirmed meetings at their previous start
    (each one moved or dropped is a changed agenda), then hold that number. Returns the
    stage's agenda (None: nothing to keep) and whether the number is proven the most."""
    grid = built.grid
    keep = [built.x[index, start] for index, start in grid.previous.items()
            if (index, start) in built.x]
    if not keep:
        return None, True
    total = cp_model.LinearExpr.sum(keep)
    built.model.maximize(total)
    solver = _solver(options, _left(options, started) * options.floor_share)
    status = solver.solve(built.model, callback)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        notes.append(f"re-plan stage: {STATUS[status]} (nothing held)")
        return None, False
    best = int(round(solver.objective_value))
    if status != cp_model.OPTIMAL:
        notes.append(f"keeping {best} of {len(keep)} confirmed meetings is not proven the "
                     "most (time limit)")
    built.model.add(total >= best)
    return _values(solver, built), status == cp_model.OPTIMAL


def _person_idle(grid: MeetingGrid, slots: set[int]) -> int:
    """Idle slots between a participant's first and last meeting of each day."""
    days: dict[object, list[int]] = defaultdict(list)
    for slot in slots:
        days[grid.slots[slot].day].append(slot)
    return sum(max(held) - min(held) + 1 - len(held) for held in days.values())


def _occupancy(requests: list[GridRequest], starts: dict[int, int]
               ) -> tuple[dict[int, int], dict[str, set[int]]]:
    load: dict[int, int] = defaultdict(int)
    busy: dict[str, set[int]] = defaultdict(set)
    for request in requests:
        if request.index in starts:
            for slot in _covers(request, starts[request.index]):
                load[slot] += 1
                for who in request.participants:
                    busy[who].add(slot)
    return load, busy


def idle_slots(grid: MeetingGrid, requests: list[GridRequest], starts: dict[int, int]) -> int:
    _, busy = _occupancy(requests, starts)
    return sum(_person_idle(grid, slots) for slots in busy.values())


def _move_cost(grid: MeetingGrid, request: GridRequest, start: int,
               busy: dict[str, set[int]]) -> int:
    moved = set(_covers(request, start))
    return sum(_person_idle(grid, busy[w] | moved) for w in request.participants)


def compact(grid: MeetingGrid, requests: list[GridRequest], starts: dict[int, int],
            seconds: float) -> dict[int, int]:
    """Move single meetings to other free starts while that shortens their participants'
    idle time (same meetings, same rules, confirmed meetings kept where they are); stops
    when nothing improves or time is up."""
    until = time.perf_counter() + seconds
    starts = dict(starts)
    load, busy = _occupancy(requests, starts)
    placed = [r for r in requests if r.index in starts]
    improved = True
    while improved and time.perf_counter() < until:
        improved = False
        for request in placed:
            current = starts[request.index]
            if grid.previous.get(request.index) == current:
                continue  # re-planning: a kept meeting stays where it was confirmed
            span = set(_covers(request, current))
            for slot in span:
                load[slot] -= 1
            for who in request.participants:
                busy[who] -= span
            best, best_cost = current, _move_cost(grid, request, current, busy)
            for start in request.starts:
                there = _covers(request, start)
                if start == current or any(load[s] >= grid.capacity(s) for s in there) or any(
                        busy[w] & set(there) for w in request.participants) or not all(
                        _run_ok(grid, busy[w], there) for w in request.participants):
                    continue
                here = _move_cost(grid, request, start, busy)
                if here < best_cost:
                    best, best_cost, improved = start, here, True
            starts[request.index] = best
            for slot in _covers(request, best):
                load[slot] += 1
                for who in request.participants:
                    busy[who].add(slot)
            if time.perf_counter() >= until:
                break
    return starts


def _must_reason(grid: MeetingGrid, request: GridRequest, musts: list[GridRequest],
                 kept: set[int], options: MeetingOptions,
                 rooms: dict[str, tuple[int, int]]) -> str:
    """Why a must is left out: a participant whose own must meetings cannot all fit (a
    count anyone can check), else the musts of the participants together."""
    for who in request.participants:
        if who not in rooms:
            rooms[who] = _room(grid, [r for r in musts if who in r.participants], options)
        asked, room = rooms[who]
        if room < asked:
            return (f"{who} has {asked} must meetings and room for at most {room} of them "
                    f"(the free times they share with the others, the meeting hours, "
                    f"max_in_a_row {grid.max_in_a_row})")
    others = sorted({who for r in musts if r.index in kept for who in r.participants}
                    & set(request.participants))
    shared = ", ".join(others) if others else "the participants"
    return (f"cannot be placed together with the other must meetings of {shared} "
            f"(their common free slots, the tables or max_in_a_row {grid.max_in_a_row} "
            "run out)")


def _room(grid: MeetingGrid, mine: list[GridRequest], options: MeetingOptions
          ) -> tuple[int, int]:
    """(one participant's must meetings, the most of them that fit together): the
    must-only model on that participant's musts alone; the room is claimed smaller only
    when proven."""
    built = _Model(grid, mine, musts_hard=False)
    built.model.maximize(cp_model.LinearExpr.sum([built.placed[r.index] for r in mine]))
    solver = _solver(options, min(5.0, max(0.5, options.time_limit / 20)))
    status = solver.solve(built.model)
    if status != cp_model.OPTIMAL:
        return len(mine), len(mine)
    return len(mine), int(round(solver.objective_value))


def _wish_reason(grid: MeetingGrid, request: GridRequest, starts: dict[int, int]) -> str:
    busy: dict[str, set[int]] = defaultdict(set)
    load: dict[int, int] = defaultdict(int)
    by_index = {r.index: r for r in grid.requests}
    for index, start in starts.items():
        for slot in _covers(by_index[index], start):
            load[slot] += 1
            for who in by_index[index].participants:
                busy[who].add(slot)
    taken: dict[str, int] = defaultdict(int)
    for start in request.starts:
        span = set(_covers(request, start))
        blockers = [who for who in request.participants if busy[who] & span]
        if any(load[s] >= grid.capacity(s) for s in span):
            blockers.append("tables full")
        for blocker in blockers or ["max_in_a_row"]:
            taken[blocker] += 1
    summary = ", ".join(f"{who} at {n}" for who, n in sorted(taken.items()))
    return (f"not chosen: of its {len(request.starts)} possible slots, the busy ones are "
            f"{summary} (higher-weighted meetings won them)")


def assign_tables(grid: MeetingGrid, starts: dict[int, int]) -> dict[int, int]:
    """Tables for the placed meetings. Re-planning, a meeting kept at its previous start
    keeps its previous table when it can (one change less on its agendas); the others go
    in start order, each keeping a participant's last table when free (fewer table
    changes). Deterministic and always within `tables`: when the kept tables leave some
    meeting without one, every table is assigned afresh (an interval graph: start order
    always finds one)."""
    kept = {index: grid.previous_tables[index] for index, start in starts.items()
            if grid.previous.get(index) == start and index in grid.previous_tables
            and 1 <= grid.previous_tables[index] <= grid.tables}
    if kept:
        tables = _tables(grid, starts, kept)
        if tables is not None:
            return tables
    tables = _tables(grid, starts, {})
    assert tables is not None
    return tables


def _tables(grid: MeetingGrid, starts: dict[int, int],
            fixed: dict[int, int]) -> dict[int, int] | None:
    by_index = {r.index: r for r in grid.requests}
    held: dict[int, list[tuple[int, int]]] = defaultdict(list)  # table -> (first, stop)

    def free(table: int, first: int, stop: int) -> bool:
        return all(stop <= a or b <= first for a, b in held[table])

    tables: dict[int, int] = {}
    for index, table in sorted(fixed.items(), key=lambda item: (starts[item[0]], item[0])):
        first = starts[index]
        stop = first + by_index[index].length
        if free(table, first, stop):
            held[table].append((first, stop))
            tables[index] = table
    last_table: dict[str, int] = {}
    for index in sorted(starts, key=lambda index: (starts[index], index)):
        request, first = by_index[index], starts[index]
        stop = first + request.length
        if index not in tables:
            options = [t for t in range(1, grid.tables + 1) if free(t, first, stop)]
            if not options:
                return None
            preferred = [last_table[w] for w in request.participants
                         if last_table.get(w) in options]
            tables[index] = preferred[0] if preferred else options[0]
            held[tables[index]].append((first, stop))
        for who in request.participants:
            last_table[who] = tables[index]
    return tables
