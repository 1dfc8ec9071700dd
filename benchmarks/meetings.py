"""One-to-one meetings at La Fabrique numérique's scale, against a plain CP-SAT model.

    python -m benchmarks.meetings [--runs N] [--time-limit S] [--workers N]
                                  [--size NAME ...] [--out FILE.json]

`fabrique_spec` generates a Fabrique-like spec (participants of four kinds, popular
companies and delegations, musts, mutual wishes, small groups, one-day participants,
do-not-meet pairs, lunch). Each size is solved by affiche's model and by a plain model of
the same rules (one boolean per request x start x table, no floor or idle terms, which
only make it harder) in the same process, same limit and workers; medians over the runs.
Every affiche agenda is re-verified by the independent checker.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ortools.sat.python import cp_model

from affiche.programmes.meetings import MeetingGrid, meeting_grid
from affiche.programmes.meetings_check import check_meetings
from affiche.programmes.meetings_output import meeting_report, meeting_schedule
from affiche.programmes.model import Spec
from affiche.scheduler.meetings import (
    MUTUAL_WEIGHT,
    STATUS,
    WISH_WEIGHT,
    MeetingOptions,
    solve_meetings,
)

KINDS = (("artist", 0.4), ("company", 0.27), ("academic", 0.16), ("delegation", 0.17))
SIZES = {  # name: participants, requests, tables, days
    "fabrique": (300, 1660, 50, 2),
    "medium": (80, 200, 12, 1),
    "half": (150, 830, 25, 2),
}
PLAIN_VARIABLE_CAP = 1_500_000


def fabrique_spec(participants: int = 300, requests: int = 1660, tables: int = 50,
                  days: int = 2, seed: int = 2016) -> Spec:
    """A generated Fabrique numérique: 10:00-18:00 with lunch 12:30-13:30, 20-minute
    meetings, at most 4 in a row, about 10% musts, 25% mutual, 3% groups of three."""
    rng = random.Random(seed)
    people = []
    for n in range(participants):
        kind = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
        person: dict[str, Any] = {"id": f"p{n:03d}", "name": f"Participant {n}",
                                  "organisation": f"{kind.title()} {n // 3}", "kind": kind,
                                  "languages": rng.sample(["fr", "en", "de", "ja"], 2)}
        if days > 1 and rng.random() < 0.08:
            day = 16 + rng.randrange(days)
            person["availability"] = [{"start": f"2016-06-{day} 10:00",
                                       "end": f"2016-06-{day} 18:00"}]
        people.append(person)
    popularity = [rng.paretovariate(2.5) for _ in people]
    per_day = 21
    cap = min(per_day * days // 2, 20)
    load: dict[int, int] = defaultdict(int)
    asked: set[frozenset[int]] = set()
    found: list[dict[str, Any]] = []
    tries = 0
    while len(found) < requests and tries < requests * 50:
        tries += 1
        size = 3 if rng.random() < 0.03 else 2
        group = set(rng.choices(range(participants), popularity, k=size))
        if len(group) < size or frozenset(group) in asked or any(load[p] >= cap for p in group):
            continue
        if days > 1 and len({p["availability"][0]["start"][:10]
                             for p in (people[g] for g in group) if "availability" in p}) > 1:
            continue
        asked.add(frozenset(group))
        for member in group:
            load[member] += 1
        priority = "must" if rng.random() < 0.10 else "wish"
        found.append({"between": [people[g]["id"] for g in sorted(group)],
                      "priority": priority, "mutual": rng.random() < 0.25})
    banned = []
    while len(banned) < 10:
        a, b = rng.sample(range(participants), 2)
        if not any({a, b} <= set(pair) for pair in asked):
            banned.append([people[a]["id"], people[b]["id"]])
            asked.add(frozenset((a, b)))
    last = 16 + days - 1
    return Spec.model_validate({
        "festivals": [{
            "id": "fabrique-2016", "name": "La Fabrique numérique", "timezone": "Europe/Paris",
            "start": "2016-06-16", "end": f"2016-06-{last}",
            "venues": [{"id": "tables", "name": "Meeting tables", "parallel": tables,
                        "hours": {"opens": "10:00", "closes": "18:00"}}],
            "meetings": {"venue": "tables", "minutes": 20, "max_in_a_row": 4,
                         "lunch": {"start": "12:30", "end": "13:30"},
                         "requests": found, "do_not_meet": banned},
        }],
        "artists": people,
    })


@dataclass
class Run:
    size: str
    solver: str
    status: str
    seconds: float
    first_solution_seconds: float | None
    gap: float | None
    musts_placed: int
    wishes_placed: int
    floor: int
    idle_minutes_mean: float | None
    check_problems: int | None
    variables: int


PlainResult = tuple[str, float, float | None, float | None, int, int, int]


def plain_model(grid: MeetingGrid, limit: float, workers: int) -> PlainResult:
    """One boolean per request x start x table: each table one meeting at a time, each
    participant one, musts placed, max_in_a_row; maximise weighted wishes."""
    started = time.perf_counter()
    count = sum(len(r.starts) for r in grid.requests) * grid.tables
    if count > PLAIN_VARIABLE_CAP:
        return f"not built ({count:,} variables)", 0.0, None, None, 0, 0, count
    model = cp_model.CpModel()
    x: dict[tuple[int, int, int], cp_model.IntVar] = {}
    table_use: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    person_use: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    placed = {}
    for r in grid.requests:
        mine = []
        for s in r.starts:
            for t in range(grid.tables):
                var = model.new_bool_var("")
                x[r.index, s, t] = var
                mine.append(var)
                for slot in range(s, s + r.length):
                    table_use[t, slot].append(var)
                    for who in r.participants:
                        person_use[who, slot].append(var)
        if r.must:
            model.add_exactly_one(mine)
        else:
            model.add_at_most_one(mine)
        placed[r.index] = mine
    for vars_ in (*table_use.values(), *person_use.values()):
        model.add_at_most_one(vars_)
    k = grid.max_in_a_row
    for who in grid.participants:
        for first in range(len(grid.slots) - k):
            if grid.slots[first + k].run == grid.slots[first].run:
                vars_ = [v for s in range(first, first + k + 1)
                         for v in person_use.get((who, s), [])]
                if len(vars_) > k:
                    model.add(sum(vars_) <= k)
    model.maximize(cp_model.LinearExpr.sum([
        (MUTUAL_WEIGHT if r.mutual else WISH_WEIGHT) * v
        for r in grid.requests if not r.must for v in placed[r.index]]))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, limit - (time.perf_counter() - started))
    solver.parameters.num_workers = workers

    class First(cp_model.CpSolverSolutionCallback):
        at: float | None = None

        def on_solution_callback(self) -> None:
            if self.at is None:
                self.at = time.perf_counter() - started

    first = First()
    status = solver.solve(model, first)
    seconds = time.perf_counter() - started
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return STATUS[status], seconds, first.at, None, 0, 0, count
    objective, bound = solver.objective_value, solver.best_objective_bound
    gap = abs(bound - objective) / max(1.0, abs(objective))
    musts = sum(1 for r in grid.requests if r.must
                and any(solver.value(v) for v in placed[r.index]))
    wishes = sum(1 for r in grid.requests if not r.must
                 and any(solver.value(v) for v in placed[r.index]))
    return STATUS[status], seconds, first.at, gap, musts, wishes, count


def run_affiche(size: str, spec: Spec, limit: float, workers: int, seed: int,
                idle: bool = True) -> Run:
    festival = spec.festivals[0]
    started = time.perf_counter()
    grid = meeting_grid(spec, festival)
    solution = solve_meetings(grid, MeetingOptions(time_limit=limit, workers=workers,
                                                   seed=seed, idle=idle))
    seconds = time.perf_counter() - started
    schedule = meeting_schedule(spec, festival, grid, solution)
    problems = check_meetings(spec, festival, schedule.placements, schedule.unplaced)
    report = meeting_report(spec, festival, grid, schedule)
    variables = sum(len(r.starts) for r in grid.requests)
    return Run(size, "affiche" if idle else "affiche-no-idle", solution.status, seconds,
               solution.first_solution_seconds, solution.gap,
               report["by_priority"]["must"]["placed"], report["by_priority"]["wish"]["placed"],
               solution.floor, report["idle_minutes_per_participant_mean"], len(problems),
               variables)


def run_plain(size: str, spec: Spec, limit: float, workers: int) -> Run:
    grid = meeting_grid(spec, spec.festivals[0])
    status, seconds, first, gap, musts, wishes, count = plain_model(grid, limit, workers)
    return Run(size, "plain-cpsat", status, seconds, first, gap, musts, wishes, 0, None, None,
               count)


def _median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def summary(runs: list[Run]) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str], list[Run]] = defaultdict(list)
    for run in runs:
        groups[run.size, run.solver].append(run)
    rows = []
    for (size, solver), group in groups.items():
        rows.append({
            "size": size, "solver": solver, "runs": len(group),
            "statuses": sorted({r.status for r in group}),
            "seconds": _median([r.seconds for r in group]),
            "first_solution_seconds": _median([r.first_solution_seconds for r in group]),
            "gap": _median([r.gap for r in group]),
            "musts_placed": _median([r.musts_placed for r in group]),
            "wishes_placed": _median([r.wishes_placed for r in group]),
            "floor": _median([r.floor for r in group]),
            "idle_minutes_mean": _median([r.idle_minutes_mean for r in group]),
            "check_problems": max((r.check_problems or 0) for r in group),
            "variables": group[0].variables,
        })
    return rows


def benchmark(sizes: list[str], runs: int = 3, limit: float = 60.0, workers: int = 2,
              plain: bool = True) -> list[dict[str, Any]]:
    """Medians of `runs` solves per size and solver."""
    records: list[Run] = []
    for size in sizes:
        spec = fabrique_spec(*SIZES[size])
        for run in range(runs):
            records.append(run_affiche(size, spec, limit, workers, seed=run))
            print(records[-1], flush=True)
            if plain:
                records.append(run_plain(size, spec, limit, workers))
                print(records[-1], flush=True)
    return summary(records)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.meetings")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--time-limit", type=float, default=60.0)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--size", action="append", choices=sorted(SIZES), default=[])
    p.add_argument("--no-plain", action="store_true")
    p.add_argument("--out", type=Path, default=None)
    args = p.parse_args(argv)
    rows = benchmark(args.size or ["medium", "fabrique"], args.runs, args.time_limit,
                     args.workers, not args.no_plain)
    text = json.dumps(rows, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["Run", "asdict", "benchmark", "fabrique_spec", "plain_model"]
