"""A plain CP-SAT model of the same `Problem`: the baseline our solver is measured against.

One optional interval per candidate room (rooms and time windows from the problem's
options), exactly one room per occurrence, no-overlap per room (with changeover), an
artist's occurrences in no-overlap, installation slots as a sum. No hints, no greedy pass,
no objective, default solver parameters (only the time limit): first feasible only.
Left out (so the baseline solves a relaxation): walking/travel time between venues and the
`after` / same-day / not-same-day relations.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from affiche.scheduler.cpsat import STATUS_NAMES
from affiche.scheduler.problem import Occurrence, Problem
from affiche.scheduler.spans import start_ranges


@dataclass
class BaselineResult:
    status: str
    wall_seconds: float
    first_solution_seconds: float | None


class _FirstSolution(cp_model.CpSolverSolutionCallback):
    def __init__(self) -> None:
        super().__init__()
        self.started = time.perf_counter()
        self.first: float | None = None

    def on_solution_callback(self) -> None:
        if self.first is None:
            self.first = time.perf_counter() - self.started


@dataclass
class _Intervals:
    by_room: dict[str, list[cp_model.IntervalVar]]
    by_artist: dict[str, list[cp_model.IntervalVar]]
    installations: dict[str, list[cp_model.IntVar]]


def _add_occurrence(
    model: cp_model.CpModel, problem: Problem, occ: Occurrence, into: _Intervals
) -> None:
    presences = []
    for option in occ.options:
        present = model.new_bool_var(f"at[{occ.uid},{option.venue}]")
        presences.append(present)
        if occ.installation:
            into.installations[option.venue].append(present)
            continue
        ranges = start_ranges(option.spans, occ.duration)
        domain = cp_model.Domain.from_intervals([[a, b] for a, b in ranges])
        start = model.new_int_var_from_domain(domain, f"start[{occ.uid},{option.venue}]")
        changeover = problem.venues[option.venue].changeover
        into.by_room[option.venue].append(model.new_optional_fixed_size_interval_var(
            start, occ.duration + changeover, present, f"room[{occ.uid},{option.venue}]"
        ))
        busy = model.new_optional_fixed_size_interval_var(
            start, occ.duration, present, f"busy[{occ.uid},{option.venue}]"
        )
        for artist in occ.bound_artists:
            into.by_artist[artist].append(busy)
    model.add_exactly_one(presences)


def build_baseline(problem: Problem) -> cp_model.CpModel:
    model = cp_model.CpModel()
    into = _Intervals(defaultdict(list), defaultdict(list), defaultdict(list))
    for occ in problem.occurrences:
        _add_occurrence(model, problem, occ, into)
    for intervals in [*into.by_room.values(), *into.by_artist.values()]:
        if len(intervals) > 1:
            model.add_no_overlap(intervals)
    for venue, presences in into.installations.items():
        model.add(sum(presences) <= problem.venues[venue].installation_slots)
    return model


def solve_baseline(problem: Problem, time_limit: float) -> BaselineResult:
    model = build_baseline(problem)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    callback = _FirstSolution()
    code = solver.solve(model, callback)
    return BaselineResult(STATUS_NAMES[code], solver.wall_time, callback.first)
