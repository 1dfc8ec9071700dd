"""Two performances of one item on the same programme day cost the weight: spread them out."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import TYPE_CHECKING

from affiche.scheduler.occurrences import Occurrence
from affiche.scheduler.problem import Problem, timed_by_item
from affiche.scheduler.result import Violation
from affiche.scheduler.soft.family import (
    FloorContext,
    Marginal,
    Placed,
    SoftFamily,
    Term,
    day_of,
)

if TYPE_CHECKING:
    from affiche.scheduler.soft.family import Expr
    from affiche.scheduler.variables import Variables


def _term(weight: int, a: Occurrence, b: Occurrence, expr: Expr) -> Term:
    return Term(RepeatOnOneDay.name, f"{a.uid} / {b.uid}", weight, expr, (a.uid, b.uid),
                festival=a.festival)


class RepeatOnOneDay(SoftFamily):
    name = "repeat on one day"
    weight_name = "repeat_same_day"
    floor_name = "repeat on one day + hotel nights"  # spreading repeats costs nights

    def terms(self, problem: Problem, v: Variables) -> list[Term]:
        weight = self.weight(problem)
        terms = []
        for occurrences in timed_by_item(problem).values() if weight else []:
            for a, b in combinations(occurrences, 2):
                day_a, day_b = v.day_of(a.uid), v.day_of(b.uid)
                if isinstance(day_a, int) and isinstance(day_b, int):
                    if day_a == day_b:
                        terms.append(_term(weight, a, b, 1))
                    continue
                same = v.model.new_bool_var(f"same_day[{a.uid},{b.uid}]")
                v.model.add(day_a != day_b).only_enforce_if(~same)
                v.model.add(day_a == day_b).only_enforce_if(same)
                terms.append(_term(weight, a, b, same))
        return terms

    def violations(self, problem: Problem, placed: Placed) -> list[Violation]:
        weight = self.weight(problem)
        return [_term(weight, a, b, 1).violation(1)
                for occs in timed_by_item(problem).values()
                for a, b in combinations([o for o in occs if o.uid in placed], 2)
                if day_of(problem, a, placed) == day_of(problem, b, placed)]

    def floor(self, problem: Problem, context: FloorContext) -> float:
        """Per repeated item: k occurrences on the d days open to them either share days (a
        pair per shared day costs the weight) or spread over s days, keeping each of its
        artists s - 1 nights. Nights are counted only for artists whose stay no other
        repeated item and no earlier floor (`context.counted_stays`) counts."""
        weight, nights = self.weight(problem), problem.weights.hotel_nights
        days = context.days
        repeated = [occs for occs in timed_by_item(problem).values() if len(occs) >= 2]
        stays_used: dict[tuple[str, str], int] = defaultdict(int)
        for occs in repeated:
            for artist in occs[0].bound_artists:
                stays_used[(artist, occs[0].festival)] += 1
        forced = 0
        for occs in repeated:
            festival = occs[0].festival
            open_days = {d for o in occs for d in range(days[o.uid][0], days[o.uid][1] + 1)}
            artists = sum(stays_used[(a, festival)] == 1
                          and (a, festival) not in context.counted_stays
                          for a in occs[0].bound_artists)
            spread = min(weight * _pairs_sharing_days(len(occs), s)
                         + nights * artists * (s - 1) for s in range(1, len(open_days) + 1))
            fixed = weight * sum(
                days[a.uid][0] == days[a.uid][1] == days[b.uid][0] == days[b.uid][1]
                for a, b in combinations(occs, 2))
            forced += max(spread, fixed)
        return float(forced)

    def marginal(self, problem: Problem) -> Marginal:
        return _SameDay(self.weight(problem))


def _pairs_sharing_days(count: int, days: int) -> int:
    """The fewest pairs on one day when `count` occurrences spread over `days` days."""
    each, extra = divmod(count, days)
    return extra * (each + 1) * each // 2 + (days - extra) * each * (each - 1) // 2


class _SameDay(Marginal):
    prices_time = True

    def __init__(self, weight: int) -> None:
        self.weight = weight
        self._days: dict[str, list[int]] = defaultdict(list)

    def record(self, occ: Occurrence, start: int, day: int | None) -> None:
        if day is not None:
            self._days[occ.item].append(day)

    def forget(self, occ: Occurrence, start: int, day: int | None) -> None:
        if day is not None:
            self._days[occ.item].remove(day)

    def at(self, occ: Occurrence, start: int, day: int | None) -> int:
        return 0 if day is None else self.weight * self._days[occ.item].count(day)
