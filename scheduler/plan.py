"""The one planning path: load, pin, build, re-plan against the published version, solve,
assemble, check. The command line, the web worker and the benchmarks all call `plan()`.

The answer is plain data (`Plan`): the checked `Schedule`, a `SolveSummary`, the warnings
and the `Changes` against the version published in `PlanOptions.published` (re-planning is
the default wherever the callers have a published folder; `published=None` plans from
scratch). What stops a plan is an exception that says why in the producer's words:
`SpecError` (the specs), `BadPins` (strict pins), `FitsNowhere`, `PublishError` (an
unreadable published version) and `NoProgramme` (infeasible, out of time, or a failed check).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from affiche.programmes.changes import Changes, compare, load_latest_version, placements_of
from affiche.programmes.errors import SpecError, SpecIssue
from affiche.programmes.loader import LoadedSpec, load_specs
from affiche.programmes.model import Spec
from affiche.programmes.pins import PinRequest, apply_pins
from affiche.programmes.schedule import Schedule
from affiche.scheduler.assemble import NoProgramme, assemble_schedule, checked_schedule
from affiche.scheduler.problem import Problem, build_problem, set_previous
from affiche.scheduler.solve import SolveOptions, SolveResult, solve

__all__ = [
    "BadPins", "FitsNowhere", "NoPlan", "NoProgramme", "Plan", "PlanOptions", "SolveSummary",
    "SpecText", "load_texts", "plan",
]

SUFFIX = {"yaml": ".yaml", "frab-xml": ".xml", "frab-json": ".json"}
Say = Callable[[str], None]


@dataclass(frozen=True)
class SpecText:
    """A spec kept as text (an upload): its name, format and content."""

    name: str
    format: str
    content: str

    @property
    def filename(self) -> str:
        return self.name + SUFFIX[self.format]


class BadPins(SpecError):
    """Strict pins that do not fit the spec (each one located by its text)."""


class FitsNowhere(Exception):
    """Items no programme can place, whatever the rest: located and plain reasons."""

    def __init__(self, located: list[str], reasons: list[str]) -> None:
        super().__init__("some items fit nowhere: " + "; ".join(reasons))
        self.located = located
        self.reasons = reasons


@dataclass(frozen=True)
class PlanOptions:
    time_limit: float = 30.0
    workers: int = 0
    allow_unplaced: bool = False
    keep_times: bool = False
    timezone: str | None = None  # frab imports that name no zone
    verbose: bool = False  # every case of the import's summarised warnings
    strict_pins: bool = True  # False: stale pins are skipped with a warning (stored pins)
    published: Path | None = None  # the folder whose latest version to re-plan against
    refuse_unplaceable: bool = True  # False: solve what fits (the benchmarks measure so)
    check: bool = True  # False: assemble without the independent check (benchmarks)
    explain: bool = True  # False: an infeasible plan is not explained (benchmarks)
    shortcut: bool = True  # False: always CP-SAT
    progress: Say | None = None  # the solver's progress lines
    steps: Say | None = None  # the pipeline's own steps, in words


@dataclass(frozen=True)
class SolveSummary:
    """What the solve did, as plain data."""

    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    wall_seconds: float
    first_solution_seconds: float | None
    placed: int
    occurrences: int  # every occurrence of the spec, placeable or not
    unplaceable: int
    items: int
    venues: int
    candidates: int  # (occurrence, venue) options after the hard filters
    first_objective: float | None = None  # the first complete programme's cost (if one)
    terms: dict[str, float] = field(default_factory=dict)
    bounds: dict[str, float] = field(default_factory=dict)  # the bound's parts, by family
    violations: list[Any] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "objective": self.objective, "bound": self.bound,
                "gap": self.gap, "wall_seconds": self.wall_seconds,
                "terms": dict(self.terms), "bounds": dict(self.bounds)}


@dataclass
class Plan:
    spec: Spec  # as solved: with the pins applied
    schedule: Schedule
    summary: SolveSummary
    warnings: list[str]  # the loader's and the pins' (the solver's notes are in summary)
    changes: Changes | None  # None: nothing published to compare with
    replanned: tuple[int, int] | None  # (published occurrences still in the spec, published)
    timings: dict[str, float]  # seconds: load, build, solve, assemble (with the check)


class NoPlan(NoProgramme):
    """No programme, with the summary of the solve that found none."""

    def __init__(self, message: str, summary: SolveSummary) -> None:
        super().__init__(message)
        self.summary = summary
        self.timings: dict[str, float] = {}


# ---- loading ------------------------------------------------------------------------------


@contextmanager
def _spec_files(specs: Iterable[SpecText]) -> Iterator[list[Path]]:
    with tempfile.TemporaryDirectory(prefix="affiche-spec-") as folder:
        paths = []
        for spec in specs:
            path = Path(folder) / spec.filename
            path.write_text(spec.content, encoding="utf-8")
            paths.append(path)
        yield paths


def load_texts(specs: Sequence[SpecText], keep_times: bool = False) -> LoadedSpec:
    """Load specs kept as text; a SpecError names each file by its spec's file name."""
    with _spec_files(specs) as paths:
        try:
            return load_specs(paths, keep_times=keep_times)
        except SpecError as error:
            names = {str(path): path.name for path in paths}
            raise SpecError([_renamed(i, names) for i in error.issues]) from None


