"""`affiche meetings SPEC... --out DIR`: one-to-one meetings, around the programme.

The festival's own items come first: DIR/schedule.json if it is there (from `affiche
solve`), else they are solved now into it. Then each festival's meetings are solved around
them and written, private, to DIR/meetings/ (one folder per festival when there are
several): schedule.json, ical/<participant>.ics, tables/, report.md and report.json.
When that folder already holds agendas (sent to the participants), the solve re-plans
against them by default, as `affiche solve` does against the published programme: a late
cancellation or a new request moves as few confirmed meetings as possible.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from affiche.cli.commands import EXIT_NO_PROGRAMME, EXIT_OK, CommandError, load, say, solve_to
from affiche.programmes.errors import SpecError
from affiche.programmes.meetings import MeetingGrid, meeting_grid, meeting_sections, set_previous
from affiche.programmes.meetings_check import check_meetings
from affiche.programmes.meetings_output import meeting_schedule, write_meeting_outputs
from affiche.programmes.meetings_sheet import add_requests
from affiche.programmes.model import Festival, Spec
from affiche.programmes.schedule import Placement, load_schedule
from affiche.scheduler.meetings import MeetingOptions, solve_meetings


def add_parser(commands: Any) -> None:
    p = commands.add_parser("meetings", help="solve one-to-one meetings into DIR/meetings/")
    p.add_argument("specs", nargs="+", type=Path, metavar="SPEC")
    p.add_argument("--out", type=Path, required=True, metavar="DIR")
    p.add_argument("--time-limit", type=float, default=60.0, metavar="S",
                   help="seconds for the meetings solve, per festival (default 60)")
    p.add_argument("--workers", type=int, default=0, metavar="N",
                   help="solver threads (default: one per core)")
    p.add_argument("--requests", type=Path, default=None, metavar="FILE",
                   help="more requests from a b2match-style export: a 'requests' sheet "
                        "(.xlsx) or .csv with requester, requested, priority")
    p.add_argument("--no-idle", action="store_true",
                   help="drop the soft term on idle gaps (a smaller model)")
    p.add_argument("--from-scratch", action="store_true",
                   help="ignore the agendas already in DIR/meetings/ (default: re-plan "
                        "against them, moving as few confirmed meetings as possible)")
    p.set_defaults(run=cmd_meetings)


def _programme(specs: list[Path], out: Path, args: argparse.Namespace,
               has_items: bool) -> list[Placement]:
    if (out / "schedule.json").is_file():
        return load_schedule(out).placements
    if not has_items:
        return []
    say("solving the festival's own items first (their times block the participants')")
    main = argparse.Namespace(keep_times=False, allow_unplaced=True, from_scratch=True,
                              pin=[], report=False, time_limit=min(args.time_limit, 30.0),
                              workers=args.workers)
    return solve_to(specs, out, main).placements


def _add_sheet(spec: Spec, festivals: list[Festival], path: Path) -> None:
    if len(festivals) > 1:
        raise CommandError("--requests: several festivals have meetings; give one spec")
    try:
        added = add_requests(spec, festivals[0], path)
    except SpecError as error:
        raise CommandError("the requests sheet has problems:\n"
                           + "\n".join(f"  {issue}" for issue in error.issues)) from None
    say(f"{path}: {added} requests added")


def _replan(grid: MeetingGrid, folder: Path, from_scratch: bool) -> int | None:
    """Confirmed meetings of the previous agendas in `folder`; None: nothing to re-plan."""
    if from_scratch or not (folder / "schedule.json").is_file():
        return None
    try:
        previous = load_schedule(folder).placements
    except (OSError, ValueError) as error:
        raise CommandError(f"{folder / 'schedule.json'}: cannot read the previous agendas: "
                           f"{_short(error)} (use --from-scratch to ignore them)") from None
    recorded, confirmed = set_previous(grid, previous)
    say(f"re-planning against the previous agendas: {recorded} of {confirmed} confirmed "
        "meetings still asked for at a possible time")
    return confirmed


def _short(error: Exception) -> str:
    return str(error).splitlines()[0][:300]


def cmd_meetings(args: argparse.Namespace) -> int:
    loaded = load(args.specs)
    festivals = meeting_sections(loaded.spec)
    if not festivals:
        raise CommandError("no festival in the spec has a 'meetings' section")
    if args.out.exists() and not args.out.is_dir():
        raise CommandError(f"{args.out} exists and is not a folder")
    if args.requests is not None:
        _add_sheet(loaded.spec, festivals, args.requests)
    has_items = any(f.items for f in loaded.spec.festivals)
    placements = _programme(list(args.specs), args.out, args, has_items)
    code = EXIT_OK
    for festival in festivals:
        grid = meeting_grid(loaded.spec, festival, placements)
        folder = args.out / "meetings" if len(festivals) == 1 else \
            args.out / "meetings" / festival.id
        confirmed = _replan(grid, folder, getattr(args, "from_scratch", False))
        options = MeetingOptions(time_limit=args.time_limit, workers=args.workers,
                                 idle=not args.no_idle)
        solution = solve_meetings(grid, options)
        schedule = meeting_schedule(loaded.spec, festival, grid, solution)
        report = write_meeting_outputs(loaded.spec, festival, grid, schedule, folder)
        gap = "unknown" if solution.gap is None else f"{100 * solution.gap:.2f}%"
        first = "" if solution.first_agenda_seconds is None else \
            f" (first complete agenda after {solution.first_agenda_seconds:.1f} s)"
        say(f"{festival.id}: {solution.status}, gap {gap}, {solution.wall_seconds:.1f} s{first}")
        for priority, counts in report["by_priority"].items():
            say(f"  {priority}: {counts['placed']} of {counts['asked']} placed")
        say(f"  fewest meetings of a participant: {solution.floor}")
        if confirmed is not None:
            say(f"  re-plan: {solution.kept} of {confirmed} confirmed meetings kept at their "
                f"time, {confirmed - solution.kept} moved or cancelled")
        if solution.musts != "all placed":
            say(f"  musts: {solution.musts}: some cannot be placed")
            for request in grid.requests:
                if request.must and request.index in solution.unplaced:
                    say(f"  unplaced must {' / '.join(request.participants)}: "
                        f"{solution.unplaced[request.index]}")
        problems = check_meetings(loaded.spec, festival, schedule.placements,
                                  schedule.unplaced, placements)
        for problem in problems:
            say(f"  check: {problem}")
        if problems or solution.musts != "all placed" or \
                solution.status in ("infeasible", "unknown", "invalid"):
            code = EXIT_NO_PROGRAMME
        say(f"wrote {folder}")
    return code
