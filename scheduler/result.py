"""What a solve hands back: plain data, free of solver objects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class SolveOptions:
    time_limit: float = 30.0
    workers: int = 0
    allow_unplaced: bool = False
    seed: int = 0
    progress: Callable[[str], None] | None = None
    shortcut: bool = True  # False: always CP-SAT (the benchmarks measure the model so)


@dataclass(frozen=True)
class Chosen:
    """Where and when one occurrence was placed (aware UTC instants)."""

    venue: str
    start: datetime
    end: datetime


@dataclass
class SolveResult:
    status: str
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    wall_seconds: float = 0.0
    first_solution_seconds: float | None = None
    chosen: dict[str, Chosen] = field(default_factory=dict)
    terms: dict[str, float] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    unplaced: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the model left out, in words

    @property
    def has_solution(self) -> bool:
        return self.status in ("optimal", "feasible")
