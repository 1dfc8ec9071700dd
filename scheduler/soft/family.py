"""What a soft family is: one unit holding its CP-SAT term, its price and its marginal cost.

A family counts violations of one wish (0 when the programme grants it) in three ways that
must agree: `terms` for the CP-SAT objective, `violations` for a complete programme without
a solver (the two are held equal term by term), and `marginal` for the greedy pass (what
placing one more occurrence adds). `floor` is what every programme pays for it, from the
domains alone. The registry is `SOFT_FAMILIES` in `affiche.scheduler.soft`.

Nothing here loads OR-Tools: pricing and the greedy pass run without it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from affiche.scheduler.occurrences import Occurrence
from affiche.scheduler.problem import Problem
from affiche.scheduler.result import Violation

if TYPE_CHECKING:
    from ortools.sat.python.cp_model import LinearExprT as Expr

    from affiche.scheduler.variables import Variables

Placed = dict[str, tuple[str, int]]  # uid -> (venue, start grain)


@dataclass(frozen=True)
class Term:
    """One weighted term of the objective: `expr` counts the violations of `label`."""

    family: str
    label: str
    weight: int
    expr: Expr  # a CP-SAT linear expression, or an int when the domains fix it
    occurrences: tuple[str, ...] = ()
    artist: str | None = None
    festival: str | None = None

    def violation(self, count: int) -> Violation:
        return make_violation(self.family, self.label, self.weight * count, self.occurrences,
                              self.artist, self.festival)


def make_violation(
    family: str, label: str, cost: float, occurrences: tuple[str, ...] = (),
    artist: str | None = None, festival: str | None = None,
) -> Violation:
    return Violation(family=family, label=label, cost=float(cost), occurrences=occurrences,
                     artist=artist, festival=festival,
                     message=f"{family}: {label} (cost {cost:g})")


@dataclass
class FloorContext:
    """What the families' floors share: each timed occurrence's first and last possible
    programme day, and the artists' stays (artist, festival) whose nights a floor already
    counts (so no night is counted twice)."""

    days: dict[str, tuple[int, int]]
    counted_stays: set[tuple[str, str]] = field(default_factory=set)


class Marginal:
    """What placing one more occurrence adds, against what is placed so far (the greedy
    pass). `day` is the programme-day index of the start (None: between days)."""

    prices_time = False  # whether `at` depends on the start

    def record(self, occ: Occurrence, start: int, day: int | None) -> None:
        """`occ` (timed) now starts at `start`."""

    def forget(self, occ: Occurrence, start: int, day: int | None) -> None:
        """Undo `record(occ, start, day)`."""

    def at(self, occ: Occurrence, start: int, day: int | None) -> int:
        """What starting `occ` at `start` adds, venue aside."""
        return 0

    def venue(self, occ: Occurrence, venue: str) -> int:
        """What putting `occ` in `venue` adds."""
        return 0

    def starts(self, occ: Occurrence) -> Iterable[int]:
        """Starts worth pricing for `occ` beyond its venues' openings."""
        return ()

    def venue_at(self, occ: Occurrence, venue: str, start: int) -> int:
        """What putting `occ` in `venue` adds at `start`, beyond `at` and `venue` (a wish
        that depends on both, like a venue's own prime time)."""
        return 0


class SoftFamily:
    """One soft family. Subclasses set `name` (the term's name in reports) and `weight_name`
    (its field in the spec's `solver.weights`) and define `terms` and `violations`."""

    name: ClassVar[str]
    weight_name: ClassVar[str]
    # what `floor` bounds, when more than this family's own cost
    floor_name: ClassVar[str | None] = None

    def weight(self, problem: Problem) -> int:
        return int(getattr(problem.weights, self.weight_name))

    def active(self, problem: Problem, allow_unplaced: bool) -> bool:
        """Whether the family has terms at all (priced as 0 when it has none violated)."""
        return bool(self.weight(problem))

    def terms(self, problem: Problem, v: Variables) -> list[Term]:
        """The family's weighted terms of the CP-SAT objective."""
        raise NotImplementedError

    def violations(self, problem: Problem, placed: Placed) -> list[Violation]:
        """Each violation in the programme `placed` (which may leave occurrences out), priced
        as `terms` counts it."""
        raise NotImplementedError

    def floor(self, problem: Problem, context: FloorContext) -> float:
        """What every programme placing everything pays for this family (default 0)."""
        return 0.0

    def marginal(self, problem: Problem) -> Marginal | None:
        """The greedy pass's yardstick (None: the family does not steer the greedy)."""
        return None

    def hint(self, problem: Problem, v: Variables, placed: Placed) -> None:
        """Hint the family's own variables (made by `terms`) for the programme `placed`."""

    def most_saved(self, problem: Problem, occ: Occurrence) -> float:
        """The most leaving `occ` out can lower this family's floor (the model counts a
        left-out occurrence's days and starts, so most families' floors stand)."""
        return 0.0


def day_of(problem: Problem, occ: Occurrence, placed: Placed) -> int | None:
    return problem.day_of(occ.festival, placed[occ.uid][1], occ.item)
