"""The `affiche` command: solve, check, publish, serve, demo.

Exit codes: 0 done; 1 no programme (infeasible, or nothing found in the time limit, or a
check that fails); 2 a spec or command-line problem, reported with file, line and field.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from affiche.programmes.changes import Changes
from affiche.programmes.check import check_schedule
from affiche.programmes.errors import SpecError
from affiche.programmes.examples import bundled_specs
from affiche.programmes.loader import LoadedSpec, load_specs
from affiche.programmes.publish.versions import PublishError
from affiche.programmes.schedule import Schedule, load_schedule, save_schedule
from affiche.scheduler.plan import (
    BadPins,
    FitsNowhere,
    NoPlan,
    Plan,
    PlanOptions,
    SolveSummary,
    plan,
)

EXIT_OK, EXIT_NO_PROGRAMME, EXIT_BAD_INPUT = 0, 1, 2
AddParser = Callable[[Any], None]  # adds one subcommand to the subparsers it is given


class CommandError(Exception):
    """A problem with what the user asked for; printed, never a traceback."""

    def __init__(self, message: str, code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.code = code


def _first_lines(text: str, count: int = 6) -> str:
    """A long library message cut to its first lines, without pydantic's doc links."""
    lines = [line for line in text.splitlines() if "errors.pydantic.dev" not in line]
    return "\n".join(lines[:count]) + ("\n  …" if len(lines) > count else "")


def say(message: str = "") -> None:
    print(message, flush=True)


