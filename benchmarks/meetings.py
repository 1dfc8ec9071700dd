"""One-to-one meetings at La Fabrique numérique's scale, against plain CP-SAT models.

    python -m benchmarks.meetings [--runs N] [--time-limit S] [--workers N]
                                  [--size NAME ...] [--out FILE.json] [--markdown FILE.md]

`fabrique_spec` generates a Fabrique-like spec (participants of four kinds, popular
companies and delegations, musts, mutual wishes, small groups, one-day participants,
do-not-meet pairs, lunch). Each size is solved by affiche's pipeline and by plain models
of the same rules, written here independently, in the same process with the same limit
and workers: `plain-cpsat` (one boolean per request x start, the textbook time-indexed
model: musts placed, tables per slot, one meeting at a time, max_in_a_row; weighted wishes
as its one objective, no hint, no stages) and `plain-cpsat-tables` (one boolean per
request x start x table, built only while it stays under PLAIN_VARIABLE_CAP). Reported:
time to the first complete agenda (every must, every hard rule), the gap on the weighted
wishes, and idle minutes per participant, from the same report code for every solver;
every agenda, the plain ones included, is re-verified by the independent checker.
`make bench` runs the Fabrique size once after the programme benchmarks.
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

from affiche.programmes.meetings import MeetingGrid, MeetingSolution, meeting_grid
from affiche.programmes.meetings_check import check_meetings
from affiche.programmes.meetings_output import meeting_report, meeting_schedule
from affiche.programmes.model import Spec
from affiche.scheduler.meetings import (
    MUTUAL_WEIGHT,
    STATUS,
    WISH_WEIGHT,
    MeetingOptions,
    assign_tables,
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
    banned: list[list[str]] = []
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
    first_solution_seconds: float | None  # the first complete agenda, grid build included
    gap: float | None
    musts_placed: int
    wishes_placed: int
    floor: int
    idle_minutes_mean: float | None
    check_problems: int | None
    variables: int


PlainResult = tuple[str, float, float | None, float | None, int, int, int]


def plain_table_model(grid: MeetingGrid, limit: float, workers: int) -> PlainResult:
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
    _plain_in_a_row(model, grid, person_use)
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


def _plain_in_a_row(model: cp_model.CpModel, grid: MeetingGrid,
                    person_use: dict[tuple[str, int], list[cp_model.IntVar]]) -> None:
    """Any max_in_a_row + 1 consecutive slots of one run hold at most max_in_a_row of a
    participant's meeting slots (one meeting length per slot: the generated sizes)."""
    assert grid.rest == 1, "the plain models take one slot per default meeting length"
    k = grid.max_in_a_row
    for who in grid.participants:
        for first in range(len(grid.slots) - k):
            if grid.slots[first + k].run == grid.slots[first].run:
                vars_ = [v for s in range(first, first + k + 1)
                         for v in person_use.get((who, s), [])]
                if len(vars_) > k:
                    model.add(sum(vars_) <= k)


class _First(cp_model.CpSolverSolutionCallback):
    def __init__(self, started: float) -> None:
        super().__init__()
        self.started = started
        self.at: float | None = None

    def on_solution_callback(self) -> None:
        if self.at is None:
            self.at = time.perf_counter() - self.started


def plain_model(grid: MeetingGrid, limit: float, workers: int
                ) -> tuple[str, float, float | None, float | None, dict[int, int], int]:
    """The textbook time-indexed model: one boolean per request x feasible start; musts
    exactly once, wishes at most once, at most `capacity` meetings under way per slot, one
    meeting per participant and slot, max_in_a_row; maximise the weighted wishes (the
    same weights as affiche). No hint, no stages. Returns (status, seconds, first
    solution seconds, gap, request -> start, booleans)."""
    started = time.perf_counter()
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    load: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    person_use: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    objective = []
    for r in grid.requests:
        mine = []
        for start in r.starts:
            var = model.new_bool_var(f"x{r.index}_{start}")
            x[r.index, start] = var
            mine.append(var)
            for slot in range(start, start + r.length):
                load[slot].append(var)
                for who in r.participants:
                    person_use[who, slot].append(var)
        if r.must:
            model.add_exactly_one(mine)
        else:
            model.add_at_most_one(mine)
            objective += [(MUTUAL_WEIGHT if r.mutual else WISH_WEIGHT) * v for v in mine]
    for slot, vars_ in load.items():
        model.add(sum(vars_) <= grid.capacity(slot))
    for vars_ in person_use.values():
        model.add_at_most_one(vars_)
    _plain_in_a_row(model, grid, person_use)
    model.maximize(cp_model.LinearExpr.sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, limit - (time.perf_counter() - started))
    solver.parameters.num_workers = workers
    first = _First(started)
    status = solver.solve(model, first)
    seconds = time.perf_counter() - started
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return STATUS[status], seconds, first.at, None, {}, len(x)
    gap = abs(solver.best_objective_bound - solver.objective_value) / max(
        1.0, abs(solver.objective_value))
    starts = {index: start for (index, start), var in x.items() if solver.value(var)}
    return STATUS[status], seconds, first.at, gap, starts, len(x)


