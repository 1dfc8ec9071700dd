"""One measurement in a fresh process; prints exactly one JSON line on stdout.

    python -m benchmarks.run_one INSTANCE [--solver affiche|baseline|conference-scheduler]
                                 [--time-limit S] [--no-check] [--no-audit]

Times are seconds from this module's first line (`started_epoch` lets the parent add the
interpreter start-up). `first_feasible_s` is load + build + model + the solver's time to its
first solution, so it is what a user waits for a first programme.

After the timed run (and its peak memory) the audit, for affiche: the programme written as
schedule.json is re-priced by `benchmarks.reprice` (the documented rules, not the solver's
code) and compared with the reported objective; and the greedy programme (the first
complete one, as the solve starts from) is rebuilt and priced, to show the answer is never
worse than it.
"""

from __future__ import annotations

import time

STARTED_EPOCH = time.time()
STARTED = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402

SOLVERS = ("affiche", "affiche-cpsat", "baseline", "conference-scheduler")


def _since_start() -> float:
    return time.perf_counter() - STARTED


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sizes(problem: Any) -> dict[str, int]:
    items = {occ.item for occ in problem.occurrences} | {u.item for u in problem.unplaceable}
    return {
        "items": len(items),
        "occurrences": len(problem.occurrences) + len(problem.unplaceable),
        "venues": len(problem.venues),
        "unplaceable": len(problem.unplaceable),
        "candidates": sum(len(occ.options) for occ in problem.occurrences),
    }


def _load(name: str) -> tuple[Any, Any, dict[str, float]]:
    from affiche.scheduler.problem import build_problem
    from benchmarks.instances import find_instance

    instance = find_instance(name)
    spec = instance.build()
    loaded = _since_start()
    problem = build_problem(spec)
    built = _since_start()
    return spec, problem, {"load_s": loaded, "build_s": built - loaded}


def _check(spec: Any, schedule: Any) -> int:
    from affiche.programmes.check import check_schedule

    return len(check_schedule(spec, schedule))


def _grid_violations(name: str, schedule: Any) -> int | None:
    """Grid instances: hard violations counted by the checker shared with the peer."""
    from benchmarks.grid import affiche_assignment, make_grid, violations
    from benchmarks.instances import grid_name

    parsed = grid_name(name)
    if parsed is None:
        return None
    grid = make_grid(*parsed)
    placed = {p.uid: p for p in schedule.placements}
    return violations(grid, affiche_assignment(grid, placed))


def reprice_record(spec: Any, schedule: Any) -> dict[str, Any]:
    """The written schedule.json re-priced independently, against the solver's objective."""
    import tempfile
    from pathlib import Path

    from benchmarks.reprice import compare, read_schedule

    with tempfile.TemporaryDirectory(prefix="affiche-bench-") as folder:
        path = Path(folder) / "schedule.json"
        path.write_text(schedule.model_dump_json(), encoding="utf-8")
        found = compare(spec, read_schedule(path))
    return {"repriced": found.total, "reprice_diff": found.difference,
            "reprice_families": {k: list(v) for k, v in found.differing().items()}}


