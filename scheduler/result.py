"""What a solve hands back: plain data, free of solver objects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from affiche.programmes.schedule import Status

if TYPE_CHECKING:
    from affiche.scheduler.problem import Problem


@dataclass
class SolveOptions:
    time_limit: float = 30.0
    workers: int = 0
    allow_unplaced: bool = False
    seed: int = 0
    progress: Callable[[str], None] | None = None
    shortcut: bool = True  # False: always CP-SAT (the benchmarks measure the model so)
    force_cpsat: bool = False  # True: CP-SAT even when the greedy programme is optimal


@dataclass(frozen=True, order=True)
class Violation:
    """One soft wish the programme does not grant, and what it costs.

    `label` names it as the solver does (an occurrence uid, `uid / uid` for a pair,
    `artist@festival` for a stay); `occurrences`, `artist`, `festival` and `venue` say what
    it concerns, for readers that link or group them; `message` is the line in words."""

    family: str
    label: str
    cost: float
    message: str
    occurrences: tuple[str, ...] = ()
    artist: str | None = None
    festival: str | None = None
    venue: str | None = field(default=None, compare=False)  # where the one occurrence is

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict[str, object]:
        """Plain data (JSON-ready) for the report, the CLI and the web."""
        return {"family": self.family, "label": self.label, "cost": self.cost,
                "message": self.message, "occurrences": list(self.occurrences),
                "artist": self.artist, "festival": self.festival, "venue": self.venue}


@dataclass(frozen=True)
class Chosen:
    """Where and when one occurrence was placed (aware UTC instants)."""

    venue: str
    start: datetime
    end: datetime


@dataclass
class SolveResult:
    status: Status
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    wall_seconds: float = 0.0
    first_solution_seconds: float | None = None
    first_objective: float | None = None  # the first complete programme's cost, in full
    chosen: dict[str, Chosen] = field(default_factory=dict)
    terms: dict[str, float] = field(default_factory=dict)
    bounds: dict[str, float] = field(default_factory=dict)  # proven, family by family
    violations: list[Violation] = field(default_factory=list)
    unplaced: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the model left out, in words

    @property
    def has_solution(self) -> bool:
        return self.status in ("optimal", "feasible")


def chosen_of(problem: Problem, placed: dict[str, tuple[str, int]]) -> dict[str, Chosen]:
    """The placements of a programme given in grains (uid -> venue, start), as instants;
    an installation stays for its venue's whole opening."""
    chosen: dict[str, Chosen] = {}
    for occ in problem.occurrences:
        if occ.uid not in placed:
            continue
        venue, start = placed[occ.uid]
        if occ.installation:
            option = next(o for o in occ.options if o.venue == venue)
            first, last = option.spans[0][0], option.spans[-1][1]
        else:
            first, last = start, start + occ.duration
        chosen[occ.uid] = Chosen(venue, problem.clock.instant(first), problem.clock.instant(last))
    return chosen
