"""Soft constraint families: each returns named, weighted terms of the objective.

A term's expression counts violations (0 when satisfied), so the report can say, family by
family, what the programme gave up and where. Each violation literal is tied to its cause
both ways (set exactly when violated): a one-way link lets a solution that is not optimal
carry a literal at 1 for a violation that is not there, and the report would list it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from ortools.sat.python import cp_model

from affiche.scheduler.hard import artist_occurrences
from affiche.scheduler.problem import Occurrence, Problem, timed_by_item
from affiche.scheduler.spans import start_ranges
from affiche.scheduler.variables import Variables, domain_of

MAX_CLASH_PAIRS = 20_000


@dataclass(frozen=True)
class Term:
    family: str
    label: str
    weight: int
    expr: cp_model.LinearExprT


def preferred_venues(problem: Problem, v: Variables) -> list[Term]:
    """An occurrence away from its preferred venues costs its weight."""
    terms = []
    for occ in problem.occurrences:
        if not occ.preferred_venues or not problem.weights.preferred_venue:
            continue
        preferred = [v.is_at(occ.uid, venue) for venue in occ.preferred_venues]
        away = v.model.new_bool_var(f"away_from_preferred_venue[{occ.uid}]")
        v.model.add(sum(preferred) + away == v.is_placed(occ.uid))
        terms.append(Term("preferred venue", occ.uid, problem.weights.preferred_venue, away))
    return terms


def preferred_hours(problem: Problem, v: Variables) -> list[Term]:
    """An occurrence starting outside its preferred hours costs its weight."""
    terms = []
    weight = problem.weights.preferred_hours
    for occ in problem.occurrences:
        if not occ.preferred_spans or occ.installation or not weight:
            continue
        inside = v.model.new_bool_var(f"in_preferred_hours[{occ.uid}]")
        ranges = start_ranges(occ.preferred_spans, 0)
        preferred = domain_of(tuple((a, b - 1) for a, b in ranges))
        start = v.start_of(occ.uid)
        v.model.add_linear_expression_in_domain(start, preferred).only_enforce_if(inside)
        outside = v.model.new_bool_var(f"outside_preferred_hours[{occ.uid}]")
        v.model.add_linear_expression_in_domain(start, preferred.complement()).only_enforce_if(
            outside
        )
        v.model.add(inside + outside == v.is_placed(occ.uid))
        terms.append(Term("preferred hours", occ.uid, weight, outside))
    return terms


def audience_clashes(problem: Problem, v: Variables) -> list[Term]:
    """Two items for one audience (a shared tag) at overlapping times cost the weight."""
    weight = problem.weights.audience_clash
    by_tag = defaultdict(list)
    for occ in problem.occurrences:
        if not occ.installation:
            for tag in occ.tags:
                by_tag[tag].append(occ)
    pairs = _clash_pairs(problem, by_tag) if weight else []
    if len(pairs) == MAX_CLASH_PAIRS:
        v.partial.add("audience clash")
        v.notes.append(f"the solver weighed audience clashes among {MAX_CLASH_PAIRS:,} pairs "
                       "of same-audience items only (more could overlap); the objective "
                       "reported counts every clash of the programme")
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
        terms.append(Term("audience clash", f"{first} / {second}", weight, clash))
    return terms


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


def hotel_nights(problem: Problem, v: Variables) -> list[Term]:
    """An artist's stay runs from their first to their last programme day of a festival;
    each night in between costs the weight."""
    weight = problem.weights.hotel_nights
    terms = []
    for artist, occurrences in artist_occurrences(problem).items() if weight else []:
        by_festival = defaultdict(list)
        for occ in occurrences:
            by_festival[occ.festival].append(occ)
        for festival, occs in by_festival.items():
            days = [v.day_of(o.uid) for o in occs]
            label = f"{artist}@{festival}"
            if len(occs) < 2:
                continue
            if all(isinstance(d, int) for d in days):
                terms.append(Term("hotel nights", label, weight, max(days) - min(days)))
                continue
            last_index = len(problem.days[festival]) - 1
            first = v.model.new_int_var(0, last_index, f"first_day[{label}]")
            last = v.model.new_int_var(0, last_index, f"last_day[{label}]")
            nights = v.model.new_int_var(0, last_index, f"nights[{label}]")
            v.model.add_min_equality(first, days)
            v.model.add_max_equality(last, days)
            v.model.add(nights == last - first)
            terms.append(Term("hotel nights", label, weight, nights))
    return terms


def repeats_on_one_day(problem: Problem, v: Variables) -> list[Term]:
    """Two performances of one item on the same day cost the weight: spread them out."""
    weight = problem.weights.repeat_same_day
    terms = []
    for occurrences in timed_by_item(problem).values() if weight else []:
        for a, b in combinations(occurrences, 2):
            day_a, day_b = v.day_of(a.uid), v.day_of(b.uid)
            label = f"{a.uid} / {b.uid}"
            if isinstance(day_a, int) and isinstance(day_b, int):
                if day_a == day_b:
                    terms.append(Term("repeat on one day", label, weight, 1))
                continue
            same = v.model.new_bool_var(f"same_day[{a.uid},{b.uid}]")
            v.model.add(day_a != day_b).only_enforce_if(~same)
            v.model.add(day_a == day_b).only_enforce_if(same)
            terms.append(Term("repeat on one day", label, weight, same))
    return terms


def stability(problem: Problem, v: Variables) -> list[Term]:
    """Moving a published occurrence costs the weight, more for headliners and for items
    with many artists (more calendars to update)."""
    terms = []
    for occ in problem.occurrences:
        if occ.uid not in problem.previous or not problem.weights.moved:
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
        factor = 1 + 2 * occ.headliner + len(occ.artists)
        terms.append(Term("moved", occ.uid, problem.weights.moved * factor, 1 - kept))
    return terms


def unplaced(problem: Problem, v: Variables) -> list[Term]:
    """With unplaced items allowed, each one left out costs the weight times its priority."""
    terms = []
    for occ in problem.occurrences:
        placed = v.is_placed(occ.uid)
        if not isinstance(placed, int):
            weight = problem.weights.unplaced * occ.priority
            terms.append(Term("unplaced", occ.uid, weight, 1 - placed))
    return terms


SOFT_FAMILIES = [
    preferred_venues,
    preferred_hours,
    audience_clashes,
    hotel_nights,
    repeats_on_one_day,
    stability,
    unplaced,
]

