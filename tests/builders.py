"""Builders of small specs for the scheduler, checker, loader and CLI tests.

The default festival, "fest", runs in Europe/Paris from Friday 12 to Sunday 14 June 2026,
open 10:00 to 23:00, with three venues: "hall" (200 seats, stage and sound), "studio"
(50 seats, projection) and "garden" (outdoor, sound curfew 22:00). Every builder returns a
plain spec dict (what a YAML file holds) and takes keyword overrides; `make_spec` validates
it (shape and cross-references) into a `Spec`, `solve_spec` solves it end to end.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from affiche.programmes.model import Spec
from affiche.programmes.schedule import Schedule
from affiche.programmes.validate import check_references
from affiche.scheduler.assemble import assemble_schedule
from affiche.scheduler.problem import Problem, build_problem
from affiche.scheduler.solve import SolveOptions, SolveResult, solve

Data = dict[str, Any]

FRIDAY, SATURDAY, SUNDAY = date(2026, 6, 12), date(2026, 6, 13), date(2026, 6, 14)
PARIS = "Europe/Paris"


def venue(id: str = "hall", **overrides: Any) -> Data:
    data: Data = {"id": id, "name": id.capitalize(), "capacity": 200}
    data.update(overrides)
    return data


def default_venues() -> list[Data]:
    return [
        venue("hall", features=["stage", "sound"], changeover_minutes=10),
        venue("studio", capacity=50, features=["projection"]),
        venue("garden", capacity=500, outdoor=True, sound_curfew="22:00"),
    ]


def item(id: str = "show", duration: int | None = 60, **overrides: Any) -> Data:
    data: Data = {"id": id, "kind": "talk", "title": id.replace("-", " ").title()}
    if duration is not None:
        data["duration"] = duration
    data.update(overrides)
    return data


def installation(id: str = "piece", **overrides: Any) -> Data:
    return item(id, duration=None, kind="installation", **overrides)


def artist(id: str = "ana", **overrides: Any) -> Data:
    data: Data = {"id": id, "name": id.capitalize()}
    data.update(overrides)
    return data


def festival(
    id: str = "fest",
    venues: list[Data] | None = None,
    items: list[Data] | None = None,
    **overrides: Any,
) -> Data:
    data: Data = {
        "id": id,
        "name": f"Festival {id}",
        "city": "Paris",
        "timezone": PARIS,
        "start": "2026-06-12",
        "end": "2026-06-14",
        "venues": default_venues() if venues is None else venues,
        "items": [item()] if items is None else items,
    }
    data.update(overrides)
    return data


def spec_data(
    festivals: list[Data] | None = None,
    artists: list[Data] | None = None,
    solver: Data | None = None,
    **festival_overrides: Any,
) -> Data:
    """A whole spec dict: one default festival (with `festival_overrides`) unless given."""
    data: Data = {"festivals": festivals or [festival(**festival_overrides)]}
    if artists:
        data["artists"] = artists
    if solver:
        data["solver"] = solver
    return copy.deepcopy(data)


def make_spec(data: Data | None = None, *, references: bool = True, **overrides: Any) -> Spec:
    """A validated `Spec`; with `references=False` the cross-reference checks are skipped
    (to probe a domain family on data the loader would refuse)."""
    spec = Spec.model_validate(data if data is not None else spec_data(**overrides))
    if references:
        problems = check_references(spec)
        assert not problems, problems
    return spec


def solve_spec(spec: Spec, **options: Any) -> tuple[Problem, SolveResult, Schedule | None]:
    """build_problem -> solve (10 s, 2 workers) -> assemble_schedule (None without solution)."""
    problem = build_problem(spec)
    settings = {"time_limit": 10.0, "workers": 2, **options}
    result = solve(problem, SolveOptions(**settings))
    if not result.has_solution:
        return problem, result, None
    unplaceable = {u.uid: u.reason for u in problem.unplaceable}
    return problem, result, assemble_schedule(spec, result, unplaceable)


def solve_in_fresh_process(data: Data) -> list[str]:
    """Solve a spec dict in a new interpreter; its status, objective, bound, and whether
    OR-Tools got imported."""
    code = (
        "import sys\n"
        "from affiche.programmes.model import Spec\n"
        "from affiche.scheduler.problem import build_problem\n"
        "from affiche.scheduler.solve import solve\n"
        f"result = solve(build_problem(Spec.model_validate({data!r})))\n"
        "print(result.status, result.objective, result.bound, 'ortools' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    return done.stdout.split()


def write_yaml(path: Path, data: Data) -> Path:
    """`data` as a YAML spec file (times like 10:00 quoted by the dumper)."""
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
