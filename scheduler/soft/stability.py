"""Moving a published occurrence costs the weight, more for headliners and for items with
many artists (more calendars to update). Leaving it out moves it too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from affiche.scheduler.occurrences import Occurrence
from affiche.scheduler.problem import Problem
from affiche.scheduler.result import Violation
from affiche.scheduler.soft.family import Placed, SoftFamily, Term

if TYPE_CHECKING:
    from affiche.scheduler.variables import Variables


class Stability(SoftFamily):
    name = "moved"
    weight_name = "moved"

    def active(self, problem: Problem, allow_unplaced: bool) -> bool:
        return bool(self.weight(problem) and problem.previous)

    def _weight_of(self, problem: Problem, occ: Occurrence) -> int:
        return self.weight(problem) * (1 + 2 * occ.headliner + len(occ.artists))

    def terms(self, problem: Problem, v: Variables) -> list[Term]:
        terms = []
        for occ in problem.occurrences:
            if occ.uid not in problem.previous or not self.weight(problem):
                continue
            venue, start = problem.previous[occ.uid]
            kept = v.model.new_bool_var(f"kept[{occ.uid}]")
            at = v.is_at(occ.uid, venue)
            if isinstance(at, int) and at == 0:
                v.model.add(kept == 0)
            else:
                if not isinstance(at, int):
                    v.model.add_implication(kept, at)
                same_place = [at] if not isinstance(at, int) else []
                if not occ.installation:
                    same_start = v.model.new_bool_var(f"same_start[{occ.uid}]")
                    v.model.add(v.start_of(occ.uid) == start).only_enforce_if(same_start)
                    v.model.add(v.start_of(occ.uid) != start).only_enforce_if(~same_start)
                    v.model.add_implication(kept, same_start)
                    same_place.append(same_start)
                # kept exactly when both venue and start are the published ones
                v.model.add_bool_or([kept, *(~literal for literal in same_place)])
            terms.append(Term(self.name, occ.uid, self._weight_of(problem, occ), 1 - kept,
                              (occ.uid,)))
        return terms

    def violations(self, problem: Problem, placed: Placed) -> list[Violation]:
        found = []
        for occ in problem.occurrences:
            if occ.uid not in problem.previous:
                continue
            venue, start = problem.previous[occ.uid]
            where = placed.get(occ.uid)
            if where is None or where[0] != venue or (not occ.installation
                                                      and where[1] != start):
                term = Term(self.name, occ.uid, self._weight_of(problem, occ), 1, (occ.uid,))
                found.append(term.violation(1))
        return found
