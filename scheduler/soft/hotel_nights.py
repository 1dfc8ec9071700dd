"""An artist's stay runs from their first to their last programme day of a festival (from
their arrival, to their departure, when the spec gives them: `rules.stay_days`); each night
in between costs the weight."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from affiche.scheduler.occurrences import Occurrence
from affiche.scheduler.problem import Problem
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

Stay = tuple[str, str]  # (artist, festival)


def stays(problem: Problem) -> dict[Stay, list[Occurrence]]:
    """The occurrences of each artist at each festival, where the artist has two or more
    or an arrival or departure (artist by artist, in the order they first appear)."""
    by_artist: dict[str, dict[str, list[Occurrence]]] = defaultdict(lambda: defaultdict(list))
    for occ in problem.occurrences:
        for artist in occ.bound_artists:
            by_artist[artist][occ.festival].append(occ)
    return {(artist, festival): occs for artist, festivals in by_artist.items()
            for festival, occs in festivals.items()
            if len(occs) >= 2 or (artist, festival) in problem.stay_days}


def anchors(problem: Problem, stay: Stay) -> list[int]:
    """The days of arrival and departure a stay counts from and to (those given)."""
    return [d for d in problem.stay_days.get(stay, (None, None)) if d is not None]


def _term(artist: str, festival: str, weight: int, expr: Expr,
          occs: list[Occurrence]) -> Term:
    return Term(HotelNights.name, f"{artist}@{festival}", weight, expr,
                tuple(o.uid for o in occs), artist, festival)


class HotelNights(SoftFamily):
    name = "hotel nights"
    weight_name = "hotel_nights"

    def terms(self, problem: Problem, v: Variables) -> list[Term]:
        weight = self.weight(problem)
        terms = []
        for (artist, festival), occs in stays(problem).items() if weight else []:
            fixed_days = anchors(problem, (artist, festival))
            days = [v.day_of(o.uid) for o in occs] + fixed_days
            if all(isinstance(d, int) for d in days):
                fixed = [d for d in days if isinstance(d, int)]
                terms.append(_term(artist, festival, weight, max(fixed) - min(fixed), occs))
                continue
            label = f"{artist}@{festival}"
            low = min([0, *fixed_days])
            high = max([len(problem.days[festival]) - 1, *fixed_days])
            first = v.model.new_int_var(low, high, f"first_day[{label}]")
            last = v.model.new_int_var(low, high, f"last_day[{label}]")
            nights = v.model.new_int_var(0, high - low, f"nights[{label}]")
            v.model.add_min_equality(first, days)
            v.model.add_max_equality(last, days)
            v.model.add(nights == last - first)
            terms.append(_term(artist, festival, weight, nights, occs))
        return terms

    def violations(self, problem: Problem, placed: Placed) -> list[Violation]:
        weight = self.weight(problem)
        found = []
        for (artist, festival), occs in stays(problem).items():
            days = [day_of(problem, occ, placed) or 0 for occ in occs if occ.uid in placed]
            days += anchors(problem, (artist, festival))
            if days and max(days) > min(days):
                term = _term(artist, festival, weight, 1, occs)
                found.append(term.violation(max(days) - min(days)))
        return found

    def floor(self, problem: Problem, context: FloorContext) -> float:
        """Nights every programme gives artists: the latest first possible day of their
        occurrences against the earliest last one. Stays given any are counted."""
        forced = 0
        for stay, occs in stays(problem).items():
            days = context.days
            lows = [days[o.uid][0] for o in occs] + anchors(problem, stay)
            highs = [days[o.uid][1] for o in occs] + anchors(problem, stay)
            nights = max(0, max(lows) - min(highs))
            forced += self.weight(problem) * nights
            if nights:
                context.counted_stays.add(stay)
        return float(forced)

    def marginal(self, problem: Problem) -> Marginal:
        return _Nights(self.weight(problem), problem)


class _Nights(Marginal):
    """Nights added to its artists' stays at this festival."""

    prices_time = True

    def __init__(self, weight: int, problem: Problem) -> None:
        self.weight = weight
        self._days: dict[Stay, list[int]] = defaultdict(list)
        for stay in problem.stay_days:
            self._days[stay] += anchors(problem, stay)

    def record(self, occ: Occurrence, start: int, day: int | None) -> None:
        if day is not None:
            for artist in occ.bound_artists:
                self._days[(artist, occ.festival)].append(day)

    def forget(self, occ: Occurrence, start: int, day: int | None) -> None:
        if day is not None:
            for artist in occ.bound_artists:
                self._days[(artist, occ.festival)].remove(day)

    def at(self, occ: Occurrence, start: int, day: int | None) -> int:
        if not self.weight or day is None:
            return 0
        extra = 0
        for artist in occ.bound_artists:
            days = self._days[(artist, occ.festival)]
            if days:
                extra += max(max(days), day) - min(min(days), day) - (max(days) - min(days))
        return self.weight * extra
