"""An occurrence away from its preferred venues costs the weight."""

from __future__ import annotations

from typing import TYPE_CHECKING

from affiche.scheduler.occurrences import Occurrence
from affiche.scheduler.problem import Problem
from affiche.scheduler.result import Violation
from affiche.scheduler.soft.family import FloorContext, Marginal, Placed, SoftFamily, Term

if TYPE_CHECKING:
    from affiche.scheduler.variables import Variables


class PreferredVenue(SoftFamily):
    name = "preferred venue"
    weight_name = "preferred_venue"

    def terms(self, problem: Problem, v: Variables) -> list[Term]:
        terms = []
        for occ in problem.occurrences:
            if not occ.preferred_venues or not self.weight(problem):
                continue
            preferred = [v.is_at(occ.uid, venue) for venue in occ.preferred_venues]
            away = v.model.new_bool_var(f"away_from_preferred_venue[{occ.uid}]")
            v.model.add(sum(preferred) + away == v.is_placed(occ.uid))
            terms.append(Term(self.name, occ.uid, self.weight(problem), away, (occ.uid,)))
        return terms

    def violations(self, problem: Problem, placed: Placed) -> list[Violation]:
        weight = self.weight(problem)
        return [Term(self.name, occ.uid, weight, 1, (occ.uid,)).violation(1)
                for occ in problem.occurrences
                if occ.uid in placed and _away(occ, placed[occ.uid][0])]

    def floor(self, problem: Problem, context: FloorContext) -> float:
        """Preferred venues that no option offers."""
        return float(sum(self.floor_of(problem, occ) for occ in problem.occurrences))

    def floor_of(self, problem: Problem, occ: Occurrence) -> int:
        """What `occ` pays wherever it goes."""
        return self.weight(problem) * bool(
            occ.preferred_venues and not {o.venue for o in occ.options} & occ.preferred_venues)

    def marginal(self, problem: Problem) -> Marginal:
        return _Away(self.weight(problem))


def _away(occ: Occurrence, venue: str) -> bool:
    return bool(occ.preferred_venues) and venue not in occ.preferred_venues


class _Away(Marginal):
    def __init__(self, weight: int) -> None:
        self.weight = weight

    def venue(self, occ: Occurrence, venue: str) -> int:
        return self.weight * _away(occ, venue)
