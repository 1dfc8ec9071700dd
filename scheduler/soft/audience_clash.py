"""Two items for one audience (a shared tag) at overlapping times cost the weight.

The model weighs at most MAX_CLASH_PAIRS pairs of same-audience occurrences that could
overlap; past that it optimises part of this family only (`v.partial`), and the solve
re-prices every programme it finds in full."""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from affiche.scheduler.occurrences import Occurrence
from affiche.scheduler.problem import Problem
from affiche.scheduler.result import Violation
from affiche.scheduler.soft.family import Marginal, Placed, SoftFamily, Term

if TYPE_CHECKING:
    from affiche.scheduler.soft.family import Expr
    from affiche.scheduler.variables import Variables

MAX_CLASH_PAIRS = 20_000


class AudienceClash(SoftFamily):
    name = "audience clash"
    weight_name = "audience_clash"

    def terms(self, problem: Problem, v: Variables) -> list[Term]:
        weight = self.weight(problem)
        by_tag = defaultdict(list)
        for occ in problem.occurrences:
            if not occ.installation:
                for tag in occ.tags:
                    by_tag[tag].append(occ)
        pairs = _clash_pairs(problem, by_tag) if weight else []
        if len(pairs) == MAX_CLASH_PAIRS:
            v.partial.add(self.name)
            v.notes.append(f"the solver weighed audience clashes among {MAX_CLASH_PAIRS:,} "
                           "pairs of same-audience items only (more could overlap); the "
                           "objective reported counts every clash of the programme")
        terms = []
        for first, second in pairs:
            before = v.model.new_bool_var(f"before[{first},{second}]")
            after = v.model.new_bool_var(f"after[{first},{second}]")
            clash = v.model.new_bool_var(f"clash[{first},{second}]")
            v.model.add(v.start_of(second) >= v.end_of(first)).only_enforce_if(before)
            v.model.add(v.start_of(first) >= v.end_of(second)).only_enforce_if(after)
            v.model.add(v.start_of(second) < v.end_of(first)).only_enforce_if(clash)
            v.model.add(v.start_of(first) < v.end_of(second)).only_enforce_if(clash)
            v.model.add_exactly_one(before, after, clash)
            terms.append(_term(weight, first, second, clash))
        return terms

    def violations(self, problem: Problem, placed: Placed) -> list[Violation]:
        timed = [o for o in problem.occurrences if not o.installation and o.uid in placed]
        weight = self.weight(problem)
        return [_term(weight, a, b, 1).violation(1) for a, b in _clashes(timed, placed)]

    def marginal(self, problem: Problem) -> Marginal:
        return _Clashes(problem, self.weight(problem))


def _term(weight: int, first: str, second: str, expr: Expr) -> Term:
    return Term(AudienceClash.name, f"{first} / {second}", weight, expr, (first, second))


def _clash_pairs(problem: Problem, by_tag: dict[str, list[Occurrence]]) -> list[tuple[str, str]]:
    """Pairs of occurrences of different items for one audience that could overlap, at
    most MAX_CLASH_PAIRS of them (in a stable order, so solves are reproducible)."""
    pairs: set[tuple[str, str]] = set()
    for tag in sorted(by_tag):
        occs = sorted(by_tag[tag], key=lambda o: problem.reach(o))
        for index, a in enumerate(occs):
            a_end = problem.reach(a)[1]
            for b in occs[index + 1:]:
                if problem.reach(b)[0] >= a_end:
                    break  # sorted by earliest start: no later one can overlap `a`
                if a.item != b.item:
                    pairs.add((min(a.uid, b.uid), max(a.uid, b.uid)))
            if len(pairs) >= MAX_CLASH_PAIRS:
                return sorted(pairs)[:MAX_CLASH_PAIRS]
    return sorted(pairs)


def _clashes(timed: list[Occurrence], placed: Placed) -> list[tuple[str, str]]:
    """Overlapping pairs of placed occurrences of different items that share a tag."""
    by_tag: dict[str, list[tuple[int, int, Occurrence]]] = defaultdict(list)
    for occ in timed:
        start = placed[occ.uid][1]
        for tag in occ.tags:
            by_tag[tag].append((start, start + occ.duration, occ))
    pairs: set[tuple[str, str]] = set()
    for booked in by_tag.values():
        booked.sort(key=lambda b: (b[0], b[2].uid))
        for index, (_, end, occ) in enumerate(booked):
            for other_start, _, other in booked[index + 1:]:
                if other_start >= end:
                    break
                if other.item != occ.item:
                    pairs.add((min(occ.uid, other.uid), max(occ.uid, other.uid)))
    return sorted(pairs)


class _Clashes(Marginal):
    """Occurrences of other items for one of its audiences that overlap it."""

    prices_time = True

    def __init__(self, problem: Problem, weight: int) -> None:
        self.weight = weight
        self._tagged: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
        self._longest = max((o.duration for o in problem.occurrences), default=0)

    def record(self, occ: Occurrence, start: int, day: int | None) -> None:
        for tag in occ.tags:
            insort(self._tagged[tag], (start, start + occ.duration, occ.item, occ.uid))

    def forget(self, occ: Occurrence, start: int, day: int | None) -> None:
        for tag in occ.tags:
            self._tagged[tag].remove((start, start + occ.duration, occ.item, occ.uid))

    def at(self, occ: Occurrence, start: int, day: int | None) -> int:
        if not occ.tags or not self.weight:
            return 0
        end = start + occ.duration
        clashing = set()
        for tag in occ.tags:
            booked = self._tagged[tag]
            low = bisect_left(booked, (start - self._longest + 1,))
            high = bisect_left(booked, (end,))
            for _, other_end, item, uid in booked[low:high]:
                if other_end > start and item != occ.item:
                    clashing.add(uid)
        return self.weight * len(clashing)

    def starts(self, occ: Occurrence) -> Iterable[int]:
        """Just after a same-audience item ends."""
        return [end for tag in occ.tags for _, end, _, _ in self._tagged[tag]]