def audit(spec: Any, schedule: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for what, run in (("reprice", lambda: reprice_record(spec, schedule)),):
        try:
            out.update(run())
        except Exception as error:  # reported beside the row, never a failed run
            out.setdefault("audit_errors", []).append(f"{what}: {type(error).__name__}: "
                                                      f"{error}")
    return out


def run_affiche(
    name: str, time_limit: float, check: bool, shortcut: bool = True, audited: bool = True
) -> dict[str, Any]:
    """The product's own path (`plan()`), its stages timed by it; the check counted here."""
    from affiche.scheduler.plan import NoPlan, PlanOptions, plan
    from benchmarks.instances import find_instance

    spec = find_instance(name).build()
    began = _since_start()
    options = PlanOptions(time_limit=time_limit, shortcut=shortcut, refuse_unplaceable=False,
                          check=False, explain=False)
    try:
        planned = plan(spec, (), options)
        summary, timings, schedule = planned.summary, planned.timings, planned.schedule
    except NoPlan as error:
        summary, timings, schedule = error.summary, error.timings, None
    called = began + timings["load"] + timings["build"]
    returned = called + timings["solve"]
    out: dict[str, Any] = {"load_s": began, "build_s": timings["load"] + timings["build"]}
    out.update(items=summary.items, occurrences=summary.occurrences, venues=summary.venues,
               unplaceable=summary.unplaceable, candidates=summary.candidates)
    overhead = max(0.0, returned - called - summary.wall_seconds)  # model, hint, read-back
    first = summary.first_solution_seconds
    out.update(
        status=summary.status, objective=summary.objective, bound=summary.bound,
        gap=summary.gap, solver_first_s=first, solver_wall_s=summary.wall_seconds,
        first_feasible_s=None if first is None else min(returned, called + overhead + first),
        final_s=returned, solve_call_s=returned - called, peak_mb=_peak_mb(),
    )
    if schedule is not None:
        out["violations"] = _grid_violations(name, schedule)
        if check and out["violations"] is None:
            out["violations"] = _check(planned.spec, schedule)
        if audited and summary.objective is not None:
            out.update(audit(planned.spec, schedule))
    # the same run's first complete programme, counted in full (what "never worse" means)
    out["first_complete_objective"] = summary.first_objective
    return out


def run_baseline(name: str, time_limit: float) -> dict[str, Any]:
    from benchmarks.baseline import solve_baseline

    _spec, problem, out = _load(name)
    called = _since_start()
    result = solve_baseline(problem, time_limit)
    returned = _since_start()
    out.update(_sizes(problem))
    overhead = max(0.0, returned - called - result.wall_seconds)
    out.update(
        status=result.status, solver_first_s=result.first_solution_seconds,
        solver_wall_s=result.wall_seconds,
        first_feasible_s=None if result.first_solution_seconds is None
        else min(returned, called + overhead + result.first_solution_seconds),
        final_s=returned, peak_mb=_peak_mb(),
    )
    return out


def run_conference_scheduler(name: str, time_limit: float) -> dict[str, Any]:
    from benchmarks.grid import make_grid, solve_with_conference_scheduler
    from benchmarks.instances import grid_name

    parsed = grid_name(name)
    if parsed is None:
        raise ValueError("conference_scheduler runs only the grid instances")
    grid = make_grid(*parsed)
    loaded = _since_start()
    out: dict[str, Any] = {"load_s": loaded, "items": len(grid.events),
                           "occurrences": len(grid.events), "venues": grid.room_count}
    out.update(solve_with_conference_scheduler(grid, time_limit))
    out.update(final_s=_since_start(), peak_mb=_peak_mb(), objective=0.0)
    out["first_feasible_s"] = out["final_s"] if out["status"] == "feasible" else None
    return out


def measure(
    name: str, solver: str, time_limit: float, check: bool = True, audited: bool = True
) -> dict[str, Any]:
    """Run one solver on one instance here, in this process."""
    record: dict[str, Any] = {"instance": name, "solver": solver, "time_limit": time_limit,
                              "started_epoch": STARTED_EPOCH}
    try:
        if solver in ("affiche", "affiche-cpsat"):
            record.update(run_affiche(name, time_limit, check, shortcut=solver == "affiche",
                                      audited=audited))
        elif solver == "baseline":
            record.update(run_baseline(name, time_limit))
        else:
            record.update(run_conference_scheduler(name, time_limit))
    except Exception as error:  # reported in the table, never a crash of the harness
        record.update(status="error", error=f"{type(error).__name__}: {error}")
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run_one")
    parser.add_argument("instance")
    parser.add_argument("--solver", choices=SOLVERS, default="affiche")
    parser.add_argument("--time-limit", type=float, default=None,
                        help="default: the instance's own (gen3/200@20s), else 60")
    parser.add_argument("--no-check", action="store_true",
                        help="skip re-checking the programme (programmes/check.py)")
    parser.add_argument("--no-audit", action="store_true",
                        help="skip the re-pricing and the first complete programme")
    args = parser.parse_args(argv)
    if args.time_limit is None:
        from benchmarks.instances import find_instance

        args.time_limit = find_instance(args.instance).time_limit or 60.0
    record = measure(args.instance, args.solver, args.time_limit, not args.no_check,
                     not args.no_audit)
    print(json.dumps(record), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
