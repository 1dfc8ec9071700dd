"""`make bench`: every instance in fresh processes, several runs each, peers side by side.

    python -m benchmarks [--runs N] [--quick] [--only PATTERN] [--instance NAME ...]
                         [--time-limit S] [--no-peers] [--peer-timeout S] [--out DIR]
    python -m benchmarks --from results/latest.json [--from more.json]   # report only

Writes DIR/latest.md (tables and targets) and DIR/latest.png (needs matplotlib).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.instances import Instance, all_instances, find_instance, matches
from benchmarks.publish import publish_rows
from benchmarks.report import Record, group_records, markdown, results_table, write_plot

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "previous.json"
FULL_TIME_LIMIT, QUICK_TIME_LIMIT = 60.0, 10.0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=3, help="runs per instance (default 3)")
    p.add_argument("--quick", action="store_true", help="a fast subset, 10 s limit")
    p.add_argument("--only", metavar="PATTERN", help="instances matching a glob or substring")
    p.add_argument("--instance", action="append", default=[], metavar="NAME",
                   help="run this instance by name (repeatable; also gen/N, grid/N, "
                        "grid/N@FILE, grid@FILE)")
    p.add_argument("--time-limit", type=float, default=None, metavar="S",
                   help=f"solver limit per run (default {FULL_TIME_LIMIT:g}, "
                        f"--quick {QUICK_TIME_LIMIT:g})")
    p.add_argument("--no-peers", action="store_true",
                   help="skip the plain CP-SAT baseline and conference_scheduler")
    p.add_argument("--peer-timeout", type=float, default=600.0, metavar="S",
                   help="conference_scheduler: CBC limit and process timeout (default 600)")
    p.add_argument("--out", type=Path, default=RESULTS, metavar="DIR")
    p.add_argument("--previous", type=Path, default=None, metavar="JSON",
                   help="a recorded latest.json shown beside this run (generated series; "
                        "default: DIR/latest.json this run replaces, else "
                        "benchmarks/snapshots/previous.json)")
    p.add_argument("--from", dest="sources", type=Path, action="append", default=[],
                   metavar="JSON", help="no runs: rebuild the report from recorded "
                                        "latest.json files (repeatable, merged)")
    return p


def selected(args: argparse.Namespace) -> list[Instance]:
    if args.instance:
        return [find_instance(name) for name in args.instance]
    return [i for i in all_instances(args.quick) if matches(i.name, args.only)]


def _parse_child(stdout: str) -> Record | None:
    for line in reversed(stdout.splitlines()):
        if line.startswith("{"):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                return None
    return None


def _failed(name: str, solver: str, status: str, detail: str) -> Record:
    return {"instance": name, "solver": solver, "status": status, "error": detail}


def run_process(name: str, solver: str, time_limit: float, timeout: float) -> Record:
    """One run in a fresh `python -m benchmarks.run_one` process, timed from its spawn."""
    command = [sys.executable, "-m", "benchmarks.run_one", name, "--solver", solver,
               "--time-limit", f"{time_limit:g}"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                                  os.environ.get("PYTHONPATH")]))}
    spawned = time.time()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              cwd=ROOT, env=env, check=False)
    except subprocess.TimeoutExpired:
        return _failed(name, solver, "timeout", f"killed after {timeout:g} s")
    record = _parse_child(done.stdout)
    if record is None:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return _failed(name, solver, "error", f"exit {done.returncode}: {tail[:200]}")
    startup = record.get("started_epoch", spawned) - spawned
    record["startup_s"] = startup
    for key, into in (("first_feasible_s", "first_feasible_process_s"),
                      ("final_s", "final_process_s")):
        if record.get(key) is not None:
            record[into] = startup + record[key]
    return record


def _say(record: Record) -> None:
    first = record.get("first_feasible_process_s")
    first_text = "–" if first is None else f"{first:.2f}s"
    print(f"  {record['solver']:<20} {record.get('status', '?'):<12} first feasible "
          f"{first_text:>8}  final {record.get('final_process_s') or 0:.2f}s"
          + (f"  ({record['error']})" if record.get("error") else ""), flush=True)


def conference_scheduler_note() -> str | None:
    """Why conference_scheduler did not run, or None when it can."""
    if importlib.util.find_spec("conference_scheduler") is None:
        return ("conference_scheduler is not installed (`pip install conference-scheduler`): "
                "its rows are missing.")
    return None


def instance_limit(instance: Instance, limit: float, quick: bool) -> float:
    """An instance's own limit (`gen3/200@20s`) holds, but never above --quick's."""
    if instance.time_limit is None:
        return limit
    return min(instance.time_limit, limit) if quick else instance.time_limit


def measure_all(instances: list[Instance], args: argparse.Namespace, limit: float) -> list[Record]:
    records: list[Record] = []
    peer_ok = conference_scheduler_note() is None
    for instance in instances:
        print(f"{instance.name}", flush=True)
        if instance.prepare is not None:
            try:
                instance.prepare()
            except (OSError, ValueError) as error:
                print(f"  cannot build it: {error}", flush=True)
                records.append(_failed(instance.name, "affiche", "error", str(error)))
                continue
        own = instance_limit(instance, limit, args.quick)
        jobs: list[tuple[str, float, float]] = [("affiche", own, own * 2 + 120)] * args.runs
        if not args.no_peers:
            jobs.append(("baseline", own, own * 2 + 120))
            if instance.group == "grid" and peer_ok:
                jobs.append(("affiche-cpsat", own, own * 2 + 120))
                jobs.append(("conference-scheduler", args.peer_timeout, args.peer_timeout + 60))
        for solver, solver_limit, timeout in jobs:
            record = run_process(instance.name, solver, solver_limit, timeout)
            record["time_limit"] = solver_limit
            _say(record)
            records.append(record)
    return records


def header(args: argparse.Namespace, limit: float) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if args.sources:
        files = ", ".join(str(p) for p in args.sources)
        return (f"Report rebuilt {now} from recorded runs ({files}) on {os.cpu_count()} cores; "
                "runs per instance and time limits are in the tables and targets.")
    return (f"Measured {now} on {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, `python -m benchmarks "
            f"{' '.join(sys.argv[1:]) or '(defaults)'}`: {args.runs} run(s) per instance, "
            f"solver time limit {limit:g} s, one run per peer.")


def previous_path(args: argparse.Namespace) -> Path | None:
    """--previous, else the report this run replaces (not when rebuilding from it), else
    the committed snapshot."""
    if args.previous:
        return Path(args.previous)
    replaced = args.out / "latest.json"
    if replaced.is_file() and all(replaced.resolve() != p.resolve() for p in args.sources):
        return replaced
    return SNAPSHOT if SNAPSHOT.is_file() else None


def write_results(records: list[Record], args: argparse.Namespace, limit: float) -> Path:
    summaries = group_records(records)
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / "latest.md"
    source = previous_path(args)
    previous = group_records(json.loads(source.read_text("utf-8"))) if source else None
    shown = source.resolve().relative_to(ROOT) if source and source.resolve().is_relative_to(
        ROOT) else source
    said = header(args, limit) + (f" Previous snapshot: `{shown}`." if source else "")
    target.write_text(markdown(summaries, said, conference_scheduler_note(), previous),
                      encoding="utf-8")
    (args.out / "latest.json").write_text(json.dumps(records, indent=1), encoding="utf-8")
    if not write_plot(summaries, args.out / "latest.png"):
        print("matplotlib is not installed: no latest.png (add it to a `bench` extra)")
    print()
    print(results_table(summaries))
    return target


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    limit = args.time_limit or (QUICK_TIME_LIMIT if args.quick else FULL_TIME_LIMIT)
    if args.sources:
        records = [r for path in args.sources for r in json.loads(path.read_text("utf-8"))]
        print(f"\nwrote {write_results(records, args, limit)}")
        return 0
    instances = selected(args)
    if not instances:
        print("no instance matches", file=sys.stderr)
        return 2
    records = measure_all(instances, args, limit)
    target = write_results(records, args, limit)
    publish_rows(args, target)  # the publish section (benchmarks/publish.py)
    print(f"\nwrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
