"""The CP-SAT model of one-to-one meetings, over the plain `MeetingGrid`.

One boolean per request and feasible start slot (tables are assigned afterwards: at every
slot the meetings under way never outnumber the tables, and meetings are intervals, so a
greedy assignment in start order always finds a table). Hard: every must placed, a
participant in one meeting at a time, at most `tables` meetings per slot, at most
`max_in_a_row` slots back to back per participant. Objective, lexicographic by weights:
the floor (the fewest meetings of any participant, capped by what each can have), then
wishes (mutual ones weigh more), then idle slots between a participant's first and last
meeting of a day.

When the musts cannot all be placed together, a first model finds the most musts that
fit; the others are reported unplaced and the main model runs with the rest.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from affiche.programmes.meetings import GridRequest, MeetingGrid

MUTUAL_WEIGHT, WISH_WEIGHT, IDLE_WEIGHT = 150, 100, 1
STATUS = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible",
          cp_model.INFEASIBLE: "infeasible", cp_model.MODEL_INVALID: "invalid",
          cp_model.UNKNOWN: "unknown"}


@dataclass
class MeetingOptions:
    time_limit: float = 60.0
    workers: int = 0
    seed: int = 0
    idle: bool = True  # the soft term on idle slots (costs model size)
    musts_hard: bool = True


@dataclass
class MeetingSolution:
    status: str
    starts: dict[int, int]  # request index -> first slot
    tables: dict[int, int] = field(default_factory=dict)  # request index -> table (1-based)
    unplaced: dict[int, str] = field(default_factory=dict)  # request index -> reason
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    floor: int = 0
    idle_slots: int = 0
    wall_seconds: float = 0.0
    first_solution_seconds: float | None = None
    notes: list[str] = field(default_factory=list)


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
            else:
                self.model.add_at_most_one(chosen)
            self.placed[request.index] = sum(chosen)
        self._hard()

    def _hard(self) -> None:
        for vars_ in self.load.values():
            if len(vars_) > self.grid.tables:
                self.model.add(sum(vars_) <= self.grid.tables)
        for vars_ in self.busy.values():
            if len(vars_) > 1:
                self.model.add_at_most_one(vars_)
        self._in_a_row()

    def _in_a_row(self) -> None:
        slots, k = self.grid.slots, self.grid.max_in_a_row
        people = {who for who, _ in self.busy}
        for who in people:
            for first in range(len(slots) - k):
                window = range(first, first + k + 1)
                if slots[first + k].run != slots[first].run:
                    continue
                vars_ = [v for s in window for v in self.busy.get((who, s), [])]
                if len(vars_) > k:
                    self.model.add(sum(vars_) <= k)

    def counts(self) -> dict[str, cp_model.LinearExprT]:
        counts: dict[str, list[cp_model.LinearExprT]] = defaultdict(list)
        for request in self.requests:
            for who in request.participants:
                counts[who].append(self.placed[request.index])
        return {who: sum(terms) for who, terms in counts.items()}

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
        return floor, top

    def idle(self) -> tuple[list[cp_model.LinearExprT], int]:
        """Per participant and run of slots: span of the run used minus meetings held."""
        terms: list[cp_model.LinearExprT] = []
        runs: dict[int, list[int]] = defaultdict(list)
        for index, slot in enumerate(self.grid.slots):
            runs[slot.run].append(index)
        most = 0
        people = {who for who, _ in self.busy}
        for who in sorted(people):
            for run, members in runs.items():
                used = [(s, self.busy[who, s]) for s in members if self.busy.get((who, s))]
                if len(used) < 2:
                    continue
                low, high = used[0][0], used[-1][0]
                first = self.model.new_int_var(low, high, f"first_{who}_{run}")
                last = self.model.new_int_var(low, high, f"last_{who}_{run}")
                self.model.add(last >= first)
                held = []
                for slot, vars_ in used:
                    busy = sum(vars_)
                    self.model.add(first <= slot + (high - low) * (1 - busy))
                    self.model.add(last >= slot - (high - low) * (1 - busy))
                    held.append(busy)
                some = self.model.new_bool_var(f"some_{who}_{run}")
                self.model.add(sum(held) >= some)
                self.model.add(sum(held) <= len(held) * some)
                # idle = last - first + 1 - held when any meeting, else 0 (first = last)
                terms.append(last - first + some - sum(held))
                most += high - low + 1
        return terms, most


def _weight(request: GridRequest) -> int:
    return MUTUAL_WEIGHT if request.mutual else WISH_WEIGHT


def _solver(options: MeetingOptions, time_limit: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit)
    solver.parameters.num_workers = options.workers or 0
    solver.parameters.random_seed = options.seed
    return solver


class _FirstSolution(cp_model.CpSolverSolutionCallback):
    def __init__(self, started: float) -> None:
        super().__init__()
        self.started = started
        self.at: float | None = None

    def on_solution_callback(self) -> None:
        if self.at is None:
            self.at = time.perf_counter() - self.started


def _most_musts(grid: MeetingGrid, musts: list[GridRequest], options: MeetingOptions,
                limit: float) -> tuple[set[int] | None, str]:
    """The largest set of musts that fit together (indices; None: none found in time),
    and the solve's status."""
    built = _Model(grid, musts, musts_hard=False)
    built.model.maximize(sum(built.placed[r.index] for r in musts))
    solver = _solver(options, limit)
    status = solver.solve(built.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, STATUS[status]
    kept = {r.index for r in musts if any(solver.value(built.x[r.index, s]) for s in r.starts)}
    return kept, STATUS[status]


def solve_meetings(grid: MeetingGrid, options: MeetingOptions | None = None) -> MeetingSolution:
    """Place the grid's meetings; every must placed or given a reason."""
    options = options or MeetingOptions()
    started = time.perf_counter()
    unplaced = {r.index: r.reason for r in grid.requests if not r.starts}
    requests = [r for r in grid.requests if r.starts]
    notes: list[str] = []
    musts = [r for r in requests if r.must]
    if musts and options.musts_hard:
        found, status = _most_musts(grid, musts, options, options.time_limit / 4)
        kept = found if found is not None else {r.index for r in musts}
        if found is None:
            notes.append(f"the must-only model found nothing in time ({status})")
        dropped = [r for r in musts if r.index not in kept]
        if dropped:
            notes.append(f"{len(dropped)} must meetings cannot be placed together with the "
                         f"others (must-only model: {status})")
            for request in dropped:
                unplaced[request.index] = _must_reason(grid, request, musts, kept)
            requests = [r for r in requests if not r.must or r.index in kept]
    solution = _main_solve(grid, requests, options, started)
    solution.notes = notes + solution.notes
    for request in requests:
        if request.index not in solution.starts and request.index not in unplaced:
            unplaced[request.index] = _wish_reason(grid, request, solution.starts)
    solution.unplaced = dict(sorted(unplaced.items()))
    solution.tables = assign_tables(grid, solution.starts)
    solution.wall_seconds = time.perf_counter() - started
    return solution


def _main_solve(grid: MeetingGrid, requests: list[GridRequest], options: MeetingOptions,
                started: float) -> MeetingSolution:
    built = _Model(grid, requests, options.musts_hard)
    floor, top = built.floor()
    idle_terms, most_idle = built.idle() if options.idle else ([], 0)
    floor_weight = sum(_weight(r) for r in requests if not r.must) + IDLE_WEIGHT * most_idle + 1
    must_weight = 0 if options.musts_hard else floor_weight * (top + 1)
    terms: list[cp_model.LinearExprT] = [floor_weight * floor]
    terms += [_weight(r) * built.placed[r.index] for r in requests if not r.must]
    terms += [must_weight * built.placed[r.index] for r in requests if r.must and must_weight]
    terms += [-IDLE_WEIGHT * term for term in idle_terms]
    built.model.maximize(cp_model.LinearExpr.sum(terms))
    solver = _solver(options, options.time_limit - (time.perf_counter() - started))
    callback = _FirstSolution(started)
    status = solver.solve(built.model, callback)
    name = STATUS[status]
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return MeetingSolution(name, {}, notes=[f"main model: {name}"])
    starts = {
        r.index: s for r in requests for s in r.starts if solver.value(built.x[r.index, s])
    }
    objective, bound = solver.objective_value, solver.best_objective_bound
    gap = abs(bound - objective) / max(1.0, abs(objective))
    idle = int(sum(solver.value(t) for t in idle_terms)) if idle_terms else 0
    return MeetingSolution(name, starts, objective=objective, bound=bound, gap=gap,
                           floor=int(solver.value(floor)), idle_slots=idle,
                           first_solution_seconds=callback.at)


def _must_reason(grid: MeetingGrid, request: GridRequest, musts: list[GridRequest],
                 kept: set[int]) -> str:
    others = sorted({who for r in musts if r.index in kept for who in r.participants}
                    & set(request.participants))
    shared = ", ".join(others) if others else "the participants"
    return (f"cannot be placed together with the other must meetings of {shared} "
            f"(their common free slots, the tables or max_in_a_row {grid.max_in_a_row} "
            "run out)")


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
        if any(load[s] >= grid.tables for s in span):
            blockers.append("tables full")
        for blocker in blockers or ["max_in_a_row"]:
            taken[blocker] += 1
    summary = ", ".join(f"{who} at {n}" for who, n in sorted(taken.items()))
    return (f"not chosen: of its {len(request.starts)} possible slots, the busy ones are "
            f"{summary} (higher-weighted meetings won them)")


def assign_tables(grid: MeetingGrid, starts: dict[int, int]) -> dict[int, int]:
    """Tables in start order, each meeting keeping a participant's last table when free
    (fewer table changes); deterministic, and always within `tables` (interval graph)."""
    by_index = {r.index: r for r in grid.requests}
    order = sorted(starts, key=lambda index: (starts[index], index))
    free_at: dict[int, int] = {}  # table -> first slot it is free again
    last_table: dict[str, int] = {}
    tables: dict[int, int] = {}
    for index in order:
        request, start = by_index[index], starts[index]
        free = [t for t in range(1, grid.tables + 1) if free_at.get(t, 0) <= start]
        preferred = [last_table[w] for w in request.participants if last_table.get(w) in free]
        table = preferred[0] if preferred else free[0]
        tables[index] = table
        free_at[table] = start + request.length
        for who in request.participants:
            last_table[who] = table
    return tables
