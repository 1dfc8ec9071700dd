"""A headliner (`headliner: true`) that does not lie inside its venue's prime time costs the
weight. `headliner: must` is the hard rule (`domains.prime_time`); this is the wish."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from affiche.scheduler.occurrences import Occurrence
from affiche.scheduler.problem import Problem
from affiche.scheduler.result import Violation
from affiche.scheduler.soft.family import FloorContext, Marginal, Placed, SoftFamily, Term
from affiche.scheduler.spans import Spans, start_ranges

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from affiche.scheduler.soft.family import Expr
    from affiche.scheduler.variables import Variables


def in_prime(occ: Occurrence, venue: str, start: int) -> bool:
    """Whether the occurrence, at `venue` from `start`, lies inside that venue's prime time."""
    return any(a <= start <= b for there, spans in occ.prime if there == venue
               for a, b in start_ranges(spans, occ.duration))


def _concerned(occ: Occurrence) -> bool:
    """Headliners some venue of theirs has prime time at (the others cannot be priced)."""
    return bool(occ.prime) and not occ.installation


class PrimeTime(SoftFamily):
    name = "prime time"
    weight_name = "prime_time"

    def terms(self, problem: Problem, v: Variables) -> list[Term]:
        weight = self.weight(problem)
        if not weight:
            return []
        return [Term(self.name, occ.uid, weight, _outside(v, occ), (occ.uid,))
                for occ in problem.occurrences if _concerned(occ)]

    def violations(self, problem: Problem, placed: Placed) -> list[Violation]:
        weight = self.weight(problem)
        return [Term(self.name, occ.uid, weight, 1, (occ.uid,)).violation(1)
                for occ in problem.occurrences
                if _concerned(occ) and occ.uid in placed and not in_prime(occ, *placed[occ.uid])]

    def floor(self, problem: Problem, context: FloorContext) -> float:
        """Headliners none of whose venues has prime time left for them."""
        return float(self.weight(problem) * sum(
            _concerned(occ) and not any(spans for _, spans in occ.prime)
            for occ in problem.occurrences))

    def marginal(self, problem: Problem) -> Marginal:
        return _OutsidePrime(self.weight(problem))


def _outside(v: Variables, occ: Occurrence) -> Expr:
    """1 when the placed occurrence is not inside the prime time of the venue it is at:
    placed minus, for each venue with prime time, (at that venue and starting in it)."""
    from affiche.scheduler.variables import domain_of  # loads OR-Tools: CP-SAT only

    start = v.start_of(occ.uid)
    inside = []
    shared: dict[Spans, cp_model.IntVar] = {}  # venues with the same prime time: one literal
    for venue, spans in occ.prime:
        if not spans:
            continue
        starts_in = shared.get(spans)
        if starts_in is None:
            ranges = domain_of(start_ranges(spans, occ.duration))
            starts_in = shared[spans] = v.model.new_bool_var(
                f"starts_in_prime[{occ.uid},{venue}]")
            v.model.add_linear_expression_in_domain(start, ranges).only_enforce_if(starts_in)
            v.model.add_linear_expression_in_domain(
                start, ranges.complement()).only_enforce_if(~starts_in)
        at = v.is_at(occ.uid, venue)
        if isinstance(at, int):
            inside.append(starts_in if at else 0)
            continue
        both = v.model.new_bool_var(f"in_prime[{occ.uid},{venue}]")
        v.model.add_bool_and([at, starts_in]).only_enforce_if(both)
        v.model.add_bool_or([~at, ~starts_in]).only_enforce_if(~both)
        inside.append(both)
    return v.is_placed(occ.uid) - sum(inside)


class _OutsidePrime(Marginal):
    """The weight for a start outside every prime time its venues have (`at`), or inside
    another venue's prime time than the one it goes to (`venue_at`)."""

    prices_time = True

    def __init__(self, weight: int) -> None:
        self.weight = weight

    def at(self, occ: Occurrence, start: int, day: int | None) -> int:
        if not _concerned(occ):
            return 0
        return self.weight * (not any(in_prime(occ, venue, start) for venue, _ in occ.prime))

    def venue_at(self, occ: Occurrence, venue: str, start: int) -> int:
        if not _concerned(occ) or self.at(occ, start, None):
            return 0  # `at` counted it already
        return self.weight * (not in_prime(occ, venue, start))

    def starts(self, occ: Occurrence) -> Iterable[int]:
        return [a for _, spans in occ.prime for a, _ in start_ranges(spans, occ.duration)]