def run_affiche(size: str, spec: Spec, limit: float, workers: int, seed: int,
                idle: bool = True) -> Run:
    festival = spec.festivals[0]
    started = time.perf_counter()
    grid = meeting_grid(spec, festival)
    built = time.perf_counter() - started
    solution = solve_meetings(grid, MeetingOptions(time_limit=limit - built,
                                                   workers=workers, seed=seed, idle=idle))
    seconds = time.perf_counter() - started
    first = None if solution.first_agenda_seconds is None else \
        built + solution.first_agenda_seconds
    schedule = meeting_schedule(spec, festival, grid, solution)
    problems = check_meetings(spec, festival, schedule.placements, schedule.unplaced)
    report = meeting_report(spec, festival, grid, schedule)
    variables = sum(len(r.starts) for r in grid.requests)
    return Run(size, "affiche" if idle else "affiche-no-idle", solution.status, seconds,
               first, solution.gap,
               report["by_priority"]["must"]["placed"], report["by_priority"]["wish"]["placed"],
               solution.floor, report["idle_minutes_per_participant_mean"], len(problems),
               variables)


def run_plain(size: str, spec: Spec, limit: float, workers: int) -> Run:
    """The time-indexed plain model, its agenda through the same tables, report and
    independent checker as affiche's."""
    festival = spec.festivals[0]
    started = time.perf_counter()
    grid = meeting_grid(spec, festival)
    built = time.perf_counter() - started
    status, seconds, first, gap, starts, count = plain_model(grid, limit - built, workers)
    if not starts:
        return Run(size, "plain-cpsat", status, built + seconds, None, None, 0, 0, 0, None,
                   None, count)
    solution = MeetingSolution(status, starts, tables=assign_tables(grid, starts),
                               unplaced={r.index: "not placed" for r in grid.requests
                                         if r.index not in starts})
    schedule = meeting_schedule(spec, festival, grid, solution)
    problems = check_meetings(spec, festival, schedule.placements, schedule.unplaced)
    report = meeting_report(spec, festival, grid, schedule)
    return Run(size, "plain-cpsat", status, built + seconds,
               None if first is None else built + first, gap,
               report["by_priority"]["must"]["placed"], report["by_priority"]["wish"]["placed"],
               agenda_floor(grid, starts), report["idle_minutes_per_participant_mean"],
               len(problems), count)


def agenda_floor(grid: MeetingGrid, starts: dict[int, int]) -> int:
    """The floor as affiche counts it: the fewest meetings of a participant, each capped
    by what they can have (their placeable requests, the slots)."""
    caps: dict[str, int] = defaultdict(int)
    count: dict[str, int] = defaultdict(int)
    for r in grid.requests:
        for who in r.participants:
            caps[who] += bool(r.starts)
            count[who] += r.index in starts
    caps = {who: min(cap, len(grid.slots)) for who, cap in caps.items() if cap}
    top = max(caps.values(), default=0)
    return min([top, *(count[w] for w, cap in caps.items() if count[w] < cap)])


def run_plain_tables(size: str, spec: Spec, limit: float, workers: int) -> Run:
    grid = meeting_grid(spec, spec.festivals[0])
    status, seconds, first, gap, musts, wishes, count = plain_table_model(grid, limit, workers)
    return Run(size, "plain-cpsat-tables", status, seconds, first, gap, musts, wishes, 0,
               None, None, count)


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
              plain: bool = True, tables: bool = True) -> list[dict[str, Any]]:
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
                if tables:
                    records.append(run_plain_tables(size, spec, limit, workers))
                    print(records[-1], flush=True)
    return summary(records)


COLUMNS = (("size", "size"), ("solver", "solver"), ("statuses", "status"),
           ("first_solution_seconds", "first complete agenda (s)"), ("seconds", "wall (s)"),
           ("gap", "gap"), ("musts_placed", "musts"), ("wishes_placed", "wishes"),
           ("floor", "floor"), ("idle_minutes_mean", "idle min / participant"),
           ("check_problems", "checker problems"), ("variables", "booleans"))


def _cell(key: str, value: Any) -> str:
    if value is None:
        return "-"
    if key == "gap":
        return f"{100 * value:.2f} %"
    if key == "statuses":
        return ", ".join(value)
    if isinstance(value, float):
        return f"{value:.1f}" if key != "first_solution_seconds" else f"{value:.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def markdown(rows: list[dict[str, Any]], runs: int, limit: float, workers: int) -> str:
    """The table `make bench` writes: medians per size and solver."""
    lines = [f"# Meetings: affiche against plain CP-SAT (medians of {runs} run(s), "
             f"{limit:g} s limit, {workers} workers)", "",
             "| " + " | ".join(title for _, title in COLUMNS) + " |",
             "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(_cell(key, row.get(key)) for key, _ in COLUMNS) + " |"
              for row in rows]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.meetings")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--time-limit", type=float, default=60.0)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--size", action="append", choices=sorted(SIZES), default=[])
    p.add_argument("--no-plain", action="store_true")
    p.add_argument("--no-tables", action="store_true",
                   help="skip the request x start x table model")
    p.add_argument("--out", type=Path, default=None, help="the medians as JSON")
    p.add_argument("--markdown", type=Path, default=None, help="the medians as a table")
    args = p.parse_args(argv)
    rows = benchmark(args.size or ["medium", "fabrique"], args.runs, args.time_limit,
                     args.workers, not args.no_plain, not args.no_tables)
    text = json.dumps(rows, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        table = markdown(rows, args.runs, args.time_limit, args.workers)
        args.markdown.write_text(table, encoding="utf-8")
        print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["Run", "asdict", "benchmark", "fabrique_spec", "markdown", "plain_model",
           "plain_table_model"]