def _renamed(issue: SpecIssue, names: dict[str, str]) -> SpecIssue:
    return SpecIssue(names.get(issue.file, Path(issue.file).name), issue.field, issue.message,
                     issue.line)


Source = Sequence[Path] | Sequence[SpecText] | Spec | LoadedSpec


def _load(
    source: Source, keep_times: bool, timezone: str | None = None, verbose: bool = False
) -> LoadedSpec:
    if isinstance(source, LoadedSpec):
        return source
    if isinstance(source, Spec):
        return LoadedSpec(spec=source, warnings=[], festival_sources=[], artist_sources=[])
    if all(isinstance(s, SpecText) for s in source):
        return load_texts([s for s in source if isinstance(s, SpecText)], keep_times)
    return load_specs([Path(s) for s in source if not isinstance(s, SpecText)],
                      keep_times=keep_times, timezone=timezone, verbose=verbose)


# ---- the path -----------------------------------------------------------------------------


def plan(
    source: Source,
    pins: Sequence[str | PinRequest] = (),
    options: PlanOptions | None = None,
) -> Plan:
    """Load `source`, apply `pins`, re-plan against `options.published`, solve, assemble and
    check: the programme or an exception saying why there is none."""
    options = options or PlanOptions()
    step = options.steps or (lambda _line: None)
    began = time.perf_counter()
    loaded = _load(source, options.keep_times, options.timezone, options.verbose)
    warnings = list(loaded.warnings)
    spec = _pinned(loaded.spec, pins, options.strict_pins, warnings)
    if pins:
        step(f"applied {len(pins)} pin(s)")
    for message in warnings:
        step(f"warning: {message}")
    loaded_at = time.perf_counter()
    problem = build_problem(spec)
    if problem.unplaceable and options.refuse_unplaceable and not options.allow_unplaced:
        raise FitsNowhere(
            [str(loaded.issue(u.loc, u.reason)) for u in problem.unplaceable]
            if loaded.festival_sources else [f"{u.uid}: {u.reason}" for u in problem.unplaceable],
            [f"{u.uid}: {u.reason}" for u in problem.unplaceable],
        )
    version = load_latest_version(options.published) if options.published else None
    replanned = _replan(problem, version, step)
    built_at = time.perf_counter()
    step(f"solving {len(problem.occurrences)} occurrences (time limit {options.time_limit:g}s)")
    result = solve(problem, SolveOptions(
        time_limit=options.time_limit, workers=options.workers,
        allow_unplaced=options.allow_unplaced, progress=options.progress,
        shortcut=options.shortcut,
    ))
    solved_at = time.perf_counter()
    step(f"status: {result.status}")
    summary = _summary(problem, result)
    timings = {"load": loaded_at - began, "build": built_at - loaded_at,
               "solve": solved_at - built_at}
    try:
        schedule = _schedule(spec, problem, result, warnings, options, summary)
    except NoPlan as error:
        error.timings = timings
        raise
    timings["assemble"] = time.perf_counter() - solved_at
    changes = compare(version, schedule) if version is not None else None
    return Plan(spec, schedule, summary, warnings, changes, replanned, timings)


def _pinned(
    spec: Spec, pins: Sequence[str | PinRequest], strict: bool, warnings: list[str]
) -> Spec:
    if not pins:
        return spec
    try:
        pinned, pin_warnings = apply_pins(spec, pins, strict=strict)
    except SpecError as error:
        raise BadPins(error.issues) from None
    warnings += pin_warnings
    return pinned


def _replan(problem: Problem, version: Any, step: Say) -> tuple[int, int] | None:
    published = placements_of(version)
    if not published:
        return None
    kept = set_previous(problem, published)
    step(f"re-planning against the published version: {kept} of {len(published)} published "
         "occurrences still in the spec")
    return kept, len(published)


def _summary(problem: Problem, result: SolveResult) -> SolveSummary:
    items = {occ.item for occ in problem.occurrences} | {u.item for u in problem.unplaceable}
    return SolveSummary(
        status=result.status, objective=result.objective, bound=result.bound, gap=result.gap,
        wall_seconds=result.wall_seconds, first_solution_seconds=result.first_solution_seconds,
        placed=len(result.chosen),
        occurrences=len(problem.occurrences) + len(problem.unplaceable),
        unplaceable=len(problem.unplaceable), items=len(items), venues=len(problem.venues),
        candidates=sum(len(occ.options) for occ in problem.occurrences),
        first_objective=result.first_objective,
        terms=dict(result.terms), bounds=dict(result.bounds),
        violations=list(result.violations), notes=list(result.notes),
    )


def _schedule(
    spec: Spec, problem: Problem, result: SolveResult, warnings: list[str],
    options: PlanOptions, summary: SolveSummary,
) -> Schedule:
    if not options.explain and not result.has_solution:
        raise NoPlan(f"no programme ({result.status})", summary)
    if options.check:
        try:
            return checked_schedule(spec, problem, result, warnings, options.time_limit)
        except NoProgramme as error:
            raise NoPlan(str(error), summary) from None
    if not result.has_solution:
        raise NoPlan(f"no programme ({result.status})", summary)
    unplaceable = {u.uid: u.reason for u in problem.unplaceable}
    return assemble_schedule(spec, result, unplaceable, warnings + result.notes)
