"""A timed occurrence starting outside its preferred hours costs the weight."""

from __future__ import annotations

from typing import TYPE_CHECKING

from affiche.scheduler.occurrences import Occurrence
from affiche.scheduler.problem import Problem
from affiche.scheduler.result import Violation
from affiche.scheduler.soft.family import FloorContext, Marginal, Placed, SoftFamily, Term
from affiche.scheduler.spans import start_ranges

if TYPE_CHECKING:
    from affiche.scheduler.variables import Variables


def in_preferred_hours(occ: Occurrence, start: int) -> bool:
    """Whether a start lies in the occurrence's preferred hours."""
    return any(a <= start < b for a, b in occ.preferred_spans)


def _concerned(occ: Occurrence) -> bool:
    return bool(occ.preferred_spans) and not occ.installation


class PreferredHours(SoftFamily):
    name = "preferred hours"
    weight_name = "preferred_hours"

    def terms(self, problem: Problem, v: Variables) -> list[Term]:
        from affiche.scheduler.variables import domain_of  # loads OR-Tools: CP-SAT only

        terms = []
        weight = self.weight(problem)
        for occ in problem.occurrences:
            if not _concerned(occ) or not weight:
                continue
            inside = v.model.new_bool_var(f"in_preferred_hours[{occ.uid}]")
            ranges = start_ranges(occ.preferred_spans, 0)
            preferred = domain_of(tuple((a, b - 1) for a, b in ranges))
            start = v.start_of(occ.uid)
            v.model.add_linear_expression_in_domain(start, preferred).only_enforce_if(inside)
            outside = v.model.new_bool_var(f"outside_preferred_hours[{occ.uid}]")
            v.model.add_linear_expression_in_domain(
                start, preferred.complement()).only_enforce_if(outside)
            v.model.add(inside + outside == v.is_placed(occ.uid))
            terms.append(Term(self.name, occ.uid, weight, outside, (occ.uid,)))
        return terms

    def violations(self, problem: Problem, placed: Placed) -> list[Violation]:
        weight = self.weight(problem)
        return [Term(self.name, occ.uid, weight, 1, (occ.uid,)).violation(1)
                for occ in problem.occurrences
                if _concerned(occ) and occ.uid in placed
                and not in_preferred_hours(occ, placed[occ.uid][1])]

    def floor(self, problem: Problem, context: FloorContext) -> float:
        """Preferred hours that no allowed start is in."""
        return float(sum(self.floor_of(problem, occ) for occ in problem.occurrences))

    def floor_of(self, problem: Problem, occ: Occurrence) -> int:
        """What `occ` pays whenever it starts."""
        return self.weight(problem) * (_concerned(occ) and not _can_start_inside(occ))

    def marginal(self, problem: Problem) -> Marginal:
        return _Outside(self.weight(problem))


def _can_start_inside(occ: Occurrence) -> bool:
    """Whether some allowed start lies in its preferred hours."""
    return any(max(a, pa) <= min(b_end, pb - 1)
               for o in occ.options for a, b_end in start_ranges(o.spans, occ.duration)
               for pa, pb in occ.preferred_spans)


class _Outside(Marginal):
    prices_time = True

    def __init__(self, weight: int) -> None:
        self.weight = weight

    def at(self, occ: Occurrence, start: int, day: int | None) -> int:
        return self.weight * (bool(occ.preferred_spans) and not in_preferred_hours(occ, start))
