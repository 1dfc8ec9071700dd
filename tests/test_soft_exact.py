"""The cost a solve reports is the cost of the programme it returns, even a programme that is
not optimal: each soft literal is set exactly when its violation is there.

The first solution (the greedy programme completed by propagation, with no objective to
push the literals down) is where a one-way link showed: repeats reported on one day that
were on two."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import pytest

from affiche.programmes.generate import generate_spec
from affiche.programmes.model import Spec
from affiche.scheduler.cpsat import _read_solution, build_model, complete_hint
from affiche.scheduler.problem import Problem, build_problem
from affiche.scheduler.result import SolveResult


def _day(problem: Problem, result: SolveResult, uid: str, festival: str) -> int | None:
    return problem.day_of(festival, problem.clock.ceil(result.chosen[uid].start))


def recomputed_costs(problem: Problem, result: SolveResult) -> dict[str, float]:
    """Repeats on one day, audience clashes and hotel nights, counted from the placements."""
    w = problem.weights
    timed = [o for o in problem.occurrences if not o.installation]
    by_item, by_artist = defaultdict(list), defaultdict(list)
    for occ in timed:
        by_item[occ.item].append(occ)
        for artist in occ.bound_artists:
            by_artist[(artist, occ.festival)].append(occ)
    repeats = sum(
        _day(problem, result, a.uid, a.festival) == _day(problem, result, b.uid, b.festival)
        for occs in by_item.values() for a, b in combinations(occs, 2)
    )
    clashes = 0
    for a, b in combinations(timed, 2):
        if a.item != b.item and set(a.tags) & set(b.tags):
            first, second = result.chosen[a.uid], result.chosen[b.uid]
            clashes += first.start < second.end and second.start < first.end
    nights = 0
    for occs in by_artist.values():
        days = [_day(problem, result, o.uid, o.festival) for o in occs]
        nights += max(days) - min(days) if len(days) > 1 else 0
    return {"repeat on one day": w.repeat_same_day * repeats,
            "audience clash": w.audience_clash * clashes, "hotel nights": w.hotel_nights * nights}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_first_solution_reports_its_true_cost(seed: int) -> None:
    problem = build_problem(Spec.model_validate(generate_spec(60, seed)))
    variables, terms = build_model(problem, allow_unplaced=False)
    first = complete_hint(variables.model, 10.0)
    assert first is not None
    result = SolveResult(status="feasible")
    _read_solution(result, problem, variables, terms, first, bound=None)
    expected = recomputed_costs(problem, result)
    assert sum(expected.values()) > 0  # the instance does pay something
    for family, cost in expected.items():
        assert result.terms.get(family, 0) == cost, family


def test_a_capped_clash_model_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the cap on same-audience pairs the solver weighs only those modelled: the solve
    says so, and still reports every clash of its programme."""
    from affiche.scheduler.soft import audience_clash
    from affiche.scheduler.solve import SolveOptions, solve
    from tests.builders import festival, item, make_spec, spec_data

    # three talks for families, one hour open, three venues: all three overlap
    talks = [item(f"kids-{n}", tags=["families"]) for n in range(3)]
    data = spec_data(festivals=[festival(items=talks, end="2026-06-12",
                                         hours={"opens": "10:00", "closes": "11:00"})])
    problem = build_problem(make_spec(data))
    whole = solve(problem, SolveOptions(time_limit=5, workers=1))
    assert whole.has_solution and whole.notes == []
    assert whole.terms["audience clash"] == 15
    monkeypatch.setattr(audience_clash, "MAX_CLASH_PAIRS", 1)
    capped = solve(problem, SolveOptions(time_limit=5, workers=1))
    assert capped.has_solution
    assert capped.notes and "1 pairs" in capped.notes[0]
    # the cost reported is every clash of the programme, not the one modelled pair
    assert capped.terms["audience clash"] == 15
    assert len([v for v in capped.violations if v.family == "audience clash"]) == 3
