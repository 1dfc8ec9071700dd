"""With unplaced items allowed, each occurrence left out costs the weight times its
item's priority."""

from __future__ import annotations

from typing import TYPE_CHECKING

from affiche.scheduler.occurrences import Occurrence
from affiche.scheduler.problem import Problem
from affiche.scheduler.result import Violation
from affiche.scheduler.soft.family import Placed, SoftFamily, Term

if TYPE_CHECKING:
    from affiche.scheduler.soft.family import Expr
    from affiche.scheduler.variables import Variables


class Unplaced(SoftFamily):
    name = "unplaced"
    weight_name = "unplaced"

    def active(self, problem: Problem, allow_unplaced: bool) -> bool:
        return bool(self.weight(problem) and allow_unplaced)

    def _term(self, problem: Problem, occ: Occurrence, expr: Expr) -> Term:
        return Term(self.name, occ.uid, self.weight(problem) * occ.priority, expr, (occ.uid,))

    def terms(self, problem: Problem, v: Variables) -> list[Term]:
        terms = []
        for occ in problem.occurrences:
            placed = v.is_placed(occ.uid)
            if not isinstance(placed, int):
                terms.append(self._term(problem, occ, 1 - placed))
        return terms

    def violations(self, problem: Problem, placed: Placed) -> list[Violation]:
        return [self._term(problem, occ, 1).violation(1)
                for occ in problem.occurrences if occ.uid not in placed]