def warn(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load(
    paths: Sequence[Path], keep_times: bool = False, timezone: str | None = None
) -> LoadedSpec:
    try:
        loaded = load_specs(list(paths), keep_times=keep_times, timezone=timezone)
    except SpecError as error:
        raise CommandError(_spec_problems(error)) from None
    for message in loaded.warnings:
        warn(f"warning: {message}")
    return loaded


def _spec_problems(error: SpecError) -> str:
    return "the spec has problems:\n" + "\n".join(f"  {issue}" for issue in error.issues)


def print_result(summary: SolveSummary) -> None:
    say(f"status: {summary.status}")
    if summary.objective is not None:
        say(f"objective: {summary.objective:g}")
        say(f"bound: {'unknown' if summary.bound is None else format(summary.bound, 'g')}")
        gap = summary.gap
        say(f"gap: {'unknown' if gap is None else format(100 * gap, '.2f') + '%'}")
        if gap is not None:
            say(f"within {100 * gap:.1f} % of the best possible")
        if summary.bounds:
            parts = ", ".join(f"{part} {bound:g}" for part, bound in summary.bounds.items())
            say(f"every programme pays at least: {parts}")
    say(f"placed: {summary.placed} of {summary.occurrences} occurrences")
    say(f"time: {summary.wall_seconds:.2f}s")
    for family, cost in sorted(summary.terms.items()):
        say(f"  {family}: {cost:g}")
    for note in summary.notes:
        say(f"note: {note}")


def print_changes(changes: Changes) -> None:
    say(f"changes: {len(changes.kept)} kept, {len(changes.moved)} moved, "
        f"{len(changes.cancelled)} cancelled, {len(changes.new)} new "
        f"({100 * changes.kept_share:.1f}% of surviving published occurrences kept)")
    for uid, move in changes.moved:
        say(f"  moved: {uid}: {move}")
    for uid in changes.cancelled:
        say(f"  cancelled: {uid}")
    for uid in changes.new:
        say(f"  new: {uid}")
    if changes.artists_to_tell:
        say(f"  artists to tell (their feeds change at the next publish): "
            f"{', '.join(changes.artists_to_tell)}")


def _plan(paths: Sequence[Path], out: Path, args: argparse.Namespace) -> Plan:
    """`plan()` with the command line's options; its refusals as CommandErrors."""
    from_scratch = getattr(args, "from_scratch", False)
    options = PlanOptions(
        time_limit=args.time_limit,
        workers=args.workers,
        allow_unplaced=args.allow_unplaced,
        keep_times=args.keep_times,
        timezone=getattr(args, "timezone", None),
        verbose=getattr(args, "verbose", False),
        published=None if from_scratch else out,
        progress=warn,
        steps=_replan_step,
    )
    try:
        return plan(list(paths), getattr(args, "pin", None) or [], options)
    except BadPins as error:
        raise CommandError(
            "bad --pin:\n" + "\n".join(f"  {issue}" for issue in error.issues)
        ) from None
    except SpecError as error:
        raise CommandError(_spec_problems(error)) from None
    except FitsNowhere as error:
        raise CommandError(
            "some items fit nowhere, whatever the rest of the programme:\n"
            + "\n".join(f"  {line}" for line in dict.fromkeys(error.located))  # once per item
            + "\n(fix the spec, or use --allow-unplaced to programme the rest)",
            EXIT_NO_PROGRAMME,  # the spec is well formed; no programme can hold the item
        ) from None
    except PublishError as error:
        raise CommandError(f"{error} (use --from-scratch to ignore it)") from None
    except NoPlan as error:
        print_result(error.summary)
        raise CommandError(str(error), EXIT_NO_PROGRAMME) from None


def _replan_step(line: str) -> None:
    """Of the pipeline's steps, the command line prints the warnings and the re-planning."""
    if line.startswith("warning: "):
        warn(line)
    elif line.startswith("re-planning"):
        say(f"{line} (--from-scratch ignores them)")


def solve_to(paths: Sequence[Path], out: Path, args: argparse.Namespace) -> Schedule:
    if out.exists() and not out.is_dir():
        raise CommandError(f"{out} exists and is not a folder")
    planned = _plan(paths, out, args)
    print_result(planned.summary)
    schedule = planned.schedule
    save_schedule(schedule, out)
    if planned.changes is not None:
        print_changes(planned.changes)
    for unplaced in schedule.unplaced:
        warn(f"unplaced: {unplaced.uid}: {unplaced.reason}")
    say(f"wrote {out / 'schedule.json'} ({len(schedule.placements)} placements)")
    if getattr(args, "report", False):
        from affiche.programmes.report import write_report

        summary = planned.summary
        write_report(schedule, summary.terms, summary.violations, out / "report.html")
        say(f"wrote {out / 'report.html'}")
    return schedule


def publish(out: Path, base_url: str | None = None) -> None:
    from affiche.programmes.publish import PublishError, publish_directory

    if not (out / "schedule.json").is_file():
        raise CommandError(f"{out} holds no schedule.json: run 'affiche solve' first")
    try:
        result = publish_directory(out, base_url=base_url, progress=publish_progress())
    except PublishError as error:
        raise CommandError(f"nothing published: {_first_lines(str(error))}") from None
    say(f"published version {result.version} in {out}")


def publish_progress() -> Callable[[str], None]:
    """Print each publishing step with the seconds since the publish began."""
    began = time.perf_counter()

    def report(step: str) -> None:  # one write per line: the booklets report from a thread
        sys.stdout.write(f"  publishing: {step} ({time.perf_counter() - began:.1f} s)\n")
        sys.stdout.flush()

    return report


def cmd_solve(args: argparse.Namespace) -> int:
    solve_to(args.specs, args.out, args)
    if args.publish:
        publish(args.out, args.base_url)
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    loaded = load(args.specs, timezone=args.timezone)
    try:
        schedule = load_schedule(args.dir)
    except FileNotFoundError:
        raise CommandError(f"{args.dir} holds no schedule.json") from None
    except NotADirectoryError:
        raise CommandError(f"{args.dir} is a file: give the folder that holds schedule.json "
                           "(the one 'affiche solve --out' wrote)") from None
    except OSError as error:
        raise CommandError(f"{args.dir / 'schedule.json'}: cannot read it "
                           f"({error.strerror})") from None
    except ValueError as error:
        path = args.dir / "schedule.json"
        raise CommandError(f"{path} is not a valid schedule: {_first_lines(str(error))}") from None
    problems = check_schedule(loaded.spec, schedule)
    if problems:
        say(f"{len(problems)} problems:")
        for problem in problems:
            say(f"  {problem}")
        return EXIT_NO_PROGRAMME
    say(f"ok: {len(schedule.placements)} placements satisfy every hard constraint")
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from affiche.programmes.spreadsheet_template import write_template

    if args.file.suffix.lower() != ".xlsx":
        raise CommandError(f"{args.file}: the template is an .xlsx workbook")
    write_template(args.file)
    say(f"wrote {args.file}: fill it in, then 'affiche solve {args.file} --out DIR'")
    return EXIT_OK


def cmd_publish(args: argparse.Namespace) -> int:
    publish(args.dir, args.base_url)
    return EXIT_OK


def serve(
    directory: Path, host: str, port: int, db: str | None = None, workers: int = 1,
    header_timeout: float | None = None,
) -> None:
    from affiche.web.serving import HEADER_TIMEOUT, run

    run(directory, host=host, port=port, db=db, workers=workers,
        header_timeout=header_timeout or HEADER_TIMEOUT)


def cmd_serve(args: argparse.Namespace) -> int:
    if args.dir.exists() and not args.dir.is_dir():
        raise CommandError(f"{args.dir} exists and is not a folder")
    if not (args.dir / "schedule.json").is_file():
        args.dir.mkdir(parents=True, exist_ok=True)
        say(f"{args.dir} holds no programme yet: upload a spec on "
            f"http://{args.host}:{args.port}/producer, then solve and publish there")
    serve(args.dir, args.host, args.port, args.db, args.workers, args.header_timeout)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    args.keep_times, args.allow_unplaced, args.from_scratch = False, False, True
    say(f"solving the bundled festivals: {', '.join(p.name for p in bundled_specs())}")
    solve_to(bundled_specs(), args.out, args)
    publish(args.out, f"http://{args.host}:{args.port}")
    if not args.no_serve:
        say(f"serving the programme on http://{args.host}:{args.port} (Ctrl-C stops)")
        serve(args.out, args.host, args.port)
    return EXIT_OK


def _workers(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= count <= 64:
        raise argparse.ArgumentTypeError(f"between 1 and 64, not {count}")
    return count


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0.1 <= value <= 3600:
        raise argparse.ArgumentTypeError(f"between 0.1 and 3600 seconds, not {value:g}")
    return value


def _solver_flags(parser: argparse.ArgumentParser, time_limit: float = 30.0) -> None:
    parser.add_argument("--time-limit", type=float, default=time_limit, metavar="S",
                        help=f"seconds the solver may take (default {time_limit:g})")
    parser.add_argument("--workers", type=int, default=0, metavar="N",
                        help="solver threads (default: one per core)")


def _timezone_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--timezone", default=None, metavar="ZONE",
                        help="frab imports: the IANA time zone of a file that names none")
    parser.add_argument("--verbose", action="store_true",
                        help="frab imports: list every case of each summarised warning")


def parser(extra: Sequence[AddParser] = ()) -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="affiche", description=__doc__.splitlines()[0])
    commands = main.add_subparsers(dest="command", required=True)

    p = commands.add_parser("solve", help="solve spec(s) into DIR/schedule.json")
    p.add_argument("specs", nargs="+", type=Path, metavar="SPEC")
    p.add_argument("--out", type=Path, required=True, metavar="DIR")
    _solver_flags(p)
    p.add_argument("--keep-times", action="store_true",
                   help="frab imports: pin events at their published times")
    _timezone_flag(p)
    p.add_argument("--allow-unplaced", action="store_true",
                   help="programme what fits and list the rest")
    p.add_argument("--publish", action="store_true", help="publish after solving")
    p.add_argument("--report", action="store_true", help="write DIR/report.html")
    p.add_argument("--pin", action="append", default=[], metavar="ITEM[#N]=[VENUE][@WHEN]",
                   help="pin an occurrence to a venue, a start or a day (repeatable)")
    p.add_argument("--from-scratch", action="store_true",
                   help="ignore the version published in DIR (default: re-plan against it)")
    p.add_argument("--base-url", default=None, help="public URL of the programme pages")
    p.set_defaults(run=cmd_solve)

    p = commands.add_parser("check", help="re-verify DIR/schedule.json against the spec")
    p.add_argument("specs", nargs="+", type=Path, metavar="SPEC")
    p.add_argument("dir", type=Path, metavar="DIR")
    _timezone_flag(p)
    p.set_defaults(run=cmd_check)

    p = commands.add_parser("template", help="write a spreadsheet template to fill in")
    p.add_argument("file", type=Path, metavar="FILE.xlsx")
    p.set_defaults(run=cmd_template)

    p = commands.add_parser("publish", help="write iCal feeds, PDF, frab exports into DIR")
    p.add_argument("dir", type=Path, metavar="DIR")
    p.add_argument("--base-url", default=None)
    p.set_defaults(run=cmd_publish)

    p = commands.add_parser("serve", help="serve the programme in DIR on the web")
    p.add_argument("dir", type=Path, metavar="DIR")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--db", default=None, metavar="URL",
                   help="SQLAlchemy URL of the store, e.g. postgresql+psycopg://… "
                        "(default: DIR/affiche.db, or AFFICHE_DB)")
    p.add_argument("--workers", type=_workers, default=1, metavar="N",
                   help="server processes (default 1; about one per core in production)")
    p.add_argument("--header-timeout", type=_seconds, default=None, metavar="S",
                   help="close a connection whose request head is not in after S seconds "
                        "(default 10)")
    p.set_defaults(run=cmd_serve)

    p = commands.add_parser("demo", help="solve, publish and serve the bundled festivals")
    p.add_argument("--out", type=Path, default=Path("demo-out"), metavar="DIR")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-serve", action="store_true", help="stop after publishing")
    _solver_flags(p, time_limit=10.0)
    p.set_defaults(run=cmd_demo)
    for add_parser in extra:  # commands of their own modules (cli/meetings.py)
        add_parser(commands)
    return main


def main(argv: Sequence[str] | None = None, extra: Sequence[AddParser] = ()) -> int:
    args = parser(extra).parse_args(argv)
    try:
        return args.run(args)
    except CommandError as error:
        warn(f"affiche: {error}")
        return error.code
    except KeyboardInterrupt:
        warn("affiche: stopped")
        return 130
    except Exception as error:  # a bug: say so plainly; AFFICHE_DEBUG=1 shows the trace
        if os.environ.get("AFFICHE_DEBUG"):
            raise
        warn(f"affiche: internal error: {error!r} (run with AFFICHE_DEBUG=1 for details, "
             "and please report it)")
        return 70


if __name__ == "__main__":
    sys.exit(main())
